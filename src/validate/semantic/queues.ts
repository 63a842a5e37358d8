import { sum } from "../../model/capacity.js";
import type { PlatformModel, QueueModel } from "../../model/platform-model.js";
import { formatCPU, formatMemory, formatQuantity } from "../../model/quantity.js";
import { VALIDATION_DOCS, type SemanticRule } from "./rule.js";
import { exceeding } from "./resources.js";

export const schedulerHasQueue: SemanticRule = {
  id: "team/queue-scheduler-mismatch",
  defaultSeverity: "error",
  description: "Volcano teams declare a queue; default-scheduler teams do not.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    for (const team of model.teams) {
      if (team.scheduler === "volcano" && !team.queue) {
        report({ file: team.file, path: "/scheduler", message: `team \`${team.name}\` uses Volcano but has no \`queue\``, hint: "Add `queue:` with `weight` and `capability` (and optionally `guarantee`), or use `scheduler: default`." });
      }
      if (team.scheduler === "default" && team.queue) {
        report({ file: team.file, path: "/queue", message: `team \`${team.name}\` uses the default scheduler, which ignores \`queue\``, hint: "Remove `queue:`, or set `scheduler: volcano` to get a Volcano queue." });
      }
    }
  },
};

export const volcanoInstalledWhenUsed: SemanticRule = {
  id: "platform/volcano-missing",
  defaultSeverity: "error",
  description: "Volcano is installed when any team uses it.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    if (model.volcanoEnabled) return;
    for (const team of model.teams.filter((t) => t.scheduler === "volcano")) {
      report({ file: team.file, path: "/scheduler", message: `team \`${team.name}\` uses Volcano, but platform.yaml installs no Volcano`, hint: "Add `components.volcano` to platform.yaml, or set `scheduler: default`." });
    }
  },
};

/** Every queue an input declares, whatever its team's scheduler: the teams' (in name order), then the platform's \`default\` when platform.yaml sets it. */
const declaredQueues = (model: PlatformModel): QueueModel[] => [
  ...model.teams.flatMap((t) => (t.queue ? [t.queue] : [])),
  ...(model.platform.volcano?.defaultQueue ? [model.defaultQueue] : []),
];

export const guaranteeWithinCapability: SemanticRule = {
  id: "queue/guarantee-exceeds-capability",
  defaultSeverity: "error",
  description: "A queue's guarantee is at most its capability.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    for (const queue of declaredQueues(model)) {
      if (!queue.spec.guarantee || !queue.capability) continue;
      for (const d of exceeding(queue.guarantee, queue.capability)) {
        report({ file: queue.file, path: `${queue.pointer}/guarantee/${d.key}`, message: `queue guarantee.${d.key} (${d.small}) is more than its capability.${d.key} (${d.large})`, hint: `Lower guarantee.${d.key} to ${d.large} or less.` });
      }
    }
  },
};

/**
 * Volcano 1.8.2's scheduler subtracts the sum of all guarantees from the
 * cluster's allocatable resources and panics when the result is negative
 * (fixed only in 1.10.1). Refusing the configuration is the only safe answer.
 */
export const guaranteesFitCluster: SemanticRule = {
  id: "queue/guarantees-exceed-cluster",
  defaultSeverity: "error",
  description: "The sum of all Volcano queue guarantees fits the cluster's CPU and memory (Volcano 1.8.2's scheduler panics otherwise).",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    if (!model.volcanoEnabled) return;
    const holders = declaredQueues(model).filter((q) => q.spec.guarantee).map((q) => ({ name: q.name, file: q.file, path: `${q.pointer}/guarantee`, guarantee: q.guarantee }));
    const total = sum(holders.map((h) => h.guarantee));
    const over = exceeding(total, model.clusterCapacity);
    if (over.length === 0) return;
    const breakdown = (key: "cpu" | "memory") => holders.map((h) => `${h.name} ${formatQuantity(key, h.guarantee[key])}`).join(" + ");
    const detail = over.map((d) => `${d.key}: ${breakdown(d.key)} = ${d.small} > ${d.large}`).join("; ");
    const cluster = `${formatCPU(model.clusterCapacity.cpu)} / ${formatMemory(model.clusterCapacity.memory)}`;
    // Report on each team that takes part, newest concern first: a reviewer sees it on the changed file.
    for (const holder of holders) {
      report({
        file: holder.file, path: holder.path,
        message: `Volcano queue guarantees add up to more than the cluster (${cluster} across all nodes): ${detail}. Volcano 1.8.2's scheduler panics on every cycle when guarantees exceed the cluster`,
        hint: `Lower the guarantees (this one is ${formatCPU(holder.guarantee.cpu)} / ${formatMemory(holder.guarantee.memory)}) so that their sum is at most ${cluster}, drop \`guarantee\`, or add nodes in platform.yaml.`,
      });
    }
  },
};
