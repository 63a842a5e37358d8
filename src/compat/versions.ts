/**
 * Which versions of each component work with which Kubernetes minor: the one
 * place this data lives, with where each fact comes from. Validation and the
 * README's version matrix both read it.
 */
import type { Platform } from "../types/platform.js";

export interface KubernetesRange {
  /** Lowest supported minor of Kubernetes 1.x. */
  minMinor: number;
  /** Highest supported minor of Kubernetes 1.x. */
  maxMinor: number;
  /** Minors inside the range that are known not to be supported. */
  gaps?: number[];
}

export interface ComponentSupport {
  component: "volcano" | "sparkOperator" | "argocd";
  /** Matches the version as written in platform.yaml (chart version, or Argo CD tag). */
  versions: RegExp;
  label: string;
  kubernetes: KubernetesRange;
  source: string;
}

export const SUPPORT_MATRIX: readonly ComponentSupport[] = [
  {
    component: "volcano",
    versions: /^1\.8\./,
    label: "Volcano 1.8",
    kubernetes: { minMinor: 19, maxMinor: 28 },
    source: "volcano-sh/volcano README at v1.8.2, Kubernetes compatibility table (1.26 marked supported in later READMEs; 1.29+ not supported before v1.9)",
  },
  {
    component: "volcano",
    versions: /^1\.9\./,
    label: "Volcano 1.9",
    kubernetes: { minMinor: 21, maxMinor: 29 },
    source: "volcano-sh/volcano README at v1.9.0, Kubernetes compatibility table",
  },
  {
    component: "sparkOperator",
    versions: /^2\./,
    label: "Spark Operator 2.x",
    kubernetes: { minMinor: 16, maxMinor: 33 },
    source: "kubeflow/spark-operator chart README (Kubernetes >= 1.16); 2.3.0 is built with client-go 0.32",
  },
  {
    component: "argocd",
    versions: /^v2\.14\./,
    label: "Argo CD 2.14",
    kubernetes: { minMinor: 28, maxMinor: 31 },
    source: "argoproj/argo-cd docs/operator-manual/tested-kubernetes-versions.md at v2.14 (v1.31, v1.30, v1.29, v1.28)",
  },
  {
    component: "argocd",
    versions: /^v3\./,
    label: "Argo CD 3.x",
    kubernetes: { minMinor: 29, maxMinor: 34 },
    source: "argoproj/argo-cd tested Kubernetes versions for 3.x (1.29 or newer)",
  },
];

export interface KubernetesVersion {
  major: number;
  minor: number;
  patch: number;
  /** e.g. v1.28.15 */
  gitVersion: string;
}

/** rancher/k3s:v1.28.15-k3s1 → 1.28.15 */
export function kubernetesVersionOfK3sImage(image: string): KubernetesVersion | undefined {
  const match = /:v(\d+)\.(\d+)\.(\d+)-k3s\d+$/.exec(image);
  if (!match) return undefined;
  const [major, minor, patch] = match.slice(1).map(Number);
  return { major, minor, patch, gitVersion: `v${major}.${minor}.${patch}` };
}

export type Compatibility =
  | { ok: true; support: ComponentSupport }
  | { ok: false; reason: string; support?: ComponentSupport };

export function checkCompatibility(component: ComponentSupport["component"], version: string, kubernetes: KubernetesVersion): Compatibility {
  const support = SUPPORT_MATRIX.find((s) => s.component === component && s.versions.test(version));
  if (!support) {
    const known = SUPPORT_MATRIX.filter((s) => s.component === component).map((s) => s.label).join(", ");
    return { ok: false, reason: `no compatibility data for ${component} ${version} (known: ${known})` };
  }
  const { minMinor, maxMinor, gaps = [] } = support.kubernetes;
  const minor = kubernetes.minor;
  if (kubernetes.major !== 1 || minor < minMinor || minor > maxMinor || gaps.includes(minor)) {
    return {
      ok: false,
      support,
      reason: `${support.label} supports Kubernetes 1.${minMinor}–1.${maxMinor}, not ${kubernetes.gitVersion} (source: ${support.source})`,
    };
  }
  return { ok: true, support };
}

/** A component whose version does not support the cluster's Kubernetes, with the JSON pointer of that version in platform.yaml. */
export interface Incompatibility {
  component: ComponentSupport["component"];
  path: string;
  reason: string;
  /** "Volcano 1.8: 1.19–1.28; Volcano 1.9: 1.21–1.29" */
  supported: string;
}

/** Checks every component platform.yaml installs (shared by validation and the version-compatibility policy rule). */
export function incompatibleComponents(platform: Pick<Platform, "components" | "gitops">, kubernetes: KubernetesVersion): Incompatibility[] {
  const { components, gitops } = platform;
  const checks = [
    { component: "argocd" as const, version: gitops.argocdVersion, path: "/gitops/argocdVersion" },
    { component: "sparkOperator" as const, version: components.sparkOperator.chart.version, path: "/components/sparkOperator/chart/version" },
    ...(components.volcano ? [{ component: "volcano" as const, version: components.volcano.chart.version, path: "/components/volcano/chart/version" }] : []),
  ];
  return checks.flatMap(({ component, version, path }) => {
    const result = checkCompatibility(component, version, kubernetes);
    if (result.ok) return [];
    const supported = SUPPORT_MATRIX.filter((s) => s.component === component).map((s) => `${s.label}: 1.${s.kubernetes.minMinor}–1.${s.kubernetes.maxMinor}`).join("; ");
    return [{ component, path, reason: result.reason, supported }];
  });
}

/**
 * ValidatingAdmissionPolicy: GA (v1) from Kubernetes 1.30; beta before, which
 * needs a feature gate and the v1beta1 API switched on in the API server.
 */
export function admissionPolicyApi(kubernetes: KubernetesVersion): { apiVersion: string; apiServerArgs: string[] } {
  if (kubernetes.minor >= 30) return { apiVersion: "admissionregistration.k8s.io/v1", apiServerArgs: [] };
  return {
    apiVersion: "admissionregistration.k8s.io/v1beta1",
    apiServerArgs: ["feature-gates=ValidatingAdmissionPolicy=true", "runtime-config=admissionregistration.k8s.io/v1beta1=true"],
  };
}

/** The version matrix as a Markdown table (the README embeds it; a test keeps them equal). */
export function versionMatrixMarkdown(): string {
  const rows = SUPPORT_MATRIX.map((s) => `| ${s.label} | 1.${s.kubernetes.minMinor} – 1.${s.kubernetes.maxMinor} | ${s.source} |`);
  return ["| Component | Kubernetes | Source |", "| --- | --- | --- |", ...rows].join("\n");
}
