/* Generated from schemas/environment.schema.json by scripts/gen-types.mjs — do not edit. */

/**
 * The environment's name: lower-case letters, digits and '-' (at most 20 characters). Must equal the file name; Argo CD objects of this environment are prefixed with it.
 */
export type EnvironmentName = string;
/**
 * A DNS-1123 label: lower-case letters, digits and '-', starting with a letter, ending with a letter or digit.
 */
export type DnsLabel = string;
/**
 * Allocatable CPU of one node.
 */
export type KubernetesQuantity = string | number;
/**
 * Allocatable memory of one node.
 */
export type KubernetesQuantity1 = string | number;
/**
 * The cluster's Service range; its first address is the `kubernetes` Service.
 */
export type IPv4CIDR = string;
/**
 * An IPv4 network as address/prefix length, e.g. 172.28.0.0/16.
 */
export type IPv4CIDR1 = string;

/**
 * One cluster the platform runs on besides the laptop's: environments/<name>.yaml. platform.yaml is every environment's base, and its k3d cluster is the environment `local`; this file names the cluster (as Argo CD has it registered), its Kubernetes version and capacity, and what differs here. environments/local.yaml may exist too, with local's differences only (no `cluster`).
 */
export interface Environment {
  name: EnvironmentName;
  cluster?: EnvironmentCluster;
  /**
   * Every team's quota (requests, limits and pods) and queue guarantee and capability in this environment, times this (default 1): e.g. 4 on a production cluster four times the laptop's size.
   */
  quotaScale?: number;
  /**
   * What differs here from platform.yaml's `components`, merged over them key by key (e.g. another chart version, values, a larger `storage`). A component platform.yaml does not install cannot be added here.
   */
  components?: {
    [k: string]: {};
  };
  /**
   * What differs here from platform.yaml's `volcano`, merged over it.
   */
  volcano?: {};
  /**
   * What differs here from platform.yaml's `policy`, merged over it.
   */
  policy?: {};
}
/**
 * A cluster Argo CD deploys to, registered with `argocd cluster add <context> --name <environment>` (its credentials stay in the cluster Secret that command writes, never in git).
 */
export interface EnvironmentCluster {
  /**
   * The cluster's API server as Argo CD has it registered (`argocd cluster list`), e.g. https://staging.k8s.example.com:6443.
   */
  server: string;
  /**
   * The cluster's Kubernetes minor, e.g. "1.28": the version matrix checks every component against it.
   */
  kubernetesVersion: string;
  /**
   * The nodes Spark and the platform run on, as node pools. Capacity checks count `count` nodes of each; `maxCount` is the most an autoscaler may grow a pool to.
   *
   * @minItems 1
   * @maxItems 20
   */
  nodePools:
    | [NodePool]
    | [NodePool, NodePool]
    | [NodePool, NodePool, NodePool]
    | [NodePool, NodePool, NodePool, NodePool]
    | [NodePool, NodePool, NodePool, NodePool, NodePool]
    | [NodePool, NodePool, NodePool, NodePool, NodePool, NodePool]
    | [NodePool, NodePool, NodePool, NodePool, NodePool, NodePool, NodePool]
    | [NodePool, NodePool, NodePool, NodePool, NodePool, NodePool, NodePool, NodePool]
    | [NodePool, NodePool, NodePool, NodePool, NodePool, NodePool, NodePool, NodePool, NodePool]
    | [
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool
      ]
    | [
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool
      ]
    | [
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool
      ]
    | [
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool
      ]
    | [
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool
      ]
    | [
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool
      ]
    | [
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool
      ]
    | [
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool
      ]
    | [
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool
      ]
    | [
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool
      ]
    | [
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool,
        NodePool
      ];
  network: EnvironmentNetwork;
}
export interface NodePool {
  name: DnsLabel;
  /**
   * `worker` (default): Spark runs here. `system`: only the platform's components (a managed control plane has no nodes to list).
   */
  role?: "worker" | "system";
  count: number;
  maxCount?: number;
  cpu: KubernetesQuantity;
  memory: KubernetesQuantity1;
}
/**
 * Where the cluster's API server is, so that the tenants' NetworkPolicy allows Spark drivers to reach it and nothing else.
 */
export interface EnvironmentNetwork {
  serviceCIDR: IPv4CIDR;
  apiServer: ApiServerEndpoints;
}
/**
 * The API server's own addresses and port, where a connection to the `kubernetes` Service really goes (the endpoints of `kubectl get endpoints kubernetes`).
 */
export interface ApiServerEndpoints {
  /**
   * @minItems 1
   * @maxItems 10
   */
  cidrs:
    | [IPv4CIDR1]
    | [IPv4CIDR1, IPv4CIDR1]
    | [IPv4CIDR1, IPv4CIDR1, IPv4CIDR1]
    | [IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1]
    | [IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1]
    | [IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1]
    | [IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1]
    | [IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1, IPv4CIDR1]
    | [
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1
      ]
    | [
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1,
        IPv4CIDR1
      ];
  port: number;
}
