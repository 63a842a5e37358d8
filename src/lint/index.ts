/**
 * Lint: every generated object is validated before anything is written, and
 * the final Helm values are checked against each chart's real keys; no two
 * outputs share a path and no Kustomize build has one id twice.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { pathClashes } from "../emit/tree.js";
import type { PlatformModel } from "../model/platform-model.js";
import { objectId, type KubeObject, type KustomizeBuild, type Synthesis } from "../synth/object.js";
import { unknownValueKeys } from "../validate/helm-values.js";
import { validatedKinds, validatorFor, type ObjectValidator } from "./validators.js";

export async function lintSynthesis(synthesis: Synthesis): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [...pathClashes(synthesis.files), ...synthesis.builds.flatMap(duplicateIds)];
  const targets: Array<{ file: string; object: KubeObject }> = [
    ...synthesis.builds.flatMap((b) => b.objects.map((object) => ({ file: `${b.dir}/`, object }))),
    ...synthesis.standalone,
  ];
  // Load every kind's validator up front (their modules load concurrently),
  // then check the objects without an await apiece.
  const loading = new Map<string, Promise<ObjectValidator> | undefined>();
  for (const { object } of targets) {
    const key = kindKey(object);
    if (loading.has(key)) continue;
    const validator = validatorFor(object.apiVersion, object.kind);
    validator?.catch(() => {}); // a failed load is reported by the await below, in object order
    loading.set(key, validator);
  }
  const validators = new Map<string, ObjectValidator | undefined>();
  for (const [key, validator] of loading) validators.set(key, await validator);

  for (const { file, object } of targets) {
    const validator = validators.get(kindKey(object));
    if (!validator) {
      diagnostics.push({ severity: "error", code: "lint/unknown-kind", file, message: `${objectId(object)}: no validator for ${object.apiVersion} ${object.kind}`, hint: `Add one in src/lint/validators.ts (known: ${validatedKinds().join(", ")}).` });
      continue;
    }
    for (const problem of validator(object)) {
      diagnostics.push({ severity: "error", code: "lint/invalid-object", file, message: `${objectId(object)}: ${problem}`, hint: "The generator produced an invalid object: this is a bug in the compiler, please report it." });
    }
    diagnostics.push(...lintHelmValues(file, object));
  }
  return diagnostics;
}

const kindKey = (object: KubeObject) => `${object.apiVersion}/${object.kind}`;

/**
 * Kustomize refuses a build with two resources of one id (group, version,
 * kind, namespace and name), so the Application that syncs it stops rendering.
 */
function duplicateIds(build: KustomizeBuild): Diagnostic[] {
  const counts = new Map<string, { object: KubeObject; count: number }>();
  for (const object of build.objects) {
    const id = `${object.apiVersion}/${object.kind}/${object.metadata.namespace ?? ""}/${object.metadata.name}`;
    const seen = counts.get(id);
    if (seen) seen.count++;
    else counts.set(id, { object, count: 1 });
  }
  return [...counts.values()].filter(({ count }) => count > 1).map(({ object, count }) => ({
    severity: "error" as const, code: "lint/duplicate-id", file: `${build.dir}/`,
    message: `${objectId(object)} (${object.apiVersion}) is ${count} resources in this Kustomize build; \`kubectl kustomize ${build.dir}\` fails on the duplicate id and nothing in it can sync`,
    hint: "The generator produced one id twice: this is a bug in the compiler, please report it.",
  }));
}

function lintHelmValues(file: string, object: KubeObject): Diagnostic[] {
  const source = object.kind === "Application" ? (object.spec as { source?: { chart?: string; targetRevision?: string; helm?: { valuesObject?: unknown } } }).source : undefined;
  if (!source?.chart || !source.targetRevision) return [];
  const unknown = unknownValueKeys(source.chart, source.targetRevision, source.helm?.valuesObject ?? {});
  if (unknown === undefined) return [{ severity: "error", code: "lint/helm-values", file, message: `${objectId(object)}: no key list for chart ${source.chart} ${source.targetRevision}`, hint: "Add schemas/charts/<chart>-<version>.keys.json (see scripts/chart-keys.mjs)." }];
  return unknown.map((key) => ({ severity: "error" as const, code: "lint/helm-values", file, message: `${objectId(object)}: \`${key.dotted}\` is not a value of chart ${source.chart} ${source.targetRevision}`, hint: key.suggestion ? `Did you mean \`${key.suggestion}\`?` : "Check the chart's values.yaml." }));
}

export type { PlatformModel };
