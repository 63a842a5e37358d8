/**
 * Each team's Namespace, owned by the platform (generated/platform/namespaces/, with the team's queue reader),
 * not by the team's overlay: a Namespace is cluster-scoped, and the tenant
 * Application's AppProject allows no cluster-scoped kind at all. Its labels
 * and annotation are what the guardrails trust (src/synth/platform/guardrails.ts),
 * so they come from the platform, never from anything the team's Application applies.
 */
import type { TeamModel } from "../../model/platform-model.js";
import { type KubeObject } from "../object.js";
import { ARGO } from "../../components/gitops.js";
import { tenantLabels } from "../tenant/overlay.js";

export const VOLCANO_QUEUE_ANNOTATION = "scheduling.volcano.sh/queue-name";

export function tenantNamespace(team: TeamModel): KubeObject {
  return {
    apiVersion: "v1", kind: "Namespace",
    metadata: {
      name: team.namespace,
      labels: {
        ...tenantLabels(team),
        // Spark images run as a fixed non-root user but the operator's pods do
        // not set seccomp profiles: enforce baseline, report restricted.
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
      },
      annotations: {
        // Removing a team prunes its quota, RBAC and policies, but keeps the
        // namespace with its data and running jobs until an admin deletes it;
        // IgnoreExtraneous keeps the kept namespace from holding the platform's
        // Application (and so the root) OutOfSync meanwhile.
        [ARGO.syncOptions]: "Delete=false,Prune=false",
        [ARGO.compareOptions]: "IgnoreExtraneous",
        "spark-platform.io/owners": team.spec.owners.join(","),
        ...(team.spec.contact ? { "spark-platform.io/contact": team.spec.contact } : {}),
        // PodGroups created without a queue default to the namespace's queue.
        ...(team.queueName ? { [VOLCANO_QUEUE_ANNOTATION]: team.queueName } : {}),
      },
    },
  };
}
