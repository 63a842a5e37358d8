/**
 * Reads one YAML input file into a document that remembers where every value
 * came from, so later stages can point at file:line:column.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import type { Diagnostic } from "../diagnostics/diagnostic.js";

/** Inputs are kilobytes; anything this large is a mistake or an attack. */
export const MAX_INPUT_BYTES = 1024 * 1024;

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
  if (text.trim() === "" || /^(\s*#.*\n?)*\s*$/.test(text)) {
    return { diagnostics: [at("yaml/empty", "file is empty", "Write the settings as key: value pairs; see the schema named on the file's first line.")] };
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    const pos = error.linePos?.[0];
    diagnostics.push(at(`yaml/${error.code.toLowerCase().replace(/_/g, "-")}`, firstLine(error.message), yamlHint(error.code), pos && { line: pos.line, column: pos.col }));
  }
  if (diagnostics.length) return { diagnostics };

  // Aliases make one value appear in many places (and enable "billion laughs"
  // bombs); team files are small enough to write every value out.
  visit(doc, {
    Alias(_key, node) {
      diagnostics.push(at("yaml/alias", `alias *${node.source} is not allowed in platform inputs`, "Write the value out in full instead of using an anchor and alias.", positionOf(lineCounter, node)));
    },
  });
  if (diagnostics.length) return { diagnostics };

  const data = doc.toJS({ maxAliasCount: 0 });
  if (!isMap(doc.contents)) {
    const found = isSeq(doc.contents) ? "a list" : isScalar(doc.contents) ? "a single value" : "nothing";
    return { diagnostics: [at("yaml/not-a-mapping", `expected key: value pairs at the top level, found ${found}`, "Start the file with keys such as `name:`; see the schema named on its first line.", doc.contents ? positionOf(lineCounter, doc.contents) : undefined)] };
  }
  return { source: { file, text, doc, lineCounter, data }, diagnostics };
}

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
  if (!node.range) return undefined;
  const { line, col } = lineCounter.linePos(node.range[0]);
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
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === segment);
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
