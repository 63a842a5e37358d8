/**
 * Markdown for a pull request comment: the verdict on the first line, a
 * summary table, then every detail collapsed. Nothing a team wrote is placed
 * without the escaping of ./escape.ts for where it lands.
 */
import { countProblems, introduced, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { ReportContext } from "./report.js";
import { describeOwners } from "../review/ownership.js";
import { renameNote } from "../review/renames.js";
import { htmlProse, markdown, markdownCode, markdownLink, markdownProse, markdownText, type Markdown } from "./escape.js";
import { withinBudget } from "./budget.js";
import { environmentChangeText, reportSections, type Section } from "./sections.js";
import { markdownTable } from "./table.js";

const SEVERITY = { error: markdown("❌ error"), warning: markdown("⚠️ warning") } as const;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `attention`: why a person must read the change even without errors (ReportContext.attention); never "safe" then. */
export function verdict(diagnostics: Diagnostic[], title: string, attention: readonly string[] = []): string {
  const errors = countProblems(diagnostics, "error");
  const warnings = countProblems(diagnostics, "warning");
  const why = markdownProse(attention.join("; "));
  const heading = markdownText(title);
  if (errors) return `### ❌ ${heading}: ${plural(errors, "error")}, ${plural(warnings, "warning")}. Not safe to merge as it is${why ? `; ${why}` : ""}.`;
  if (why) return `### ⚠️ ${heading}: no errors, ${plural(warnings, "warning")}. Not safe to merge before a platform engineer reads it: ${why}.`;
  return `### ✅ ${heading}: no errors, ${plural(warnings, "warning")}. Safe to merge${warnings ? " once the warnings are read" : ""}.`;
}

const where = (d: Diagnostic) => [d.file, d.line, d.column].filter((x) => x !== undefined).join(":") || "(platform)";

function ruleLink(code: string, context?: ReportContext): Markdown {
  const docs = context?.rules?.find((r) => r.id === code)?.docs;
  return docs ? markdownLink(markdownCode(code), docs) : markdownCode(code);
}

function summaryTable(diagnostics: Diagnostic[], context?: ReportContext): string {
  if (diagnostics.length === 0) return "No findings.";
  const counts = new Map<string, { severity: Diagnostic["severity"]; count: number }>();
  for (const d of diagnostics) {
    const key = `${d.severity === "error" ? 0 : 1} ${d.code}`;
    counts.set(key, { severity: d.severity, count: (counts.get(key)?.count ?? 0) + (d.omitted ?? 1) });
  }
  const rows = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, { severity, count }]) => [ruleLink(key.slice(2), context), SEVERITY[severity], markdownText(String(count))]);
  return markdownTable(["rule", "severity", "findings"].map(markdownText), rows);
}

/** A collapsed block; its summary is inside HTML, where Markdown is not read. */
const details = (summary: string, body: string) => `<details><summary>${htmlProse(summary)}</summary>\n\n${body}\n\n</details>`;

function findingsTable(diagnostics: Diagnostic[], context?: ReportContext): string {
  const finding = (d: Diagnostic) => markdown(d.hint ? `${markdownProse(d.message)}<br>fix: ${markdownProse(d.hint)}` : markdownProse(d.message));
  return markdownTable(
    ["", "where", "finding", "rule"].map(markdownText),
    diagnostics.map((d) => [SEVERITY[d.severity], markdownCode(where(d)), finding(d), ruleLink(d.code, context)]),
  );
}

/** A report section: names, paths and values as code, the rest as text; a cell's lines joined by `<br>`. */
function sectionTable(section: Section): string {
  const code = new Set(section.code);
  const cell = (text: string, column: number) => markdown(text.split("\n").map((line) => (code.has(column) ? markdownCode(line) : markdownText(line))).join("<br>"));
  return markdownTable(section.columns.map(markdownText), section.rows.map((row) => row.map(cell)));
}

/** The diagram (src/picture/mermaid.ts) holds only names it escaped itself, never a fence. */
const pictureSummary = (capacity: ReportContext["capacity"], of = "the platform"): string =>
  capacity?.some((line) => line.before && line.before.amount !== line.after.amount)
    ? `Picture of ${of}: capacity changes (before → after)`
    : `Picture of ${of}`;
const mermaidBlock = (picture: string) => `\`\`\`mermaid\n${picture}\n\`\`\``;

export function formatMarkdown(diagnostics: Diagnostic[], _color = false, context?: ReportContext): string {
  const title = context?.title ?? "spark-platform";
  const sections = context ? reportSections(context) : [];
  const changes = sections.find((s) => s.id === "changes");
  // A review leads with what the change introduces; what its base already had is collapsed below.
  const already = diagnostics.filter((d) => d.baseline === "unchanged");
  diagnostics = introduced(diagnostics);
  const parts = [
    verdict(diagnostics, title, context?.attention),
    ...(changes ? [`**Changes:** ${markdownText(changes.title.replace(/^Changes by resource: /, ""))}`] : []),
    // Which clusters get the change, in one line: staging gets it, production not yet.
    ...(changes && context?.environments ? [`**Environments:** ${context.environments.map((e) => `${markdownCode(e.name)}: ${markdownText(environmentChangeText(e))}`).join(" · ")}`] : []),
    ...(context?.renames ?? []).map((r) => `**Renamed:** ${markdownProse(renameNote(r))}`),
    ...(context?.owners ? [`**Whose files:** ${markdownProse(describeOwners(context.owners))}`] : []),
    ...(context?.allowance ? [`**Destructive changes allowed for:** ${context.allowance.teams.map(markdownCode).join(", ")} (${markdownText(context.allowance.source)})`] : []),
    diagnostics.length === 0 && already.length ? "No new findings." : summaryTable(diagnostics, context),
    ...(diagnostics.length ? [details(`Findings (${countProblems(diagnostics, "error") + countProblems(diagnostics, "warning")})`, findingsTable(diagnostics, context))] : []),
    ...(already.length ? [details(`Already on ${context?.base ?? "the base"} (${already.length})`, findingsTable(already, context))] : []),
    ...(context?.picture ? [details(pictureSummary(context.capacity), mermaidBlock(context.picture))] : []),
    ...(context?.environments ?? []).flatMap((e) => (e.picture ? [details(pictureSummary(e.capacity, e.name), mermaidBlock(e.picture))] : [])),
    ...sections.map((s) =>
      details(s.id === "changes" ? `Changes by resource (${s.rows.length})` : s.id === "owners" ? `Files by owner (${s.rows.length})` : s.title, `${s.note ? `${markdownProse(s.note)}\n\n` : ""}${s.rows.length ? sectionTable(s) : "(none)"}`),
    ),
  ];
  // Past GitHub's limit for a comment: the verdict and what precedes the first collapsed block stay whole (./budget.ts).
  const firstBlock = parts.findIndex((p) => p.startsWith("<details>"));
  return withinBudget(parts, firstBlock < 0 ? parts.length : firstBlock);
}
