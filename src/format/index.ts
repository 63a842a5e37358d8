/** Output formats for diagnostics. Adding a format: one module, one line. */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { formatJson } from "./json.js";
import { formatText } from "./text.js";

/** A formatter turns all diagnostics into one text; it never prints. */
export type Formatter = (diagnostics: Diagnostic[], color: boolean) => string;

export type FormatName = "text" | "json";

export const FORMATS: Record<FormatName, Formatter> = {
  text: formatText,
  json: formatJson,
};

export const formatNames = Object.keys(FORMATS) as FormatName[];
