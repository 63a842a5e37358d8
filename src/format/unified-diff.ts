/**
 * A unified diff (`diff -u`) of two texts, for `check --diff`: what a hand
 * edit or a forgotten build left in a generated file. The common start and end
 * are taken off first; what is left between them is compared line by line
 * (longest common subsequence) when it is small, and otherwise shown as
 * replaced whole: a hand edit is a few lines, and a file rewritten from end to
 * end reads no better line by line. Every line shows its hidden characters as
 * escapes (visible), so the diff is one line per line whatever the file holds.
 */
import { visible } from "../diagnostics/visible.js";

/** Lines on each side of what differs that the middle is compared line by line up to (their product, in cells of a table). */
const MAX_CELLS = 4_000_000;
const CONTEXT = 3;

type Op = { kind: " " | "-" | "+"; text: string; before: number; after: number };

const linesOf = (text: string): string[] => {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
};

/** The edit script from `a` to `b`: each line kept, removed or added, with its line numbers (0-based) on each side. */
function editScript(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  const ops: Op[] = [];
  for (let i = 0; i < start; i++) ops.push({ kind: " ", text: a[i], before: i, after: i });
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_CELLS) {
    for (let i = start; i < endA; i++) ops.push({ kind: "-", text: a[i], before: i, after: start });
    for (let j = start; j < endB; j++) ops.push({ kind: "+", text: b[j], before: endA, after: j });
  } else {
    // lcs[i * (m + 1) + j]: the longest common subsequence of a's middle from i and b's from j.
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] = a[start + i] === b[start + j] ? lcs[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        ops.push({ kind: " ", text: a[start + i], before: start + i, after: start + j });
        i++; j++;
      } else if (i < n && (j === m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1])) {
        // A removal first when both keep as much in common, as GNU diff chooses.
        ops.push({ kind: "-", text: a[start + i], before: start + i, after: start + j });
        i++;
      } else {
        ops.push({ kind: "+", text: b[start + j], before: start + i, after: start + j });
        j++;
      }
    }
    // Removals before additions within a run of changes, as diff -u prints them.
    for (let k = 0; k < ops.length; k++) {
      if (ops[k].kind === " ") continue;
      let end = k;
      while (end < ops.length && ops[end].kind !== " ") end++;
      const run = ops.slice(k, end);
      ops.splice(k, run.length, ...run.filter((o) => o.kind === "-"), ...run.filter((o) => o.kind === "+"));
      k = end;
    }
  }
  for (let i = endA; i < a.length; i++) ops.push({ kind: " ", text: a[i], before: i, after: i - endA + endB });
  return ops;
}

const range = (first: number, count: number): string => (count === 1 ? `${first + 1}` : `${count === 0 ? first : first + 1},${count}`);

/**
 * `--- a/<file>` / `+++ b/<file>` and the hunks turning `before` into
 * `after`, each with three lines of context; "" when they are equal.
 */
export function unifiedDiff(file: string, before: string, after: string, labels = { before: "a", after: "b" }): string {
  if (before === after) return "";
  const ops = editScript(linesOf(before), linesOf(after));
  const changed = ops.flatMap((op, i) => (op.kind === " " ? [] : [i]));
  const hunks: string[] = [];
  for (let k = 0; k < changed.length; ) {
    let last = k;
    while (last + 1 < changed.length && changed[last + 1] - changed[last] <= 2 * CONTEXT + 1) last++;
    const from = Math.max(0, changed[k] - CONTEXT);
    const to = Math.min(ops.length, changed[last] + CONTEXT + 1);
    const slice = ops.slice(from, to);
    const beforeCount = slice.filter((o) => o.kind !== "+").length;
    const afterCount = slice.filter((o) => o.kind !== "-").length;
    const firstBefore = slice.find((o) => o.kind !== "+")?.before ?? slice[0].before;
    const firstAfter = slice.find((o) => o.kind !== "-")?.after ?? slice[0].after;
    const header = `@@ -${range(firstBefore, beforeCount)} +${range(firstAfter, afterCount)} @@`;
    hunks.push([header, ...slice.map((o) => `${o.kind}${visible(o.text)}`)].join("\n"));
    k = last + 1;
  }
  // A text whose last line has no line break differs from one that has it; say so as diff does.
  const endings = before.endsWith("\n") === after.endsWith("\n") ? [] : ["\\ No newline at end of file (one side)"];
  return [`--- ${labels.before}/${visible(file)}`, `+++ ${labels.after}/${visible(file)}`, ...hunks, ...endings].join("\n") + "\n";
}
