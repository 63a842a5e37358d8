/**
 * Runs one command as a fresh process and measures its wall time, CPU time
 * (user + system: less sensitive than wall time to other load on the machine)
 * and peak memory (maximum resident set size). CPU and memory come from GNU
 * time (`/usr/bin/time -f "%M %U %S"`) when present, else, for node commands
 * only, from a preload that reports process.resourceUsage() at exit.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const GNU_TIME = "/usr/bin/time";
const hasGnuTime = existsSync(GNU_TIME);
const USAGE_PRELOAD = pathToFileURL(path.join(import.meta.dirname, "usage-preload.mjs")).href;

export const usageSource = hasGnuTime ? "GNU time (%M %U %S)" : "process.resourceUsage() (node commands only)";

/**
 * @param {{ timeoutMs?: number, env?: NodeJS.ProcessEnv, cwd?: string }} [options] env: the whole environment (default: ours)
 * @returns {Promise<{ ms: number, cpuMs: number | null, rssMB: number | null, timedOut: boolean, code: number | null, stderr: string }>}
 */
export async function measure({ file, args }, { timeoutMs, env = process.env, cwd } = {}) {
  const scratch = mkdtempSync(path.join(tmpdir(), "bench-usage-"));
  const usageFile = path.join(scratch, "usage");
  const isNode = file === process.execPath;
  let argv = [file, ...args];
  if (hasGnuTime) argv = [GNU_TIME, "-f", "%M %U %S", "-o", usageFile, ...argv];
  else if (isNode) argv = [file, "--import", USAGE_PRELOAD, ...args];

  const start = performance.now();
  const child = spawn(argv[0], argv.slice(1), {
    stdio: ["ignore", "ignore", "pipe"],
    detached: true, // its own process group, so a timeout stops the command under GNU time too
    cwd,
    env: { ...env, NO_COLOR: "1", BENCH_USAGE_FILE: usageFile },
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => { if (stderr.length < 64 * 1024) stderr += chunk; });
  let timedOut = false;
  const timer = timeoutMs ? setTimeout(() => { timedOut = true; killTree(child); }, timeoutMs) : undefined;
  const code = await new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve(status));
  });
  const ms = performance.now() - start;
  clearTimeout(timer);

  let rssMB = null;
  let cpuMs = null;
  if (!timedOut && existsSync(usageFile)) {
    // "<max RSS KB> <user s> <system s>" (GNU time may add a status line before it)
    const [kb, user, system] = readFileSync(usageFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
    if (kb > 0) rssMB = kb / 1024;
    if (Number.isFinite(user) && Number.isFinite(system)) cpuMs = (user + system) * 1000;
  }
  rmSync(scratch, { recursive: true, force: true });
  return { ms, cpuMs, rssMB, timedOut, code, stderr };
}

/** GNU time runs the command as its child: stop the whole process group. */
function killTree(child) {
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch { /* already gone */ }
}
