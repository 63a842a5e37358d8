import { PLATFORM_FILE } from "../../load/inputs.js";
import { formatCPU, formatMemory } from "../../model/quantity.js";
import { formatRatio, overcommit, type Overcommit } from "../capacity.js";
import { docsAnchor, type PolicyRule } from "../rule.js";

/** "20 CPU on 8 CPU (2.5×) and 40Gi on 16Gi (2.5×)" */
export const describeOvercommit = (o: Overcommit): string =>
  `${formatCPU(o.total.cpu)} on ${formatCPU(o.workers.cpu)} (${formatRatio(o.ratio.cpu)}) and ${formatMemory(o.total.memory)} on ${formatMemory(o.workers.memory)} (${formatRatio(o.ratio.memory)})`;

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
    const agents = model.platform.cluster.agents;
    for (const o of overcommit(model)) {
      const worst = Math.max(o.ratio.cpu, o.ratio.memory);
      if (worst <= 1 || worst > o.threshold) continue;
      report({
        file: PLATFORM_FILE, path: "/cluster/agents",
        message: `the teams' quota ${o.kind} add up to ${formatRatio(worst)} the workers' allocatable resources: ${describeOvercommit(o)} on ${agents.count} agents; within the threshold of ${formatRatio(o.threshold)} (policy.overcommit.${o.kind})`,
        hint: `When every team uses its quota at once, pods that fit their quota wait for each other's resources. Add agents (cluster.agents) or lower team quotas to reduce it.`,
      });
    }
  },
};
