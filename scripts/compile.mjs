#!/usr/bin/env node
/**
 * Compiles src/ into dist/ once, not on every command. The sources' fingerprint
 * (path, size and modification time of every file and folder under src/ and
 * schemas/, and of tsconfig.json, package.json and package-lock.json: the
 * compiler options, the module type, the compiler's version) is written to
 * dist/.source-stamp after a clean compile; a later run compiles again only
 * when the fingerprint differs. A folder's time changes when a file in it is
 * added, removed or renamed, so those count too; times are compared for
 * equality, so a file restored with an older time counts as well.
 *
 *   node scripts/compile.mjs              compile now (npm run compile)
 *   node scripts/compile.mjs --if-stale   compile only when the sources changed (prepare, pretest)
 *
 * tsc's own output goes to stderr: a command's stdout stays its report.
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const REPO = path.resolve(import.meta.dirname, "..");

/** What dist/ is compiled from (tsconfig.json: src/**, schemas/**) and with. */
const SOURCE_DIRS = ["src", "schemas"];
const SOURCE_FILES = ["tsconfig.json", "package.json", "package-lock.json"];
const STAMP = "dist/.source-stamp";
const LOCK = "dist/.compile-lock";

/** A hash of what the sources look like on disk: cheap (stat only, no reading). */
export function fingerprint(root = REPO) {
  const lines = [];
  const visit = (rel) => {
    let stat;
    try {
      stat = lstatSync(path.join(root, rel));
    } catch (error) {
      if (error.code === "ENOENT") return lines.push(`${rel}\tmissing`);
      throw error;
    }
    lines.push(`${rel}\t${stat.isDirectory() ? "d" : "f"}\t${stat.mtimeMs}\t${stat.size}`);
    if (stat.isDirectory()) for (const name of readdirSync(path.join(root, rel)).sort()) visit(`${rel}/${name}`);
  };
  for (const rel of [...SOURCE_DIRS, ...SOURCE_FILES]) visit(rel);
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}

export function isFresh(root = REPO) {
  const stamp = path.join(root, STAMP);
  return existsSync(stamp) && readFileSync(stamp, "utf8").trim() === fingerprint(root);
}

/**
 * Compiles when dist/ is older than the sources (or always, with `force`).
 * Returns whether tsc ran; throws a CompileError when it fails, with its
 * output already on stderr. Two commands started at once take turns on a lock
 * in dist/, and the second finds dist/ fresh.
 * @param {{ root?: string, force?: boolean, say?: (line: string) => void, tscOutput?: number | "ignore" }} [options]
 *   tscOutput: where tsc's messages go (default: our stderr)
 */
export async function ensureCompiled({ root = REPO, force = false, say = () => {}, tscOutput = 2 } = {}) {
  if (!force && isFresh(root)) return false;
  return withLock(root, () => {
    if (!force && isFresh(root)) return false; // compiled by the command that held the lock
    const tsc = path.join(root, "node_modules/typescript/bin/tsc");
    if (!existsSync(tsc)) throw new CompileError("dist/ is out of date and TypeScript is not installed: run `npm ci` (it compiles once, after installing)");
    const before = fingerprint(root); // a source edited while tsc runs makes the next run compile again
    say(existsSync(path.join(root, STAMP)) ? "compiling: the sources changed since dist/ was built" : "compiling src/ into dist/");
    const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: root, stdio: ["ignore", tscOutput, tscOutput] });
    if (result.status !== 0) {
      rmSync(path.join(root, STAMP), { force: true });
      throw new CompileError(`TypeScript did not compile (${result.error?.message ?? `exit ${result.status ?? result.signal}`}, above); nothing was run`);
    }
    writeFileSync(path.join(root, STAMP), before + "\n");
    return true;
  });
}

export class CompileError extends Error {}

async function withLock(root, fn) {
  const lock = path.join(root, LOCK);
  mkdirSync(path.dirname(lock), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const holder = Number(readFileSync(lock, "utf8").trim());
      // A lock whose process is gone (a compile stopped with Ctrl-C) is taken over.
      if (holder > 0 && !alive(holder)) rmSync(lock, { force: true });
      else if (Date.now() - started > 10 * 60_000) throw new CompileError(`another compile has held ${LOCK} for 10 minutes (process ${holder}); remove the file if that process is gone`);
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const force = !process.argv.includes("--if-stale");
  try {
    await ensureCompiled({ force, say: (line) => process.stderr.write(`${line}\n`) });
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 2;
  }
}
