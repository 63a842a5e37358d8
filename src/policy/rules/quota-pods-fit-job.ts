import { docsAnchor, type PolicyRule } from "../rule.js";

/** A job of 1 driver and N executors needs N + 1 pods under the namespace's `pods` quota. */
export const quotaPodsFitJob: PolicyRule = {
  id: "quota-pods-fit-job",
  defaultSeverity: "error",
  description: "The quota's pod count holds the team's largest job (one driver plus its executors).",
  docs: docsAnchor("quota-pods-fit-job"),
  check({ model, report }) {
    for (const team of model.teams) {
      const { pods } = team.quota;
      if (pods >= team.job.pods) continue;
      report({
        file: team.file, path: "/quota/pods",
        message: `quota.pods is ${pods}, but team \`${team.name}\`'s job runs ${team.job.pods} pods (1 driver + ${team.job.executor.instances} executors)`,
        hint: `Raise quota.pods to at least ${team.job.pods}, or lower exampleJob.executor.instances.`,
      });
    }
  },
};
