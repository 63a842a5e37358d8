/** Tables of text: aligned columns for a terminal, pipes for Markdown. */

/** Columns padded to their widest cell; a cell of several lines continues on the next lines. */
export function textTable(columns: string[], rows: string[][], indent = "  "): string {
  const split = rows.map((row) => row.map((cell) => cell.split("\n")));
  const widths = columns.map((c, i) => Math.max(c.length, ...split.map((row) => Math.max(...row[i].map((l) => l.length)))));
  const line = (cells: string[]) => indent + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  const out = [line(columns)];
  for (const row of split) {
    const height = Math.max(...row.map((c) => c.length));
    for (let i = 0; i < height; i++) out.push(line(row.map((c) => c[i] ?? "")));
  }
  return out.join("\n");
}

/** Escapes what would break a Markdown table cell. */
export const markdownCell = (text: string): string => text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");

export function markdownTable(columns: string[], rows: string[][]): string {
  return [
    `| ${columns.map(markdownCell).join(" | ")} |`,
    `| ${columns.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(markdownCell).join(" | ")} |`),
  ].join("\n");
}
