/** Report cells: CPU, memory (src/model/quantity.ts writes them) and pod counts. */
import { formatApproximate } from "../model/quantity.js";
import type { Dimension } from "./report.js";

export { formatCapacity } from "../model/capacity.js";
export { formatPercent, formatRatio } from "../model/quantity.js";

export const formatAmount = (dimension: Dimension, amount: number): string => (dimension === "pods" ? String(amount) : formatApproximate(dimension, amount));
