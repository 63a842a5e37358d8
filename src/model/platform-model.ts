/**
 * The validated platform: platform.yaml and the teams with every default
 * filled in, every quantity parsed and every name derived in one place.
 * Synthesis, policy and review read only this.
 */
import { PLATFORM_FILE } from "../load/inputs.js";
import type { Platform, Resources } from "../types/platform.js";
import type { Team } from "../types/team.js";
import type { SourceDocument } from "../load/source.js";
import { kubernetesVersionOfK3sImage, kubernetesVersionOfMinor, type KubernetesVersion } from "./kubernetes-version.js";
import { capacityOf, ZERO, type Capacity } from "./capacity.js";
import { API_SERVER_PORT, clusterNetwork, formatIpv4, networkOf, parseCidr, type NetworkPlan } from "./network.js";
import { bytes, milliCPU, quantityText, sparkMemoryBytes } from "./quantity.js";
import { dataNeeds, type DataNeeds } from "./data.js";
import { localEnvironment, type EnvironmentModel } from "./environment.js";
import type { EnvironmentCluster } from "../types/environment.js";

export { capacityOf, type Capacity } from "./capacity.js";

export interface TeamModel {
  name: string;
  /** teams/<name>.yaml */
  file: string;
  namespace: string;
  serviceAccount: string;
  /** Argo CD: the team's AppProject and its tenant Application. */
  project: string;
  application: string;
  scheduler: "default" | "volcano";
  /** Volcano teams only; the queue is named after the team. */
  queueName?: string;
  spec: Team;
  /** The namespace's ResourceQuota. */
  quota: { requests: Capacity; limits: Capacity; pods: number };
  /** The LimitRange's container defaults. */
  limitRange: { defaultRequest: Capacity; default: Capacity };
  /** The queue the team file declares (validation refuses one on a default-scheduler team). */
  queue?: QueueModel;
  job: SparkJobShape;
  /** The buckets and topics it asks for (src/model/data.ts). */
  data: DataNeeds;
}

/** A Volcano queue as written: the platform's `default` queue, or a team's. */
export interface QueueModel {
  name: string;
  /** The input file that declares it, and the JSON pointer of its settings there. */
  file: string;
  pointer: string;
  weight: number;
  capability?: Capacity;
  /** Zero when none is written. */
  guarantee: Capacity;
  /** The settings as written: the Queue object carries their text. */
  spec: { weight: number; capability?: Resources; guarantee?: Resources };
}

/** A queue Volcano will have, and the team it belongs to (none for `default`). */
export interface VolcanoQueue extends QueueModel {
  team?: TeamModel;
}

/** A group of identical nodes. */
export interface NodeGroupModel {
  count: number;
  /** Allocatable CPU and memory of one node. */
  each: Capacity;
}

/** Nodes of one size: k3d's servers or agents, or a registered cluster's node pool. */
export interface NodePoolModel extends NodeGroupModel {
  name: string;
  /** `worker`: Spark runs there (k3d's agents); `control-plane`: the platform's components (k3d's servers, which run pods too). */
  role: "control-plane" | "worker";
  /** The most an autoscaler may grow it to. */
  maxCount?: number;
  /** JSON pointer in the file that declares it. */
  pointer: string;
}

/** The cluster an environment is, as capacity findings describe it and point at it. */
export interface ClusterModel {
  /** The file that declares its nodes: platform.yaml (k3d) or environments/<name>.yaml. */
  file: string;
  pools: NodePoolModel[];
  /** Where its workers are declared, and how a finding says to add some. */
  workersPointer: string;
  addWorkers: string;
}

/** Where Spark drivers reach the API server: the `kubernetes` Service, and where a connection to it really goes (after kube-proxy's DNAT). */
export interface ApiServerAddresses {
  serviceIP: string;
  endpoints: Array<{ cidr: string; except?: string[]; port: number }>;
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
  /** The environment's: platform.yaml with the environment's differences merged over it. */
  platform: Platform;
  /** The teams present in the environment, their quotas scaled by it. */
  teams: TeamModel[];
  environment: EnvironmentModel;
  /** A registered environment's cluster, as its file declares it (absent for local's k3d). */
  registeredCluster?: RegisteredCluster;
  kubernetes: KubernetesVersion;
  sources: Map<string, SourceDocument>;
  /** The laptop's k3d cluster: local only (a registered cluster has node pools: `cluster`). */
  k3d?: K3dModel;
  cluster: ClusterModel;
  apiServer: ApiServerAddresses;
  /** Sum over every node: what Volcano counts as the cluster (k3s servers schedule pods too). */
  clusterCapacity: Capacity;
  /** Sum over the agents only. */
  workerCapacity: Capacity;
  volcanoEnabled: boolean;
  /** Volcano's `default` queue, with the platform's settings or Volcano's own weight of 1. */
  defaultQueue: QueueModel;
  /** Every queue Volcano will have: `default`, then each Volcano team's; none without Volcano. */
  queues: VolcanoQueue[];
}

/** What only the laptop's cluster (the environment `local`) has. */
export interface K3dModel {
  /** Its servers and agents. */
  nodes: { servers: NodeGroupModel; agents: NodeGroupModel };
  /** Host ports, and the host address they are published on. */
  hostPorts: { http: number; https: number; api: number; bindAddress: string };
  /** Its address plan. */
  network: NetworkPlan;
}

/** The laptop's k3d cluster, for what only the environment `local` has (bootstrap, host requirements). */
export function k3dOf(model: PlatformModel): K3dModel {
  if (!model.k3d) throw new Error(`environment ${model.environment.name} is a registered cluster, not k3d: it has node pools`);
  return model.k3d;
}

export const TEAM_NAMESPACE_PREFIX = "team-";
export const namespaceOf = (team: string): string => `${TEAM_NAMESPACE_PREFIX}${team}`;
/**
 * A team's Spark service account is `<team>-sa`: the tenant base names it
 * `sa`, the overlay's name prefix makes it the team's, and the guardrails
 * rebuild the name from the namespace's team label.
 */
export const SERVICE_ACCOUNT_SUFFIX = "sa";
export const serviceAccountOf = (team: string): string => `${team}-${SERVICE_ACCOUNT_SUFFIX}`;
/** The Argo CD AppProject that confines a team, and the Application that syncs its overlay (prefixed in every environment but local). */
export const projectOf = (team: string, environment = localEnvironment()): string => `${environment.argoPrefix}team-${team}`;
export const applicationOf = (team: string, environment = localEnvironment()): string => `${environment.argoPrefix}tenant-${team}`;

function queueModel(name: string, file: string, pointer: string, spec: QueueModel["spec"]): QueueModel {
  return {
    name, file, pointer, weight: spec.weight,
    ...(spec.capability ? { capability: capacityOf(spec.capability) } : {}),
    guarantee: spec.guarantee ? capacityOf(spec.guarantee) : ZERO,
    spec,
  };
}

const MiB = 2 ** 20;

/**
 * A Spark pod's memory request, as Spark on Kubernetes writes it: the heap in
 * whole MiB plus max(factor × heap, 384 MiB) of overhead, the factor 0.1 for
 * JVM jobs and 0.4 for non-JVM ones (PySpark), which the driver passes on to
 * its executors (spark.kubernetes.memoryOverheadFactor,
 * https://spark.apache.org/docs/4.0.0/running-on-kubernetes.html#spark-properties;
 * BasicDriverFeatureStep and BasicExecutorFeatureStep at
 * https://github.com/apache/spark/tree/v4.0.0/resource-managers/kubernetes/core/src/main/scala/org/apache/spark/deploy/k8s/features).
 * Both terms are truncated to whole MiB, as Spark's byteStringAs and toInt do.
 */
export function sparkPodMemory(jvmMemory: string, language: Team["exampleJob"]["language"]): number {
  const heapMiB = Math.floor(sparkMemoryBytes(jvmMemory) / MiB);
  const factor = language === "pyspark" ? 0.4 : 0.1;
  return (heapMiB + Math.max(Math.floor(factor * heapMiB), 384)) * MiB;
}

export function jobShape(job: Team["exampleJob"]): SparkJobShape {
  const driver = { cores: job.driver?.cores ?? 1, memory: job.driver?.memory ?? "512m" };
  const executor = { cores: job.executor?.cores ?? 1, memory: job.executor?.memory ?? "512m", instances: job.executor?.instances ?? 2 };
  const driverPod = { cpu: driver.cores * 1000, memory: sparkPodMemory(driver.memory, job.language) };
  const executorPod = { cpu: executor.cores * 1000, memory: sparkPodMemory(executor.memory, job.language) };
  return {
    language: job.language, driver, executor, driverPod, executorPod,
    pods: 1 + executor.instances,
    total: { cpu: driverPod.cpu + executor.instances * executorPod.cpu, memory: driverPod.memory + executor.instances * executorPod.memory },
  };
}

export function teamModel(written: Team, file: string, environment = localEnvironment()): TeamModel {
  const spec = scaled(written, environment.quotaScale);
  return {
    name: spec.name,
    file,
    namespace: namespaceOf(spec.name),
    serviceAccount: serviceAccountOf(spec.name),
    project: projectOf(spec.name, environment),
    application: applicationOf(spec.name, environment),
    scheduler: spec.scheduler,
    queueName: spec.scheduler === "volcano" ? spec.name : undefined,
    spec,
    quota: { requests: capacityOf(spec.quota.requests), limits: capacityOf(spec.quota.limits), pods: spec.quota.pods },
    limitRange: { defaultRequest: capacityOf(spec.limitRange.defaultRequest), default: capacityOf(spec.limitRange.default) },
    ...(spec.queue ? { queue: queueModel(spec.name, file, "/queue", spec.queue) } : {}),
    job: jobShape(spec.exampleJob),
    data: dataNeeds(spec),
  };
}

/**
 * A team's quota, and its queue's guarantee and capability, times an
 * environment's quotaScale: CPU in whole millicores and memory in whole bytes,
 * rounded down, so that a scaled quota never exceeds what was meant.
 */
function scaled(team: Team, factor: number): Team {
  if (factor === 1) return team;
  const cpu = (v: string | number) => quantityText("cpu", Math.floor(milliCPU(v) * factor));
  const memory = (v: string | number) => quantityText("memory", Math.floor(bytes(v) * factor));
  const resources = <R extends { cpu: string | number; memory: string | number }>(r: R | undefined): R | undefined => (r ? { ...r, cpu: cpu(r.cpu), memory: memory(r.memory) } : r);
  return {
    ...team,
    quota: { ...team.quota, requests: resources(team.quota.requests)!, limits: resources(team.quota.limits)!, pods: Math.floor(team.quota.pods * factor) },
    ...(team.queue ? { queue: { ...team.queue, ...(team.queue.guarantee ? { guarantee: resources(team.queue.guarantee) } : {}), ...(team.queue.capability ? { capability: resources(team.queue.capability) } : {}) } } : {}),
  };
}

/** The same platform with other teams: everything derived from the teams (the queues) is derived again. */
export const withTeams = (model: PlatformModel, teams: TeamModel[]): PlatformModel => platformModel(model.platform, teams, model.sources, model.environment, model.registeredCluster);

/** A registered cluster as an environment file declares it. */
export type RegisteredCluster = EnvironmentCluster;

export function platformModel(platform: Platform, teams: TeamModel[], sources: Map<string, SourceDocument>, environment = localEnvironment(), registered?: RegisteredCluster): PlatformModel {
  const cluster = registered ? registeredClusterModel(registered, environment.file!) : k3dClusterModel(platform);
  const total = (g: NodeGroupModel): Capacity => ({ cpu: g.count * g.each.cpu, memory: g.count * g.each.memory });
  const sumOf = (pools: NodePoolModel[]): Capacity => pools.map(total).reduce((a, b) => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory }), ZERO);
  const workerCapacity = sumOf(cluster.pools.filter((p) => p.role === "worker"));
  const sorted = [...teams].sort((a, b) => a.name.localeCompare(b.name));
  const volcanoEnabled = platform.components.volcano !== undefined;
  const defaultQueue = queueModel("default", PLATFORM_FILE, "/volcano/defaultQueue", platform.volcano?.defaultQueue ?? { weight: 1 });
  const kubernetes = registered ? kubernetesVersionOfMinor(registered.kubernetesVersion) : kubernetesVersionOfK3sImage(platform.cluster.k3sImage);
  if (!kubernetes) throw new Error(`unparseable k3s image ${platform.cluster.k3sImage} (the schema should have refused it)`);
  const network = clusterNetwork(platform.cluster.network);
  const [servers, agents] = cluster.pools;
  return {
    platform,
    teams: sorted,
    environment,
    ...(registered ? { registeredCluster: registered } : {}),
    kubernetes,
    sources,
    ...(registered ? {} : {
      k3d: {
        nodes: { servers, agents },
        hostPorts: {
          http: platform.cluster.ports?.http ?? 8080,
          https: platform.cluster.ports?.https ?? 8443,
          api: platform.cluster.ports?.api ?? 6443,
          bindAddress: platform.cluster.ports?.bindAddress ?? "127.0.0.1",
        },
        network,
      },
    }),
    cluster,
    apiServer: registered ? registeredApiServer(registered) : { serviceIP: network.apiServerServiceIP, endpoints: [{ cidr: network.subnet.text, except: [`${network.gateway}/32`], port: API_SERVER_PORT }] },
    clusterCapacity: sumOf(cluster.pools),
    workerCapacity,
    volcanoEnabled,
    defaultQueue,
    queues: volcanoEnabled ? [defaultQueue, ...sorted.filter((t) => t.queueName && t.queue).map((team) => ({ ...team.queue!, team }))] : [],
  };
}

function k3dClusterModel(platform: Platform): ClusterModel {
  const { servers, agents } = platform.cluster;
  return {
    file: PLATFORM_FILE,
    pools: [
      { name: "server", role: "control-plane", count: servers.count, each: capacityOf(servers), pointer: "/cluster/servers" },
      { name: "agent", role: "worker", count: agents.count, each: capacityOf(agents), pointer: "/cluster/agents" },
    ],
    workersPointer: "/cluster/agents",
    addWorkers: "Add agents (cluster.agents)",
  };
}

function registeredClusterModel(cluster: RegisteredCluster, file: string): ClusterModel {
  return {
    file,
    pools: cluster.nodePools.map((pool, i) => ({
      name: pool.name, role: pool.role === "system" ? "control-plane" : "worker", count: pool.count,
      ...(pool.maxCount !== undefined ? { maxCount: pool.maxCount } : {}),
      each: capacityOf(pool), pointer: `/cluster/nodePools/${i}`,
    })),
    workersPointer: "/cluster/nodePools",
    addWorkers: `Add nodes to a worker pool (cluster.nodePools in ${file})`,
  };
}

/** The `kubernetes` Service takes its range's first address; the endpoints are what the environment file says. */
function registeredApiServer(cluster: RegisteredCluster): ApiServerAddresses {
  const range = parseCidr(cluster.network.serviceCIDR);
  if (!range) throw new Error(`cluster.network.serviceCIDR ${cluster.network.serviceCIDR} is not an IPv4 CIDR (the schema should have refused it)`);
  return {
    serviceIP: formatIpv4(networkOf(range) + 1),
    endpoints: cluster.network.apiServer.cidrs.map((cidr) => ({ cidr, port: cluster.network.apiServer.port })),
  };
}
