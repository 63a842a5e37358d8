import { exceeds } from "../../model/capacity.js";
import { formatQuantity } from "../../model/quantity.js";
import { describeJob } from "../capacity.js";
import { docsAnchor, type PolicyRule } from "../rule.js";

/**
 * The team's job (its `exampleJob`, the shape policy holds teams to) must fit
 * the namespace quota: the Spark pods set CPU and memory limits equal to their
 * requests, and quota limits are at least quota requests, so the requests
 * decide. Otherwise the driver starts and its executors are refused.
 */
export const jobFitsQuota: PolicyRule = {
  id: "job-fits-quota",
  defaultSeverity: "error",
  description: "The team's largest job (driver plus executors, with Spark's memory overhead) fits its namespace quota.",
  docs: docsAnchor("job-fits-quota"),
  check({ model, report }) {
    for (const team of model.teams) {
      const { requests } = team.quota;
      for (const d of exceeds(team.job.total, requests)) {
        const format = (amount: number) => formatQuantity(d, amount);
        report({
          file: team.file, path: `/quota/requests/${d}`,
          message: `team \`${team.name}\`'s job needs ${format(team.job.total[d])} of ${d} (${describeJob(team)}), more than its quota requests.${d} of ${format(requests[d])}: the ResourceQuota would refuse some of its pods`,
          hint: `Raise quota.requests.${d} (and limits.${d}) to at least ${format(team.job.total[d])}, or make exampleJob smaller.`,
        });
      }
    }
  },
};
