/** Terminal output: one line per problem with its position, and the fix beneath; a report's tables first. */
import pc from "picocolors";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { ReportContext } from "./report.js";
import { reportSections } from "./sections.js";
import { textTable } from "./table.js";

export function formatText(diagnostics: Diagnostic[], color = false, context?: ReportContext): string {
  const c = pc.createColors(color);
  const findings = diagnostics
    .map((d) => {
      const where = [d.file, d.line, d.column].filter((x) => x !== undefined).join(":");
      const severity = d.severity === "error" ? c.red("error") : c.yellow("warning");
      const lines = [`${c.bold(where || "(platform)")}  ${severity}  ${d.message}  ${c.dim(d.code)}`];
      if (d.hint) lines.push(`    ${c.cyan("fix:")} ${d.hint}`);
      return lines.join("\n");
    })
    .join("\n");
  if (!context) return findings;
  const sections = reportSections(context).map((s) => `${c.bold(s.title)}\n${s.rows.length ? textTable(s.columns, s.rows) : "  (none)"}`);
  const allowance = context.allowance ? [`${c.bold("Destructive changes allowed for:")} ${context.allowance.teams.join(", ")} (${context.allowance.source})`] : [];
  const attention = context.attention?.length ? `${c.yellow("⚠")} Not safe to merge before a platform engineer reads it: ${context.attention.join("; ")}.` : "";
  return [c.bold(c.underline(context.title)), attention, ...sections, ...allowance, findings].filter(Boolean).join("\n\n");
}
