/** Kubernetes objects as tests read them back (from YAML, Kustomize or an API server): any field may be looked at. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    resourceVersion?: string;
  };
  spec?: any;
  status?: any;
  [field: string]: any;
}
