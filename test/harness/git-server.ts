// Git for the gitops suite: a snapshot of the project's working tree in a
// temporary work tree of its own (the real checkout's HEAD, index and
// branches are never touched), bare repositories to push it to, and
// `git daemon` serving them as git://127.0.0.1:<port>/<name> on loopback.
import { cpSync, existsSync, lstatSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Daemon } from "./process.js";
import { freePort } from "../support/ports.js";
import { run, waitUntil } from "./process.js";
import type { Spawn } from "./redis.js";

/**
 * An environment for git that reads no configuration of this machine or user
 * and writes nothing outside `home` (a directory in the suite's temporary directory).
 */
export function gitEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("GIT_")) delete env[key];
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "gitops-suite",
    GIT_AUTHOR_EMAIL: "gitops-suite@localhost",
    GIT_COMMITTER_NAME: "gitops-suite",
    GIT_COMMITTER_EMAIL: "gitops-suite@localhost",
  };
}

export interface GitDaemon {
  daemon: Daemon;
  port: number;
  /** Directory the daemon serves: repository `<name>` is `<baseDir>/<name>`. */
  baseDir: string;
  url(name: string): string;
  /** Creates an empty bare repository `<name>` and returns its path. */
  createRepository(name: string): Promise<string>;
  /** The commit a branch points to, as a client sees it through the daemon (undefined when absent). */
  lsRemote(name: string, branch: string): Promise<string | undefined>;
}

export async function startGitDaemon(spawn: Spawn, baseDir: string, home: string): Promise<GitDaemon> {
  mkdirSync(baseDir, { recursive: true });
  const port = await freePort();
  const env = gitEnv(home);
  const daemon = spawn(
    "git-daemon",
    "git",
    ["daemon", "--reuseaddr", "--export-all", "--informative-errors", `--base-path=${baseDir}`, "--listen=127.0.0.1", `--port=${port}`, baseDir],
    env,
  );
  const url = (name: string): string => `git://127.0.0.1:${port}/${name}`;
  const lsRemote = async (name: string, branch: string): Promise<string | undefined> => {
    const result = await run("git", ["ls-remote", url(name), `refs/heads/${branch}`], { env });
    return result.stdout.split(/\s/)[0] || undefined;
  };
  const createRepository = async (name: string): Promise<string> => {
    const path = join(baseDir, name);
    await run("git", ["init", "-q", "--bare", path], { env });
    return path;
  };
  // Ready when a client can list an (empty) repository through it.
  await createRepository(".probe");
  await waitUntil("git daemon to serve", async () => ((await lsRemote(".probe", "none")) === undefined ? true : undefined), {
    timeoutMs: 20_000,
    daemon,
  });
  return { daemon, port, baseDir, url, createRepository, lsRemote };
}

/** A work tree with a repository of its own, for commits the suite makes and pushes. */
export class WorkTree {
  private constructor(
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async init(dir: string, home: string): Promise<WorkTree> {
    mkdirSync(dir, { recursive: true });
    const tree = new WorkTree(dir, gitEnv(home));
    await tree.git(["init", "-q"]);
    return tree;
  }

  /**
   * A copy of the files of `checkout` that git would commit now: tracked and
   * untracked files minus ignored and deleted ones (`git ls-files` only reads
   * the checkout's index). Returns the number of files copied.
   */
  static async snapshotOf(checkout: string, dir: string, home: string): Promise<WorkTree> {
    const listed = await run("git", ["-C", checkout, "ls-files", "-z", "--cached", "--others", "--exclude-standard"], { env: gitEnv(home) });
    const files = [...new Set(listed.stdout.split("\0").filter(Boolean))];
    if (files.length === 0) throw new Error(`${checkout}: git ls-files lists no files; is it a git checkout?`);
    for (const file of files) {
      const from = join(checkout, file);
      if (!existsSync(from) || lstatSync(from).isDirectory()) continue; // deleted in the working tree, or a submodule
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      cpSync(from, join(dir, file), { verbatimSymlinks: true });
    }
    return WorkTree.init(dir, home);
  }

  git(args: readonly string[]): Promise<string> {
    return run("git", args, { cwd: this.dir, env: this.env }).then((result) => result.stdout.trim());
  }

  writeFile(path: string, text: string): void {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text);
  }

  /** Commits everything in the work tree (additions, changes and removals); returns the commit. */
  async commitAll(message: string): Promise<string> {
    await this.git(["add", "--all"]);
    await this.git(["commit", "-q", "--allow-empty", "-m", message]);
    return this.git(["rev-parse", "HEAD"]);
  }

  /** Pushes HEAD to `branch` of a bare repository (a path served by the git daemon). */
  async push(repository: string, branch: string): Promise<void> {
    await this.git(["push", "-q", "--force", repository, `HEAD:refs/heads/${branch}`]);
  }
}
