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
  grants: [
    {
      // vc-webhook-manager's PodGroup mutation reads the PodGroup's Namespace for
      // its `scheduling.volcano.sh/queue-name` annotation
      // (pkg/webhooks/admission/podgroups/mutate/mutate_podgroup.go), but the
      // chart's admission ClusterRole has no `namespaces` rule before 1.12.3 and
      // 1.13.0 (https://github.com/volcano-sh/volcano/pull/4590). Without it the
      // PodGroup of a plain pod falls back to the `default` queue, which the
      // podgroup-queue guardrail refuses, so the pod stays Pending.
      name: "admission-namespace-reader",
      serviceAccount: (release) => `${release}-admission`,
      rules: [{ apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"] }],
      versions: /^1\.([0-9]|1[01])\.|^1\.12\.[0-2]$/,
      why: "Volcano's admission webhook reads a PodGroup's Namespace for its queue annotation, but the chart gives its ServiceAccount no read access to Namespaces before 1.12.3 and 1.13.0 (https://github.com/volcano-sh/volcano/issues/4589); without it a plain pod's PodGroup falls back to the default queue, the guardrails refuse it, and the pod stays Pending",
    },
  ],
  tenants: {
    // The Spark Operator creates the PodGroups; the team only reads them.
    scheduledTeamRbac: [{ apiGroups: ["scheduling.volcano.sh"], resources: ["podgroups"], verbs: ["get", "list", "watch"] }],
  },
};
