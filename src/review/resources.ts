/**
 * Every object the platform puts in a cluster, keyed by kind, namespace and
 * name: what Kustomize builds (tenants, queues, guardrails, Applications), the
 * examples, and the argocd/ and cluster files applied by bootstrap.
 */
import { objectId } from "../model/object-id.js";
import { LABELS, type KubeObject, type Synthesis } from "../synth/object.js";

export interface Resource {
  id: string;
  object: KubeObject;
  /** Where it is generated: a Kustomize directory or a file. */
  source: string;
  /** The team it belongs to; undefined for the platform's own objects. */
  team?: string;
}

/** Kustomize's own files, whose effect is in the objects of the builds. */
const NOT_RESOURCES = new Set(["Kustomization", "Component"]);
/** Inputs of the builds: their objects appear, renamed, in the overlays. */
const KUSTOMIZE_INPUTS = ["generated/tenants/"];

const isObject = (d: unknown): d is KubeObject =>
  typeof d === "object" && d !== null && typeof (d as KubeObject).kind === "string" && typeof (d as KubeObject).metadata?.name === "string";

export function resourcesOf(synthesis: Synthesis): Map<string, Resource> {
  const resources = new Map<string, Resource>();
  const add = (object: KubeObject, source: string) => {
    const id = objectId(object);
    resources.set(id, { id, object, source, team: object.metadata.labels?.[LABELS.team] });
  };
  for (const build of synthesis.builds) for (const object of build.objects) add(object, build.dir);
  for (const { file, object } of synthesis.standalone) add(object, file);
  const covered = new Set([...synthesis.builds.map((b) => `${b.dir}/`), ...synthesis.standalone.map((s) => s.file)]);
  for (const file of synthesis.files) {
    if (covered.has(file.path) || [...covered, ...KUSTOMIZE_INPUTS].some((dir) => dir.endsWith("/") && file.path.startsWith(dir))) continue;
    for (const document of file.documents) {
      if (isObject(document) && !NOT_RESOURCES.has(document.kind)) add(document, file.path);
    }
  }
  return resources;
}
