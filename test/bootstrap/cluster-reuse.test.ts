// An existing cluster of the same name is reused only when it is what
// generated/cluster/k3d.yaml describes: node counts, the k3s image
// platform.yaml pins, every k3s argument of the servers (the API server flags
// the guardrails need) and every port on its host address. The stand-in k3d
// lists a cluster made from the fixture's config unless a test says otherwise.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../support/paths.js";
import { type Fixture, healthyApps, k3dCluster, line, makeFixture, mutatingCalls, type Result, Sandbox, type Scenario } from "./harness.js";

const NAME = "data-platform-cluster";
const IMAGE = "rancher/k3s:v1.28.15-k3s1";
const VAP_GATE = "--kube-apiserver-arg=feature-gates=ValidatingAdmissionPolicy=true";
const VAP_API = "--kube-apiserver-arg=runtime-config=admissionregistration.k8s.io/v1beta1=true";
const RECREATE = "fix: npm run bootstrap -- --recreate   (deletes the cluster and everything in it)";

let sandbox: Sandbox;
let fx: Fixture;
let synced: Scenario;
/** The servers' k3s arguments and the ports, read from the fixture's own k3d config. */
let serverArgs: string[];
let ports: string[];
beforeAll(async () => {
  sandbox = new Sandbox();
  fx = await makeFixture(sandbox.base);
  synced = { applications: [healthyApps(fx.applications)] };
  const config = parse(readFileSync(join(fx.root, "generated/cluster/k3d.yaml"), "utf8"));
  serverArgs = config.options.k3s.extraArgs.map((a: { arg: string }) => a.arg);
  ports = [`127.0.0.1:${fx.ports.api}:6443`, `127.0.0.1:${fx.ports.http}:80`, `127.0.0.1:${fx.ports.https}:443`];
});
afterAll(() => sandbox.cleanup());

const dump = (r: Result) => `stdout:\n${r.stdout}\nstderr:\n${r.stderr}\ncalls:\n${r.calls.map(line).join("\n")}`;
const existing = (shape: Parameters<typeof k3dCluster>[4]): Scenario => ({ ...synced, clusters: [k3dCluster(NAME, 1, 2, true, shape)] });
const refused = (r: Result) => {
  expect(r.exitCode, dump(r)).toBe(1);
  expect(r.stderr).toContain(`cluster '${NAME}' exists with 1 server(s) and 2 agent(s), 3 of 3 running, but generated/cluster/k3d.yaml wants `);
  expect(r.stderr).toContain(RECREATE);
  expect(r.stderr).toContain("1 check(s) failed; nothing was created.");
  expect(mutatingCalls(r.calls).map(line)).toEqual([]);
};

describe("an existing cluster that matches", () => {
  it("is reused; its image is read with docker inspect of its server and agents", async () => {
    expect(serverArgs).toEqual(expect.arrayContaining([VAP_GATE, VAP_API]));
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: existing({ image: IMAGE, serverArgs, ports }) });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdout).toContain("exists (1 server(s) and 2 agent(s), 3 of 3 running): it will be reused");
    expect(r.calls.map(line)).toContain(`docker inspect --format {{.Config.Image}} k3d-${NAME}-server-0 k3d-${NAME}-agent-0 k3d-${NAME}-agent-1`);
    expect(r.calls.some((c) => /^k3d cluster (create|delete)/.test(line(c)))).toBe(false);
  });

  it("with --recreate is replaced without being inspected", async () => {
    const r = await sandbox.run("bootstrap.sh", ["--recreate"], { fixture: fx, scenario: existing({ serverArgs: [] }) });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.calls.some((c) => /^docker inspect/.test(line(c)))).toBe(false);
    expect(r.calls.findIndex((c) => /^k3d cluster create/.test(line(c)))).toBeGreaterThan(r.calls.findIndex((c) => /^k3d cluster delete/.test(line(c))));
  });
});

describe("an existing cluster that differs is refused with what differs and --recreate, touching nothing", () => {
  it("created without the API server flags of the guardrails (ValidatingAdmissionPolicy on Kubernetes 1.28)", async () => {
    const without = serverArgs.filter((a) => a !== VAP_GATE && a !== VAP_API);
    expect(without).toHaveLength(serverArgs.length - 2);
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: existing({ serverArgs: without }) });
    refused(r);
    expect(r.stderr).toContain(`k3d-${NAME}-server-0 to run k3s with ${VAP_GATE} ${VAP_API} (it runs without)`);
  });

  it("running another k3s image than platform.yaml pins, on every node", async () => {
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: existing({ image: "rancher/k3s:v1.31.5-k3s1" }) });
    refused(r);
    for (const node of ["server-0", "agent-0", "agent-1"]) {
      expect(r.stderr).toContain(`k3d-${NAME}-${node} to run ${IMAGE}, the image platform.yaml pins (it runs rancher/k3s:v1.31.5-k3s1)`);
    }
  });

  it("publishing HTTP on every interface (0.0.0.0) instead of 127.0.0.1, and HTTPS on another port", async () => {
    const other = [ports[0], `0.0.0.0:${fx.ports.http}:80`, `127.0.0.1:9443:443`];
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: existing({ ports: other }) });
    refused(r);
    expect(r.stderr).toContain(`port 80 published on 127.0.0.1:${fx.ports.http} (it publishes 0.0.0.0:${fx.ports.http}:80)`);
    expect(r.stderr).toContain(`port 443 published on 127.0.0.1:${fx.ports.https} (it publishes 127.0.0.1:9443:443)`);
    expect(r.stderr).not.toContain("port 6443");
  });

  it("every difference at once, after the node counts", async () => {
    const r = await sandbox.run("bootstrap.sh", [], {
      fixture: fx,
      scenario: { ...synced, clusters: [k3dCluster(NAME, 3, 0, true, { image: "rancher/k3s:v1.31.5-k3s1", serverArgs: [], ports: [] })] },
    });
    expect(r.exitCode, dump(r)).toBe(1);
    const message = r.stderr.split("\n").find((l) => l.includes(`cluster '${NAME}' exists`)) ?? "";
    expect(message).toContain("exists with 3 server(s) and 0 agent(s), 3 of 3 running, but generated/cluster/k3d.yaml wants 1 server(s) and 2 agent(s); ");
    for (const node of ["server-0", "server-1", "server-2"]) {
      expect(message).toContain(`k3d-${NAME}-${node} to run k3s with ${serverArgs.join(" ")} (it runs without)`);
      expect(message).toContain(`k3d-${NAME}-${node} to run ${IMAGE}`);
    }
    for (const port of ports) expect(message).toContain(`port ${port.split(":")[2]} published on ${port.split(":").slice(0, 2).join(":")} (it is not published)`);
    expect(mutatingCalls(r.calls)).toEqual([]);
  });

  it("whose nodes docker cannot inspect", async () => {
    const cluster = k3dCluster(NAME, 1, 2, true);
    // k3d lists a node whose container docker no longer knows (the stand-in's own field).
    Object.assign((cluster.nodes as object[])[1], { gone: true });
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: { ...synced, clusters: [cluster] } });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain(`could not read the k3s image of cluster '${NAME}' (docker inspect k3d-${NAME}-server-0 k3d-${NAME}-agent-0 k3d-${NAME}-agent-1: Error: No such object: k3d-${NAME}-agent-0)`);
    expect(mutatingCalls(r.calls)).toEqual([]);
  });
});

describe("cluster-status.mjs k3d-cluster, with what a reused cluster must run", () => {
  const helper = join(repoRoot, "scripts/lib/cluster-status.mjs");
  const status = (list: unknown, ...wants: string[]) =>
    spawnSync(process.execPath, [helper, "k3d-cluster", NAME, "1", "2", ...wants], { input: JSON.stringify(list), encoding: "utf8" });
  const wants = ["--server-arg=--service-cidr=10.43.0.0/16", "--port=127.0.0.1:8080:80"];

  it("matches a cluster with the servers' arguments and the port on its address, and lists its server and agent containers", () => {
    const r = status([k3dCluster(NAME, 1, 2, true, { serverArgs: ["--service-cidr=10.43.0.0/16", "--other"], ports: ["127.0.0.1:8080:80"] })], ...wants);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("CLUSTER_STATE=match\n");
    expect(r.stdout).toContain("CLUSTER_DIFFERENCES=()\n");
    expect(r.stdout).toContain(`CLUSTER_NODES=('k3d-${NAME}-server-0' 'k3d-${NAME}-agent-0' 'k3d-${NAME}-agent-1')\n`);
  });

  it("reads a binding without a host address as every interface", () => {
    const cluster = k3dCluster(NAME, 1, 2, true, { serverArgs: ["--service-cidr=10.43.0.0/16"] });
    Object.assign((cluster.nodes as object[]).at(-1)!, { portMappings: { "80/tcp": [{ HostIp: "", HostPort: "8080" }] } });
    const r = status([cluster], ...wants);
    expect(r.stdout).toContain("CLUSTER_STATE=mismatch\n");
    expect(r.stdout).toContain("CLUSTER_DIFFERENCES=('port 80 published on 127.0.0.1:8080 (it publishes 0.0.0.0:8080:80)')\n");
  });

  it("an absent cluster has no differences and no nodes", () => {
    expect(status([], ...wants).stdout).toBe("CLUSTER_STATE=absent\nCLUSTER_RUNNING=no\nCLUSTER_DETAIL=''\nCLUSTER_DIFFERENCES=()\nCLUSTER_NODES=()\n");
  });
});
