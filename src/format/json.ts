import type { Diagnostic } from "../diagnostics/diagnostic.js";

export function formatJson(diagnostics: Diagnostic[]): string {
  return JSON.stringify({ diagnostics }, null, 2);
}
