/** Output formats for diagnostics. Adding a format: one module, one line. */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { formatJson } from "./json.js";
import { formatText } from "./text.js";

/** A formatter turns all diagnostics into one text; it never prints. */
export type Formatter = (diagnostics: Diagnostic[], color: boolean) => string;

export const FORMATS = {
  text: formatText,
  json: formatJson,
} satisfies Record<string, Formatter>;

export type FormatName = keyof typeof FORMATS;
export const formatNames = Object.keys(FORMATS) as FormatName[];
