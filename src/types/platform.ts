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
 * Platform components installed by Argo CD from their Helm charts. Volcano is required as soon as one team uses it.
 */
export interface Components {
  sparkOperator: Component;
  volcano?: Component;
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
  cpu: KubernetesQuantity1;
  memory: KubernetesQuantity2;
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
