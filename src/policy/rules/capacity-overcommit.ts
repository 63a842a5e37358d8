import { formatCPU, formatMemory, formatRatio } from "../../model/quantity.js";
import { overcommit, type Overcommit } from "../capacity.js";
import { docsAnchor, type PolicyRule } from "../rule.js";

/** "CPU 20 CPU / 8 CPU = 2.5×, memory 40Gi / 16Gi = 2.5×" */
export const describeOvercommit = (o: Overcommit): string =>
  `CPU ${formatCPU(o.total.cpu)} / ${formatCPU(o.workers.cpu)} = ${formatRatio(o.ratio.cpu)}, memory ${formatMemory(o.total.memory)} / ${formatMemory(o.workers.memory)} = ${formatRatio(o.ratio.memory)}`;

/** What an overcommit of each kind does to running pods. */
export const OVERCOMMIT_EFFECT: Record<Overcommit["kind"], string> = {
  requests: "when every team uses its quota at once, pods that their quota admits stay Pending for lack of room on the nodes",
  limits: "pods may use up to their limits; when many do at once, the nodes run short of CPU (throttling) and memory (pods killed)",
};

/**
 * Quotas that add up to more than the workers have are normal (not every team
 * is busy at once), but the reviewer should see by how much: when they are,
 * pods that fit their quota wait for each other's resources. Above the
 * thresholds, `capacity-threshold` reports instead.
 */
export const capacityOvercommit: PolicyRule = {
  id: "capacity-overcommit",
  defaultSeverity: "warn",
  description: "Reports, with the numbers, when the teams' summed quota requests or limits exceed the workers' allocatable CPU or memory (within the thresholds).",
  docs: docsAnchor("capacity-overcommit"),
  check({ model, report }) {
    const { cluster } = model;
    const workers = cluster.pools.filter((p) => p.role === "worker").reduce((n, p) => n + p.count, 0);
    for (const o of overcommit(model)) {
      const worst = Math.max(o.ratio.cpu, o.ratio.memory);
      if (worst <= 1 || worst > o.threshold) continue;
      report({
        file: cluster.file, path: cluster.workersPointer,
        message: `the teams' quota ${o.kind} add up to ${formatRatio(worst)} what the ${workers} workers can allocate (${describeOvercommit(o)}), within the threshold of ${formatRatio(o.threshold)} (policy.overcommit.${o.kind}): ${OVERCOMMIT_EFFECT[o.kind]}`,
        hint: `${cluster.addWorkers} or lower team quota ${o.kind} to reduce the overcommit; set \`policy.rules: { capacity-overcommit: off }\` in platform.yaml if it is intended.`,
      });
    }
  },
};
