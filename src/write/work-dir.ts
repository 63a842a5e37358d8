/**
 * .spark-platform/: the lock that serializes builds (and checks) of one
 * checkout, and, while a write is under way, its journal (./journal.ts).
 *
 * A pull request can commit anything here (.gitignore does not stop
 * `git add -f`), and recovery moves and deletes files on the journal's word,
 * so nothing in the directory is trusted unless a build of this checkout wrote
 * it. The lock names the directory it was made in by device, inode and birth
 * time, which a commit cannot choose (Git creates the directory on checkout),
 * and carries a run id that the journal must repeat. Anything else found here
 * is refused, with what to do, and nothing is touched.
 *
 * The lock is made atomically (written aside, then hard-linked into place).
 * A lock whose process is gone (same host, no such pid) is stale and taken
 * over; the taker keeps its run id, so an unfinished write it left is still
 * attributable and is rolled back. Three builds racing over one stale lock can
 * still, at worst, make one of them refuse; none of them follows anything
 * untrusted.
 */
import { randomUUID } from "node:crypto";
import { linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { DiagnosticError, type Diagnostic } from "../diagnostics/diagnostic.js";
import { GENERATOR } from "../emit/tree.js";
import { kindOf } from "../load/file-kind.js";

export const WORK_DIR = ".spark-platform";
const LOCK = "lock";
const LOCK_FORMAT = 1;
/** What a write leaves in the directory while it runs (./journal.ts). */
export const WRITE_ENTRIES: readonly string[] = ["journal.json", "journal.tmp", "committed", "staged", "previous"];
/** A lock being written (tmp) or taken over (old) by some build; removed on release. */
const LOCK_SCRATCH = /^lock\.[0-9a-f-]{36}\.(tmp|old)$/;
const POLL_MS = 100;
/** How long a build waits for another one to finish before it gives up. */
export const DEFAULT_LOCK_WAIT_MS = 60_000;

interface LockRecord {
  tool: string;
  format: number;
  runId: string;
  pid: number;
  host: string;
  /** The directory the lock was made in: device:inode:birth time. */
  dir: string;
  startedAt: string;
}

export interface WorkDir {
  /** Absolute path of .spark-platform/. */
  path: string;
  /** The run id a journal written or found here must carry. */
  runId: string;
  /** True when the lock was taken over from a build that died: its unfinished write may be here. */
  inherited: boolean;
  /**
   * Removes the lock (and the directory, once empty); never throws for I/O.
   * `keepLock`: leave the lock file for the next build to take over (a
   * journal that could not be rolled back yet is there).
   */
  release(options?: { keepLock?: boolean }): void;
}

export interface LockOptions {
  /** Milliseconds to wait for another build to finish (default 60 s). */
  wait?: number;
}

/** Lock contents this process holds: a lock with our pid that is not one of these is a dead process's. */
const held = new Set<string>();

export async function lockWorkDir(root: string, options: LockOptions = {}): Promise<WorkDir> {
  const dir = path.join(root, WORK_DIR);
  const lockPath = path.join(dir, LOCK);
  const me = randomUUID();
  const deadline = Date.now() + (options.wait ?? DEFAULT_LOCK_WAIT_MS);
  for (let attempt = 0; ; attempt++) {
    // Races with other builds are retried at once; a running build is polled.
    if (attempt > 0) await sleep(attempt < 10 ? 5 : POLL_MS);
    const identity = ensureWorkDir(dir);
    const existing = readLock(lockPath);
    const mine = (runId: string): LockRecord => ({ tool: GENERATOR, format: LOCK_FORMAT, runId, pid: process.pid, host: hostname(), dir: identity, startedAt: new Date().toISOString() });
    if (!existing) {
      const record = mine(me);
      if (placeLock(dir, me, record)) return admit(dir, record, false);
      continue;
    }
    const { record: other, text } = existing;
    // A directory removed and made again by other builds meanwhile is not a foreign lock: look again.
    if (other.dir !== identity && ensureWorkDir(dir) !== identity) continue;
    if (other.dir !== identity) throw untrusted(`${WORK_DIR}/${LOCK}`, `${WORK_DIR}/${LOCK} was not made in this directory (it was copied or committed), so nothing in ${WORK_DIR}/ is from a build in this checkout`);
    const holder = holderOf(other, text);
    if (holder === "dead") {
      const record = mine(other.runId);
      if (takeOver(dir, me, text, record)) return admit(dir, record, true);
      continue;
    }
    if (holder === "elsewhere") throw locked(`a build on host ${other.host} (pid ${other.pid}, started ${other.startedAt}) holds the lock of this checkout`, `If no build is running there, delete ${WORK_DIR}/ and run the command again.`);
    if (Date.now() >= deadline) {
      throw locked(`another build is running (pid ${other.pid}, started ${other.startedAt}) and did not finish in time`, `Wait for it to finish, then run the command again. If no build is running (pid ${other.pid} is another program), delete ${WORK_DIR}/${LOCK}.`);
    }
  }
}

/** Makes .spark-platform/ if need be; refuses anything but a real directory. Returns its identity. */
function ensureWorkDir(dir: string): string {
  let stat = lstatOrUndefined(dir);
  if (!stat) {
    try {
      mkdirSync(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    stat = lstatSync(dir, { bigint: true });
  }
  if (!stat.isDirectory()) throw untrusted(WORK_DIR, `${WORK_DIR} is ${kindOf(stat)}, not the directory a build makes, so it is not from a build in this checkout`);
  return `${stat.dev}:${stat.ino}:${stat.birthtimeNs}`;
}

/** The lock and its exact text; undefined when there is none; refused when it is not one this tool wrote. */
function readLock(lockPath: string): { record: LockRecord; text: string } | undefined {
  const stat = lstatOrUndefined(lockPath);
  if (!stat) return undefined;
  const file = `${WORK_DIR}/${LOCK}`;
  const refuse = () => untrusted(file, `${file} is not a lock this tool wrote, so nothing in ${WORK_DIR}/ is from a build in this checkout`);
  if (!stat.isFile() || stat.size > 4096) throw refuse();
  let text: string;
  try {
    text = readFileSync(lockPath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined; // released meanwhile
    throw error;
  }
  let record: Partial<LockRecord>;
  try {
    record = JSON.parse(text) as Partial<LockRecord>;
  } catch {
    throw refuse();
  }
  const valid = record && record.tool === GENERATOR && record.format === LOCK_FORMAT && typeof record.runId === "string" && /^[0-9a-f-]{36}$/.test(record.runId) &&
    Number.isSafeInteger(record.pid) && record.pid! > 0 && typeof record.host === "string" && typeof record.dir === "string" && typeof record.startedAt === "string";
  if (!valid) throw refuse();
  return { record: record as LockRecord, text };
}

function holderOf(lock: LockRecord, text: string): "alive" | "dead" | "elsewhere" {
  if (lock.host !== hostname()) return "elsewhere";
  if (lock.pid === process.pid) return held.has(text) ? "alive" : "dead";
  try {
    process.kill(lock.pid, 0);
    return "alive";
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH" ? "dead" : "alive";
  }
}

/** Puts `record` in place unless a lock is there. */
function placeLock(dir: string, me: string, record: LockRecord): boolean {
  const tmp = path.join(dir, `${LOCK}.${me}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(record), { flag: "wx" });
  } catch (error) {
    // The directory was removed meanwhile by a build releasing the lock: try again.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  try {
    linkSync(tmp, path.join(dir, LOCK));
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" || code === "ENOENT") return false;
    // No hard links on this file system: exclusive create, not atomic.
    if (code === "EPERM" || code === "ENOTSUP" || code === "ENOSYS") return createExclusive(path.join(dir, LOCK), JSON.stringify(record));
    throw error;
  } finally {
    unlinkQuietly(tmp);
  }
}

function createExclusive(file: string, text: string): boolean {
  try {
    writeFileSync(file, text, { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/** Replaces the stale lock whose text is `stale` with `record`; false when another build got there first. */
function takeOver(dir: string, me: string, stale: string, record: LockRecord): boolean {
  const lockPath = path.join(dir, LOCK);
  const old = path.join(dir, `${LOCK}.${me}.old`);
  try {
    renameSync(lockPath, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  try {
    if (readFileSync(old, "utf8") !== stale) {
      // Another build took it over first and we moved its lock: put it back.
      try {
        linkSync(old, lockPath);
      } catch {
        /* a third build made a fresh lock meanwhile; it refuses the journal it finds */
      }
      return false;
    }
    return placeLock(dir, me, record);
  } finally {
    unlinkQuietly(old);
  }
}

/** Holding the lock: checks that nothing else is in the directory (a dead build's write may be, when `inherited`). */
function admit(dir: string, record: LockRecord, inherited: boolean): WorkDir {
  const text = JSON.stringify(record);
  held.add(text);
  const work: WorkDir = {
    path: dir, runId: record.runId, inherited,
    release: ({ keepLock = false } = {}) => {
      held.delete(text);
      if (keepLock) return;
      quietly(() => readFileSync(path.join(dir, LOCK), "utf8") === text && unlinkSync(path.join(dir, LOCK)));
      // Scratch files a killed build left; one of a build trying the lock right now only makes it try again.
      quietly(() => readdirSync(dir).filter((name) => LOCK_SCRATCH.test(name)).forEach((name) => unlinkSync(path.join(dir, name))));
      // Not empty when another build waits with its lock, or a journal is kept for recovery.
      quietly(() => rmdirSync(dir));
    },
  };
  const strangers = readdirSync(dir).sort().filter((name) => name !== LOCK && !LOCK_SCRATCH.test(name) && !(inherited && WRITE_ENTRIES.includes(name)));
  if (strangers.length) {
    work.release();
    const shown = strangers.slice(0, 3).map((n) => `${WORK_DIR}/${n}`).join(", ") + (strangers.length > 3 ? `, and ${strangers.length - 3} more` : "");
    throw untrusted(`${WORK_DIR}/${strangers[0]}`, `${shown} ${strangers.length === 1 ? "is" : "are"} not from a build in this checkout (no lock of a build made here vouches for ${strangers.length === 1 ? "it" : "them"})`);
  }
  return work;
}

/** Something in .spark-platform/ that no build of this checkout wrote. */
export function untrusted(file: string, message: string): DiagnosticError {
  return new DiagnosticError([{
    severity: "error", code: "workdir/untrusted", file, message,
    hint: `Delete ${WORK_DIR}/: it is not from a build in this checkout. Builds make it and remove it, and it is never committed (see .gitignore); if a pull request adds it, ask for it to be removed. Nothing was changed.`,
  } satisfies Diagnostic]);
}

function locked(message: string, hint: string): DiagnosticError {
  return new DiagnosticError([{ severity: "error", code: "workdir/locked", file: `${WORK_DIR}/${LOCK}`, message, hint: `${hint} Nothing was changed.` }]);
}

function lstatOrUndefined(file: string) {
  try {
    return lstatSync(file, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Runs `step`, ignoring a file-system error: releasing the lock must not fail a build whose files are in place. */
function quietly(step: () => unknown): void {
  try {
    step();
  } catch (error) {
    if (!(error instanceof Error && "code" in error)) throw error;
  }
}

const unlinkQuietly = (file: string) => quietly(() => unlinkSync(file));
