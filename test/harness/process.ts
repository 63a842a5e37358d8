// Child processes for the harness: one-shot commands and long-running daemons.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Throw when the command exits non-zero (default true). */
  reject?: boolean;
  /** Called with each chunk of stderr, e.g. to show build progress. */
  onStderr?: (chunk: string) => void;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    super(`\`${command}\` exited ${result.exitCode}:\n${result.stderr.trim() || result.stdout.trim()}`);
    this.name = "CommandError";
  }
}

/** Runs a command to completion; a missing executable rejects with ENOENT. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const shown = [command, ...args].join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(chunk);
    });
    child.on("error", reject);
    // A command that exits without reading its input (git version) closes the pipe first: EPIPE is not a failure.
    child.stdin.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") reject(error);
    });
    child.on("close", (code, signal) => {
      const result = { exitCode: code ?? (signal ? 128 : 1), stdout, stderr };
      if (result.exitCode !== 0 && options.reject !== false) reject(new CommandError(shown, result));
      else resolve(result);
    });
    child.stdin.end(options.input ?? "");
  });
}

/** True when `command` can be started (it is on PATH or an existing path). */
export async function isInstalled(command: string, versionArgs: readonly string[] = ["--version"]): Promise<boolean> {
  try {
    await run(command, versionArgs, { reject: false });
    return true;
  } catch {
    return false;
  }
}

/**
 * A long-running process in its own process group (detached), so that stopping
 * it also stops anything it forked, and a Ctrl-C in the terminal reaches the
 * harness first, which then stops its daemons in order.
 */
export class Daemon {
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly pid: number,
    readonly logFile: string,
    child: ReturnType<typeof spawn>,
  ) {
    this.exited = new Promise((resolve) =>
      child.on("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve();
      }),
    );
  }

  static start(name: string, command: string, args: readonly string[], logFile: string, env?: NodeJS.ProcessEnv): Daemon {
    const log = openSync(logFile, "a");
    try {
      const child = spawn(command, args, { detached: true, stdio: ["ignore", log, log], env });
      if (child.pid === undefined) throw new Error(`cannot start ${name} (${command}): see ${logFile}`);
      // The child must not keep the test process alive on its own.
      child.unref();
      return new Daemon(name, child.pid, logFile, child);
    } finally {
      closeSync(log);
    }
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Last lines of the daemon's log, for error messages. */
  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
    } catch {
      return "(no log)";
    }
  }

  describeExit(): string {
    if (!this.exit) return `${this.name} is running`;
    const how = this.exit.signal ? `signal ${this.exit.signal}` : `code ${this.exit.code}`;
    return `${this.name} exited with ${how}; last lines of ${this.logFile}:\n${this.logTail()}`;
  }

  /** SIGTERM the process group, SIGKILL it after `graceMs`. Resolves when the leader has exited. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.running) return;
    killGroup(this.pid, "SIGTERM");
    const stopped = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!stopped) {
      killGroup(this.pid, "SIGKILL");
      await this.exited;
    }
    // Members of the group that outlived the leader.
    killGroup(this.pid, "SIGKILL");
  }
}

/** Signals a whole process group; a group that is already gone is fine. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** Polls `check` until it returns a value, the daemon dies, or time runs out. */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; daemon?: Daemon },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (options.daemon && !options.daemon.running) {
      throw new Error(`${what}: ${options.daemon.describeExit()}`);
    }
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : "";
      const log = options.daemon ? `\nlast lines of ${options.daemon.logFile}:\n${options.daemon.logTail()}` : "";
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${cause}${log}`);
    }
    await sleep(options.intervalMs ?? 250);
  }
}
