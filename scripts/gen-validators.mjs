#!/usr/bin/env node
// Precompiles the JSON Schemas in schemas/ into standalone ajv validators
// (src/precompiled/*.ts), so the CLI does not compile schemas at every start
// (about a third of a small build's time). schemas/*.json stay the one source:
// each generated module carries the schemas it was made from, and the code
// using it falls back to compiling at run time when they differ.
// `--check` exits 1 when the committed modules are stale.
//
//   node scripts/gen-validators.mjs [--check]
import { readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { Ajv } from "ajv";
import standalone from "ajv/dist/standalone/index.js";

const REPO = path.resolve(import.meta.dirname, "..");

/** One module per ajv instance: its options, shared schemas, and exported validators. */
export const MODULES = [
  {
    out: "src/precompiled/input-validators.ts",
    // The options src/validate/schema.ts needs: every error, with its schema (for hints).
    // `tsType` is json-schema-to-typescript's (scripts/gen-types.mjs), not a validation keyword.
    options: { allErrors: true, strict: true, verbose: true, allowUnionTypes: true, keywords: ["tsType"] },
    shared: ["schemas/definitions.schema.json"],
    exports: { platform: "schemas/platform.schema.json", team: "schemas/team.schema.json", environment: "schemas/environment.schema.json" },
  },
  {
    out: "src/precompiled/kind-validators.ts",
    // The options src/lint/validators.ts needs for generated objects. k3d's schema names two
    // formats: known, not checked here, as platform.schema.json checks the inputs they come
    // from (the cluster name, a DNS label; the bind address, an IPv4 address).
    options: { allErrors: true, strict: false, formats: { hostname: true, ipv4: true } },
    shared: [],
    exports: {
      queue: "schemas/kinds/queue.schema.json",
      sparkApplication: "schemas/kinds/sparkapplication.schema.json",
      kustomization: "schemas/kinds/kustomization.schema.json",
      jsonPatch: "schemas/kinds/json-patch.schema.json",
      k3dSimple: "schemas/kinds/k3d-simple.schema.json",
      strimziKafka: "schemas/kinds/strimzi-kafka.schema.json",
      strimziKafkaNodePool: "schemas/kinds/strimzi-kafkanodepool.schema.json",
      strimziKafkaTopic: "schemas/kinds/strimzi-kafkatopic.schema.json",
      strimziKafkaUser: "schemas/kinds/strimzi-kafkauser.schema.json",
    },
  },
];

const readJson = async (file) => JSON.parse(await readFile(path.join(REPO, file), "utf8"));

export async function generate(module) {
  const shared = await Promise.all(module.shared.map(readJson));
  const exported = Object.fromEntries(await Promise.all(Object.entries(module.exports).map(async ([name, file]) => [name, await readJson(file)])));
  const ajv = new Ajv({ ...module.options, code: { source: true, esm: true } });
  for (const schema of [...shared, ...Object.values(exported)]) ajv.addSchema(schema);
  let code = standalone.default(ajv, Object.fromEntries(Object.entries(exported).map(([name, schema]) => [name, schema.$id])));

  // ajv's ESM output still calls require() for its runtime helpers (ajv#2209).
  const needsRequire = code.includes("require(");
  code = code.replace(/^"use strict";/, "").replace(/export const (\w+) = (\w+);/g, "export const $1: ValidateFunction = $2;");

  const sources = [...module.shared, ...Object.values(module.exports)];
  return [
    `/* Generated from ${sources.join(", ")} by scripts/gen-validators.mjs — do not edit. */`,
    "// @ts-nocheck",
    'import type { Options, ValidateFunction } from "ajv";',
    ...(needsRequire ? ['import { createRequire } from "node:module";', "const require = createRequire(import.meta.url);"] : []),
    "",
    "/** The ajv options these validators were compiled with. */",
    `export const OPTIONS: Options = ${JSON.stringify(module.options)};`,
    "/** The schemas they were compiled from (shared first), to detect a schema edited since. */",
    `export const SCHEMAS = ${JSON.stringify(JSON.stringify([...shared, ...Object.values(exported)]))};`,
    "",
    code,
    "",
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes("--check");
  const stale = await generateAll({ check });
  if (stale.length) {
    console.error(`Precompiled validators are stale: ${stale.join(", ")}. Run: npm run gen:code`);
    process.exit(1);
  }
}

/** Writes (or with `check`, compares) every module; returns the stale ones. */
export async function generateAll({ check }) {
  const stale = [];
  for (const module of MODULES) {
    const text = await generate(module);
    const file = path.join(REPO, module.out);
    const current = await readFile(file, "utf8").catch(() => "");
    if (current === text) continue;
    if (check) stale.push(module.out);
    else {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
    }
  }
  return stale;
}
