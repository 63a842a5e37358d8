// Recovery: Argo CD retries a failed sync (the root's retry policy), then does
// not sync that commit again by itself. The bootstrap, run again, finds an
// Application in that state and starts a new sync the way `argocd app sync`
// does (a merge patch of .operation); it leaves everything else to Argo CD,
// and stops with what to do when the retries run out while it waits.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../support/paths.js";
import { type AppSpec, type Call, type Fixture, healthyApps, line, makeFixture, type Result, Sandbox } from "./harness.js";

const COMMIT = "6f1d3c0a9b8e7d6c5b4a39281706f5e4d3c2b1a0";
const OLDER = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567";
const EXHAUSTED = "one or more synchronization tasks completed unsuccessfully (retried 10 times).";
const helper = join(repoRoot, "scripts/lib/cluster-status.mjs");

let sandbox: Sandbox;
let fx: Fixture;
/** spec.source and spec.syncPolicy of the root Application the build wrote. */
let rootSpec: { source: Record<string, unknown>; syncPolicy: { retry: Record<string, unknown> } };

beforeAll(async () => {
  sandbox = new Sandbox();
  fx = await makeFixture(sandbox.base);
  rootSpec = parse(readFileSync(join(fx.root, "argocd/root-application.yaml"), "utf8")).spec;
});
afterAll(() => sandbox.cleanup());

const dump = (r: Result) => `stdout:\n${r.stdout}\nstderr:\n${r.stderr}\ncalls:\n${r.calls.map(line).join("\n")}`;
const patches = (calls: Call[]) => calls.filter((c) => c.tool === "kubectl" && c.args.includes("patch"));
const patchOf = (c: Call) => JSON.parse(c.args[c.args.indexOf("-p") + 1]);
const others = (except: string[]) => healthyApps(fx.applications.filter((a) => !except.includes(a)));

/** An Application whose sync of `at` failed: by default for good, at the commit it should be at (status.sync.revision). */
function failed(name: string, options: Partial<AppSpec> & { at?: string; message?: string } = {}): AppSpec {
  const { at = COMMIT, message = EXHAUSTED, ...rest } = options;
  return {
    name,
    sync: "OutOfSync",
    health: "Progressing",
    revision: COMMIT,
    resourceVersion: "4711",
    source: rootSpec.source,
    syncPolicy: rootSpec.syncPolicy,
    operationState: { phase: "Failed", message, syncResult: { revision: at, source: rootSpec.source } },
    ...rest,
  };
}

describe("a root whose sync failed for good at the commit it should be at", () => {
  let r: Result;
  beforeAll(async () => {
    // 1. as the bootstrap finds it; 2. Argo CD has not taken the new operation up yet; 3. done.
    const stalled = [failed("root", { health: "Degraded" }), ...others(["root"])];
    r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: { applications: [stalled, stalled, healthyApps(fx.applications)] } });
  });

  it("starts a new sync of that commit, as `argocd app sync` does, with the root's own retry policy", () => {
    expect(r.exitCode, dump(r)).toBe(0);
    const [patch] = patches(r.calls);
    expect(patches(r.calls)).toHaveLength(1);
    expect(patch.args.slice(0, 9)).toEqual(["--context", `k3d-${fx.clusterName}`, "-n", "argocd", "patch", "applications.argoproj.io", "root", "--type", "merge"]);
    expect(patchOf(patch)).toEqual({
      metadata: { resourceVersion: "4711" },
      operation: { initiatedBy: { username: "spark-platform-bootstrap" }, sync: { revision: COMMIT, prune: true }, retry: rootSpec.syncPolicy.retry },
    });
    // The retry is the one the build gave the root (SYNC_RETRY), not Argo CD's default.
    expect(rootSpec.syncPolicy.retry).toMatchObject({ limit: 10, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } });
  });

  it("after applying the root and reading the Applications, then keeps waiting until all are Synced and Healthy", () => {
    expect(r.exitCode, dump(r)).toBe(0);
    const at = (re: RegExp) => r.calls.findIndex((c) => re.test(line(c)));
    const patch = at(/ patch applications\.argoproj\.io root /);
    expect(patch).toBeGreaterThan(at(/apply .*root-application\.yaml$/));
    expect(patch).toBeGreaterThan(at(/get applications\.argoproj\.io -o json$/));
    // The first answer still shows the old failure, but the pending operation is Argo CD's now: no second patch, no stop.
    expect(r.calls.filter((c) => /get applications/.test(line(c)))).toHaveLength(3);
    expect(r.stdout).toContain("all Applications are Synced and Healthy");
  });

  it("says so in one line, with the commit and Argo CD's message", () => {
    expect(r.exitCode, dump(r)).toBe(0);
    const said = r.stdout.split("\n").filter((l) => l.includes("starting a new sync"));
    expect(said).toEqual([
      `    root: its sync of ${COMMIT.slice(0, 7)} failed ("${EXHAUSTED}") and Argo CD does not sync that commit again by itself; starting a new sync`,
    ]);
    expect(r.stdout).toContain(`+ kubectl --context k3d-${fx.clusterName} -n argocd patch applications.argoproj.io root --type merge -p '{"metadata"`);
  });
});

describe("what Argo CD still does by itself is left alone", () => {
  const cases: Array<[string, () => AppSpec]> = [
    ["a healthy root", () => ({ name: "root", sync: "Synced", health: "Healthy", revision: COMMIT, operationState: { phase: "Succeeded", syncResult: { revision: COMMIT } } })],
    ["a root still retrying", () => failed("root", { operationState: { phase: "Running", message: "one or more objects failed to apply due to application controller sync timeout. Retrying attempt #2 at 3:04PM.", syncResult: { revision: COMMIT, source: {} } } })],
    ["a root that failed at an older commit (Argo CD syncs the new one)", () => failed("root", { at: OLDER })],
    ["a root that failed from another source (Argo CD syncs the new one)", () => failed("root", { source: { ...rootSpec.source, targetRevision: "feature-x" } })],
    ["a root with an operation pending", () => failed("root", { operation: { sync: { revision: COMMIT } } })],
    ["a root whose failed sync left it Synced (Argo CD syncs only what is OutOfSync)", () => failed("root", { sync: "Synced", health: "Degraded" })],
  ];
  it.each(cases)("%s: no patch", async (_what, root) => {
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: { applications: [[root(), ...others(["root"])], healthyApps(fx.applications)] } });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(patches(r.calls).map(line)).toEqual([]);
    expect(r.stdout).not.toContain("starting a new sync");
  });
});

describe("every platform Application, not only the root", () => {
  it("a child whose sync failed for good gets a new sync too, after the root", async () => {
    const child = failed("volcano-queues", { message: "one or more objects failed to apply, reason: the server could not find the requested resource (retried 10 times)." });
    const stalled = [failed("root"), child, ...others(["root", "volcano-queues"])];
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: { applications: [stalled, healthyApps(fx.applications)] } });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(patches(r.calls).map((c) => c.args[c.args.indexOf("patch") + 2])).toEqual(["root", "volcano-queues"]);
    expect(r.stdout).toContain(`volcano-queues: its sync of ${COMMIT.slice(0, 7)} failed ("one or more objects failed to apply, reason: the server could not find the requested resource (retried 10 times).")`);
  });

  it("an Application that is not the platform's is never touched", async () => {
    const r = await sandbox.run("bootstrap.sh", ["--timeout", "2"], { fixture: fx, scenario: { applications: [[failed("someone-elses-app"), ...healthyApps(fx.applications)]] } });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(patches(r.calls).map(line)).toEqual([]);
  });
});

describe("while waiting", () => {
  it("a root whose retries run out is reported with Argo CD's message and what to do, without waiting for the timeout", async () => {
    const retrying = failed("root", { operationState: { phase: "Running", message: "one or more synchronization tasks completed unsuccessfully due to application controller sync timeout. Retrying attempt #10 at 3:44PM.", syncResult: { revision: COMMIT, source: rootSpec.source } } });
    const degraded = { name: "volcano", sync: "Synced", health: "Degraded", healthMessage: "Deployment volcano-scheduler exceeded its progress deadline", operationState: { phase: "Succeeded" } };
    const r = await sandbox.run("bootstrap.sh", ["--timeout", "600"], {
      fixture: fx,
      scenario: { applications: [[retrying, degraded, ...others(["root", "volcano"])], [failed("root"), degraded, ...others(["root", "volcano"])]] },
    });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain(`root: its sync of ${COMMIT.slice(0, 7)} failed after every retry, and Argo CD does not sync that commit again by itself: ${EXHAUSTED}`);
    // What held it back, and the fix.
    expect(r.stderr).toContain("✗ volcano: sync=Synced health=Degraded");
    expect(r.stderr).toContain("health: Deployment volcano-scheduler exceeded its progress deadline");
    expect(r.stderr).toContain("kubectl -n argocd describe application root");
    expect(r.stderr).toMatch(/then: npm run bootstrap +# starts a new sync of it/);
    expect(r.stderr).toContain("Bootstrap stopped while waiting for the Applications to sync");
    expect(r.stderr).not.toContain("within 600s");
    // Reported, not restarted: the restart is the re-run's, once the cause is fixed.
    expect(patches(r.calls).map(line)).toEqual([]);
  });

  it("a new sync Argo CD refused (changed meanwhile) is a warning, and the wait goes on", async () => {
    const stalled = [failed("root"), ...others(["root"])];
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: { applications: [stalled, healthyApps(fx.applications)], patchConflict: ["root"] } });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(patches(r.calls)).toHaveLength(1);
    expect(r.stderr).toContain('Error from server (Conflict): Operation cannot be fulfilled on applications.argoproj.io "root"');
    expect(r.stderr).toContain("could not start a new sync of root");
  });

  it("--dry-run shows the patch it would send, and reads nothing", async () => {
    const r = await sandbox.run("bootstrap.sh", ["--dry-run"], { fixture: fx });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stdout).toContain("for each of them whose sync failed for good at the commit it should be at, a new sync:");
    expect(r.stdout).toContain(`+ kubectl --context k3d-${fx.clusterName} -n argocd patch applications.argoproj.io '<name>' --type merge -p '{"metadata":{"resourceVersion":"<read>"},"operation":{"initiatedBy":{"username":"spark-platform-bootstrap"}`);
  });
});

describe("cluster-status.mjs stalled-syncs", () => {
  const run = (items: unknown[], ...names: string[]) =>
    spawnSync(process.execPath, [helper, "stalled-syncs", "--initiator", "me", ...names], { input: JSON.stringify({ items }), encoding: "utf8" });
  const app = (name: string, phase: string, extra: Record<string, unknown> = {}) => ({
    metadata: { name, resourceVersion: "9" },
    spec: { source: { repoURL: "git://x/platform.git", path: "p", targetRevision: "main" }, syncPolicy: { automated: { prune: false }, syncOptions: ["CreateNamespace=true"] } },
    status: { sync: { status: "OutOfSync", revision: COMMIT }, operationState: { phase, message: "boom\nsecond line", syncResult: { revision: COMMIT, source: { targetRevision: "main", path: "p", repoURL: "git://x/platform.git" } } } },
    ...extra,
  });

  it("prints shell arrays, one entry per Application given up on, in the order asked; a source compares key order aside", () => {
    const out = run([app("b", "Error"), app("a", "Failed"), app("c", "Succeeded")], "a", "b", "c", "d");
    expect(out.status).toBe(0);
    expect(out.stdout.split("\n")[0]).toBe("STALLED_NAME=('a' 'b')");
    expect(out.stdout).toContain(`STALLED_REVISION=('${COMMIT}' '${COMMIT}')`);
    expect(out.stdout).toContain("STALLED_MESSAGE=('boom' 'boom')");
    // No retry policy: none in the operation (Argo CD's CLI does the same); no prune when the policy does not prune; the sync options kept.
    expect(out.stdout).toContain(`'{"metadata":{"resourceVersion":"9"},"operation":{"initiatedBy":{"username":"me"},"sync":{"revision":"${COMMIT}","syncOptions":["CreateNamespace=true"]}}}'`);
  });

  it("empty arrays when none is; usage errors exit 2", () => {
    expect(run([app("a", "Running")], "a").stdout).toBe("STALLED_NAME=()\nSTALLED_REVISION=()\nSTALLED_MESSAGE=()\nSTALLED_PATCH=()\n");
    expect(spawnSync(process.execPath, [helper, "stalled-syncs", "a"], { input: "{}", encoding: "utf8" }).status).toBe(2);
  });

  it("applications: a sync being retried says so first, before Argo CD's cause is cut to the table's width", () => {
    const retrying = {
      metadata: { name: "root" },
      status: { sync: { status: "OutOfSync" }, health: { status: "Progressing" }, operationState: { phase: "Running", message: "one or more synchronization tasks completed unsuccessfully due to application controller sync timeout. Retrying attempt #2 at 4:05AM." } },
    };
    const out = spawnSync(process.execPath, [helper, "applications", "root"], { input: JSON.stringify({ items: [retrying] }), encoding: "utf8" });
    expect(out.stdout).toMatch(/^root\s+OutOfSync\s+Progressing\s+Retrying \(attempt #2 at 4:05AM\): one or more synchronization tasks completed unsuccessful…$/m);
  });

  it("a message with a quote is still one shell word", () => {
    const quoted = app("a", "Failed");
    quoted.status.operationState.message = "it's 'quoted'";
    const out = run([quoted], "a");
    const eval_ = spawnSync("bash", ["-c", `${out.stdout}\nprintf '%s' "\${STALLED_MESSAGE[0]}"`], { encoding: "utf8" });
    expect(eval_.stdout).toBe("it's 'quoted'");
  });
});
