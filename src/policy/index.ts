/** Policy: rules in the style of ESLint rules over the validated model and the generated objects. */
export { POLICY_RULES } from "./registry.js";
export type { PolicyRule, PolicyContext, PolicyFinding, RuleSeverity, ConfiguredSeverity } from "./rule.js";
export { runPolicy, severityOf, UNKNOWN_RULE } from "./run.js";
export { policyReport, capacityLines, ruleDescriptions, docsUrl } from "./report.js";
export { checkPolicy, policyOf, type PolicyResult } from "./check.js";
