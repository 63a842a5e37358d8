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
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === "error");

/** Orders by file, then position, so output is stable whatever order the checks ran in. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file ?? "").localeCompare(b.file ?? "") ||
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
