#!/usr/bin/env node
/**
 * What `npm run <command>` runs, in one process: refuses options that npm took
 * for itself (./npm-guard.mjs), compiles only when the sources changed since
 * the last compile (./compile.mjs), then runs the compiled CLI.
 *
 *   node scripts/cli.mjs <command> [args…]    a command of the CLI, as dist/src/cli/main.js runs it
 *   node scripts/cli.mjs --guard [--compiled]  the checks alone (and the compile), before
 *                                             another script: `… && bash scripts/bootstrap.sh`
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CompileError, ensureCompiled } from "./compile.mjs";
import { refusal, strayFormat, swallowedFlags } from "./npm-guard.mjs";

const CLI = path.resolve(import.meta.dirname, "../dist/src/cli");
const EXIT_USAGE = 2;

const args = process.argv.slice(2);
const guardOnly = args[0] === "--guard";

// Only when npm runs this file as the script itself: a command started inside
// another script (a test under `npm test`) sees that script's npm variables.
const { npm_lifecycle_event: script, npm_lifecycle_script: line } = process.env;
if (script && line?.includes("scripts/cli.mjs")) {
  let flags = swallowedFlags(process.env);
  let passed = guardOnly ? [] : args.slice(1);
  const format = guardOnly ? undefined : strayFormat(args[0], passed);
  if (format) [flags, passed] = [[...flags, format.flag], format.args];
  if (flags.length) {
    process.stderr.write(refusal(script, passed, flags));
    process.exit(EXIT_USAGE);
  }
}

if (!guardOnly || args.includes("--compiled")) {
  try {
    // A dist/ whose CLI is gone (deleted by hand) is compiled again, stamp or not.
    await ensureCompiled({ force: !existsSync(path.join(CLI, "run.js")), say: (message) => process.stderr.write(`${message}\n`) });
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(EXIT_USAGE);
  }
}

if (!guardOnly) {
  // What dist/src/cli/main.js does with this process, the arguments passed to run() rather than put in process.argv.
  const { run } = await import(pathToFileURL(path.join(CLI, "run.js")).href);
  const { endQuietlyWhenTheReaderGoes } = await import(pathToFileURL(path.join(CLI, "output.js")).href);
  endQuietlyWhenTheReaderGoes([process.stdout, process.stderr]);
  process.exitCode = await run(args, { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
}
