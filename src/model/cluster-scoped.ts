/**
 * The kinds the platform generates, or a tenant's Role could name, that the
 * Kubernetes API serves cluster-scoped (`kubectl api-resources
 * --namespaced=false`; Volcano's Queue CRD declares `scope: Cluster`). The
 * Kustomize emulator leaves their namespace alone; policy refuses a tenant
 * write to any of them.
 */
const CLUSTER_SCOPED = [
  { group: "", kind: "Namespace", resource: "namespaces" },
  { group: "", kind: "Node", resource: "nodes" },
  { group: "", kind: "PersistentVolume", resource: "persistentvolumes" },
  { group: "rbac.authorization.k8s.io", kind: "ClusterRole", resource: "clusterroles" },
  { group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding", resource: "clusterrolebindings" },
  { group: "apiextensions.k8s.io", kind: "CustomResourceDefinition", resource: "customresourcedefinitions" },
  { group: "storage.k8s.io", kind: "StorageClass", resource: "storageclasses" },
  { group: "scheduling.k8s.io", kind: "PriorityClass", resource: "priorityclasses" },
  { group: "scheduling.volcano.sh", kind: "Queue", resource: "queues" },
  { group: "admissionregistration.k8s.io", kind: "ValidatingAdmissionPolicy", resource: "validatingadmissionpolicies" },
  { group: "admissionregistration.k8s.io", kind: "ValidatingAdmissionPolicyBinding", resource: "validatingadmissionpolicybindings" },
  { group: "admissionregistration.k8s.io", kind: "MutatingWebhookConfiguration", resource: "mutatingwebhookconfigurations" },
  { group: "admissionregistration.k8s.io", kind: "ValidatingWebhookConfiguration", resource: "validatingwebhookconfigurations" },
] as const;

const KINDS = new Set<string>(CLUSTER_SCOPED.map((s) => s.kind));
const RESOURCES = new Set<string>(CLUSTER_SCOPED.map((s) => s.resource));

/** Whether objects of `kind` have no namespace. */
export const isClusterScoped = (kind: string): boolean => KINDS.has(kind);
/** Whether an RBAC rule's resource (lower-case plural, as Roles name it) is cluster-scoped. */
export const isClusterScopedResource = (resource: string): boolean => RESOURCES.has(resource);
