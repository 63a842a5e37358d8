import type { Diagnostic, Severity } from "../../diagnostics/diagnostic.js";
import type { PlatformModel } from "../../model/platform-model.js";

export interface Finding {
  /** Input file the problem is in; its position comes from `path`. */
  file: string;
  /** JSON pointer inside that file. */
  path: string;
  message: string;
  hint: string;
  severity?: Severity;
}

/** A semantic check over the whole validated platform: one module, one concern. */
export interface SemanticRule {
  code: string;
  description: string;
  check(model: PlatformModel, report: (finding: Finding) => void): void;
}

export type { Diagnostic };
