import { isClusterScoped, isClusterScopedResource } from "../../model/cluster-scoped.js";
import type { TeamModel } from "../../model/platform-model.js";
import { LABELS, type KubeObject, type Synthesis } from "../../synth/object.js";
import { docsAnchor, type PolicyRule } from "../rule.js";

interface RbacRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}

const WRITE = ["create", "update", "patch", "delete", "deletecollection"];
const PRIVILEGED = ["escalate", "bind", "impersonate"];

const has = (list: string[] | undefined, ...values: string[]) => (list ?? []).some((v) => values.includes(v));
const writes = (rule: RbacRule) => has(rule.verbs, "*", ...WRITE);

/** What is wrong with one rule of a tenant's Role or ClusterRole. */
function problems(rule: RbacRule, clusterWide: boolean): string[] {
  const found: string[] = [];
  for (const field of ["apiGroups", "resources", "verbs"] as const) {
    if (has(rule[field], "*")) found.push(`a wildcard in ${field}`);
  }
  if (has(rule.resources, "secrets", "*") && writes(rule)) found.push("write access to secrets");
  const privileged = (rule.verbs ?? []).filter((v) => PRIVILEGED.includes(v));
  if (privileged.length) found.push(`the ${privileged.join(", ")} verb${privileged.length > 1 ? "s" : ""}`);
  if (writes(rule)) {
    if (clusterWide) found.push(`cluster-wide write (${(rule.verbs ?? []).filter((v) => v === "*" || WRITE.includes(v)).join(", ")} on ${(rule.resources ?? []).join(", ")})`);
    else {
      // `namespaces` among them would let a Role change its own Namespace, and so the labels the guardrails trust.
      const scoped = (rule.resources ?? []).filter(isClusterScopedResource);
      if (scoped.length) found.push(`write to cluster-scoped ${scoped.join(", ")}`);
    }
  }
  return found;
}

/** Everything labelled as the team's, wherever the platform puts it (its overlay, its namespace, its queue's readers). */
function tenantObjects(synthesis: Synthesis, team: TeamModel): KubeObject[] {
  return synthesis.builds.flatMap((b) => b.objects).filter((o) => o.kind !== "AppProject" && o.kind !== "Application" && o.metadata.labels?.[LABELS.team] === team.name);
}

function* violations(synthesis: Synthesis, team: TeamModel): Generator<string> {
  const objects = tenantObjects(synthesis, team);
  const own = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
  for (const object of objects) {
    const where = `${object.kind} ${object.metadata.name}`;
    if (object.kind === "Role" || object.kind === "ClusterRole") {
      for (const rule of (object.rules as RbacRule[] | undefined) ?? []) {
        for (const problem of problems(rule, object.kind === "ClusterRole")) yield `${where} grants ${problem}`;
      }
    }
    if (object.kind === "RoleBinding" || object.kind === "ClusterRoleBinding") {
      const ref = object.roleRef as { kind: string; name: string };
      if (!own.has(`${ref.kind}/${ref.name}`)) yield `${where} binds ${ref.kind} ${ref.name}, which is not the team's own (its permissions are not checked here and may be broad)`;
    }
  }
  const project = synthesis.builds.flatMap((b) => b.objects).find((o) => o.kind === "AppProject" && o.metadata.name === team.project);
  if (!project) return;
  const spec = project.spec as { sourceRepos?: string[]; clusterResourceWhitelist?: unknown[]; destinations?: Array<{ namespace?: string }>; namespaceResourceWhitelist?: Array<{ group: string; kind: string }> };
  if ((spec.clusterResourceWhitelist ?? []).length) yield `AppProject ${project.metadata.name} lets the team's Application create cluster-scoped objects (clusterResourceWhitelist is not empty)`;
  const foreign = (spec.destinations ?? []).filter((d) => d.namespace !== team.namespace).map((d) => d.namespace ?? "(any)");
  if (foreign.length) yield `AppProject ${project.metadata.name} lets the team's Application deploy outside ${team.namespace} (to ${foreign.join(", ")})`;
  if (has(spec.sourceRepos, "*")) yield `AppProject ${project.metadata.name} lets the team's Application deploy from any repository`;
  // Without a whitelist Argo CD allows every namespaced kind; with one, only the kinds the overlay renders.
  const rendered = new Set(objects.filter((o) => !isClusterScoped(o.kind)).map((o) => o.kind));
  const allowed = spec.namespaceResourceWhitelist;
  if (!allowed) yield `AppProject ${project.metadata.name} lets the team's Application create any namespaced kind (no namespaceResourceWhitelist)`;
  else {
    const extra = allowed.filter((k) => k.kind === "*" || k.group === "*" || !rendered.has(k.kind)).map((k) => `${k.group || "core"}/${k.kind}`);
    if (extra.length) yield `AppProject ${project.metadata.name} allows ${extra.join(", ")}, which the team's overlay does not render`;
  }
}

/**
 * A tenant's service account runs Spark drivers, which create executors,
 * services and config maps in the team's namespace, and plain Jobs, whose
 * pods meet the same admission as a bare pod there; nothing more. No
 * team file can widen this (the schema has no RBAC), so a finding here means
 * the compiler changed: review the generated objects.
 */
export const rbacLeastPrivilege: PolicyRule = {
  id: "rbac-least-privilege",
  defaultSeverity: "error",
  description: "Tenants' Roles, ClusterRoles, bindings and AppProjects grant no wildcards, no write to secrets, no escalate, bind or impersonate, and no cluster-scoped write.",
  docs: docsAnchor("rbac-least-privilege"),
  check({ model, synthesis, report }) {
    for (const team of model.teams) {
      for (const violation of violations(synthesis, team)) {
        report({
          file: team.file, path: "/name",
          message: `tenant \`${team.name}\`: ${violation}`,
          hint: "Tenants get only what src/synth/tenant/base.ts grants a Spark driver; remove the extra permission from the generator (no team file can ask for it).",
        });
      }
    }
  },
};
