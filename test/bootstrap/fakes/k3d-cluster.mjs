// One entry of `k3d cluster list -o json` (k3d 5.x): what the stand-in k3d
// lists after `cluster create`, and what a test says already exists.
export function k3dClusterEntry(name, servers, agents, running = true) {
  const nodes = [];
  for (let i = 0; i < servers; i++) nodes.push({ name: `k3d-${name}-server-${i}`, role: "server", State: { Running: running } });
  for (let i = 0; i < agents; i++) nodes.push({ name: `k3d-${name}-agent-${i}`, role: "agent", State: { Running: running } });
  nodes.push({ name: `k3d-${name}-serverlb`, role: "loadbalancer", State: { Running: running } });
  return {
    name,
    nodes,
    serversCount: servers,
    serversRunning: running ? servers : 0,
    agentsCount: agents,
    agentsRunning: running ? agents : 0,
    hasLoadbalancer: true,
    imageVolume: `k3d-${name}-images`,
  };
}
