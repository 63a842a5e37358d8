/**
 * Volcano Queues: one per Volcano team and the `default` queue. `weight` and
 * `reclaimable` are always set, since Volcano's mutating webhook would
 * otherwise default them and Argo CD would show drift.
 */
import type { PlatformModel, QueueModel, TeamModel } from "../../model/platform-model.js";
import type { Resources } from "../../types/platform.js";
import { LABELS, MANAGED_BY, PART_OF, type KubeObject } from "../object.js";
import { ARGO } from "../../components/gitops.js";
import { tenantLabels } from "../tenant/overlay.js";

export const QUEUE_API = "scheduling.volcano.sh/v1beta1";

export interface QueueObject {
  object: KubeObject;
  source: string;
}

/** The model's Volcano queues as objects, each with the input file that declares it. */
export function volcanoQueues(model: PlatformModel): QueueObject[] {
  return model.queues.map(({ team, ...queue }) => ({
    source: queue.file,
    object: team
      ? queueObject(queue, { [ARGO.syncOptions]: "SkipDryRunOnMissingResource=true" }, { [LABELS.team]: team.name })
      : queueObject(queue, {
        // Volcano creates `default` itself and its webhook refuses to delete it:
        // Argo CD manages its settings but never prunes or deletes it.
        [ARGO.syncOptions]: "Delete=false,Prune=false,SkipDryRunOnMissingResource=true",
      }, {}),
  }));
}

function queueObject({ name, spec }: QueueModel, annotations: Record<string, string>, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: QUEUE_API,
    kind: "Queue",
    metadata: { name, labels: { ...labels, [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF }, annotations },
    spec: {
      weight: spec.weight,
      reclaimable: true,
      ...(spec.capability ? { capability: resources(spec.capability) } : {}),
      ...(spec.guarantee ? { guarantee: { resource: resources(spec.guarantee) } } : {}),
    },
  };
}

const resources = (r: Resources) => ({ cpu: String(r.cpu), memory: String(r.memory) });

/**
 * Read access to a team's own Queue for its service account. Queue is
 * cluster-scoped, so this is a ClusterRole (resourceNames limits get, and
 * list/watch by name), and it lives with the team's Namespace in a platform
 * Application: the tenant's own Application may hold no cluster-scoped object.
 */
export function queueReader(team: TeamModel): KubeObject[] {
  const name = `${team.name}-queue-reader`;
  const metadata = { name, labels: tenantLabels(team) };
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata,
      rules: [{ apiGroups: ["scheduling.volcano.sh"], resources: ["queues"], resourceNames: [team.queueName!], verbs: ["get", "list", "watch"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", metadata: structuredClone(metadata),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
      subjects: [{ kind: "ServiceAccount", name: team.serviceAccount, namespace: team.namespace }],
    },
  ];
}
