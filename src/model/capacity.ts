/**
 * CPU and memory together, as the model counts them: millicores and bytes,
 * so that sums and comparisons are exact integers.
 */
import type { Resources } from "../types/platform.js";
import { bytes, formatApproximate, milliCPU } from "./quantity.js";

/** CPU in millicores and memory in bytes. */
export interface Capacity {
  cpu: number;
  memory: number;
}

export type CapacityDimension = keyof Capacity;
export const DIMENSIONS: readonly CapacityDimension[] = ["cpu", "memory"];

export const ZERO: Capacity = { cpu: 0, memory: 0 };

/** Written resources ({ cpu: "4", memory: "8Gi" }) as numbers; validation has refused what does not parse. */
export const capacityOf = (r: Resources | { cpu: string | number; memory: string | number }): Capacity => ({
  cpu: milliCPU(r.cpu),
  memory: bytes(r.memory),
});

export const add = (a: Capacity, b: Capacity): Capacity => ({ cpu: a.cpu + b.cpu, memory: a.memory + b.memory });
export const subtract = (a: Capacity, b: Capacity): Capacity => ({ cpu: a.cpu - b.cpu, memory: a.memory - b.memory });
export const minimum = (a: Capacity, b: Capacity): Capacity => ({ cpu: Math.min(a.cpu, b.cpu), memory: Math.min(a.memory, b.memory) });
export const sum = (items: readonly Capacity[]): Capacity => items.reduce(add, ZERO);
/** Below zero counts as nothing: what is left of the cluster is never negative. */
export const atLeastZero = (c: Capacity): Capacity => ({ cpu: Math.max(0, c.cpu), memory: Math.max(0, c.memory) });

/** The dimensions in which `small` does not fit in `large`. */
export const exceeds = (small: Capacity, large: Capacity): CapacityDimension[] => DIMENSIONS.filter((d) => small[d] > large[d]);

/** "8 CPU / 16Gi" (memory rounded when it is not a whole number of Mi) */
export const formatCapacity = (c: Capacity): string => `${formatApproximate("cpu", c.cpu)} / ${formatApproximate("memory", c.memory)}`;
