#!/usr/bin/env node
// Generates src/types/*.ts from the JSON Schemas in schemas/ (the one definition
// of the input shape), and the precompiled validators (scripts/gen-validators.mjs).
// `--check` exits 1 when the committed types or validators are stale.
import { readFile, writeFile } from "node:fs/promises";
import { compileFromFile } from "json-schema-to-typescript";
import { generateAll as generateValidators } from "./gen-validators.mjs";

const inputs = [
  ["schemas/platform.schema.json", "src/types/platform.ts"],
  ["schemas/team.schema.json", "src/types/team.ts"],
];
const check = process.argv.includes("--check");
let stale = [];
for (const [schema, out] of inputs) {
  const ts = await compileFromFile(schema, {
    bannerComment: `/* Generated from ${schema} by scripts/gen-types.mjs — do not edit. */`,
    additionalProperties: false,
    unknownAny: true,
    cwd: "schemas",
    style: { printWidth: 100, singleQuote: false },
  });
  if (check) {
    const current = await readFile(out, "utf8").catch(() => "");
    if (current !== ts) stale.push(out);
  } else {
    await writeFile(out, ts);
  }
}
stale.push(...(await generateValidators({ check })));
if (stale.length) {
  console.error(`Generated code is stale: ${stale.join(", ")}. Run: npm run gen:types`);
  process.exit(1);
}
