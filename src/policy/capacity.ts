/**
 * The platform's capacity arithmetic, in one place for the policy rules, the
 * review's before → after table and the new-team scaffold: summed quotas
 * against the workers; the Volcano queues' shares are the model's
 * (src/model/queue-shares.ts).
 */
import { add, atLeastZero, formatCapacity, minimum, subtract, sum, type Capacity } from "../model/capacity.js";
import type { PlatformModel, TeamModel } from "../model/platform-model.js";
import { queueShares } from "../model/queue-shares.js";

export const DEFAULT_OVERCOMMIT = { requests: 3, limits: 4 } as const;

export type QuotaKind = "requests" | "limits";
export const QUOTA_KINDS: readonly QuotaKind[] = ["requests", "limits"];

export function overcommitThresholds(model: PlatformModel): Record<QuotaKind, number> {
  const configured = model.platform.policy?.overcommit ?? {};
  return { requests: configured.requests ?? DEFAULT_OVERCOMMIT.requests, limits: configured.limits ?? DEFAULT_OVERCOMMIT.limits };
}

export interface QuotaTotals {
  requests: Capacity;
  limits: Capacity;
  pods: number;
}

export function quotaTotals(teams: readonly TeamModel[]): QuotaTotals {
  return {
    requests: sum(teams.map((t) => t.quota.requests)),
    limits: sum(teams.map((t) => t.quota.limits)),
    pods: teams.reduce((n, t) => n + t.quota.pods, 0),
  };
}

/** Summed quota of one kind against the workers' allocatable resources. */
export interface Overcommit {
  kind: QuotaKind;
  total: Capacity;
  workers: Capacity;
  ratio: Capacity;
  threshold: number;
}

export function overcommit(model: PlatformModel): Overcommit[] {
  const totals = quotaTotals(model.teams);
  const thresholds = overcommitThresholds(model);
  const workers = model.workerCapacity;
  return QUOTA_KINDS.map((kind) => ({
    kind,
    total: totals[kind],
    workers,
    ratio: { cpu: ratio(totals[kind].cpu, workers.cpu), memory: ratio(totals[kind].memory, workers.memory) },
    threshold: thresholds[kind],
  }));
}

const ratio = (amount: number, available: number): number => (available > 0 ? amount / available : amount > 0 ? Infinity : 0);

/** The most a new queue without a guarantee could ever get, given the guarantees already made. */
export function roomForNewQueue(model: PlatformModel): Capacity {
  const { cluster, totalGuarantee } = queueShares(model);
  return atLeastZero(subtract(cluster, totalGuarantee));
}

/** "driver 1 CPU / 896Mi + 2 executors × 1 CPU / 896Mi = 3 CPU / 2688Mi" */
export function describeJob(team: TeamModel): string {
  const { driverPod, executorPod, executor, total } = team.job;
  const executors = `${executor.instances} executor${executor.instances === 1 ? "" : "s"} × ${formatCapacity(executorPod)}`;
  return `driver ${formatCapacity(driverPod)} + ${executors} = ${formatCapacity(total)}`;
}
