/**
 * Turns the tree on disk into a new one by touching only what differs, so
 * that an error or a kill at any point leaves the previous tree whole once
 * recovered: new content is first written aside (staged/), a journal then
 * lists every change, and only renames touch the real tree, each old file
 * moved aside (previous/) before it is replaced or removed. A run that stops
 * before the end is rolled back by the next one, from the journal.
 *
 * Why not stage the whole tree and swap directories: creating and deleting
 * files and directories is what costs (seconds for a 1,000-team tree here),
 * and a build usually changes a few files or none.
 */
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { FileTree } from "../emit/tree.js";
import type { OnDisk } from "./on-disk.js";

/** Every change from the tree on disk to the new one; paths relative to the project root. */
export interface Journal {
  /** New files in existing directories. */
  added: string[];
  /** Topmost new directories, moved into place whole. */
  newDirs: string[];
  /** Files whose content changes. */
  changed: string[];
  /** Files (and symlinks...) that are not in the new tree. */
  removed: string[];
  /** Topmost directories that no longer hold any file. */
  emptied: string[];
}

const { dirname } = path.posix;

/** The journal, and every file to write aside for it (new and changed files). */
export function planChanges(onDisk: OnDisk, tree: FileTree): { journal: Journal; staged: string[] } {
  const journal: Journal = { added: [], newDirs: [], changed: [], removed: [], emptied: [] };
  const staged: string[] = [];
  const newDirs = new Set<string>();
  const needed = new Set<string>(); // every directory a file of the new tree is in
  for (const [file, content] of tree) {
    for (let dir = dirname(file); dir !== "." && !needed.has(dir); dir = dirname(dir)) needed.add(dir);
    const current = onDisk.files.get(file);
    if (current === content) continue;
    staged.push(file);
    if (current !== undefined) {
      journal.changed.push(file);
      continue;
    }
    let top: string | undefined;
    for (let dir = dirname(file); dir !== "." && !onDisk.dirs.has(dir); dir = dirname(dir)) top = dir;
    if (top) newDirs.add(top);
    else journal.added.push(file);
  }
  journal.newDirs = [...newDirs];
  for (const file of onDisk.files.keys()) if (!tree.has(file)) journal.removed.push(file);
  journal.removed.push(...onDisk.others);
  for (const dir of onDisk.dirs) {
    if (!needed.has(dir) && (dirname(dir) === "." || needed.has(dirname(dir)))) journal.emptied.push(dir);
  }
  return { journal, staged };
}

export const isEmpty = (j: Journal): boolean =>
  j.added.length + j.newDirs.length + j.changed.length + j.removed.length + j.emptied.length === 0;

/** Applies a plan. `work` must not exist; it is left holding a "committed" mark. */
export function applyChanges(root: string, work: string, tree: FileTree, { journal, staged }: ReturnType<typeof planChanges>): void {
  const mkdir = mkdirOnce();
  mkdir(work);
  for (const file of staged) {
    mkdir(path.join(work, "staged", dirname(file)));
    writeFileSync(path.join(work, "staged", file), tree.get(file)!);
  }
  writeFileSync(path.join(work, "journal.tmp"), JSON.stringify(journal));
  renameSync(path.join(work, "journal.tmp"), path.join(work, "journal.json"));

  // From here on only renames (and removing emptied directories) touch the tree.
  const aside = (file: string) => {
    mkdir(path.join(work, "previous", dirname(file)));
    renameSync(path.join(root, file), path.join(work, "previous", file));
  };
  const intoPlace = (file: string) => renameSync(path.join(work, "staged", file), path.join(root, file));
  journal.removed.forEach(aside);
  for (const dir of journal.emptied) rmSync(path.join(root, dir), { recursive: true, force: true });
  for (const file of journal.changed) {
    aside(file);
    intoPlace(file);
  }
  journal.newDirs.forEach(intoPlace);
  journal.added.forEach(intoPlace);
  writeFileSync(path.join(work, "committed"), "");
}

/** The journal of an interrupted write, if it got as far as writing one. */
export function readJournal(work: string): Journal | undefined {
  try {
    return JSON.parse(readFileSync(path.join(work, "journal.json"), "utf8")) as Journal;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Undoes whatever part of a journal was applied: removes what it added (only
 * entries of the kind it creates, so an old entry not yet moved aside stays),
 * then moves back every file it had moved aside. Emptied directories come
 * back only as far as the restored files need them.
 */
export function rollBack(root: string, work: string, journal: Journal): void {
  for (const dir of journal.newDirs) {
    if (kindOf(path.join(root, dir)) === "dir") rmSync(path.join(root, dir), { recursive: true, force: true });
  }
  for (const file of journal.added) {
    if (kindOf(path.join(root, file)) === "file") rmSync(path.join(root, file), { force: true });
  }
  for (const file of [...journal.changed, ...journal.removed]) {
    const saved = path.join(work, "previous", file);
    if (kindOf(saved) === undefined) continue; // never moved aside: still in place
    mkdirSync(path.join(root, dirname(file)), { recursive: true });
    renameSync(saved, path.join(root, file));
  }
}

function kindOf(p: string): "file" | "dir" | "other" | undefined {
  try {
    const stat = lstatSync(p);
    return stat.isFile() ? "file" : stat.isDirectory() ? "dir" : "other";
  } catch {
    return undefined;
  }
}

/** mkdir -p, at most once per directory. */
function mkdirOnce(): (dir: string) => void {
  const made = new Set<string>();
  return (dir) => {
    if (made.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  };
}
