import { ENVIRONMENTS_DIR, PLATFORM_FILE } from "../../load/inputs.js";
import { VALIDATION_DOCS, type SemanticRule } from "./rule.js";

export const schemaLineFor = (file: string): string =>
  file === PLATFORM_FILE
    ? "# yaml-language-server: $schema=./schemas/platform.schema.json"
    : `# yaml-language-server: $schema=../schemas/${file.startsWith(`${ENVIRONMENTS_DIR}/`) ? "environment" : "team"}.schema.json`;

export const inputNamesItsSchema: SemanticRule = {
  id: "input/schema-line",
  defaultSeverity: "warn",
  description: "Every input starts with the yaml-language-server schema line, so editors autocomplete and flag errors as people type.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    for (const source of model.sources.values()) {
      const expected = schemaLineFor(source.file);
      if (source.text.split("\n", 1)[0].trim() !== expected) {
        report({ file: source.file, path: "", at: { line: 1, column: 1 }, message: `${source.file} does not start with its schema line, so editors cannot check it as you type`, hint: `Make the first line: ${expected}` });
      }
    }
  },
};
