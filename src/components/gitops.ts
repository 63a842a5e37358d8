/**
 * What the platform's GitOps is built on, for every stage: Argo CD's names
 * (annotations, finalizer, namespace) and the sync waves in which it brings
 * the platform up. Component descriptors pick their wave from here.
 */

/** Argo CD annotations. */
export const ARGO = {
  syncWave: "argocd.argoproj.io/sync-wave",
  syncOptions: "argocd.argoproj.io/sync-options",
  compareOptions: "argocd.argoproj.io/compare-options",
  resourcesFinalizer: "resources-finalizer.argocd.argoproj.io",
  inCluster: "https://kubernetes.default.svc",
  namespace: "argocd",
} as const;

/**
 * The order in which Argo CD brings the platform up: the platform's own
 * Applications, and the phases a component's descriptor picks its wave from
 * (src/components). Volcano's webhooks fail closed (no pod outside
 * volcano-system can start while they are down), so it is healthy before
 * anything else runs pods; its Queue CRD must exist before the queues; a
 * tenant's objects need its namespace; the Spark Operator's chart expects the
 * job namespaces to exist before it is installed.
 */
export const SYNC_WAVES = {
  projects: -1,
  /** Components that must be healthy before anything runs pods or uses their kinds. */
  infrastructure: 0,
  queues: 1,
  guardrails: 1,
  namespaces: 1,
  tenants: 2,
  /** Components that need the tenants' namespaces to exist. */
  operators: 3,
} as const;
