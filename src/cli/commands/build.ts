import path from "node:path";
import type { Command } from "commander";
import { compile, objectCount } from "../../pipeline.js";
import { diffTree, OUTPUT_DIRS, writeTree } from "../../write/output-dirs.js";
import { countErrors, EXIT, paint, plural, report, seconds, summary, withCommonOptions, type CommonOptions } from "../output.js";

export async function build(options: CommonOptions): Promise<number> {
  const start = performance.now();
  const root = path.resolve(options.dir);
  const result = await compile(root);
  report(result.diagnostics, options);
  if (!result.tree || !result.synthesis || !result.model) {
    summary(paint.red(`✖ ${plural(countErrors(result.diagnostics), "error")}; nothing under ${OUTPUT_DIRS.join("/ or ")}/ was changed.`), options);
    return EXIT.invalid;
  }
  const diff = await diffTree(root, result.tree);
  if (diff.foreign.length) {
    process.stderr.write(`${paint.red("error")}  files in ${OUTPUT_DIRS.join("/ and ")}/ that the compiler did not write:\n${diff.foreign.map((f) => `  ${f}`).join("\n")}\n    ${paint.cyan("fix:")} move them elsewhere or delete them; the compiler owns these directories and never deletes a file silently.\n`);
    summary(paint.red("✖ nothing was changed."), options);
    return EXIT.invalid;
  }
  await writeTree(root, result.tree);
  const written = diff.added.length + diff.changed.length;
  summary(`${paint.green("✔")} ${plural(result.model.teams.length, "team")}, ${plural(objectCount(result.synthesis), "object")}, ${plural(result.tree.size, "file")} (${written} written, ${diff.stale.length} removed) in ${seconds(start)}`, options);
  return EXIT.ok;
}

export const register = (cli: Command): void => {
  withCommonOptions(cli.command("build").description("validate the inputs, then generate and lint generated/ and argocd/"))
    .action(async (options) => { process.exitCode = await build(options); });
};
