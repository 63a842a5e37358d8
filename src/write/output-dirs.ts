/**
 * Compares a freshly rendered tree with what is on disk, and writes it so that
 * an error or a kill in the middle leaves the previous tree whole.
 */
import { mkdir, readFile, rename, rm, writeFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { isGenerated, type FileTree } from "../emit/tree.js";

/** The directories the compiler owns. */
export const OUTPUT_DIRS = ["generated", "argocd"] as const;
const WORK_DIR = ".spark-platform";

export interface TreeDiff {
  added: string[];
  changed: string[];
  unchanged: string[];
  /** Written by the compiler before, no longer produced (e.g. a removed team). */
  stale: string[];
  /** In an output directory but not written by the compiler: never deleted silently. */
  foreign: string[];
}

export async function diffTree(root: string, tree: FileTree): Promise<TreeDiff> {
  await recoverInterruptedWrite(root);
  const diff: TreeDiff = { added: [], changed: [], unchanged: [], stale: [], foreign: [] };
  const existing = new Map<string, string>();
  for (const dir of OUTPUT_DIRS) {
    for (const file of await listFiles(root, dir)) existing.set(file, await readFile(path.join(root, file), "utf8"));
  }
  for (const [file, content] of tree) {
    const current = existing.get(file);
    if (current === undefined) diff.added.push(file);
    else if (current === content) diff.unchanged.push(file);
    else diff.changed.push(file);
  }
  for (const [file, content] of existing) {
    if (tree.has(file)) continue;
    (isGenerated(content) ? diff.stale : diff.foreign).push(file);
  }
  for (const list of Object.values(diff)) list.sort();
  return diff;
}

async function listFiles(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).split(path.sep).join("/"));
}

/**
 * Writes the whole tree: stage every output directory next to the real one,
 * then swap them in. A journal marks the moment the new tree is complete, so
 * an interrupted run is rolled back (before) or finished (after) by the next.
 */
export async function writeTree(root: string, tree: FileTree): Promise<void> {
  await recoverInterruptedWrite(root);
  const work = path.join(root, WORK_DIR);
  await rm(work, { recursive: true, force: true });
  const staged = path.join(work, "staged");
  for (const [file, content] of tree) {
    const target = path.join(staged, file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  const backup = path.join(work, "previous");
  await mkdir(backup, { recursive: true });
  for (const dir of OUTPUT_DIRS) {
    if (await exists(path.join(root, dir))) await rename(path.join(root, dir), path.join(backup, dir));
  }
  for (const dir of OUTPUT_DIRS) {
    if (await exists(path.join(staged, dir))) await rename(path.join(staged, dir), path.join(root, dir));
  }
  await writeFile(path.join(work, "committed"), "");
  await rm(work, { recursive: true, force: true });
}

/** Restores the previous tree if a write stopped before it was complete; cleans up otherwise. */
export async function recoverInterruptedWrite(root: string): Promise<"none" | "rolled-back" | "completed"> {
  const work = path.join(root, WORK_DIR);
  if (!(await exists(work))) return "none";
  if (await exists(path.join(work, "committed"))) {
    await rm(work, { recursive: true, force: true });
    return "completed";
  }
  const backup = path.join(work, "previous");
  for (const dir of OUTPUT_DIRS) {
    if (!(await exists(path.join(backup, dir)))) continue;
    await rm(path.join(root, dir), { recursive: true, force: true });
    await rename(path.join(backup, dir), path.join(root, dir));
  }
  await rm(work, { recursive: true, force: true });
  return "rolled-back";
}

const exists = (p: string) => stat(p).then(() => true, () => false);
