import { exceeds, formatCapacity } from "../../model/capacity.js";
import { queueShares } from "../../model/queue-shares.js";
import { describeJob } from "../capacity.js";
import { docsAnchor, type PolicyRule } from "../rule.js";

/**
 * Volcano enqueues a Spark job only when its PodGroup's minResources (driver
 * plus executors) fit what the queue can get: min(capability, cluster − the
 * other queues' guarantees). A job larger than that stays Pending forever,
 * with "queue resource quota insufficient".
 */
export const jobFitsQueue: PolicyRule = {
  id: "job-fits-queue",
  defaultSeverity: "error",
  description: "A Volcano team's largest job fits what its queue can get (its capability, less the other queues' guarantees), or the gang never schedules.",
  docs: docsAnchor("job-fits-queue"),
  check({ model, report }) {
    for (const { queue, realCapability } of queueShares(model).queues) {
      const team = queue.team;
      if (!team) continue;
      const over = exceeds(team.job.total, realCapability);
      if (over.length === 0) continue;
      // Which bound binds: the queue's own capability, or the others' guarantees.
      const capped = queue.capability !== undefined && over.every((d) => realCapability[d] === queue.capability![d]);
      report({
        file: team.file, path: "/exampleJob",
        message: `team \`${team.name}\`'s job needs ${formatCapacity(team.job.total)} at once (${describeJob(team)}), but queue \`${queue.name}\` can get at most ${formatCapacity(realCapability)} (${capped ? "its capability" : "its capability, less the other queues' guarantees"}): Volcano would never enqueue it`,
        hint: capped
          ? `Raise queue.capability to at least ${formatCapacity(team.job.total)}, or make exampleJob smaller.`
          : `Make exampleJob smaller (fewer or smaller executors), lower other queues' guarantees, or add nodes.`,
      });
    }
  },
};
