/**
 * One Kustomize overlay per team: the base, the Volcano component for Volcano
 * teams, and patches that size the quota and limits and name the queue.
 */
import type { TeamModel } from "../../model/platform-model.js";
import { LABELS, MANAGED_BY, PART_OF, type KubeObject } from "../object.js";
import { BASE_NAMES } from "./base.js";

export interface JsonPatch {
  target: { kind: string; name: string };
  ops: Array<{ op: "add" | "replace"; path: string; value: unknown }>;
}

export interface Overlay {
  team: TeamModel;
  namespace: string;
  namePrefix: string;
  components: Array<"volcano">;
  labels: Record<string, string>;
  /** Strategic-merge patches (partial objects named as in the base). */
  mergePatches: KubeObject[];
  jsonPatches: JsonPatch[];
}

const text = (value: string | number) => String(value);

export function teamOverlay(team: TeamModel): Overlay {
  const { quota, limitRange } = team.spec;
  const namespaceMeta: KubeObject["metadata"] = {
    name: BASE_NAMES.namespace,
    annotations: {
      "spark-platform.io/owners": team.spec.owners.join(","),
      ...(team.spec.contact ? { "spark-platform.io/contact": team.spec.contact } : {}),
      // PodGroups created without a queue default to the namespace's queue.
      ...(team.queueName ? { "scheduling.volcano.sh/queue-name": team.queueName } : {}),
    },
  };
  const mergePatches: KubeObject[] = [
    { apiVersion: "v1", kind: "Namespace", metadata: namespaceMeta },
    {
      apiVersion: "v1", kind: "ResourceQuota", metadata: { name: BASE_NAMES.quota },
      spec: {
        hard: {
          "requests.cpu": text(quota.requests.cpu), "requests.memory": text(quota.requests.memory),
          "limits.cpu": text(quota.limits.cpu), "limits.memory": text(quota.limits.memory),
          pods: text(quota.pods),
        },
      },
    },
    {
      apiVersion: "v1", kind: "LimitRange", metadata: { name: BASE_NAMES.limits },
      spec: {
        limits: [{
          type: "Container",
          default: { cpu: text(limitRange.default.cpu), memory: text(limitRange.default.memory) },
          defaultRequest: { cpu: text(limitRange.defaultRequest.cpu), memory: text(limitRange.defaultRequest.memory) },
        }],
      },
    },
  ];
  const jsonPatches: JsonPatch[] = team.queueName
    ? [{ target: { kind: "ClusterRole", name: BASE_NAMES.queueReader }, ops: [{ op: "replace", path: "/rules/0/resourceNames", value: [team.queueName] }] }]
    : [];
  return {
    team,
    namespace: team.namespace,
    namePrefix: `${team.name}-`,
    components: team.scheduler === "volcano" ? ["volcano"] : [],
    labels: {
      [LABELS.team]: team.name,
      [LABELS.scheduler]: team.scheduler,
      [LABELS.managedBy]: MANAGED_BY,
      [LABELS.partOf]: PART_OF,
    },
    mergePatches,
    jsonPatches,
  };
}
