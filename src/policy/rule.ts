/**
 * A policy rule: a rule (src/rules/rule.ts) over the validated model and the
 * objects generated from it. Its severity lives in configuration
 * (`policy.rules` in platform.yaml), falling back to its default.
 */
import type { PlatformModel } from "../model/platform-model.js";
import type { Finding, Rule, RuleContext } from "../rules/rule.js";
import type { Synthesis } from "../synth/object.js";

export type { ConfiguredSeverity, RuleSeverity } from "../rules/rule.js";
export { docsAnchor } from "../rules/rule.js";

export interface PolicySubject {
  /** The validated platform. */
  model: PlatformModel;
  /** Every object the compiler generates from it. */
  synthesis: Synthesis;
}

export type PolicyRule = Rule<PolicySubject>;
export type PolicyContext = RuleContext<PolicySubject>;
export type PolicyFinding = Finding;
