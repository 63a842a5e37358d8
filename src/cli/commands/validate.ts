import { hasErrors } from "../../diagnostics/diagnostic.js";
import { compile } from "../../pipeline.js";
import { countErrors, EXIT, plural, report, seconds, summary, withCommonOptions, type CommonOptions, type Io } from "../output.js";

export async function validate(io: Io, options: CommonOptions): Promise<number> {
  const start = performance.now();
  // Synthesis too: a name a team may not take is only known from what it generates.
  const { model, diagnostics } = await compile(io.root(options.dir), { lint: false, render: false });
  report(io, diagnostics, options);
  if (!model || hasErrors(diagnostics)) {
    summary(io, io.paint.red(`✖ ${plural(countErrors(diagnostics), "error")}.`), options);
    return EXIT.invalid;
  }
  summary(io, `${io.paint.green("✔")} platform.yaml and ${plural(model.teams.length, "team")} valid in ${seconds(start)}`, options);
  return EXIT.ok;
}
