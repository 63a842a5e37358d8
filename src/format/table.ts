/** Tables of text: aligned columns for a terminal, pipes for Markdown. */
import { type Markdown } from "./escape.js";
import { visible } from "../diagnostics/visible.js";

/**
 * Columns padded to their widest cell; a cell of several lines continues on
 * the next lines. A cell's line breaks are the caller's; anything hidden
 * within a line shows as an escape.
 */
export function textTable(columns: string[], rows: string[][], indent = "  "): string {
  const split = rows.map((row) => row.map((cell) => cell.split("\n").map(visible)));
  const widths = columns.map((c, i) => Math.max(c.length, ...split.map((row) => Math.max(...row[i].map((l) => l.length)))));
  const line = (cells: string[]) => indent + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  const out = [line(columns.map(visible))];
  for (const row of split) {
    const height = Math.max(...row.map((c) => c.length));
    for (let i = 0; i < height; i++) out.push(line(row.map((c) => c[i] ?? "")));
  }
  return out.join("\n");
}

/**
 * A GitHub table of rendered cells (./escape.ts; `<br>` between lines). Every
 * `|` is escaped here, inside code spans too: GitHub splits a row at any
 * unescaped one, and takes `\|` as `|` in every cell.
 */
export function markdownTable(columns: Markdown[], rows: Markdown[][]): string {
  const cell = (c: Markdown) => c.replace(/\|/g, "\\|");
  return [
    `| ${columns.map(cell).join(" | ")} |`,
    `| ${columns.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ].join("\n");
}
