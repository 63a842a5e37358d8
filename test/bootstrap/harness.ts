// Runs scripts/bootstrap.sh and scripts/teardown.sh against stand-in docker,
// k3d and kubectl (test/bootstrap/fakes/: fake.sh, which hands the stateful
// calls to fake-tool.mjs) in a throwaway copy of the project, built by the
// compiled CLI, and reads back what the stand-ins were asked to do.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join, relative } from "node:path";
import { parseAllDocuments, parseDocument } from "yaml";
import { repoRoot } from "../support/paths.js";
import { freePort } from "../support/ports.js";
import { type ClusterShape, k3dClusterEntry } from "./fakes/k3d-cluster.mjs";

const fakesDir = join(repoRoot, "test/bootstrap/fakes");
/**
 * The compiled CLI the scripts ask (SPARK_PLATFORM_CLI): `npm test` compiles it
 * first (pretest). Named explicitly so that a run never compiles it again
 * while other tests read it.
 */
export const cli = join(repoRoot, "dist/src/cli/main.js");
export const TOOLS = ["docker", "k3d", "kubectl"] as const;
export type Tool = (typeof TOOLS)[number];

export interface AppSpec {
  name: string;
  sync?: string;
  health?: string;
  healthMessage?: string;
  conditions?: { type: string; message: string }[];
  operationState?: { phase: string; message?: string; syncResult?: { revision: string; source?: Record<string, unknown> } };
  resources?: Record<string, unknown>[];
  /** The commit Argo CD last compared with (status.sync.revision). */
  revision?: string;
  source?: Record<string, unknown>;
  syncPolicy?: Record<string, unknown>;
  /** A pending operation (.operation). */
  operation?: Record<string, unknown>;
  resourceVersion?: string;
}

/** What the stand-ins answer; see fake-tool.mjs. */
export interface Scenario {
  dockerDaemon?: "up" | "down" | "permission";
  /** What `docker info` says of its VM: CPUs (NCPU) and memory in bytes (MemTotal). Without it, 16 CPUs and 32 GiB. */
  dockerVm?: { cpus: number; memory: number };
  /** docker info and k3d cluster list also write warnings on stderr, as they do on some machines. */
  stderrNoise?: boolean;
  k3dVersion?: string;
  kubectlVersion?: string;
  serverVersion?: string;
  /** Clusters that exist before the script runs (entries of `k3d cluster list -o json`). */
  clusters?: Record<string, unknown>[];
  createFails?: string;
  /** `kubectl wait` calls whose arguments contain one of these time out. */
  waitTimeout?: string[];
  /** One list per `kubectl get applications` poll; the last repeats. */
  applications?: AppSpec[][];
  /** Applications whose `kubectl patch` is refused with a Conflict (someone changed them since they were read). */
  patchConflict?: string[];
  /** Per SparkApplication `namespace/name`: its .status.applicationState.state at each poll; the last repeats. */
  sparkStates?: Record<string, string[]>;
}

export interface Call {
  tool: Tool;
  args: string[];
  env: Record<string, string>;
  stdinFile?: string;
}

export interface Result {
  exitCode: number;
  stdout: string;
  stderr: string;
  calls: Call[];
  /** The raw call log, as written by the stand-ins (argv and environment of every call). */
  rawLog: string;
  /** Everything the stand-ins received on stdin, in call order. */
  stdin: string[];
  /** This run's directory: the stand-ins' log and state, and HOME. */
  workDir: string;
}

/** Every file under a directory (recursively) whose content includes `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) hits.push(...filesContaining(p, needle));
    else if (e.isFile() && readFileSync(p, "utf8").includes(needle)) hits.push(p);
  }
  return hits;
}

/**
 * An entry of `k3d cluster list -o json` for a cluster (the stand-in k3d lists the same). Its image,
 * servers' k3s arguments and ports are those of the fixture's k3d config unless `shape` says otherwise.
 */
export const k3dCluster = (name: string, servers: number, agents: number, running = true, shape: ClusterShape = {}): Record<string, unknown> =>
  k3dClusterEntry(name, servers, agents, running, shape);

export function healthyApps(names: readonly string[]): AppSpec[] {
  return names.map((name) => ({ name, sync: "Synced", health: "Healthy", operationState: { phase: "Succeeded" } }));
}

export interface Example {
  team: string;
  namespace: string;
  name: string;
  /** Relative to the project root. */
  file: string;
}

export interface Fixture {
  root: string;
  /** gitops.repoURL of the fixture. */
  repoURL: string;
  /**
   * Repositories the fixture's build was pushed to, by URL: bare repositories
   * on disk that git reaches through `url.<path>.insteadOf` (Sandbox.run sets
   * it up), so that the bootstrap's check of a real repository runs real git
   * against them, offline.
   */
  remotes: Record<string, string>;
  ports: { api: number; http: number; https: number };
  clusterName: string;
  /** Read from the built files themselves, not from the command under test. */
  teams: string[];
  /** Every Application the build makes, the root first. */
  applications: string[];
  examples: Example[];
}

export interface FixtureOptions {
  clusterName?: string;
  repoURL?: string;
  revision?: string;
  /** Leave generated/ and argocd/ unbuilt. */
  unbuilt?: boolean;
  /** Make the project a git checkout with one commit of everything (local mode serves a commit). */
  git?: boolean;
}

/** The URL test fixtures use by default: a real repository's (not the placeholder), served from disk by publishFixture. */
export const FIXTURE_REPO_URL = "https://git.example.com/data/spark-data-platform.git";
/** The repository URL platform.yaml ships with, which puts the bootstrap in local mode. */
export const PLACEHOLDER_REPO_URL = "https://github.com/example-org/spark-data-platform.git";

const IDENTITY = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" };
const gitSync = (args: string[], env: Record<string, string> = {}, cwd?: string): string =>
  execFileSync("git", args, { encoding: "utf8", cwd, env: { ...process.env, ...IDENTITY, ...env } }).trim();

/**
 * "Pushes" the fixture's files as they are now to `url` at `revision`: commits
 * them into a bare repository on disk that stands for `url` (see Fixture.remotes).
 */
export function publishFixture(fixture: Fixture, url = fixture.repoURL, revision = "main"): string {
  const bare = fixture.remotes[url] ?? join(fixture.root, "..", "remotes", `${Object.keys(fixture.remotes).length}.git`);
  if (!existsSync(join(bare, "HEAD"))) gitSync(["init", "-q", "--bare", bare]);
  const env = { GIT_DIR: bare, GIT_WORK_TREE: fixture.root, GIT_INDEX_FILE: join(bare, "publish-index") };
  gitSync(["add", "--all", "."], env, fixture.root);
  const commit = gitSync(["commit-tree", gitSync(["write-tree"], env), "-m", "published"], env);
  gitSync(["update-ref", `refs/heads/${revision}`, commit], env);
  fixture.remotes[url] = bare;
  return commit;
}

/**
 * A copy of the project (platform.yaml and teams/) built by the compiled CLI,
 * with host ports that are free on this machine so that tests never depend on
 * 6443/8080/8443 being unused.
 */
export async function makeFixture(base: string, options: FixtureOptions = {}): Promise<Fixture> {
  if (!existsSync(cli)) throw new Error(`${cli} not found: run \`npm run compile\` first (npm test does)`);
  const root = join(base, "repo");
  mkdirSync(root, { recursive: true });
  cpSync(join(repoRoot, "teams"), join(root, "teams"), { recursive: true });
  const ports = { api: await freePort(), http: await freePort(), https: await freePort() };
  const platform = parseDocument(readFileSync(join(repoRoot, "platform.yaml"), "utf8"));
  platform.setIn(["cluster", "ports"], ports);
  if (options.clusterName) platform.setIn(["cluster", "name"], options.clusterName);
  platform.setIn(["gitops", "repoURL"], options.repoURL ?? FIXTURE_REPO_URL);
  if (options.revision) platform.setIn(["gitops", "targetRevision"], options.revision);
  writeFileSync(join(root, "platform.yaml"), platform.toString());
  const repoURL = String(platform.getIn(["gitops", "repoURL"]));
  const fixture: Fixture = { root, repoURL, remotes: {}, ports, clusterName: String(platform.getIn(["cluster", "name"])), teams: [], applications: [], examples: [] };
  if (options.unbuilt) return fixture;

  const build = spawnSync(process.execPath, [cli, "build", "--dir", root], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  if (build.status !== 0) throw new Error(`the fixture does not build:\n${build.stdout}${build.stderr}`);
  const objects = (dir: string) =>
    yamlFiles(join(root, dir)).flatMap((file) =>
      parseAllDocuments(readFileSync(file, "utf8")).map((d) => ({ file: relative(root, file), object: d.toJS() as Record<string, any> })),
    );
  const rootApp = parseDocument(readFileSync(join(root, "argocd/root-application.yaml"), "utf8")).toJS();
  if (repoURL !== PLACEHOLDER_REPO_URL) publishFixture(fixture, repoURL, String(platform.getIn(["gitops", "targetRevision"])));
  if (options.git) {
    gitSync(["init", "-q"], {}, root);
    gitSync(["add", "--all"], {}, root);
    gitSync(["commit", "-q", "-m", "the platform"], {}, root);
  }
  return {
    ...fixture,
    teams: readdirSync(join(root, "teams")).filter((f) => f.endsWith(".yaml")).map((f) => f.slice(0, -".yaml".length)).sort(),
    applications: [rootApp.metadata.name, ...objects("generated/applications").filter(({ object }) => object?.kind === "Application").map(({ object }) => object.metadata.name)],
    examples: objects("generated/examples")
      .filter(({ object }) => object?.kind === "SparkApplication")
      .map(({ file, object }) => ({ team: file.split("/")[2], namespace: object.metadata.namespace, name: object.metadata.name, file })),
  };
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** Something listening on a port, as another program on the laptop would. */
export function occupy(port: number): Promise<Server> {
  return new Promise((resolveServer, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () => resolveServer(server));
  });
}

/**
 * A directory of links to every program on PATH except docker, k3d and
 * kubectl: with it on PATH, the real tools (this machine has a docker client
 * and a kubectl) can never be started by mistake, and a tool can be "missing".
 */
export function maskedSystemBin(base: string): string {
  const bin = join(base, "sysbin");
  mkdirSync(bin, { recursive: true });
  const seen = new Set<string>(TOOLS);
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir || !existsSync(dir)) continue;
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (seen.has(entry)) continue;
      seen.add(entry);
      try {
        symlinkSync(join(dir, entry), join(bin, entry));
      } catch {
        /* unreadable entry: skip */
      }
    }
  }
  return bin;
}

export class Sandbox {
  readonly base: string;
  readonly sysbin: string;

  constructor() {
    this.base = mkdtempSync(join(tmpdir(), "bootstrap-test-"));
    this.sysbin = maskedSystemBin(this.base);
  }

  cleanup(): void {
    rmSync(this.base, { recursive: true, force: true });
  }

  /** Runs a script (bootstrap.sh or teardown.sh) with the stand-ins first on PATH. */
  async run(
    script: "bootstrap.sh" | "teardown.sh" | "ci/run-examples.sh",
    args: string[],
    options: {
      fixture: Fixture;
      scenario?: Scenario;
      env?: Record<string, string>;
      tools?: readonly Tool[];
      input?: string;
      /** Run on a pseudo-terminal (util-linux `script`); stdout then holds stderr too. */
      tty?: boolean;
    },
  ): Promise<Result> {
    const work = mkdtempSync(join(this.base, "run-"));
    const fakeBin = join(work, "bin");
    mkdirSync(fakeBin);
    for (const tool of options.tools ?? TOOLS) {
      writeFileSync(join(fakeBin, tool), `#!/bin/sh\nFAKE_TOOL=${tool} exec bash "${fakesDir}/fake.sh" "$@"\n`, { mode: 0o755 });
    }
    const scenarioFile = join(work, "scenario.json");
    writeFileSync(scenarioFile, JSON.stringify(options.scenario ?? {}));
    const log = join(work, "calls.jsonl");
    writeFileSync(log, "");
    const home = join(work, "home");
    mkdirSync(home);
    // The fixture's remotes, reached through url.<path>.insteadOf; no other git configuration.
    const gitConfig = join(work, "gitconfig");
    writeFileSync(gitConfig, Object.entries(options.fixture.remotes ?? {}).map(([url, bare]) => `[url "file://${bare}"]\n\tinsteadOf = ${url}\n`).join(""));
    const env: Record<string, string> = {
      PATH: [fakeBin, this.sysbin].join(delimiter),
      HOME: home,
      LANG: "C.UTF-8",
      SPARK_PLATFORM_ROOT: options.fixture.root,
      SPARK_PLATFORM_CLI: cli,
      BOOTSTRAP_POLL_INTERVAL: "0.1",
      FAKE_LOG: log,
      FAKE_DIR: work,
      FAKE_SCENARIO: scenarioFile,
      FAKE_NODE: process.execPath,
      FAKE_DIR_MJS: fakesDir,
      GIT_CONFIG_GLOBAL: gitConfig,
      GIT_CONFIG_NOSYSTEM: "1",
      ...scenarioKnobs(options.scenario ?? {}),
      ...options.env,
    };
    const argv = ["bash", join(repoRoot, "scripts", script), ...args];
    const { exitCode, stdout, stderr } = options.tty
      ? await spawnCollect("script", ["-qec", argv.map(shellQuote).join(" "), "/dev/null"], { ...env, TERM: "xterm", COLUMNS: "200" }, options.input)
      : await spawnCollect(argv[0], argv.slice(1), env, options.input);
    const rawLog = readFileSync(log, "utf8");
    const calls = rawLog
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Call);
    const stdin = calls.filter((c) => c.stdinFile).map((c) => readFileSync(c.stdinFile!, "utf8"));
    return { exitCode, stdout, stderr, calls, rawLog, stdin, workDir: work };
  }
}

/** The scenario settings that fake.sh answers from without starting node. */
function scenarioKnobs(s: Scenario): Record<string, string> {
  const knobs: Record<string, string> = {};
  if (s.dockerDaemon) knobs.FAKE_S_DOCKER = s.dockerDaemon;
  if (s.dockerVm) Object.assign(knobs, { FAKE_S_DOCKER_CPUS: String(s.dockerVm.cpus), FAKE_S_DOCKER_MEMORY: String(s.dockerVm.memory) });
  if (s.k3dVersion) knobs.FAKE_S_K3D_VERSION = s.k3dVersion;
  if (s.kubectlVersion) knobs.FAKE_S_KUBECTL_VERSION = s.kubectlVersion;
  if (s.serverVersion) knobs.FAKE_S_SERVER_VERSION = s.serverVersion;
  if (s.waitTimeout?.length) knobs.FAKE_S_WAIT_TIMEOUT = s.waitTimeout.join("|");
  if (s.stderrNoise) knobs.FAKE_S_NOISE = "1";
  return knobs;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** True when util-linux `script` (for pseudo-terminal tests) is installed; BSD's takes other flags. */
export function hasScriptCommand(): boolean {
  const r = spawnSync("script", ["--version"], { encoding: "utf8" });
  return r.status === 0 && /util-linux/.test(r.stdout + r.stderr);
}

function spawnCollect(cmd: string, args: string[], env: Record<string, string>, input?: string) {
  return new Promise<{ exitCode: number; stdout: string; stderr: string }>((resolveRun, reject) => {
    const child = spawn(cmd, args, { env, stdio: "pipe", cwd: env.SPARK_PLATFORM_ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code, signal) => resolveRun({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

/** A call rendered as one string, e.g. "kubectl --context k3d-x apply -k /repo/argocd". */
export const line = (c: Call) => [c.tool, ...c.args].join(" ");

/** Index of the first call matching, or -1. */
export function indexOfCall(calls: Call[], pred: (c: Call) => boolean): number {
  return calls.findIndex(pred);
}

/** The tool calls that change something (not the read-only checks and polls). */
export function mutatingCalls(calls: Call[]): Call[] {
  return calls.filter((c) => {
    const a = c.args;
    if (c.tool === "docker") return false;
    if (c.tool === "k3d") return !(a[0] === "version" || (a[0] === "cluster" && a[1] === "list"));
    const verbs = a.filter((x) => !x.startsWith("-"));
    return ["apply", "create", "delete", "patch", "config"].some((v) => verbs.includes(v));
  });
}
