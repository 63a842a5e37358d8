import { DIMENSIONS, exceeds, type Capacity } from "../../model/capacity.js";
import { formatQuantity } from "../../model/quantity.js";
import { VALIDATION_DOCS, type SemanticRule } from "./rule.js";

/** Each dimension in which `small` exceeds `large`, with both amounts as messages say them. */
export const exceeding = (small: Capacity, large: Capacity) =>
  exceeds(small, large).map((key) => ({ key, small: formatQuantity(key, small[key]), large: formatQuantity(key, large[key]) }));

export const quotaRequestsWithinLimits: SemanticRule = {
  id: "quota/requests-exceed-limits",
  defaultSeverity: "error",
  description: "A quota's requests are at most its limits (a pod's request never exceeds its limit).",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    for (const team of model.teams) {
      const { requests, limits } = team.quota;
      for (const d of exceeding(requests, limits)) {
        report({ file: team.file, path: `/quota/requests/${d.key}`, message: `quota requests.${d.key} (${d.small}) is more than limits.${d.key} (${d.large})`, hint: `Lower requests.${d.key} to ${d.large} or less, or raise limits.${d.key}.` });
      }
    }
  },
};

export const limitRangeConsistent: SemanticRule = {
  id: "limits/defaults-inconsistent",
  defaultSeverity: "error",
  description: "LimitRange default requests are at most the default limits, and a defaulted container fits the quota.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    for (const team of model.teams) {
      const { defaultRequest, default: defaultLimit } = team.limitRange;
      for (const d of exceeding(defaultRequest, defaultLimit)) {
        report({ file: team.file, path: `/limitRange/defaultRequest/${d.key}`, message: `limitRange defaultRequest.${d.key} (${d.small}) is more than default.${d.key} (${d.large}); Kubernetes would reject every defaulted container`, hint: `Lower defaultRequest.${d.key} to ${d.large} or less.` });
      }
      for (const d of exceeding(defaultLimit, team.quota.limits)) {
        report({ file: team.file, path: `/limitRange/default/${d.key}`, message: `limitRange default.${d.key} (${d.small}) is more than the whole quota limits.${d.key} (${d.large}), so no defaulted pod could start`, hint: `Lower default.${d.key} to at most ${d.large}.` });
      }
    }
  },
};

export const quantitiesPositive: SemanticRule = {
  id: "resources/zero",
  defaultSeverity: "error",
  description: "Quota, queue capability and node sizes are greater than zero.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    for (const team of model.teams) {
      for (const [section, resources] of [["quota/requests", team.quota.requests], ["quota/limits", team.quota.limits], ["queue/capability", team.queue?.capability]] as const) {
        if (!resources) continue;
        for (const key of DIMENSIONS) {
          if (resources[key] === 0) report({ file: team.file, path: `/${section}/${key}`, message: `${section.replace("/", ".")}.${key} is zero, so nothing can run`, hint: `Give ${key} a size greater than zero.` });
        }
      }
    }
  },
};
