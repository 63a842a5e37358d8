/**
 * `review` on real Git repositories made in temporary directories: a commit
 * of the seed's inputs, then a change (committed, or left in the working
 * tree), each with the exact findings and exit code expected.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { hasErrors } from "../src/diagnostics/diagnostic.js";
import { FORMATS } from "../src/format/index.js";
import type { ReportContext } from "../src/format/report.js";
import { compile } from "../src/pipeline.js";
import { DESTRUCTIVE_CHECKS, GitError, reviewCompiled, reviewPlatform } from "../src/review/index.js";
import { SEED_WARNINGS, where } from "./support/diagnostics.js";
import { runCli } from "./support/cli.js";
import { applyEdits, copyProject, replace, teamLike, type TestProject } from "./support/project.js";

interface Repo extends TestProject {
  git(...args: string[]): string;
  commit(message: string): void;
}

const repos: Repo[] = [];
afterEach(() => { for (const r of repos.splice(0)) r.cleanup(); });

/** The seed's inputs, committed to a new repository (in `subdir` of it, when given). */
function seedRepo(subdir?: string): Repo {
  const project = copyProject();
  let root = project.root;
  if (subdir) {
    const inner = path.join(project.root, subdir);
    mkdirSync(inner);
    for (const entry of ["platform.yaml", "teams"]) renameSync(path.join(project.root, entry), path.join(inner, entry));
    root = inner;
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: project.root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  git("init", "-q", "-b", "main");
  git("config", "user.email", "review@example.com");
  git("config", "user.name", "review test");
  const at = (file: string) => path.join(root, file);
  const repo: Repo = {
    ...project, root, git,
    read: (file) => readFileSync(at(file), "utf8"),
    write: (file, content) => writeFileSync(at(file), content),
    remove: (file) => rmSync(at(file), { force: true }),
    commit: (message) => { git("add", "-A"); git("commit", "-q", "-m", message); },
  };
  repo.commit("seed");
  repos.push(repo);
  return repo;
}

const edit = (repo: Repo, file: string, from: string, to: string) => applyEdits(repo, { [file]: replace(from, to) });
const codes = (diagnostics: Diagnostic[], prefix: string) => diagnostics.filter((d) => d.code.startsWith(prefix)).map(where);
const review = (repo: Repo, base = "main", allowDestructive?: string[], allowInvalidBase?: boolean) => reviewPlatform({ root: repo.root, base, allowDestructive, allowInvalidBase });
const verdict = (result: { diagnostics: Diagnostic[]; context: ReportContext }) => FORMATS.markdown(result.diagnostics, false, result.context).split("\n")[0];
/** The CLI's last line in text format: its verdict. */
const summaryLine = (stdout: string) => stdout.trimEnd().split("\n").at(-1)!.replace(/ in [0-9.]+s$/, "");

describe("no change", () => {
  it("reports no changes, only the seed's policy warnings, and exit 0", async () => {
    const repo = seedRepo();
    const result = await review(repo);
    expect(result.changes).toEqual([]);
    expect(result.diagnostics.map(where)).toEqual(SEED_WARNINGS);
    expect(result.baseCommit).toBe(repo.git("rev-parse", "HEAD").trim());
    expect((await runCli(["review", "--base", "main", "-C", repo.root])).code).toBe(0);
  });
});

describe("adding epsilon (theta's copy with a guarantee that fits)", () => {
  const epsilon = teamLike("theta", "epsilon").replace('guarantee: { cpu: "4", memory: 8Gi }', 'guarantee: { cpu: "1", memory: 2Gi }');

  it("fails on theta's job, which the other queues' guarantees leave no room for (exit 1)", async () => {
    const repo = seedRepo();
    repo.write("teams/epsilon.yaml", epsilon);
    const result = await review(repo);
    expect(codes(result.diagnostics, "review/")).toEqual([]);
    expect(result.diagnostics.filter((d) => d.severity === "error").map(where)).toEqual(["error job-fits-queue teams/epsilon.yaml:20:3"]);
    expect((await runCli(["review", "--base", "main", "-C", repo.root])).code).toBe(1);
  });

  it("passes with one executor: 17 objects added, the operator's job namespaces changed, no destructive change (exit 0)", async () => {
    const repo = seedRepo();
    repo.write("teams/epsilon.yaml", epsilon.replace("instances: 2", "instances: 1"));
    const result = await review(repo);
    expect(hasErrors(result.diagnostics)).toBe(false);
    // epsilon's 6 CPU of requests take the summed quotas past both thresholds (26 / 8 CPU > 3×, 40 / 8 CPU > 4×):
    // findings about the sums move from platform.yaml, which the change does not touch, to epsilon's quota lines.
    expect(result.diagnostics.map(where)).toEqual([
      "warning volcano-guarantees platform.yaml:45:17",
      "warning volcano-guarantees teams/delta.yaml:17:15",
      "warning capacity-threshold teams/epsilon.yaml:9:20",
      "warning capacity-threshold teams/epsilon.yaml:10:18",
      "warning volcano-guarantees teams/epsilon.yaml:17:15",
      // What default-scheduler pods can take from the guarantees grew with epsilon's guarantee: at that line.
      "warning mixed-schedulers teams/epsilon.yaml:18:21",
      "warning volcano-guarantees teams/theta.yaml:17:15",
    ]);
    const added = result.changes.filter((c) => c.change === "added");
    expect(added.length).toBe(17);
    expect(added.every((c) => c.team === "epsilon")).toBe(true);
    expect(added.map((c) => `${c.kind}/${c.name}`)).toEqual(expect.arrayContaining(["Namespace/team-epsilon", "Queue/epsilon", "AppProject/team-epsilon", "Application/tenant-epsilon", "ClusterRole/epsilon-queue-reader"]));
    expect(result.changes.filter((c) => c.change !== "added")).toEqual([{
      change: "changed", apiVersion: "argoproj.io/v1alpha1", kind: "Application", name: "spark-operator", namespace: "argocd", source: "generated/applications",
      fields: [{ path: "spec.source.helm.valuesObject.spark.jobNamespaces[]", after: "team-epsilon" }],
    }]);
    const guarantees = result.context.capacity!.filter((l) => l.resource === "queue guarantees").map((l) => [l.before!.amount, l.after.amount]);
    expect(guarantees).toEqual([[8000, 9000], [16 * 2 ** 30, 18 * 2 ** 30]]);
    expect((await runCli(["review", "--base", "main", "-C", repo.root])).code).toBe(0);
  });
});

describe("removing a team", () => {
  const beta = [
    "error review/application-deleted teams/beta.yaml",
    "error review/appproject-deleted teams/beta.yaml",
    "error review/namespace-deleted teams/beta.yaml",
    "error review/rbac-removed teams/beta.yaml",
  ];

  it("reports the namespace, project, Application and RBAC deleted as errors (exit 1)", async () => {
    const repo = seedRepo();
    repo.git("rm", "-q", "teams/beta.yaml");
    repo.commit("remove beta");
    const result = await review(repo, "HEAD~1");
    expect(codes(result.diagnostics, "review/")).toEqual(beta);
    const [application, , namespace, rbac] = result.diagnostics.filter((d) => d.code.startsWith("review/"));
    expect(application.message).toBe("destructive change to team `beta`: Application argocd/tenant-beta is deleted, with Argo CD's resources finalizer: the objects it deployed are deleted with it; Argo CD no longer manages what it deployed");
    // Said once, and only what happens: the finalizer deletes, so nothing is "left unmanaged".
    expect(application.message).not.toMatch(/unmanaged|pruned or/);
    expect(namespace.message).toContain("Namespace team-beta is no longer generated: Argo CD keeps it (it is marked Delete=false) but nothing manages it any more");
    expect(rbac.message).toContain("Role team-beta/beta-spark-driver is deleted; RoleBinding team-beta/beta-spark-driver is deleted; ServiceAccount team-beta/beta-sa is deleted");
    expect(rbac.hint).toBe("If this is intended, allow it explicitly: `--allow-destructive beta` (on a pull request: the label `allow-destructive:beta`).");
    expect(result.changes.filter((c) => c.change === "removed").length).toBe(14);
    expect((await runCli(["review", "--base", "HEAD~1", "-C", repo.root])).code).toBe(1);
  });

  it("says of a deleted Application without the resources finalizer that its objects stay, unmanaged", () => {
    const [applicationDeleted] = DESTRUCTIVE_CHECKS.filter((c) => c.id === "review/application-deleted");
    const app = (finalizers?: string[]) => ({ id: "", source: "", object: { apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: "x", namespace: "argocd", ...(finalizers ? { finalizers } : {}) } } });
    const change = { change: "removed" as const, apiVersion: "argoproj.io/v1alpha1", kind: "Application", name: "x", namespace: "argocd", source: "" };
    expect(applicationDeleted.detect(change, app()).map((d) => d.detail)).toEqual(["Application argocd/x is deleted, without Argo CD's resources finalizer: the objects it deployed stay in the cluster, unmanaged"]);
    expect(applicationDeleted.detect(change, app(["resources-finalizer.argocd.argoproj.io"])).map((d) => d.detail)).toEqual(["Application argocd/x is deleted, with Argo CD's resources finalizer: the objects it deployed are deleted with it"]);
  });

  it("turns them into warnings that name the allowance when allowed explicitly (exit 0), and flags an allowance that covers nothing", async () => {
    const repo = seedRepo();
    repo.remove("teams/beta.yaml");
    const result = await review(repo, "main", ["beta", "gamma"]);
    expect(codes(result.diagnostics, "review/")).toEqual([
      "warning review/allowance-unused",
      ...beta.map((d) => d.replace("error", "warning")),
    ]);
    expect(result.diagnostics.find((d) => d.code === "review/namespace-deleted")!.message).toMatch(/\(allowed by --allow-destructive beta,gamma\)$/);
    expect(result.context.allowance).toEqual({ teams: ["beta", "gamma"], source: "--allow-destructive beta,gamma" });
    expect(FORMATS.markdown(result.diagnostics, false, result.context)).toContain("**Destructive changes allowed for:** `beta`, `gamma` (--allow-destructive beta,gamma)");
    const cli = await runCli(["review", "--base", "main", "--allow-destructive", "beta", "--allowed-by", "the pull request label allow-destructive:beta", "--format", "markdown", "-C", repo.root]);
    expect(cli.code).toBe(0);
    expect(cli.stdout.split("\n")[0]).toBe("### ✅ Review against main: no errors, 7 warnings. Safe to merge once the warnings are read.");
    expect(cli.stdout).toContain("(the pull request label allow-destructive:beta)");

    // A typo leaves beta's damage blocked; the warning names the team it was probably meant for.
    const typo = await review(repo, "main", ["bta"]);
    expect(codes(typo.diagnostics, "review/")).toEqual(["warning review/allowance-unused", ...beta]);
    expect(typo.diagnostics.find((d) => d.code === "review/allowance-unused")!.hint).toBe("Did you mean `beta`, whose destructive changes are not allowed? Otherwise remove the allowance, so that it cannot cover a later change by mistake.");
  });
});

describe("lowering a quota", () => {
  it("is an error at the lowered line (exit 1); raising one is not", async () => {
    const repo = seedRepo();
    edit(repo, "teams/theta.yaml", 'requests: { cpu: "6", memory: 12Gi }', 'requests: { cpu: "4", memory: 12Gi }');
    repo.commit("lower theta's quota");
    const result = await review(repo, "HEAD~1");
    expect(codes(result.diagnostics, "review/")).toEqual(["error review/quota-lowered teams/theta.yaml:9:20"]);
    expect(result.diagnostics.find((d) => d.code === "review/quota-lowered")!.message).toBe(
      "destructive change to team `theta`: ResourceQuota team-theta/theta-quota lowers requests.cpu from 6 to 4; running pods keep running, but pods beyond the lower quota are refused, and jobs beyond the lower capability wait",
    );
    expect(result.changes).toEqual([expect.objectContaining({ change: "changed", kind: "ResourceQuota", name: "theta-quota", team: "theta", fields: [{ path: 'spec.hard["requests.cpu"]', before: "6", after: "4" }] })]);
    expect((await runCli(["review", "--base", "HEAD~1", "-C", repo.root])).code).toBe(1);

    edit(repo, "teams/theta.yaml", 'requests: { cpu: "4", memory: 12Gi }', 'requests: { cpu: "5", memory: 12Gi }');
    expect(codes((await review(repo, "HEAD")).diagnostics, "review/")).toEqual([]);
  });

  it("counts a queue capability lowered below what the queue could get as a lowered quota", async () => {
    const repo = seedRepo();
    // delta can get at most 6 CPU / 12Gi (10 CPU / 20Gi less theta's guarantee of 4 CPU / 8Gi): 5 CPU takes 1 CPU away.
    edit(repo, "teams/delta.yaml", 'capability: { cpu: "8", memory: 16Gi }', 'capability: { cpu: "5", memory: 10Gi }');
    const result = await review(repo);
    expect(codes(result.diagnostics, "review/")).toEqual(["error review/quota-lowered teams/delta.yaml:17:22"]);
    expect(result.diagnostics.find((d) => d.code === "review/quota-lowered")!.message).toContain("Queue delta lowers capability.cpu from 8 to 5; Queue delta lowers capability.memory from 16Gi to 10Gi");
  });

  it("does not count a capability lowered to what the queue can really get, as the seed's own warning advises", async () => {
    const repo = seedRepo();
    const advice = (await review(repo)).diagnostics.find((d) => d.code === "volcano-guarantees" && d.file === "teams/delta.yaml")!;
    expect(advice.hint).toMatch(/^Lower the capability to 6 CPU \/ 12Gi /);
    edit(repo, "teams/delta.yaml", 'capability: { cpu: "8", memory: 16Gi }', 'capability: { cpu: "6", memory: 12Gi }');
    const result = await review(repo);
    expect(result.changes).toEqual([expect.objectContaining({ change: "changed", kind: "Queue", name: "delta" })]);
    expect(codes(result.diagnostics, "review/")).toEqual([]);
    expect(hasErrors(result.diagnostics)).toBe(false);
    // The advice is followed: delta's warning is gone.
    expect(result.diagnostics.filter((d) => d.code === "volcano-guarantees").map(where)).toEqual(["warning volcano-guarantees platform.yaml:45:17", "warning volcano-guarantees teams/theta.yaml:17:15"]);
    // One step below it is destructive again, in that dimension only.
    edit(repo, "teams/delta.yaml", 'capability: { cpu: "6", memory: 12Gi }', 'capability: { cpu: "6", memory: 11Gi }');
    const below = (await review(repo)).diagnostics.find((d) => d.code === "review/quota-lowered")!;
    expect(below.message).toContain("Queue delta lowers capability.memory from 16Gi to 11Gi; running pods");
    expect(below.message).not.toContain("capability.cpu");
  });
});

describe("the platform's own objects", () => {
  it("are allowed by the name `platform`, or by `*`", async () => {
    const repo = seedRepo();
    // default can get at most 2 CPU: 1 CPU takes some of it away.
    edit(repo, "platform.yaml", 'capability: { cpu: "4", memory: 8Gi }', 'capability: { cpu: "1", memory: 8Gi }');
    const blocked = await review(repo);
    expect(codes(blocked.diagnostics, "review/")).toEqual(["error review/quota-lowered platform.yaml:45:24"]);
    expect(blocked.diagnostics.find((d) => d.code === "review/quota-lowered")!.message).toBe(
      "destructive change to the platform: Queue default lowers capability.cpu from 4 to 1; running pods keep running, but pods beyond the lower quota are refused, and jobs beyond the lower capability wait",
    );
    expect(codes((await review(repo, "main", ["platform"])).diagnostics, "review/")).toEqual(["warning review/quota-lowered platform.yaml:45:24"]);
    expect(codes((await review(repo, "main", ["*"])).diagnostics, "review/")).toEqual(["warning review/quota-lowered platform.yaml:45:24"]);
    expect(codes((await review(repo, "main", ["delta"])).diagnostics, "review/")).toEqual(["warning review/allowance-unused", "error review/quota-lowered platform.yaml:45:24"]);
  });
});

describe("RBAC", () => {
  it("widens legitimately when a team moves to Volcano: queue access added, nothing destructive (exit 0)", async () => {
    const repo = seedRepo();
    edit(repo, "teams/alpha.yaml", "scheduler: default", "scheduler: volcano");
    edit(repo, "teams/alpha.yaml", "exampleJob:", 'queue:\n  weight: 20\n  capability: { cpu: "2", memory: 4Gi }\nexampleJob:');
    edit(repo, "teams/alpha.yaml", "instances: 2", "instances: 1");
    const result = await review(repo);
    expect(hasErrors(result.diagnostics)).toBe(false);
    expect(codes(result.diagnostics, "review/")).toEqual([]);
    const alpha = result.changes.filter((c) => c.team === "alpha").map((c) => `${c.change} ${c.kind}/${c.name}`);
    expect(alpha).toEqual(expect.arrayContaining(["added ClusterRole/alpha-queue-reader", "added ClusterRoleBinding/alpha-queue-reader", "added Queue/alpha", "changed Role/alpha-spark-driver"]));
    const role = result.changes.find((c) => c.kind === "Role" && c.team === "alpha")!;
    expect(role.fields).toEqual([
      { path: "metadata.labels[\"spark-platform.io/scheduler\"]", before: "default", after: "volcano" },
      { path: "rules[6]", after: { apiGroups: ["scheduling.volcano.sh"], resources: ["podgroups"], verbs: ["get", "list", "watch"] } },
    ]);
  });

  it("narrows destructively when a team leaves Volcano: queue deleted and RBAC removed (exit 1)", async () => {
    const repo = seedRepo();
    edit(repo, "teams/theta.yaml", "scheduler: volcano", "scheduler: default");
    repo.write("teams/theta.yaml", repo.read("teams/theta.yaml").replace(/^queue:\n(  .*\n)+/m, ""));
    const result = await review(repo);
    expect(codes(result.diagnostics, "review/")).toEqual(["error review/queue-deleted teams/theta.yaml:7:12", "error review/rbac-removed teams/theta.yaml:7:12"]);
    expect(result.diagnostics.find((d) => d.code === "review/rbac-removed")!.message).toContain(
      "ClusterRole theta-queue-reader is deleted; ClusterRoleBinding theta-queue-reader is deleted; Role team-theta/theta-spark-driver loses get scheduling.volcano.sh/podgroups, list scheduling.volcano.sh/podgroups, watch scheduling.volcano.sh/podgroups",
    );
  });

  it("reports a widened Role as a change and a policy error (no team file can: the generated Role is mutated here)", async () => {
    // The team schema has no RBAC field, and every tenant gets the same Role,
    // so widening comes only from a change to the generator: simulated by
    // mutating the working tree's synthesized Role before the comparison.
    const repo = seedRepo();
    const base = await compile(repo.root, { lint: false, render: false });
    const head = await compile(repo.root, { lint: false, render: false });
    const role = head.synthesis!.builds.find((b) => b.dir === "generated/tenants/overlays/alpha")!.objects.find((o) => o.kind === "Role")!;
    (role.rules as object[]).push({ apiGroups: [""], resources: ["secrets"], verbs: ["get", "create", "update"] });
    const result = reviewCompiled(base, head, "main");
    expect(result.diagnostics.filter((d) => d.severity === "error").map(where)).toEqual(["error rbac-least-privilege teams/alpha.yaml:2:7"]);
    expect(result.diagnostics.find((d) => d.code === "rbac-least-privilege")!.message).toBe("tenant `alpha`: Role alpha-spark-driver grants write access to secrets");
    expect(result.changes).toEqual([expect.objectContaining({
      change: "changed", kind: "Role", name: "alpha-spark-driver",
      fields: [{ path: "rules[6]", after: { apiGroups: [""], resources: ["secrets"], verbs: ["get", "create", "update"] } }],
    })]);
  });
});

describe("overcommitting guarantees", () => {
  it("refuses guarantees that add up to more than the cluster: the working tree does not build (exit 1)", async () => {
    const repo = seedRepo();
    edit(repo, "teams/theta.yaml", 'guarantee: { cpu: "4", memory: 8Gi }', 'guarantee: { cpu: "7", memory: 8Gi }');
    const result = await review(repo);
    // One problem, on the file the change touched: delta's guarantee is as it was.
    expect(result.diagnostics.map(where)).toEqual([
      "error queue/guarantees-exceed-cluster teams/theta.yaml:18:14",
    ]);
    expect(result.diagnostics[0].message).toContain("cpu: delta 4 CPU + theta 7 CPU = 11 CPU > 10 CPU");
    expect(result.changes).toEqual([]);
    expect((await runCli(["review", "--base", "main", "-C", repo.root])).code).toBe(1);
  });

  it("warns when guarantees fill the cluster, leaving the default queue nothing (exit 0)", async () => {
    const repo = seedRepo();
    edit(repo, "teams/theta.yaml", 'guarantee: { cpu: "4", memory: 8Gi }', 'guarantee: { cpu: "6", memory: 12Gi }');
    const result = await review(repo);
    expect(codes(result.diagnostics, "volcano-guarantees")).toEqual([
      "warning volcano-guarantees platform.yaml:45:17",
      "warning volcano-guarantees teams/delta.yaml:17:15",
      "warning volcano-guarantees teams/theta.yaml:17:15",
    ]);
    expect(result.diagnostics.find((d) => d.file === "platform.yaml" && d.code === "volcano-guarantees")!.message).toContain("queue `default` can get at most 0 CPU / 0, less than its capability of 4 CPU / 8Gi");
    expect(hasErrors(result.diagnostics)).toBe(false);
    expect(result.changes.map((c) => `${c.kind}/${c.name} ${c.fields!.map((f) => f.path).join(", ")}`)).toEqual(["Queue/theta spec.guarantee.resource.cpu, spec.guarantee.resource.memory"]);
  });
});

describe("the base ref", () => {
  it("works for a project in a subdirectory of the repository", async () => {
    const repo = seedRepo("platform");
    repo.remove("teams/alpha.yaml");
    const result = await review(repo);
    expect(result.changes.filter((c) => c.change === "removed" && c.kind === "Namespace").map((c) => c.name)).toEqual(["team-alpha"]);
  });

  // Changed on purpose: a base that does not build used to be a warning, so such a review could say ✅.
  it("cannot compare when the base has no platform yet: an error, unless told to review the working tree alone", async () => {
    const repo = seedRepo();
    repo.git("checkout", "-q", "--orphan", "empty");
    repo.git("rm", "-rq", "--cached", ".");
    repo.git("commit", "-q", "--allow-empty", "-m", "empty");
    const result = await review(repo, "empty");
    expect(codes(result.diagnostics, "review/")).toEqual(["error review/base-invalid", "warning review/several-owners"]);
    expect(result.diagnostics[0].message).toBe("cannot compare: the platform at empty does not build (1 error, the first: platform.yaml not found in the base), so the working tree was reviewed alone and every object shows as added");
    expect(result.changes.every((c) => c.change === "added")).toBe(true);
    expect(verdict(result)).toBe("### ❌ Review against empty: 1 error, 7 warnings. Not safe to merge as it is; the base empty does not build, so nothing was compared; it changes the files of teams `alpha`, `beta`, `delta` and `theta` and platform files.");
    expect((await runCli(["review", "--base", "empty", "-C", repo.root])).code).toBe(1);

    const alone = await review(repo, "empty", undefined, true);
    expect(codes(alone.diagnostics, "review/")).toEqual(["warning review/base-invalid", "warning review/several-owners"]);
    expect(verdict(alone)).toBe("### ⚠️ Review against empty: no errors, 8 warnings. Not safe to merge before a platform engineer reads it: the base empty does not build, so nothing was compared; it changes the files of teams `alpha`, `beta`, `delta` and `theta` and platform files.");
    const cli = await runCli(["review", "--base", "empty", "--allow-invalid-base", "-C", repo.root]);
    expect(cli.code).toBe(0);
    expect(summaryLine(cli.stdout)).toMatch(/^⚠ empty \([0-9a-f]{12}\) → working tree: \d+ added, 0 removed, 0 changed; 0 errors, 8 warnings; not safe to merge before a platform engineer reads it: the base empty does not build, so nothing was compared; it changes the files of teams `alpha`, `beta`, `delta` and `theta` and platform files$/);
  });

  it("is never ✅ when the base does not build: a committed team file with cpu: 1e21, fixed in the working tree", async () => {
    const repo = seedRepo();
    edit(repo, "teams/alpha.yaml", 'requests: { cpu: "4", memory: 8Gi }', "requests: { cpu: 1e21, memory: 8Gi }");
    edit(repo, "teams/alpha.yaml", 'limits: { cpu: "8", memory: 16Gi }', "limits: { cpu: 1e21, memory: 16Gi }");
    repo.commit("alpha asks for 1e21 CPU");
    const broken = await review(repo, "HEAD~1");
    expect(broken.diagnostics.filter((d) => d.severity === "error").map(where)).toEqual(["error schema/maximum teams/alpha.yaml:9:20", "error schema/maximum teams/alpha.yaml:10:18"]);
    const cli = await runCli(["review", "--base", "HEAD~1", "-C", repo.root]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).not.toMatch(/internal error|\n\s+at /);

    edit(repo, "teams/alpha.yaml", "requests: { cpu: 1e21, memory: 8Gi }", 'requests: { cpu: "4", memory: 8Gi }');
    edit(repo, "teams/alpha.yaml", "limits: { cpu: 1e21, memory: 16Gi }", 'limits: { cpu: "8", memory: 16Gi }');
    const repaired = await review(repo, "HEAD");
    expect(codes(repaired.diagnostics, "review/")).toEqual(["error review/base-invalid"]);
    expect(repaired.diagnostics[0].message).toBe("cannot compare: the platform at HEAD does not build (2 errors, the first: `quota.requests.cpu` is number 1e+21; it must be at most 999999999999999), so the working tree was reviewed alone and every object shows as added");
    expect(repaired.diagnostics[0].hint).toBe("Compare against a base that builds (--base), or, for the first pull request of a platform or to repair a broken base, pass --allow-invalid-base and review every object by eye.");
    expect(verdict(repaired)).toBe("### ❌ Review against HEAD: 1 error, 6 warnings. Not safe to merge as it is; the base HEAD does not build, so nothing was compared.");
    expect(verdict(await review(repo, "HEAD", undefined, true))).toBe("### ⚠️ Review against HEAD: no errors, 7 warnings. Not safe to merge before a platform engineer reads it: the base HEAD does not build, so nothing was compared.");
  });

  it("refuses an unknown ref (exit 2), and touches neither the working tree nor the index", async () => {
    const repo = seedRepo();
    repo.write("teams/alpha.yaml", repo.read("teams/alpha.yaml").replace('cpu: "4"', 'cpu: "5"'));
    const status = repo.git("status", "--porcelain");
    await expect(review(repo, "no-such-branch")).rejects.toThrow(GitError);
    const cli = await runCli(["review", "--base", "no-such-branch", "-C", repo.root]);
    expect(cli.code).toBe(2);
    // The reason in words, not a git command with nothing after its colon.
    expect(cli.stderr.split("\n")[0]).toBe("error  unknown Git ref: no-such-branch: no branch, tag or commit of this repository has that name");
    expect((await runCli(["review", "--base", "mian", "-C", repo.root])).stderr.split("\n")[0]).toBe("error  unknown Git ref: mian: no branch, tag or commit of this repository has that name; did you mean `main`?");
    await review(repo, "main");
    expect(repo.git("status", "--porcelain")).toBe(status);
  });
});

describe("whose files a change touches", () => {
  /** The seed with generated/ and argocd/ built and committed, as in a real repository. */
  async function builtRepo(subdir?: string): Promise<Repo> {
    const repo = seedRepo(subdir);
    expect((await runCli(["build", "-C", repo.root])).code).toBe(0);
    repo.commit("build");
    return repo;
  }
  const owners = (result: { context: ReportContext }) => result.context.owners!;

  it("onboarding a team is that team's change alone, though shared generated files change with it", async () => {
    const repo = await builtRepo();
    repo.write("teams/epsilon.yaml", teamLike("theta", "epsilon").replace('guarantee: { cpu: "4", memory: 8Gi }', 'guarantee: { cpu: "1", memory: 2Gi }').replace("instances: 2", "instances: 1"));
    expect((await runCli(["build", "-C", repo.root])).code).toBe(0);
    const changed = repo.git("status", "--porcelain", "--untracked-files=all").split("\n").filter(Boolean);
    expect(changed.filter((l) => !l.includes("epsilon")).length).toBeGreaterThan(0); // shared files: the Applications' kustomization, the operator's job namespaces…
    const result = await review(repo);
    expect(owners(result)).toEqual({ teams: ["epsilon"], platform: false, files: [{ path: "teams/epsilon.yaml", owner: "epsilon" }], generated: changed.length - 1 });
    expect(codes(result.diagnostics, "review/")).toEqual([]);
    expect(result.context.attention).toBeUndefined();
    expect(verdict(result)).toBe("### ✅ Review against main: no errors, 7 warnings. Safe to merge once the warnings are read.");
    expect(FORMATS.markdown(result.diagnostics, false, result.context).split("\n")).toContain("**Whose files:** team `epsilon`");
  });

  it("a change to two teams is a warning that the verdict names, in every format (exit 0)", async () => {
    const repo = await builtRepo();
    edit(repo, "teams/alpha.yaml", "description: PySpark batch jobs on the default scheduler.", "description: PySpark batch jobs.");
    edit(repo, "teams/beta.yaml", "description: Scala Spark jobs on the default scheduler.", "description: Scala jobs.");
    const result = await review(repo);
    expect(owners(result)).toEqual({ teams: ["alpha", "beta"], platform: false, files: [{ path: "teams/alpha.yaml", owner: "alpha" }, { path: "teams/beta.yaml", owner: "beta" }], generated: 0 });
    expect(result.diagnostics.filter((d) => d.code.startsWith("review/"))).toEqual([{
      severity: "warning", code: "review/several-owners",
      message: "this change touches the files of 2 owners: team `alpha` (teams/alpha.yaml) and team `beta` (teams/beta.yaml); each owner approves what is theirs, so a platform engineer must read the whole change before it is merged",
      hint: "Split it: one pull request per team, and the platform's changes in their own.",
      baseline: "new",
    }]);
    // The verdict counts what the change introduces: the seed's own 6 warnings are collapsed below it.
    expect(verdict(result)).toBe("### ⚠️ Review against main: no errors, 1 warning. Not safe to merge before a platform engineer reads it: it changes the files of teams `alpha` and `beta`.");
    expect(FORMATS.text(result.diagnostics, false, result.context).split("\n").slice(0, 3)).toEqual([
      "Review against main", "", "⚠ Not safe to merge before a platform engineer reads it: it changes the files of teams `alpha` and `beta`.",
    ]);
    expect(FORMATS.github(result.diagnostics, false, result.context)).toContain("::warning title=review/several-owners::this change touches the files of 2 owners");
    expect(JSON.parse(FORMATS.json(result.diagnostics, false, result.context)).attention).toEqual(["it changes the files of teams `alpha` and `beta`"]);
    const cli = await runCli(["review", "--base", "main", "-C", repo.root]);
    expect(cli.code).toBe(0);
    expect(summaryLine(cli.stdout)).toMatch(/^⚠ main \([0-9a-f]{12}\) → working tree: 0 added, 0 removed, 0 changed; 0 errors, 1 warning \(and 6 already on main\); not safe to merge before a platform engineer reads it: it changes the files of teams `alpha` and `beta`$/);
  });

  it("a pull request that raises another team's quota is an error at that quota, never safe (exit 1)", async () => {
    const repo = await builtRepo();
    // mallory's pull request: an edit of its own file, and beta's quota raised on the side.
    edit(repo, "teams/alpha.yaml", "contact: \"#team-alpha\"", "contact: \"#team-alpha-new\"");
    edit(repo, "teams/beta.yaml", 'requests: { cpu: "4", memory: 8Gi }', 'requests: { cpu: "5", memory: 8Gi }');
    const result = await review(repo);
    expect(codes(result.diagnostics, "review/")).toEqual(["warning review/several-owners", "error review/other-team-quota teams/beta.yaml:9:20"]);
    expect(result.diagnostics.find((d) => d.code === "review/other-team-quota")).toMatchObject({
      message: "team `beta`'s quota changes (quota.requests.cpu 4 → 5) in a change that also touches the files of team `alpha`: a quota is a share of the cluster every team uses, so only a change of that team alone, which its owners review, may set it",
      hint: "Move the change to teams/beta.yaml into a pull request of its own.",
    });
    expect(verdict(result)).toBe("### ❌ Review against main: 1 error, 3 warnings. Not safe to merge as it is; it changes the files of teams `alpha` and `beta`.");
    const cli = await runCli(["review", "--base", "main", "-C", repo.root]);
    expect(cli.code).toBe(1);
    expect(summaryLine(cli.stdout)).toMatch(/^✖ main .*; 1 error, 3 warnings \(and 4 already on main\)$/);

    // The same raise alone is beta's own pull request: no finding about owners.
    edit(repo, "teams/alpha.yaml", "contact: \"#team-alpha-new\"", "contact: \"#team-alpha\"");
    expect(codes((await review(repo)).diagnostics, "review/")).toEqual([]);
  });

  it("a second team added with another team's change is a quota change too", async () => {
    const repo = await builtRepo();
    edit(repo, "teams/alpha.yaml", "contact: \"#team-alpha\"", "contact: \"#team-alpha-2\"");
    repo.write("teams/alpha2.yaml", teamLike("alpha", "alpha2"));
    const result = await review(repo);
    expect(codes(result.diagnostics, "review/")).toEqual(["warning review/several-owners", "error review/other-team-quota teams/alpha2.yaml:9:3"]);
    expect(result.diagnostics.find((d) => d.code === "review/other-team-quota")!.message).toBe(
      "team `alpha2` is added with a quota of 4 CPU / 8Gi of requests, 8 CPU / 16Gi of limits and 10 pods in a change that also touches the files of team `alpha`: a quota is a share of the cluster every team uses, so only a change of that team alone, which its owners review, may set it",
    );
  });

  it("a team's file with platform files is a warning that lists them, outside the project too", async () => {
    const repo = await builtRepo("platform");
    edit(repo, "teams/alpha.yaml", "contact: \"#team-alpha\"", "contact: \"#team-alpha-2\"");
    mkdirSync(path.join(repo.root, "../.github/workflows"), { recursive: true });
    writeFileSync(path.join(repo.root, "../.github/workflows/pr.yaml"), "name: pr\n");
    edit(repo, "platform.yaml", "policy:\n", "policy:\n  rules: { mixed-schedulers: off }\n");
    const result = await review(repo);
    expect(owners(result)).toEqual({
      teams: ["alpha"], platform: true, generated: 0,
      files: [{ path: "../.github/workflows/pr.yaml", owner: "platform" }, { path: "platform.yaml", owner: "platform" }, { path: "teams/alpha.yaml", owner: "alpha" }],
    });
    expect(result.diagnostics.find((d) => d.code === "review/several-owners")!.message).toBe(
      "this change touches the files of 2 owners: team `alpha` (teams/alpha.yaml) and the platform (../.github/workflows/pr.yaml and platform.yaml); each owner approves what is theirs, so a platform engineer must read the whole change before it is merged",
    );
    expect(verdict(result)).toBe("### ⚠️ Review against main: no errors, 1 warning. Not safe to merge before a platform engineer reads it: it changes the files of team `alpha` and platform files.");
  });

  it("counts a generated file edited by hand, or a stray file in a team's folder, for its owner", async () => {
    const repo = await builtRepo();
    edit(repo, "teams/alpha.yaml", "contact: \"#team-alpha\"", "contact: \"#team-alpha-2\"");
    // Neither follows from alpha's change: the compiler's output for them did not change.
    edit(repo, "generated/examples/beta/spark-application.yaml", "spark-pi", "spark-pi-2");
    repo.write("generated/tenants/overlays/delta/extra.yaml", "kind: ConfigMap\n");
    repo.write("generated/stray.yaml", "kind: ConfigMap\n");
    const result = await review(repo);
    expect(owners(result).files).toEqual([
      { path: "generated/examples/beta/spark-application.yaml", owner: "beta" },
      { path: "generated/stray.yaml", owner: "platform" },
      { path: "generated/tenants/overlays/delta/extra.yaml", owner: "delta" },
      { path: "teams/alpha.yaml", owner: "alpha" },
    ]);
    expect(verdict(result)).toBe("### ⚠️ Review against main: no errors, 1 warning. Not safe to merge before a platform engineer reads it: it changes the files of teams `alpha`, `beta` and `delta` and platform files.");
  });

  it("quotes a file name that could break the report", async () => {
    const repo = await builtRepo();
    edit(repo, "teams/alpha.yaml", "contact: \"#team-alpha\"", "contact: \"#team-alpha-2\"");
    repo.write("notes |\n## x.md", "x\n");
    const result = await review(repo);
    expect(owners(result).files.map((f) => f.path)).toEqual(["notes |\n## x.md", "teams/alpha.yaml"]);
    expect(result.diagnostics.find((d) => d.code === "review/several-owners")!.message).toContain('the platform ("notes |\\n## x.md")');
  });
});

describe("what the pull request changes", () => {
  const marked = (diagnostics: Diagnostic[]) => diagnostics.map((d) => `${d.baseline} ${where(d)}`);

  it("marks every finding of an untouched platform as already on the base: ✅, no new findings", async () => {
    const repo = seedRepo();
    const result = await review(repo);
    expect(marked(result.diagnostics)).toEqual(SEED_WARNINGS.map((w) => `unchanged ${w}`));
    const md = FORMATS.markdown(result.diagnostics, false, result.context);
    expect(md.split("\n")[0]).toBe("### ✅ Review against main: no errors, 0 warnings. Safe to merge.");
    expect(md).toContain("No new findings.");
    expect(md).toContain("<details><summary>Already on main (6)</summary>");
    const cli = await runCli(["review", "--base", "main", "-C", repo.root]);
    expect(summaryLine(cli.stdout)).toMatch(/; 0 errors, 0 warnings \(and 6 already on main\)$/);
  });

  it("leads with alpha's raised quota: the overcommit it worsens, at alpha's changed line, and the crossed threshold on its row", async () => {
    const repo = seedRepo();
    edit(repo, "teams/alpha.yaml", 'requests: { cpu: "4", memory: 8Gi }\n  limits: { cpu: "8", memory: 16Gi }', 'requests: { cpu: "16", memory: 64Gi }\n  limits: { cpu: "16", memory: 64Gi }');
    const result = await review(repo);
    // alpha's file is the one the pull request changes: what the raise causes is there, at the raised line, so GitHub shows it inline.
    expect(marked(result.diagnostics)).toEqual([
      "unchanged warning volcano-guarantees platform.yaml:45:17",
      "new warning capacity-threshold teams/alpha.yaml:9:20",
      // Worded anew: the guarantees went from falling short by 6 CPU / 12Gi to nothing left of them.
      "new warning mixed-schedulers teams/alpha.yaml:9:20",
      "new error quota-within-cluster teams/alpha.yaml:9:20",
      "new error quota-within-cluster teams/alpha.yaml:9:34",
      "new warning capacity-threshold teams/alpha.yaml:10:18",
      "new error quota-within-cluster teams/alpha.yaml:10:18",
      "new error quota-within-cluster teams/alpha.yaml:10:32",
      "unchanged warning volcano-guarantees teams/delta.yaml:17:15",
      "unchanged warning volcano-guarantees teams/theta.yaml:17:15",
    ]);
    // Requests went from 20 CPU / 40Gi (2.5×) to 32 CPU / 96Gi (4× and 6× of 8 CPU / 16Gi), over the threshold of 3×; limits from 4× to 5× and 7×, over 4×.
    expect(result.context.capacity!.filter((l) => l.crossed).map((l) => `${l.resource} ${l.dimension}`)).toEqual(["quota requests cpu", "quota requests memory", "quota limits cpu", "quota limits memory"]);
    const md = FORMATS.markdown(result.diagnostics, false, result.context);
    expect(md.split("\n")[0]).toBe("### ❌ Review against main: 4 errors, 3 warnings. Not safe to merge as it is.");
    expect(md).toContain("<details><summary>Findings (7)</summary>");
    expect(md).toContain("<details><summary>Already on main (3)</summary>");
    expect(md).toContain("| 3× ⚠ crossed by this change |");
    const json = JSON.parse(FORMATS.json(result.diagnostics, false, result.context));
    expect(json.base).toBe("main");
    expect(json.diagnostics.filter((d: Diagnostic) => d.baseline === "unchanged")).toHaveLength(3);
  });
});
