/**
 * Asserting diagnostics as a whole list, as ESLint's RuleTester does: a test
 * names every diagnostic it expects, so a missing one, an extra one and a
 * duplicate all fail.
 */
import { expect } from "vitest";
import { sortDiagnostics, type Diagnostic, type Severity } from "../../src/diagnostics/diagnostic.js";

/** One expected diagnostic: where it is, exactly, and optionally what it says. */
export interface ExpectedDiagnostic {
  code: string;
  file: string | undefined;
  line: number | undefined;
  column: number | undefined;
  /** "error" unless given. */
  severity?: Severity;
  /** A string must equal the message; a RegExp must match it. */
  message?: string | RegExp;
  /** A string must equal the hint; a RegExp must match it. */
  hint?: string | RegExp;
  path?: string;
}

/** `severity code file:line:column`, the parts that are set: one line per diagnostic, for lists a test compares whole. */
export const where = (d: Pick<Diagnostic, "severity" | "code" | "file" | "line" | "column">): string =>
  `${d.severity} ${d.code} ${[d.file, d.line, d.column].filter((x) => x !== undefined).join(":")}`.trimEnd();

/**
 * Fails unless `actual` holds exactly the expected diagnostics: the same
 * count, each at its file, line and column with its code and severity, and
 * (where the expectation says) its message, hint and path. Order does not
 * matter; both sides are compared in the order the tool prints them.
 * A string expectation is the `where` line of a diagnostic.
 */
export function expectDiagnostics(actual: readonly Diagnostic[], expected: ReadonlyArray<ExpectedDiagnostic | string>): void {
  const wanted = sortDiagnostics(expected.map(fromExpectation));
  const found = sortDiagnostics([...actual]);
  // First the list of positions and codes, so a wrong count reads as a diff of lines.
  expect(found.map(where), "diagnostics (severity code file:line:column)").toEqual(wanted.map(where));
  found.forEach((d, i) => {
    const { message, hint, path } = wanted[i] as Diagnostic & { message?: string | RegExp; hint?: string | RegExp };
    if (message !== undefined) expect(d.message, `message of ${where(d)}`).toEqual(matcher(message));
    if (hint !== undefined) expect(d.hint, `hint of ${where(d)}`).toEqual(matcher(hint));
    if (path !== undefined) expect(d.path, `path of ${where(d)}`).toBe(path);
  });
}

const matcher = (text: string | RegExp) => (typeof text === "string" ? text : expect.stringMatching(text));

function fromExpectation(e: ExpectedDiagnostic | string): Diagnostic {
  if (typeof e !== "string") return { severity: "error", ...e } as Diagnostic;
  const parsed = /^(error|warning) (\S+)(?: ([^:]+)(?::(\d+):(\d+))?)?$/.exec(e);
  if (!parsed) throw new Error(`not a "severity code file:line:column" line: ${e}`);
  const [, severity, code, file, line, column] = parsed;
  // No message: a `where` line says nothing of what the diagnostic says.
  return { severity: severity as Severity, code, file, line: line === undefined ? undefined : Number(line), column: column === undefined ? undefined : Number(column) } as Diagnostic;
}

/** The policy warnings the seed itself has (see test/policy.test.ts), which every review of it repeats. */
export const SEED_WARNINGS = [
  "warning capacity-overcommit platform.yaml:9:11",
  "warning capacity-overcommit platform.yaml:9:11",
  "warning mixed-schedulers platform.yaml:35:5",
  "warning volcano-guarantees platform.yaml:45:17",
  "warning volcano-guarantees teams/delta.yaml:17:15",
  "warning volcano-guarantees teams/theta.yaml:17:15",
];
