/**
 * The numbers both pictures of the platform draw (the Mermaid diagram of the
 * pull request comment and the SVG in docs/): the nodes, the cluster they
 * make, the Volcano queues as the proportion plugin shares it out, and each
 * team's quota. Plain data, read from the validated model in one place
 * (`resourcesOf`), so the renderers only lay it out.
 */
import { formatCapacity, sum, type Capacity } from "../model/capacity.js";
import type { PlatformModel } from "../model/platform-model.js";
import { formatApproximate } from "../model/quantity.js";
import { queueLines, type QueueShareLine } from "../model/queue-shares.js";

export type NodeRole = "server" | "agent";

/** k3d's nodes of one role: k3d-<cluster>-server-0, k3d-<cluster>-agent-0, … */
export interface NodeGroup {
  role: NodeRole;
  count: number;
  /** What each node of the group can allocate. */
  each: Capacity;
}

/** A queue as the pictures draw it: the report's line, named. */
export type QueuePicture = QueueShareLine & { name: string };

export interface TeamPicture {
  name: string;
  scheduler: "default" | "volcano";
  queue?: string;
  requests: Capacity;
  limits: Capacity;
}

export interface PlatformPicture {
  cluster: string;
  /** Every node: what Volcano shares out (k3s servers run pods too). */
  capacity: Capacity;
  /** The agents: what the quotas are measured against. */
  workers: Capacity;
  nodes: NodeGroup[];
  volcano: boolean;
  /** The `default` queue first, then the teams' queues by name. */
  queues: QueuePicture[];
  /** By name. */
  teams: TeamPicture[];
  totals: { guarantee: Capacity; requests: Capacity; limits: Capacity };
}

/**
 * The model's resources as the pictures need them: the one place that knows
 * where the model keeps its node groups, queues and quotas.
 */
function resourcesOf(model: PlatformModel): Pick<PlatformPicture, "nodes" | "queues" | "teams" | "capacity" | "workers" | "volcano"> {
  return {
    capacity: model.clusterCapacity,
    workers: model.workerCapacity,
    // k3d's servers and agents; a registered cluster's system and worker pools.
    nodes: model.cluster.pools.map((pool) => ({ role: pool.role === "worker" ? "agent" : "server", count: pool.count, each: pool.each })),
    volcano: model.volcanoEnabled,
    queues: queueLines(model).map((line) => ({ ...line, name: line.queue })),
    teams: model.teams.map((team) => ({
      name: team.name,
      scheduler: team.scheduler,
      queue: team.queueName,
      requests: team.quota.requests,
      limits: team.quota.limits,
    })),
  };
}

export function platformPicture(model: PlatformModel): PlatformPicture {
  const resources = resourcesOf(model);
  const [defaultQueue, ...teamQueues] = resources.queues;
  return {
    cluster: model.platform.cluster.name,
    ...resources,
    queues: defaultQueue ? [defaultQueue, ...[...teamQueues].sort((a, b) => byName(a.name, b.name))] : [],
    teams: [...resources.teams].sort((a, b) => byName(a.name, b.name)),
    totals: {
      guarantee: sum(resources.queues.map((q) => q.guarantee)),
      requests: sum(resources.teams.map((t) => t.requests)),
      limits: sum(resources.teams.map((t) => t.limits)),
    },
  };
}

/** Code-point order: the same on every machine, whatever its locale. */
export const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** "server-0", "agent-1": the part of k3d's node name after the cluster's. */
export const nodeName = (role: NodeRole, index: number): string => `${role}-${index}`;

export const sameCapacity = (a: Capacity | undefined, b: Capacity | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.cpu === b.cpu && a.memory === b.memory);

/**
 * "8 → 12 CPU", "8 → 12Gi", "500m CPU → 1 CPU", or the value alone when it did not change; a
 * shared unit is written once.
 */
export function change(before: string | undefined, after: string): string {
  if (before === undefined || before === after) return after;
  const [b, a] = [UNIT.exec(before), UNIT.exec(after)];
  return b && a && b[2] === a[2] && b[2] !== "" ? `${b[1]} → ${after}` : `${before} → ${after}`;
}
const UNIT = /^([0-9.]+)(\s?[A-Za-z%]*)$/;

/** "4 → 6 CPU / 8 → 12Gi": each dimension with its own arrow, if it changed. */
export function capacityChange(before: Capacity | undefined, after: Capacity): string {
  if (!before) return formatCapacity(after);
  return `${change(formatApproximate("cpu", before.cpu), formatApproximate("cpu", after.cpu))} / ${change(formatApproximate("memory", before.memory), formatApproximate("memory", after.memory))}`;
}
