/**
 * GitHub Actions workflow commands: one annotation per finding, shown on the
 * file and line in the pull request (`::error file=…,line=…,col=…,title=…::…`).
 * Each is one line whatever a team wrote: every field has its hidden
 * characters shown as escapes (./escape.ts), then GitHub's own escaping.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { visible } from "../diagnostics/visible.js";

/** https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts */
const escapeData = (s: string): string => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

export function formatGithub(diagnostics: Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const properties = [
        ...(d.file ? [`file=${escapeProperty(visible(d.file))}`] : []),
        ...(d.file && d.line !== undefined ? [`line=${d.line}`] : []),
        ...(d.file && d.column !== undefined ? [`col=${d.column}`] : []),
        `title=${escapeProperty(visible(d.code))}`,
      ];
      // The line break before the fix is ours: GitHub shows %0A as one.
      const message = d.hint ? `${visible(d.message)}\nfix: ${visible(d.hint)}` : visible(d.message);
      return `::${d.severity === "error" ? "error" : "warning"} ${properties.join(",")}::${escapeData(message)}`;
    })
    .join("\n");
}
