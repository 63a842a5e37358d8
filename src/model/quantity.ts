/**
 * Kubernetes resource quantities ("500m", "4", "8Gi") as numbers: CPU in
 * millicores, memory in bytes, so sums and comparisons are exact integers.
 */
const SUFFIX: Record<string, number> = {
  "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

export function isQuantity(value: unknown): boolean {
  return (typeof value === "number" && value >= 0) || (typeof value === "string" && QUANTITY.test(value));
}

/** The quantity in base units (cores, bytes); throws on bad syntax (schemas catch that first). */
export function parseQuantity(value: string | number): number {
  if (typeof value === "number") return value;
  const match = QUANTITY.exec(value);
  if (!match) throw new Error(`not a Kubernetes quantity: ${value}`);
  return Number(match[1]) * SUFFIX[match[2] ?? ""];
}

export const milliCPU = (value: string | number): number => Math.round(parseQuantity(value) * 1000);
export const bytes = (value: string | number): number => Math.round(parseQuantity(value));

/** "8 CPU", "2.5 CPU", "500m CPU" */
export function formatCPU(milli: number): string {
  return milli % 1000 === 0 ? `${milli / 1000} CPU` : milli > 1000 ? `${(milli / 1000).toFixed(2).replace(/0+$/, "")} CPU` : `${milli}m CPU`;
}

/** "16Gi", "1536Mi", "1.5Gi" */
export function formatMemory(byteCount: number): string {
  for (const [unit, size] of [["Ti", 2 ** 40], ["Gi", 2 ** 30], ["Mi", 2 ** 20], ["Ki", 2 ** 10]] as const) {
    if (byteCount >= size && byteCount % (size / 4) === 0) return `${byteCount / size}${unit}`;
  }
  return `${byteCount}`;
}

/** Spark's JVM memory notation ("512m", "2g") in bytes. */
export function sparkMemoryBytes(value: string): number {
  const match = /^([0-9]+)([kmgt])$/.exec(value);
  if (!match) throw new Error(`not a Spark memory size: ${value}`);
  return Number(match[1]) * 1024 ** ("kmgt".indexOf(match[2]) + 1);
}
