/**
 * Terminal and CI log output: one line per problem with its position, and
 * the fix beneath; a report's tables first. A review's findings come in two
 * groups, as in the Markdown comment: what the change introduces or alters
 * first, then, under "Already on <base>", what the base had as it is. Every
 * field shows hidden characters as escapes, and no line can pass for a
 * workflow command (./escape.ts), whatever a team wrote.
 */
import pc from "picocolors";
import { countProblems, introduced, type Diagnostic } from "../diagnostics/diagnostic.js";
import { inert } from "./escape.js";
import { visible } from "../diagnostics/visible.js";
import type { ReportContext } from "./report.js";
import { renameNote } from "../review/renames.js";
import { reportSections } from "./sections.js";
import { textTable } from "./table.js";

type Colors = ReturnType<typeof pc.createColors>;

function findingLines(diagnostics: Diagnostic[], c: Colors): string {
  return diagnostics
    .map((d) => {
      const where = [d.file === undefined ? undefined : visible(d.file), d.line, d.column].filter((x) => x !== undefined).join(":");
      const severity = d.severity === "error" ? c.red("error") : c.yellow("warning");
      const lines = [`${c.bold(where || "(platform)")}  ${severity}  ${visible(d.message)}  ${c.dim(visible(d.code))}`];
      if (d.hint) lines.push(`    ${c.cyan("fix:")} ${visible(d.hint)}`);
      return lines.join("\n");
    })
    .join("\n");
}

/**
 * Findings compared with a base (each carries `baseline`), when the base
 * had some of them: the new and updated ones under "Findings (N)", which the
 * verdict and the exit code count, then the unchanged ones set apart under
 * "Already on <base> (N)". Otherwise (nothing compared, or nothing the base
 * had, as in `review --quiet`) one list, as the problems alone.
 */
function findingGroups(diagnostics: Diagnostic[], c: Colors, base = "the base"): string {
  const already = diagnostics.filter((d) => d.baseline === "unchanged");
  if (already.length === 0) return findingLines(diagnostics, c);
  const fresh = introduced(diagnostics);
  const count = countProblems(fresh, "error") + countProblems(fresh, "warning");
  return [
    fresh.length ? `${c.bold(`Findings (${count})`)}\n${findingLines(fresh, c)}` : "No new findings.",
    `${c.bold(`Already on ${visible(base)} (${already.length})`)}\n${findingLines(already, c)}`,
  ].join("\n\n");
}

export function formatText(diagnostics: Diagnostic[], color = false, context?: ReportContext): string {
  const c = pc.createColors(color);
  const findings = findingGroups(diagnostics, c, context?.base);
  if (!context) return inert(findings);
  const sections = reportSections(context).map((s) => `${c.bold(visible(s.title))}\n${s.note ? `  ${visible(s.note)}\n` : ""}${s.rows.length ? textTable(s.columns, s.rows) : "  (none)"}`);
  const allowance = context.allowance ? [`${c.bold("Destructive changes allowed for:")} ${visible(context.allowance.teams.join(", "))} (${visible(context.allowance.source)})`] : [];
  const attention = context.attention?.length ? `${c.yellow("⚠")} Not safe to merge before a platform engineer reads it: ${visible(context.attention.join("; "))}.` : "";
  const renamed = (context.renames ?? []).map((r) => `${c.bold("Renamed:")} ${visible(renameNote(r))}`);
  return inert([c.bold(c.underline(visible(context.title))), attention, ...renamed, ...sections, ...allowance, findings].filter(Boolean).join("\n\n"));
}
