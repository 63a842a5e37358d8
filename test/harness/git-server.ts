// Git for the gitops suite, through the bootstrap's own local mode
// (scripts/lib/local-repo.mjs): its `publish` builds a copy of this working
// tree for the served URL and commits it to a bare repository, its `serve`
// runs the git daemon (here in the foreground, owned by the suite, on
// loopback), and the suite's later commits are made in a clone of what was
// served. The real checkout's HEAD, index and branches are never touched.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Daemon } from "./process.js";
import { freePort } from "../support/ports.js";
import { repoRoot } from "../support/paths.js";
import { run, waitUntil } from "./process.js";
import type { Spawn } from "./redis.js";

/** The bootstrap's local mode: publish, serve, stop (see the file's header). */
export const LOCAL_REPO = join(repoRoot, "scripts/lib/local-repo.mjs");

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
  // The daemon the bootstrap starts (same arguments), in the foreground so that the suite owns and stops it.
  const daemon = spawn("git-daemon", process.execPath, [LOCAL_REPO, "serve", "--foreground", "--state", baseDir, "--port", String(port), "--listen", "127.0.0.1"], env);
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

/**
 * What `npm run bootstrap` does in local mode before it serves: this checkout's
 * working tree, built for `url` in a temporary copy, committed as `branch` of
 * <baseDir>/<repository>. Returns the commit.
 */
export async function publishCheckout(baseDir: string, url: string, branch: string, home: string): Promise<string> {
  const cli = join(repoRoot, "dist/src/cli/main.js");
  const args = [LOCAL_REPO, "publish", "--root", repoRoot, "--state", baseDir, "--url", url, "--branch", branch, "--cli", cli, "--working-tree"];
  const result = await run(process.execPath, args, { env: gitEnv(home), reject: false });
  if (result.exitCode !== 0) throw new Error(`local-repo.mjs publish failed (exit ${result.exitCode}):\n${result.stdout}${result.stderr}`);
  return (await run("git", ["--git-dir", join(baseDir, "platform.git"), "rev-parse", `refs/heads/${branch}`], { env: gitEnv(home) })).stdout.trim();
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

  /** A clone of `branch` of a bare repository, for commits that continue from what was served. */
  static async clone(repository: string, branch: string, dir: string, home: string): Promise<WorkTree> {
    mkdirSync(dirname(dir), { recursive: true });
    await run("git", ["clone", "-q", "--branch", branch, repository, dir], { env: gitEnv(home) });
    return new WorkTree(dir, gitEnv(home));
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
