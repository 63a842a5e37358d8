/**
 * Changes that destroy something running when Argo CD syncs them (its
 * Applications prune): deleted namespaces, queues, projects and
 * Applications, lowered quotas and removed RBAC. One rule per kind of
 * damage, over the changes between the base and the working tree; each
 * reports one error per owner (a team, or the platform) unless the review
 * is told to allow that owner's destructive changes. A renamed team's damage
 * is reported once, as the rename (./renames.ts).
 */
import { PLATFORM_FILE, TEAMS_DIR } from "../load/inputs.js";
import { objectId } from "../model/object-id.js";
import type { Capacity } from "../model/capacity.js";
import { bytes, milliCPU, parseQuantity, QuantityError } from "../model/quantity.js";
import type { Finding, Rule } from "../rules/rule.js";
import type { KubeObject } from "../synth/object.js";
import { ARGO } from "../components/gitops.js";
import { PLATFORM_OWNER } from "./ownership.js";
import type { ResourceChange } from "./diff.js";
import type { TeamRename } from "./renames.js";
import type { Resource } from "./resources.js";

/** Allows every owner's destructive changes. */
export const ALL = "*";
export const DESTRUCTIVE_DOCS = "README.md#destructive-changes";

/** Destructive changes the pull request is explicitly allowed to make. */
export interface Allowance {
  /** Team names, `platform` for the platform's own objects, or `*`. */
  teams: string[];
  /** Where the allowance comes from, as shown in the report. */
  source: string;
}

/** What the destructive checks look at: the changed objects, each as it was and as it is. */
export interface ChangeSubject {
  changes: readonly ResourceChange[];
  /** Every object of each side, by resourceId. */
  before: ReadonlyMap<string, Resource>;
  after: ReadonlyMap<string, Resource>;
  /** The owners whose destructive changes the review is told to allow. */
  allowance?: Allowance;
  /**
   * The most each Volcano queue could get at the base (its realCapability, by
   * queue name): a capability lowered no further than that takes nothing away.
   */
  reach?: ReadonlyMap<string, Capacity>;
  /** Teams the change renames (./renames.ts): the rename's one finding stands for their damage. */
  renames?: readonly TeamRename[];
}

export interface Damage {
  /** The object and what happens to it, e.g. "ResourceQuota team-theta/theta-quota: requests.cpu 6 → 4". */
  detail: string;
  /** JSON pointer in the team's file (or platform.yaml) that the change is about. */
  pointer: string;
}

export interface DestructiveCheck extends Rule<ChangeSubject> {
  /** What the damage does, said once after the list of objects. */
  consequence: string;
  /** The damage one change does. */
  detect(change: ResourceChange, before?: Resource, after?: Resource, subject?: ChangeSubject): Damage[];
}

type DamageDetector = Pick<DestructiveCheck, "id" | "description" | "consequence" | "detect">;

const teamFile = (team: string) => `${TEAMS_DIR}/${team}.yaml`;
const ownerOf = (change: ResourceChange) => change.team ?? PLATFORM_OWNER;
export const allows = (allowance: Allowance | undefined, owner: string) => Boolean(allowance && (allowance.teams.includes(ALL) || allowance.teams.includes(owner)));

/** The damage of each change a check detects, by owner, in the order of the changes. */
function damageByOwner(check: DamageDetector, subject: ChangeSubject): Map<string, Damage[]> {
  const owners = new Map<string, Damage[]>();
  for (const change of subject.changes) {
    const id = objectId(change);
    const damage = check.detect(change, subject.before.get(id), subject.after.get(id), subject);
    if (damage.length) owners.set(ownerOf(change), [...(owners.get(ownerOf(change)) ?? []), ...damage]);
  }
  return owners;
}

/** One finding per owner: every object the change damages, then what that does. */
function damageFinding(check: DamageDetector, owner: string, damages: Damage[], allowance: Allowance | undefined): Finding {
  const allowed = allows(allowance, owner);
  const subject = owner === PLATFORM_OWNER ? "the platform" : `team \`${owner}\``;
  return {
    file: owner === PLATFORM_OWNER ? PLATFORM_FILE : teamFile(owner),
    path: damages[0].pointer,
    message: `destructive change to ${subject}: ${damages.map((d) => d.detail).join("; ")}; ${check.consequence}${allowed ? ` (allowed by ${allowance!.source})` : ""}`,
    hint: allowed
      ? "Allowed explicitly: make sure the team knows before merging."
      : `If this is intended, allow it explicitly: \`--allow-destructive ${owner}\` (on a pull request: the label \`allow-destructive:${owner}\`).`,
    ...(allowed ? { severity: "warning" as const } : {}),
  };
}

/** A destructive check as a rule: an error for each owner whose objects it damages, a warning when allowed. */
function destructiveCheck(detector: DamageDetector): DestructiveCheck {
  return {
    ...detector,
    defaultSeverity: "error",
    docs: DESTRUCTIVE_DOCS,
    check(context) {
      const renamed = new Set(context.renames?.map((r) => r.from));
      for (const [owner, damages] of damageByOwner(detector, context)) {
        if (!renamed.has(owner)) context.report(damageFinding(detector, owner, damages, context.allowance));
      }
    },
  };
}

/** The owners a change damages in any way: those an allowance is used for. */
export const damagedOwners = (subject: ChangeSubject): Set<string> =>
  new Set(DESTRUCTIVE_CHECKS.flatMap((check) => [...damageByOwner(check, subject).keys()]));

const id = (c: ResourceChange) => objectId(c, " ");
const removed = (c: ResourceChange, kind: string) => c.change === "removed" && c.kind === kind;
const syncOptions = (o?: KubeObject) => o?.metadata.annotations?.[ARGO.syncOptions] ?? "";

export const namespaceDeleted = destructiveCheck({
  id: "review/namespace-deleted",
  description: "A team's Namespace is no longer generated.",
  consequence: "a team's running jobs and data live in its namespace",
  detect(change, before) {
    if (!removed(change, "Namespace")) return [];
    const kept = /Delete=false/.test(syncOptions(before?.object));
    return [{ detail: `${id(change)} is no longer generated: ${kept ? "Argo CD keeps it (it is marked Delete=false) but nothing manages it any more" : "Argo CD deletes it, with everything in it"}`, pointer: "/name" }];
  },
});

export const queueDeleted = destructiveCheck({
  id: "review/queue-deleted",
  description: "A Volcano Queue is deleted.",
  consequence: "Volcano leaves the PodGroups in a deleted queue Pending forever and refuses new pods that name it",
  detect: (change) => (removed(change, "Queue") ? [{ detail: `${id(change)} is deleted`, pointer: change.team ? "/scheduler" : "/volcano" }] : []),
});

export const appProjectDeleted = destructiveCheck({
  id: "review/appproject-deleted",
  description: "An Argo CD AppProject is deleted.",
  consequence: "the Applications in a deleted project stop syncing",
  detect: (change) => (removed(change, "AppProject") ? [{ detail: `${id(change)} is deleted`, pointer: "/name" }] : []),
});

export const applicationDeleted = destructiveCheck({
  id: "review/application-deleted",
  description: "An Argo CD Application is deleted.",
  // Which of the two happens is said per Application, in its detail: the finalizer decides.
  consequence: "Argo CD no longer manages what it deployed",
  detect(change, before) {
    if (!removed(change, "Application")) return [];
    const cascade = before?.object.metadata.finalizers?.includes(ARGO.resourcesFinalizer);
    return [{ detail: `${id(change)} is deleted${cascade ? ", with Argo CD's resources finalizer: the objects it deployed are deleted with it" : ", without Argo CD's resources finalizer: the objects it deployed stay in the cluster, unmanaged"}`, pointer: change.team ? "/name" : "" }];
  },
});

const QUOTA_POINTER: Record<string, string> = {
  "requests.cpu": "/quota/requests/cpu", "requests.memory": "/quota/requests/memory",
  "limits.cpu": "/quota/limits/cpu", "limits.memory": "/quota/limits/memory", pods: "/quota/pods",
};

/**
 * Whether a queue's new capability still covers what the queue could ever get
 * at the base: Volcano's proportion plugin caps a queue at
 * min(cluster − the other queues' guarantees, capability), so lowering the
 * capability down to that cap changes nothing the queue gets (the lowering
 * the volcano-guarantees rule advises).
 */
function withinReach(reach: Capacity | undefined): (key: string, value: string | number) => boolean {
  if (!reach) return () => false;
  return (key, value) => {
    if (key !== "cpu" && key !== "memory") return false;
    try {
      return (key === "cpu" ? milliCPU(value) : bytes(value)) >= reach[key];
    } catch (error) {
      if (error instanceof QuantityError) return false;
      throw error;
    }
  };
}

/** The amount, or undefined when it is not a quantity this platform writes (validation refuses those first). */
function amount(value: string | number): number | undefined {
  try {
    return parseQuantity(value);
  } catch (error) {
    if (error instanceof QuantityError) return undefined;
    throw error;
  }
}

/**
 * Keys whose amount went down or away; a value that cannot be compared counts as lowered, so it is shown rather than passed.
 * `keeps(key, value)` says a lower value still takes nothing away.
 */
function lowered(
  before: Record<string, string | number> = {}, after: Record<string, string | number> = {},
  keeps: (key: string, value: string | number) => boolean = () => false,
): Array<[string, string | number, string | number | undefined]> {
  return Object.entries(before)
    .filter(([k, v]) => {
      if (after[k] === undefined) return true;
      const [from, to] = [amount(v), amount(after[k])];
      return from === undefined || to === undefined ? String(v) !== String(after[k]) : to < from && !keeps(k, after[k]);
    })
    .map(([k, v]) => [k, v, after[k]]);
}

export const quotaLowered = destructiveCheck({
  id: "review/quota-lowered",
  description: "A ResourceQuota is lowered, or a Volcano queue's capability below what the queue could get.",
  consequence: "running pods keep running, but pods beyond the lower quota are refused, and jobs beyond the lower capability wait",
  detect(change, before, after, subject) {
    if (change.change !== "changed" || !before || !after) return [];
    const spec = (o: Resource) => o.object.spec as Record<string, any> | undefined;
    if (change.kind === "ResourceQuota") {
      return lowered(spec(before)?.hard, spec(after)?.hard).map(([key, from, to]) => ({ detail: `${id(change)} lowers ${key} from ${from} to ${to ?? "(none)"}`, pointer: QUOTA_POINTER[key] ?? "/quota" }));
    }
    if (change.kind === "Queue") {
      const keeps = withinReach(subject?.reach?.get(change.name));
      return lowered(spec(before)?.capability, spec(after)?.capability, keeps).map(([key, from, to]) => ({ detail: `${id(change)} lowers capability.${key} from ${from} to ${to ?? "(none)"}`, pointer: change.team ? `/queue/capability/${key}` : `/volcano/defaultQueue/capability/${key}` }));
    }
    return [];
  },
});

const RBAC_KINDS = new Set(["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ServiceAccount"]);

interface RbacRule { apiGroups?: string[]; resources?: string[]; verbs?: string[]; resourceNames?: string[] }

/** Each (verb, group/resource, name) a Role grants. */
function permissions(object: KubeObject): Set<string> {
  const out = new Set<string>();
  for (const rule of (object.rules as RbacRule[] | undefined) ?? []) {
    for (const group of rule.apiGroups ?? [""]) for (const resource of rule.resources ?? []) for (const verb of rule.verbs ?? []) {
      for (const name of rule.resourceNames?.length ? rule.resourceNames : ["*"]) out.add(`${verb} ${group ? `${group}/` : ""}${resource}${name === "*" ? "" : `/${name}`}`);
    }
  }
  return out;
}

const subjects = (object: KubeObject) => new Set(((object.subjects as Array<{ kind: string; name: string; namespace?: string }>) ?? []).map((s) => objectId(s, " ")));

export const rbacRemoved = destructiveCheck({
  id: "review/rbac-removed",
  description: "A service account, role or binding is deleted, or loses permissions or subjects.",
  consequence: "Spark drivers that rely on these permissions fail, mid-job for running ones",
  detect(change, before, after) {
    if (!RBAC_KINDS.has(change.kind)) return [];
    const pointer = change.team ? "/scheduler" : "";
    if (change.change === "removed") return [{ detail: `${id(change)} is deleted`, pointer }];
    if (change.change !== "changed" || !before || !after) return [];
    if (change.kind === "Role" || change.kind === "ClusterRole") {
      const next = permissions(after.object);
      const lost = [...permissions(before.object)].filter((p) => !next.has(p));
      return lost.length ? [{ detail: `${id(change)} loses ${lost.join(", ")}`, pointer }] : [];
    }
    if (change.kind === "RoleBinding" || change.kind === "ClusterRoleBinding") {
      const next = subjects(after.object);
      const lost = [...subjects(before.object)].filter((s) => !next.has(s));
      const roleChanged = JSON.stringify(before.object.roleRef) !== JSON.stringify(after.object.roleRef);
      return lost.length || roleChanged ? [{ detail: `${id(change)} ${[...(lost.length ? [`no longer binds ${lost.join(", ")}`] : []), ...(roleChanged ? ["binds another role"] : [])].join(" and ")}`, pointer }] : [];
    }
    return [];
  },
});

export const DESTRUCTIVE_CHECKS: readonly DestructiveCheck[] = [namespaceDeleted, queueDeleted, appProjectDeleted, applicationDeleted, quotaLowered, rbacRemoved];
