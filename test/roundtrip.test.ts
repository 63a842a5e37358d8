/**
 * Kustomize round trip: every directory the compiler writes for Kustomize,
 * built by the real Kustomize (kubectl's), yields exactly the objects the
 * compiler meant to produce (and linted).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../src/pipeline.js";
import { writeTree } from "../src/write/output-dirs.js";
import { upstreamDir, upstreamMissing } from "./support/paths.js";
import { copyProject, kustomize, sortObjects, type TestProject } from "./support/project.js";

let project: TestProject;
let result: Awaited<ReturnType<typeof compile>>;

beforeAll(async () => {
  project = copyProject();
  result = await compile(project.root);
  await writeTree(project.root, result.tree!);
});
afterAll(() => project.cleanup());

describe("kubectl kustomize builds what the compiler meant", () => {
  it("has a build for every overlay, the queues and the applications", () => {
    expect(result.synthesis!.builds.map((b) => b.dir).sort()).toEqual([
      "generated/applications", "generated/platform/guardrails", "generated/platform/namespaces", "generated/platform/queues",
      "generated/tenants/overlays/alpha", "generated/tenants/overlays/beta",
      "generated/tenants/overlays/delta", "generated/tenants/overlays/theta",
    ]);
  });

  it.each(["tenants/overlays/alpha", "tenants/overlays/beta", "tenants/overlays/theta", "tenants/overlays/delta", "platform/namespaces", "platform/queues", "platform/guardrails", "applications"])("generated/%s", (name) => {
    const dir = `generated/${name}`;
    const build = result.synthesis!.builds.find((b) => b.dir === dir)!;
    const actual = sortObjects(kustomize(path.join(project.root, dir)));
    expect(actual).toEqual(sortObjects(JSON.parse(JSON.stringify(build.objects))));
  });

  const installYaml = "argo-cd-v2.14.21/install.yaml";
  it.skipIf(upstreamMissing(installYaml))("the argocd/ layer builds offline against the pinned install.yaml", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "argocd-layer-"));
    cpSync(path.join(project.root, "argocd"), dir, { recursive: true });
    const kustomization = path.join(dir, "kustomization.yaml");
    const text = readFileSync(kustomization, "utf8");
    const remote = "https://raw.githubusercontent.com/argoproj/argo-cd/v2.14.21/manifests/install.yaml";
    expect(text).toContain(remote);
    writeFileSync(kustomization, text.replace(remote, path.join(upstreamDir, installYaml)));
    const objects = kustomize(dir, ["--load-restrictor", "LoadRestrictionsNone"]);
    const cm = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "argocd-cm")!;
    expect(cm.data["resource.customizations.health.argoproj.io_Application"]).toContain("obj.status.health.status");
    expect(objects.filter((o) => o.kind === "CustomResourceDefinition").map((o) => o.metadata.name).sort()).toEqual(["applications.argoproj.io", "applicationsets.argoproj.io", "appprojects.argoproj.io"]);
    expect(objects.every((o) => o.kind === "CustomResourceDefinition" || o.kind.startsWith("Cluster") || o.metadata.namespace === "argocd" || o.kind === "Namespace")).toBe(true);
  });
});
