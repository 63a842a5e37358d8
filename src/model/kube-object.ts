/**
 * A Kubernetes object as the compiler holds it, and the labels the platform
 * puts on what it generates: shared by the component descriptors, which
 * declare objects of their own, and synthesis (src/synth/object.ts re-exports them).
 */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** Label keys the platform puts on what it generates. */
export const LABELS = {
  team: "spark-platform.io/team",
  environment: "spark-platform.io/environment",
  scheduler: "spark-platform.io/scheduler",
  managedBy: "app.kubernetes.io/managed-by",
  partOf: "app.kubernetes.io/part-of",
} as const;

export const MANAGED_BY = "spark-platform-gitops";
export const PART_OF = "spark-platform";
