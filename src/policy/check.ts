/** The policy stage after compile: its findings and the report around them. */
import { hasErrors, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { PlatformModel } from "../model/platform-model.js";
import { compile, type CompileResult } from "../pipeline.js";
import type { Synthesis } from "../synth/object.js";
import { POLICY_RULES } from "./registry.js";
import { policyReport, type PolicyReport } from "./report.js";
import type { PolicyRule } from "./rule.js";
import { runPolicy } from "./run.js";

export interface PolicyResult {
  /** The compiler's own diagnostics, then the policy findings, sorted by file and line. */
  diagnostics: Diagnostic[];
  /** Absent when the platform does not compile (then only the compiler's errors are reported). */
  context?: PolicyReport;
  model?: PlatformModel;
  synthesis?: Synthesis;
}

export function policyOf(compiled: Pick<CompileResult, "diagnostics" | "model" | "environments" | "synthesis">, rules: readonly PolicyRule[] = POLICY_RULES): PolicyResult {
  const { diagnostics, model, synthesis, environments } = compiled;
  if (!model || !synthesis || hasErrors(diagnostics)) return { diagnostics, model, synthesis };
  return {
    diagnostics: sortDiagnostics([...diagnostics, ...runPolicy(model, synthesis, rules, environments)]),
    context: policyReport(model, rules, environments),
    model,
    synthesis,
  };
}

/** compile(root), then the policy rules. */
export async function checkPolicy(root: string): Promise<PolicyResult> {
  return policyOf(await compile(root));
}
