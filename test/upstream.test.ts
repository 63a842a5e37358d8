/**
 * What we generate is valid for the real thing: the upstream CRDs, Helm chart
 * values and k3d schema at the pinned versions (../shared/upstream, or the
 * directory named by SPARK_PLATFORM_UPSTREAM). Never copied into the project.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { compile } from "../src/pipeline.js";
import type { KubeObject } from "../src/synth/object.js";
// @ts-expect-error plain ESM script without types
import { keyTree, withCommentedKeys } from "../scripts/chart-keys.mjs";
import { crdProblems, crdSchema } from "./support/crd.js";
import { repoRoot, upstreamDir, upstreamMissing } from "./support/paths.js";
import { copyProject } from "./support/project.js";

let objects: KubeObject[] = [];
let k3d: unknown;

beforeAll(async () => {
  const project = copyProject();
  project.write("teams/epsilon.yaml", project.read("teams/theta.yaml").replaceAll("theta", "epsilon").replace('guarantee: { cpu: "4", memory: 8Gi }', 'guarantee: { cpu: "1", memory: 2Gi }'));
  const { synthesis } = await compile(project.root);
  objects = [...synthesis!.builds.flatMap((b) => b.objects), ...synthesis!.standalone.map((s) => s.object)];
  k3d = synthesis!.files.find((f) => f.path === "generated/cluster/k3d.yaml")!.documents[0];
  project.cleanup();
});

const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);

describe.skipIf(upstreamMissing())("against the upstream data", () => {
  const crds: Array<[string, string, string]> = [
    ["Queue", "volcano-v1.8.2/scheduling.volcano.sh_queues.yaml", "v1beta1"],
    ["SparkApplication", "spark-operator-v2.3.0/sparkoperator.k8s.io_sparkapplications.yaml", "v1beta2"],
    ["Application", "argo-cd-v2.14.21/application-crd.yaml", "v1alpha1"],
    ["AppProject", "argo-cd-v2.14.21/appproject-crd.yaml", "v1alpha1"],
  ];
  it.each(crds)("every %s matches the upstream CRD", (kind, file, version) => {
    const schema = crdSchema(path.join(upstreamDir, file), version);
    const found = ofKind(kind);
    expect(found.length).toBeGreaterThan(0);
    for (const object of found) expect(crdProblems(schema, object), `${kind}/${object.metadata.name}`).toEqual([]);
  });

  it("the CRD check itself catches a field the API server would drop", () => {
    const schema = crdSchema(path.join(upstreamDir, "volcano-v1.8.2/scheduling.volcano.sh_queues.yaml"), "v1beta1");
    const queue = structuredClone(ofKind("Queue")[0]);
    (queue.spec as Record<string, unknown>).deserved = { cpu: "1" };
    expect(crdProblems(schema, queue)).toEqual(["/spec/deserved is not in the CRD schema (the API server would drop it)"]);
  });

  it.each([
    ["spark-operator-2.3.0", "spark-operator-v2.3.0/values.yaml"],
    ["volcano-1.8.2", "volcano-v1.8.2/values.yaml"],
    ["strimzi-kafka-operator-0.50.1", "charts/strimzi-kafka-operator-0.50.1/values.yaml"],
    ["seaweedfs-4.53.0", "charts/seaweedfs-4.53.0/values.yaml"],
  ])("the committed key list of %s is the chart's values.yaml", (name, file) => {
    const committed = JSON.parse(readFileSync(path.join(repoRoot, `schemas/charts/${name}.keys.json`), "utf8"));
    expect(committed.keys).toEqual(withCommentedKeys(keyTree(parse(readFileSync(path.join(upstreamDir, file), "utf8"))), committed.commented));
  });

  it("the k3d config validates against k3d's own schema", () => {
    const schema = JSON.parse(readFileSync(path.join(upstreamDir, "k3d-v5.9.0/v1alpha5.schema.json"), "utf8"));
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(k3d) ? [] : validate.errors).toEqual([]);
  });

  it("the Volcano admission list only drops paths the chart has", () => {
    const chart = parse(readFileSync(path.join(upstreamDir, "volcano-v1.8.2/values.yaml"), "utf8"));
    const upstreamPaths = String(chart.custom.enabled_admissions).split(",");
    const volcano = ofKind("Application").find((a) => a.metadata.name === "volcano")!;
    const ours = String((volcano.spec as any).source.helm.valuesObject.custom.enabled_admissions).split(",");
    expect(upstreamPaths.filter((p) => !ours.includes(p))).toEqual(["/pods/mutate"]);
    expect(ours.every((p) => upstreamPaths.includes(p))).toBe(true);
  });
});
