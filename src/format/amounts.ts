/** Quantities as people read them in reports: "8 CPU", "16Gi", "2.5×". */
import type { Capacity } from "../model/platform-model.js";
import { formatCPU, formatMemory } from "../model/quantity.js";
import type { Dimension } from "./report.js";

/** Memory rounded to what a reader needs when it is not a whole number of Mi. */
function readableMemory(bytes: number): string {
  if (bytes === 0) return "0";
  const exact = formatMemory(bytes);
  if (!/^\d+$/.test(exact)) return exact;
  return bytes >= 2 ** 30 ? `${Number((bytes / 2 ** 30).toFixed(1))}Gi` : `${Math.round(bytes / 2 ** 20)}Mi`;
}

export function formatAmount(dimension: Dimension, amount: number): string {
  if (dimension === "cpu") return formatCPU(Math.round(amount));
  if (dimension === "memory") return readableMemory(amount);
  return String(amount);
}

/** "8 CPU / 16Gi" */
export const formatCapacity = (c: Capacity): string => `${formatAmount("cpu", c.cpu)} / ${formatAmount("memory", c.memory)}`;

/** "2.5×" */
export const formatRatio = (r: number): string => (Number.isFinite(r) ? `${Number(r.toFixed(2))}×` : "∞×");

export const formatPercent = (fraction: number): string => `${Number((fraction * 100).toFixed(1))} %`;
