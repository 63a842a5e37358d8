/**
 * What the Docker VM under the local k3d cluster must give, from the model.
 *
 * k3d runs every node as a container in one Docker VM and sizes none of them
 * for real:
 * - CPU: k3d has no CPU option (https://github.com/k3d-io/k3d/issues/491):
 *   every node reports all of the VM's CPUs as its capacity.
 * - Memory: `serversMemory`/`agentsMemory` give each node container a memory
 *   limit and mount a fake /proc/meminfo of that size
 *   (https://github.com/k3d-io/k3d/blob/v5.9.0/pkg/client/node.go, NodeCreate;
 *   pkg/util/infofaker.go), so a node advertises its declared memory whatever
 *   the VM has. Nothing reserves it in the VM.
 *
 * Validation, policy and review keep planning with the declared sizes. The
 * bootstrap compares the VM (`docker info`) with the numbers below:
 * - refused: fewer CPUs than the largest node declares. Every capacity check
 *   took the declared size as what a node has at least; below it, pods that
 *   policy accepted may never be scheduled and the guarantees may exceed what
 *   Volcano counts. More CPUs than declared only make those checks
 *   conservative.
 * - refused: nodes × CPUs below the queues' guarantees: Volcano 1.8.2's
 *   scheduler panics on every cycle when the guarantees exceed the cluster
 *   (https://github.com/volcano-sh/volcano/issues/3127, fixed in 1.10.1).
 *   Implied by the first for a platform that validates; stated on its own
 *   because it is the worse outcome.
 * - refused: less memory than the platform itself plus every team's example
 *   job at once (or than the nodes advertise, when that is less).
 * - warned: less memory than the nodes advertise. Kubernetes places pods up
 *   to the advertised memory, and when the VM runs out first the kernel's OOM
 *   killer ends a process (an executor, or a platform component) where a pod
 *   would otherwise wait Pending.
 */
import { bytes as bytesOfQuantity, formatApproximate } from "./quantity.js";
import { k3dOf, type PlatformModel } from "./platform-model.js";

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** One part of the platform's own memory: how much, for how many of it, and where the number comes from. */
export interface FootprintPart {
  part: string;
  bytes: number;
  /** When the size follows platform.yaml (Kafka's broker): the bytes of one. */
  bytesOf?: (model: PlatformModel) => number;
  count: (model: PlatformModel) => number;
  source: string;
}

/**
 * The platform's own memory, before any team's pod: estimates, each with its
 * source. The charts set no requests (Argo CD's install.yaml, the Spark
 * Operator's and Volcano's values leave `resources` empty), so the estimates
 * are the k3s project's measurements and the memory limits the charts suggest
 * in their own values files.
 */
export const PLATFORM_FOOTPRINT: readonly FootprintPart[] = [
  {
    part: "k3s server",
    bytes: 1596 * MiB,
    count: (m) => k3dOf(m).nodes.servers.count,
    source: "https://docs.k3s.io/reference/resource-profiling (K3s server with a workload, SQLite: 1596 M)",
  },
  {
    part: "k3s agent",
    bytes: 275 * MiB,
    count: (m) => k3dOf(m).nodes.agents.count,
    source: "https://docs.k3s.io/reference/resource-profiling (K3s agent: 275 M)",
  },
  {
    part: "Argo CD",
    bytes: 1216 * MiB,
    count: () => 1,
    source:
      "https://github.com/argoproj/argo-helm/blob/main/charts/argo-cd/values.yaml (suggested limits: application controller 512Mi; repo server, server, Redis, ApplicationSet and notifications controllers 128Mi each; Dex 64Mi)",
  },
  {
    part: "Spark Operator",
    bytes: 600 * MiB,
    count: () => 1,
    source: "https://github.com/kubeflow/spark-operator/blob/v2.3.0/charts/spark-operator-chart/values.yaml (suggested 300Mi for the controller and for the webhook)",
  },
  {
    part: "Volcano",
    bytes: 900 * MiB,
    count: (m) => (m.volcanoEnabled ? 1 : 0),
    source: "https://github.com/volcano-sh/volcano/blob/v1.8.2/installer/helm/chart/volcano/values.yaml (suggested 300Mi for the admission webhook; the same taken for the scheduler and the controllers)",
  },
  {
    part: "Strimzi operators",
    bytes: 3 * 384 * MiB,
    count: (m) => (m.platform.components.kafka ? 1 : 0),
    source: "https://github.com/strimzi/strimzi-kafka-operator/blob/0.50.1/helm-charts/helm3/strimzi-kafka-operator/values.yaml (the Cluster Operator's 384Mi limit; the Topic and User Operators get 384Mi each in src/components/kafka.ts)",
  },
  {
    part: "Kafka broker",
    bytes: GiB,
    bytesOf: (m) => bytesOfQuantity(m.platform.components.kafka?.broker?.memory ?? "1Gi"),
    count: (m) => (m.platform.components.kafka ? 1 : 0),
    source: "https://kafka.apache.org/41/operations/hardware-and-os/ (the broker pod's memory: components.kafka.broker.memory, default 1Gi, half of it heap)",
  },
  {
    part: "SeaweedFS",
    bytes: 256 * MiB,
    count: (m) => (m.platform.components.objectStorage ? 1 : 0),
    source: "https://seaweedfs.github.io/seaweedfs/helm (chart 4.53.0 suggests no limit; the all-in-one server peaked at 146 MB in npm run test:data, rounded up)",
  },
  {
    part: "data-credentials",
    bytes: 128 * MiB,
    count: (m) => (m.platform.components.objectStorage || m.platform.components.kafka ? 1 : 0),
    source: "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/ (its 128Mi memory limit in src/components/data-credentials-objects.ts)",
  },
  {
    part: "Spark History Server",
    bytes: 768 * MiB,
    count: (m) => (m.platform.components.sparkHistoryServer ? m.teams.filter((t) => t.data.buckets.length).length : 0),
    source: "https://spark.apache.org/docs/4.0.0/monitoring.html (one per team with buckets; its 768Mi limit in src/components/spark-history-server.ts, 384m of heap)",
  },
];

export interface HostRequirements {
  /** Nodes k3d creates, servers and agents: each reports every CPU of the VM. */
  nodes: number;
  cpu: {
    /** Whole CPUs of the largest node platform.yaml declares. */
    perNode: number;
    /** What the Volcano queues guarantee in all, in millicores (Volcano counts every node, servers too). */
    guaranteed: number;
    /** Whole CPUs each node must report so that nodes × CPUs hold the guarantees. */
    forGuarantees: number;
    /** The fewest CPUs the VM may have. */
    minimum: number;
  };
  memory: {
    /** What the nodes advertise together, in bytes: their declared sizes. */
    advertised: number;
    /** The platform's own processes (PLATFORM_FOOTPRINT). */
    platform: number;
    /** Every team's example job at once, Spark's memory overhead included. */
    examples: number;
    exampleJobs: number;
    /** The least the VM may have: the platform and the examples at once, or the advertised memory if less. */
    minimum: number;
  };
}

const wholeCPUs = (milli: number): number => Math.ceil(milli / 1000);

export function platformFootprint(model: PlatformModel): number {
  return PLATFORM_FOOTPRINT.reduce((total, p) => total + (p.bytesOf?.(model) ?? p.bytes) * p.count(model), 0);
}

export function hostRequirements(model: PlatformModel): HostRequirements {
  const { servers, agents } = k3dOf(model).nodes;
  const nodes = servers.count + agents.count;
  const groups = [servers, agents].filter((g) => g.count > 0);
  const perNode = wholeCPUs(Math.max(0, ...groups.map((g) => g.each.cpu)));
  const guaranteed = model.queues.reduce((total, q) => total + q.guarantee.cpu, 0);
  const forGuarantees = nodes > 0 ? wholeCPUs(guaranteed / nodes) : 0;
  const advertised = model.clusterCapacity.memory;
  const platform = platformFootprint(model);
  const examples = model.teams.reduce((total, t) => total + t.job.total.memory, 0);
  return {
    nodes,
    cpu: { perNode, guaranteed, forGuarantees, minimum: Math.max(perNode, forGuarantees, 1) },
    memory: { advertised, platform, examples, exampleJobs: model.teams.length, minimum: Math.min(platform + examples, advertised) },
  };
}

/** "15.2 GiB": how the bootstrap prints the VM's memory and these requirements. */
export const gibibytes = (byteCount: number): string => `${(byteCount / GiB).toFixed(1)} GiB`;

/** The README's prerequisites for the Docker VM, from platform.yaml (a test keeps the README equal to it). */
export function hostRequirementsMarkdown(model: PlatformModel): string {
  const req = hostRequirements(model);
  const { servers, agents } = k3dOf(model).nodes;
  const node = (count: number, what: string, each: { cpu: number; memory: number }) =>
    `${count} ${what}${count === 1 ? "" : "s"} of ${formatApproximate("cpu", each.cpu)} / ${formatApproximate("memory", each.memory)}`;
  const declared = [servers.count ? node(servers.count, "server", servers.each) : "", agents.count ? node(agents.count, "agent", agents.each) : ""].filter(Boolean).join(", ");
  const rows = [
    ["CPUs", `at least **${req.cpu.minimum}**`, `every node reports all of the VM's CPUs (k3d cannot limit them): each must have the ${req.cpu.perNode} CPU of the largest node (${declared})${req.cpu.guaranteed ? `, and ${req.nodes} nodes × CPUs must hold the ${formatApproximate("cpu", req.cpu.guaranteed)} the Volcano queues guarantee` : ""}`],
    ["Memory", `at least **${gibibytes(req.memory.minimum)}**`, `the platform itself (${gibibytes(req.memory.platform)}: ${PLATFORM_FOOTPRINT.filter((p) => p.count(model) > 0).map((p) => p.part.replace(/^k3s (server|agent)$/, "k3s")).filter((p, i, all) => all.indexOf(p) === i).join(", ")}) and the ${req.memory.exampleJobs} example jobs at once (${gibibytes(req.memory.examples)}); less is refused`],
    ["Memory, to run without a warning", `**${gibibytes(req.memory.advertised)}**`, `what the ${req.nodes} nodes advertise and Kubernetes schedules against; with less, a full cluster meets the kernel's OOM killer instead of a Pending pod`],
  ];
  return ["| Docker VM | needs | why |", "| --- | --- | --- |", ...rows.map((cells) => `| ${cells.join(" | ")} |`)].join("\n");
}
