/** Terminal output: one line per problem with its position, and the fix beneath. */
import pc from "picocolors";
import type { Diagnostic } from "../diagnostics/diagnostic.js";

export function formatText(diagnostics: Diagnostic[], color = false): string {
  const c = color ? pc : pc.createColors(false);
  return diagnostics
    .map((d) => {
      const where = [d.file, d.line, d.column].filter((x) => x !== undefined).join(":");
      const severity = d.severity === "error" ? c.red("error") : c.yellow("warning");
      const lines = [`${c.bold(where || "(platform)")}  ${severity}  ${d.message}  ${c.dim(d.code)}`];
      if (d.hint) lines.push(`    ${c.cyan("fix:")} ${d.hint}`);
      return lines.join("\n");
    })
    .join("\n");
}
