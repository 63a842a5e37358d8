import { exceeds } from "../../model/capacity.js";
import { formatQuantity } from "../../model/quantity.js";
import { docsAnchor, type PolicyRule } from "../rule.js";

/**
 * A queue's guarantee reserves cluster capacity for the team's pods, but the
 * namespace's ResourceQuota admits only as many pods as its requests allow:
 * a guarantee above the quota reserves capacity nobody can use.
 */
export const queueGuaranteeWithinQuota: PolicyRule = {
  id: "queue-guarantee-within-quota",
  defaultSeverity: "error",
  description: "A Volcano team's quota requests can hold its queue's guarantee.",
  docs: docsAnchor("queue-guarantee-within-quota"),
  check({ model, report }) {
    for (const team of model.teams) {
      if (team.scheduler !== "volcano" || !team.queue?.spec.guarantee) continue;
      const { guarantee } = team.queue;
      const { requests } = team.quota;
      for (const d of exceeds(guarantee, requests)) {
        const format = (amount: number) => formatQuantity(d, amount);
        report({
          file: team.file, path: `/queue/guarantee/${d}`,
          message: `queue \`${team.queueName}\` guarantees ${format(guarantee[d])} of ${d}, more than the quota lets team \`${team.name}\` request (${format(requests[d])}): the rest of the guarantee is reserved for nobody`,
          hint: `Lower queue.guarantee.${d} to at most ${format(requests[d])}, or raise quota.requests.${d}.`,
        });
      }
    }
  },
};
