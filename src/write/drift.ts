/**
 * How the compiler's files on disk differ from a fresh build, as findings:
 * what `check` (CI's drift check) and `pre-commit` report. Out of date (at the
 * first line that differs), missing, no longer generated, and what a build
 * refuses to touch (a stray file, a link), which a build cannot fix, so its
 * advice is to move or delete it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { FileTree } from "../emit/tree.js";
import { diffTree, refusals, type TreeDiff } from "./output-dirs.js";

const REBUILD = "Run `npm run build` and commit the result.";

export interface Drift {
  diff: TreeDiff;
  /** One finding per file that differs; none when the files on disk are the build. */
  diagnostics: Diagnostic[];
  /** The text on disk of each out-of-date file, as it was compared (for a diff). */
  onDisk: ReadonlyMap<string, string>;
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** The first line (1-based) where `a` and `b` differ. */
function firstDifference(a: string, b: string): number {
  const left = a.split("\n");
  const right = b.split("\n");
  let i = 0;
  while (i < left.length && i < right.length && left[i] === right[i]) i++;
  return i + 1;
}

function driftDiagnostics(diff: TreeDiff, onDisk: (file: string) => string, fresh: (file: string) => string): Diagnostic[] {
  return [
    ...diff.changed.map((file): Diagnostic => ({
      severity: "error", code: "output/out-of-date", file, line: firstDifference(onDisk(file), fresh(file)),
      message: `${file} differs from a fresh build (it was edited by hand, or the inputs changed without a build)`,
      hint: `${REBUILD} A change that belongs in this file goes in platform.yaml or teams/: a build overwrites a hand edit. \`npm run check -- --diff\` shows the difference.`,
    })),
    ...diff.added.map((file): Diagnostic => ({
      severity: "error", code: "output/missing", file,
      message: `${file} is missing: a fresh build writes it`,
      hint: REBUILD,
    })),
    ...diff.stale.map((file): Diagnostic => ({
      severity: "error", code: "output/no-longer-generated", file,
      message: `${file} is no longer generated: a fresh build removes it`,
      hint: REBUILD,
    })),
    ...refusals(diff),
  ];
}

/**
 * Compares the files on disk with `tree`, a fresh build. Throws a
 * DiagnosticError when they cannot be compared (diffTree's).
 */
export async function driftOf(root: string, tree: FileTree): Promise<Drift> {
  const diff = await diffTree(root, tree);
  // Read once more after the lock, for the line and the diff: diffTree established that each is a
  // regular file; one removed since then has no first difference to show, which is no error of its own.
  const onDisk = new Map(diff.changed.map((file) => [file, readOrEmpty(path.join(root, file))]));
  return { diff, onDisk, diagnostics: driftDiagnostics(diff, (file) => onDisk.get(file)!, (file) => tree.get(file)!) };
}
