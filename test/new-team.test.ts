/**
 * `new-team`: the scaffold passes validation and policy on the platform as it
 * is, and `build` alone then completes the onboarding (end to end in a copy:
 * scaffold, build, check, policy, kubectl kustomize).
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hasErrors } from "../src/diagnostics/diagnostic.js";
import { compile } from "../src/pipeline.js";
import { policyOf } from "../src/policy/index.js";
import { scaffoldTeam } from "../src/scaffold/new-team.js";
import { runCli } from "./support/cli.js";
import { copyProject, kustomize, type TestProject } from "./support/project.js";

const projects: TestProject[] = [];
const project = () => {
  const p = copyProject();
  projects.push(p);
  return p;
};
afterEach(() => { for (const p of projects.splice(0)) p.cleanup(); });

describe("new-team epsilon --scheduler volcano, end to end", () => {
  it("writes a team that builds, stays in sync, passes policy and kustomizes into a Volcano tenant", async () => {
    const p = project();
    const scaffold = await runCli(["new-team", "epsilon", "--scheduler", "volcano", "--owner", "epsilon-lead@example.com", "-C", p.root]);
    expect(scaffold.code).toBe(0);
    expect(scaffold.stdout).toMatch(/wrote teams\/epsilon\.yaml \(volcano scheduler, pyspark\); it passes validation and policy, with \d+ new warnings? \(below\)\./);
    // The seed's guarantees leave a new queue 2 CPU / 4Gi: the scaffold says so and sizes the job to it.
    expect(scaffold.stdout).toContain("note: exampleJob has 1 executor: a new queue can get at most 2 CPU / 4Gi");
    const text = p.read("teams/epsilon.yaml");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../schemas/team.schema.json");
    expect(text).toContain('  capability: { cpu: "2", memory: 4Gi }');
    expect(text).not.toContain("guarantee");

    expect((await runCli(["build", "-C", p.root])).code).toBe(0);
    expect((await runCli(["check", "-C", p.root])).code).toBe(0);
    const policy = await runCli(["policy", "-C", p.root]);
    expect(policy.code).toBe(0);
    expect(policy.stdout).not.toMatch(/ error /);

    const tenant = kustomize(path.join(p.root, "generated/tenants/overlays/epsilon"));
    expect(tenant.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(expect.arrayContaining(["ResourceQuota/epsilon-quota", "Role/epsilon-spark-driver"]));
    expect(tenant.find((o) => o.kind === "ResourceQuota")!.spec.hard).toEqual({ "requests.cpu": "4", "requests.memory": "8Gi", "limits.cpu": "8", "limits.memory": "16Gi", pods: "10" });
    const queues = kustomize(path.join(p.root, "generated/platform/queues"));
    expect(kustomize(path.join(p.root, "generated/platform/namespaces")).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(expect.arrayContaining(["Namespace/team-epsilon", "ClusterRole/epsilon-queue-reader"]));
    expect(queues.find((q) => q.metadata.name === "epsilon")!.spec).toEqual({ weight: 20, reclaimable: true, capability: { cpu: "2", memory: "4Gi" } });
  });
});

describe("the defaults fit the platform", () => {
  it("sizes a default-scheduler team to what its job needs when no requests are left under policy.overcommit.requests, says so, and it compiles and passes policy", async () => {
    const p = project();
    await runCli(["new-team", "gamma", "-C", p.root]);
    const result = await scaffoldTeam(p.root, { name: "zeta", scheduler: "default", language: "scala" });
    expect(result.scaffold!.text).toContain('  requests: { cpu: "3", memory: 3Gi }');
    // gamma took the requests to 24 CPU / 48Gi, 3× the workers' 8 CPU / 16Gi: (24 + 3) / 8 = 3.375×, (48 + 3) / 16 = 3.19×.
    expect(result.scaffold!.notes).toEqual(["quota requests are 3 CPU / 3Gi, the least the example job needs (3 CPU / 2688Mi); with them the teams' summed requests reach 3.38× the workers, over the threshold of 3× (policy.overcommit.requests)"]);
    p.write(result.scaffold!.file, result.scaffold!.text);
    const checked = policyOf(await compile(p.root));
    expect(hasErrors(checked.diagnostics)).toBe(false);
  });

  it("gives a roomy platform the standard tenant: two executors, capability = quota requests", async () => {
    const p = project();
    p.write("platform.yaml", p.read("platform.yaml").replace('agents: { count: 2, cpu: "4", memory: 8Gi }', 'agents: { count: 4, cpu: "8", memory: 16Gi }'));
    const { scaffold } = await scaffoldTeam(p.root, { name: "epsilon", scheduler: "volcano", language: "scala" });
    expect(scaffold!.notes).toEqual([]);
    expect(scaffold!.text).toContain('  capability: { cpu: "4", memory: 8Gi }');
    expect(scaffold!.text).toContain("instances: 2 }");
  });

  it("refuses a Volcano team when the guarantees leave no room for a job, but still scaffolds a default-scheduler one", async () => {
    const p = project();
    p.write("teams/theta.yaml", p.read("teams/theta.yaml").replace('guarantee: { cpu: "4", memory: 8Gi }', 'guarantee: { cpu: "6", memory: 12Gi }'));
    const volcano = await scaffoldTeam(p.root, { name: "epsilon", scheduler: "volcano", language: "pyspark" });
    expect(volcano.scaffold).toBeUndefined();
    expect(volcano.diagnostics.map((d) => d.message)).toEqual(["a new Volcano queue could get at most 0 CPU / 0: the queues' guarantees reserve the rest of the cluster, and even a job of one driver and one executor needs 2 CPU / 1.75Gi"]);
    expect((await scaffoldTeam(p.root, { name: "epsilon", scheduler: "default", language: "pyspark" })).scaffold).toBeDefined();
  });
});

describe("refusals (nothing is written)", () => {
  it.each([
    [["alpha"], "team `alpha` already exists (teams/alpha.yaml)"],
    [["guardrails"], "team name `guardrails` makes Application `tenant-guardrails`, which is the platform's own Application (generated/applications/platform.yaml)"],
    [["default", "--scheduler", "volcano"], "team name `default` makes Queue `default`, which is the platform's own Queue (generated/platform/queues/default.yaml)"],
    [["Data_Team"], "`Data_Team` is not a team name"],
  ])("new-team %s", async (args, message) => {
    const p = project();
    const before = readdirSync(path.join(p.root, "teams"));
    const result = await runCli(["new-team", ...args, "-C", p.root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toContain(`✖ teams/${args[0]}.yaml was not written.`);
    expect(existsSync(path.join(p.root, `teams/${args[0]}.yaml`))).toBe(args[0] === "alpha");
    expect(readdirSync(path.join(p.root, "teams"))).toEqual(before);
  });

  it("prints the file without writing it on --dry-run", async () => {
    const p = project();
    const result = await runCli(["new-team", "epsilon", "--dry-run", "--language", "scala", "-C", p.root]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# yaml-language-server: \$schema=\.\.\/schemas\/team\.schema\.json\nname: epsilon\n/);
    expect(result.stdout).toContain("  language: scala");
    expect(existsSync(path.join(p.root, "teams/epsilon.yaml"))).toBe(false);
  });
});

describe("the notes agree with the file and the warnings", () => {
  it("on a platform already at the threshold: says where the summed requests land, and why the capability is below the queue's room", async () => {
    const p = project();
    // zeta takes the seed's requests from 20 CPU / 40Gi to 24 CPU / 48Gi: 3× the workers' 8 CPU / 16Gi, no room left under 3×.
    expect((await runCli(["new-team", "zeta", "-C", p.root])).code).toBe(0);
    const { scaffold } = await scaffoldTeam(p.root, { name: "eta", scheduler: "volcano", language: "pyspark" });
    // One executor: driver 1 CPU + executor 1 CPU, 512m + 512m with Spark's 384Mi overhead each = 2 CPU / 1792Mi, rounded up to 2 CPU / 2Gi.
    expect(scaffold!.text).toContain('  requests: { cpu: "2", memory: 2Gi }');
    expect(scaffold!.text).toContain('  capability: { cpu: "2", memory: 2Gi }');
    expect(scaffold!.notes).toEqual([
      "exampleJob has 1 executor: a new queue can get at most 2 CPU / 4Gi (the cluster less the other queues' guarantees)",
      // (24 + 2) / 8 CPU = 3.25×, (48 + 2) / 16Gi = 3.125×: the larger, as the capacity-threshold warning says.
      "quota requests are 2 CPU / 2Gi, the least the example job needs (2 CPU / 1.75Gi); with them the teams' summed requests reach 3.25× the workers, over the threshold of 3× (policy.overcommit.requests)",
      "queue capability is 2 CPU / 2Gi: the team's quota requests, which are less than the 2 CPU / 4Gi a new queue can get; no guarantee (one would shrink every other queue)",
    ]);
    expect(scaffold!.newWarnings.find((d) => d.code === "capacity-threshold" && d.message.includes("requests"))!.message).toContain("CPU 26 CPU / 8 CPU = 3.25×, memory 50Gi / 16Gi = 3.13×");
    const cli = await runCli(["new-team", "eta", "--scheduler", "volcano", "-C", p.root]);
    expect(cli.stdout.split("\n")[0]).toBe(`✔ wrote teams/eta.yaml (volcano scheduler, pyspark); it passes validation and policy, with ${scaffold!.newWarnings.length} new warnings (below).`);
  });
});
