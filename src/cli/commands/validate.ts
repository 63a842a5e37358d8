import path from "node:path";
import type { Command } from "commander";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import { compile } from "../../pipeline.js";
import { countErrors, EXIT, paint, plural, report, seconds, summary, withCommonOptions, type CommonOptions } from "../output.js";

export async function validate(options: CommonOptions): Promise<number> {
  const start = performance.now();
  // Synthesis too: a name a team may not take is only known from what it generates.
  const { model, diagnostics } = await compile(path.resolve(options.dir), { lint: false, render: false });
  report(diagnostics, options);
  if (!model || hasErrors(diagnostics)) {
    summary(paint.red(`✖ ${plural(countErrors(diagnostics), "error")}.`), options);
    return EXIT.invalid;
  }
  summary(`${paint.green("✔")} platform.yaml and ${plural(model.teams.length, "team")} valid in ${seconds(start)}`, options);
  return EXIT.ok;
}

export const register = (cli: Command): void => {
  withCommonOptions(cli.command("validate").description("validate platform.yaml and teams/*.yaml only; write nothing"))
    .action(async (options) => { process.exitCode = await validate(options); });
};
