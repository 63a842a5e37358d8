/**
 * Compares a freshly rendered tree with what is on disk, and writes it so that
 * an error or a kill in the middle leaves the previous tree whole.
 */
import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { isGenerated, type FileTree } from "../emit/tree.js";
import { applyChanges, isEmpty, planChanges, readJournal, rollBack } from "./journal.js";
import { OUTPUT_DIRS, readOnDisk } from "./on-disk.js";

export { OUTPUT_DIRS };
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
  const existing = readOnDisk(root).files;
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

/**
 * Makes the output directories hold exactly `tree` (anything else in them is
 * removed), changing only what differs, through a journal (./journal.ts) that
 * lets the next run roll an interrupted write back.
 */
export async function writeTree(root: string, tree: FileTree): Promise<void> {
  await recoverInterruptedWrite(root);
  const plan = planChanges(readOnDisk(root), tree);
  if (isEmpty(plan.journal)) return;
  const work = path.join(root, WORK_DIR);
  applyChanges(root, work, tree, plan);
  removeWork(work);
}

/** Restores the previous tree if a write stopped before it was complete; cleans up otherwise. */
export async function recoverInterruptedWrite(root: string): Promise<"none" | "rolled-back" | "completed"> {
  const work = path.join(root, WORK_DIR);
  if (!existsSync(work)) return "none";
  const committed = existsSync(path.join(work, "committed"));
  if (!committed) {
    const journal = readJournal(work);
    if (journal) rollBack(root, work, journal);
    else restoreWholeDirs(root, work);
  }
  removeWork(work);
  return committed ? "completed" : "rolled-back";
}

/**
 * The journal and the "committed" mark go last: a stop while cleaning up must
 * not leave previous/ without them, which would read as an old-style write
 * to roll back.
 */
function removeWork(work: string): void {
  const last = ["journal.json", "committed"];
  for (const entry of readdirSync(work)) if (!last.includes(entry)) rmSync(path.join(work, entry), { recursive: true, force: true });
  for (const entry of last) rmSync(path.join(work, entry), { force: true });
  rmSync(work, { recursive: true, force: true });
}

/** Earlier versions staged whole output directories and moved the old ones to previous/<dir>. */
function restoreWholeDirs(root: string, work: string): void {
  for (const dir of OUTPUT_DIRS) {
    const saved = path.join(work, "previous", dir);
    if (!existsSync(saved)) continue;
    rmSync(path.join(root, dir), { recursive: true, force: true });
    renameSync(saved, path.join(root, dir));
  }
}
