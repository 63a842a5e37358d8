import path from "node:path";
import type { Command } from "commander";
import { checkPolicy, POLICY_RULES } from "../../policy/index.js";
import { FORMATS } from "../../format/index.js";
import { color, countErrors, countWarnings, EXIT, paint, plural, seconds, summary, withCommonOptions, type CommonOptions } from "../output.js";

export async function policy(options: CommonOptions): Promise<number> {
  const start = performance.now();
  const result = await checkPolicy(path.resolve(options.dir));
  const output = FORMATS[options.format](result.diagnostics, color, result.context);
  if (output) process.stdout.write(output + "\n");
  const errors = countErrors(result.diagnostics);
  const counts = `${plural(errors, "error")}, ${plural(countWarnings(result.diagnostics), "warning")}`;
  if (!result.context) {
    summary(paint.red(`✖ the platform does not compile (${counts}); policy not checked.`), options);
    return EXIT.invalid;
  }
  const ran = POLICY_RULES.length;
  summary(`${errors ? paint.red("✖") : paint.green("✔")} ${plural(ran, "policy rule")}: ${counts} in ${seconds(start)}`, options);
  return errors ? EXIT.invalid : EXIT.ok;
}

export const register = (cli: Command): void => {
  withCommonOptions(cli.command("policy").description("check the platform against the policy rules (capacity, Volcano queues, RBAC, versions, naming); exit 1 on errors"))
    .action(async (options) => { process.exitCode = await policy(options); });
};
