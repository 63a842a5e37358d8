/**
 * Volcano Queues: one per Volcano team and the `default` queue. `weight` and
 * `reclaimable` are always set, since Volcano's mutating webhook would
 * otherwise default them and Argo CD would show drift.
 */
import { PLATFORM_FILE } from "../../load/inputs.js";
import type { PlatformModel, TeamModel } from "../../model/platform-model.js";
import type { Resources } from "../../types/platform.js";
import { ARGO, LABELS, MANAGED_BY, PART_OF, type KubeObject } from "../object.js";
import { tenantLabels } from "../tenant/overlay.js";

export const QUEUE_API = "scheduling.volcano.sh/v1beta1";

export interface QueueObject {
  object: KubeObject;
  source: string;
}

export function volcanoQueues(model: PlatformModel): QueueObject[] {
  if (!model.volcanoEnabled) return [];
  const defaultQueue = model.platform.volcano?.defaultQueue ?? { weight: 1 };
  return [
    {
      source: PLATFORM_FILE,
      object: queue("default", defaultQueue, {
        // Volcano creates `default` itself and its webhook refuses to delete it:
        // Argo CD manages its settings but never prunes or deletes it.
        [ARGO.syncOptions]: "Delete=false,Prune=false,SkipDryRunOnMissingResource=true",
      }, {}),
    },
    ...model.teams.filter((t) => t.queueName).map((team) => ({
      source: team.file,
      object: queue(team.queueName!, team.spec.queue!, { [ARGO.syncOptions]: "SkipDryRunOnMissingResource=true" }, { [LABELS.team]: team.name }),
    })),
  ];
}

function queue(name: string, spec: { weight: number; capability?: Resources; guarantee?: Resources }, annotations: Record<string, string>, labels: Record<string, string>): KubeObject {
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
