/**
 * Checks Helm values against the keys the chart really has (derived from its
 * values.yaml by scripts/chart-keys.mjs), since Helm silently ignores a
 * misspelt key such as `controller.worker`.
 */
import sparkOperator230 from "../../schemas/charts/spark-operator-2.3.0.keys.json" with { type: "json" };
import volcano182 from "../../schemas/charts/volcano-1.8.2.keys.json" with { type: "json" };
import { suggest } from "./schema.js";

type KeyTree = { [key: string]: KeyTree | true | "*" };

/** One line per chart version we know the keys of. */
const CHART_KEYS: Record<string, KeyTree> = {
  [sparkOperator230.chart]: sparkOperator230.keys as KeyTree,
  [volcano182.chart]: volcano182.keys as KeyTree,
};

export const knownChartVersions = (): string[] => Object.keys(CHART_KEYS).sort();

export interface UnknownValueKey {
  /** JSON pointer below `values`, e.g. /controller/worker */
  pointer: string;
  /** Dotted Helm path, e.g. controller.worker */
  dotted: string;
  suggestion?: string;
}

/** `undefined` when the chart version has no key list. */
export function unknownValueKeys(chart: string, version: string, values: unknown): UnknownValueKey[] | undefined {
  const tree = CHART_KEYS[`${chart}@${version}`];
  if (!tree) return undefined;
  const found: UnknownValueKey[] = [];
  const walk = (value: unknown, node: KeyTree, path: string[]) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const known = node[key];
      if (known === undefined) {
        const dotted = [...path, key].join(".");
        found.push({ pointer: "/" + [...path, key].join("/"), dotted, suggestion: suggest(key, Object.keys(node)) });
      } else if (known !== "*" && known !== true) {
        walk(child, known, [...path, key]);
      }
    }
  };
  walk(values, tree, []);
  return found;
}
