/** One merge for everything written over something else: Helm values over a component's own, an environment over platform.yaml. */

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `over` merged into `base` key by key: maps merge, arrays and scalars
 * replace, and a key `over` leaves undefined keeps `base`'s value. Neither
 * input is changed, and the result shares no object with them.
 */
export function mergeOver<T>(base: T, over: unknown): T {
  if (!isMap(base) || !isMap(over)) return structuredClone(over === undefined ? base : over) as T;
  const merged: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(over)) merged[key] = mergeOver(merged[key], value);
  return merged as T;
}
