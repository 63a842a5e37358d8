/**
 * The Volcano queues as Volcano 1.8.2's proportion plugin sees them: each
 * queue's share by weight, and the most it can ever get once every other
 * queue's guarantee is set aside
 * (https://github.com/volcano-sh/volcano/blob/v1.8.2/pkg/scheduler/plugins/proportion/proportion.go).
 */
import { add, atLeastZero, minimum, subtract, sum, type Capacity } from "./capacity.js";
import type { PlatformModel, VolcanoQueue } from "./platform-model.js";

export interface QueueShare {
  queue: VolcanoQueue;
  /** weight / Σ weights */
  weightShare: number;
  /** weightShare × the cluster: what the queue deserves when every queue is busy (before guarantees and capabilities). */
  share: Capacity;
  /** min(cluster − Σ guarantees + own guarantee, capability): a hard cap on what the queue can get. */
  realCapability: Capacity;
}

export interface QueueShares {
  /** What Volcano counts: every node's allocatable, servers included. */
  cluster: Capacity;
  totalGuarantee: Capacity;
  queues: QueueShare[];
}

/** Volcano 1.8.2 `proportion`: realCapability(q) = min(total − totalGuarantee + guarantee(q), capability(q)). */
export function queueShares(model: PlatformModel): QueueShares {
  const queues = model.queues;
  const cluster = model.clusterCapacity;
  const totalGuarantee = sum(queues.map((q) => q.guarantee));
  const totalWeight = queues.reduce((n, q) => n + q.weight, 0);
  return {
    cluster,
    totalGuarantee,
    queues: queues.map((queue) => {
      const weightShare = totalWeight > 0 ? queue.weight / totalWeight : 0;
      const room = add(subtract(cluster, totalGuarantee), queue.guarantee);
      const capped = queue.capability ? minimum(room, queue.capability) : room;
      return {
        queue,
        weightShare,
        share: { cpu: Math.round(cluster.cpu * weightShare), memory: Math.round(cluster.memory * weightShare) },
        realCapability: atLeastZero(capped),
      };
    }),
  };
}


/** One Volcano queue as reports and pictures show it: its settings and what the proportion plugin makes of them. */
export interface QueueShareLine {
  queue: string;
  /** The team whose queue it is; undefined for the platform's `default` queue. */
  team?: string;
  weight: number;
  /** weight / the sum of all weights (0..1). */
  weightShare: number;
  /** That share of the cluster: what the queue deserves when every queue is busy. */
  share: Capacity;
  guarantee: Capacity;
  capability?: Capacity;
  /** min(cluster − all guarantees + own guarantee, capability): the most the queue can ever get. */
  realCapability: Capacity;
  /** The team's job (driver + executors), which must fit realCapability. */
  job?: Capacity;
}

export function queueLines(model: PlatformModel): QueueShareLine[] {
  return queueShares(model).queues.map(({ queue, weightShare, share, realCapability }) => ({
    queue: queue.name,
    team: queue.team?.name,
    weight: queue.weight,
    weightShare,
    share,
    guarantee: queue.guarantee,
    capability: queue.capability,
    realCapability,
    job: queue.team?.job.total,
  }));
}
