/**
 * One shape for every problem the tool reports: YAML syntax, schema, semantic
 * checks, lint of generated objects and (later) policy rules. Formatters print
 * any list of them.
 */
export type Severity = "error" | "warning";

export interface Diagnostic {
  severity: Severity;
  /** Stable identifier, e.g. `yaml/duplicate-key`, `schema/unknown-key`, `queue/guarantee-exceeds-cluster`. */
  code: string;
  /** What is wrong, in one sentence. */
  message: string;
  /** How to fix it. */
  hint?: string;
  /** Path relative to the project root. */
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  /** JSON pointer inside the document (`/quota/requests/cpu`). */
  path?: string;
  /** The environments that report it, when not every one it concerns does (its message starts with them, in brackets). */
  environments?: string[];
  /** Set on the one diagnostic that stands for the problems of a file left out (capPerFile): how many. */
  omitted?: number;
  /**
   * Set by `review` on what it compares with the base (SARIF's baselineState):
   * `new` when the base has no such finding, `updated` when the base has it
   * with other numbers, `unchanged` when the base has it as it is.
   */
  baseline?: "new" | "updated" | "unchanged";
}

/** What a change introduces or alters: every diagnostic but those the base already had as they are. */
export const introduced = (diagnostics: readonly Diagnostic[]): Diagnostic[] => diagnostics.filter((d) => d.baseline !== "unchanged");

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === "error");

/** How many problems of a severity the diagnostics report, counting those a cap left out. */
export const countProblems = (diagnostics: readonly Diagnostic[], severity: Severity): number =>
  diagnostics.reduce((n, d) => n + (d.severity === severity ? (d.omitted ?? 1) : 0), 0);

/**
 * Problems reported for one file. A file with more is not worth reading line
 * by line, and every format stays small: a terminal, a CI log, a pull
 * request comment (GitHub takes 65,536 characters).
 */
export const MAX_PROBLEMS_PER_FILE = 100;

/**
 * Keeps the first `limit` diagnostics of each file (of sorted diagnostics,
 * the first in the file) and puts after them one diagnostic per severity
 * that says how many were left out, at the position of the first of them.
 */
export function capPerFile(diagnostics: Diagnostic[], limit = MAX_PROBLEMS_PER_FILE): Diagnostic[] {
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const list = byFile.get(d.file ?? "");
    if (list) list.push(d);
    else byFile.set(d.file ?? "", [d]);
  }
  if ([...byFile.values()].every((list) => list.length <= limit)) return diagnostics;
  return [...byFile.values()].flatMap((list) => {
    const rest = list.slice(limit);
    const summaries = (["error", "warning"] as const).flatMap((severity): Diagnostic[] => {
      const left = rest.filter((d) => d.severity === severity);
      if (left.length === 0) return [];
      const n = countProblems(left, severity);
      const { file, line, column } = left[0];
      return [{
        severity, code: "input/more-problems",
        message: `…and ${n.toLocaleString("en")} more ${severity}${n === 1 ? "" : "s"}${file === undefined ? "" : " in this file"}, not shown`,
        hint: `Only the first ${limit} problems of a file are reported: fix these and run again.`,
        ...(file !== undefined && { file }),
        ...(line !== undefined && { line }),
        ...(column !== undefined && { column }),
        omitted: n,
      }];
    });
    return [...list.slice(0, limit), ...summaries];
  });
}

/** Orders by file, then position, so output is stable whatever order the checks ran in; a file's count of problems left out comes last. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file ?? "").localeCompare(b.file ?? "") ||
      Number(a.omitted !== undefined) - Number(b.omitted !== undefined) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.code.localeCompare(b.code),
  );
}

/** Thrown when a stage cannot go on; carries everything found so far. */
export class DiagnosticError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(`${diagnostics.filter((d) => d.severity === "error").length} error(s)`);
    this.name = "DiagnosticError";
  }
}
