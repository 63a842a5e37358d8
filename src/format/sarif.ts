/**
 * SARIF 2.1.0, for GitHub code scanning and other static-analysis viewers:
 * one run, the rules behind the findings, one result per finding.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { jsonText } from "./escape.js";
import type { ReportContext, RuleDescription } from "./report.js";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

const LEVEL = { error: "error", warn: "warning" } as const;

function sarifRule(rule: RuleDescription | { id: string }) {
  const described = "description" in rule ? rule : undefined;
  return {
    id: rule.id,
    ...(described ? { shortDescription: { text: described.description }, defaultConfiguration: { level: LEVEL[described.defaultSeverity] } } : {}),
    ...(described?.docs ? { helpUri: described.docs } : {}),
  };
}

export function formatSarif(diagnostics: Diagnostic[], _color = false, context?: ReportContext): string {
  const described = context?.rules ?? [];
  const extra = [...new Set(diagnostics.map((d) => d.code))].filter((code) => !described.some((r) => r.id === code)).sort();
  const rules = [...described, ...extra.map((id) => ({ id }))];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = diagnostics.map((d) => ({
    ruleId: d.code,
    ruleIndex: index.get(d.code)!,
    level: d.severity === "error" ? "error" : "warning",
    message: { text: d.hint ? `${d.message}. Fix: ${d.hint}` : d.message },
    ...(d.file
      ? {
          locations: [{
            physicalLocation: {
              artifactLocation: { uri: fileUri(d.file), uriBaseId: "%SRCROOT%" },
              ...(d.line !== undefined ? { region: { startLine: d.line, ...(d.column !== undefined ? { startColumn: d.column } : {}) } } : {}),
            },
          }],
        }
      : {}),
  }));
  return jsonText({
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [{
      tool: { driver: { name: "spark-platform", rules: rules.map(sarifRule) } },
      results,
    }],
  });
}

/**
 * A relative path as the relative URI reference SARIF requires (§3.10): each
 * segment percent-encoded, `/` kept (a lone surrogate, which has no UTF-8 and
 * makes encodeURIComponent throw, as U+FFFD).
 */
const fileUri = (file: string): string =>
  file.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd").split("/").map(encodeURIComponent).join("/");
