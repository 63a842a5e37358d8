/**
 * The `components` part of platform.yaml's schema, made from the registry.
 * scripts/gen-types.mjs writes it into schemas/platform.schema.json (the copy
 * editors and the generated types read), and validation uses it as made here,
 * so the schema accepts exactly the registered components.
 */
import type { ComponentDescriptor } from "./component.js";
import { COMPONENTS } from "./registry.js";

export function componentsSchema(components: readonly ComponentDescriptor[] = COMPONENTS): Record<string, unknown> {
  // Components the platform installs by itself (`impliedBy`) have no key of their own.
  components = components.filter((c) => !c.impliedBy);
  const notes = components.flatMap((c) => (c.note ? [c.note] : []));
  return {
    title: "Components",
    type: "object",
    additionalProperties: false,
    required: components.filter((c) => c.required).map((c) => c.key),
    properties: Object.fromEntries(components.map((c) => [c.key, { $ref: `#/definitions/${c.settingsDefinition ?? "Component"}` }])),
    description: ["Platform components installed by Argo CD from their Helm charts (and objects the platform generates for them).", ...notes].join(" "),
  };
}

/** platform.yaml's schema with its `components` made from the registry. */
export function withRegisteredComponents<S extends { properties: Record<string, unknown> }>(schema: S, components: readonly ComponentDescriptor[] = COMPONENTS): S {
  return { ...schema, properties: { ...schema.properties, components: componentsSchema(components) } };
}
