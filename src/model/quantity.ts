/**
 * Kubernetes resource quantities ("500m", "4", "8Gi") as numbers: CPU in
 * millicores, memory in bytes, so sums and comparisons are exact integers.
 *
 * Inputs use a subset of Kubernetes' grammar
 * (https://github.com/kubernetes/apimachinery/blob/master/pkg/api/resource/quantity.go):
 * digits with an optional decimal point and suffix, no sign, no exponent
 * ("1e3"). Kubernetes itself takes any number of digits and caps the value at
 * 2^63 − 1; here a quantity has at most MAX_DIGITS significant digits and must
 * stay an exact integer in base units, so that no comparison ever sees
 * Infinity or a rounded number.
 */
const SUFFIX: Record<string, number> = {
  "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
/** What a double holds exactly in decimal digits (the schema's Quantity pattern says the same). */
export const MAX_DIGITS = 15;
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

export type QuantityUnit = "cpu" | "memory";
/** Base units per unit of the model: millicores per core, bytes per byte. */
const SCALE: Record<QuantityUnit, number> = { cpu: 1000, memory: 1 };
const BASE_UNIT: Record<QuantityUnit, string> = { cpu: "millicores", memory: "bytes" };

export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuantityError";
  }
}

/** What is wrong with a quantity a person wrote, and how to write it instead. */
export interface QuantityProblem {
  /** Completes "`quota.requests.cpu` …". */
  message: string;
  hint: string;
}

const significantDigits = (decimal: string): number => decimal.replace(".", "").replace(/^0+/, "").length || 1;

/**
 * Why `value` is not a quantity this platform accepts for `unit`, or undefined
 * when it is. YAML reads `cpu: 4` as a number; such numbers must also print as
 * a plain decimal (1e21 and 1e-7 do not), since that text is what the
 * generated objects carry.
 */
export function quantityProblem(value: unknown, unit: QuantityUnit): QuantityProblem | undefined {
  const example = unit === "cpu" ? '"4" or "500m"' : '"8Gi" or "512Mi"';
  let decimal: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return { message: "is a number too large to represent", hint: `Write a quantity of at most ${MAX_DIGITS} digits, e.g. ${example}.` };
    if (value < 0) return { message: `is negative (${value})`, hint: `Write a quantity of zero or more, e.g. ${example}.` };
    decimal = String(value);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(decimal)) {
      return { message: `is the number ${decimal}, which is not a plain decimal quantity`, hint: `Write it as a string without an exponent, with a suffix if it is very small or very large, e.g. ${example}.` };
    }
  } else if (typeof value === "string") {
    const match = QUANTITY.exec(value);
    if (!match) return { message: `is ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}, which is not a Kubernetes quantity`, hint: `Write digits with an optional decimal point and suffix (m, k, M, G, Ki, Mi, Gi, …), e.g. ${example}.` };
    decimal = match[1];
  } else {
    return { message: "is not a quantity", hint: `Write a quantity, e.g. ${example}.` };
  }
  if (significantDigits(decimal) > MAX_DIGITS) {
    return { message: `has ${significantDigits(decimal)} significant digits, more than the ${MAX_DIGITS} a quantity may have`, hint: `Use a larger suffix and fewer digits, e.g. ${example}.` };
  }
  const base = parseQuantity(value) * SCALE[unit];
  if (base > Number.MAX_SAFE_INTEGER) {
    return {
      message: `is ${unit === "cpu" ? "more CPU" : "more memory"} than can be counted exactly (at most ${Number.MAX_SAFE_INTEGER} ${BASE_UNIT[unit]})`,
      hint: `No node or quota is that large: write the amount you mean, e.g. ${example}.`,
    };
  }
  return undefined;
}

/** The quantity in base units (cores, bytes); throws on what quantityProblem refuses (validation reports it first). */
export function parseQuantity(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) throw new QuantityError(`not a Kubernetes quantity: ${value}`);
    return value;
  }
  const match = QUANTITY.exec(value);
  if (!match) throw new QuantityError(`not a Kubernetes quantity: ${value.length > 40 ? `${value.slice(0, 40)}…` : value}`);
  return Number(match[1]) * SUFFIX[match[2] ?? ""];
}

export const milliCPU = (value: string | number): number => Math.round(parseQuantity(value) * 1000);
export const bytes = (value: string | number): number => Math.round(parseQuantity(value));

/*
 * Quantities as text, all here: exact for messages that state a limit,
 * rounded for shares nobody writes down, and as Kubernetes quantities for
 * the files the tool writes.
 */

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

/** Exactly: what a message says a quota, a guarantee or a job needs. */
export const formatQuantity = (unit: QuantityUnit, amount: number): string => (unit === "cpu" ? formatCPU(amount) : formatMemory(amount));

/** Rounded to what a reader needs where the exact number is noise (a weight's share of the cluster): "8 CPU", "2.7Gi", "896Mi". */
export function formatApproximate(unit: QuantityUnit, amount: number): string {
  if (unit === "cpu") return formatCPU(Math.round(amount));
  if (amount === 0) return "0";
  const exact = formatMemory(amount);
  if (!/^\d+$/.test(exact)) return exact;
  return amount >= 2 ** 30 ? `${Number((amount / 2 ** 30).toFixed(1))}Gi` : `${Math.round(amount / 2 ** 20)}Mi`;
}

/** As a Kubernetes quantity, exact, in the largest suffix that keeps it whole: "4", "500m", "8Gi", "1536Mi". */
export function quantityText(unit: QuantityUnit, amount: number): string {
  if (unit === "cpu") return amount % 1000 === 0 ? String(amount / 1000) : `${amount}m`;
  for (const [suffix, size] of [["Gi", 2 ** 30], ["Mi", 2 ** 20], ["Ki", 2 ** 10]] as const) {
    if (amount % size === 0 && amount > 0) return `${amount / size}${suffix}`;
  }
  return String(amount);
}

/** "2.5×" */
export const formatRatio = (r: number): string => (Number.isFinite(r) ? `${Number(r.toFixed(2))}×` : "∞×");

/** "40 %" */
export const formatPercent = (fraction: number): string => `${Number((fraction * 100).toFixed(1))} %`;

const SPARK_MEMORY = /^([0-9]+)([kmgt])$/;

/** Spark's JVM memory notation ("512m", "2g") in bytes. */
export function sparkMemoryBytes(value: string): number {
  const match = SPARK_MEMORY.exec(value);
  if (!match) throw new QuantityError(`not a Spark memory size: ${value.length > 40 ? `${value.slice(0, 40)}…` : value}`);
  return Number(match[1]) * 1024 ** ("kmgt".indexOf(match[2]) + 1);
}
