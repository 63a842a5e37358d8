/**
 * Lint: every document of every generated file (generated/, argocd/, the k3d
 * config) and every object the Kustomize builds render is validated before
 * anything is written, each by the validator of its kind, and a document no
 * validator knows is itself an error; the final Helm values are checked
 * against each chart's real keys; no two outputs share a path and no
 * Kustomize build has one id twice.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { PlatformModel } from "../model/platform-model.js";
import { objectId, type KubeObject, type KustomizeBuild, type Synthesis } from "../synth/object.js";
import { unknownValueKeys } from "../validate/helm-values.js";
import { pathClashes } from "./paths.js";
import { documentKind, JSON_PATCH, validatedKinds, validatorFor, type ObjectValidator } from "./validators.js";

/** A document to validate, and where it is reported: its file, or the directory of the build that renders it. */
interface Target {
  file: string;
  document: unknown;
}

export async function lintSynthesis(synthesis: Synthesis): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [...pathClashes(synthesis.files), ...synthesis.builds.flatMap(duplicateIds)];
  const targets = targetsOf(synthesis);
  // Load every kind's validator up front (their modules load concurrently),
  // then check the documents without an await apiece.
  const loading = new Map<string, Promise<ObjectValidator> | undefined>();
  for (const { document } of targets) {
    const key = documentKind(document);
    if (loading.has(key)) continue;
    const validator = validatorFor(key);
    validator?.catch(() => {}); // a failed load is reported by the await below, in document order
    loading.set(key, validator);
  }
  const validators = new Map<string, ObjectValidator | undefined>();
  for (const [key, validator] of loading) validators.set(key, await validator);

  for (const { file, document } of targets) {
    const key = documentKind(document);
    const validator = validators.get(key);
    if (!validator) {
      diagnostics.push({ severity: "error", code: "lint/unknown-kind", file, message: `${describe(document)}: no validator for ${key}`, hint: `Add one in src/lint/validators.ts (known: ${validatedKinds().join(", ")}).` });
      continue;
    }
    for (const problem of validator(document)) {
      diagnostics.push({ severity: "error", code: "lint/invalid-object", file, message: `${describe(document)}: ${problem}`, hint: "The generator produced an invalid object: this is a bug in the compiler, please report it." });
    }
    if (key === "argoproj.io/v1alpha1/Application") diagnostics.push(...lintHelmValues(file, document as KubeObject));
  }
  return diagnostics;
}

/**
 * Every document as written to its file, then every object a build renders
 * that is not one of them (an overlay's objects, renamed and patched). An
 * object that is both (a queue, an Application) is checked once, at its file.
 */
function targetsOf(synthesis: Synthesis): Target[] {
  const targets: Target[] = [];
  const seen = new Set<unknown>();
  for (const file of synthesis.files) {
    for (const document of file.documents) {
      seen.add(document);
      targets.push({ file: file.path, document });
    }
  }
  for (const build of synthesis.builds) {
    for (const object of build.objects) if (!seen.has(object)) targets.push({ file: `${build.dir}/`, document: object });
  }
  return targets;
}

/** "Queue/default", or the kind alone for a document without a name (a Kustomization). */
function describe(document: unknown): string {
  if (Array.isArray(document)) return JSON_PATCH;
  const o = document as Partial<KubeObject>;
  if (typeof o.metadata?.name === "string") return objectId(o as KubeObject);
  return typeof o.kind === "string" ? o.kind : "a document without a kind";
}

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
