/**
 * The one YAML writer: deterministic, no anchors, no folded lines, strings
 * like "yes" or "0o14" quoted so YAML 1.1 readers (Kubernetes' Go libraries)
 * read them back as strings, and strings with line-breaking or control
 * characters escaped (./safe-text.ts), so that no value can change the
 * structure another parser reads.
 */
import { Document, visit } from "yaml";
import { fastYaml } from "./fast-yaml.js";
import { escapeUnsafe, hasUnsafeChar } from "./safe-text.js";

/** How every file is printed; test/fast-yaml.test.ts checks the fast path against `yaml` with these. */
export const WRITER_OPTIONS = { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, compat: "yaml-1.1", indentSeq: true } as const;

export function toYaml(value: unknown): string {
  return fastYaml(value, WRITER_OPTIONS) ?? escapedYaml(value);
}

/**
 * `yaml`'s output with every string that holds an unsafe character in double
 * quotes, where those characters are then escaped: `yaml` escapes only what
 * JSON escapes, and leaves U+0085, U+2028, U+2029... raw even there.
 */
function escapedYaml(value: unknown): string {
  const doc = new Document(value, WRITER_OPTIONS);
  let unsafe = false;
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && hasUnsafeChar(node.value)) {
        node.type = "QUOTE_DOUBLE";
        unsafe = true;
      }
    },
  });
  const text = doc.toString(WRITER_OPTIONS);
  // Every raw unsafe character left is inside one of those double-quoted scalars.
  return unsafe ? escapeUnsafe(text) : text;
}

/** A file's text: header comment, then its documents separated by `---`. */
export function fileText(header: string[], documents: object[]): string {
  return header.map((line) => `# ${line}\n`).join("") + documents.map(toYaml).join("---\n");
}

