// Makes sure no daemon or temporary directory outlives the test process.
//
// Three layers, because a test process can end in three ways:
// - normally: the suite calls stop() in afterAll;
// - by an uncaught error or a signal (Ctrl-C, a CI timeout's SIGTERM): the
//   'exit' and signal handlers below kill the process groups synchronously;
// - by SIGKILL, which no handler sees: a tiny shell "guardian", started per
//   work directory, polls the owner's pid and reaps what the owner left.
import { spawn } from "node:child_process";
import { appendFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { killGroup } from "./process.js";

const PGID_FILE = ".pgids";
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Process groups and a directory to reap if the test process ends before stop(). */
export class Reaper {
  private readonly pgids = new Set<number>();
  private readonly guardianPid: number | undefined;
  private released = false;

  constructor(readonly workDir: string) {
    this.guardianPid = startGuardian(workDir);
    live.add(this);
    installHandlers();
  }

  /** Registers a daemon's process group (its pid, as it leads its own group). */
  track(pgid: number): void {
    this.pgids.add(pgid);
    appendFileSync(join(this.workDir, PGID_FILE), `${pgid}\n`);
  }

  /** Synchronous last resort: kill everything and delete the work directory. */
  reapNow(): void {
    if (this.released) return;
    for (const pgid of this.pgids) killGroup(pgid, "SIGKILL");
    rmSync(this.workDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    this.release();
  }

  /** Called after an orderly stop(): nothing left to reap. */
  release(): void {
    if (this.released) return;
    this.released = true;
    live.delete(this);
    if (this.guardianPid !== undefined) killGroup(this.guardianPid, "SIGKILL");
  }
}

const live = new Set<Reaper>();
let handlersInstalled = false;

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", reapAll);
  for (const signal of SIGNALS) {
    const handler = (): void => {
      reapAll();
      process.removeListener(signal, handler);
      // Keep the default behaviour (terminate) unless someone else handles the signal.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

function reapAll(): void {
  for (const reaper of [...live]) reaper.reapNow();
}

/** A detached shell loop that outlives us only long enough to clean up after a SIGKILL. */
function startGuardian(workDir: string): number | undefined {
  const script = [
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done',
    `if [ -f "$2/${PGID_FILE}" ]; then for g in $(cat "$2/${PGID_FILE}"); do kill -9 -"$g" 2>/dev/null; done; fi`,
    'rm -rf "$2"',
  ].join("\n");
  const child = spawn("sh", ["-c", script, "guardian", String(process.pid), workDir], {
    detached: true,
    stdio: "ignore",
  });
  child.unref();
  return child.pid;
}
