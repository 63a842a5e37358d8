/**
 * Runs the policy rules over a validated, synthesized platform. Severities
 * come from `policy.rules` in platform.yaml (error, warn or off), falling back
 * to each rule's default; findings get the line and column of their JSON
 * pointer in the input file.
 */
import { closest } from "fastest-levenshtein";
import { sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { PLATFORM_FILE } from "../load/inputs.js";
import { locate } from "../load/source.js";
import type { PlatformModel } from "../model/platform-model.js";
import type { Synthesis } from "../synth/object.js";
import type { ConfiguredSeverity, PolicyFinding, PolicyRule } from "./rule.js";

export const UNKNOWN_RULE = "policy/unknown-rule";

export function severityOf(rule: PolicyRule, model: PlatformModel): ConfiguredSeverity {
  return model.platform.policy?.rules?.[rule.id] ?? rule.defaultSeverity;
}

export function runPolicy(model: PlatformModel, synthesis: Synthesis, rules: readonly PolicyRule[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const at = ({ file, path }: Pick<PolicyFinding, "file" | "path">) => {
    const source = model.sources.get(file);
    return source ? locate(source, path) : {};
  };
  const ids = rules.map((r) => r.id);
  for (const id of Object.keys(model.platform.policy?.rules ?? {})) {
    if (ids.includes(id)) continue;
    const finding = { file: PLATFORM_FILE, path: `/policy/rules/${id.replace(/~/g, "~0").replace(/\//g, "~1")}` };
    diagnostics.push({
      severity: "error", code: UNKNOWN_RULE, ...finding, ...at(finding),
      message: `policy.rules names \`${id}\`, which is not a policy rule, so its severity changes nothing`,
      hint: `Did you mean \`${closest(id, ids)}\`? The rules: ${ids.join(", ")}.`,
    });
  }
  for (const rule of rules) {
    const severity = severityOf(rule, model);
    if (severity === "off") continue;
    rule.check({
      model,
      synthesis,
      report: (finding) => diagnostics.push({
        severity: severity === "warn" ? "warning" : "error",
        code: rule.id, message: finding.message, hint: finding.hint, file: finding.file, path: finding.path, ...at(finding),
      }),
    });
  }
  return sortDiagnostics(diagnostics);
}
