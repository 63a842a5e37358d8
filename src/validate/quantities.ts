/**
 * What the schema's Quantity pattern cannot say: that a quantity stays an
 * exact integer in millicores or bytes ("999999999999999Ei" has 15 digits and
 * is 10^33 bytes), and that a YAML number prints as a plain decimal (1e-7
 * does not), since that text is what the generated objects carry. Run on
 * inputs that passed the schema, before the model is built: an input that
 * fails here is left out of the model like one that fails the schema, so no
 * later stage counts with such a number.
 */
import definitions from "../../schemas/definitions.schema.json" with { type: "json" };
import platformSchema from "../../schemas/platform.schema.json" with { type: "json" };
import teamSchema from "../../schemas/team.schema.json" with { type: "json" };
import environmentSchema from "../../schemas/environment.schema.json" with { type: "json" };
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { locate, type SourceDocument } from "../load/source.js";
import { quantityProblem, type QuantityUnit } from "../model/quantity.js";
import type { InputKind } from "./schema.js";

export const QUANTITY_OUT_OF_RANGE = "schema/quantity-out-of-range";

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  definitions?: Record<string, Schema>;
}

const DEFINITIONS = definitions as Schema;
const SCHEMAS: Record<InputKind, Schema> = { platform: platformSchema as Schema, team: teamSchema as Schema, environment: environmentSchema as Schema };

const escapePointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/** A `$ref` as the schemas write it: `#/definitions/X` in the same file, or `definitions.schema.json#/definitions/X`. */
function resolve(ref: string, document: Schema): { document: Schema; name: string; schema: Schema } {
  const [file, pointer] = ref.split("#");
  const target = file === "definitions.schema.json" ? DEFINITIONS : document;
  const name = pointer.replace(/^\/definitions\//, "");
  return { document: target, name, schema: target.definitions?.[name] ?? {} };
}

/** Every value the schema types as a Quantity, with its JSON pointer and the unit its key names (cpu, or else bytes). */
function* quantities(data: unknown, schema: Schema, document: Schema, pointer: string, key: string): Generator<{ pointer: string; unit: QuantityUnit; value: unknown }> {
  if (schema.$ref) {
    const target = resolve(schema.$ref, document);
    if (target.document === DEFINITIONS && target.name === "Quantity") yield { pointer, unit: key === "cpu" ? "cpu" : "memory", value: data };
    else yield* quantities(data, target.schema, target.document, pointer, key);
    return;
  }
  if (Array.isArray(data)) {
    if (schema.items) for (const [i, item] of data.entries()) yield* quantities(item, schema.items, document, `${pointer}/${i}`, key);
    return;
  }
  if (data === null || typeof data !== "object") return;
  for (const [name, value] of Object.entries(data)) {
    const child = schema.properties?.[name] ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
    if (child) yield* quantities(value, child, document, `${pointer}/${escapePointer(name)}`, name);
  }
}

/** The quantities of an input that passed the schema but that this platform cannot count exactly. */
export function validateQuantities(kind: InputKind, source: SourceDocument): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const { pointer, unit, value } of quantities(source.data, SCHEMAS[kind], SCHEMAS[kind], "", "")) {
    const problem = quantityProblem(value, unit);
    if (!problem) continue;
    diagnostics.push({
      severity: "error", code: QUANTITY_OUT_OF_RANGE,
      message: `\`${pointer.slice(1).replace(/\//g, ".")}\` ${problem.message}`,
      hint: problem.hint,
      file: source.file, path: pointer, ...locate(source, pointer),
    });
  }
  return diagnostics;
}
