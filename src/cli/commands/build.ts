import { DiagnosticError, sortDiagnostics } from "../../diagnostics/diagnostic.js";
import { compile, objectCount } from "../../pipeline.js";
import { POLICY_RULES } from "../../policy/registry.js";
import { runPolicy } from "../../policy/run.js";
import { overwrittenEdits, overwroteEdit } from "../../write/hand-edits.js";
import { OUTPUT_DIRS, writeTree, type TreeDiff } from "../../write/output-dirs.js";
import { countErrors, EXIT, plural, report, seconds, summary, withCommonOptions, type CommonOptions, type Io } from "../output.js";

export async function build(io: Io, options: CommonOptions): Promise<number> {
  const start = performance.now();
  const root = io.root(options.dir);
  const result = await compile(root);
  if (!result.tree || !result.synthesis || !result.model) {
    report(io, result.diagnostics, options);
    summary(io, io.paint.red(`✖ ${plural(countErrors(result.diagnostics), "error")}; nothing under ${OUTPUT_DIRS.join("/ or ")}/ was changed.`), options);
    return EXIT.invalid;
  }
  let diff: TreeDiff;
  try {
    diff = await writeTree(root, result.tree);
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    // One report: the inputs' warnings and why the files could not be written.
    report(io, [...result.diagnostics, ...error.diagnostics], options);
    summary(io, io.paint.red(`✖ ${plural(countErrors(error.diagnostics), "error")}; the build did not complete (see each fix for what was left as it was).`), options);
    return EXIT.invalid;
  }
  // Warnings, so the build still succeeds: the tree is what the inputs say.
  const notes = overwrittenEdits(root, diff.changed, result.tree).map(overwroteEdit);
  report(io, sortDiagnostics([...result.diagnostics, ...notes]), options);
  const written = diff.added.length + diff.changed.length;
  summary(io, `${io.paint.green("✔")} ${plural(result.model.teams.length, "team")}, ${plural(objectCount(result.synthesis), "object")}, ${plural(result.tree.size, "file")} (${written} written, ${diff.stale.length} removed) in ${seconds(start)}`, options);
  // The files are what the inputs say, but CI's policy step would still refuse them (a job that can never be scheduled, …): say so here.
  const refused = runPolicy(result.model, result.synthesis, POLICY_RULES, result.environments).filter((d) => d.severity === "error");
  if (refused.length) {
    const rules = [...new Set(refused.map((d) => d.code))].join(", ");
    summary(io, io.paint.yellow(`⚠ policy would fail: ${plural(refused.length, "error")} (${rules}); \`npm run policy\` shows them with their fixes.`), options);
  }
  return EXIT.ok;
}
