/**
 * SARIF 2.1.0, for GitHub code scanning and other static-analysis viewers:
 * one run, the rules behind the findings, one result per finding.
 *
 * GitHub's upload takes a subset of SARIF and rejects a result without a
 * location (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
 * a finding about the platform as a whole is placed on the first line of
 * platform.yaml, and one about a file without a line on that file's first
 * line. Every result carries a fingerprint of its own (below), so that an
 * alert keeps its identity from one run to the next.
 *
 * A review compares each finding with the base's (Diagnostic.baseline):
 * its state is the result's `baselineState`, with SARIF's meanings
 * (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html, §3.27.24):
 * `new` (not on the base), `updated` (on the base, with other numbers),
 * `unchanged` (on the base as it is). `absent`, a finding the base had and
 * the change removed, is not reported: a result needs a location in the
 * working tree. GitHub's code scanning tracks alerts by their fingerprints,
 * not by this property; other viewers filter results on it.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { jsonText } from "./escape.js";
import type { ReportContext, RuleDescription } from "./report.js";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** Where a finding about the whole platform is shown: the file that describes it. */
export const PLATFORM_FILE = "platform.yaml";

/** The key of our fingerprint in `partialFingerprints`; the version changes when what it hashes does. */
export const FINGERPRINT_KEY = "spark-platform/v1";

const LEVEL = { error: "error", warn: "warning" } as const;

function sarifRule(rule: RuleDescription | { id: string }) {
  const described = "description" in rule ? rule : undefined;
  return {
    id: rule.id,
    ...(described ? { shortDescription: { text: described.description }, defaultConfiguration: { level: LEVEL[described.defaultSeverity] } } : {}),
    ...(described?.docs ? { helpUri: described.docs } : {}),
  };
}

/**
 * What identifies a finding across runs: its rule, its file and its message
 * with every number taken out, hashed (SHA-256, the first 32 hex digits).
 * Not the line: a team file that grows above the finding moves it. Not the
 * numbers: "requests 12 CPU exceed 10 CPU" stays one alert when the request
 * becomes 14. Two findings that differ only in their numbers share it, as
 * they would be one alert to a reader.
 */
export function fingerprint(d: Pick<Diagnostic, "code" | "file" | "message">): string {
  const message = d.message.replace(/\d+(?:[.,]\d+)*/g, "#");
  return createHash("sha256").update(`${d.code}\0${d.file ?? PLATFORM_FILE}\0${message}`).digest("hex").slice(0, 32);
}

export function formatSarif(diagnostics: Diagnostic[], _color = false, context?: ReportContext): string {
  const described = context?.rules ?? [];
  const extra = [...new Set(diagnostics.map((d) => d.code))].filter((code) => !described.some((r) => r.id === code)).sort();
  const rules = [...described, ...extra.map((id) => ({ id }))];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  // SARIF wants baselineState on every result of a run or on none (§3.27.24); a review marks them all, and anything it did not compare is the change's own.
  const compared = diagnostics.some((d) => d.baseline !== undefined);
  const results = diagnostics.map((d) => ({
    ruleId: d.code,
    ruleIndex: index.get(d.code)!,
    level: d.severity === "error" ? "error" : "warning",
    message: { text: d.hint ? `${d.message}. Fix: ${d.hint}` : d.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: fileUri(d.file ?? PLATFORM_FILE), uriBaseId: "%SRCROOT%" },
        region: d.file !== undefined && d.line !== undefined ? { startLine: d.line, ...(d.column !== undefined ? { startColumn: d.column } : {}) } : { startLine: 1 },
      },
    }],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(d) },
    ...(compared ? { baselineState: d.baseline ?? "new" } : {}),
  }));
  return jsonText({
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [{
      tool: { driver: { name: "spark-platform", version: TOOL_VERSION, rules: rules.map(sarifRule) } },
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

/** package.json's version: the nearest package.json above this module (src/format/ or dist/src/format/). */
function packageVersion(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
    if (path.dirname(dir) === dir) throw new Error("spark-platform: no package.json above the compiled CLI");
  }
}

export const TOOL_VERSION = packageVersion();
