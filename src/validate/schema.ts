/**
 * Validates input documents against the JSON Schemas in schemas/ and turns
 * ajv's errors into diagnostics a person can act on: the position in the file,
 * the allowed keys or values, and a "did you mean" for near misses.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { closest, distance } from "fastest-levenshtein";
import definitions from "../../schemas/definitions.schema.json" with { type: "json" };
import platformSchema from "../../schemas/platform.schema.json" with { type: "json" };
import teamSchema from "../../schemas/team.schema.json" with { type: "json" };
import environmentSchema from "../../schemas/environment.schema.json" with { type: "json" };
import { withRegisteredComponents } from "../components/schema.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { locate, type SourceDocument } from "../load/source.js";
import { currentValidators } from "../precompiled/current.js";
import * as precompiled from "../precompiled/input-validators.js";

export type InputKind = "platform" | "team" | "environment";

let validators: Record<InputKind, ValidateFunction> | undefined;

/**
 * Precompiled at development time (scripts/gen-validators.mjs): compiling them costs a start-up.
 * platform.yaml's `components` come from the component registry, which the committed schema copies.
 */
function compiled(): Record<InputKind, ValidateFunction> {
  validators ??= currentValidators(precompiled, [definitions], { platform: withRegisteredComponents(platformSchema), team: teamSchema, environment: environmentSchema });
  return validators;
}

export function validateSchema(kind: InputKind, source: SourceDocument): Diagnostic[] {
  const validate = compiled()[kind];
  if (validate(source.data)) return [];
  const errors = dropRedundant(validate.errors ?? []);
  const misspelt = misspeltRequired(errors);
  return errors.filter((e) => e.keyword !== "required" || !misspelt.has(e)).map((error) => toDiagnostic(error, source, misspelt));
}

const allowedKeys = (error: ErrorObject) => Object.keys((error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});

/**
 * A misspelt required key is one mistake, not two: the unknown key whose
 * did-you-mean is a missing required key of the same mapping stands for both,
 * and the `required` error it explains is left out. Maps each such
 * `required` error to its unknown key, and each unknown key to the key it misses.
 */
function misspeltRequired(errors: ErrorObject[]): Map<ErrorObject, string> {
  const pairs = new Map<ErrorObject, string>();
  for (const unknown of errors.filter((e) => e.keyword === "additionalProperties")) {
    const key = String(unknown.params.additionalProperty);
    const meant = suggest(key, allowedKeys(unknown));
    const missing = errors.find((e) => e.keyword === "required" && e.instancePath === unknown.instancePath && e.params.missingProperty === meant && !pairs.has(e));
    if (!missing || meant === undefined) continue;
    pairs.set(missing, key);
    pairs.set(unknown, meant);
  }
  return pairs;
}

/** A type error on a value makes its other errors (pattern, enum) noise. */
function dropRedundant(errors: ErrorObject[]): ErrorObject[] {
  const typeErrors = new Set(errors.filter((e) => e.keyword === "type").map((e) => e.instancePath));
  const seen = new Set<string>();
  return errors.filter((e) => {
    if (e.keyword !== "type" && typeErrors.has(e.instancePath)) return false;
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toDiagnostic(error: ErrorObject, source: SourceDocument, misspelt: ReadonlyMap<ErrorObject, string>): Diagnostic {
  const where = (pointer: string, at: "key" | "value" = "value") => ({ file: source.file, path: pointer || "/", ...locate(source, pointer, at) });
  const field = error.instancePath ? `\`${error.instancePath.slice(1).replace(/\//g, ".")}\`` : "the file";
  const parent = error.parentSchema as { description?: string; properties?: Record<string, { description?: string }> } | undefined;

  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(error.params.additionalProperty);
      const allowed = Object.keys(parent?.properties ?? {});
      const suggestion = suggest(key, allowed);
      const required = misspelt.get(error);
      return {
        severity: "error", code: "schema/unknown-key",
        message: `unknown key \`${key}\` in ${field}${required ? `, and the required key \`${required}\` is missing` : ""}`,
        hint: suggestion ? `Did you mean \`${suggestion}\`? Allowed keys: ${allowed.join(", ")}.` : `Allowed keys: ${allowed.join(", ")}.`,
        ...where(`${error.instancePath}/${escapePointer(key)}`, "key"),
      };
    }
    case "required": {
      const key = String(error.params.missingProperty);
      const about = parent?.properties?.[key]?.description;
      return {
        severity: "error", code: "schema/missing-key",
        message: `missing required key \`${key}\` in ${field}`,
        hint: about ? `Add \`${key}:\` (${lowerFirst(about)})` : `Add \`${key}:\`.`,
        ...where(error.instancePath),
      };
    }
    case "enum": {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const suggestion = typeof error.data === "string" ? suggest(error.data, allowed) : undefined;
      return {
        severity: "error", code: "schema/not-allowed",
        message: `${field} is ${JSON.stringify(error.data)}, which is not one of: ${allowed.join(", ")}`,
        hint: suggestion ? `Did you mean \`${suggestion}\`?` : `Use one of: ${allowed.join(", ")}.`,
        ...where(error.instancePath),
      };
    }
    case "type": {
      return {
        severity: "error", code: "schema/wrong-type",
        message: `${field} must be ${article(String(error.params.type))}, found ${describe(error.data)}`,
        hint: (error.parentSchema as { description?: string } | undefined)?.description ?? "Check the value against the schema.",
        ...where(error.instancePath),
      };
    }
    case "pattern": {
      const schema = error.parentSchema as { title?: string; description?: string } | undefined;
      return {
        severity: "error", code: "schema/bad-format",
        message: `${field} is ${quoted(error.data)}, which is not ${schema?.title ? `a valid ${schema.title}` : "in the expected format"}`,
        hint: schema?.description ?? `It must match ${error.params.pattern}.`,
        ...where(error.instancePath),
      };
    }
    case "minimum":
    case "maximum": {
      const bound = error.keyword === "minimum" ? "at least" : "at most";
      const about = (error.parentSchema as { description?: string } | undefined)?.description;
      // The schema's description says what the value is; the fix is the bound.
      return {
        severity: "error", code: `schema/${error.keyword}`,
        message: `${field} is ${describe(error.data)}; it must be ${bound} ${error.params.limit}`,
        hint: `Use a value ${bound} ${error.params.limit}.${about ? ` ${about}` : ""}`,
        ...where(error.instancePath),
      };
    }
    case "minLength": {
      const about = (error.parentSchema as { description?: string } | undefined)?.description;
      const empty = error.data === "";
      return {
        severity: "error", code: "schema/minLength",
        message: empty ? `${field} is empty` : `${field} is ${quoted(error.data)}, shorter than ${error.params.limit} characters`,
        hint: `Write ${empty ? "a value" : `at least ${error.params.limit} characters`}.${about ? ` ${about}` : ""}`,
        ...where(error.instancePath),
      };
    }
    case "maxLength": {
      const about = (error.parentSchema as { description?: string } | undefined)?.description;
      return {
        severity: "error", code: "schema/maxLength",
        message: `${field} is ${String(error.data).length} characters long, more than ${error.params.limit}`,
        hint: `Shorten it to at most ${error.params.limit} characters.${about ? ` ${about}` : ""}`,
        ...where(error.instancePath),
      };
    }
    default:
      return {
        severity: "error", code: `schema/${error.keyword}`,
        message: `${field} ${error.message}`,
        hint: (error.parentSchema as { description?: string } | undefined)?.description ?? "Check the value against the schema.",
        ...where(error.instancePath),
      };
  }
}

/** The closest candidate, if it is close enough to be a typo. */
export function suggest(input: string, candidates: string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = input.toLowerCase();
  const exact = candidates.find((c) => c.toLowerCase() === lower);
  if (exact) return exact;
  const best = closest(input, candidates);
  return distance(input, best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

/** A value as JSON, cut short: a 400-digit quantity need not be repeated whole. */
const quoted = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 40)}…" (${String(value).length} characters)` : text;
};
const escapePointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const article = (type: string) => type.split(",").map((t) => ({ object: "a mapping", array: "a list", integer: "a whole number", number: "a number", string: "a string", boolean: "true or false" })[t] ?? t).join(" or ");
function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "nothing (null)";
  if (typeof value === "object") return "a mapping";
  // YAML reads 1e400 or .inf as Infinity, which JSON would print as null.
  if (typeof value === "number" && !Number.isFinite(value)) return "a number too large to represent";
  return `${typeof value} ${JSON.stringify(value)}`;
}
