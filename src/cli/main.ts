#!/usr/bin/env node
/**
 * The command line: a thin layer over the library. Exit codes: 0 clean,
 * 1 invalid input or stale output, 2 usage or internal error.
 * Adding a command: one module in commands/, one line in COMMANDS.
 */
import { Command, CommanderError } from "commander";
import * as build from "./commands/build.js";
import * as check from "./commands/check.js";
import * as config from "./commands/config.js";
import * as newTeam from "./commands/new-team.js";
import * as policy from "./commands/policy.js";
import * as review from "./commands/review.js";
import * as validate from "./commands/validate.js";
import { inert, visible } from "../format/escape.js";
import { endQuietlyWhenTheReaderGoes, EXIT, paint } from "./output.js";

const COMMANDS: Array<{ register(cli: Command): void }> = [build, check, validate, policy, review, newTeam, config];

export function program(): Command {
  const cli = new Command("spark-platform")
    .description("Compile platform.yaml and teams/*.yaml into Kustomize overlays and Argo CD Applications.")
    .showHelpAfterError()
    .exitOverride();
  for (const command of COMMANDS) command.register(cli);
  return cli;
}

export async function main(argv: string[]): Promise<number> {
  endQuietlyWhenTheReaderGoes();
  try {
    await program().parseAsync(argv);
    return Number(process.exitCode ?? EXIT.ok);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    // A bug's report may quote what a team wrote: each line escaped like any other output.
    const report = String((error as Error).stack ?? error).split("\n").map(visible).join("\n");
    process.stderr.write(`${paint.red("internal error:")} ${inert(report)}\n`);
    return EXIT.usage;
  }
}

main(process.argv).then((code) => { process.exitCode = code; });
