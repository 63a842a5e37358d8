/**
 * What the policy report shows besides the findings: the rules, the capacity
 * table (before → after when a base is given) and the Volcano queue shares.
 */
import type { CapacityLine, QueueShareLine, ReportContext } from "../format/report.js";
import type { PlatformModel } from "../model/platform-model.js";
import { overcommitThresholds, quotaTotals, queueShares, QUOTA_KINDS } from "./capacity.js";
import { ruleDescriptions } from "../rules/describe.js";
import type { PolicyRule } from "./rule.js";

export { docsUrl, ruleDescriptions } from "../rules/describe.js";

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
  return lines;
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

export function policyReport(model: PlatformModel, rules: readonly PolicyRule[]): ReportContext {
  return { title: "Policy", rules: ruleDescriptions(rules, model), capacity: capacityLines(model), queues: queueLines(model) };
}
