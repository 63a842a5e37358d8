/** Output formats for diagnostics. Adding a format: one module, one line. */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { formatGithub } from "./github.js";
import { formatJson } from "./json.js";
import { formatMarkdown } from "./markdown.js";
import type { ReportContext } from "./report.js";
import { formatSarif } from "./sarif.js";
import { formatText } from "./text.js";

/**
 * A formatter turns all diagnostics into one text; it never prints. `policy`
 * and `review` also pass their tables and changes as `context`; a format
 * that has no place for them (annotations) leaves them out.
 */
export type Formatter = (diagnostics: Diagnostic[], color: boolean, context?: ReportContext) => string;

export type FormatName = "text" | "json" | "markdown" | "github" | "sarif";

export const FORMATS: Record<FormatName, Formatter> = {
  text: formatText,
  json: formatJson,
  markdown: formatMarkdown,
  github: formatGithub,
  sarif: formatSarif,
};

export const formatNames = Object.keys(FORMATS) as FormatName[];

export type { ReportContext } from "./report.js";
