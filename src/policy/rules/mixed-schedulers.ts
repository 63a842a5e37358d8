import { PLATFORM_FILE } from "../../load/inputs.js";
import { atLeastZero, formatCapacity, minimum, subtract, sum, type Capacity } from "../../model/capacity.js";
import { formatApproximate } from "../../model/quantity.js";
import { queueShares } from "../../model/queue-shares.js";
import { docsAnchor, type PolicyRule } from "../rule.js";

const names = (teams: Array<{ name: string }>): string => `team${teams.length === 1 ? "" : "s"} ${teams.map((t) => t.name).join(", ")}`;
const verb = (teams: unknown[], one: string, many: string) => (teams.length === 1 ? one : many);

/**
 * Volcano 1.8.2's proportion plugin divides every node's allocatable among its
 * queues and does not subtract pods of the default scheduler. When both kinds
 * of team share the nodes, Volcano's guarantees hold only while the
 * default-scheduler teams leave room. Said once, for the whole platform.
 */
export const mixedSchedulers: PolicyRule = {
  id: "mixed-schedulers",
  defaultSeverity: "warn",
  description: "Says once, with the numbers, that Volcano's guarantees do not hold against default-scheduler pods on the same nodes.",
  docs: docsAnchor("mixed-schedulers"),
  check({ model, report }) {
    const volcano = model.teams.filter((t) => t.scheduler === "volcano");
    const plain = model.teams.filter((t) => t.scheduler === "default");
    if (!model.volcanoEnabled || volcano.length === 0 || plain.length === 0) return;
    const { cluster, totalGuarantee } = queueShares(model);
    const outside = sum(plain.map((t) => t.quota.requests));
    // Default-scheduler pods take at most the whole cluster; what they take beyond the room the guarantees
    // leave comes out of the guarantees, which can lose no more than all of themselves.
    const taken = minimum(outside, cluster);
    const shortfall = minimum(atLeastZero(subtract(taken, subtract(cluster, totalGuarantee))), totalGuarantee);
    const whole = shortfall.cpu === totalGuarantee.cpu && shortfall.memory === totalGuarantee.memory;
    const consequence = shortfall.cpu > 0 || shortfall.memory > 0
      ? whole
        ? `when they do, nothing is left of the queues' guarantees (${formatCapacity(totalGuarantee)})`
        : `when they do, the queues' guarantees (${formatCapacity(totalGuarantee)}) can fall short by ${shortOf(shortfall)}`
      : `the queues' guarantees (${formatCapacity(totalGuarantee)}) still fit beside them, but Volcano's shares of the cluster do not`;
    report({
      file: PLATFORM_FILE, path: "/components/volcano",
      message: `${names(plain)} ${verb(plain, "uses", "use")} the default scheduler and ${names(volcano)} ${verb(volcano, "uses", "use")} Volcano, on the same nodes: Volcano divides all ${formatCapacity(cluster)} among its queues without subtracting default-scheduler pods, which the quota${plain.length === 1 ? "" : "s"} of ${names(plain)} let request up to ${formatCapacity(outside)}; ${consequence}`,
      hint: "Move every team to Volcano, keep the default-scheduler teams' quotas small, or give the Volcano teams nodes of their own. Volcano's queue weights and guarantees only arbitrate between Volcano pods.",
    });
  },
};

/** A shortfall in the dimensions it has: "4 CPU" rather than "4 CPU / 0" when memory does not fall short. */
const shortOf = (shortfall: Capacity): string =>
  shortfall.cpu > 0 && shortfall.memory > 0 ? formatCapacity(shortfall) : shortfall.cpu > 0 ? formatApproximate("cpu", shortfall.cpu) : formatApproximate("memory", shortfall.memory);
