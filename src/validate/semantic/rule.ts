import type { PlatformModel } from "../../model/platform-model.js";
import type { Rule } from "../../rules/rule.js";

/** What validation checks: the whole validated platform. */
export interface ValidationSubject {
  model: PlatformModel;
}

/** A semantic check over the validated platform: one module, one concern. */
export type SemanticRule = Rule<ValidationSubject>;

/** The README's table of validation rules: their severities are fixed (a rule that guards the running platform cannot be turned off). */
export const VALIDATION_DOCS = "README.md#validation-rules";
