/** Output formats for diagnostics. Adding a format: one module, one line. */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { formatJson } from "./json.js";
import { formatText } from "./text.js";

export const FORMATS = {
  text: (d: Diagnostic[], color: boolean) => formatText(d, color),
  json: (d: Diagnostic[]) => formatJson(d),
} as const;

export type FormatName = keyof typeof FORMATS;
export const formatNames = Object.keys(FORMATS) as FormatName[];
