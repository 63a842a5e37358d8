/**
 * One Kustomize overlay per team: the base, the Volcano component for Volcano
 * teams, and strategic-merge patches that size the quota and limits. Each
 * patch is an object in a file of its own, written by the one YAML writer
 * like every other object: nothing a team writes is ever YAML text inside
 * YAML, so no string can change the structure Kustomize reads.
 */
import type { TeamModel } from "../../model/platform-model.js";
import { LABELS, MANAGED_BY, PART_OF, type KubeObject } from "../object.js";
import { BASE_NAMES } from "./base.js";

/** A strategic-merge patch: a partial object named as in the base, and the overlay file it is written to. */
export interface MergePatch {
  file: string;
  object: KubeObject;
}

export interface Overlay {
  team: TeamModel;
  namespace: string;
  namePrefix: string;
  components: Array<"volcano">;
  labels: Record<string, string>;
  patches: MergePatch[];
}

/** The labels on everything that belongs to a team, in its namespace or not. */
export function tenantLabels(team: TeamModel): Record<string, string> {
  return {
    [LABELS.team]: team.name,
    [LABELS.scheduler]: team.scheduler,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.partOf]: PART_OF,
  };
}

const text = (value: string | number) => String(value);

export function teamOverlay(team: TeamModel): Overlay {
  const { quota, limitRange } = team.spec;
  return {
    team,
    namespace: team.namespace,
    namePrefix: `${team.name}-`,
    components: team.scheduler === "volcano" ? ["volcano"] : [],
    labels: tenantLabels(team),
    patches: [
      {
        file: "resource-quota.patch.yaml",
        object: {
          apiVersion: "v1", kind: "ResourceQuota", metadata: { name: BASE_NAMES.quota },
          spec: {
            hard: {
              "requests.cpu": text(quota.requests.cpu), "requests.memory": text(quota.requests.memory),
              "limits.cpu": text(quota.limits.cpu), "limits.memory": text(quota.limits.memory),
              pods: text(quota.pods),
            },
          },
        },
      },
      {
        file: "limit-range.patch.yaml",
        object: {
          apiVersion: "v1", kind: "LimitRange", metadata: { name: BASE_NAMES.limits },
          spec: {
            limits: [{
              type: "Container",
              default: { cpu: text(limitRange.default.cpu), memory: text(limitRange.default.memory) },
              defaultRequest: { cpu: text(limitRange.defaultRequest.cpu), memory: text(limitRange.defaultRequest.memory) },
            }],
          },
        },
      },
    ],
  };
}
