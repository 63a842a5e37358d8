/**
 * What the review says about whose files a change touches. A pull request
 * of one team, or of the platform alone, is read by its owners; one that
 * touches several owners at once (two teams, or a team and the platform)
 * mixes changes that different people must approve, so it is never "safe to
 * merge" without a platform engineer reading it. And a quota is a share of
 * the cluster every team uses: a pull request that touches several teams
 * may not change any team's quota or queue, so that each quota change is
 * its own team's pull request, which its owners review. A renamed team
 * (./renames.ts: same owners, same settings) is one owner under both names.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { locate } from "../load/source.js";
import { formatCapacity } from "../model/capacity.js";
import type { PlatformModel } from "../model/platform-model.js";
import type { Team } from "../types/team.js";
import { PLATFORM_OWNER, shownPath, type Ownership } from "./ownership.js";
import type { TeamRename } from "./renames.js";

export const SEVERAL_OWNERS = "review/several-owners";
export const OTHER_TEAM_QUOTA = "review/other-team-quota";

/** "a", "a and b", "a, b and c" */
export const listed = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;

/** The owner a team's files count for: a renamed team's new name counts as its old one. */
const ownerOf = (renames: readonly TeamRename[]) => (team: string): string => renames.find((r) => r.to === team)?.from ?? team;

/** The teams whose files change, a renamed team once (by its old name). */
const teamOwners = (ownership: Ownership, renames: readonly TeamRename[]): string[] => [...new Set(ownership.teams.map(ownerOf(renames)))];

export const touchesSeveralOwners = (ownership: Ownership, renames: readonly TeamRename[] = []): boolean =>
  teamOwners(ownership, renames).length + (ownership.platform ? 1 : 0) > 1;

export function severalOwners(ownership: Ownership, renames: readonly TeamRename[] = []): Diagnostic[] {
  if (!touchesSeveralOwners(ownership, renames)) return [];
  const owners = [...teamOwners(ownership, renames), ...(ownership.platform ? [PLATFORM_OWNER] : [])].map((owner) => {
    const paths = ownership.files.filter((f) => (f.owner === PLATFORM_OWNER ? f.owner : ownerOf(renames)(f.owner)) === owner).map((f) => shownPath(f.path));
    const sample = paths.length > 4 ? [...paths.slice(0, 3), `${paths.length - 3} more`] : paths;
    const renamed = renames.find((r) => r.from === owner && ownership.teams.includes(r.to));
    return `${owner === PLATFORM_OWNER ? "the platform" : `team \`${owner}\`${renamed ? ` → \`${renamed.to}\`` : ""}`} (${listed(sample)})`;
  });
  return [{
    severity: "warning", code: SEVERAL_OWNERS,
    message: `this change touches the files of ${owners.length} owners: ${listed(owners)}; each owner approves what is theirs, so a platform engineer must read the whole change before it is merged`,
    hint: "Split it: one pull request per team, and the platform's changes in their own.",
  }];
}

/** Leaves of the team's quota and queue, by JSON pointer in its file. */
function shares(spec: Team | undefined): Map<string, unknown> {
  const leaves = new Map<string, unknown>();
  const walk = (value: unknown, pointer: string) => {
    if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, `${pointer}/${k}`);
    else if (value !== undefined) leaves.set(pointer, value);
  };
  walk(spec?.quota, "/quota");
  walk(spec?.queue, "/queue");
  return leaves;
}

/** Each team (among several whose files change) whose quota or queue is added or changed: an error at the first changed value. */
export function otherTeamQuotas(ownership: Ownership, head: PlatformModel, base: PlatformModel, renames: readonly TeamRename[] = []): Diagnostic[] {
  const teams = teamOwners(ownership, renames);
  if (teams.length < 2) return [];
  const findings: Diagnostic[] = [];
  for (const team of head.teams.filter((t) => ownership.teams.includes(t.name))) {
    const owner = ownerOf(renames)(team.name);
    // A renamed team's quota is compared with what it had under its old name.
    const before = base.teams.find((t) => t.name === owner)?.spec;
    const [old, now] = [shares(before), shares(team.spec)];
    // In the file's order, so that the finding points at the first changed value.
    const changed = [...new Set([...now.keys(), ...old.keys()])].filter((p) => old.get(p) !== now.get(p));
    if (changed.length === 0) continue;
    const { requests, limits, pods } = team.quota;
    const what = before
      ? `team \`${team.name}\`'s quota changes (${changed.map((p) => `${p.slice(1).replace(/\//g, ".")} ${old.get(p) ?? "(none)"} → ${now.get(p) ?? "(none)"}`).join(", ")})`
      : `team \`${team.name}\` is added with a quota of ${formatCapacity(requests)} of requests, ${formatCapacity(limits)} of limits and ${pods} pods${team.queue ? `, and a queue of weight ${team.queue.weight}` : ""}`;
    const others = teams.filter((t) => t !== owner).map((t) => `\`${t}\``);
    const pointer = before ? changed[0] : "/quota";
    const source = head.sources.get(team.file);
    findings.push({
      severity: "error", code: OTHER_TEAM_QUOTA,
      message: `${what} in a change that also touches the files of ${others.length === 1 ? "team" : "teams"} ${listed(others)}${ownership.platform ? " and of the platform" : ""}: a quota is a share of the cluster every team uses, so only a change of that team alone, which its owners review, may set it`,
      hint: `Move the change to ${team.file} into a pull request of its own.`,
      file: team.file, path: pointer, ...(source ? locate(source, pointer) : {}),
    });
  }
  return findings;
}
