import { checkPolicy, POLICY_RULES } from "../../policy/index.js";
import { FORMATS } from "../../format/index.js";
import { countErrors, countWarnings, EXIT, plural, problemsOnly, seconds, summary, withCommonOptions, type CommonOptions, type Io } from "../output.js";

export async function policy(io: Io, options: CommonOptions): Promise<number> {
  const start = performance.now();
  const result = await checkPolicy(io.root(options.dir));
  const output = FORMATS[options.format](result.diagnostics, io.color, problemsOnly(options) ? undefined : result.context);
  if (output) io.out(output + "\n");
  const errors = countErrors(result.diagnostics);
  const counts = `${plural(errors, "error")}, ${plural(countWarnings(result.diagnostics), "warning")}`;
  if (!result.context) {
    summary(io, io.paint.red(`✖ the platform does not compile (${counts}); policy not checked.`), options);
    return EXIT.invalid;
  }
  const ran = POLICY_RULES.length;
  summary(io, `${errors ? io.paint.red("✖") : io.paint.green("✔")} ${plural(ran, "policy rule")}: ${counts} in ${seconds(start)}`, options);
  return errors ? EXIT.invalid : EXIT.ok;
}
