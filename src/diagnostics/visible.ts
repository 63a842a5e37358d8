/**
 * Text a team wrote reaches messages, reports and pictures. `visible` shows
 * what a reader could not see; every medium then escapes for itself
 * (src/format/escape.ts, src/picture/).
 */

/**
 * Characters a reader cannot see or that move text around: C0 and C1
 * controls (line feeds, ANSI escapes), DEL, the line and paragraph
 * separators, zero-width and bidirectional formatting characters (the
 * "Trojan Source" reorderings, CVE-2021-42574), the byte-order mark,
 * interlinear annotations, noncharacters and lone surrogates.
 */
export const HIDDEN = /[\x00-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

export const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * Every hidden character as a visible escape (`\n`, `\u2028`), so that a
 * value prints on one line and shows what it holds. Backslashes are left as
 * they are: applying it twice changes nothing.
 */
export const visible = (text: string): string => text.replace(HIDDEN, (c) => NAMED[c] ?? unicodeEscape(c));
