/**
 * Which versions of each component work with which Kubernetes minor, gathered
 * from the component descriptors (src/components), each fact with where it
 * comes from. Validation, the version-compatibility policy rule and the
 * README's version matrix all read it.
 */
import { ARGOCD } from "../components/argocd.js";
import type { KubernetesRange, VersionSupport } from "../components/component.js";
import { chartComponents } from "../components/installed.js";
import { COMPONENTS } from "../components/registry.js";
import { KAFKA_DEFAULTS, STRIMZI_KAFKA_VERSIONS } from "../components/kafka.js";
import type { KubernetesVersion } from "../model/kubernetes-version.js";
import { SPARK_BUNDLED_HADOOP_VERSION, SPARK_JARS } from "../model/spark-artifacts.js";
import { SPARK_IMAGE } from "../model/spark-image.js";
import type { Platform } from "../types/platform.js";

export type { KubernetesRange };

export interface ComponentSupport extends VersionSupport {
  /** The component's key (under `components:` in platform.yaml), or `argocd`. */
  component: string;
}

/** Every registered component's releases, then Argo CD's. */
export const SUPPORT_MATRIX: readonly ComponentSupport[] = [
  ...COMPONENTS.flatMap((c) => c.compatibility.map((s) => ({ component: c.key, ...s }))),
  ...ARGOCD.compatibility.map((s) => ({ component: ARGOCD.key, ...s })),
];


export type Compatibility =
  | { ok: true; support: ComponentSupport }
  | { ok: false; reason: string; support?: ComponentSupport };

export function checkCompatibility(component: string, version: string, kubernetes: KubernetesVersion): Compatibility {
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
  component: string;
  path: string;
  reason: string;
  /** "Volcano 1.8: 1.19–1.28; Volcano 1.9: 1.21–1.29" */
  supported: string;
}

/** Checks every component platform.yaml installs (shared by validation and the version-compatibility policy rule). */
export function incompatibleComponents(platform: Pick<Platform, "components" | "gitops">, kubernetes: KubernetesVersion): Incompatibility[] {
  const checks = [
    { component: ARGOCD.key, version: platform.gitops.argocdVersion, path: ARGOCD.versionPointer },
    ...chartComponents(platform).map((c) => ({ component: c.descriptor.key, version: c.settings.chart.version, path: `${c.pointer}/chart/version` })),
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

/**
 * What the data flow pins besides the charts, each with its reason (the
 * README embeds it; a test keeps them equal): the Kafka the Strimzi line
 * runs, the one Spark image, and the jars Spark loads from the store.
 */
export function pinnedArtefactsMarkdown(): string {
  const rows = [
    `| Kafka ${KAFKA_DEFAULTS.broker.version} | \`components.kafka.broker.version\` | ${STRIMZI_KAFKA_VERSIONS.map((l) => `${l.label} runs ${l.kafka.join(", ")} (${l.source})`).join("; ")}; KRaft only |`,
    `| \`${SPARK_IMAGE}\` | the examples, the History Servers, data-credentials, the artifacts Job | one image for all; the jars below must match its Spark and bundled Hadoop (${SPARK_BUNDLED_HADOOP_VERSION}) |`,
    ...SPARK_JARS.map((jar) => `| \`${jar.group}:${jar.artifact}:${jar.version}\` | ${jar.usedBy.map((u) => (u === "job" ? "data jobs" : "History Servers")).join(", ")} | ${jar.why} |`),
  ];
  return ["| Pinned | Used by | Why this version |", "| --- | --- | --- |", ...rows].join("\n");
}
