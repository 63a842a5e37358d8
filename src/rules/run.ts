/**
 * Runs rules over their subject and turns what they report into diagnostics
 * at the line and column of each finding's JSON pointer. Every stage runs its
 * rules through here, so a finding looks the same wherever it comes from.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { locate, type SourceDocument } from "../load/source.js";
import type { ConfiguredSeverity, Finding, Rule } from "./rule.js";

export interface RunOptions<Subject> {
  /** The input files findings point into, by path. */
  sources: ReadonlyMap<string, SourceDocument>;
  /** The severity configured for a rule; its default when absent. */
  severity?: (rule: Rule<Subject>) => ConfiguredSeverity | undefined;
}

/** The diagnostics of `rules`, in the order the rules ran and reported (callers sort). */
export function runRules<Subject extends object>(rules: readonly Rule<Subject>[], subject: Subject, options: RunOptions<Subject>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const rule of rules) {
    const severity = options.severity?.(rule) ?? rule.defaultSeverity;
    if (severity === "off") continue;
    rule.check({
      ...subject,
      report: (finding) => diagnostics.push(diagnosticOf(rule.id, finding.severity ?? (severity === "warn" ? "warning" : "error"), finding, options.sources)),
    });
  }
  return diagnostics;
}

/** A finding as a diagnostic; a file that is not there (a removed team's) has no position to point at. */
function diagnosticOf(code: string, severity: Diagnostic["severity"], finding: Finding, sources: ReadonlyMap<string, SourceDocument>): Diagnostic {
  const source = sources.get(finding.file);
  return {
    severity, code, message: finding.message, hint: finding.hint, file: finding.file,
    ...(source ? { path: finding.path, ...(finding.at ?? locate(source, finding.path)) } : {}),
  };
}
