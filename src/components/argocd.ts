/**
 * Argo CD: not a component of platform.yaml's `components` (scripts/bootstrap.sh
 * installs it from argocd/ before anything else), but its version must suit the
 * cluster like theirs.
 */
import { ARGO } from "./gitops.js";
import type { VersionSupport } from "./component.js";

export const ARGOCD: { key: string; title: string; namespace: string; versionPointer: string; compatibility: VersionSupport[] } = {
  key: "argocd",
  title: "Argo CD",
  namespace: ARGO.namespace,
  /** Where platform.yaml pins its version. */
  versionPointer: "/gitops/argocdVersion",
  compatibility: [
    {
      versions: /^v2\.14\./,
      label: "Argo CD 2.14",
      kubernetes: { minMinor: 28, maxMinor: 31 },
      source: "argoproj/argo-cd docs/operator-manual/tested-kubernetes-versions.md at v2.14 (v1.31, v1.30, v1.29, v1.28)",
    },
    {
      versions: /^v3\./,
      label: "Argo CD 3.x",
      kubernetes: { minMinor: 29, maxMinor: 34 },
      source: "argoproj/argo-cd tested Kubernetes versions for 3.x (1.29 or newer)",
    },
  ],
};
