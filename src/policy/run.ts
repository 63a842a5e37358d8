/**
 * Runs the policy rules over a validated, synthesized platform. Severities
 * come from `policy.rules` in platform.yaml (error, warn or off), falling back
 * to each rule's default; src/rules/run.ts turns findings into diagnostics.
 */
import { closest } from "fastest-levenshtein";
import { sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { PLATFORM_FILE } from "../load/inputs.js";
import { locate } from "../load/source.js";
import type { PlatformModel } from "../model/platform-model.js";
import type { Synthesis } from "../synth/object.js";
import { runRules } from "../rules/run.js";
import { environmentPart } from "../synth/index.js";
import { mergeFindings } from "../validate/environments.js";
import type { ConfiguredSeverity, PolicyRule } from "./rule.js";

export const UNKNOWN_RULE = "policy/unknown-rule";

export function severityOf(rule: PolicyRule, model: PlatformModel): ConfiguredSeverity {
  return model.platform.policy?.rules?.[rule.id] ?? rule.defaultSeverity;
}

/**
 * The policy of every environment (local's `model`, then `environments`), each on its own part of the
 * synthesis; a finding not every environment it concerns has names the ones that have it.
 */
export function runPolicy(model: PlatformModel, synthesis: Synthesis, rules: readonly PolicyRule[], environments: readonly PlatformModel[] = []): Diagnostic[] {
  if (environments.length === 0) return policyOfEnvironment(model, synthesis, rules);
  const all = [model, ...environments];
  return sortDiagnostics(mergeFindings(all, all.map((m) => policyOfEnvironment(m, environmentPart(synthesis, m.environment), rules))));
}

function policyOfEnvironment(model: PlatformModel, synthesis: Synthesis, rules: readonly PolicyRule[]): Diagnostic[] {
  const ids = rules.map((r) => r.id);
  const unknown = Object.keys(model.platform.policy?.rules ?? {}).filter((id) => !ids.includes(id)).map((id): Diagnostic => {
    const path = `/policy/rules/${id.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    const source = model.sources.get(PLATFORM_FILE);
    return {
      severity: "error", code: UNKNOWN_RULE, file: PLATFORM_FILE, path, ...(source ? locate(source, path) : {}),
      message: `policy.rules names \`${id}\`, which is not a policy rule, so its severity changes nothing`,
      hint: `Did you mean \`${closest(id, ids)}\`? The rules: ${ids.join(", ")}.`,
    };
  });
  const findings = runRules(rules, { model, synthesis }, { sources: model.sources, severity: (rule) => severityOf(rule, model) });
  return sortDiagnostics([...unknown, ...findings]);
}
