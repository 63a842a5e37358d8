#!/usr/bin/env node
/**
 * The floor for any compiler that writes this output: read every YAML file
 * under generated/ and argocd/ of a project, parse it with `yaml` and
 * serialize it again with the writer's options. Nothing else (no checks, no
 * writes). Usage: node yaml-floor.mjs <project dir>
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments, stringify } from "yaml";

// The same options as src/emit/yaml.ts, so the floor does the same work per byte.
const OPTIONS = { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, compat: "yaml-1.1", indentSeq: true };

const root = process.argv[2];
if (!root) {
  console.error("usage: yaml-floor.mjs <project dir>");
  process.exit(2);
}
let bytes = 0;
let documents = 0;
for (const dir of ["generated", "argocd"]) {
  for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".yaml")) continue;
    const text = readFileSync(path.join(entry.parentPath, entry.name), "utf8");
    const values = parseAllDocuments(text).map((doc) => doc.toJS());
    bytes += values.map((value) => stringify(value, OPTIONS)).join("---\n").length;
    documents += values.length;
  }
}
if (process.env.BENCH_VERBOSE) console.error(`${documents} documents, ${bytes} bytes`);
