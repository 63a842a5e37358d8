import { exceeds, formatCapacity } from "../../model/capacity.js";
import type { NodePoolModel } from "../../model/platform-model.js";
import { formatQuantity } from "../../model/quantity.js";
import { QUOTA_KINDS } from "../capacity.js";
import { docsAnchor, type PolicyRule } from "../rule.js";

/**
 * Summed quotas above the workers are normal and reported with the numbers
 * (capacity-overcommit); one team's quota above every node together is not:
 * it limits nothing, so that team may take the whole cluster from the others,
 * and the number is a mistake or an attempt to. The cluster is what Volcano
 * and the scheduler count: servers and agents alike (k3s servers run pods).
 */
export const quotaWithinCluster: PolicyRule = {
  id: "quota-within-cluster",
  defaultSeverity: "error",
  description: "No team's quota requests or limits exceed what the whole cluster (every node) can allocate in CPU or memory.",
  docs: docsAnchor("quota-within-cluster"),
  check({ model, report }) {
    const cluster = model.clusterCapacity;
    // k3d's "1 server of … and 2 agents of …"; a registered cluster's "3 `workers` nodes of …".
    const group = ({ name, count, each }: NodePoolModel) =>
      model.k3d ? `${count} ${name}${count === 1 ? "" : "s"} of ${formatCapacity(each)}` : `${count} \`${name}\` node${count === 1 ? "" : "s"} of ${formatCapacity(each)}`;
    const pools = model.cluster.pools.map(group);
    const nodes = pools.length > 1 ? `${pools.slice(0, -1).join(", ")} and ${pools.at(-1)}` : pools.join("");
    for (const team of model.teams) {
      for (const kind of QUOTA_KINDS) {
        const quota = team.quota[kind];
        for (const d of exceeds(quota, cluster)) {
          const format = (amount: number) => formatQuantity(d, amount);
          report({
            file: team.file, path: `/quota/${kind}/${d}`,
            message: `${team.file}: team \`${team.name}\`'s quota ${kind}.${d} of ${format(quota[d])} is more than the whole cluster can allocate (${format(cluster[d])} of ${d}: ${nodes}), so it limits nothing and the team could take every node from the other teams`,
            hint: `Lower quota.${kind}.${d} in ${team.file} to at most ${format(cluster[d])} (what the team really needs is usually far less), or add nodes to the cluster in ${model.cluster.file} first.`,
          });
        }
      }
    }
  },
};
