// Simulated nodes: KWOK keeps fake Nodes Ready (heartbeats, leases) and plays
// the kubelet's first part for pods bound to them (a pod IP, Running, Ready).
// No container ever runs. One Node per node platform.yaml declares, with its
// CPU and memory, named as k3d names them.
import { readFileSync, writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type { Platform } from "../../src/types/platform.js";
import type { Cluster } from "./cluster.js";
import { buildComponentBinary, componentGoModule, componentVersion, KWOK } from "./components.js";
import { healthy } from "./health.js";
import { repoRoot } from "../support/paths.js";
import { freePort } from "../support/ports.js";
import { run, waitUntil, type Daemon } from "./process.js";

export interface SimulatedNode {
  name: string;
  role: "server" | "agent";
  cpu: string;
  memory: string;
}

/** k3d's node names for the platform's cluster: k3d-<name>-server-<i>, k3d-<name>-agent-<i>. */
export function platformNodes(platformFile = join(repoRoot, "platform.yaml")): SimulatedNode[] {
  const platform = parse(readFileSync(platformFile, "utf8")) as Platform;
  const { name, servers, agents } = platform.cluster;
  const group = (role: SimulatedNode["role"], spec: { count: number; cpu: string | number; memory: string | number }): SimulatedNode[] =>
    Array.from({ length: spec.count }, (_, i) => ({ name: `k3d-${name}-${role}-${i}`, role, cpu: String(spec.cpu), memory: String(spec.memory) }));
  return [...group("server", servers), ...group("agent", agents)];
}

/** A Node as k3s registers it (server nodes carry the control-plane role and stay schedulable), marked for KWOK. */
export function nodeObject(node: SimulatedNode): Record<string, unknown> {
  const resources = { cpu: node.cpu, memory: node.memory, pods: "110" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: node.name,
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        "kubernetes.io/hostname": node.name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        type: "kwok",
        ...(node.role === "server" ? { "node-role.kubernetes.io/control-plane": "true", "node-role.kubernetes.io/master": "true" } : {}),
      },
    },
    spec: {},
    status: { capacity: resources, allocatable: resources, nodeInfo: { architecture: "amd64", operatingSystem: "linux", kubeletVersion: "fake" } },
  };
}

export interface Kwok {
  daemon: Daemon;
  nodes: SimulatedNode[];
}

export interface KwokOptions {
  nodes?: SimulatedNode[];
  /**
   * Pods in these namespaces get `address` (an address of this machine) as their pod IP, as if they ran on
   * the host network, so that a Service's endpoints lead the API server to a process listening there.
   */
  hostAddress?: { address: string; namespaces: readonly string[] };
  /**
   * Jobs (by name) whose pods KWOK leaves Running instead of completing them: the harness does their work
   * and then completes the pod itself (chart-pods.ts completePod), so the Job succeeds only after its work.
   */
  heldJobs?: readonly string[];
}

/**
 * KWOK's own default pod stages (pod-ready, pod-complete, pod-delete of its "fast" set, read from the
 * module at the pinned version) with two changes: pod-ready gives pods of `hostAddress.namespaces` the
 * host's address, and pod-complete skips the pods of `heldJobs`. KWOK uses the stages of --config
 * instead of its defaults once any pod stage is given.
 */
async function podStages(hostAddress: NonNullable<KwokOptions["hostAddress"]>, heldJobs: readonly string[]): Promise<string> {
  const download = await run("go", ["mod", "download", "-json", `${KWOK.module}@${componentVersion(KWOK)}`], { cwd: componentGoModule(KWOK) });
  const dir = join((JSON.parse(download.stdout) as { Dir: string }).Dir, "kustomize/stage/pod/fast");
  const ready = readFileSync(join(dir, "pod-ready.yaml"), "utf8");
  const podIp = /^(\s*)podIP: (\{\{ PodIPWith .*\}\})$/m.exec(ready);
  if (!podIp) throw new Error(`${dir}/pod-ready.yaml: no podIP line of the expected shape; KWOK's default stage changed`);
  const namespaces = hostAddress.namespaces.map((ns) => JSON.stringify(ns)).join(" ");
  const changed = ready.replace(podIp[0], `${podIp[1]}podIP: {{ if eq .metadata.namespace ${namespaces} }}${JSON.stringify(hostAddress.address)}{{ else }}${podIp[2]}{{ end }}`);
  let complete = readFileSync(join(dir, "pod-complete.yaml"), "utf8");
  if (heldJobs.length) {
    const ownerKind = /^(\s*)- key: '\.metadata\.ownerReferences\.\[\]\.kind'\n/m.exec(complete);
    if (!ownerKind) throw new Error(`${dir}/pod-complete.yaml: no ownerReferences kind selector of the expected shape; KWOK's default stage changed`);
    const indent = ownerKind[1];
    // NotIn: no owner of the pod has one of these names (kwok's expression.Requirement).
    const held = `${indent}- key: '.metadata.ownerReferences.[].name'\n${indent}  operator: 'NotIn'\n${indent}  values:\n${heldJobs.map((job) => `${indent}  - ${JSON.stringify(job)}\n`).join("")}`;
    complete = complete.replace(ownerKind[0], held + ownerKind[0]);
  }
  return [changed, complete, readFileSync(join(dir, "pod-delete.yaml"), "utf8")].join("\n---\n");
}

/**
 * An IPv4 address of this machine that is not loopback: the API server refuses endpoints in 127.0.0.0/8,
 * so the charts' pods get this one as their IP (KwokOptions.hostAddress) and their webhooks listen on it.
 */
export function hostAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal);
  if (!address) throw new Error("this machine has no non-loopback IPv4 address; the server suites give the charts' pods one (the API server refuses loopback endpoints)");
  return address.address;
}

/** Starts KWOK, creates the nodes and waits until every one is Ready. */
export async function startKwok(cluster: Cluster, options: KwokOptions = {}): Promise<Kwok> {
  const nodes = options.nodes ?? platformNodes();
  const binary = await buildComponentBinary(KWOK, "kwok");
  const port = await freePort();
  const config = join(cluster.workDir, "kwok-stages.yaml");
  if (options.heldJobs?.length && !options.hostAddress) throw new Error("startKwok: heldJobs needs hostAddress (the changed stages are written together)");
  if (options.hostAddress) writeFileSync(config, await podStages(options.hostAddress, options.heldJobs ?? []));
  const daemon = cluster.spawn("kwok", binary, [
    `--kubeconfig=${cluster.kubeconfig}`,
    ...(options.hostAddress ? [`--config=${config}`] : []),
    "--manage-all-nodes=true",
    // Its own server (healthz; kubelet-style logs/exec, unused) on loopback only.
    `--server-address=127.0.0.1:${port}`,
    // Heartbeats through node Leases, renewed every 10 s, as a kubelet does. Without them KWOK only
    // patches node status about every 50 s, past kube-controller-manager's 40 s grace period: nodes
    // would flap NotReady, and Volcano, counting only Ready nodes, would see a smaller cluster.
    "--node-lease-duration-seconds=40",
  ]);
  await waitUntil("kwok /healthz", () => healthy(`http://127.0.0.1:${port}/healthz`), { timeoutMs: 60_000, intervalMs: 500, daemon });
  await cluster.kubectl(["apply", "--server-side", "-f", "-"], { input: nodes.map((n) => JSON.stringify(nodeObject(n))).join("\n") });
  await waitUntil(
    `KWOK to report ${nodes.length} nodes Ready`,
    async () => {
      const { body } = await cluster.api.get<{ items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] }>("/api/v1/nodes");
      const ready = body.items.filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).map((n) => n.metadata.name);
      return nodes.every((n) => ready.includes(n.name)) ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500, daemon },
  );
  await waitUntil(
    "KWOK to hold a node Lease for every node",
    async () => {
      const { body } = await cluster.api.get<{ items?: { metadata: { name: string } }[] }>("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases");
      const leases = (body.items ?? []).map((l) => l.metadata.name);
      return nodes.every((n) => leases.includes(n.name)) ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500, daemon },
  );
  return { daemon, nodes };
}
