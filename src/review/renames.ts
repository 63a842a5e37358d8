/**
 * A team renamed in one pull request: `teams/<old>.yaml` removed and
 * `teams/<new>.yaml` added with the same settings. Everything the platform
 * generates for a team is named after it (namespace `team-<name>`, queue
 * `<name>`, Application `tenant-<name>`…) and Kubernetes cannot rename a
 * namespace, so to Argo CD a rename is one team removed and another added:
 * nothing moves. The review says so once, on the removed file, with what
 * happens to the old namespace and how to rename safely, instead of one
 * error per kind of object deleted.
 *
 * The rule, simple so that it is predictable: a team only the base has and a
 * team only the working tree has are a rename when they have the same owners
 * (in any order), scheduler, quota, limit range, queue and example job, as
 * the compiler reads them (`"1"` and `1000m` are the same CPU); `description`
 * and `contact` may differ, as they often name the team. Each of the two must
 * match no other team of the other side; otherwise nothing is paired and the
 * removal and the addition are reviewed as such.
 */
import { objectId } from "../model/object-id.js";
import type { PlatformModel, TeamModel } from "../model/platform-model.js";
import type { Finding, Rule } from "../rules/rule.js";
import type { KubeObject } from "../synth/object.js";
import { ARGO } from "../components/gitops.js";
import { allows, queueDeleted, rbacRemoved, type ChangeSubject } from "./destructive.js";
import type { ResourceChange } from "./diff.js";

export const TEAM_RENAMED = "review/team-renamed";
export const RENAME_DOCS = "README.md#renaming-and-removing-a-team";

export interface TeamRename {
  /** The team's name at the base, and its file there. */
  from: string;
  fromFile: string;
  /** Its name in the working tree, and its file. */
  to: string;
  toFile: string;
}

/** What decides what a team runs and how much of the cluster it takes, as the compiler reads it. */
function settings(team: TeamModel): string {
  return JSON.stringify({
    owners: [...team.spec.owners].sort(),
    scheduler: team.scheduler,
    quota: team.quota,
    limitRange: team.limitRange,
    queue: team.queue ? { weight: team.queue.weight, capability: team.queue.capability ?? null, guarantee: team.queue.guarantee } : null,
    job: { language: team.job.language, driver: team.job.driver, executor: team.job.executor },
  });
}

/** The teams the change renames, by their old name. */
export function renamedTeams(base: PlatformModel, head: PlatformModel): TeamRename[] {
  const gone = base.teams.filter((t) => !head.teams.some((h) => h.name === t.name));
  const added = head.teams.filter((t) => !base.teams.some((b) => b.name === t.name));
  const of = new Map([...gone, ...added].map((t) => [t, settings(t)]));
  const renames: TeamRename[] = [];
  for (const old of gone) {
    const matches = added.filter((t) => of.get(t) === of.get(old));
    if (matches.length !== 1 || gone.filter((t) => of.get(t) === of.get(old)).length !== 1) continue;
    renames.push({ from: old.name, fromFile: old.file, to: matches[0].name, toFile: matches[0].file });
  }
  return renames.sort((a, b) => a.from.localeCompare(b.from));
}

/** "team `alpha` → `alpha2` (teams/alpha.yaml → teams/alpha2.yaml)", as every format names a rename. */
export const describeRename = (r: TeamRename): string => `team \`${r.from}\` → \`${r.to}\` (${r.fromFile} → ${r.toFile})`;

/** The rename in one line, as the text and Markdown reports show it above the findings. */
export const renameNote = (r: TeamRename): string => `${describeRename(r)}: the old team is removed and a new one added, and nothing moves (\`${TEAM_RENAMED}\`)`;

const id = (c: ResourceChange) => objectId(c, " ");
const options = (annotation: string, o?: KubeObject) => (o?.metadata.annotations?.[annotation] ?? "").split(",").map((s) => s.trim());

/** "ResourceQuota, LimitRange, 5 NetworkPolicies", in the order of the changes. */
function kinds(changes: readonly ResourceChange[]): string {
  const counts = new Map<string, number>();
  for (const c of changes) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => (n === 1 ? kind : `${n} ${kind.endsWith("y") ? `${kind.slice(0, -1)}ies` : `${kind}s`}`)).join(", ");
}

/** Whether Argo CD leaves the old namespace in place: pruning is what removes an object whose file left a live Application (tenant-namespaces), and Prune=false stops it. */
const keeps = (namespace: ResourceChange | undefined, subject: ChangeSubject): boolean =>
  Boolean(namespace && options(ARGO.syncOptions, subject.before.get(objectId(namespace))?.object).includes("Prune=false"));

/**
 * What merging the rename does to the old team's objects, read from them:
 * what Argo CD prunes, what its finalizer deletes with an Application, what
 * a sync option keeps.
 */
function consequences(rename: TeamRename, subject: ChangeSubject): string[] {
  const removed = subject.changes.filter((c) => c.change === "removed" && c.team === rename.from);
  const before = (c: ResourceChange) => subject.before.get(objectId(c))?.object;
  const out: string[] = [];
  for (const app of removed.filter((c) => c.kind === "Application")) {
    const object = before(app);
    const path = (object?.spec as { source?: { path?: string } } | undefined)?.source?.path;
    const deployed = removed.filter((c) => path !== undefined && c.source === path);
    const what = deployed.length ? ` (${kinds(deployed)})` : "";
    out.push(object?.metadata.finalizers?.includes(ARGO.resourcesFinalizer)
      ? `Argo CD deletes ${id(app)} and, with its resources finalizer, what it deployed${what}${deployed.some((c) => rbacRemoved.detect(c).length) ? `: ${rbacRemoved.consequence}` : ""}`
      : `Argo CD deletes ${id(app)}; what it deployed${what} stays, unmanaged`);
  }
  for (const project of removed.filter((c) => c.kind === "AppProject")) out.push(`${id(project)} is deleted`);
  for (const queue of removed.filter((c) => c.kind === "Queue")) out.push(`${id(queue)} is deleted: ${queueDeleted.consequence}`);
  const readers = removed.filter((c) => c.kind === "ClusterRole" || c.kind === "ClusterRoleBinding");
  if (readers.length) out.push(`${readers.map(id).join(" and ")} ${readers.length === 1 ? "is" : "are"} deleted`);
  for (const namespace of removed.filter((c) => c.kind === "Namespace")) {
    out.push(keeps(namespace, subject)
      ? `${id(namespace)} stays (Argo CD does not prune it: Prune=false), unmanaged, with what the team put in it (SparkApplications, pods, Secrets, ConfigMaps, PersistentVolumeClaims)`
      : `Argo CD deletes ${id(namespace)} with everything in it (SparkApplications, pods, Secrets, ConfigMaps, PersistentVolumeClaims)`);
    const watched = subject.changes.some((c) => c.change === "changed" && c.fields?.some((f) => f.path.endsWith("jobNamespaces[]") && f.before === namespace.name && f.after === undefined));
    if (watched) out.push(`the Spark Operator stops watching ${namespace.name}`);
  }
  const fresh = subject.changes.find((c) => c.change === "added" && c.kind === "Namespace" && c.team === rename.to);
  if (fresh) out.push(`team \`${rename.to}\` starts in a new, empty ${id(fresh)}`);
  return out;
}

function renameFinding(rename: TeamRename, subject: ChangeSubject): Finding {
  const allowed = allows(subject.allowance, rename.from);
  const old = subject.changes.find((c) => c.change === "removed" && c.kind === "Namespace" && c.team === rename.from);
  const namespace = old?.name ?? `team-${rename.from}`;
  const next = subject.changes.find((c) => c.change === "added" && c.kind === "Namespace" && c.team === rename.to)?.name ?? `team-${rename.to}`;
  return {
    file: rename.fromFile,
    path: "/name",
    message: `destructive rename of ${describeRename(rename)}: Kubernetes cannot rename a namespace, so this removes the old team and adds a new one, and nothing moves: ${consequences(rename, subject).join("; ")}${allowed ? ` (allowed by ${subject.allowance!.source})` : ""}`,
    hint: allowed
      ? `Allowed explicitly: make sure team \`${rename.from}\` has moved its jobs and data to ${next} before merging, and delete namespace ${namespace} once it is empty.`
      : `Rename in two pull requests: first add ${rename.toFile} beside ${rename.fromFile} (smaller, if the platform has no room for both) and move the jobs and data from ${namespace} to ${next}; then remove ${rename.fromFile} with the label \`allow-destructive:${rename.from}\` (\`--allow-destructive ${rename.from}\`), and delete namespace ${namespace} once it is empty. To rename in one step anyway (jobs running in ${namespace} fail, and its data ${keeps(old, subject) ? "stays there, unmanaged" : "is deleted"}), allow it the same way.`,
    ...(allowed ? { severity: "warning" as const } : {}),
  };
}

/**
 * A destructive check like those of ./destructive.ts (an error unless the old
 * team's destructive changes are allowed), which stands for them all for a
 * renamed team: they leave its owner to this one.
 */
export const teamRenamed: Rule<ChangeSubject> = {
  id: TEAM_RENAMED,
  defaultSeverity: "error",
  description: "A team is renamed (its file removed, one with the same settings added): the old team's objects are deleted or left unmanaged and new ones created, and nothing moves.",
  docs: RENAME_DOCS,
  check(context) {
    for (const rename of context.renames ?? []) context.report(renameFinding(rename, context));
  },
};
