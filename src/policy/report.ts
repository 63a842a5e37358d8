/**
 * What the policy report shows besides the findings: the rules, the capacity
 * table (before → after when a base is given) and the Volcano queue shares.
 */
import type { Capacity, PlatformModel } from "../model/platform-model.js";
import type { RuleDescription } from "../rules/rule.js";
import { queueLines, queueShares, type QueueShareLine } from "../model/queue-shares.js";
import { overcommitThresholds, quotaTotals, QUOTA_KINDS } from "./capacity.js";
import { ruleDescriptions } from "../rules/describe.js";
import type { PolicyRule } from "./rule.js";

export { docsUrl, ruleDescriptions } from "../rules/describe.js";

/** What `policy` reports besides its diagnostics; `review` adds to it (src/review/report.ts). */
export interface PolicyReport {
  /** e.g. "Policy" or "Review against main". */
  title: string;
  /** The rules behind the diagnostics' codes, for links and SARIF metadata. */
  rules?: RuleDescription[];
  /** local's (the only environment's, without environments/). */
  capacity?: CapacityLine[];
  queues?: QueueShareLine[];
  /** With environments/: each environment's own, local first, in place of `capacity` and `queues` in the tables. */
  environments?: EnvironmentReport[];
}

/** One environment (cluster) of the report. */
export interface EnvironmentReport {
  name: string;
  /** Where Argo CD deploys it: local's k3d cluster, or the server a registered cluster is known by. */
  cluster: string;
  /** The file that declares its nodes, which its capacity is measured against. */
  nodesFrom: string;
  /** Absent for an environment the change removes. */
  capacity?: CapacityLine[];
  queues?: QueueShareLine[];
  /** review: what the change does to its objects. */
  changes?: Record<"added" | "removed" | "changed", number>;
  /** review: the environment as a Mermaid diagram, marking what the change does to its nodes, queues and quotas. */
  picture?: string;
  /** review: the change adds or removes the whole environment. */
  change?: "added" | "removed";
}

export type Dimension = "cpu" | "memory" | "pods";

export interface Amount {
  /** Millicores, bytes or a count. */
  amount: number;
  /** What it is measured against, in the same unit (workers, cluster). */
  available?: number;
}

/** One row of the capacity table: a summed resource against what the nodes offer. */
export interface CapacityLine {
  /** e.g. "quota requests", "queue guarantees". */
  resource: string;
  dimension: Dimension;
  /** e.g. "workers", "all nodes". */
  against?: string;
  /** Largest acceptable ratio of amount to available. */
  threshold?: number;
  before?: Amount;
  after: Amount;
  /** The ratio was within its threshold before and is above it after: the change crossed it. */
  crossed?: boolean;
}

const ratioOf = (a: Amount | undefined) => (a?.available ? a.amount / a.available : undefined);

/** Marks a line whose ratio the change takes over its threshold. */
function flagCrossing(line: CapacityLine): CapacityLine {
  const [then, now] = [ratioOf(line.before), ratioOf(line.after)];
  return line.threshold !== undefined && then !== undefined && now !== undefined && then <= line.threshold && now > line.threshold ? { ...line, crossed: true } : line;
}


/** Summed quotas against the workers, and guarantees against the whole cluster: after, and before when given. */
export function capacityLines(after: PlatformModel, before?: PlatformModel): CapacityLine[] {
  const measure = (model: PlatformModel) => ({ model, quota: quotaTotals(model.teams), guarantees: queueShares(model).totalGuarantee });
  const [now, then] = [measure(after), before && measure(before)];
  const thresholds = overcommitThresholds(after);
  const lines: CapacityLine[] = [];
  for (const kind of QUOTA_KINDS) {
    for (const dimension of ["cpu", "memory"] as const) {
      const at = (m: ReturnType<typeof measure>) => ({ amount: m.quota[kind][dimension], available: m.model.workerCapacity[dimension] });
      lines.push({ resource: `quota ${kind}`, dimension, against: "workers", threshold: thresholds[kind], before: then && at(then), after: at(now) });
    }
  }
  lines.push({ resource: "quota pods", dimension: "pods", before: then && { amount: then.quota.pods }, after: { amount: now.quota.pods } });
  if (after.volcanoEnabled || before?.volcanoEnabled) {
    for (const dimension of ["cpu", "memory"] as const) {
      const at = (m: ReturnType<typeof measure>) => ({ amount: m.guarantees[dimension], available: m.model.clusterCapacity[dimension] });
      lines.push({ resource: "queue guarantees", dimension, against: "all nodes", threshold: 1, before: then && at(then), after: at(now) });
    }
  }
  return lines.map(flagCrossing);
}


/** An environment's row and tables: its capacity after the change, before → after when it has a base. */
export function environmentReport(after: PlatformModel, before?: PlatformModel): EnvironmentReport {
  const { environment } = after;
  return {
    name: environment.name,
    cluster: environment.local ? "the k3d cluster of platform.yaml" : environment.server,
    nodesFrom: after.cluster.file,
    capacity: capacityLines(after, before),
    queues: queueLines(after),
  };
}

export function policyReport(model: PlatformModel, rules: readonly PolicyRule[], environments: readonly PlatformModel[] = []): PolicyReport {
  return {
    title: "Policy", rules: ruleDescriptions(rules, model), capacity: capacityLines(model), queues: queueLines(model),
    ...(environments.length ? { environments: [model, ...environments].map((m) => environmentReport(m)) } : {}),
  };
}
