/**
 * Renders an overlay to the objects `kubectl kustomize` will produce, using
 * the few Kustomize transformations our overlays use, in Kustomize's order:
 * components, patches, namespace, name prefix, labels. Lint validates these
 * objects, and the round-trip test proves them equal to real Kustomize's.
 */
import { isClusterScoped } from "../../model/cluster-scoped.js";
import type { KubeObject } from "../object.js";
import type { KustomizeComponent } from "./base.js";
import type { Overlay } from "./overlay.js";

export function renderOverlay(overlay: Overlay, base: KubeObject[], components: Record<string, KustomizeComponent>): KubeObject[] {
  let objects = base.map(clone);
  for (const name of overlay.components) {
    const component = components[name];
    objects.push(...component.resources.flatMap((f) => f.objects).map(clone));
    for (const patch of component.patches) objects = applyJsonPatch(objects, patch);
  }
  for (const { object: patch } of overlay.patches) objects = objects.map((o) => (sameObject(o, patch) ? strategicMerge(o, patch) as KubeObject : o));

  const names = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
  return objects.map((object) => {
    const o = clone(object);
    // namespace transformer
    if (o.kind === "Namespace") o.metadata.name = overlay.namespace;
    else if (!isClusterScoped(o.kind)) o.metadata.namespace = overlay.namespace;
    // name prefix, and the references to renamed objects
    if (o.kind !== "Namespace") o.metadata.name = overlay.namePrefix + o.metadata.name;
    if (o.kind === "RoleBinding" || o.kind === "ClusterRoleBinding") {
      const roleRef = o.roleRef as { kind: string; name: string };
      if (names.has(`${roleRef.kind}/${roleRef.name}`)) roleRef.name = overlay.namePrefix + roleRef.name;
      for (const subject of (o.subjects as Array<{ kind: string; name: string; namespace?: string }>) ?? []) {
        if (subject.kind !== "ServiceAccount") continue;
        if (subject.namespace === "default") subject.namespace = overlay.namespace;
        if (names.has(`ServiceAccount/${subject.name}`)) subject.name = overlay.namePrefix + subject.name;
      }
    }
    o.metadata.labels = { ...o.metadata.labels, ...overlay.labels };
    return o;
  });
}

const sameObject = (a: KubeObject, b: KubeObject) => a.kind === b.kind && a.metadata.name === b.metadata.name;

/** Strategic merge as it behaves for our patches: maps merge, lists are replaced. */
function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isMap(target) || !isMap(patch)) return clone(patch);
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) out[key] = key in out ? strategicMerge(out[key], value) : clone(value);
  return out;
}

function applyJsonPatch(objects: KubeObject[], patch: KustomizeComponent["patches"][number]): KubeObject[] {
  return objects.map((object) => {
    if (object.kind !== patch.target.kind || object.metadata.name !== patch.target.name) return object;
    const o = clone(object);
    for (const op of patch.ops) {
      const segments = op.path.split("/").slice(1);
      const last = segments.pop()!;
      const parent = segments.reduce<any>((node, key) => node[key], o);
      if (Array.isArray(parent) && last === "-") parent.push(clone(op.value));
      else parent[Array.isArray(parent) ? Number(last) : last] = clone(op.value);
    }
    return o;
  });
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);
