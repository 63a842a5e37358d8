/**
 * Reads one YAML input file into a document that remembers where every value
 * came from, so later stages can point at file:line:column.
 */
import { isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from "yaml";
import type { Diagnostic } from "../diagnostics/diagnostic.js";

/** Inputs are kilobytes; anything this large is a mistake or an attack. */
export const MAX_INPUT_BYTES = 1024 * 1024;

/**
 * Pieces of YAML syntax an input may hold: keys, values, and the indicators
 * between them (`:`, `-`, `,`, brackets, anchors, tags, directives, document
 * markers), but not white space or comments. A team file has about 100,
 * platform.yaml about 200 (more with long Helm values). The YAML parser
 * takes tens of microseconds for each, seconds for a megabyte of keys, so a
 * file with more is refused after a cheap count, before it is parsed.
 */
export const MAX_INPUT_SYNTAX = 2_000;

/** Lines an input may have (outside block scalars): the parser spends microseconds on each, even a comment. */
export const MAX_INPUT_LINES = 10_000;

/** Nesting an input may have (the schemas go five levels deep); deeper is refused before anything recurses into it. */
export const MAX_INPUT_DEPTH = 32;

export interface SourceDocument {
  /** Path relative to the project root, with forward slashes. */
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The plain value of the document (aliases refused). */
  data: unknown;
}

export interface Position {
  line: number;
  column: number;
}

export function parseSource(file: string, text: string): { source?: SourceDocument; diagnostics: Diagnostic[] } {
  const at = (code: string, message: string, hint: string, pos?: Position): Diagnostic => ({
    severity: "error", code, message, hint, file, line: pos?.line ?? 1, column: pos?.column ?? 1,
  });
  if (Buffer.byteLength(text) > MAX_INPUT_BYTES) {
    return { diagnostics: [at("yaml/too-large", `file is ${Buffer.byteLength(text)} bytes, more than the 1 MiB an input may have`, "Split it, or check that the right file is in place.")] };
  }
  const shape = measure(text);
  if (shape.syntax > MAX_INPUT_SYNTAX) {
    return { diagnostics: [at("yaml/too-long", `file has more than ${MAX_INPUT_SYNTAX.toLocaleString("en")} keys, values and YAML indicators (\`:\`, \`-\`, \`,\`, brackets, anchors, tags)`, "An input needs a few hundred: check that the right file is in place.", shape.stop)] };
  }
  if (shape.lines > MAX_INPUT_LINES) {
    return { diagnostics: [at("yaml/too-long", `file has more than ${MAX_INPUT_LINES.toLocaleString("en")} lines`, "An input needs a few hundred at most: check that the right file is in place.", shape.stop)] };
  }
  if (shape.depth > MAX_INPUT_DEPTH) return { diagnostics: [{ ...tooDeep(file), ...shape.stop }] };
  if (shape.syntax === 0) {
    return { diagnostics: [at("yaml/empty", "file is empty", "Write the settings as key: value pairs; see the schema named on the file's first line.")] };
  }

  const lineCounter = new LineCounter();
  // Duplicate keys are found below in one pass: the parser's own check
  // compares every key with every earlier one, quadratic in the keys of a map.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true });
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    // With prettyErrors off the parser leaves `linePos` unset; its offset is always there.
    const pos = positionAtOffset(lineCounter, error.pos[0]);
    // The parser catches its own stack overflow on deep nesting in block style.
    if (error.code === "RESOURCE_EXHAUSTION") diagnostics.push({ ...tooDeep(file), ...pos });
    else diagnostics.push(at(`yaml/${error.code.toLowerCase().replace(/_/g, "-")}`, firstLine(error.message), yamlHint(error.code), pos));
  }
  if (diagnostics.length) return { diagnostics };

  diagnostics.push(...inspectTree(file, doc, lineCounter));
  if (diagnostics.length) return { diagnostics };

  const data = doc.toJS({ maxAliasCount: 0 });
  if (!isMap(doc.contents)) {
    const found = isSeq(doc.contents) ? "a list" : isScalar(doc.contents) ? "a single value" : "nothing";
    return { diagnostics: [at("yaml/not-a-mapping", `expected key: value pairs at the top level, found ${found}`, "Start the file with keys such as `name:`; see the schema named on its first line.", doc.contents ? positionOf(lineCounter, doc.contents) : undefined)] };
  }
  return { source: { file, text, doc, lineCounter, data }, diagnostics };
}

const tooDeep = (file: string): Diagnostic => ({
  severity: "error", code: "yaml/too-deep", file, line: 1, column: 1,
  message: `values are nested more than ${MAX_INPUT_DEPTH} levels deep`,
  hint: "An input nests a few levels at most: check the brackets and the indentation.",
});

/**
 * Counts from the YAML lexer's tokens the syntax (every token but white
 * space, line breaks and comments), the lines and the nesting of flow
 * collections, and stops as soon as one is over its limit (`stop`: where):
 * a cost bounded by the limits, whatever the file holds.
 */
function measure(text: string): { syntax: number; lines: number; depth: number; stop?: Position } {
  let syntax = 0;
  let lines = 0;
  let depth = 0;
  let deepest = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (MARKERS.has(token)) continue;
    if (token === "\n" || token === "\r\n") lines++;
    else if (token === "[" || token === "{") deepest = Math.max(deepest, ++depth);
    else if (token === "]" || token === "}") depth = Math.max(0, depth - 1);
    if (token !== "" && !/^[ \t\r\n#]/.test(token)) syntax++;
    if (syntax > MAX_INPUT_SYNTAX || lines > MAX_INPUT_LINES || deepest > MAX_INPUT_DEPTH) return { syntax, lines, depth: deepest, stop: positionAt(text, offset) };
    offset += token.length;
  }
  return { syntax, lines, depth: deepest };
}

// CST.SCALAR (before a plain or block scalar's text), CST.DOCUMENT and CST.FLOW_END:
// the tokens that stand for no text; the others are slices of the file, in order.
const MARKERS = new Set(["\x1f", "\x02", "\x18"]);

function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * One walk over the parsed tree, without recursion: aliases (one value in
 * many places, and "billion laughs" bombs; team files are small enough to
 * write every value out), keys that appear twice in a mapping, and nesting
 * deeper than MAX_INPUT_DEPTH.
 */
function inspectTree(file: string, doc: Document.Parsed, lineCounter: LineCounter): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const at = (node: Node, code: string, message: string, hint: string): Diagnostic => ({ severity: "error", code, message, hint, file, ...(positionOf(lineCounter, node) ?? { line: 1, column: 1 }) });
  const pending: Array<{ node: unknown; depth: number }> = [{ node: doc.contents, depth: 1 }];
  while (pending.length) {
    const { node, depth } = pending.pop()!;
    if (isAlias(node)) {
      diagnostics.push(at(node, "yaml/alias", `alias *${node.source} is not allowed in platform inputs`, "Write the value out in full instead of using an anchor and alias."));
    } else if (isMap(node) || isSeq(node)) {
      if (depth > MAX_INPUT_DEPTH) {
        diagnostics.push({ ...tooDeep(file), ...positionOf(lineCounter, node) });
        continue;
      }
      const children: unknown[] = [];
      if (isMap(node)) {
        const seen = new Set<string>();
        for (const pair of node.items) {
          if (isScalar(pair.key)) {
            const key = keyOf(pair.key.value);
            if (seen.has(key)) diagnostics.push(at(pair.key, "yaml/duplicate-key", `duplicate key \`${key}\`: keys must be unique within a mapping`, yamlHint("DUPLICATE_KEY")));
            seen.add(key);
          }
          children.push(pair.key, pair.value);
        }
      } else children.push(...node.items);
      for (let i = children.length - 1; i >= 0; i--) pending.push({ node: children[i], depth: depth + 1 });
    }
  }
  return diagnostics.sort((a, b) => a.line! - b.line! || a.column! - b.column!);
}

/** A key as the plain object of the document names it (what `toJS` would make of it). */
const keyOf = (value: unknown): string => (value === null || value === undefined ? "" : String(value));

function firstLine(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

function yamlHint(code: string): string {
  switch (code) {
    case "DUPLICATE_KEY": return "Remove one of the two entries; YAML keeps only one of them.";
    case "MULTIPLE_DOCS": return "Keep one document per file (remove the `---` separator).";
    case "TAB_AS_INDENT": return "Indent with spaces, not tabs.";
    case "BAD_INDENT":
    case "MISSING_CHAR":
    case "UNEXPECTED_TOKEN": return "Check the indentation and punctuation on this line and the one above.";
    default: return "Fix the YAML syntax at this position.";
  }
}

export function positionOf(lineCounter: LineCounter, node: { range?: [number, number, number] | null }): Position | undefined {
  return node.range ? positionAtOffset(lineCounter, node.range[0]) : undefined;
}

function positionAtOffset(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * Finds the position of a JSON pointer (`/quota/requests/cpu`). Points at the
 * key when `at` is "key" (unknown keys), otherwise at the value; stops at the
 * deepest node that exists (a missing key is reported on its parent).
 */
export function locate(source: SourceDocument, pointer: string, at: "key" | "value" = "value"): Position {
  let node: unknown = source.doc.contents;
  let keyNode: unknown = null;
  const segments = pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  for (const segment of segments) {
    if (isAlias(node)) break;
    if (isMap(node)) {
      const pair = pairsOf(node).get(segment);
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value ?? pair.key;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      if (item === undefined) break;
      keyNode = null;
      node = item;
    } else break;
  }
  const target = (at === "key" && keyNode ? keyNode : node) as Node | null;
  return (target && positionOf(source.lineCounter, target)) ?? { line: 1, column: 1 };
}

/** Each mapping's pairs by key, indexed on the first lookup: a file with thousands of findings is located in linear time. */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
function pairsOf(map: YAMLMap): Map<string, Pair> {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? keyOf(pair.key.value) : String(pair.key);
      if (!index.has(key)) index.set(key, pair);
    }
    pairIndex.set(map, index);
  }
  return index;
}
