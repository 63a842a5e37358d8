/**
 * Markdown for a pull request comment: the verdict on the first line, a
 * summary table, then every detail collapsed.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { ReportContext } from "./report.js";
import { describeOwners } from "../review/ownership.js";
import { reportSections } from "./sections.js";
import { markdownCell, markdownTable } from "./table.js";

const SEVERITY = { error: "❌ error", warning: "⚠️ warning" } as const;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `attention`: why a person must read the change even without errors (ReportContext.attention); never "safe" then. */
export function verdict(diagnostics: Diagnostic[], title: string, attention: readonly string[] = []): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const why = attention.join("; ");
  if (errors) return `### ❌ ${title}: ${plural(errors, "error")}, ${plural(warnings, "warning")}. Not safe to merge as it is${why ? `; ${why}` : ""}.`;
  if (why) return `### ⚠️ ${title}: no errors, ${plural(warnings, "warning")}. Not safe to merge before a platform engineer reads it: ${why}.`;
  return `### ✅ ${title}: no errors, ${plural(warnings, "warning")}. Safe to merge${warnings ? " once the warnings are read" : ""}.`;
}

const where = (d: Diagnostic) => [d.file, d.line, d.column].filter((x) => x !== undefined).join(":") || "(platform)";

function ruleLink(code: string, context?: ReportContext): string {
  const docs = context?.rules?.find((r) => r.id === code)?.docs;
  return docs ? `[\`${code}\`](${docs})` : `\`${code}\``;
}

function summaryTable(diagnostics: Diagnostic[], context?: ReportContext): string {
  if (diagnostics.length === 0) return "No findings.";
  const counts = new Map<string, { severity: Diagnostic["severity"]; count: number }>();
  for (const d of diagnostics) {
    const key = `${d.severity === "error" ? 0 : 1} ${d.code}`;
    counts.set(key, { severity: d.severity, count: (counts.get(key)?.count ?? 0) + 1 });
  }
  const rows = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, { severity, count }]) => [ruleLink(key.slice(2), context), SEVERITY[severity], String(count)]);
  return markdownTable(["rule", "severity", "findings"], rows);
}

const details = (summary: string, body: string) => `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;

function findingsTable(diagnostics: Diagnostic[], context?: ReportContext): string {
  return markdownTable(
    ["", "where", "finding", "rule"],
    diagnostics.map((d) => [SEVERITY[d.severity], `\`${where(d)}\``, d.hint ? `${d.message}\nfix: ${d.hint}` : d.message, ruleLink(d.code, context)]),
  );
}

export function formatMarkdown(diagnostics: Diagnostic[], _color = false, context?: ReportContext): string {
  const title = context?.title ?? "spark-platform";
  const sections = context ? reportSections(context) : [];
  const changes = sections.find((s) => s.id === "changes");
  const parts = [
    verdict(diagnostics, title, context?.attention),
    ...(changes ? [changes.title.replace(/^Changes by resource: /, "**Changes:** ")] : []),
    ...(context?.owners ? [`**Whose files:** ${describeOwners(context.owners)}`] : []),
    ...(context?.allowance ? [`**Destructive changes allowed for:** ${context.allowance.teams.map((t) => `\`${t}\``).join(", ")} (${markdownCell(context.allowance.source)})`] : []),
    summaryTable(diagnostics, context),
    ...(diagnostics.length ? [details(`Findings (${diagnostics.length})`, findingsTable(diagnostics, context))] : []),
    ...sections.map((s) => details(s.id === "changes" ? `Changes by resource (${s.rows.length})` : s.id === "owners" ? `Files by owner (${s.rows.length})` : s.title, s.rows.length ? markdownTable(s.columns, s.rows) : "(none)")),
  ];
  return parts.join("\n\n");
}
