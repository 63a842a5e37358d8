// scripts/teardown.sh against stand-in docker, k3d and kubectl; and the
// bootstrap's behaviour on a real (pseudo-)terminal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Fixture, hasScriptCommand, healthyApps, k3dCluster, line, makeFixture, type Result, Sandbox } from "./harness.js";

let sandbox: Sandbox;
let fx: Fixture;
beforeAll(async () => {
  sandbox = new Sandbox();
  fx = await makeFixture(sandbox.base);
});
afterAll(() => sandbox.cleanup());

const dump = (r: Result) => `stdout:\n${r.stdout}\nstderr:\n${r.stderr}\ncalls:\n${r.calls.map(line).join("\n")}`;
const exists = { clusters: [k3dCluster("data-platform-cluster", 1, 2), k3dCluster("someone-elses", 1, 0)] };
const deletes = (r: Result) => r.calls.filter((c) => c.tool === "k3d" && c.args[0] === "cluster" && c.args[1] === "delete").map(line);

describe("teardown", () => {
  it("--yes deletes the cluster platform.yaml names, and nothing else", async () => {
    const r = await sandbox.run("teardown.sh", ["--yes"], { fixture: fx, scenario: exists });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(deletes(r)).toEqual(["k3d cluster delete data-platform-cluster"]);
    expect(r.calls.map(line)).toEqual(["k3d cluster list -o json", "k3d cluster delete data-platform-cluster"]);
    expect(r.stdout).toContain("cluster 'data-platform-cluster' deleted");
  });

  it("without --yes and without a terminal refuses, deleting nothing", async () => {
    const r = await sandbox.run("teardown.sh", [], { fixture: fx, scenario: exists, input: "y\n" });
    expect(r.exitCode, dump(r)).toBe(2);
    expect(r.stderr).toContain("refusing to delete cluster 'data-platform-cluster' without confirmation");
    expect(r.stderr).toContain("fix: npm run teardown -- --yes");
    expect(deletes(r)).toEqual([]);
  });

  it("with nothing to delete says so and succeeds", async () => {
    const r = await sandbox.run("teardown.sh", ["--yes"], { fixture: fx, scenario: { clusters: [] } });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdout).toContain("no cluster named 'data-platform-cluster': nothing to delete");
    expect(deletes(r)).toEqual([]);
  });

  it("--dry-run prints the delete and runs nothing", async () => {
    const r = await sandbox.run("teardown.sh", ["--dry-run"], { fixture: fx, scenario: exists });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stdout).toContain("+ k3d cluster delete data-platform-cluster");
  });

  it("with Docker down explains how to start it", async () => {
    const r = await sandbox.run("teardown.sh", ["--yes"], { fixture: fx, scenario: { ...exists, dockerDaemon: "down" } });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("k3d could not list clusters: FATA[0000] runtime failed to list nodes");
    expect(r.stderr).toContain("fix: start Docker Desktop, or on Linux: sudo systemctl start docker");
    expect(deletes(r)).toEqual([]);
  });

  it("without k3d says so", async () => {
    const r = await sandbox.run("teardown.sh", ["--yes"], { fixture: fx, scenario: exists, tools: ["docker", "kubectl"] });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("k3d is not installed");
    expect(r.calls).toEqual([]);
  });

  it("reads the cluster name from platform.yaml when nothing is built yet", async () => {
    const unbuilt = await makeFixture(`${sandbox.base}/unbuilt`, { clusterName: "other-name", unbuilt: true });
    const r = await sandbox.run("teardown.sh", ["--yes"], { fixture: unbuilt, scenario: { clusters: [k3dCluster("other-name", 1, 2)] } });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(deletes(r)).toEqual(["k3d cluster delete other-name"]);
  });

  it("--help and bad usage", async () => {
    const help = await sandbox.run("teardown.sh", ["--help"], { fixture: fx });
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain("--yes");
    const bad = await sandbox.run("teardown.sh", ["--force"], { fixture: fx });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("unknown option: --force");
    expect(bad.calls).toEqual([]);
  });
});

describe.skipIf(!hasScriptCommand())("on a terminal", () => {
  it("teardown asks, and deletes on 'y'", async () => {
    const r = await sandbox.run("teardown.sh", [], { fixture: fx, scenario: exists, tty: true, input: "y\n", env: { NO_COLOR: "1" } });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdout).toContain("Delete k3d cluster 'data-platform-cluster' and everything in it? [y/N]");
    expect(deletes(r)).toEqual(["k3d cluster delete data-platform-cluster"]);
  });

  it("teardown keeps the cluster on anything but yes", async () => {
    const r = await sandbox.run("teardown.sh", [], { fixture: fx, scenario: exists, tty: true, input: "\n", env: { NO_COLOR: "1" } });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stdout).toContain("not deleted.");
    expect(deletes(r)).toEqual([]);
  });

  it("bootstrap redraws the Application table in place instead of scrolling", async () => {
    const scenario = { applications: [[], [{ name: "root", sync: "Synced", health: "Healthy" }], healthyApps(fx.applications)] };
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario, tty: true, env: { NO_COLOR: "1" } });
    expect(r.exitCode, dump(r)).toBe(0);
    // Cursor up over the previous table (header, a row per Application, summary), then clear to the end.
    expect(r.stdout).toContain(`\u001b[${fx.applications.length + 2}A\u001b[J`);
    expect(r.stdout).not.toMatch(/^\[\d+s\] /m); // the log-style timestamps are for non-terminals
  });

  it("colours only when allowed", async () => {
    const scenario = { dockerDaemon: "down" as const };
    const coloured = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario, tty: true });
    expect(coloured.stdout).toContain("\u001b[31m");
    const plain = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario, tty: true, env: { NO_COLOR: "1" } });
    expect(plain.stdout).not.toContain("\u001b[31m");
    expect(plain.stdout).toContain("the Docker daemon is not reachable");
  });
});
