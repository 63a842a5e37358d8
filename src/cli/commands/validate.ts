import path from "node:path";
import type { Command } from "commander";
import { hasErrors } from "../../diagnostics/diagnostic.js";
import { validateProject } from "../../validate/index.js";
import { countErrors, EXIT, paint, plural, report, seconds, summary, withCommonOptions, type CommonOptions } from "../output.js";

export async function validate(options: CommonOptions): Promise<number> {
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

export const register = (cli: Command): void => {
  withCommonOptions(cli.command("validate").description("validate platform.yaml and teams/*.yaml only; write nothing"))
    .action(async (options) => { process.exitCode = await validate(options); });
};
