/**
 * A pull request comment has room for 65,536 characters
 * (https://github.com/orgs/community/discussions/41331); a platform-wide
 * change over 150 teams renders far more. Past a budget, the Markdown report
 * keeps what decides the review, in order: the verdict, the summary, then as
 * many of the first findings as fit; every later block that still fits
 * follows, each larger one is left out, and a note at the end says what was
 * left out and where the whole report is.
 */

/** Characters for the report: GitHub's limit less room for what the comment workflow adds around it (a warning, a footer). */
export const COMMENT_BUDGET = 60_000;

/** Where the whole report is when the comment holds part of it; the pull request workflow uploads it (.github/workflows/pr.yaml). */
export const FULL_REPORT = "the `review-report` artifact of the workflow run (or run the command again with `--format text`)";

const TABLE_ROW = /^\|/;

/**
 * A collapsed block (`<details>…</details>`) holding a table, cut to the
 * rows that fit in `room`; undefined when not even its first row does.
 */
function cutTable(block: string, room: number, note: (left: number) => string): string | undefined {
  const lines = block.split("\n");
  const header = lines.findIndex((l) => TABLE_ROW.test(l));
  if (header < 0 || !lines.at(-1)!.startsWith("</details>")) return undefined;
  const rows = lines.slice(header + 2).filter((l) => TABLE_ROW.test(l));
  let text = lines.slice(0, header + 2).join("\n");
  let kept = 0;
  for (const row of rows) {
    if (text.length + 1 + row.length + note(rows.length - kept - 1).length + "\n\n</details>".length > room) break;
    text += `\n${row}`;
    kept++;
  }
  if (kept === 0) return undefined;
  return `${text}${note(rows.length - kept)}\n\n</details>`;
}

/**
 * `parts` joined by blank lines, within `budget` characters. The first
 * `keep` parts (the verdict and the summary) always stay.
 */
export function withinBudget(parts: string[], keep: number, budget = COMMENT_BUDGET): string {
  const whole = parts.join("\n\n");
  if (whole.length <= budget) return whole;
  const left: number[] = [];
  const note = (cut: number) => `\n\n> [!NOTE]\n> The full report (${whole.length.toLocaleString("en")} characters) is longer than a pull request comment takes: ${
    cut ? `${cut} of its blocks ${cut === 1 ? "is" : "are"} left out or cut short here` : "it is cut short here"}. The whole of it is in ${FULL_REPORT}.`;
  // Room for the note, with the largest count it can name.
  const room = budget - note(parts.length).length;
  const out = parts.slice(0, keep);
  let length = out.join("\n\n").length;
  for (const part of parts.slice(keep)) {
    if (length + 2 + part.length <= room) {
      out.push(part);
      length += 2 + part.length;
      continue;
    }
    left.push(out.length);
    const cut = cutTable(part, room - length - 2, (rows) => (rows ? `\n\n…and ${rows.toLocaleString("en")} more, in the full report.` : ""));
    if (cut) {
      out.push(cut);
      length += 2 + cut.length;
    }
  }
  return out.join("\n\n") + note(left.length);
}
