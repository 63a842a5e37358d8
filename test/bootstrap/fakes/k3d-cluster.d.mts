/** One entry of `k3d cluster list -o json`; see k3d-cluster.mjs. */
export function k3dClusterEntry(name: string, servers: number, agents: number, running?: boolean): Record<string, unknown>;
