/**
 * Chooses between validators precompiled by scripts/gen-validators.mjs and
 * compiling the schemas now. The precompiled ones are used only when they were
 * made from the schemas exactly as they are, so a schema edited without
 * regenerating (`npm run gen:code`) is still the one that validates: slower,
 * same result.
 */
import { createRequire } from "node:module";
import type { Options, ValidateFunction } from "ajv";

export interface PrecompiledModule {
  OPTIONS: Options;
  SCHEMAS: string;
}

export function currentValidators<K extends string>(precompiled: PrecompiledModule & Record<NoInfer<K>, ValidateFunction>, shared: object[], schemas: Record<K, object>): Record<K, ValidateFunction> {
  const names = Object.keys(schemas) as K[];
  if (JSON.stringify([...shared, ...names.map((name) => schemas[name])]) === precompiled.SCHEMAS) {
    return Object.fromEntries(names.map((name) => [name, precompiled[name] as ValidateFunction])) as Record<K, ValidateFunction>;
  }
  // ajv is CommonJS: required on this rare path only, so that it costs nothing otherwise.
  const { Ajv } = createRequire(import.meta.url)("ajv") as typeof import("ajv");
  const ajv = new Ajv(precompiled.OPTIONS);
  for (const schema of shared) ajv.addSchema(schema);
  return Object.fromEntries(names.map((name) => [name, ajv.compile(schemas[name])])) as Record<K, ValidateFunction>;
}
