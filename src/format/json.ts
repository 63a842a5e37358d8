import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { ReportContext } from "./report.js";

export function formatJson(diagnostics: Diagnostic[], _color = false, context?: ReportContext): string {
  return JSON.stringify(context ? { ...context, diagnostics } : { diagnostics }, null, 2);
}
