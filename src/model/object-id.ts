/** How the platform names one Kubernetes object, in keys and in messages. */

/** What identifies an object in a cluster: its kind, its namespace (if namespaced) and its name. */
export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

type Named = ObjectRef | { kind: string; metadata: { name: string; namespace?: string } };

/**
 * "Role/team-a/a-spark-driver" as a key, or with `" "` after the kind
 * "Role team-a/a-spark-driver" as messages name the object.
 */
export function objectId(object: Named, separator: "/" | " " = "/"): string {
  const { name, namespace } = "metadata" in object ? object.metadata : object;
  return `${object.kind}${separator}${namespace ? `${namespace}/` : ""}${name}`;
}
