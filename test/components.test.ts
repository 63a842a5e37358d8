/**
 * Components are data: every reader takes them from the registry
 * (src/components/registry.ts), so a new component is one descriptor and one
 * registry line. The second half registers a made-up component, in this file
 * only, and finds it everywhere the compiler uses components.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import platformSchema from "../schemas/platform.schema.json" with { type: "json" };
import type { ComponentDescriptor, ComponentSettings } from "../src/components/component.js";
import { ownedValuesMarkdown } from "../src/components/docs.js";
import { COMPONENTS } from "../src/components/registry.js";
import { componentsSchema } from "../src/components/schema.js";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import type * as Pipeline from "../src/pipeline.js";
import { compile } from "../src/pipeline.js";
import { type KubeObject } from "../src/synth/object.js";
import { SYNC_WAVES } from "../src/components/gitops.js";
import { syncOrderMarkdown } from "../src/synth/platform/applications.js";
import { expectDiagnostics } from "./support/diagnostics.js";
import { repoRoot } from "./support/paths.js";
import { copyProject, replace, type TestProject } from "./support/project.js";

const projects: TestProject[] = [];
const project = (edit: (platformYaml: string) => string = (s) => s) => {
  const p = copyProject();
  projects.push(p);
  p.write("platform.yaml", edit(p.read("platform.yaml")));
  return p;
};
afterEach(() => { for (const p of projects.splice(0)) p.cleanup(); });

const errors = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.severity === "error");
const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
const embedded = (marker: string) => new RegExp(`<!-- ${marker}:start -->\\n([\\s\\S]*?)\\n<!-- ${marker}:end -->`).exec(readme)?.[1];

/** The JSON pointer of every leaf of a values object (a list is a leaf). */
const leaves = (value: unknown, pointer = ""): string[] =>
  value !== null && typeof value === "object" && !Array.isArray(value)
    ? Object.entries(value).flatMap(([k, v]) => leaves(v, `${pointer}/${k}`))
    : [pointer];

describe("the component registry", () => {
  it("is what schemas/platform.schema.json says of `components` (npm run gen:code writes it)", () => {
    expect(platformSchema.properties.components).toEqual(componentsSchema());
    // A component the platform installs because of another (impliedBy) has no key of its own.
    expect(Object.keys(platformSchema.properties.components.properties)).toEqual(COMPONENTS.filter((c) => !c.impliedBy).map((c) => c.key));
  });

  it("gives each component its own key, Application and namespace", () => {
    for (const field of ["key", "application"] as const) expect(new Set(COMPONENTS.map((c) => c[field])).size).toBe(COMPONENTS.length);
    // An implied component runs in the namespace of the component that brings it.
    const own = COMPONENTS.filter((c) => !c.impliedBy);
    expect(new Set(own.map((c) => c.defaults.namespace)).size).toBe(own.length);
  });

  it("knows the value keys and the Kubernetes range of each component's default chart", () => {
    for (const c of COMPONENTS.filter((c) => c.defaults.chart)) {
      const { name, version } = c.defaults.chart!;
      expect(c.chartKeys.map((k) => k.chart), c.key).toContain(`${name}@${version}`);
      expect(c.compatibility.some((s) => s.versions.test(version)), c.key).toBe(true);
    }
  });

  it("owns every Helm value the compiler sets, so platform.yaml cannot set one only to see it overwritten", async () => {
    const model = (await compile(repoRoot, { lint: false, render: false })).model!;
    for (const c of COMPONENTS) {
      const settings = (model.platform.components[c.key as keyof typeof model.platform.components] ?? { chart: c.defaults.chart, namespace: c.defaults.namespace }) as ComponentSettings;
      for (const leaf of leaves(c.values(model, settings))) {
        expect(c.ownedValues.some((v) => leaf === v.pointer || leaf.startsWith(`${v.pointer}/`)), `${c.key} sets ${leaf}`).toBe(true);
      }
    }
  });

  it("is what the README's sync order and compiler-owned values say", () => {
    expect(embedded("sync-order")).toBe(syncOrderMarkdown());
    expect(embedded("owned-values")).toBe(ownedValuesMarkdown());
  });

  it("is all the schema accepts: a component nobody registered is an unknown key", async () => {
    const p = project(replace(/^components:\n/m, "components:\n  featureStore: { chart: { repoURL: https://charts.example.org/feature-store, name: feature-store, version: 1.2.0 }, namespace: feature-store }\n"));
    const { diagnostics } = await compile(p.root, { lint: false, render: false });
    expectDiagnostics(errors(diagnostics), [{ code: "schema/unknown-key", file: "platform.yaml", line: 18, column: 3, message: "unknown key `featureStore` in `components`" }]);
  });
});

/** A made-up feature store, as a real descriptor would be written. */
const FEATURE_STORE: ComponentDescriptor = {
  key: "featureStore",
  title: "Feature Store",
  application: "feature-store",
  required: false,
  defaults: { chart: { repoURL: "https://charts.example.org/feature-store", name: "feature-store", version: "1.2.0" }, namespace: "feature-store" },
  wave: { wave: SYNC_WAVES.infrastructure, why: "buckets before the jobs that write to them" },
  syncOptions: [],
  ownedValues: [{ pointer: "/tenants/namespaces", why: "the namespaces of the teams, which get a bucket each" }],
  values: (model) => ({ tenants: { namespaces: model.teams.map((t) => t.namespace) } }),
  chartKeys: [{ chart: "feature-store@1.2.0", keys: { replicas: true, tenants: { namespaces: "*" } } }],
  compatibility: [{ versions: /^1\./, label: "Feature Store 1.x", kubernetes: { minMinor: 25, maxMinor: 30 }, source: "made up for this test" }],
  tenants: {
    rbac: [{ apiGroups: ["featurestore.example.org"], resources: ["buckets"], verbs: ["get", "list", "watch"] }],
    network: [{ name: "allow-feature-store", direction: "egress", componentPods: { app: "feature-store" }, ports: [{ protocol: "TCP", port: 9000 }], why: "jobs read and write their bucket" }],
  },
};

const INSTALL = (values = "{ replicas: 2 }", version = "1.2.0", namespace = "feature-store") => replace(/^components:\n/m, [
  "components:",
  "  featureStore:",
  `    chart: { repoURL: "https://charts.example.org/feature-store", name: feature-store, version: ${version} }`,
  `    namespace: ${namespace}`,
  `    values: ${values}`,
  "",
].join("\n"));

describe("a new component is a descriptor and a registry line", () => {
  let registered: { compile: typeof Pipeline.compile; componentNamespaces: typeof import("../src/components/installed.js").componentNamespaces };

  beforeAll(async () => {
    // The registry with one line more; every module that reads it is loaded afresh.
    vi.resetModules();
    vi.doMock("../src/components/registry.js", async (importOriginal) => {
      const real = await importOriginal<typeof import("../src/components/registry.js")>();
      return { COMPONENTS: [...real.COMPONENTS, FEATURE_STORE] };
    });
    const pipeline = await import("../src/pipeline.js");
    const installed = await import("../src/components/installed.js");
    registered = { compile: pipeline.compile, componentNamespaces: installed.componentNamespaces };
  });
  afterAll(() => {
    vi.doUnmock("../src/components/registry.js");
    vi.resetModules();
  });

  const build = async (edit: (s: string) => string) => {
    const result = await registered.compile(project(edit).root);
    const file = (name: string) => result.synthesis!.files.find((f) => f.path === name)!.documents as KubeObject[];
    return { ...result, file };
  };

  it("is installed by Argo CD, in its wave, from a repository the platform project allows, with the values the compiler owns", async () => {
    const { diagnostics, file, model } = await build(INSTALL());
    expect(errors(diagnostics)).toEqual([]);
    const [project, ...apps] = file("generated/applications/platform.yaml");
    expect(project.spec).toMatchObject({ sourceRepos: ["https://github.com/example-org/spark-data-platform.git", "https://kubeflow.github.io/spark-operator", "https://volcano-sh.github.io/helm-charts", "https://charts.example.org/feature-store"] });
    // In wave order; within a wave, in registry order.
    expect(apps.map((a) => `${a.metadata.annotations!["argocd.argoproj.io/sync-wave"]} ${a.metadata.name}`)).toEqual([
      "0 volcano", "0 feature-store", "1 volcano-queues", "1 tenant-guardrails", "1 tenant-namespaces", "3 spark-operator",
    ]);
    expect(apps.find((a) => a.metadata.name === "feature-store")!.spec).toMatchObject({
      project: "platform",
      source: {
        repoURL: "https://charts.example.org/feature-store", chart: "feature-store", targetRevision: "1.2.0",
        helm: { releaseName: "feature-store", valuesObject: { replicas: 2, tenants: { namespaces: model!.teams.map((t) => t.namespace) } } },
      },
      destination: { namespace: "feature-store" },
      syncPolicy: { syncOptions: ["CreateNamespace=true"] },
    });
    expect(registered.componentNamespaces(model!.platform)).toEqual(["argocd", "spark-operator", "volcano-system", "feature-store"]);
  });

  it("gives every team what it may reach of it: its RBAC rules and a way through the default deny", async () => {
    const { file } = await build(INSTALL());
    const [role] = file("generated/tenants/base/rbac.yaml");
    expect(role.rules).toContainEqual({ apiGroups: ["featurestore.example.org"], resources: ["buckets"], verbs: ["get", "list", "watch"] });
    const policies = file("generated/tenants/base/network-policies.yaml");
    expect(policies.find((p) => p.metadata.name === "allow-feature-store")!.spec).toEqual({
      podSelector: {}, policyTypes: ["Egress"],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "feature-store" } }, podSelector: { matchLabels: { app: "feature-store" } } }], ports: [{ protocol: "TCP", port: 9000 }] }],
    });
  });

  it("is checked like the others: chart value keys, the values the compiler owns, version compatibility", async () => {
    const { diagnostics } = await build(INSTALL("{ replica: 2, tenants: { namespaces: [team-x] } }"));
    expectDiagnostics(errors(diagnostics), [
      { code: "platform/helm-values", file: "platform.yaml", line: 21, column: 24, message: /`replica` is not a value of the feature-store 1.2.0 chart/, hint: "Did you mean `replicas`?" },
      { code: "platform/helm-values", file: "platform.yaml", line: 21, column: 50, message: "`tenants.namespaces` is set by the compiler: the namespaces of the teams, which get a bucket each" },
    ]);
    const old = await build(INSTALL(undefined, "0.9.0"));
    expectDiagnostics(errors(old.diagnostics), [
      { code: "platform/version-incompatible", file: "platform.yaml", line: 19, column: 97, message: "no compatibility data for featureStore 0.9.0 (known: Feature Store 1.x)" },
      { code: "platform/helm-values", file: "platform.yaml", line: 19, column: 97, message: "no key list for chart feature-store 0.9.0, so its values cannot be checked" },
    ]);
  });

  it("reserves its names: a team cannot take its namespace", async () => {
    const { diagnostics } = await build(INSTALL(undefined, undefined, "team-alpha"));
    expectDiagnostics(errors(diagnostics), [{ code: "team/reserved-name", file: "teams/alpha.yaml", line: 2, column: 7, message: /namespace `team-alpha`/ }]);
  });

  it("is in the schema, with a did-you-mean for a near miss", async () => {
    const { diagnostics } = await build(replace(/^components:\n/m, "components:\n  featureStor: {}\n"));
    expectDiagnostics(errors(diagnostics), [{ code: "schema/unknown-key", file: "platform.yaml", line: 18, column: 3, hint: /^Did you mean `featureStore`\?/ }]);
  });

  it("leaves the committed output alone when platform.yaml does not install it", async () => {
    const { diagnostics, tree } = await registered.compile(project().root);
    expect(errors(diagnostics)).toEqual([]);
    const committed = readFileSync(path.join(repoRoot, "generated/applications/platform.yaml"), "utf8");
    expect(tree!.get("generated/applications/platform.yaml")).toBe(committed);
    expect(parse(committed.split("\n---\n")[0]).spec.sourceRepos).toHaveLength(3);
  });
});
