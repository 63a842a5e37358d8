/**
 * Terminal and CI log output: one line per problem with its position, and
 * the fix beneath; a report's tables first. Every field shows hidden
 * characters as escapes, and no line can pass for a workflow command
 * (./escape.ts), whatever a team wrote.
 */
import pc from "picocolors";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { inert } from "./escape.js";
import { visible } from "../diagnostics/visible.js";
import type { ReportContext } from "./report.js";
import { reportSections } from "./sections.js";
import { textTable } from "./table.js";

export function formatText(diagnostics: Diagnostic[], color = false, context?: ReportContext): string {
  const c = pc.createColors(color);
  const findings = diagnostics
    .map((d) => {
      const where = [d.file === undefined ? undefined : visible(d.file), d.line, d.column].filter((x) => x !== undefined).join(":");
      const severity = d.severity === "error" ? c.red("error") : c.yellow("warning");
      const lines = [`${c.bold(where || "(platform)")}  ${severity}  ${visible(d.message)}  ${c.dim(visible(d.code))}`];
      if (d.hint) lines.push(`    ${c.cyan("fix:")} ${visible(d.hint)}`);
      return lines.join("\n");
    })
    .join("\n");
  if (!context) return inert(findings);
  const sections = reportSections(context).map((s) => `${c.bold(visible(s.title))}\n${s.rows.length ? textTable(s.columns, s.rows) : "  (none)"}`);
  const allowance = context.allowance ? [`${c.bold("Destructive changes allowed for:")} ${visible(context.allowance.teams.join(", "))} (${visible(context.allowance.source)})`] : [];
  const attention = context.attention?.length ? `${c.yellow("⚠")} Not safe to merge before a platform engineer reads it: ${visible(context.attention.join("; "))}.` : "";
  return inert([c.bold(c.underline(visible(context.title))), attention, ...sections, ...allowance, findings].filter(Boolean).join("\n\n"));
}
