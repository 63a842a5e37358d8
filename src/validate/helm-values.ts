/**
 * Checks Helm values against the keys the chart really has (derived from its
 * values.yaml by scripts/chart-keys.mjs), since Helm silently ignores a
 * misspelt key such as `controller.worker`.
 */
import type { KeyTree } from "../components/component.js";
import { COMPONENTS } from "../components/registry.js";
import { suggest } from "./schema.js";

/** The chart versions whose keys we know: each component descriptor lists its own (`chartKeys`). */
const CHART_KEYS: Record<string, KeyTree> = Object.fromEntries(COMPONENTS.flatMap((c) => c.chartKeys.map((k) => [k.chart, k.keys as KeyTree])));

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
