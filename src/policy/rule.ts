/**
 * A policy rule in the style of an ESLint rule: metadata and a check that
 * reports through a context. It never prints, and its severity lives in
 * configuration (`policy.rules` in platform.yaml), not in the rule.
 */
import type { PlatformModel } from "../model/platform-model.js";
import type { Synthesis } from "../synth/object.js";

export type RuleSeverity = "error" | "warn";
export type ConfiguredSeverity = RuleSeverity | "off";

export interface PolicyFinding {
  /** Input file the finding concerns (a team file, or platform.yaml). */
  file: string;
  /** JSON pointer inside that file; its line and column are looked up. */
  path: string;
  message: string;
  hint: string;
}

export interface PolicyContext {
  /** The validated platform. */
  model: PlatformModel;
  /** Every object the compiler generates from it. */
  synthesis: Synthesis;
  report(finding: PolicyFinding): void;
}

export interface PolicyRule {
  /** Stable, kebab-case; also the diagnostic code and the key in `policy.rules`. */
  id: string;
  defaultSeverity: RuleSeverity;
  /** One line: what the rule holds the platform to. */
  description: string;
  /** Where the rule is explained: an anchor of the README (see docsAnchor). */
  docs: string;
  check(context: PolicyContext): void;
}

/** The rule's section of the README: its id is the heading, so the anchor is the id. */
export const docsAnchor = (id: string): string => `README.md#${id}`;
