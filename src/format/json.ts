/** The findings (and a report's context) as data: JSON.stringify, with the escapes of ./escape.ts `jsonText`. */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { jsonText } from "./escape.js";
import type { ReportContext } from "./report.js";

export function formatJson(diagnostics: Diagnostic[], _color = false, context?: ReportContext): string {
  return jsonText(context ? { ...context, diagnostics } : { diagnostics });
}
