import { readFileSync } from "node:fs";
import path from "node:path";
import { DiagnosticError, sortDiagnostics, type Diagnostic } from "../../diagnostics/diagnostic.js";
import { inert } from "../../format/escape.js";
import { unifiedDiff } from "../../format/unified-diff.js";
import { compile } from "../../pipeline.js";
import { checkWithKustomize } from "../../verify/kustomize.js";
import { diffTree, OUTPUT_DIRS, refusals, type TreeDiff } from "../../write/output-dirs.js";
import { countErrors, EXIT, plural, report, seconds, summary, withCommonOptions, type CommonOptions, type Io } from "../output.js";

interface CheckOptions extends CommonOptions {
  /** Print a unified diff of each out-of-date file. */
  diff?: boolean;
}

const OWNED_DIRS = OUTPUT_DIRS.map((d) => `${d}/`).join(" and ");
const REBUILD = "Run `npm run build` and commit the result.";

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

/**
 * Every way the files on disk differ from a fresh build, as findings: out of
 * date (at the first line that differs), missing, no longer generated, and
 * what a build refuses to touch (a stray file, a link), which a build cannot
 * fix, so its advice is to move or delete it.
 */
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

export async function check(io: Io, options: CheckOptions): Promise<number> {
  const start = performance.now();
  const root = io.root(options.dir);
  const result = await compile(root);
  if (result.tree && result.synthesis) {
    // What CI relies on: the real Kustomize renders exactly what the compiler meant.
    const rendered = await checkWithKustomize(result.tree, result.synthesis.builds, { required: io.ci });
    result.diagnostics = sortDiagnostics([...result.diagnostics, ...rendered]);
    if (rendered.some((d) => d.severity === "error")) delete result.tree;
  }
  if (!result.tree || !result.model) {
    report(io, result.diagnostics, options);
    summary(io, io.paint.red(`✖ ${plural(countErrors(result.diagnostics), "error")} in the inputs.`), options);
    return EXIT.invalid;
  }
  const tree = result.tree;
  let diff: TreeDiff;
  try {
    diff = await diffTree(root, tree);
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    // One report: the inputs' warnings and why the files could not be compared.
    report(io, sortDiagnostics([...result.diagnostics, ...error.diagnostics]), options);
    summary(io, io.paint.red(`✖ ${plural(countErrors(error.diagnostics), "error")}; ${OWNED_DIRS} not checked.`), options);
    return EXIT.invalid;
  }
  // Read once more after the lock, for the line and the diff: diffTree established that each is a
  // regular file; one removed since then has no first difference to show, which is no error of its own.
  const onDisk = new Map(diff.changed.map((file) => [file, readOrEmpty(path.join(root, file))]));
  const drift = driftDiagnostics(diff, (file) => onDisk.get(file)!, (file) => tree.get(file)!);
  report(io, sortDiagnostics([...result.diagnostics, ...drift]), options);
  if (options.diff) {
    const diffs = diff.changed.map((file) => unifiedDiff(file, onDisk.get(file)!, tree.get(file)!, { before: "a", after: "b" })).join("");
    // stdout stays one document in the other formats: the diff goes to stderr then.
    if (diffs) (options.format === "text" ? io.out.bind(io) : io.err.bind(io))(inert(diffs));
  }
  if (drift.length) {
    summary(io, io.paint.red(`✖ ${plural(drift.length, "file")} out of date.`), options);
    return EXIT.invalid;
  }
  summary(io, `${io.paint.green("✔")} ${OWNED_DIRS} up to date (${plural(tree.size, "file")}, ${plural(result.model.teams.length, "team")}) in ${seconds(start)}`, options);
  return EXIT.ok;
}
