/**
 * A fast path for the YAML writer. `yaml` builds a node tree for every
 * document before printing it, which made it most of a large build's time.
 * Generated objects are nearly always plain maps and lists of plain strings,
 * whole numbers and booleans; for those this prints, directly, the very bytes
 * `yaml` prints with the writer's options (block style, indented lists, no
 * folding, multi-line strings as `|` blocks, YAML 1.1-ambiguous strings
 * quoted). Anything else (a string that needs escapes, see ./safe-text.ts, null, a fraction, a
 * list in a list, a non-plain object...) returns undefined and the caller
 * uses `yaml`. Follows yaml 2.9 (pinned); test/fast-yaml.test.ts compares the
 * two byte for byte.
 */
import { Document, type ToStringOptions } from "yaml";
import { hasUnsafeChar } from "./safe-text.js";

/** Thrown inside the printer when a value is outside the fast path. */
const UNSUPPORTED = Symbol("unsupported");

export function fastYaml(value: unknown, options: ToStringOptions & { compat?: string }): string | undefined {
  try {
    if (isPlainObject(value)) return Object.keys(value).length ? map(value, "", lineText(options)) + "\n" : "{}\n";
    if (Array.isArray(value)) return value.length ? seq(value, "", lineText(options)) + "\n" : "[]\n";
    return undefined;
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
}

/** A one-line string as `yaml` prints it (plain or in double quotes); undefined when this file does not know. */
type LineText = (s: string) => string | undefined;

/** Lines of a non-empty map at `indent`, the first without its indentation. */
function map(object: Record<string, unknown>, indent: string, line: LineText): string {
  const child = indent + "  ";
  let out = "";
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (value === undefined) continue; // `yaml` leaves such keys out
    const keyText = key.includes("\n") ? undefined : line(key);
    if (keyText === undefined || keyText.length > 1024) throw UNSUPPORTED; // long keys are written as `? key`
    out += `${out ? `\n${indent}` : ""}${keyText}:${valueText(value, child, line)}`;
  }
  if (!out) throw UNSUPPORTED; // every value undefined: `yaml` prints {}
  return out;
}

/** Lines of a non-empty list at `indent`, the first without its indentation. */
function seq(items: unknown[], indent: string, line: LineText): string {
  const child = indent + "  ";
  let out = "";
  for (const item of items) {
    let text: string;
    if (isPlainObject(item)) text = Object.keys(item).length ? map(item, child, line) : "{}";
    else if (Array.isArray(item)) {
      if (item.length) throw UNSUPPORTED;
      text = "[]";
    } else text = scalar(item, child, line);
    out += `${out ? `\n${indent}` : ""}- ${text}`;
  }
  return out;
}

/** What follows `key:`: a space and a scalar, or a nested block on the next lines. */
function valueText(value: unknown, indent: string, line: LineText): string {
  if (isPlainObject(value)) return Object.keys(value).length ? `\n${indent}${map(value, indent, line)}` : " {}";
  if (Array.isArray(value)) return value.length ? `\n${indent}${seq(value, indent, line)}` : " []";
  return ` ${scalar(value, indent, line)}`;
}

function scalar(value: unknown, indent: string, line: LineText): string {
  switch (typeof value) {
    case "string": {
      if (value.includes("\n")) return literalBlock(value, indent);
      const text = line(value);
      if (text === undefined) throw UNSUPPORTED;
      return text;
    }
    case "number":
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw UNSUPPORTED;
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    default:
      throw UNSUPPORTED;
  }
}

/**
 * A multi-line string as `|` (one final newline) or `|-` (none). Other
 * endings, leading blanks, whitespace-only last lines and control characters
 * take `yaml`'s longer path.
 */
function literalBlock(value: string, indent: string): string {
  if (hasUnsafeChar(value) || /^[ \n\t]/.test(value) || /[ \t]$|[ \t]\n$|\n[\t ]+$|\n\n$/.test(value)) throw UNSUPPORTED;
  const clip = value.endsWith("\n");
  const body = clip ? value.slice(0, -1) : value;
  return `|${clip ? "" : "-"}\n${indent}${body.replace(/\n+/g, `$&${indent}`)}`;
}

// The checks `yaml` (2.x, stringifyString.js) makes before writing a string plain;
// strings with control or line-breaking characters (./safe-text.ts) take the escaping path.
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;

interface TagTest {
  default?: boolean | string;
  tag: string;
  test?: RegExp;
}

const lineTexts = new Map<string, LineText>();

/**
 * `yaml` writes a one-line string plain unless YAML gives one of its
 * characters a meaning there (indicators, `: `, ` #`...) or it would read back
 * as another type (a number, a boolean, null, a date...) under the schema or
 * the `compat` schema; then in double quotes, which need no escapes unless
 * the string has `"`, `\` or a tab. Memoised: generated files repeat their strings.
 */
function lineText(options: ToStringOptions & { compat?: string }): LineText {
  const key = JSON.stringify(options);
  let text = lineTexts.get(key);
  if (!text) {
    const { tags, compat } = new Document(null, options as never).schema as unknown as { tags: TagTest[]; compat: TagTest[] | null };
    const others = [...tags, ...(compat ?? [])].filter((t) => t.default && t.tag !== "tag:yaml.org,2002:str" && t.test);
    const known = new Map<string, string | undefined>();
    text = (s) => {
      if (known.has(s)) return known.get(s);
      let out: string | undefined;
      if (hasUnsafeChar(s) || DOCUMENT_MARKER.test(s)) out = undefined;
      else if (s !== "" && !NOT_PLAIN.test(s) && !others.some((t) => t.test!.test(s))) out = s;
      else out = /["\\\t]/.test(s) ? undefined : `"${s}"`;
      known.set(s, out);
      return out;
    };
    lineTexts.set(key, text);
  }
  return text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
