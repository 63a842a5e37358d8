/**
 * Turns the tree on disk into a new one by touching only what differs, so
 * that an error or a kill at any point leaves the previous tree whole once
 * recovered: new content is first written aside (staged/), a journal then
 * lists every change, and only renames touch the real tree, each old file
 * moved aside (previous/) before it is replaced or removed. A write that fails
 * is rolled back at once; one that was killed, by the next build or check.
 *
 * Why not stage the whole tree and swap directories: creating and deleting
 * files and directories is what costs (seconds for a 1,000-team tree here),
 * and a build usually changes a few files or none.
 *
 * A journal read back from disk is checked before anything is done on its
 * word: written by this tool for this lock's run, every path normalized and
 * inside the output directories (or an owned file), and no directory on the
 * way a link.
 */
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { DiagnosticError } from "../diagnostics/diagnostic.js";
import { GENERATOR, type FileTree } from "../emit/tree.js";
import { isOwnedPath, OUTPUT_DIRS, realDirectory, type OnDisk } from "./on-disk.js";
import { untrusted, WORK_DIR, type WorkDir } from "./work-dir.js";

/** Every change from the tree on disk to the new one; paths relative to the project root. */
export interface Journal {
  /** New files in existing directories (and owned files outside the output directories). */
  added: string[];
  /** Topmost new directories, moved into place whole. */
  newDirs: string[];
  /** Files whose content changes. */
  changed: string[];
  /** Files that are not in the new tree. */
  removed: string[];
  /** Topmost directories that no longer hold any file. */
  emptied: string[];
}

export interface Plan {
  journal: Journal;
  /** Every file to write aside for it (new and changed files). */
  staged: string[];
}

const JOURNAL_FORMAT = 1;
const { dirname } = path.posix;
const inOutputDir = (p: string) => (OUTPUT_DIRS as readonly string[]).includes(p.split("/")[0]);

export function planChanges(onDisk: OnDisk, tree: FileTree): Plan {
  const journal: Journal = { added: [], newDirs: [], changed: [], removed: [], emptied: [] };
  const staged: string[] = [];
  const newDirs = new Set<string>();
  const needed = new Set<string>(); // every output directory a file of the new tree is in
  for (const [file, content] of tree) {
    for (let dir = dirname(file); inOutputDir(dir) && !needed.has(dir); dir = dirname(dir)) needed.add(dir);
    const current = onDisk.files.get(file);
    if (current === content) continue;
    staged.push(file);
    if (current !== undefined) {
      journal.changed.push(file);
      continue;
    }
    let top: string | undefined;
    for (let dir = dirname(file); inOutputDir(dir) && !onDisk.dirs.has(dir); dir = dirname(dir)) top = dir;
    if (top) newDirs.add(top);
    else journal.added.push(file);
  }
  journal.newDirs = [...newDirs];
  for (const file of onDisk.files.keys()) if (!tree.has(file)) journal.removed.push(file);
  for (const dir of onDisk.dirs) {
    if (!needed.has(dir) && (!dir.includes("/") || needed.has(dirname(dir)))) journal.emptied.push(dir);
  }
  return { journal, staged };
}

export const isEmpty = (j: Journal): boolean =>
  j.added.length + j.newDirs.length + j.changed.length + j.removed.length + j.emptied.length === 0;

/** Applies a plan in the locked work directory; leaves it holding a "committed" mark. */
export function applyChanges(root: string, work: WorkDir, tree: FileTree, { journal, staged }: Plan): void {
  const mkdir = mkdirOnce();
  for (const file of staged) {
    mkdir(path.join(work.path, "staged", dirname(file)));
    writeFileSync(path.join(work.path, "staged", file), tree.get(file)!);
  }
  writeFileSync(path.join(work.path, "journal.tmp"), JSON.stringify({ tool: GENERATOR, format: JOURNAL_FORMAT, runId: work.runId, ...journal }));
  renameSync(path.join(work.path, "journal.tmp"), path.join(work.path, "journal.json"));

  // From here on only renames (and removing emptied directories) touch the tree.
  const aside = (file: string) => {
    mkdir(path.join(work.path, "previous", dirname(file)));
    renameSync(path.join(root, file), path.join(work.path, "previous", file));
  };
  const intoPlace = (file: string) => renameSync(path.join(work.path, "staged", file), path.join(root, file));
  journal.removed.forEach(aside);
  for (const dir of journal.emptied) rmSync(path.join(root, dir), { recursive: true, force: true });
  for (const file of journal.changed) {
    aside(file);
    intoPlace(file);
  }
  journal.newDirs.forEach(intoPlace);
  for (const file of journal.added) {
    // An owned file's directory (.github/) is not ours to journal: made if missing, left if emptied.
    if (!inOutputDir(file)) mkdir(path.join(root, dirname(file)));
    intoPlace(file);
  }
  writeFileSync(path.join(work.path, "committed"), work.runId);
}

/**
 * The journal of an unfinished write of this lock's run, checked; undefined
 * when the write stopped before its journal was complete (nothing in the tree
 * had been touched then).
 */
export function readJournal(work: WorkDir): Journal | undefined {
  const file = path.join(work.path, "journal.json");
  let text: string;
  try {
    if (!lstatSync(file).isFile()) throw untrustedJournal("is not a regular file");
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw untrustedJournal("is not JSON");
  }
  if (data?.tool !== GENERATOR || data.format !== JOURNAL_FORMAT) throw untrustedJournal("is not a journal this version of the tool wrote");
  if (data.runId !== work.runId) throw untrustedJournal("is not from the build that holds the lock");
  const journal = { added: [], newDirs: [], changed: [], removed: [], emptied: [] } as Journal;
  for (const key of Object.keys(journal) as Array<keyof Journal>) {
    const list = data[key];
    const dirs = key === "newDirs" || key === "emptied";
    if (!Array.isArray(list)) throw untrustedJournal(`has no list \`${key}\``);
    for (const entry of list) {
      if (!isOwnedPath(entry, { dirs }) || (dirs && !inOutputDir(entry))) {
        throw untrustedJournal(`names ${JSON.stringify(entry)}, which is not a path inside ${OUTPUT_DIRS.join("/ or ")}/`);
      }
    }
    journal[key] = list as string[];
  }
  return journal;
}

/** Whether the write of this lock's run got as far as its "committed" mark. */
export function isCommitted(work: WorkDir): boolean {
  try {
    return readFileSync(path.join(work.path, "committed"), "utf8") === work.runId;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/**
 * Undoes whatever part of a journal was applied: removes what it added (only
 * entries of the kind it creates, so an old entry not yet moved aside stays),
 * then moves back every file it had moved aside. Emptied directories come
 * back only as far as the restored files need them. Safe to run at any point
 * of a write, and again.
 */
export function rollBack(root: string, work: WorkDir, journal: Journal): void {
  const checked = new Set<string>();
  // A link on the way (put there after the journal was written) would send a removal or a rename elsewhere.
  const at = (file: string) => {
    const dir = dirname(file);
    if (dir !== "." && !checked.has(dir)) {
      realDirectory(root, dir);
      checked.add(dir);
    }
    return path.join(root, file);
  };
  for (const dir of journal.newDirs) {
    if (kindOf(at(dir)) === "dir") rmSync(path.join(root, dir), { recursive: true, force: true });
  }
  for (const file of journal.added) {
    if (kindOf(at(file)) === "file") rmSync(path.join(root, file), { force: true });
  }
  for (const file of [...journal.changed, ...journal.removed]) {
    const saved = path.join(work.path, "previous", file);
    if (kindOf(saved) === undefined) continue; // never moved aside: still in place
    mkdirSync(path.dirname(at(file)), { recursive: true });
    renameSync(saved, path.join(root, file));
  }
}

function untrustedJournal(problem: string): DiagnosticError {
  const file = `${WORK_DIR}/journal.json`;
  return untrusted(file, `${file} ${problem}, so it is not followed`);
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
