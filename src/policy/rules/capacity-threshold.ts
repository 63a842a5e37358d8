import { PLATFORM_FILE } from "../../load/inputs.js";
import { formatRatio } from "../../model/quantity.js";
import { overcommit } from "../capacity.js";
import { docsAnchor, type PolicyRule } from "../rule.js";
import { describeOvercommit, OVERCOMMIT_EFFECT } from "./capacity-overcommit.js";

/**
 * The thresholds of `policy.overcommit` in platform.yaml: how far the summed
 * quotas may exceed the workers. Warn by default, because the seed's limits
 * sit exactly at 4×, so any new team crosses it; a platform with headroom
 * sets it to `error`.
 */
export const capacityThreshold: PolicyRule = {
  id: "capacity-threshold",
  defaultSeverity: "warn",
  description: "The teams' summed quota requests and limits stay within `policy.overcommit` times the workers' allocatable CPU and memory (defaults 3× and 4×).",
  docs: docsAnchor("capacity-threshold"),
  check({ model, report }) {
    const configured = model.platform.policy?.overcommit ?? {};
    for (const o of overcommit(model)) {
      const over = (["cpu", "memory"] as const).filter((d) => o.ratio[d] > o.threshold);
      if (over.length === 0) continue;
      report({
        file: PLATFORM_FILE,
        path: configured[o.kind] !== undefined ? `/policy/overcommit/${o.kind}` : "/cluster/agents",
        message: `the teams' quota ${o.kind} exceed the threshold of ${formatRatio(o.threshold)} what the workers can allocate in ${over.join(" and ")} (${describeOvercommit(o)}; policy.overcommit.${o.kind}): ${OVERCOMMIT_EFFECT[o.kind]}`,
        hint: `Add agents (cluster.agents), lower team quota ${o.kind}, or raise policy.overcommit.${o.kind} in platform.yaml if this overcommit is intended.`,
      });
    }
  },
};
