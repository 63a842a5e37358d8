/**
 * One shape for every rule the tool checks, in the style of an ESLint rule:
 * metadata, and a check that reports findings through a context. A rule
 * never prints and never decides its own severity beyond a default: the
 * stage that runs it may take severities from configuration (the policy's
 * `policy.rules` in platform.yaml). Validation rules, policy rules and the
 * review's destructive-change checks are all rules of this shape, each over
 * the subject its stage has (the model; the model and its objects; the
 * changes between two builds).
 */
import type { Severity } from "../diagnostics/diagnostic.js";

export type RuleSeverity = "error" | "warn";
export type ConfiguredSeverity = RuleSeverity | "off";

export interface Finding {
  /** Input file the finding is about (a team file, or platform.yaml). */
  file: string;
  /** JSON pointer inside that file; the runner looks up its line and column. */
  path: string;
  /** For what no pointer reaches (a comment line): the position itself. */
  at?: { line: number; column: number };
  message: string;
  /** How to fix it. */
  hint: string;
  /**
   * Only for a finding milder than its rule by nature (a destructive change
   * that was explicitly allowed); otherwise the rule's severity applies.
   */
  severity?: Severity;
}

export interface Reporter {
  report(finding: Finding): void;
}

/** The context a rule's check gets: what its stage checks, and where to report. */
export type RuleContext<Subject> = Subject & Reporter;

export interface Rule<Subject> {
  /** Stable, and the diagnostic code of its findings (`team/unique`, `job-fits-queue`, `review/queue-deleted`). */
  id: string;
  defaultSeverity: RuleSeverity;
  /** One line: what the rule holds the platform to. */
  description: string;
  /** Where the rule is explained: an anchor of the README (`README.md#job-fits-queue`). */
  docs: string;
  check(context: RuleContext<Subject>): void;
}

/** What a report says about a rule: the rules behind the diagnostics' codes, for links and SARIF metadata. */
export interface RuleDescription {
  id: string;
  description: string;
  defaultSeverity: RuleSeverity;
  /** Absolute URL of the rule's documentation, when known. */
  docs?: string;
}

/** A README section whose heading is `id`: its anchor is the id. */
export const docsAnchor = (id: string): string => `README.md#${id}`;
