/**
 * The command line as a function: arguments and a context in, an exit code
 * out. Nothing here touches the process (its streams, directory, environment
 * or exit code), so that commands run in process in the tests; ./main.ts is
 * the executable that passes the process's own. Exit codes: 0 clean,
 * 1 invalid input or stale output, 2 usage or internal error.
 */
import { Command, CommanderError } from "commander";
import { inert } from "../format/escape.js";
import { visible } from "../diagnostics/visible.js";
import { COMMANDS } from "./commands/index.js";
import { EXIT, Io, type CliContext } from "./output.js";

export type { CliContext, Output } from "./output.js";

export function program(io: Io): Command {
  const cli = new Command("spark-platform")
    .description("Compile platform.yaml and teams/*.yaml into Kustomize overlays and Argo CD Applications.")
    // Set before the commands are added: each inherits them.
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(cli, io);
  return cli;
}

/** `argv`: the arguments after the program's name, e.g. `["build", "--dir", "."]`. */
export async function run(argv: readonly string[], context: CliContext): Promise<number> {
  const io = new Io(context);
  try {
    await program(io).parseAsync([...argv], { from: "user" });
    return io.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    // A bug's report may quote what a team wrote: each line escaped like any other output.
    const report = String((error as Error).stack ?? error).split("\n").map(visible).join("\n");
    io.err(`${io.paint.red("internal error:")} ${inert(report)}\n`);
    return EXIT.usage;
  }
}
