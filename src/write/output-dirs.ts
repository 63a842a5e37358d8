/**
 * Compares a freshly rendered tree with the compiler's files on disk, and
 * writes it so that an error or a kill in the middle leaves the previous tree
 * whole. Both hold the lock of .spark-platform/ (./work-dir.ts), so builds and
 * checks of one checkout run one at a time, and both first finish what a
 * killed build of this checkout left (./journal.ts). Every file-system failure
 * comes out as a DiagnosticError with a fix.
 */
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { DiagnosticError, type Diagnostic } from "../diagnostics/diagnostic.js";
import { isGenerated, type FileTree } from "../emit/tree.js";
import { ioDiagnostic, isErrnoError } from "./io-error.js";
import { applyChanges, isCommitted, isEmpty, planChanges, readJournal, rollBack, type Plan } from "./journal.js";
import { isOwnedPath, OUTPUT_DIRS, OWNED_FILE_ADVICE, OWNED_FILES, readOnDisk, type Irregular, type OnDisk } from "./on-disk.js";
import { lockWorkDir, untrusted, WORK_DIR, WRITE_ENTRIES, type LockOptions, type WorkDir } from "./work-dir.js";

export { OUTPUT_DIRS, OWNED_FILES, WORK_DIR, type Irregular, type LockOptions };

export interface TreeDiff {
  added: string[];
  changed: string[];
  unchanged: string[];
  /** Written by the compiler before, no longer produced (e.g. a removed team). */
  stale: string[];
  /** Regular files not written by the compiler: never replaced or deleted. */
  foreign: string[];
  /** Symbolic links, FIFOs, devices... where the compiler's files are: never followed or deleted. */
  irregular: Irregular[];
}

const OWNED = `${OUTPUT_DIRS.map((dir) => `${dir}/`).join(", ")}, ${OWNED_FILES.join(", ")}`;
const NOTHING_CHANGED = `Nothing the compiler writes (${OWNED}) was changed.`;
const NOT_RESTORED = `The previous files could not all be put back yet: they are kept in ${WORK_DIR}/, and the next build or check puts them back first.`;

export async function diffTree(root: string, tree: FileTree, options: LockOptions = {}): Promise<TreeDiff> {
  return locked(root, options, () => diffOf(readOnDisk(root), tree));
}

/**
 * Makes the compiler's files on disk exactly `tree`, changing only what
 * differs. Refuses (a DiagnosticError, each diagnostic naming the file and
 * the fix) before touching anything when a file it did not write, or one that
 * is not a regular file, is in the output directories: it would have to
 * replace or delete it. Any caller of the library gets the same guarantee as
 * `build`. Returns what it changed.
 */
export async function writeTree(root: string, tree: FileTree, options: LockOptions = {}): Promise<TreeDiff> {
  const outside = [...tree.keys()].filter((file) => !isOwnedPath(file));
  if (outside.length) throw new DiagnosticError(outside.map(notOwned));
  return locked(root, options, (work) => {
    const onDisk = readOnDisk(root);
    const diff = diffOf(onDisk, tree);
    const refused = refusals(diff);
    if (refused.length) throw new DiagnosticError(refused);
    const plan = planChanges(onDisk, tree);
    if (!isEmpty(plan.journal)) apply(root, work, tree, plan);
    return diff;
  });
}

export type Recovery = "none" | "rolled-back" | "completed";

/** Finishes what a killed build of this checkout left: rolls its write back, or cleans up after it if it was complete. */
export async function recoverInterruptedWrite(root: string, options: LockOptions = {}): Promise<Recovery> {
  return locked(root, options, (_work, recovery) => recovery);
}

/** Runs `body` holding the lock, after recovery; file-system errors become diagnostics. */
async function locked<T>(root: string, options: LockOptions, body: (work: WorkDir, recovery: Recovery) => T): Promise<T> {
  let work: WorkDir;
  try {
    work = await lockWorkDir(root, options);
  } catch (error) {
    throw asDiagnostic(error, root, NOTHING_CHANGED);
  }
  try {
    let recovery: Recovery;
    try {
      recovery = recover(root, work);
    } catch (error) {
      throw asDiagnostic(error, root, `What a killed build left in ${WORK_DIR}/ is kept, to be put back once this is fixed.`);
    }
    try {
      return body(work, recovery);
    } catch (error) {
      throw asDiagnostic(error, root, NOTHING_CHANGED);
    }
  } finally {
    // A journal still there must keep its lock: the next run takes the lock over and rolls the write back.
    work.release({ keepLock: hasWriteEntries(work) });
  }
}

function recover(root: string, work: WorkDir): Recovery {
  if (!work.inherited || !hasWriteEntries(work)) return "none";
  const journal = readJournal(work);
  const committed = isCommitted(work);
  if (!journal && !committed && readdirSync(work.path).includes("previous")) {
    // The journal is written before anything is moved aside, and removed after previous/.
    throw untrusted(`${WORK_DIR}/previous`, `${WORK_DIR}/previous/ is there without the journal that says where its files belong, so it is not followed`);
  }
  if (journal && !committed) rollBack(root, work, journal);
  clearWork(work);
  return committed ? "completed" : "rolled-back";
}

function apply(root: string, work: WorkDir, tree: FileTree, plan: Plan): void {
  try {
    applyChanges(root, work, tree, plan);
  } catch (error) {
    let outcome = NOTHING_CHANGED;
    try {
      rollBack(root, work, plan.journal);
      clearWork(work);
    } catch {
      outcome = NOT_RESTORED;
    }
    throw asDiagnostic(error, root, outcome);
  }
  try {
    clearWork(work);
  } catch (error) {
    throw asDiagnostic(error, root, `The new files are in place; the next build or check cleans ${WORK_DIR}/ up.`);
  }
}

/**
 * The journal and the "committed" mark go last, the journal first: a stop
 * while cleaning up must leave either nothing to do, or a journal that says
 * what to do. A journal without its mark after the mark's write is gone would
 * roll a complete write back.
 */
function clearWork(work: WorkDir): void {
  const last = ["journal.json", "committed"];
  for (const entry of WRITE_ENTRIES) if (!last.includes(entry)) rmSync(path.join(work.path, entry), { recursive: true, force: true });
  for (const entry of last) rmSync(path.join(work.path, entry), { force: true });
}

function hasWriteEntries(work: WorkDir): boolean {
  try {
    return readdirSync(work.path).some((name) => WRITE_ENTRIES.includes(name));
  } catch {
    return false;
  }
}

function diffOf(onDisk: OnDisk, tree: FileTree): TreeDiff {
  const diff: TreeDiff = { added: [], changed: [], unchanged: [], stale: [], foreign: [], irregular: [...onDisk.others] };
  for (const [file, content] of tree) {
    const current = onDisk.files.get(file);
    // Outside the output directories the compiler replaces only what it wrote: never a hand-written CODEOWNERS.
    if (current !== undefined && OWNED_FILES.includes(file) && !isGenerated(current)) diff.foreign.push(file);
    else if (current === undefined) diff.added.push(file);
    else if (current === content) diff.unchanged.push(file);
    else diff.changed.push(file);
  }
  for (const [file, content] of onDisk.files) {
    if (tree.has(file)) continue;
    (isGenerated(content) ? diff.stale : diff.foreign).push(file);
  }
  for (const list of [diff.added, diff.changed, diff.unchanged, diff.stale, diff.foreign]) list.sort();
  diff.irregular.sort((a, b) => (a.file < b.file ? -1 : 1));
  return diff;
}

/** What a build will not write over: files it did not write, and anything that is not a regular file. */
export function refusals(diff: TreeDiff): Diagnostic[] {
  return [
    ...diff.foreign.map((file): Diagnostic => ({
      severity: "error", code: "output/foreign-file", file,
      message: `${file} was not written by the compiler (it has no generated header), so the build does not replace or delete it`,
      hint: OWNED_FILE_ADVICE[file]
        ? `The build writes ${file} ${OWNED_FILE_ADVICE[file]}, delete it, and run the build again.`
        : `Move it out of ${OUTPUT_DIRS.join("/ and ")}/ or delete it: the compiler owns these directories and never deletes a file silently.`,
    })),
    ...diff.irregular.map(({ file, kind }): Diagnostic => ({
      severity: "error", code: "output/not-a-regular-file", file,
      message: `${file} is ${kind}; the compiler writes only regular files here, so it neither follows nor deletes it`,
      hint: `Delete it (Kustomize and Argo CD would follow a link or read a device), then run the build again.`,
    })),
  ];
}

/** A tree that would write outside what the compiler owns: refused whole, before anything is touched. */
function notOwned(file: string): Diagnostic {
  return {
    severity: "error", code: "output/not-owned", file,
    message: `the tree to write holds ${JSON.stringify(file)}, which is not a path the compiler owns, so nothing is written`,
    hint: `Write only ${OWNED} (relative paths, no \`..\`). ${NOTHING_CHANGED}`,
  };
}

function asDiagnostic(error: unknown, root: string, outcome: string): unknown {
  if (error instanceof DiagnosticError) return error;
  if (isErrnoError(error)) return new DiagnosticError([ioDiagnostic(error, root, outcome)]);
  return error;
}
