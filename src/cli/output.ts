/**
 * Where a command writes: the streams, working directory and environment its
 * caller passes in (./run.ts), never the process's own, so that every command
 * runs in process in the tests. What every command prints: problems in the
 * chosen format, then one summary line.
 */
import path from "node:path";
import pc from "picocolors";
import { Command, Option } from "commander";
import { countProblems, type Diagnostic } from "../diagnostics/diagnostic.js";
import { FORMATS, formatNames, type FormatName } from "../format/index.js";

export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** A stream to write text to: process.stdout, or a test's buffer. */
export interface Output {
  write(text: string): unknown;
  /** Colours only on a terminal. */
  isTTY?: boolean;
}

/** What the CLI is given by its caller. */
export interface CliContext {
  stdout: Output;
  stderr: Output;
  /** What a relative `--dir` is relative to. */
  cwd: string;
  /** `NO_COLOR` turns colours off; `CI` makes the real Kustomize required. Default: none set. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The context, with what commands derive from it. */
export class Io {
  readonly color: boolean;
  readonly paint: ReturnType<typeof pc.createColors>;
  /** What the command that ran returned. */
  exitCode: number = EXIT.ok;

  constructor(readonly context: CliContext) {
    this.color = Boolean(context.stdout.isTTY) && !context.env?.NO_COLOR;
    this.paint = pc.createColors(this.color);
  }

  out(text: string): void {
    this.context.stdout.write(text);
  }

  err(text: string): void {
    this.context.stderr.write(text);
  }

  /** The project root a `--dir` names. */
  root(dir: string): string {
    return path.resolve(this.context.cwd, dir);
  }

  get ci(): boolean {
    return Boolean(this.context.env?.CI);
  }
}

export interface CommonOptions {
  dir: string;
  format: FormatName;
  quiet?: boolean;
}

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
export function endQuietlyWhenTheReaderGoes(streams: NodeJS.WritableStream[]): void {
  for (const stream of streams) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      // After EPIPE the stream is destroyed, and every later write fails with ERR_STREAM_DESTROYED.
      if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
      throw error;
    });
  }
}

export function report(io: Io, diagnostics: Diagnostic[], options: CommonOptions): void {
  if (options.format === "text") {
    if (diagnostics.length) io.err(FORMATS.text(diagnostics, io.color) + "\n");
  } else {
    io.out(FORMATS[options.format](diagnostics, io.color) + "\n");
  }
}

/** `--quiet` in text: the problems alone, without the report's tables or the summary line. */
export const problemsOnly = (options: CommonOptions): boolean => Boolean(options.quiet) && options.format === "text";

export function summary(io: Io, line: string, options: CommonOptions): void {
  if (!options.quiet && options.format === "text") io.out(line + "\n");
}

export const seconds = (start: number): string => `${((performance.now() - start) / 1000).toFixed(2)}s`;
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
export const countErrors = (d: Diagnostic[]): number => countProblems(d, "error");
export const countWarnings = (d: Diagnostic[]): number => countProblems(d, "warning");
