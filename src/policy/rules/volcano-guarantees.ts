import { exceeds, formatCapacity, subtract } from "../../model/capacity.js";
import { queueShares } from "../../model/queue-shares.js";
import { docsAnchor, type PolicyRule } from "../rule.js";

/**
 * Volcano 1.8.2 caps every queue at min(cluster − all guarantees + its own
 * guarantee, capability): a guarantee reserves capacity by shrinking every
 * other queue. The sum of guarantees fitting the cluster is a validation
 * error (queue/guarantees-exceed-cluster); this rule shows what the
 * guarantees cost the other queues. The report adds each queue's weight share.
 */
export const volcanoGuarantees: PolicyRule = {
  id: "volcano-guarantees",
  defaultSeverity: "warn",
  description: "No Volcano queue's capability is cut down by the other queues' guarantees (Volcano caps a queue at the cluster minus the others' guarantees).",
  docs: docsAnchor("volcano-guarantees"),
  check({ model, report }) {
    const { cluster, totalGuarantee, queues } = queueShares(model);
    for (const { queue, realCapability } of queues) {
      if (!queue.capability) continue;
      const cut = exceeds(queue.capability, realCapability);
      if (cut.length === 0) continue;
      const others = subtract(totalGuarantee, queue.guarantee);
      report({
        file: queue.file, path: `${queue.pointer}/capability`,
        message: `queue \`${queue.name}\` can get at most ${formatCapacity(realCapability)}, less than its capability of ${formatCapacity(queue.capability)}: the other queues' guarantees reserve ${formatCapacity(others)} of the ${formatCapacity(cluster)} Volcano counts (all nodes)`,
        hint: `Lower the capability to ${formatCapacity(realCapability)} so that it says what the queue can really get, lower the other queues' guarantees, or add nodes.`,
      });
    }
  },
};
