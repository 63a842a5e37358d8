// The bootstrap's local mode (scripts/lib/local-repo.mjs): the checkout served
// to the cluster by a real git daemon, which these tests clone from; the
// checks of a real repository URL (scripts/lib/remote-check.mjs) with real
// git against repositories on disk; and teardown stopping the daemon. docker,
// k3d and kubectl are the stand-ins.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { isPlaceholderRepoURL } from "../../src/model/repository.js";
import { repoRoot } from "../support/paths.js";
import { freePort } from "../support/ports.js";
import {
  cli,
  type Fixture,
  healthyApps,
  line,
  makeFixture,
  mutatingCalls,
  PLACEHOLDER_REPO_URL,
  publishFixture,
  type Result,
  Sandbox,
  type Scenario,
} from "./harness.js";

const HELPER = join(repoRoot, "scripts/lib/local-repo.mjs");
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@t", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@t" };
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", env: gitEnv }).trim();

let sandbox: Sandbox;
/** A fresh clone of the project: platform.yaml as shipped (the placeholder URL), committed. */
let local: Fixture;
let synced: Scenario;
/** Where local mode keeps its state in these tests ($XDG_STATE_HOME), shared by the runs so that a daemon is reused. */
let stateHome: string;
const stateDirs = new Set<string>();

beforeAll(async () => {
  sandbox = new Sandbox();
  local = await makeFixture(join(sandbox.base, "local"), { repoURL: PLACEHOLDER_REPO_URL, git: true });
  synced = { applications: [healthyApps(local.applications)] };
  stateHome = join(sandbox.base, "state");
});
afterAll(() => {
  // Stop only the daemons these tests started, through the same code teardown uses.
  for (const dir of stateDirs) spawnSync(process.execPath, [HELPER, "stop", "--state", dir]);
  sandbox.cleanup();
});

const dump = (r: Result) => `stdout:\n${r.stdout}\nstderr:\n${r.stderr}\ncalls:\n${r.calls.map(line).join("\n")}`;
const stateDir = (fixture: Fixture) => {
  const dir = join(stateHome, "spark-platform/local-git", fixture.clusterName);
  stateDirs.add(dir);
  return dir;
};
const daemonPid = (fixture: Fixture) => Number(readFileSync(join(stateDir(fixture), "git-daemon.pid"), "utf8"));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Every file under a directory with its content's hash (what "untouched" means). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = `${statSync(p).mtimeMs}:${createHash("sha256").update(readFileSync(p)).digest("hex")}`;
    }
  };
  walk(dir);
  return out;
}

/** The root Application the bootstrap applied on stdin. */
const appliedRoot = (r: Result) => r.stdin.map((s) => JSON.parse(s)).find((o) => o.kind === "Application" && o.metadata.name === "root");

async function runLocal(args: string[], fixture = local, scenario = synced): Promise<Result> {
  return sandbox.run("bootstrap.sh", args, { fixture, scenario, env: { XDG_STATE_HOME: stateHome } });
}

describe("local mode: the default while gitops.repoURL is the placeholder", () => {
  let port: number;
  let first: Result;
  let before: Record<string, string>;
  beforeAll(async () => {
    port = await freePort();
    stateDir(local);
    before = snapshot(local.root);
    first = await runLocal(["--local-port", String(port)]);
  });

  it("serves the last commit, rebuilt for the local URL, and points the root Application at it", () => {
    const r = first;
    expect(r.exitCode, dump(r)).toBe(0);
    const url = `git://host.k3d.internal:${port}/platform.git`;
    expect(r.stdout).toContain(`local mode (gitops.repoURL is still the example ${PLACEHOLDER_REPO_URL})`);
    expect(r.stdout).toContain(`[4/6] Repository: the last commit of this checkout, served to the cluster as ${url} (local)`);
    expect(r.stdout).toMatch(/✓ committed as [0-9a-f]{12} on branch local of .*platform\.git \(a temporary copy was built; your files are untouched\)/);
    expect(r.stdout).toMatch(new RegExp(`✓ git daemon started \\(pid \\d+\\), listening on 127\\.0\\.0\\.1:${port}`));
    expect(r.stdout).toContain(`stop it: npm run teardown (with the cluster), or on its own: node scripts/lib/local-repo.mjs stop --cluster ${local.clusterName}`);
    expect(appliedRoot(r).spec.source).toMatchObject({ repoURL: url, targetRevision: "local", path: "generated/applications" });
    // Before the cluster is created: a refusal would leave nothing behind.
    expect(r.stdout.indexOf("local mode (")).toBeLessThan(r.stdout.indexOf("[2/6]"));
  });

  it("what the daemon serves is the committed project, every Application pointed at the served URL", () => {
    expect(first.exitCode, dump(first)).toBe(0);
    const clone = join(sandbox.base, "clone-1");
    git(sandbox.base, "clone", "-q", "--branch", "local", `git://127.0.0.1:${port}/platform.git`, clone);
    const url = `git://host.k3d.internal:${port}/platform.git`;
    const apps = readdirSync(join(clone, "generated/applications/tenants"))
      .map((f) => join("generated/applications/tenants", f))
      .concat("generated/applications/platform.yaml")
      .flatMap((f) => parseAllDocuments(readFileSync(join(clone, f), "utf8")).map((d) => d.toJS()))
      .filter((o) => o?.kind === "Application" && !o.spec.source.chart);
    expect(apps.length).toBeGreaterThan(4);
    for (const app of apps) expect(app.spec.source, app.metadata.name).toMatchObject({ repoURL: url, targetRevision: "local" });
    expect(readFileSync(join(clone, "platform.yaml"), "utf8")).toContain(`repoURL: ${url}`);
    // The same files as the commit, nothing more (no index or lock file of the copy).
    expect(git(clone, "ls-files").split("\n")).toEqual(git(local.root, "ls-files").split("\n"));
    expect(readFileSync(join(clone, "argocd/root-application.yaml"), "utf8")).toContain(`repoURL: ${url}`);
  });

  it("leaves the user's files, index and HEAD as they were", () => {
    expect(first.exitCode, dump(first)).toBe(0);
    expect(snapshot(local.root)).toEqual(before);
    expect(git(local.root, "status", "--porcelain")).toBe("");
    expect(readFileSync(join(local.root, "platform.yaml"), "utf8")).toContain(`repoURL: ${PLACEHOLDER_REPO_URL}`);
  });

  it("the daemon outlives the bootstrap; a re-run reuses it and serves the new commit", async () => {
    expect(first.exitCode, dump(first)).toBe(0);
    const pid = daemonPid(local);
    expect(alive(pid)).toBe(true);
    writeFileSync(join(local.root, "NOTES.md"), "a committed change\n");
    git(local.root, "add", "NOTES.md");
    git(local.root, "commit", "-q", "-m", "notes");
    const again = await runLocal(["--local-port", String(port)]);
    expect(again.exitCode, dump(again)).toBe(0);
    expect(again.stdout).toContain(`git daemon already running (pid ${pid})`);
    const clone = join(sandbox.base, "clone-2");
    git(sandbox.base, "clone", "-q", "--branch", "local", `git://127.0.0.1:${port}/platform.git`, clone);
    expect(readFileSync(join(clone, "NOTES.md"), "utf8")).toBe("a committed change\n");
  });

  it("serves uncommitted changes only with --working-tree, and says which it serves", async () => {
    writeFileSync(join(local.root, "DRAFT.md"), "not committed\n");
    const committed = await runLocal(["--local-port", String(port)]);
    expect(committed.exitCode, dump(committed)).toBe(0);
    expect(committed.stdout).toMatch(/! 1 uncommitted change\(s\) in .* are not served \(commit them, or run with --working-tree\)/);
    const clone = join(sandbox.base, "clone-3");
    git(sandbox.base, "clone", "-q", "--branch", "local", `git://127.0.0.1:${port}/platform.git`, clone);
    expect(existsSync(join(clone, "DRAFT.md"))).toBe(false);

    const working = await runLocal(["--local", "--working-tree", "--local-port", String(port)]);
    expect(working.exitCode, dump(working)).toBe(0);
    expect(working.stdout).toContain("[4/6] Repository: the working tree (uncommitted changes included) of this checkout");
    const clone2 = join(sandbox.base, "clone-4");
    git(sandbox.base, "clone", "-q", "--branch", "local", `git://127.0.0.1:${port}/platform.git`, clone2);
    expect(readFileSync(join(clone2, "DRAFT.md"), "utf8")).toBe("not committed\n");
    expect(git(local.root, "status", "--porcelain")).toBe("?? DRAFT.md");
  });

  it("generated/ older than platform.yaml: refused with local mode's fix (commit; nothing to push)", async () => {
    const stale = await makeFixture(join(sandbox.base, "stale-local"), { repoURL: PLACEHOLDER_REPO_URL, git: true });
    const file = join(stale.root, "platform.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("targetRevision: main", "targetRevision: release"));
    const r = await runLocal(["--dry-run"], stale);
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("fix: npm run build, then commit it: local mode serves the last commit (or run with --working-tree to serve uncommitted changes); nothing needs pushing");
    expect(r.calls).toEqual([]);
  });

  it("teardown stops that daemon and removes its state, and nothing else", async () => {
    const pid = daemonPid(local);
    const other = join(stateHome, "spark-platform/local-git/someone-elses");
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, "keep"), "x");
    const r = await sandbox.run("teardown.sh", ["--yes"], { fixture: local, scenario: { clusters: [] }, env: { XDG_STATE_HOME: stateHome } });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdout).toContain(`✓ local git daemon stopped (pid ${pid})`);
    expect(r.stdout).toContain(`✓ removed ${stateDir(local)}`);
    expect(alive(pid)).toBe(false);
    expect(existsSync(stateDir(local))).toBe(false);
    expect(existsSync(join(other, "keep"))).toBe(true);
    // The k3d calls are unchanged: only the cluster platform.yaml names.
    expect(r.calls.map(line)).toEqual(["k3d cluster list -o json"]);
  });

  it("with Docker down, teardown cannot delete the cluster but still stops the daemon, which nothing can reach any more", async () => {
    const again = await runLocal(["--local-port", String(port)]);
    expect(again.exitCode, dump(again)).toBe(0);
    const pid = daemonPid(local);
    expect(alive(pid)).toBe(true);
    const r = await sandbox.run("teardown.sh", ["--yes"], { fixture: local, scenario: { clusters: [], dockerDaemon: "down" }, env: { XDG_STATE_HOME: stateHome } });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("k3d could not list clusters");
    expect(r.stdout).toContain(`✓ local git daemon stopped (pid ${pid})`);
    expect(alive(pid)).toBe(false);
    expect(existsSync(stateDir(local))).toBe(false);
  });
});

describe("local mode: refusals and plans", () => {
  it.each([
    [PLACEHOLDER_REPO_URL, true],
    ["https://github.com/example-org/another-name.git", true],
    ["https://github.com/example-organisation/platform.git", false],
    ["https://github.com/acme/spark-data-platform.git", false],
    ["git@github.com:example-org/spark-data-platform.git", false],
  ])("%s is the placeholder: %s", (url, expected) => {
    expect(isPlaceholderRepoURL(url)).toBe(expected);
  });


  it("--dry-run prints the publish and serve commands and starts nothing", async () => {
    const fixture = await makeFixture(join(sandbox.base, "dry"), { repoURL: PLACEHOLDER_REPO_URL, git: true, clusterName: "dry-run" });
    const r = await runLocal(["--dry-run", "--local-port", "19999"], fixture);
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stdout).toContain(`+ node ${HELPER} publish --root ${fixture.root} --cluster dry-run --url git://host.k3d.internal:19999/platform.git --branch local --cli ${cli}`);
    expect(r.stdout).toContain(`+ node ${HELPER} serve --cluster dry-run --port 19999 --branch local --listen 127.0.0.1 --listen-if-local 172.28.0.1`);
    expect(existsSync(stateDir(fixture))).toBe(false);
  });

  it("a project that is not a git checkout is refused before anything is created", async () => {
    const fixture = await makeFixture(join(sandbox.base, "nogit"), { repoURL: PLACEHOLDER_REPO_URL });
    const r = await runLocal([], fixture);
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain(`${fixture.root} is not a git checkout`);
    expect(r.stderr).toContain("fix: git init && git add -A && git commit -m 'the platform'");
    expect(mutatingCalls(r.calls)).toEqual([]);
  });

  it("a local port held by another program is refused before anything is created", async () => {
    const port = await freePort();
    const server = spawn(process.execPath, ["-e", `require("net").createServer(s=>s.destroy()).listen(${port},"127.0.0.1",()=>console.log("up"))`]);
    await new Promise((r) => server.stdout.once("data", r));
    try {
      const r = await runLocal(["--local-port", String(port)]);
      expect(r.exitCode, dump(r)).toBe(1);
      expect(r.stderr).toContain(`port ${port} is in use by another program; the local git daemon listens on it.`);
      expect(r.stderr).toContain("or use another port: npm run bootstrap -- --local-port");
      expect(mutatingCalls(r.calls)).toEqual([]);
    } finally {
      server.kill();
    }
  });

  it.each([
    [["--local", "--repo-url", "https://example.com/x.git"], "--local serves this checkout; it cannot be combined with --repo-url or --revision"],
    [["--local-port", "http"], "--local-port needs a port number"],
    [["--local-port", "70000"], "--local-port must be 1-65535"],
  ])("%j exits 2: %s", async (args, message) => {
    const r = await runLocal(args);
    expect(r.exitCode, dump(r)).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.calls).toEqual([]);
  });
});

describe("a real repository URL: checked before anything is created", () => {
  let real: Fixture;
  beforeAll(async () => {
    real = await makeFixture(join(sandbox.base, "real"));
  });

  it("that holds this build: says so, and syncs from it (no local daemon)", async () => {
    const r = await runLocal([], real);
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`✓ ${real.repoURL} answers; main is commit [0-9a-f]{12}, and its generated/ and argocd/ are this build`));
    expect(r.stdout).toContain(`[4/6] Repository: ${real.repoURL} @ main`);
    expect(r.stdout).not.toContain("local mode");
    expect(r.calls.some((c) => line(c).endsWith(`-f ${real.root}/argocd/root-application.yaml`))).toBe(true);
    expect(existsSync(stateDir(real))).toBe(false);
  });

  it("--working-tree without local mode is bad usage", async () => {
    const r = await runLocal(["--working-tree"], real);
    expect(r.exitCode, dump(r)).toBe(2);
    expect(r.stderr).toContain("--working-tree only applies to local mode (--local)");
  });

  it("that does not answer: refused with the fixes, nothing created", async () => {
    const gone = await makeFixture(join(sandbox.base, "gone"), { repoURL: "https://git.example.com/data/gone.git" });
    gone.remotes[gone.repoURL] = join(sandbox.base, "no-such-repository.git");
    const r = await runLocal([], gone);
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain(`✗ the repository ${gone.repoURL} does not answer: fatal:`);
    expect(r.stderr).toContain("fix: check the URL: gitops.repoURL in platform.yaml (then npm run build), or --repo-url");
    expect(r.stderr).toContain("fix: for a private repository: export GIT_TOKEN=<token>");
    expect(r.stderr).toContain("fix: or serve this checkout to the cluster instead, with nothing to push: npm run bootstrap -- --local");
    expect(r.stderr).toContain("The repository check failed; nothing was created.");
    expect(mutatingCalls(r.calls)).toEqual([]);
    expect(r.calls.map(line)).not.toContain(expect.stringMatching(/^k3d cluster create/));
  });

  it("whose revision is missing: refused with the push to make", async () => {
    const r = await sandbox.run("bootstrap.sh", ["--revision", "release-9"], { fixture: real, scenario: synced });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain(`✗ ${real.repoURL} has no branch or tag named release-9`);
    expect(r.stderr).toContain("fix: push it: git push origin release-9");
    expect(mutatingCalls(r.calls)).toEqual([]);
  });

  it("whose pushed revision is not this build: refused, naming the files, with push or --local as the fix", async () => {
    const behind = await makeFixture(join(sandbox.base, "behind"));
    // The build changes after the push (a team's quota), and is not pushed again.
    const team = join(behind.root, "teams/alpha.yaml");
    writeFileSync(team, readFileSync(team, "utf8").replace(/pods: (\d+)/, (_, n) => `pods: ${Number(n) + 1}`));
    const build = spawnSync(process.execPath, [cli, "build", "--dir", behind.root], { encoding: "utf8" });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    const r = await runLocal([], behind);
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`✗ ${behind.repoURL} @ main \\(commit [0-9a-f]{12}\\) does not hold this build: \\d+ file\\(s\\) of generated/ and argocd/ differ`));
    expect(r.stderr).toMatch(/generated\/tenants\/\S*alpha\S*: differs/);
    expect(r.stderr).toContain("fix: commit and push the build: git add generated argocd && git commit -m 'build' && git push origin main");
    expect(r.stderr).toContain("npm run bootstrap -- --local");
    expect(mutatingCalls(r.calls)).toEqual([]);

    // Pushed: accepted.
    publishFixture(behind);
    const pushed = await runLocal([], behind);
    expect(pushed.exitCode, dump(pushed)).toBe(0);
  });

  it("--dry-run plans the check without reaching the repository", async () => {
    const gone = await makeFixture(join(sandbox.base, "gone-dry"), { repoURL: "https://git.example.com/data/gone.git" });
    gone.remotes[gone.repoURL] = join(sandbox.base, "no-such-repository.git");
    const r = await runLocal(["--dry-run"], gone);
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdout).toContain(`# then: ${gone.repoURL} must answer (git ls-remote) and main hold this build`);
  });
});

describe("local-repo.mjs stop", () => {
  it("leaves a process alone that is not the git daemon serving that state (a recycled pid)", async () => {
    const dir = join(sandbox.base, "stale-state");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, ".spark-platform-local-repo"), "");
    const sleeper = spawn("sleep", ["30"]);
    try {
      writeFileSync(join(dir, "git-daemon.pid"), String(sleeper.pid));
      const r = spawnSync(process.execPath, [HELPER, "stop", "--state", dir], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain("names no running git daemon of ours: nothing to stop");
      expect(alive(sleeper.pid!)).toBe(true);
      expect(existsSync(dir)).toBe(false);
    } finally {
      sleeper.kill();
    }
  });

  it("never removes a directory it did not create", () => {
    const dir = join(sandbox.base, "not-ours");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "precious"), "x");
    const r = spawnSync(process.execPath, [HELPER, "stop", "--state", dir], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(dir, "precious"))).toBe(true);
  });
});
