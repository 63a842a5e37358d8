/**
 * A semantic diff of generated objects: which resources are added, removed
 * or changed, and for a change, the paths of the fields that differ (not a
 * text diff of YAML, so key order and formatting never show).
 */
import type { Resource } from "./resources.js";

export type ChangeKind = "added" | "removed" | "changed";

export interface FieldChange {
  /** Dotted path, with [n] for list items and ["a.b"] for keys with dots. */
  path: string;
  /** Absent when the field is added. */
  before?: unknown;
  /** Absent when the field is removed. */
  after?: unknown;
}

/** A generated object that the change adds, removes or changes. */
export interface ResourceChange {
  change: ChangeKind;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The team it belongs to; absent for the platform's own objects. */
  team?: string;
  /** Where it is generated (a Kustomize directory or a file). */
  source: string;
  /** The environment (cluster) it is in, when the platform has several. */
  environment?: string;
  /** For "changed" only. */
  fields?: FieldChange[];
}

export function countChanges(changes: readonly ResourceChange[]): Record<ChangeKind, number> {
  const counts = { added: 0, removed: 0, changed: 0 };
  for (const c of changes) counts[c.change]++;
  return counts;
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || typeof v !== "object";

const key = (parent: string, k: string) => (/^[A-Za-z_$][\w$-]*$/.test(k) ? (parent ? `${parent}.${k}` : k) : `${parent}[${JSON.stringify(k)}]`);

/** Items of a list matched by `name` when every item has a distinct one (containers, rules with names…). */
function byName(list: unknown[]): Map<string, unknown> | undefined {
  if (!list.every((i) => isMap(i) && typeof i.name === "string")) return undefined;
  const map = new Map(list.map((i) => [(i as { name: string }).name, i]));
  return map.size === list.length ? map : undefined;
}

export function fieldChanges(before: unknown, after: unknown, path = ""): FieldChange[] {
  if (before === after) return [];
  if (isMap(before) && isMap(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => (k in before ? (k in after ? fieldChanges(before[k], after[k], key(path, k)) : [{ path: key(path, k), before: before[k] }]) : [{ path: key(path, k), after: after[k] }]));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (JSON.stringify(before) === JSON.stringify(after)) return [];
    if (before.every(isScalar) && after.every(isScalar)) {
      // A set of names (job namespaces, verbs): what left it and what joined it.
      const removed = before.filter((v) => !after.includes(v)).map((v) => ({ path: `${path}[]`, before: v }));
      const added = after.filter((v) => !before.includes(v)).map((v) => ({ path: `${path}[]`, after: v }));
      return removed.length + added.length ? [...removed, ...added] : [{ path, before, after }];
    }
    const [named, namedAfter] = [byName(before), byName(after)];
    if (named && namedAfter) {
      const names = [...new Set([...named.keys(), ...namedAfter.keys()])];
      return names.flatMap((n) => fieldChanges(named.get(n), namedAfter.get(n), `${path}[name=${n}]`));
    }
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => fieldChanges(before[i], after[i], `${path}[${i}]`)).flat();
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) }];
}

const describe = (r: Resource, change: ResourceChange["change"]): ResourceChange => ({
  change,
  apiVersion: r.object.apiVersion,
  kind: r.object.kind,
  name: r.object.metadata.name,
  ...(r.object.metadata.namespace ? { namespace: r.object.metadata.namespace } : {}),
  ...(r.team ? { team: r.team } : {}),
  source: r.source,
});

const ORDER: Record<ResourceChange["change"], number> = { removed: 0, changed: 1, added: 2 };

/** Changes ordered by team (the platform's first), then removed, changed, added, then kind and name. */
export function diffResources(before: Map<string, Resource>, after: Map<string, Resource>): ResourceChange[] {
  const changes: ResourceChange[] = [];
  for (const [id, old] of before) {
    const next = after.get(id);
    if (!next) changes.push(describe(old, "removed"));
    else if (JSON.stringify(old.object) !== JSON.stringify(next.object)) {
      const fields = fieldChanges(old.object, next.object);
      if (fields.length) changes.push({ ...describe(next, "changed"), fields });
    }
  }
  for (const [id, next] of after) if (!before.has(id)) changes.push(describe(next, "added"));
  return changes.sort((a, b) =>
    (a.team ?? "").localeCompare(b.team ?? "") || ORDER[a.change] - ORDER[b.change] || a.kind.localeCompare(b.kind) || `${a.namespace ?? ""}/${a.name}`.localeCompare(`${b.namespace ?? ""}/${b.name}`));
}
