import { introduced } from "../../diagnostics/diagnostic.js";
import { FORMATS } from "../../format/index.js";
import { countChanges } from "../../format/sections.js";
import { GitError, reviewPlatform, type TeamRename } from "../../review/index.js";
import type { ResourceChange } from "../../review/diff.js";
import { countErrors, countWarnings, EXIT, plural, problemsOnly, seconds, summary, withCommonOptions, type CommonOptions, type Io } from "../output.js";

interface ReviewCommandOptions extends CommonOptions {
  base: string;
  allowDestructive?: string[];
  allowedBy?: string;
  allowInvalidBase?: boolean;
}

/**
 * The changed objects in a few words: a renamed team's objects, all removed
 * under the old name and added under the new one, count as its rename.
 */
function describeChanges(changes: readonly ResourceChange[], renames: readonly TeamRename[] = []): string {
  const from = new Set(renames.map((r) => r.from));
  const to = new Set(renames.map((r) => r.to));
  const counts = countChanges(changes.filter((c) => !(c.team !== undefined && ((c.change === "removed" && from.has(c.team)) || (c.change === "added" && to.has(c.team))))));
  const renamed = renames.length ? `${plural(renames.length, "team")} renamed (${renames.map((r) => `${r.from} → ${r.to}`).join(", ")}), ` : "";
  return `${renamed}${counts.added} added, ${counts.removed} removed, ${counts.changed} changed`;
}

export async function review(io: Io, options: ReviewCommandOptions): Promise<number> {
  const start = performance.now();
  let result;
  try {
    result = await reviewPlatform({ root: io.root(options.dir), base: options.base, allowDestructive: options.allowDestructive, allowedBy: options.allowedBy, allowInvalidBase: options.allowInvalidBase, requireKustomize: io.ci });
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    io.err(`${io.paint.red("error")}  ${error.message}\n    ${io.paint.cyan("fix:")} pass --base a branch, tag or commit of this repository (fetch it first in a shallow clone).\n`);
    return EXIT.usage;
  }
  // The verdict and the exit code are about what the change introduces; what the base already had is reported, not held against it.
  const introducedHere = introduced(result.diagnostics);
  // Quiet: the problems the change brings, alone (what decides the exit code).
  const output = problemsOnly(options) ? FORMATS.text(introducedHere, io.color) : FORMATS[options.format](result.diagnostics, io.color, result.context);
  if (output) io.out(output + "\n");
  const errors = countErrors(introducedHere);
  const already = result.diagnostics.length - introducedHere.length;
  // The verdict: never a tick when a person must read the change first.
  const attention = result.context.attention ?? [];
  const mark = errors ? io.paint.red("✖") : attention.length ? io.paint.yellow("⚠") : io.paint.green("✔");
  const read = !errors && attention.length ? `; not safe to merge before a platform engineer reads it: ${attention.join("; ")}` : "";
  summary(io, `${mark} ${options.base} (${result.baseCommit.slice(0, 12)}) → working tree: ${describeChanges(result.changes, result.context.renames)}; ${plural(errors, "error")}, ${plural(countWarnings(introducedHere), "warning")}${already ? ` (and ${already} already on ${options.base})` : ""}${read} in ${seconds(start)}`, options);
  return errors ? EXIT.invalid : EXIT.ok;
}
