/** What a cluster was created with; see k3d-cluster.mjs. */
export interface ClusterShape {
  image?: string;
  serverArgs?: string[];
  ports?: string[];
}
/** One entry of `k3d cluster list -o json`; see k3d-cluster.mjs. */
export function k3dClusterEntry(name: string, servers: number, agents: number, running?: boolean, shape?: ClusterShape): Record<string, unknown>;
