/**
 * .github/CODEOWNERS, so that GitHub asks the right people to review a pull
 * request (with branch protection's "Require review from Code Owners"): each
 * team's file and the generated files that are only that team's go to the
 * team's `owners`, everything else to the platform's (platform.yaml `owners`).
 *
 * In CODEOWNERS the last matching line wins, so `*` comes first, the teams
 * after it, and the platform's own sources last: no team line can take them.
 * https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners
 *
 * Every pattern and owner written here is a validated name (team names are
 * DNS labels, owners match the code-owner pattern), so no line can be split
 * or commented out by what a team writes.
 */
import { PLATFORM_FILE } from "../../load/inputs.js";
import { isCodeOwner } from "../../model/owners.js";
import type { PlatformModel, TeamModel } from "../../model/platform-model.js";
import type { OutputFile } from "../object.js";
import { PATHS } from "./applications.js";
import { inEnvironment } from "../../model/environment.js";

export const CODEOWNERS_FILE = ".github/CODEOWNERS";

/** The platform's whatever a line above says: its inputs, its code and its CI. */
const PLATFORM_SOURCES = [`/${PLATFORM_FILE}`, "/schemas/", "/src/", "/.github/", "/scripts/"];

/**
 * What a team owns: its file, and what is generated from it alone (those of
 * these that exist). Not its AppProject and Application, nor its Namespace:
 * those are what confine the team (the project's limits, the labels the
 * guardrails trust), so the platform's owners review any change to them.
 */
function teamPaths(team: TeamModel, environments: readonly PlatformModel[], generated: ReadonlySet<string>): string[] {
  const candidates = environments
    .filter((model) => model.teams.some((t) => t.name === team.name))
    .flatMap(({ environment }) => [`${PATHS.overlay(team.name)}/`, `generated/examples/${team.name}/`].map((path) => inEnvironment(environment, path)));
  return [team.file, ...candidates.filter((p) => generated.has(p))];
}

/** `files`: everything else the synthesis writes, whose paths the team lines name; `environments`: local's model first. */
export function codeOwnersFile(environments: readonly PlatformModel[], files: readonly OutputFile[]): OutputFile {
  const [model] = environments;
  // Every team of every environment, each once, by name (a team's file is the same in all).
  const teams = [...new Map(environments.flatMap((e) => e.teams).map((t) => [t.name, t])).values()].sort((a, b) => a.name.localeCompare(b.name));
  const platform = model.platform.owners.join(" ");
  // Every generated file, and every directory holding one (as `dir/`): one lookup per candidate, not a scan.
  const generated = new Set<string>();
  for (const { path } of files) {
    generated.add(path);
    for (let i = path.indexOf("/"); i !== -1; i = path.indexOf("/", i + 1)) generated.add(path.slice(0, i + 1));
  }
  const lines = ["# Everything is the platform's, unless a line below gives it to a team.", `* ${platform}`];
  for (const team of teams) {
    // A team without a valid owner has no line: the platform's owners review its files.
    const owners = team.spec.owners.filter(isCodeOwner);
    if (owners.length === 0) continue;
    lines.push("", `# ${team.name}`, ...teamPaths(team, environments, generated).map((p) => `/${p} ${owners.join(" ")}`));
  }
  lines.push("", "# The platform's own sources, whatever a line above says.", ...PLATFORM_SOURCES.map((p) => `${p} ${platform}`));
  return {
    path: CODEOWNERS_FILE,
    sources: [PLATFORM_FILE, ...teams.map((t) => t.file)],
    documents: [],
    text: lines.join("\n") + "\n",
    usage: ["GitHub asks these owners to review; make it a requirement with branch protection's \"Require review from Code Owners\"."],
  };
}
