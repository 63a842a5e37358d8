#!/usr/bin/env node
/**
 * The command line: a thin layer over the library. Exit codes: 0 clean,
 * 1 invalid input or stale output, 2 usage or internal error.
 */
import { Command, CommanderError, Option } from "commander";
import path from "node:path";
import pc from "picocolors";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { FORMATS, formatNames, type FormatName } from "../format/index.js";
import { compile, objectCount } from "../pipeline.js";
import { validateProject } from "../validate/index.js";
import { diffTree, OUTPUT_DIRS, writeTree } from "../write/output-dirs.js";

export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

interface CommonOptions {
  dir: string;
  format: FormatName;
  quiet?: boolean;
}

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = color ? pc : pc.createColors(false);

function report(diagnostics: Diagnostic[], options: CommonOptions): void {
  if (options.format === "json") {
    process.stdout.write(FORMATS.json(diagnostics) + "\n");
    return;
  }
  if (diagnostics.length) process.stderr.write(FORMATS.text(diagnostics, color) + "\n");
}

function summary(line: string, options: CommonOptions): void {
  if (!options.quiet && options.format === "text") process.stdout.write(line + "\n");
}

const seconds = (start: number) => `${((performance.now() - start) / 1000).toFixed(2)}s`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
const countErrors = (d: Diagnostic[]) => d.filter((x) => x.severity === "error").length;

async function build(options: CommonOptions): Promise<number> {
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

async function check(options: CommonOptions): Promise<number> {
  const start = performance.now();
  const root = path.resolve(options.dir);
  const result = await compile(root);
  report(result.diagnostics, options);
  if (!result.tree || !result.model) {
    summary(paint.red(`✖ ${plural(countErrors(result.diagnostics), "error")} in the inputs.`), options);
    return EXIT.invalid;
  }
  const diff = await diffTree(root, result.tree);
  const problems = [
    ...diff.changed.map((f) => `${f}: differs from a fresh build`),
    ...diff.added.map((f) => `${f}: missing (a fresh build writes it)`),
    ...diff.stale.map((f) => `${f}: no longer generated (a fresh build removes it)`),
    ...diff.foreign.map((f) => `${f}: not written by the compiler`),
  ];
  if (options.format === "json") process.stdout.write(JSON.stringify({ upToDate: problems.length === 0, ...diff, unchanged: undefined }, null, 2) + "\n");
  if (problems.length) {
    if (options.format === "text") process.stderr.write(`${problems.map((p) => `  ${p}`).join("\n")}\n    ${paint.cyan("fix:")} run \`npm run build\` and commit the result.\n`);
    summary(paint.red(`✖ ${plural(problems.length, "file")} out of date.`), options);
    return EXIT.invalid;
  }
  summary(`${paint.green("✔")} ${OUTPUT_DIRS.map((d) => `${d}/`).join(" and ")} up to date (${plural(result.tree.size, "file")}, ${plural(result.model.teams.length, "team")}) in ${seconds(start)}`, options);
  return EXIT.ok;
}

async function validate(options: CommonOptions): Promise<number> {
  const start = performance.now();
  const { model, diagnostics } = await validateProject(path.resolve(options.dir));
  report(diagnostics, options);
  if (!model || hasErrors(diagnostics)) {
    summary(paint.red(`✖ ${plural(countErrors(diagnostics), "error")}.`), options);
    return EXIT.invalid;
  }
  summary(`${paint.green("✔")} platform.yaml and ${plural(model.teams.length, "team")} valid in ${seconds(start)}`, options);
  return EXIT.ok;
}

export function program(): Command {
  const common = (command: Command) =>
    command
      .option("-C, --dir <path>", "project root (where platform.yaml is)", ".")
      .addOption(new Option("--format <format>", "output format for problems").choices(formatNames).default("text"))
      .option("-q, --quiet", "print problems only, no summary");
  const cli = new Command("spark-platform")
    .description("Compile platform.yaml and teams/*.yaml into Kustomize overlays and Argo CD Applications.")
    .showHelpAfterError()
    .exitOverride();
  common(cli.command("build").description("validate the inputs, then generate and lint generated/ and argocd/")).action(async (o) => { process.exitCode = await build(o); });
  common(cli.command("check").description("fail if generated/ or argocd/ differ from a fresh build (for CI)")).action(async (o) => { process.exitCode = await check(o); });
  common(cli.command("validate").description("validate platform.yaml and teams/*.yaml only; write nothing")).action(async (o) => { process.exitCode = await validate(o); });
  return cli;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    process.stderr.write(`${paint.red("internal error:")} ${(error as Error).stack ?? error}\n`);
    return EXIT.usage;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("/cli/main.js")) {
  main(process.argv).then((code) => { process.exitCode = code; });
}
