/** Every policy rule, in the order they run. Adding a rule: one module in rules/, one line here. */
import type { PolicyRule } from "./rule.js";
import { capacityOvercommit } from "./rules/capacity-overcommit.js";
import { capacityThreshold } from "./rules/capacity-threshold.js";
import { dataIsolation } from "./rules/data-isolation.js";
import { jobFitsQueue } from "./rules/job-fits-queue.js";
import { jobFitsQuota } from "./rules/job-fits-quota.js";
import { mixedSchedulers } from "./rules/mixed-schedulers.js";
import { namingLabels } from "./rules/naming-labels.js";
import { queueGuaranteeWithinQuota } from "./rules/queue-guarantee-within-quota.js";
import { quotaPodsFitJob } from "./rules/quota-pods-fit-job.js";
import { quotaWithinCluster } from "./rules/quota-within-cluster.js";
import { rbacLeastPrivilege } from "./rules/rbac-least-privilege.js";
import { versionCompatibility } from "./rules/version-compatibility.js";
import { volcanoGuarantees } from "./rules/volcano-guarantees.js";

export const POLICY_RULES: readonly PolicyRule[] = [
  capacityOvercommit,
  capacityThreshold,
  quotaWithinCluster,
  volcanoGuarantees,
  queueGuaranteeWithinQuota,
  jobFitsQuota,
  jobFitsQueue,
  quotaPodsFitJob,
  mixedSchedulers,
  rbacLeastPrivilege,
  dataIsolation,
  versionCompatibility,
  namingLabels,
];

