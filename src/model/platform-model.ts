/**
 * The validated platform: platform.yaml and the teams with every default
 * filled in and every name derived in one place. Synthesis reads only this.
 */
import type { Platform, Resources } from "../types/platform.js";
import type { Team } from "../types/team.js";
import type { SourceDocument } from "../load/source.js";
import { kubernetesVersionOfK3sImage, type KubernetesVersion } from "../compat/versions.js";
import type { Capacity } from "./capacity.js";
import { clusterNetwork, type NetworkPlan } from "./network.js";
import { bytes, milliCPU, sparkMemoryBytes } from "./quantity.js";

export { capacityOf, type Capacity } from "./capacity.js";

export interface TeamModel {
  name: string;
  /** teams/<name>.yaml */
  file: string;
  namespace: string;
  serviceAccount: string;
  scheduler: "default" | "volcano";
  /** Volcano teams only; the queue is named after the team. */
  queueName?: string;
  spec: Team;
  job: SparkJobShape;
}

/** The example job with Spark's defaults filled in, as pods Kubernetes will see. */
export interface SparkJobShape {
  language: "pyspark" | "scala";
  driver: { cores: number; memory: string };
  executor: { cores: number; memory: string; instances: number };
  /** Requests of the driver pod and of one executor pod (memory includes Spark's overhead). */
  driverPod: Capacity;
  executorPod: Capacity;
  pods: number;
  total: Capacity;
}

export interface PlatformModel {
  platform: Platform;
  teams: TeamModel[];
  kubernetes: KubernetesVersion;
  sources: Map<string, SourceDocument>;
  /** Sum over every node: what Volcano counts as the cluster (k3s servers schedule pods too). */
  clusterCapacity: Capacity;
  /** Sum over the agents only. */
  workerCapacity: Capacity;
  volcanoEnabled: boolean;
  /** Host ports, and the host address they are published on. */
  hostPorts: { http: number; https: number; api: number; bindAddress: string };
  network: NetworkPlan;
}

export const TEAM_NAMESPACE_PREFIX = "team-";
export const namespaceOf = (team: string): string => `${TEAM_NAMESPACE_PREFIX}${team}`;
export const serviceAccountOf = (team: string): string => `${team}-sa`;

/** Spark adds max(10 %, 384 MiB) of memory overhead to each pod (spark.{driver,executor}.memoryOverhead). */
export function sparkPodMemory(jvmMemory: string): number {
  const heap = sparkMemoryBytes(jvmMemory);
  return heap + Math.max(Math.ceil(heap * 0.1), 384 * 2 ** 20);
}

export function jobShape(job: Team["exampleJob"]): SparkJobShape {
  const driver = { cores: job.driver?.cores ?? 1, memory: job.driver?.memory ?? "512m" };
  const executor = { cores: job.executor?.cores ?? 1, memory: job.executor?.memory ?? "512m", instances: job.executor?.instances ?? 2 };
  const driverPod = { cpu: driver.cores * 1000, memory: sparkPodMemory(driver.memory) };
  const executorPod = { cpu: executor.cores * 1000, memory: sparkPodMemory(executor.memory) };
  return {
    language: job.language, driver, executor, driverPod, executorPod,
    pods: 1 + executor.instances,
    total: { cpu: driverPod.cpu + executor.instances * executorPod.cpu, memory: driverPod.memory + executor.instances * executorPod.memory },
  };
}

export function teamModel(spec: Team, file: string): TeamModel {
  return {
    name: spec.name,
    file,
    namespace: namespaceOf(spec.name),
    serviceAccount: serviceAccountOf(spec.name),
    scheduler: spec.scheduler,
    queueName: spec.scheduler === "volcano" ? spec.name : undefined,
    spec,
    job: jobShape(spec.exampleJob),
  };
}

export function platformModel(platform: Platform, teams: TeamModel[], sources: Map<string, SourceDocument>): PlatformModel {
  const { servers, agents } = platform.cluster;
  const group = (g: typeof servers): Capacity => ({ cpu: g.count * milliCPU(g.cpu), memory: g.count * bytes(g.memory) });
  const workerCapacity = group(agents);
  const serverCapacity = group(servers);
  const kubernetes = kubernetesVersionOfK3sImage(platform.cluster.k3sImage);
  if (!kubernetes) throw new Error(`unparseable k3s image ${platform.cluster.k3sImage} (the schema should have refused it)`);
  return {
    platform,
    teams: [...teams].sort((a, b) => a.name.localeCompare(b.name)),
    kubernetes,
    sources,
    clusterCapacity: { cpu: workerCapacity.cpu + serverCapacity.cpu, memory: workerCapacity.memory + serverCapacity.memory },
    workerCapacity,
    volcanoEnabled: platform.components.volcano !== undefined,
    hostPorts: {
      http: platform.cluster.ports?.http ?? 8080,
      https: platform.cluster.ports?.https ?? 8443,
      api: platform.cluster.ports?.api ?? 6443,
      bindAddress: platform.cluster.ports?.bindAddress ?? "127.0.0.1",
    },
    network: clusterNetwork(platform.cluster.network),
  };
}
