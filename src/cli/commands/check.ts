import { DiagnosticError, sortDiagnostics } from "../../diagnostics/diagnostic.js";
import { inert } from "../../format/escape.js";
import { unifiedDiff } from "../../format/unified-diff.js";
import { compile } from "../../pipeline.js";
import { checkWithKustomize } from "../../verify/kustomize.js";
import { driftOf, type Drift } from "../../write/drift.js";
import { OUTPUT_DIRS } from "../../write/output-dirs.js";
import { countErrors, EXIT, plural, report, seconds, summary, withCommonOptions, type CommonOptions, type Io } from "../output.js";

interface CheckOptions extends CommonOptions {
  /** Print a unified diff of each out-of-date file. */
  diff?: boolean;
}

const OWNED_DIRS = OUTPUT_DIRS.map((d) => `${d}/`).join(" and ");

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
  let found: Drift;
  try {
    found = await driftOf(root, tree);
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    // One report: the inputs' warnings and why the files could not be compared.
    report(io, sortDiagnostics([...result.diagnostics, ...error.diagnostics]), options);
    summary(io, io.paint.red(`✖ ${plural(countErrors(error.diagnostics), "error")}; ${OWNED_DIRS} not checked.`), options);
    return EXIT.invalid;
  }
  const { diff, onDisk, diagnostics: drift } = found;
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
