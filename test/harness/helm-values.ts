// The Helm values the platform deploys: the chart's own values.yaml (from the
// shared upstream folder) merged with the Application's
// spec.source.helm.valuesObject that the compiler generates, as Helm merges them.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { generatedDir } from "./platform-manifests.js";
import { upstreamDir } from "../support/paths.js";

export type Values = Record<string, unknown>;

interface Application {
  kind: string;
  metadata: { name: string };
  spec: { source: { chart?: string; targetRevision?: string; helm?: { releaseName?: string; valuesObject?: Values } }; destination: { namespace: string } };
}

export interface ChartRelease {
  application: string;
  chart: string;
  version: string;
  releaseName: string;
  namespace: string;
  /** values.yaml of the chart, overridden by the Application's valuesObject. */
  values: Values;
}

/** The release an Application in generated/applications deploys (e.g. "spark-operator", "volcano"). */
export function chartRelease(applicationName: string): ChartRelease {
  const file = join(generatedDir, "applications/platform.yaml");
  const app = parseAllDocuments(readFileSync(file, "utf8"))
    .map((doc) => doc.toJS() as Application | null)
    .find((object) => object?.kind === "Application" && object.metadata.name === applicationName);
  if (!app) throw new Error(`${file} has no Application ${applicationName}: run \`npm run build\``);
  const { chart, targetRevision, helm } = app.spec.source;
  if (!chart || !targetRevision) throw new Error(`Application ${applicationName} does not install a Helm chart`);
  const valuesFile = join(upstreamDir, `${chart}-v${targetRevision}`, "values.yaml");
  if (!existsSync(valuesFile)) throw new Error(`${valuesFile} not found: the simulation reads the chart's default values from the shared upstream folder`);
  const defaults = (parse(readFileSync(valuesFile, "utf8")) ?? {}) as Values;
  return {
    application: applicationName,
    chart,
    version: targetRevision,
    releaseName: helm?.releaseName ?? applicationName,
    namespace: app.spec.destination.namespace,
    values: mergeValues(defaults, helm?.valuesObject ?? {}),
  };
}

/** Helm's coalescing: maps merge key by key, anything else (lists included) is replaced. */
export function mergeValues(base: Values, override: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] = isMap(current) && isMap(value) ? mergeValues(current, value) : value;
  }
  return merged;
}

/** A value by dotted path ("controller.batchScheduler.enable"); undefined when absent. */
export function valueAt(values: Values, path: string): unknown {
  return path.split(".").reduce<unknown>((v, key) => (isMap(v) ? v[key] : undefined), values);
}

export function requireValue<T>(release: ChartRelease, path: string, check: (v: unknown) => v is T): T {
  const value = valueAt(release.values, path);
  if (!check(value)) throw new Error(`${release.chart} ${release.version}: value ${path} is ${JSON.stringify(value)}`);
  return value;
}

const isMap = (value: unknown): value is Values => typeof value === "object" && value !== null && !Array.isArray(value);
