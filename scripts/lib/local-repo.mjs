#!/usr/bin/env node
// Local mode: serves this checkout to the cluster from a git daemon on this
// machine, so that Argo CD can sync a platform that was never pushed. One
// place for it: the bootstrap (local mode), the e2e workflow (through the
// bootstrap) and the GitOps suite all publish and serve with this file.
//
// Argo CD clones from inside the cluster and every generated Application
// carries gitops.repoURL, so the served tree must be built for the served URL.
// That build happens in a temporary copy, never in the user's files: the copy
// (the last commit, or the working tree on request) is pointed at the URL
// (set-gitops.mjs), built by the compiled CLI, committed into a bare
// repository under the state directory, and removed.
//
//   local-repo.mjs publish --root DIR (--state DIR | --cluster NAME) --url URL --branch NAME --cli FILE [--working-tree]
//   local-repo.mjs serve   (--state DIR | --cluster NAME) --port N [--listen ADDR]... [--listen-if-local ADDR]... [--branch NAME] [--foreground]
//   local-repo.mjs status  (--state DIR | --cluster NAME)     exit 0 serving, 3 not
//   local-repo.mjs stop    (--state DIR | --cluster NAME) [--keep-state]
//   local-repo.mjs state-dir --cluster NAME
//
// Exit status: 0 done; 1 failed (the message says why and what to do); 2 bad usage.
import { execFile, spawn } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { homedir, networkInterfaces, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPOSITORY = "platform.git";
export const DEFAULT_PORT = 9418;
const PID_FILE = "git-daemon.pid";
const DAEMON_FILE = "git-daemon.json";
/** Written into every state directory this file creates: `stop` removes no other directory. */
const MARKER = ".spark-platform-local-repo";
/** Who the served commits are by: the user's git identity may be unset. */
const IDENTITY = {
  GIT_AUTHOR_NAME: "spark-platform local mode",
  GIT_AUTHOR_EMAIL: "spark-platform@localhost",
  GIT_COMMITTER_NAME: "spark-platform local mode",
  GIT_COMMITTER_EMAIL: "spark-platform@localhost",
};

export class LocalRepoError extends Error {
  constructor(message, fixes = []) {
    super(message);
    this.fixes = fixes;
  }
}

/** The state directory of a cluster's local repository: $XDG_STATE_HOME/spark-platform/local-git/<cluster>. */
export function stateDirFor(cluster, env = process.env) {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), ".local", "state");
  return join(base, "spark-platform", "local-git", cluster);
}

export function repoURL(host, port, name = REPOSITORY) {
  return `git://${host}:${port}/${name}`;
}

/** Runs git; resolves with stdout, rejects with git's last line of stderr. */
export function git(args, options = {}) {
  return new Promise((resolveRun, reject) => {
    const child = execFile("git", args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
      if (!error) return resolveRun(stdout);
      // git's own "fatal:" line says what went wrong; hints and the rest follow it.
      const lines = String(stderr || error.message).trim().split("\n").filter(Boolean);
      const reason = lines.find((line) => /^(fatal|error):/.test(line)) ?? lines.pop() ?? `exit ${error.code}`;
      reject(Object.assign(new Error(reason), { stderr, code: error.code }));
    });
    if (options.input !== undefined) child.stdin.end(options.input);
  });
}

function runNode(args, env) {
  return new Promise((resolveRun) => {
    execFile(process.execPath, args, { encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolveRun({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

// ------------------------------------------------------------------ publish

/** The top of the git checkout holding `root`, and where `root` is inside it ("" or "sub/dir/"). */
async function checkoutOf(root) {
  try {
    const top = (await git(["-C", root, "rev-parse", "--show-toplevel"])).trim();
    const prefix = (await git(["-C", root, "rev-parse", "--show-prefix"])).trim();
    return { top, prefix };
  } catch {
    throw new LocalRepoError(`${root} is not a git checkout: local mode serves a commit (or the working tree) of one.`, [
      "git init && git add -A && git commit -m 'the platform'   (then run this again)",
    ]);
  }
}

/** Copies the last commit of `top` into `dest` (a private index: the checkout's own is never touched). */
async function copyCommit(top, dest) {
  let head;
  try {
    head = (await git(["-C", top, "rev-parse", "--verify", "HEAD^{commit}"])).trim();
  } catch {
    throw new LocalRepoError(`${top} has no commit yet: local mode serves the last commit by default.`, [
      "git add -A && git commit -m 'the platform'",
      "or serve the files as they are: npm run bootstrap -- --local --working-tree",
    ]);
  }
  const index = `${dest}.index`; // beside the copy, never in it
  const env = { ...process.env, GIT_INDEX_FILE: index };
  await git(["-C", top, "read-tree", head], { env });
  await git(["-C", top, "checkout-index", "--all", "--force", `--prefix=${dest}/`], { env });
  rmSync(index, { force: true });
  const branch = (await git(["-C", top, "rev-parse", "--abbrev-ref", "HEAD"])).trim();
  // --no-optional-locks: status would otherwise refresh (rewrite) the checkout's index.
  const changes = (await git(["--no-optional-locks", "-C", top, "status", "--porcelain", "--untracked-files=normal"])).split("\n").filter(Boolean).length;
  return {
    head,
    description: `the last commit of ${top}: ${head.slice(0, 12)}${branch && branch !== "HEAD" ? ` (${branch})` : ""}`,
    note: changes > 0 ? `${changes} uncommitted change(s) in ${top} are not served (commit them, or run with --working-tree)` : undefined,
  };
}

/** Copies what git would commit now from `top` into `dest`: tracked and untracked files, minus ignored and deleted ones. */
async function copyWorkingTree(top, dest) {
  const listed = await git(["-C", top, "ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  const files = [...new Set(listed.split("\0").filter(Boolean))];
  for (const file of files) {
    const from = join(top, file);
    if (!existsSync(from) || lstatSync(from).isDirectory()) continue; // deleted in the working tree, or a submodule
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(from, join(dest, file), { verbatimSymlinks: true });
  }
  return { head: undefined, description: `the working tree of ${top}, uncommitted changes included`, note: undefined };
}

async function initBare(path) {
  if (!existsSync(join(path, "HEAD"))) await git(["init", "-q", "--bare", path]);
}

function markState(state) {
  mkdirSync(state, { recursive: true });
  writeFileSync(join(state, MARKER), "A local git repository served to a k3d cluster by spark-platform (scripts/lib/local-repo.mjs).\n");
}

/**
 * Builds the checkout for `url` in a temporary copy and commits the result as
 * `branch` of <state>/platform.git. Returns the commit and what it was made from.
 */
export async function publish({ root, state, url, branch, cli, workingTree = false }) {
  const { top, prefix } = await checkoutOf(resolve(root));
  const work = mkdtempSync(join(tmpdir(), "spark-platform-local-"));
  const copy = join(work, "tree");
  mkdirSync(copy);
  try {
    const source = workingTree ? await copyWorkingTree(top, copy) : await copyCommit(top, copy);
    const project = join(copy, prefix);
    const env = { ...process.env, NO_COLOR: "1" };
    const pointed = await runNode([join(HERE, "set-gitops.mjs"), "--root", project, "--repo-url", url, "--revision", branch], env);
    if (pointed.code !== 0) throw new LocalRepoError(`could not point platform.yaml at ${url}:\n${pointed.output.trim()}`);
    const built = await runNode([cli, "build", "--dir", project], env);
    if (built.code !== 0) {
      throw new LocalRepoError(`the compiler refused ${source.description} (exit ${built.code}):\n${built.output.trim()}`, [
        "npm run build   (shows the same errors against your files; correct them, commit, and run this again)",
      ]);
    }
    markState(state);
    const bare = join(state, REPOSITORY);
    await initBare(bare);
    const index = join(work, "commit.index"); // outside the tree that `git add --all` reads
    const gitEnv = { ...process.env, ...IDENTITY, GIT_DIR: bare, GIT_WORK_TREE: copy, GIT_INDEX_FILE: index };
    await git(["add", "--all", "."], { env: gitEnv, cwd: copy });
    const tree = (await git(["write-tree"], { env: gitEnv })).trim();
    const message = `${source.description}\n\nbuilt for ${url} (${branch}) by spark-platform local mode${source.head ? `\nsource: ${source.head}` : ""}\n`;
    // Parentless: the served branch is replaced on every run, and nothing is pushed anywhere.
    const commit = (await git(["commit-tree", tree], { env: gitEnv, input: message })).trim();
    await git(["update-ref", `refs/heads/${branch}`, commit], { env: gitEnv });
    await git(["symbolic-ref", "HEAD", `refs/heads/${branch}`], { env: gitEnv });
    return { commit, bare, description: source.description, note: source.note };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ serve

/** The git daemon's arguments: read-only (no receive-pack), every repository under `base`, on these addresses only. */
export function daemonArgs({ base, port, listen, detach = false }) {
  return [
    "daemon",
    "--reuseaddr",
    "--export-all",
    "--informative-errors",
    `--base-path=${base}`,
    ...listen.map((address) => `--listen=${address}`),
    `--port=${port}`,
    ...(detach ? ["--detach", `--pid-file=${join(base, PID_FILE)}`] : []),
    base,
  ];
}

/**
 * The addresses to listen on: `listen`, plus each of `ifLocal` that belongs
 * to this machine. On Linux the nodes reach the host at their Docker
 * network's gateway, an address of the host's bridge; on Docker Desktop and
 * Colima that address lives in the VM and the host is reached through
 * loopback (see README, "Local mode").
 */
export function listenAddresses(listen, ifLocal = []) {
  const own = new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address)));
  return [...new Set([...listen, ...ifLocal.filter((address) => own.has(address))])];
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

async function commandLineOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    try {
      return await new Promise((resolveRun, reject) =>
        execFile("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" }, (error, stdout) => (error ? reject(error) : resolveRun(stdout))),
      );
    } catch {
      return "";
    }
  }
}

/** The daemon recorded in `state`, if it is alive and really the git daemon serving `state` (a recycled pid is not). */
export async function runningDaemon(state) {
  const pidFile = join(state, PID_FILE);
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return undefined;
  const command = await commandLineOf(pid);
  if (!/git(-daemon| daemon)/.test(command) || !command.includes(`--base-path=${state}`)) return undefined;
  let recorded = {};
  try {
    recorded = JSON.parse(readFileSync(join(state, DAEMON_FILE), "utf8"));
  } catch {
    /* started by an older version: only the pid is known */
  }
  return { pid, port: recorded.port, listen: recorded.listen ?? [] };
}

function portAnswers(port, host = "127.0.0.1") {
  return new Promise((resolveProbe) => {
    const socket = connect({ port, host });
    socket.setTimeout(1000);
    socket.once("connect", () => (socket.destroy(), resolveProbe(true)));
    socket.once("timeout", () => (socket.destroy(), resolveProbe(false)));
    socket.once("error", () => resolveProbe(false));
  });
}

/** Waits until a client can list the repository (the branch, when given) through the daemon. */
export async function waitUntilServing(url, branch, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      await git(["ls-remote", "--exit-code", url, ...(branch ? [`refs/heads/${branch}`] : [])], { env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
      return;
    } catch (error) {
      last = error.message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new LocalRepoError(`the git daemon does not serve ${url}${branch ? ` (${branch})` : ""}: ${last}`);
}

async function stopPid(pid) {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  for (let i = 0; i < 50 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Starts the daemon detached (it outlives this process: Argo CD keeps
 * fetching), or reuses the one already serving `state` on the same port and
 * addresses. Returns { pid, reused, listen }.
 */
export async function serve({ state, port, listen, branch }) {
  markState(state);
  const running = await runningDaemon(state);
  if (running && running.port === port && sameSet(running.listen, listen)) {
    await waitUntilServing(repoURL(probeHost(listen), port), branch);
    return { pid: running.pid, reused: true, listen };
  }
  if (running) await stopPid(running.pid); // another port or other addresses: start it again
  rmSync(join(state, PID_FILE), { force: true });
  if (await portAnswers(port)) {
    throw new LocalRepoError(`port ${port} on this machine is taken by another program, so the local git daemon cannot listen on it.`, [
      `see what holds it: lsof -nP -iTCP:${port} -sTCP:LISTEN   (or: ss -ltnp 'sport = :${port}')`,
      `or use another port: npm run bootstrap -- --local-port ${port === DEFAULT_PORT ? 19418 : port + 1}`,
    ]);
  }
  try {
    await git(daemonArgs({ base: state, port, listen, detach: true }));
  } catch (error) {
    throw new LocalRepoError(`git daemon did not start: ${error.message}`, [
      "check that `git daemon` exists: ls \"$(git --exec-path)/git-daemon\" (Fedora: sudo dnf install git-daemon; Alpine: apk add git-daemon)",
    ]);
  }
  // --detach returns when the daemon has forked; the child writes the pid file a moment later.
  const pid = await readPidFile(join(state, PID_FILE));
  writeFileSync(join(state, DAEMON_FILE), `${JSON.stringify({ pid, port, listen })}\n`);
  await waitUntilServing(repoURL(probeHost(listen), port), branch);
  return { pid, reused: false, listen };
}

async function readPidFile(file) {
  for (let i = 0; i < 100; i++) {
    const pid = existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : 0;
    if (pid > 0) return pid;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new LocalRepoError(`git daemon started but wrote no pid file (${file})`);
}

const sameSet = (a, b) => a.length === b.length && a.every((x) => b.includes(x));
const probeHost = (listen) => (listen.length === 0 || listen.includes("0.0.0.0") || listen.includes("127.0.0.1") ? "127.0.0.1" : listen[0]);

/** Stops the daemon serving `state` (only if it is ours) and removes `state` (only if this file made it). */
export async function stop({ state, keepState = false }) {
  const running = await runningDaemon(state);
  if (running) await stopPid(running.pid);
  const stale = !running && existsSync(join(state, PID_FILE));
  let removed = false;
  if (!keepState && existsSync(join(state, MARKER))) {
    rmSync(state, { recursive: true, force: true });
    removed = true;
  }
  return { stopped: running?.pid, stale, removed };
}

// ------------------------------------------------------------------ command line

function print(line) {
  process.stdout.write(`    ${line}\n`);
}

async function main(argv) {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      root: { type: "string" },
      state: { type: "string" },
      cluster: { type: "string" },
      url: { type: "string" },
      branch: { type: "string" },
      cli: { type: "string" },
      "working-tree": { type: "boolean", default: false },
      port: { type: "string" },
      listen: { type: "string", multiple: true },
      "listen-if-local": { type: "string", multiple: true },
      foreground: { type: "boolean", default: false },
      "keep-state": { type: "boolean", default: false },
    },
  });
  const state = values.state ? resolve(values.state) : values.cluster ? stateDirFor(values.cluster) : undefined;
  const need = (...names) => {
    for (const name of names) if (values[name] === undefined) throw Object.assign(new LocalRepoError(`${command} needs --${name}`), { usage: true });
  };
  if (command !== "state-dir" && !state) throw Object.assign(new LocalRepoError(`${command ?? "a command"} needs --state DIR or --cluster NAME`), { usage: true });
  switch (command) {
    case "state-dir":
      need("cluster");
      process.stdout.write(`${state}\n`);
      return 0;
    case "publish": {
      need("root", "url", "branch", "cli");
      const result = await publish({ root: values.root, state, url: values.url, branch: values.branch, cli: values.cli, workingTree: values["working-tree"] });
      print(`✓ built ${result.description} for ${values.url}`);
      print(`✓ committed as ${result.commit.slice(0, 12)} on branch ${values.branch} of ${result.bare} (a temporary copy was built; your files are untouched)`);
      if (result.note) print(`! ${result.note}`);
      return 0;
    }
    case "serve": {
      need("port");
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw Object.assign(new LocalRepoError(`--port must be 1-65535, got ${values.port}`), { usage: true });
      const listen = listenAddresses(values.listen ?? ["127.0.0.1"], values["listen-if-local"] ?? []);
      if (values.foreground) {
        // The GitOps suite: the same daemon, owned by the calling process (which stops it).
        mkdirSync(state, { recursive: true });
        const child = spawn("git", daemonArgs({ base: state, port, listen }), { stdio: "inherit" });
        for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(signal, () => child.kill(signal));
        return new Promise((r) => child.on("exit", (code) => r(code ?? 1)));
      }
      const result = await serve({ state, port, listen, branch: values.branch });
      print(`✓ git daemon ${result.reused ? "already running" : "started"} (pid ${result.pid}), listening on ${listen.map((a) => `${a}:${port}`).join(", ")}, serving ${state}`);
      return 0;
    }
    case "status": {
      const running = await runningDaemon(state);
      if (!running) {
        print(`no local git daemon serves ${state}`);
        return 3;
      }
      print(`git daemon pid ${running.pid} serves ${state}${running.port ? ` on ${running.listen.map((a) => `${a}:${running.port}`).join(", ")}` : ""}`);
      return 0;
    }
    case "stop": {
      const result = await stop({ state, keepState: values["keep-state"] });
      if (result.stopped) print(`✓ local git daemon stopped (pid ${result.stopped})`);
      else if (result.stale) print(`the pid file in ${state} names no running git daemon of ours: nothing to stop`);
      else print("no local git daemon was running");
      if (result.removed) print(`✓ removed ${state}`);
      return 0;
    }
    default:
      throw Object.assign(new LocalRepoError(`unknown command ${command ?? "(none)"}: publish, serve, status, stop or state-dir`), { usage: true });
  }
}

/**
 * Runs a script's main and exits with its code; a LocalRepoError or an unknown
 * option ends with the message and its fixes, never a stack trace.
 */
export function exitWith(running) {
  running.then(
    (code) => process.exit(code),
    (error) => {
      if (!(error instanceof LocalRepoError) && error?.code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw error;
      process.stderr.write(`✗ ${error.message}\n`);
      for (const fix of error.fixes ?? []) process.stderr.write(`    fix: ${fix}\n`);
      process.exit(error.usage || error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? 2 : 1);
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) exitWith(main(process.argv.slice(2)));
