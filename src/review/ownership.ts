/**
 * Whose files a change touches. A team owns `teams/<name>.yaml` and what is
 * generated from that file alone (its overlay, its example, its
 * Application…); everything else is the platform's: platform.yaml, the
 * schemas, the code, the scripts and workflows, argocd/ and the generated
 * files that several teams share.
 *
 * A generated file that changed because the compiler's output for it changed
 * counts for nobody: its inputs (or the code) are counted instead, so that
 * onboarding a team, which also adds it to shared lists such as the Spark
 * Operator's job namespaces, is that team's change alone. A generated file
 * that changed while the compiler's output did not (edited by hand, or a
 * stray file in an output folder) counts for the owner of its folder.
 */
import { TEAMS_DIR } from "../load/inputs.js";
import type { PlatformModel } from "../model/platform-model.js";
import type { OutputFile, Synthesis } from "../synth/object.js";

/** A file the change adds, removes or modifies, and whose it is. */
export interface ChangedFile {
  /** Relative to the project root (`../` for the repository's files outside it). */
  path: string;
  /** A team's name, or `platform`. */
  owner: string;
}

export interface Ownership {
  /** Teams whose files change, sorted. */
  teams: string[];
  /** Whether files of the platform change (its inputs, code, CI or shared generated files). */
  platform: boolean;
  /** The files that count: inputs, code, and generated files the compiler's output does not explain. */
  files: ChangedFile[];
  /** Generated files that changed because the compiler's output did: they follow from the files above. */
  generated: number;
}

/** The owner name of everything that is not a team's. */
export const PLATFORM_OWNER = "platform";

/** A team name as validation allows it: anything else under teams/ is not a team's file. */
const TEAM_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const TEAM_FILE = new RegExp(`^${TEAMS_DIR}/([^/]+)\\.yaml$`);

export interface Side {
  model?: PlatformModel;
  synthesis?: Synthesis;
}

/** The team whose file `path` is, if it is one. */
export function teamOfInput(path: string): string | undefined {
  const name = TEAM_FILE.exec(path)?.[1];
  return name && TEAM_NAME.test(name) ? name : undefined;
}

/** The team a generated file belongs to: the one team file it is derived from, if there is exactly one. */
function teamOfOutput(file: OutputFile): string | undefined {
  const teams = [...new Set(file.sources.map(teamOfInput).filter((t) => t !== undefined))];
  return teams.length === 1 ? teams[0] : undefined;
}

/** The input files whose text differs between the two sides (both sides' models remember every input they read). */
export function changedInputs(base: Side, head: Side): string[] {
  const [before, after] = [base.model?.sources, head.model?.sources];
  const files = new Set([...(before?.keys() ?? []), ...(after?.keys() ?? [])]);
  return [...files].filter((f) => before?.get(f)?.text !== after?.get(f)?.text);
}

/**
 * Who owns each changed file. `changed` lists paths relative to the project
 * root (`../` for files of the repository outside it); inputs whose text
 * differs between the two sides are added to it.
 */
export function ownershipOf(base: Side, head: Side, changed: readonly string[]): Ownership {
  const outputs = new Map<string, { before?: OutputFile; after?: OutputFile }>();
  for (const [side, synthesis] of [["before", base.synthesis], ["after", head.synthesis]] as const) {
    for (const file of synthesis?.files ?? []) outputs.set(file.path, { ...outputs.get(file.path), [side]: file });
  }
  // Folders whose generated files all belong to one team (its overlay, its example): a stray file there is that team's.
  const folders = new Map<string, string | null>();
  for (const [path, { before, after }] of outputs) {
    const dir = path.slice(0, path.lastIndexOf("/") + 1);
    const team = teamOfOutput((after ?? before)!) ?? null;
    folders.set(dir, folders.has(dir) && folders.get(dir) !== team ? null : team);
  }
  const ownerByPlace = (path: string): string => {
    for (const [dir, team] of folders) if (team && dir && path.startsWith(dir)) return team;
    return PLATFORM_OWNER;
  };

  const files: ChangedFile[] = [];
  let generated = 0;
  for (const path of [...new Set([...changed, ...changedInputs(base, head)])].sort()) {
    const team = teamOfInput(path);
    if (team) {
      files.push({ path, owner: team });
      continue;
    }
    const output = outputs.get(path);
    if (output && JSON.stringify(output.before) !== JSON.stringify(output.after)) {
      generated++;
      continue;
    }
    const generatedFor = output && teamOfOutput((output.after ?? output.before)!);
    files.push({ path, owner: generatedFor ?? (output ? PLATFORM_OWNER : ownerByPlace(path)) });
  }
  const teams = [...new Set(files.map((f) => f.owner).filter((o) => o !== PLATFORM_OWNER))].sort();
  return { teams, platform: files.some((f) => f.owner === PLATFORM_OWNER), files, generated };
}

/** "teams `alice` and `mallory` and platform files", "team `epsilon`", "platform files" */
export function describeOwners(owners: Pick<Ownership, "teams" | "platform">): string {
  const teams = owners.teams.map((t) => `\`${t}\``);
  const named = teams.length <= 1 ? teams.join("") : `${teams.slice(0, -1).join(", ")} and ${teams[teams.length - 1]}`;
  const parts = [...(teams.length ? [`${teams.length === 1 ? "team" : "teams"} ${named}`] : []), ...(owners.platform ? ["platform files"] : [])];
  return parts.join(" and ") || "no files";
}

/** A path as reports show it: JSON-quoted when it holds anything but the usual characters (a file name is the pull request's to choose). */
export const shownPath = (path: string): string => (/^[\w.@+/-]+$/.test(path) ? path : JSON.stringify(path));
