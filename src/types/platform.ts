/* Generated from schemas/platform.schema.json by scripts/gen-types.mjs — do not edit. */

/**
 * A DNS-1123 label: lower-case letters, digits and '-', starting with a letter, ending with a letter or digit.
 */
export type DnsLabel = string;
/**
 * A Kubernetes resource quantity: at most 15 digits, with an optional decimal point and suffix (m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei), e.g. "500m", "4", "8Gi"; no sign, no exponent.
 */
export type KubernetesQuantity = string | number;
export type Port = number;
/**
 * Host address the API server port and the load balancer's ports (http, https) are published on. Default 127.0.0.1: only this machine reaches the cluster's API and ingress. 0.0.0.0 publishes them on every interface, to anyone who can reach this machine.
 */
export type IPv4Address = string;
/**
 * The Docker network k3d creates for the nodes (k3d `subnet`); the API server listens on the server nodes' addresses in it. A private range. Default 172.28.0.0/16.
 */
export type IPv4CIDR = string;
/**
 * Service ClusterIPs (k3s --service-cidr); its first address is the `kubernetes` Service, its tenth CoreDNS. A private range. Default 10.43.0.0/16, k3s's own.
 */
export type IPv4CIDR1 = string;
/**
 * Pod addresses (k3s --cluster-cidr), a /24 per node. A private range. Default 10.42.0.0/16, k3s's own.
 */
export type IPv4CIDR2 = string;
/**
 * A Kubernetes resource quantity: at most 15 digits, with an optional decimal point and suffix (m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei), e.g. "500m", "4", "8Gi"; no sign, no exponent.
 */
export type KubernetesQuantity1 = string | number;
/**
 * A Kubernetes resource quantity: at most 15 digits, with an optional decimal point and suffix (m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei), e.g. "500m", "4", "8Gi"; no sign, no exponent.
 */
export type KubernetesQuantity2 = string | number;
/**
 * Longest retention a topic may ask for (default 30d).
 */
export type Duration = string;
/**
 * A Kubernetes resource quantity: at most 15 digits, with an optional decimal point and suffix (m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei), e.g. "500m", "4", "8Gi"; no sign, no exponent.
 */
export type KubernetesQuantity3 = string | number;
/**
 * A Kubernetes resource quantity: at most 15 digits, with an optional decimal point and suffix (m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei), e.g. "500m", "4", "8Gi"; no sign, no exponent.
 */
export type KubernetesQuantity4 = string | number;
/**
 * A Kubernetes resource quantity: at most 15 digits, with an optional decimal point and suffix (m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei), e.g. "500m", "4", "8Gi"; no sign, no exponent.
 */
export type KubernetesQuantity5 = string | number;
/**
 * A Kubernetes resource quantity: at most 15 digits, with an optional decimal point and suffix (m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei), e.g. "500m", "4", "8Gi"; no sign, no exponent.
 */
export type KubernetesQuantity6 = string | number;
/**
 * A Kubernetes resource quantity: at most 15 digits, with an optional decimal point and suffix (m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei), e.g. "500m", "4", "8Gi"; no sign, no exponent.
 */
export type KubernetesQuantity7 = string | number;
/**
 * A Kubernetes resource quantity: at most 15 digits, with an optional decimal point and suffix (m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei), e.g. "500m", "4", "8Gi"; no sign, no exponent.
 */
export type KubernetesQuantity8 = string | number;
/**
 * A Kubernetes resource quantity: at most 15 digits, with an optional decimal point and suffix (m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei), e.g. "500m", "4", "8Gi"; no sign, no exponent.
 */
export type KubernetesQuantity9 = string | number;
/**
 * A GitHub user (@name), team (@org/team) or e-mail address, as CODEOWNERS accepts them.
 */
export type CodeOwner = string;

/**
 * platform.yaml: the cluster, GitOps settings, platform components, the Volcano default queue and policy thresholds.
 */
export interface Platform {
  cluster: Cluster;
  gitops: GitOps;
  components: Components;
  volcano?: VolcanoSettings;
  policy?: Policy;
  /**
   * Who must review changes to the platform: GitHub users (@name), teams (@org/team) or e-mail addresses. The build writes .github/CODEOWNERS, which gives them every file that is not a team's own, and always platform.yaml, schemas/, src/, .github/ and scripts/; with branch protection's "Require review from Code Owners", no pull request changes the platform without them.
   *
   * @minItems 1
   */
  owners: [CodeOwner, ...CodeOwner[]];
}
export interface Cluster {
  name: DnsLabel;
  /**
   * Pinned k3s image, e.g. rancher/k3s:v1.28.15-k3s1. Its Kubernetes version must suit every component (see the version matrix).
   */
  k3sImage: string;
  servers: NodeGroup;
  agents: NodeGroup;
  ports?: HostPorts;
  network?: ClusterNetwork;
}
export interface NodeGroup {
  count: number;
  cpu: KubernetesQuantity;
  memory: KubernetesQuantity;
}
export interface HostPorts {
  http?: Port;
  https?: Port;
  api?: Port;
  bindAddress?: IPv4Address;
}
/**
 * The cluster's address ranges, pinned so that the tenants' NetworkPolicy can allow the API server by address and nothing else. Change one only if it collides with a network this machine already uses; the three must not overlap.
 */
export interface ClusterNetwork {
  subnet?: IPv4CIDR;
  serviceCIDR?: IPv4CIDR1;
  clusterCIDR?: IPv4CIDR2;
}
export interface GitOps {
  /**
   * The Git repository Argo CD syncs from (this repository).
   */
  repoURL: string;
  /**
   * Branch, tag or commit Argo CD follows.
   */
  targetRevision: string;
  /**
   * Argo CD release installed by argocd/, e.g. v2.14.21.
   */
  argocdVersion: string;
}
/**
 * Platform components installed by Argo CD from their Helm charts (and objects the platform generates for them). Volcano is required as soon as one team uses it. Kafka (Strimzi) is required as soon as one team declares `data.topics`. Object storage is required as soon as one team declares `data.buckets`. The Spark History Server needs object storage: it reads the teams' event logs from their `<team>-eventlog` buckets.
 */
export interface Components {
  sparkOperator: Component;
  volcano?: Component;
  kafka?: KafkaComponent;
  objectStorage?: ObjectStorageComponent;
  sparkHistoryServer?: SparkHistoryServerComponent;
}
export interface Component {
  chart: HelmChart;
  namespace: DnsLabel;
  /**
   * Helm values; keys are checked against the chart's own values.yaml.
   */
  values?: {};
}
export interface HelmChart {
  repoURL: string;
  name: string;
  version: string;
}
/**
 * Strimzi's operator from its Helm chart, and one Kafka cluster in KRaft mode that the platform declares for it (Kafka and KafkaNodePool objects). Teams get topics and users on it from their `data.topics`.
 */
export interface KafkaComponent {
  chart: HelmChart;
  namespace: DnsLabel;
  /**
   * Helm values; keys are checked against the chart's own values.yaml.
   */
  values?: {};
  broker?: KafkaBroker;
  limits?: KafkaLimits;
}
/**
 * The one Kafka node (controller and broker in one process), sized for a laptop.
 */
export interface KafkaBroker {
  /**
   * Kafka version; Strimzi 0.50.1 runs 4.0.x and 4.1.x (default 4.1.1).
   */
  version?: string;
  memory?: KubernetesQuantity1;
  storage?: KubernetesQuantity2;
}
/**
 * What a team may ask for in `data.topics`, checked by validation.
 */
export interface KafkaLimits {
  /**
   * Most partitions of one topic (default 12).
   */
  maxPartitionsPerTopic?: number;
  /**
   * Most partitions of all a team's topics (default 24).
   */
  maxPartitionsPerTeam?: number;
  maxRetention?: Duration;
  retentionBytesPerPartition?: KubernetesQuantity3;
  produceBytesPerSecond?: KubernetesQuantity4;
  consumeBytesPerSecond?: KubernetesQuantity5;
}
/**
 * An S3-compatible object store: SeaweedFS from its Helm chart, in one pod (master, volume server, filer and S3 gateway). Teams get buckets and keys on it from their `data.buckets`.
 */
export interface ObjectStorageComponent {
  chart: HelmChart;
  namespace: DnsLabel;
  /**
   * Helm values; keys are checked against the chart's own values.yaml.
   */
  values?: {};
  storage?: KubernetesQuantity6;
  limits?: ObjectStorageLimits;
}
/**
 * What a team may ask for in `data.buckets`, checked by validation.
 */
export interface ObjectStorageLimits {
  /**
   * Most buckets one team may declare (default 5; the platform adds the team's event-log bucket).
   */
  maxBucketsPerTeam?: number;
  bucketQuota?: KubernetesQuantity7;
}
/**
 * Spark's own History Server, from the jobs' Spark image: one per team with buckets, reading the team's event logs from object storage. No chart.
 */
export interface SparkHistoryServerComponent {
  namespace: DnsLabel;
}
export interface VolcanoSettings {
  defaultQueue: DefaultQueue;
}
/**
 * The queue named `default` that Volcano creates itself; the platform manages its weight and capability but never deletes it.
 */
export interface DefaultQueue {
  weight: number;
  capability?: Resources;
  guarantee?: Resources;
}
/**
 * CPU and memory as Kubernetes quantities.
 */
export interface Resources {
  cpu: KubernetesQuantity8;
  memory: KubernetesQuantity9;
}
export interface Policy {
  overcommit?: OvercommitThresholds;
  /**
   * Severity overrides by rule id: error, warn or off.
   */
  rules?: {
    [k: string]: "error" | "warn" | "off";
  };
}
/**
 * Largest ratio of summed team quotas to the cluster's CPU and memory before the capacity rule reports.
 */
export interface OvercommitThresholds {
  /**
   * Default 3.
   */
  requests?: number;
  /**
   * Default 4.
   */
  limits?: number;
}
