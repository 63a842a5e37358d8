#!/usr/bin/env node
// Derives the tree of keys a Helm chart accepts from the chart's own values.yaml,
// so that a misspelt value (controller.worker) fails the build instead of being
// silently ignored by Helm. A key whose default is an empty map, an empty list or
// null accepts anything beneath it ("*").
//
// Tests check that the committed key files match the upstream values.yaml.
//
//   node scripts/chart-keys.mjs <values.yaml> <chart>@<version> [<commented key>...]   > schemas/charts/<chart>-<version>.keys.json
//
// A commented key is one the chart's templates read that its values.yaml
// shows only in a comment (SeaweedFS's allInOne.s3.createBuckets); it accepts
// anything beneath it, and the file lists it under `commented`.
//
// then list the file in its component's descriptor (src/components/<component>.ts, `chartKeys`).
import { readFileSync } from "node:fs";
import { parse } from "yaml";

// Keys whose values are Kubernetes structures (a pod's securityContext, resources,
// affinity...): the chart passes them through whole, so any field is valid there.
const KUBERNETES_STRUCTURES = new Set(["affinity", "podSecurityContext", "resources", "securityContext", "tolerations", "topologySpreadConstraints"]);

export function keyTree(value, key = "") {
  if (KUBERNETES_STRUCTURES.has(key)) return "*";
  if (value === null || (typeof value === "object" && Object.keys(value).length === 0)) return "*";
  if (Array.isArray(value)) return "*";
  if (typeof value !== "object") return true;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, keyTree(value[k], k)]));
}

/** The tree with each dotted key added (accepting anything beneath it). */
export function withCommentedKeys(tree, keys = []) {
  const out = structuredClone(tree);
  for (const key of keys) {
    const parts = key.split(".");
    let node = out;
    for (const part of parts.slice(0, -1)) {
      if (typeof node[part] !== "object") throw new Error(`${key}: ${part} is not a map in values.yaml`);
      node = node[part];
    }
    node[parts.at(-1)] = "*";
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, chart, ...commented] = process.argv.slice(2);
  if (!file || !chart) {
    console.error("usage: node scripts/chart-keys.mjs <values.yaml> <chart>@<version>");
    process.exit(2);
  }
  const tree = withCommentedKeys(keyTree(parse(readFileSync(file, "utf8"))), commented);
  process.stdout.write(JSON.stringify({ chart, source: "values.yaml of the chart at this version", ...(commented.length ? { commented } : {}), keys: tree }, null, 2) + "\n");
}
