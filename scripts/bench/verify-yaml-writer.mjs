#!/usr/bin/env node
/**
 * Checks that the YAML writer's fast path (src/emit/fast-yaml.ts) prints
 * exactly what `yaml` prints: on random values built to hit YAML's corner
 * cases (keywords, numbers, indicators, multi-line strings...), and on every
 * document of the projects given as arguments. Needs a compiled dist/.
 *
 *   node scripts/bench/verify-yaml-writer.mjs [--runs 20000] [project dir...]
 */
import path from "node:path";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { parse, stringify } from "yaml";

const REPO = path.resolve(import.meta.dirname, "../..");
const { values: flags, positionals: projects } = parseArgs({ options: { runs: { type: "string", default: "20000" } }, allowPositionals: true });
const { fastYaml } = await import(path.join(REPO, "dist/src/emit/fast-yaml.js"));
// The writer's options (src/emit/yaml.ts).
const OPTIONS = { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false, compat: "yaml-1.1", indentSeq: true };

let fast = 0;
let fallback = 0;
let blocks = 0; // fast-path outputs with a `|` block
let quoted = 0; // ... with a double-quoted string
function same(value, where) {
  const expected = stringify(value, OPTIONS);
  const actual = fastYaml(value, OPTIONS);
  if (actual === undefined) {
    fallback++;
    return true;
  }
  fast++;
  if (/\|-?\n/.test(actual)) blocks++;
  if (/"/.test(actual)) quoted++;
  if (actual === expected) return true;
  console.error(`MISMATCH (${where}) for ${JSON.stringify(value)}\n--- yaml\n${expected}--- fast\n${actual}`);
  return false;
}

// 1. Random values.
const tricky = ["yes", "No", "ON", "off", "y", "n", "~", "null", "Null", "true", "False", "0", "-1", "1.5", "0o14", "014", "0x1F", "0b101", "1e3", ".inf", "-.Inf", ".nan", "1_000", "190:20:30", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "<<", "=", "-", "?", ":", "---", "...", "%TAG", "#x", "a #b", "a: b", "a:b", "@x", "`x", "!x", "&x", "*x", "|", ">", "'q'", '"q"', "[x]", "{x}", "a,b", " lead", "trail ", "tab\t", "é", "\u0007", "\r", "x\ny", "x\n", "x\n\n", "\nx", " x\ny", "x\n y\n", "x \ny", "x\n\ny", "x\n  \ny", "x\n---\ny", "x\n#c", "x\ny ", "x\ny\t", "x\n "];
const text = fc.oneof(fc.constantFrom(...tricky), fc.string({ unit: fc.constantFrom(..."ab01 :#-?'\"\n\t.,[]{}&*!|>%@`~yYnN/=_"), maxLength: 12 }), fc.string({ maxLength: 8 }));
const lines = fc.array(fc.oneof(text, fc.constantFrom("", " ", "  x", "a: b", "- x")), { minLength: 2, maxLength: 4 }).map((l) => l.join("\n"));
// Anything JSON-like, and values the fast path takes (strings, whole numbers, booleans).
const anyScalar = fc.oneof(text, lines, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(-0));
const fastScalar = fc.oneof(text, text, lines, fc.integer(), fc.boolean());
const trees = (scalar) => fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("list"), tie("map")),
  list: fc.array(tie("tree"), { maxLength: 4 }),
  map: fc.dictionary(text, tie("tree"), { maxKeys: 4 }),
})).tree;
const runs = Number(flags.runs);
for (const tree of [trees(anyScalar), trees(fastScalar)]) {
  fc.assert(fc.property(fc.oneof(fc.dictionary(text, tree, { maxKeys: 5 }), fc.array(tree, { maxLength: 5 })), (value) => same(value, "random")), { numRuns: runs });
}
console.log(`random values: ${fast} printed by the fast path (${blocks} with | blocks, ${quoted} with quotes), ${fallback} left to yaml, all equal`);

// 2. Every document the compiler produces for the given projects, and the YAML inside them (inline patches).
if (projects.length) {
  const { compile } = await import(path.join(REPO, "dist/src/pipeline.js"));
  for (const dir of projects) {
    fast = fallback = 0;
    const result = await compile(path.resolve(dir));
    if (!result.synthesis) throw new Error(`${dir} does not compile`);
    let ok = true;
    for (const file of result.synthesis.files) {
      for (const doc of file.documents) {
        ok = same(doc, file.path) && ok;
        for (const patch of JSON.stringify(doc).matchAll(/"patch":("(?:[^"\\]|\\.)*")/g)) ok = same(parse(JSON.parse(patch[1])), `${file.path} patch`) && ok;
      }
    }
    if (!ok) process.exit(1);
    console.log(`${dir}: ${fast} documents printed by the fast path, ${fallback} left to yaml, all equal`);
  }
}
