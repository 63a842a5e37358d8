/**
 * Onboarding: adding teams/epsilon.yaml alone yields a complete tenant, with
 * no other edit. epsilon is theta with its names changed and a guarantee that
 * still fits the cluster (theta's own 4 CPU would crash Volcano 1.8.2: see
 * bad-inputs.test.ts).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../src/pipeline.js";
import { checkPolicy } from "../src/policy/index.js";
import { writeTree, diffTree } from "../src/write/output-dirs.js";
import { repoRoot } from "./support/paths.js";
import { copyProject, kustomize, teamLike, type TestProject } from "./support/project.js";

let project: TestProject;
let before: Set<string>;
let diff: Awaited<ReturnType<typeof diffTree>>;

beforeAll(async () => {
  project = copyProject();
  const seed = await compile(project.root);
  await writeTree(project.root, seed.tree!);
  before = new Set(seed.tree!.keys());
  // What is left beside theta's and delta's guarantees is 2 CPU: the queue and
  // the whole job (driver + 1 executor) are sized to it, as the README shows.
  const epsilon = teamLike("theta", "epsilon")
    .replace('guarantee: { cpu: "4", memory: 8Gi }', 'guarantee: { cpu: "1", memory: 2Gi }')
    .replace("instances: 2", "instances: 1");
  project.write("teams/epsilon.yaml", epsilon);
  const next = await compile(project.root);
  expect(next.diagnostics).toEqual([]);
  diff = await diffTree(project.root, next.tree!);
  await writeTree(project.root, next.tree!);
});
afterAll(() => project.cleanup());

describe("adding teams/epsilon.yaml", () => {
  it("adds the tenant's own files", () => {
    expect(diff.added).toEqual([
      "generated/applications/tenants/epsilon.yaml",
      "generated/examples/epsilon/spark-application.yaml",
      "generated/platform/namespaces/epsilon.yaml",
      "generated/platform/queues/epsilon.yaml",
      "generated/tenants/overlays/epsilon/kustomization.yaml",
      "generated/tenants/overlays/epsilon/limit-range.patch.yaml",
      "generated/tenants/overlays/epsilon/resource-quota.patch.yaml",
    ]);
    expect(diff.stale).toEqual([]);
  });

  it("changes only the lists that name every team, and the picture", () => {
    expect(diff.changed).toEqual([
      ".github/CODEOWNERS",
      "docs/platform.svg",
      "generated/applications/kustomization.yaml",
      "generated/applications/platform.yaml",
      "generated/platform/namespaces/kustomization.yaml",
      "generated/platform/queues/kustomization.yaml",
    ]);
    expect(diff.changed.every((f) => before.has(f))).toBe(true);
  });

  it("builds a complete Volcano tenant: namespaced objects in its overlay, its Namespace and queue reader in the platform's builds", () => {
    const objects = kustomize(path.join(project.root, "generated/tenants/overlays/epsilon"));
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual([
      "LimitRange/epsilon-limits",
      "NetworkPolicy/epsilon-allow-apiserver", "NetworkPolicy/epsilon-allow-dns", "NetworkPolicy/epsilon-allow-same-namespace",
      "NetworkPolicy/epsilon-allow-spark-operator", "NetworkPolicy/epsilon-default-deny",
      "ResourceQuota/epsilon-quota", "Role/epsilon-spark-driver", "RoleBinding/epsilon-spark-driver", "ServiceAccount/epsilon-sa",
    ]);
    expect(objects.every((o) => o.metadata.namespace === "team-epsilon")).toBe(true);
    const ns = kustomize(path.join(project.root, "generated/platform/namespaces")).find((o) => o.kind === "Namespace" && o.metadata.name === "team-epsilon")!;
    expect(ns.metadata.annotations["scheduling.volcano.sh/queue-name"]).toBe("epsilon");
    expect(ns.metadata.labels["spark-platform.io/team"]).toBe("epsilon");
    const platform = kustomize(path.join(project.root, "generated/platform/namespaces"));
    const reader = platform.find((o) => o.kind === "ClusterRole" && o.metadata.name === "epsilon-queue-reader")!;
    expect(reader.rules[0].resourceNames).toEqual(["epsilon"]);
    const binding = platform.find((o) => o.kind === "ClusterRoleBinding" && o.metadata.name === "epsilon-queue-reader")!;
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "epsilon-sa", namespace: "team-epsilon" }]);
  });

  it("puts the namespace in the Spark Operator's job namespaces and adds an AppProject and Application", () => {
    const apps = kustomize(path.join(project.root, "generated/applications"));
    const operator = apps.find((o) => o.kind === "Application" && o.metadata.name === "spark-operator")!;
    expect(operator.spec.source.helm.valuesObject.spark.jobNamespaces).toEqual(["team-alpha", "team-beta", "team-delta", "team-epsilon", "team-theta"]);
    const project_ = apps.find((o) => o.kind === "AppProject" && o.metadata.name === "team-epsilon")!;
    expect(project_.spec.destinations).toEqual([{ server: "https://kubernetes.default.svc", namespace: "team-epsilon" }]);
    const app = apps.find((o) => o.kind === "Application" && o.metadata.name === "tenant-epsilon")!;
    expect(app.spec.source.path).toBe("generated/tenants/overlays/epsilon");
    expect(app.spec.project).toBe("team-epsilon");
    expect(project_.spec.clusterResourceWhitelist).toEqual([]);
  });

  it("passes the policy rules, not only validation", async () => {
    const { diagnostics } = await checkPolicy(project.root);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("adds its queue", () => {
    const queues = kustomize(path.join(project.root, "generated/platform/queues"));
    const queue = queues.find((o) => o.metadata.name === "epsilon")!;
    expect(queue.spec).toEqual({ weight: 40, reclaimable: true, capability: { cpu: "8", memory: "16Gi" }, guarantee: { resource: { cpu: "1", memory: "2Gi" } } });
  });
});

describe("the README's example team", () => {
  it("is valid and passes the policy rules", async () => {
    const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const example = /## Add a team[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1];
    const copy = copyProject();
    try {
      copy.write("teams/epsilon.yaml", example);
      const { diagnostics } = await checkPolicy(copy.root);
      expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    } finally {
      copy.cleanup();
    }
  });
});
