/**
 * Files that ship with the package and go into the generated output as they
 * are: the programs the platform runs in the cluster (programs/*.py), which
 * the compiler puts into ConfigMaps. Read relative to the package root, the
 * nearest package.json above this module (src/load/ or dist/src/load/), so
 * the compiled CLI and the sources read the same file.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

export function packageRoot(): string {
  if (root) return root;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return (root = dir);
    if (path.dirname(dir) === dir) throw new Error("spark-platform: no package.json above the compiler");
  }
}

const cache = new Map<string, string>();

/** A program's text, e.g. packageProgram("data-credentials.py"), from programs/. */
export function packageProgram(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(path.join(packageRoot(), "programs", name), "utf8");
    cache.set(name, text);
  }
  return text;
}
