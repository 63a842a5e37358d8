/**
 * The one YAML writer: deterministic, no anchors, no folded lines, and
 * strings like "yes" or "0o14" quoted so YAML 1.1 readers (Kubernetes' Go
 * libraries) read them back as strings.
 */
import { stringify } from "yaml";
import { fastYaml } from "./fast-yaml.js";

const OPTIONS = { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, compat: "yaml-1.1", indentSeq: true } as const;

export function toYaml(value: unknown): string {
  return fastYaml(value, OPTIONS) ?? stringify(value, OPTIONS);
}

/** A file's text: header comment, then its documents separated by `---`. */
export function fileText(header: string[], documents: object[]): string {
  return header.map((line) => `# ${line}\n`).join("") + documents.map(toYaml).join("---\n");
}
