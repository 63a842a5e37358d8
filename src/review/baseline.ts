/**
 * What the change introduces, against what the base already had: the head's
 * findings are compared with the base's own (policy and validation warnings
 * of the platform at the base ref), so that the verdict, the exit code and
 * the first screen are about the pull request, and what was already there
 * is shown apart. The states are SARIF's `baselineState`.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { PLATFORM_FILE } from "../load/inputs.js";
import { locate } from "../load/source.js";
import { DIMENSIONS, type CapacityDimension } from "../model/capacity.js";
import type { PlatformModel, TeamModel } from "../model/platform-model.js";
import { QUOTA_KINDS, type QuotaKind } from "../policy/capacity.js";
import type { TeamRename } from "./renames.js";

/** The finding without its numbers: the same problem, whatever amounts it names. */
const subject = (d: Diagnostic) => `${d.code}\u0000${d.file ?? ""}\u0000${d.message.replace(/\d+(?:\.\d+)?/g, "#")}`;

/**
 * Marks each head finding `unchanged` when the base has the same one, word
 * for word; `updated` when the base has it with other numbers (an overcommit
 * that went from 2.5× to 2.8× is the pull request's doing); `new` otherwise.
 * Each base finding matches one head finding at most.
 */
export function compareWithBase(head: readonly Diagnostic[], base: readonly Diagnostic[]): Diagnostic[] {
  const exact = new Map<string, number>();
  const similar = new Map<string, number>();
  const count = (map: Map<string, number>, key: string, by: number) => map.set(key, (map.get(key) ?? 0) + by);
  for (const d of base) {
    count(exact, `${subject(d)}\u0000${d.message}`, 1);
    count(similar, subject(d), 1);
  }
  const take = (map: Map<string, number>, key: string) => {
    if (!map.get(key)) return false;
    count(map, key, -1);
    return true;
  };
  // Exact matches first, so that a reworded finding does not take the match of one left as it was.
  const unchanged = head.map((d) => take(exact, `${subject(d)}\u0000${d.message}`) && take(similar, subject(d)));
  return head.map((d, i) => ({ ...d, baseline: unchanged[i] ? "unchanged" : take(similar, subject(d)) ? "updated" : "new" }));
}

/**
 * The base's findings as they read after the change's renames (./renames.ts):
 * a renamed team has the settings it had, so what the base said about
 * `alpha` in teams/alpha.yaml, the head says about `alpha2` in
 * teams/alpha2.yaml; compareWithBase then finds it unchanged. A sentence
 * whose names reorder with the new name (lists are sorted), or in which a
 * team named like a word (`a`) changed another word, no longer matches, and
 * stays new: never a finding hidden by a wrong match.
 */
export function asRenamed(base: readonly Diagnostic[], renames: readonly TeamRename[]): Diagnostic[] {
  if (renames.length === 0) return [...base];
  // Team names are DNS labels, with no character a regular expression reads as syntax; a name within
  // another (team-alpha, alpha-sa) is the team's too; the longest name first (alpha-b before alpha). All
  // renames in one pass, so that a swap stays a swap.
  const to = new Map(renames.map((r) => [r.from, r.to]));
  const names = new RegExp(`\\b(${renames.map((r) => r.from).sort((a, b) => b.length - a.length).join("|")})\\b`, "g");
  const files = new Map(renames.map((r) => [r.fromFile, r.toFile]));
  return base.map((d) => ({
    ...d,
    message: d.message.replace(names, (name) => to.get(name)!),
    ...(d.file !== undefined ? { file: files.get(d.file) ?? d.file } : {}),
  }));
}

/** Findings about the sum of the teams' quotas, which platform.yaml only sets the bar for. */
const QUOTA_SUMS = new Set(["capacity-overcommit", "capacity-threshold", "mixed-schedulers"]);

/** The quota amounts a team raised (a new team raised all of them), as pointers into its file. */
function raisedQuota(team: TeamModel, before: TeamModel | undefined, kinds: readonly QuotaKind[]): string[] {
  return kinds.flatMap((kind) => DIMENSIONS
    .filter((d: CapacityDimension) => team.quota[kind][d] > (before?.quota[kind][d] ?? 0))
    .map((d) => `/quota/${kind}/${d}`));
}

/** The guarantee amounts a Volcano team raised, as pointers into its file. */
const raisedGuarantee = (team: TeamModel, before: TeamModel | undefined): string[] =>
  team.queue ? DIMENSIONS.filter((d) => team.queue!.guarantee[d] > (before?.queue?.guarantee[d] ?? 0)).map((d) => `/queue/guarantee/${d}`) : [];

/**
 * What a team changed that a finding about the sums follows from: its quota
 * (of the kind the finding names); for mixed-schedulers, a default-scheduler
 * team's requests or a Volcano team's guarantee.
 */
function causes(code: string, message: string, team: TeamModel, before: TeamModel | undefined): string[] {
  if (code === "mixed-schedulers") return team.scheduler === "default" ? raisedQuota(team, before, ["requests"]) : raisedGuarantee(team, before);
  const kinds = QUOTA_KINDS.filter((k) => message.includes(`quota ${k}`));
  return raisedQuota(team, before, kinds.length ? kinds : QUOTA_KINDS);
}

/**
 * A finding the change introduces about the teams' summed quotas sits on
 * platform.yaml, which the pull request may not touch: when platform.yaml's
 * settings are the same at the base, it moves to the quota line of the team
 * that raised that quota (the first by name, when several did), so that it
 * shows inline on the pull request's diff.
 */
export function locateInChangedTeams(diagnostics: readonly Diagnostic[], base: PlatformModel, head: PlatformModel, renames: readonly TeamRename[] = []): Diagnostic[] {
  if (JSON.stringify(base.platform) !== JSON.stringify(head.platform)) return [...diagnostics];
  // A renamed team is compared with itself under its old name: it raised nothing.
  const oldName = new Map(renames.map((r) => [r.to, r.from]));
  const byName = new Map(base.teams.map((t) => [t.name, t]));
  const before = { get: (name: string) => byName.get(oldName.get(name) ?? name) };
  return diagnostics.map((d) => {
    if (d.file !== PLATFORM_FILE || d.baseline === "unchanged" || !QUOTA_SUMS.has(d.code)) return d;
    const raised = [...head.teams]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((team) => ({ team, pointers: causes(d.code, d.message, team, before.get(team.name)) }))
      .find((r) => r.pointers.length);
    const source = raised && head.sources.get(raised.team.file);
    if (!raised || !source) return d;
    const pointer = raised.pointers[0];
    return { ...d, file: raised.team.file, path: pointer, ...locate(source, pointer), hint: `${d.hint ? `${d.hint} ` : ""}(Shown where this change raises it: ${raised.team.file}, ${pointer}.)` };
  });
}

/**
 * One problem, reported once: a finding that a check reports word for word on
 * several files (guarantees that add up to too much, on every queue that has
 * one) is kept on the files the change touches, when it touches any of them.
 */
export function onTouchedFiles(diagnostics: readonly Diagnostic[], touched: ReadonlySet<string>): Diagnostic[] {
  const problem = (d: Diagnostic) => `${d.severity}\u0000${d.code}\u0000${d.message}`;
  const files = new Map<string, Set<string>>();
  for (const d of diagnostics) if (d.file !== undefined) files.set(problem(d), (files.get(problem(d)) ?? new Set()).add(d.file));
  return diagnostics.filter((d) => {
    const on = files.get(problem(d));
    if (d.file === undefined || !on || on.size < 2 || touched.has(d.file)) return true;
    return ![...on].some((f) => touched.has(f));
  });
}
