/**
 * Checks an object against a CRD's openAPIV3Schema the way the API server
 * would: types, enums, required fields (with ajv), and fields the schema does
 * not know, which the API server would silently prune.
 */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parseAllDocuments } from "yaml";

type Schema = Record<string, any>;

export function crdSchema(file: string, version: string): Schema {
  const crd = parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS()).find((d) => d?.kind === "CustomResourceDefinition");
  const served = crd.spec.versions.find((v: { name: string }) => v.name === version);
  if (!served) throw new Error(`${file} does not serve ${version}`);
  return served.schema.openAPIV3Schema;
}

export function crdProblems(schema: Schema, object: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(intOrString(structuredClone(schema)));
  const problems = validate(object) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
  return [...problems, ...prunedFields(schema, object, "")];
}

/** x-kubernetes-int-or-string means "integer or string"; ajv does not know it. */
function intOrString(schema: Schema): Schema {
  if (schema && typeof schema === "object") {
    if (schema["x-kubernetes-int-or-string"]) {
      delete schema.type;
      schema.anyOf = [{ type: "integer" }, { type: "string" }, ...(schema.anyOf ?? [])];
    }
    for (const value of Object.values(schema)) if (value && typeof value === "object") intOrString(value);
  }
  return schema;
}

function prunedFields(schema: Schema, value: unknown, path: string): string[] {
  if (!schema || value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => prunedFields(schema.items, item, `${path}/${i}`));
  if (schema["x-kubernetes-preserve-unknown-fields"] || path === "/metadata") return [];
  if (schema.additionalProperties) {
    return Object.entries(value).flatMap(([k, v]) => prunedFields(schema.additionalProperties, v, `${path}/${k}`));
  }
  const properties = schema.properties ?? {};
  return Object.entries(value).flatMap(([k, v]) =>
    k in properties ? prunedFields(properties[k], v, `${path}/${k}`) : [`${path}/${k} is not in the CRD schema (the API server would drop it)`]);
}
