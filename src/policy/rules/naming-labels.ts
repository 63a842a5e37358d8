import { PLATFORM_FILE } from "../../load/inputs.js";
import { isClusterScoped } from "../../model/cluster-scoped.js";
import { objectId } from "../../model/object-id.js";
import type { TeamModel } from "../../model/platform-model.js";
import { LABELS, MANAGED_BY, PART_OF, type KubeObject } from "../../synth/object.js";
import { docsAnchor, type PolicyRule } from "../rule.js";

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kinds whose names must be DNS labels (they become host names or label values). */
const LABEL_NAMED = new Set(["Namespace", "Service"]);

/** Conventions every generated object follows, wherever it comes from. */
function platformConventions(object: KubeObject): string[] {
  const found: string[] = [];
  const { name, labels = {} } = object.metadata;
  const named = LABEL_NAMED.has(object.kind) ? DNS_LABEL.test(name) && name.length <= 63 : DNS_SUBDOMAIN.test(name) && name.length <= 253;
  if (!named) found.push(`its name is not a valid DNS-1123 ${LABEL_NAMED.has(object.kind) ? "label (63 characters at most)" : "subdomain"}`);
  if (labels[LABELS.managedBy] !== MANAGED_BY) found.push(`label ${LABELS.managedBy} is not ${MANAGED_BY}`);
  if (labels[LABELS.partOf] !== PART_OF) found.push(`label ${LABELS.partOf} is not ${PART_OF}`);
  for (const [key, value] of Object.entries(labels)) {
    if (value.length > 63 || !LABEL_VALUE.test(value)) found.push(`label ${key} has an invalid value "${value}"`);
  }
  return found;
}

/** Conventions of a tenant's own objects: named after the team, in its namespace, labelled with it. */
function tenantConventions(object: KubeObject, team: TeamModel): string[] {
  const found: string[] = [];
  const { name, namespace, labels = {} } = object.metadata;
  if (labels[LABELS.team] !== team.name) found.push(`label ${LABELS.team} is not ${team.name}`);
  if (labels[LABELS.scheduler] !== team.scheduler) found.push(`label ${LABELS.scheduler} is not ${team.scheduler}`);
  if (object.kind === "Namespace") {
    if (name !== team.namespace) found.push(`the namespace is not named ${team.namespace}`);
  } else if (!name.startsWith(`${team.name}-`)) found.push(`its name does not start with ${team.name}-`);
  if (!isClusterScoped(object.kind) && namespace !== team.namespace) found.push(`it is not in namespace ${team.namespace}`);
  return found;
}

/**
 * Names and labels are how people, Argo CD and the guardrails find a team's
 * objects: `kubectl get all -l spark-platform.io/team=alpha`, the admission
 * policies read the namespace's labels, and prefixes keep cluster-scoped
 * names from colliding between teams.
 */
export const namingLabels: PolicyRule = {
  id: "naming-labels",
  defaultSeverity: "error",
  description: "Generated objects have valid names and the platform's labels; a tenant's objects are prefixed with its team, in its namespace and labelled with it.",
  docs: docsAnchor("naming-labels"),
  check({ model, synthesis, report }) {
    const teams = new Map(model.teams.map((t) => [t.name, t]));
    for (const build of synthesis.builds) {
      const tenant = build.team === undefined ? undefined : teams.get(build.team);
      for (const object of build.objects) {
        const labelled = object.metadata.labels?.[LABELS.team];
        const team = tenant ?? (labelled ? teams.get(labelled) : undefined);
        const found = [...platformConventions(object), ...(tenant ? tenantConventions(object, tenant) : [])];
        if (labelled && !teams.has(labelled)) found.push(`label ${LABELS.team} names no team (${labelled})`);
        if (found.length === 0) continue;
        report({
          file: team?.file ?? PLATFORM_FILE, path: team ? "/name" : "",
          message: `${objectId(object, " ")} (${build.dir}): ${found.join("; ")}`,
          hint: "Names and labels come from the generator (src/synth): fix it there, not in the generated files.",
        });
      }
    }
  },
};
