// One entry of `k3d cluster list -o json` (k3d 5.x): what the stand-in k3d
// lists after `cluster create`, and what a test says already exists.
//
// `shape` is what the cluster was created with: the k3s image, the servers'
// k3s arguments (k3d lists a node's command line as its Cmd) and the published
// ports as "HOST_IP:HOST_PORT:PORT" (k3d lists Docker's PortBindings as the
// load balancer's portMappings). A field left out is filled in from the
// fixture's generated/cluster/k3d.yaml when the stand-in first reads the
// scenario (completeEntry): a cluster made from the same config.
export function k3dClusterEntry(name, servers, agents, running = true, shape = {}) {
  const nodes = [];
  const node = (nodeName, role) => ({
    name: nodeName,
    role,
    // k3d lists the image's ID; `docker inspect` answers the name it was created from (inspectImage, the stand-in's own field).
    image: "sha256:8a3b1e4c2f0d",
    ...(shape.image !== undefined ? { inspectImage: shape.image } : {}),
    ...(role === "server" && shape.serverArgs !== undefined ? { Cmd: ["server", ...shape.serverArgs] } : {}),
    ...(role === "agent" ? { Cmd: ["agent"] } : {}),
    State: { Running: running },
  });
  for (let i = 0; i < servers; i++) nodes.push(node(`k3d-${name}-server-${i}`, "server"));
  for (let i = 0; i < agents; i++) nodes.push(node(`k3d-${name}-agent-${i}`, "agent"));
  nodes.push({
    name: `k3d-${name}-serverlb`,
    role: "loadbalancer",
    ...(shape.ports !== undefined ? { portMappings: portMappings(shape.ports) } : {}),
    State: { Running: running },
  });
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

/** "127.0.0.1:8080:80" → { "80/tcp": [{ HostIp, HostPort }] }; k3d keys the API port 6443 without its protocol. */
function portMappings(ports) {
  const mappings = {};
  for (const spec of ports) {
    const [HostIp, HostPort, port] = spec.split(":");
    const key = port === "6443" ? port : `${port}/tcp`;
    (mappings[key] ??= []).push({ HostIp, HostPort });
  }
  return mappings;
}

/** What a k3d config (k3d.io/v1alpha5, parsed) creates: its image, its servers' k3s arguments, its ports. */
export function shapeOf(config) {
  return {
    image: config.image,
    serverArgs: (config.options?.k3s?.extraArgs ?? []).filter((a) => (a.nodeFilters ?? []).some((f) => f.startsWith("server:"))).map((a) => a.arg),
    ports: [`${config.kubeAPI.hostIP}:${config.kubeAPI.hostPort}:6443`, ...(config.ports ?? []).map((p) => p.port)],
  };
}

/** Fills what an entry leaves out with `shape` (see k3dClusterEntry). */
export function completeEntry(entry, shape) {
  for (const n of entry.nodes ?? []) {
    if (n.role === "server" || n.role === "agent") n.inspectImage ??= shape.image;
    if (n.role === "server") n.Cmd ??= ["server", ...shape.serverArgs];
    if (n.role === "loadbalancer") n.portMappings ??= portMappings(shape.ports);
  }
  return entry;
}

/** The entry with every node started, as `k3d cluster start` leaves it. */
export function started(entry) {
  for (const n of entry.nodes ?? []) n.State = { ...n.State, Running: true };
  return { ...entry, serversRunning: entry.serversCount, agentsRunning: entry.agentsCount };
}
