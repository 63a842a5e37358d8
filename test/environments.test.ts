// Environments (environments/<name>.yaml): one platform definition on several
// clusters under one Argo CD. Each environment's Argo CD objects are prefixed
// and point at its cluster, its files live in its own directory (a change to
// one environment rewrites only its files), teams may be limited to some, and
// every check runs per environment, naming it where not every one has it.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { compile } from "../src/pipeline.js";
import type { EnvironmentReport } from "../src/format/report.js";
import type { KubeObject } from "../src/synth/object.js";
import { copyProject, replace, type TestProject } from "./support/project.js";

export const STAGING = `# yaml-language-server: $schema=../schemas/environment.schema.json
name: staging
cluster:
  server: https://staging.k8s.example.com:6443
  kubernetesVersion: "1.28"
  nodePools:
    - { name: system, role: system, count: 1, cpu: "4", memory: 16Gi }
    - { name: workers, count: 3, maxCount: 6, cpu: "8", memory: 32Gi }
  network:
    serviceCIDR: 10.100.0.0/16
    apiServer: { cidrs: [10.0.0.0/24], port: 443 }
quotaScale: 2
`;

const projects: TestProject[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});

function project(environments: Record<string, string>, edit?: (p: TestProject) => void): TestProject {
  const p = copyProject();
  projects.push(p);
  mkdirSync(path.join(p.root, "environments"));
  for (const [name, text] of Object.entries(environments)) p.write(`environments/${name}.yaml`, text);
  edit?.(p);
  return p;
}

async function built(p: TestProject) {
  const result = await compile(p.root);
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  return { result, errors, files: new Map([...(result.tree ?? new Map())].map(([file, text]) => [file, text])) };
}

const objectsAt = (result: Awaited<ReturnType<typeof compile>>, dir: string): KubeObject[] =>
  result.synthesis!.builds.filter((b) => b.dir === dir).flatMap((b) => b.objects);

describe("layout and Argo CD", () => {
  it("puts another environment under generated/environments/<name>/, its Argo CD objects prefixed and pointed at its cluster; local's stay as they were", async () => {
    const seed = await built(copyProject());
    projects.push(copyProject());
    const { result, errors, files } = await built(project({ staging: STAGING }));
    expect(errors).toEqual([]);
    // local's files are the seed's, but for the kustomization listing staging's app-of-apps, and CODEOWNERS
    // giving each team its overlay in staging too.
    const changed = [...seed.files.keys()].filter((file) => seed.files.get(file) !== files.get(file));
    expect(changed).toEqual([".github/CODEOWNERS", "generated/applications/kustomization.yaml"]);
    expect(files.get(".github/CODEOWNERS")).toContain("/generated/environments/staging/tenants/overlays/alpha/ ");
    const added = [...files.keys()].filter((file) => !seed.files.has(file));
    expect(added.filter((file) => !file.startsWith("generated/environments/staging/"))).toEqual(["generated/applications/environments.yaml"]);
    expect(added).not.toContain("generated/environments/staging/cluster/k3d.yaml");

    const [environmentApp] = objectsAt(result, "generated/applications").filter((o) => o.metadata.name === "environment-staging");
    expect(environmentApp.spec).toMatchObject({ project: "platform", source: { path: "generated/environments/staging/applications" }, destination: { server: "https://kubernetes.default.svc", namespace: "argocd" } });

    const staging = objectsAt(result, "generated/environments/staging/applications");
    const applications = staging.filter((o) => o.kind === "Application");
    expect(applications.map((a) => a.metadata.name).sort()).toEqual([
      "staging-spark-operator", "staging-tenant-alpha", "staging-tenant-beta", "staging-tenant-delta", "staging-tenant-guardrails",
      "staging-tenant-namespaces", "staging-tenant-theta", "staging-volcano", "staging-volcano-queues",
    ]);
    for (const app of applications) {
      const spec = app.spec as { project: string; destination: { server: string }; source: { path?: string; helm?: { releaseName: string } } };
      expect(spec.destination.server).toBe("https://staging.k8s.example.com:6443");
      expect(spec.project).toMatch(/^staging-(platform|team-[a-z]+)$/);
      if (spec.source.path) expect(spec.source.path).toMatch(/^generated\/environments\/staging\//);
      // The release keeps the component's name: the charts name their objects after it.
      if (spec.source.helm) expect(app.metadata.name).toBe(`staging-${spec.source.helm.releaseName}`);
    }
    for (const project of staging.filter((o) => o.kind === "AppProject")) {
      for (const destination of (project.spec as { destinations: Array<{ server: string }> }).destinations) expect(destination.server).toBe("https://staging.k8s.example.com:6443");
    }
  });

  it("scales quotas by quotaScale, and lets Spark drivers reach the registered cluster's API server only", async () => {
    const { result } = await built(project({ staging: STAGING }));
    const quota = objectsAt(result, "generated/environments/staging/tenants/overlays/alpha").find((o) => o.kind === "ResourceQuota")!;
    expect((quota.spec as { hard: Record<string, string> }).hard).toEqual({ "requests.cpu": "8", "requests.memory": "16Gi", "limits.cpu": "16", "limits.memory": "32Gi", pods: "20" });
    const policy = objectsAt(result, "generated/environments/staging/tenants/overlays/alpha").find((o) => o.metadata.name.endsWith("allow-apiserver"))!;
    expect((policy.spec as { egress: unknown[] }).egress).toEqual([
      { to: [{ ipBlock: { cidr: "10.0.0.0/24" } }], ports: [{ protocol: "TCP", port: 443 }] },
      { to: [{ ipBlock: { cidr: "10.100.0.1/32" } }], ports: [{ protocol: "TCP", port: 443 }] },
    ]);
  });

  it("leaves a team limited to local out of staging entirely", async () => {
    const { result, files } = await built(project({ staging: STAGING }, (p) => p.write("teams/beta.yaml", replace("scheduler: default", "environments: [local]\nscheduler: default")(p.read("teams/beta.yaml")))));
    expect([...files.keys()].filter((file) => file.startsWith("generated/environments/staging/") && file.includes("beta"))).toEqual([]);
    expect(objectsAt(result, "generated/applications").some((o) => o.metadata.name === "tenant-beta")).toBe(true);
  });

  it("rewrites only an environment's files when only that environment changes", async () => {
    const before = await built(project({ staging: STAGING }));
    const after = await built(project({ staging: `${STAGING}components:\n  sparkOperator:\n    values:\n      controller: { workers: 20 }\n` }));
    expect(after.errors).toEqual([]);
    const changed = [...after.files.keys()].filter((file) => before.files.get(file) !== after.files.get(file));
    expect(changed).toEqual(["generated/environments/staging/applications/platform.yaml"]);
  });
});

describe("checks per environment", () => {
  it("refuses an environment file that does not name itself, a local with a cluster, a node pool whose maxCount is below its count, a component platform.yaml does not install, and a team in an environment that does not exist", async () => {
    const { errors } = await built(project({
      staging: STAGING.replace("name: staging", "name: stage"),
      local: "# yaml-language-server: $schema=../schemas/environment.schema.json\nname: local\ncluster: { server: https://x.example.com, kubernetesVersion: \"1.28\", nodePools: [{ name: a, count: 1, cpu: 1, memory: 1Gi }], network: { serviceCIDR: 10.0.0.0/16, apiServer: { cidrs: [10.1.0.0/24], port: 443 } } }\n",
      production: STAGING.replace("name: staging", "name: production").replace("count: 3, maxCount: 6", "count: 3, maxCount: 2") + "components:\n  kafka: { namespace: kafka }\n",
    }, (p) => p.write("teams/beta.yaml", replace("scheduler: default", "environments: [local, prod]\nscheduler: default")(p.read("teams/beta.yaml")))));
    expect(errors.map((e) => [e.code, e.file, e.path])).toEqual([
      ["environment/invalid", "environments/local.yaml", "/cluster"],
      ["environment/invalid", "environments/production.yaml", "/cluster/nodePools/1/maxCount"],
      ["environment/invalid", "environments/production.yaml", "/components/kafka"],
      ["environment/invalid", "environments/staging.yaml", "/name"],
      ["environment/invalid", "teams/beta.yaml", "/environments/1"],
    ]);
    expect(errors[1].message).toBe("node pool `workers` may grow to 2 nodes but has 3");
    expect(errors[4].hint).toContain("`production`");
  });

  it("holds an environment's changes to platform.yaml's schema, where the environment wrote them", async () => {
    const { errors } = await built(project({ staging: `${STAGING}components:\n  volcano:\n    chart: { version: 7 }\n` }));
    expect(errors.map((e) => [e.code, e.file, e.path, e.line])).toEqual([["schema/wrong-type", "environments/staging.yaml", "/components/volcano/chart/version", 15]]);
  });

  it("checks each environment's versions against its own Kubernetes, and says which environment a finding is in", async () => {
    const { errors } = await built(project({ staging: STAGING.replace('kubernetesVersion: "1.28"', 'kubernetesVersion: "1.32"') }));
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error.code).toBe("platform/version-incompatible");
      expect(error.message).toMatch(/^\[staging\] /);
      expect(error.environments).toEqual(["staging"]);
    }
  });

  it("refuses an environment whose prefixed Argo CD names are another environment's", async () => {
    const { errors } = await built(project({ tenant: STAGING.replace("name: staging", "name: tenant") }, (p) => p.write("teams/tenant-guardrails.yaml", replace("name: beta", "name: tenant-guardrails")(p.read("teams/beta.yaml")))));
    expect(errors.map((e) => [e.code, e.file])).toContainEqual(["environment/name-collision", "environments/tenant.yaml"]);
  });
});

describe("review and policy per environment", () => {
  const review = async (base: TestProject, head: TestProject) => {
    const { reviewCompiled } = await import("../src/review/index.js");
    return reviewCompiled(await compile(base.root), await compile(head.root), "main");
  };

  it("compares each cluster with itself: a team leaving local is destructive there, though staging's objects of the same name stay", async () => {
    const base = project({ staging: STAGING });
    const head = project({ staging: STAGING }, (p) => p.write("teams/alpha.yaml", replace("scheduler: default", "environments: [staging]\nscheduler: default")(p.read("teams/alpha.yaml"))));
    const { diagnostics, changes, context } = await review(base, head);
    // The same Namespace exists in both clusters: only local's goes.
    expect(changes.filter((c) => c.kind === "Namespace" && c.name === "team-alpha")).toEqual([expect.objectContaining({ change: "removed", environment: "local" })]);
    expect(changes.every((c) => c.environment === "local" && c.change !== "added")).toBe(true);
    const deleted = diagnostics.find((d) => d.code === "review/namespace-deleted")!;
    expect(deleted).toMatchObject({ severity: "error", file: "teams/alpha.yaml", environments: ["local"] });
    expect(deleted.message).toMatch(/^\[local\] destructive change to team `alpha`/);
    expect(context.environments!.map((e) => [e.name, e.changes])).toEqual([
      ["local", { added: 0, removed: changes.filter((c) => c.change === "removed").length, changed: changes.filter((c) => c.change === "changed").length }],
      ["staging", { added: 0, removed: 0, changed: 0 }],
    ]);
  });

  it("shows a change to staging alone as staging's, with staging's capacity before → after and local's unchanged", async () => {
    const base = project({ staging: STAGING });
    const head = project({ staging: STAGING.replace("quotaScale: 2", "quotaScale: 3") });
    const { diagnostics, changes, context } = await review(base, head);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(changes.length).toBeGreaterThan(0);
    expect(new Set(changes.map((c) => c.environment))).toEqual(new Set(["staging"]));
    const [local, staging] = context.environments!;
    expect(local).toMatchObject({ name: "local", cluster: "the k3d cluster of platform.yaml", changes: { added: 0, removed: 0, changed: 0 } });
    expect(staging).toMatchObject({ name: "staging", cluster: "https://staging.k8s.example.com:6443", nodesFrom: "environments/staging.yaml" });
    const requests = staging.capacity!.find((l) => l.resource === "quota requests" && l.dimension === "cpu")!;
    expect(requests.after.amount).toBe(requests.before!.amount * 1.5);
    for (const line of local.capacity!) expect(line.after.amount).toBe(line.before!.amount);

    const { FORMATS } = await import("../src/format/index.js");
    const text = FORMATS.text(diagnostics, false, context);
    expect(text).toMatch(/Environments: what the change does in each cluster\n[^]*local +the k3d cluster of platform\.yaml +no change\n[^]*staging +https:\/\/staging\.k8s\.example\.com:6443 +0 added, 0 removed, \d+ changed/);
    expect(text).toContain("Capacity before → after in staging");
    const markdown = FORMATS.markdown(diagnostics, false, context);
    expect(markdown).toMatch(/\*\*Environments:\*\* `local`: no change · `staging`: 0 added, 0 removed, \d+ changed/);
    // One picture per cluster, staging's marking its capacity change.
    expect(markdown).toContain("<summary>Picture of local</summary>");
    expect(markdown).toContain("<summary>Picture of staging: capacity changes (before → after)</summary>");
    expect(context.picture).toBeUndefined();
  });

  it("calls a new environment added, and reports capacity and queues of every environment in policy", async () => {
    const base = project({});
    const head = project({ staging: STAGING });
    const { context } = await review(base, head);
    expect(context.environments!.map((e) => [e.name, e.change])).toEqual([["local", undefined], ["staging", "added"]]);
    const { checkPolicy } = await import("../src/policy/check.js");
    const policy = await checkPolicy(head.root);
    expect(policy.context!.environments!.map((e) => [e.name, e.queues!.map((q) => q.queue)])).toEqual([
      ["local", ["default", "delta", "theta"]],
      ["staging", ["default", "delta", "theta"]],
    ]);
    const workers = (e: EnvironmentReport) => e.capacity!.find((l) => l.resource === "quota requests" && l.dimension === "cpu")!.after.available;
    expect(workers(policy.context!.environments![1])).toBe(3 * 8000);
    // staging's memory holds the default-scheduler teams beside the guarantees, its CPU does not: the shortfall says CPU only.
    expect(policy.diagnostics.find((d) => d.code === "mixed-schedulers" && d.environments?.includes("staging"))!.message).toMatch(/can fall short by 4 CPU$/);
  });
});

describe("promote", () => {
  it("writes what local changes of platform.yaml into staging's file, and staging into the teams that list local; the result builds and only staging's files change", async () => {
    const { promote, writePromotion } = await import("../src/scaffold/promote.js");
    const p = project({
      staging: STAGING,
      local: "# yaml-language-server: $schema=../schemas/environment.schema.json\nname: local\ncomponents:\n  sparkOperator:\n    values:\n      controller: { workers: 12 }\n",
    }, (q) => q.write("teams/beta.yaml", replace("scheduler: default", "environments: [local]\nscheduler: default")(q.read("teams/beta.yaml"))));
    const before = await built(p);
    const { promotion, diagnostics } = await promote(p.root, "local", "staging");
    expect(diagnostics).toEqual([]);
    expect(promotion!.files.map((f) => f.file)).toEqual(["environments/staging.yaml", "teams/beta.yaml"]);
    await writePromotion(p.root, promotion!);
    expect(p.read("environments/staging.yaml")).toContain("cluster:\n  server: https://staging.k8s.example.com:6443");
    const staging = parse(p.read("environments/staging.yaml"));
    expect(staging.components).toEqual({ sparkOperator: { values: { controller: { workers: 12 } } } });
    expect(staging.quotaScale).toBe(2);
    const after = await built(p);
    expect(after.errors).toEqual([]);
    const changed = [...new Set([...before.files.keys(), ...after.files.keys()])].filter((file) => before.files.get(file) !== after.files.get(file));
    expect(changed.filter((file) => !file.startsWith("generated/environments/staging/"))).toEqual([".github/CODEOWNERS"]);
    expect(changed).toContain("generated/environments/staging/tenants/overlays/beta/kustomization.yaml");
    // staging's own differences stay: promoting again with one of its own values adds nothing, changes nothing of it.
    p.write("environments/staging.yaml", p.read("environments/staging.yaml").replace("        workers: 12\n", "        workers: 12\n      webhook: { port: 9444 }\n"));
    expect(parse(p.read("environments/staging.yaml")).components.sparkOperator.values.webhook).toEqual({ port: 9444 });
    expect((await promote(p.root, "local", "staging")).promotion!.files).toEqual([]);
    // Promoted again: nothing left to write.
    expect((await promote(p.root, "local", "staging")).promotion!.files).toEqual([]);
  });

  it("refuses an unknown environment and promoting to local, writing nothing", async () => {
    const { promote } = await import("../src/scaffold/promote.js");
    const p = project({ staging: STAGING });
    expect((await promote(p.root, "local", "prod")).diagnostics[0].message).toBe("there is no environment `prod`");
    expect((await promote(p.root, "staging", "local")).diagnostics[0].code).toBe("promote/refused");
  });
});
