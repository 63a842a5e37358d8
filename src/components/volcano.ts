/**
 * Volcano: the batch scheduler that gives Volcano teams their queues
 * (https://github.com/volcano-sh/volcano).
 */
import volcano182 from "../../schemas/charts/volcano-1.8.2.keys.json" with { type: "json" };
import { SYNC_WAVES } from "./gitops.js";
import type { ComponentDescriptor } from "./component.js";

/**
 * The admission paths Volcano's webhook serves. `/pods/mutate` is left out: a
 * no-op with the chart's config, yet it fails closed on every pod in the
 * cluster while the webhook is down.
 */
export const VOLCANO_ADMISSIONS = ["/jobs/mutate", "/jobs/validate", "/podgroups/mutate", "/pods/validate", "/queues/mutate", "/queues/validate"];

export const VOLCANO: ComponentDescriptor = {
  key: "volcano",
  title: "Volcano",
  application: "volcano",
  required: false,
  note: "Volcano is required as soon as one team uses it.",
  defaults: { chart: { repoURL: "https://volcano-sh.github.io/helm-charts", name: "volcano", version: "1.8.2" }, namespace: "volcano-system" },
  wave: {
    wave: SYNC_WAVES.infrastructure,
    why: "Volcano's webhooks fail closed: no pod outside `volcano-system` starts while they are down, so Volcano is healthy first. Server-side apply because the jobtemplates CRD is too large for client-side apply",
  },
  // The jobtemplates CRD (about 600 KB) is too large for client-side apply's last-applied annotation.
  syncOptions: ["ServerSideApply=true"],
  ownedValues: [
    { pointer: "/custom/enabled_admissions", why: "`/pods/mutate` is dropped from the admission paths (a no-op with the chart's config that still blocks every pod in the cluster while the webhook is down)" },
  ],
  values: () => ({ custom: { enabled_admissions: VOLCANO_ADMISSIONS.join(",") } }),
  chartKeys: [volcano182],
  compatibility: [
    {
      versions: /^1\.8\./,
      label: "Volcano 1.8",
      kubernetes: { minMinor: 19, maxMinor: 28 },
      source: "volcano-sh/volcano README at v1.8.2, Kubernetes compatibility table (1.26 marked supported in later READMEs; 1.29+ not supported before v1.9)",
    },
    {
      versions: /^1\.9\./,
      label: "Volcano 1.9",
      kubernetes: { minMinor: 21, maxMinor: 29 },
      source: "volcano-sh/volcano README at v1.9.0, Kubernetes compatibility table",
    },
  ],
  scheduler: "volcano",
  tenants: {
    // The Spark Operator creates the PodGroups; the team only reads them.
    scheduledTeamRbac: [{ apiGroups: ["scheduling.volcano.sh"], resources: ["podgroups"], verbs: ["get", "list", "watch"] }],
  },
};
