/**
 * Text a team wrote (keys, values, file names) reaches every report. Each
 * medium gets it escaped here, so that it reads as data and nothing else:
 * no line of a CI log it can start or split, no Markdown or HTML it can
 * write into the pull request comment, no character it can hide.
 */
import { HIDDEN, unicodeEscape, visible } from "../diagnostics/visible.js";

/**
 * Output for a CI log that GitHub's runner cannot take for a workflow
 * command: it runs a line that starts with `::` after white space, or that
 * holds `##[` anywhere (the legacy form, which includes `stop-commands`);
 * https://github.com/actions/runner/blob/main/src/Runner.Common/ActionCommand.cs.
 * For text whose fields went through `visible`, so that every line break is
 * the formatter's own.
 */
export const inert = (text: string): string => text.replace(/##\[/g, "##\\[").replace(/^([^\S\n]*)::/gm, "$1\\::");

/** Markdown this module rendered (or a formatter wrote as a literal): safe to place as it is. */
export type Markdown = string & { readonly __markdown: true };

/** Our own markup, written in the source: never a team's text. */
export const markdown = (literal: string): Markdown => literal as Markdown;

const HTML_ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
const MARKDOWN_ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "@&#8203;" };

/**
 * Text in a paragraph, a heading or a table cell, shown exactly as written:
 * hidden characters as escapes; `&`, `<` and `>` as entities (no HTML, no
 * comment, no `</details>`); a backslash before each character that starts
 * inline markup (emphasis, code, links and images, strikethrough, math) and
 * before `#`; and a zero-width space after `@`, which keeps GitHub from
 * turning `@name` into a mention that notifies someone (as Dependabot and
 * Renovate do). `|` is left to markdownTable, the one place it matters.
 */
export function markdownText(text: string): Markdown {
  return visible(text).replace(/[\\`*_[\]!<>&~$#@]/g, (c) => MARKDOWN_ENTITY[c] ?? `\\${c}`) as Markdown;
}

/**
 * A code span: shown literally, so no mention, link or HTML. Fenced with one
 * backtick more than the longest run inside, padded with a space when the
 * text starts or ends with a backtick or a space (CommonMark strips one).
 * Line breaks and hidden characters show as escapes. A code span cannot
 * escape `##[`, so text that holds one is shown as escaped text instead:
 * the report may be printed to a CI log too.
 */
export function markdownCode(text: string): Markdown {
  const shown = visible(text);
  if (shown === "") return markdown("");
  if (shown.includes("##[")) return markdownText(text);
  const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(shown) ? " " : "";
  return `${fence}${pad}${shown}${pad}${fence}` as Markdown;
}

/**
 * Our sentences, which mark names and values with backticks (`unknown key
 * \`x\``): each marked part as a code span, the rest as text. When the
 * backticks cannot all be ours (an odd number, an empty pair, a run of two),
 * the whole sentence is text, backticks and all. A team's value may still
 * hold pairs of backticks that shift the code spans; every part is escaped
 * for where it lands all the same.
 */
export function markdownProse(text: string): Markdown {
  const parts = text.split("`");
  if (parts.length % 2 === 0 || parts.some((part, i) => i % 2 === 1 && part === "")) return markdownText(text);
  return parts.map((part, i) => (i % 2 ? markdownCode(part) : markdownText(part))).join("") as Markdown;
}

/** `[label](url)` for a URL of ours (a rule's documentation). */
export const markdownLink = (label: Markdown, url: string): Markdown =>
  `[${label}](${url.replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`)})` as Markdown;

/** Text inside HTML (a `<summary>`): hidden characters as escapes, the HTML specials as entities, backticked parts as `<code>`. */
export function htmlProse(text: string): Markdown {
  const escape = (s: string) => visible(s).replace(/[&<>"]/g, (c) => HTML_ENTITY[c]).replace(/@/g, "@&#8203;");
  const parts = text.split("`");
  if (parts.length % 2 === 0) return escape(text) as Markdown;
  return parts.map((part, i) => (i % 2 ? `<code>${escape(part)}</code>` : escape(part))).join("") as Markdown;
}

/**
 * JSON for a log or a file: JSON.stringify, which escapes what would end a
 * string, and then also the hidden characters it leaves raw and the `##[` of
 * a legacy workflow command. Both only ever occur inside strings, so the
 * JSON parses back to the same values.
 */
export function jsonText(value: unknown): string {
  // The only raw control character JSON.stringify leaves is the line feed of its own indentation.
  return JSON.stringify(value, null, 2).replace(HIDDEN, (c) => (c === "\n" ? c : unicodeEscape(c))).replace(/##\[/g, "##\\u005b");
}
