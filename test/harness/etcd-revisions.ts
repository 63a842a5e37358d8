// When each object was created, as a total order: the create_revision etcd
// keeps for every key under /registry. Unlike creationTimestamp (whole
// seconds) it orders objects created within the same second, and unlike
// resourceVersion it does not move when an object is updated.
import type { Cluster } from "./cluster.js";

export interface ObjectRef {
  group?: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface CreationOrder {
  /** etcd create_revision of the object's key; throws when the object is not stored. */
  revisionOf(ref: ObjectRef): number;
  /** Like revisionOf, undefined when absent. */
  find(ref: ObjectRef): number | undefined;
}

/** Reads every key under /registry once (keys only) with its create_revision. */
export async function readCreationOrder(cluster: Cluster): Promise<CreationOrder> {
  const encode = (text: string): string => Buffer.from(text, "utf8").toString("base64");
  const response = await fetch(`${cluster.etcdUrl}/v3/kv/range`, {
    method: "POST",
    body: JSON.stringify({ key: encode("/registry/"), range_end: encode("/registry0"), keys_only: true }),
  });
  if (!response.ok) throw new Error(`etcd range /registry/: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { kvs?: { key: string; create_revision: string }[] };
  const revisions = new Map<string, number>();
  for (const kv of body.kvs ?? []) revisions.set(Buffer.from(kv.key, "base64").toString("utf8"), Number(kv.create_revision));

  const plurals = await resourcePlurals(cluster);
  const find = (ref: ObjectRef): number | undefined => {
    const group = ref.group ?? "";
    const plural = plurals.get(`${group}/${ref.kind}`);
    if (!plural) throw new Error(`the API server serves no kind ${ref.kind} in group "${group}"`);
    const suffix = [...(ref.namespace ? [ref.namespace] : []), ref.name].join("/");
    // Built-in kinds are stored as /registry/<resource>/..., custom resources as /registry/<group>/<resource>/...,
    // Services as /registry/services/specs/... (pkg/registry/core/service/storage).
    const resource = group === "" && plural === "services" ? "services/specs" : plural;
    for (const key of [`/registry/${resource}/${suffix}`, `/registry/${group}/${plural}/${suffix}`]) {
      const revision = revisions.get(key);
      if (revision !== undefined) return revision;
    }
    return undefined;
  };
  return {
    find,
    revisionOf: (ref) => {
      const revision = find(ref);
      if (revision === undefined) throw new Error(`${describeRef(ref)} is not stored in etcd`);
      return revision;
    },
  };
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind}${ref.group ? `.${ref.group}` : ""} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

/** `group/Kind` -> resource plural, from the API server's discovery. */
async function resourcePlurals(cluster: Cluster): Promise<Map<string, string>> {
  const plurals = new Map<string, string>();
  const add = (group: string, resources: { name: string; kind: string }[]): void => {
    for (const resource of resources) if (!resource.name.includes("/")) plurals.set(`${group}/${resource.kind}`, resource.name);
  };
  const core = await cluster.api.get<{ resources: { name: string; kind: string }[] }>("/api/v1");
  add("", core.body.resources);
  // Every version, not only the preferred one: on 1.28, ValidatingAdmissionPolicy is served by v1beta1 only.
  const groups = await cluster.api.get<{ groups: { name: string; versions: { groupVersion: string }[] }[] }>("/apis");
  for (const group of groups.body.groups) {
    for (const version of group.versions) {
      const list = await cluster.api.get<{ resources?: { name: string; kind: string }[] }>(`/apis/${version.groupVersion}`);
      add(group.name, list.body.resources ?? []);
    }
  }
  return plurals;
}
