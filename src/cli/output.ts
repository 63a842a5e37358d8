/** What every command prints: problems in the chosen format, then one summary line. */
import pc from "picocolors";
import { countProblems, type Diagnostic } from "../diagnostics/diagnostic.js";
import { FORMATS, formatNames, type FormatName } from "../format/index.js";
import { Command, Option } from "commander";

export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

export interface CommonOptions {
  dir: string;
  format: FormatName;
  quiet?: boolean;
}

export const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
export const paint = color ? pc : pc.createColors(false);

/** The options every command takes. */
export function withCommonOptions(command: Command): Command {
  return command
    .option("-C, --dir <path>", "project root (where platform.yaml is)", ".")
    .addOption(new Option("--format <format>", "output format for problems").choices(formatNames).default("text"))
    .option("-q, --quiet", "print problems only, no summary");
}

/**
 * `spark-platform policy | head -1`: once the reader of stdout (or stderr)
 * has gone, the rest of the output has nowhere to go. Writes stop quietly and
 * the command ends with its own exit code, as well-behaved command-line tools
 * do, instead of dying of the unhandled EPIPE with a stack trace.
 */
export function endQuietlyWhenTheReaderGoes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      // After EPIPE the stream is destroyed, and every later write fails with ERR_STREAM_DESTROYED.
      if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
      throw error;
    });
  }
}

export function report(diagnostics: Diagnostic[], options: CommonOptions): void {
  if (options.format === "text") {
    if (diagnostics.length) process.stderr.write(FORMATS.text(diagnostics, color) + "\n");
  } else {
    process.stdout.write(FORMATS[options.format](diagnostics, color) + "\n");
  }
}

export function summary(line: string, options: CommonOptions): void {
  if (!options.quiet && options.format === "text") process.stdout.write(line + "\n");
}

export const seconds = (start: number): string => `${((performance.now() - start) / 1000).toFixed(2)}s`;
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
export const countErrors = (d: Diagnostic[]): number => countProblems(d, "error");
export const countWarnings = (d: Diagnostic[]): number => countProblems(d, "warning");
