#!/usr/bin/env node
// Generates src/types/*.ts from the JSON Schemas in schemas/ (the one definition
// of the input shape), and the precompiled validators (scripts/gen-validators.mjs).
// The `components` of schemas/platform.schema.json come from the component
// registry (src/components), read from the compiled library, so run it after
// `npm run compile`.
// `--check` exits 1 when the committed schema, types or validators are stale.
import { existsSync, statSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { compileFromFile } from "json-schema-to-typescript";
import { generateAll as generateValidators } from "./gen-validators.mjs";

const REPO = path.resolve(import.meta.dirname, "..");

const inputs = [
  ["schemas/platform.schema.json", "src/types/platform.ts"],
  ["schemas/team.schema.json", "src/types/team.ts"],
  ["schemas/environment.schema.json", "src/types/environment.ts"],
];
const check = process.argv.includes("--check");
let stale = [];

// platform.schema.json's `components`, from the registry.
const PLATFORM_SCHEMA = "schemas/platform.schema.json";
const componentsDir = path.join(REPO, "src/components");
for (const file of await readdir(componentsDir)) {
  const compiled = path.join(REPO, "dist/src/components", file.replace(/\.ts$/, ".js"));
  if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(path.join(componentsDir, file)).mtimeMs) {
    console.error(`dist/ is older than src/components/${file}: run npm run compile first.`);
    process.exit(1);
  }
}
const { withRegisteredComponents } = await import(pathToFileURL(path.join(REPO, "dist/src/components/schema.js")).href);
const schemaText = await readFile(path.join(REPO, PLATFORM_SCHEMA), "utf8");
const registered = JSON.stringify(withRegisteredComponents(JSON.parse(schemaText)), null, 2) + "\n";
if (registered !== schemaText) {
  if (check) stale.push(PLATFORM_SCHEMA);
  else await writeFile(path.join(REPO, PLATFORM_SCHEMA), registered);
}
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
  console.error(`Generated code is stale: ${stale.join(", ")}. Run: npm run gen:code`);
  process.exit(1);
}
