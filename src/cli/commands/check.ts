import type { Command } from "commander";
import { DiagnosticError, sortDiagnostics } from "../../diagnostics/diagnostic.js";
import { inert, jsonText } from "../../format/escape.js";
import { visible } from "../../diagnostics/visible.js";
import { compile } from "../../pipeline.js";
import { checkWithKustomize } from "../../verify/kustomize.js";
import { diffTree, OUTPUT_DIRS, type TreeDiff } from "../../write/output-dirs.js";
import { countErrors, EXIT, plural, report, seconds, summary, withCommonOptions, type CommonOptions, type Io } from "../output.js";

export async function check(io: Io, options: CommonOptions): Promise<number> {
  const start = performance.now();
  const root = io.root(options.dir);
  const result = await compile(root);
  if (result.tree && result.synthesis) {
    // What CI relies on: the real Kustomize renders exactly what the compiler meant.
    const rendered = await checkWithKustomize(result.tree, result.synthesis.builds, { required: io.ci });
    result.diagnostics = sortDiagnostics([...result.diagnostics, ...rendered]);
    if (rendered.some((d) => d.severity === "error")) delete result.tree;
  }
  report(io, result.diagnostics, options);
  if (!result.tree || !result.model) {
    summary(io, io.paint.red(`✖ ${plural(countErrors(result.diagnostics), "error")} in the inputs.`), options);
    return EXIT.invalid;
  }
  let diff: TreeDiff;
  try {
    diff = await diffTree(root, result.tree);
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    report(io, error.diagnostics, options);
    summary(io, io.paint.red(`✖ ${plural(countErrors(error.diagnostics), "error")}; ${OUTPUT_DIRS.map((d) => `${d}/`).join(" and ")} not checked.`), options);
    return EXIT.invalid;
  }
  const problems = [
    ...diff.changed.map((f) => `${f}: differs from a fresh build`),
    ...diff.added.map((f) => `${f}: missing (a fresh build writes it)`),
    ...diff.stale.map((f) => `${f}: no longer generated (a fresh build removes it)`),
    ...diff.foreign.map((f) => `${f}: not written by the compiler`),
    ...diff.irregular.map(({ file, kind }) => `${file}: ${kind}, not a regular file (not written by the compiler; delete it)`),
  ];
  if (options.format === "json") io.out(jsonText({ upToDate: problems.length === 0, ...diff, unchanged: undefined }) + "\n");
  if (problems.length) {
    if (options.format === "text") io.err(`${problems.map((p) => `  ${inert(visible(p))}`).join("\n")}\n    ${io.paint.cyan("fix:")} run \`npm run build\` and commit the result.\n`);
    summary(io, io.paint.red(`✖ ${plural(problems.length, "file")} out of date.`), options);
    return EXIT.invalid;
  }
  summary(io, `${io.paint.green("✔")} ${OUTPUT_DIRS.map((d) => `${d}/`).join(" and ")} up to date (${plural(result.tree.size, "file")}, ${plural(result.model.teams.length, "team")}) in ${seconds(start)}`, options);
  return EXIT.ok;
}

export const register = (cli: Command, io: Io): void => {
  withCommonOptions(cli.command("check").description("fail if generated/ or argocd/ differ from a fresh build (for CI)"))
    .action(async (options) => { io.exitCode = await check(io, options); });
};
