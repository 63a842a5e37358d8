// Preflight against the Docker VM: the stand-in docker answers `docker info`
// for a small and a large VM, and the bootstrap refuses, warns or goes on with
// the numbers of the seed's platform.yaml (1 server of 2 CPU / 4Gi, 2 agents of
// 4 CPU / 8Gi, queue guarantees of 4 + 4 CPU, four example jobs).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Call, type Fixture, healthyApps, line, makeFixture, mutatingCalls, type Result, Sandbox, type Scenario } from "./harness.js";

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const gib = (bytes: number) => `${(bytes / GiB).toFixed(1)} GiB`;

// What the seed asks of the VM (src/model/host-requirements.ts), written out.
const NODES = 1 + 2;
const GUARANTEED_CPU = 4 + 4; // queues delta and theta
const LARGEST_NODE_CPU = Math.max(2, 4);
const ADVERTISED = (4 + 8 + 8) * GiB;
const PLATFORM = (1596 + 2 * 275 + 1216 + 600 + 900) * MiB; // k3s server, 2 agents, Argo CD, Spark Operator, Volcano
const EXAMPLES = 4 * 3 * (512 + 384) * MiB; // 4 jobs of a driver and 2 executors, 512m each + 384Mi overhead
const MINIMUM = PLATFORM + EXAMPLES;
const FIX_VM = `give Docker at least ${LARGEST_NODE_CPU} CPUs and ${ADVERTISED / GiB} GiB of memory: Docker Desktop: Settings → Resources; Colima: colima stop && colima start --cpu ${LARGEST_NODE_CPU} --memory ${ADVERTISED / GiB}`;

let sandbox: Sandbox;
let fx: Fixture;
let synced: Scenario;
beforeAll(async () => {
  sandbox = new Sandbox();
  fx = await makeFixture(sandbox.base);
  synced = { applications: [healthyApps(fx.applications)] };
});
afterAll(() => sandbox.cleanup());

const dump = (r: Result) => `stdout:\n${r.stdout}\nstderr:\n${r.stderr}\ncalls:\n${r.calls.map(line).join("\n")}`;
const nothingCreated = (calls: Call[]) => expect(mutatingCalls(calls).map(line)).toEqual([]);
const vm = (cpus: number, memory: number): Scenario => ({ ...synced, dockerVm: { cpus, memory } });

describe("a Docker VM too small is refused before anything is created", () => {
  it("Colima's default (2 CPUs, 2 GiB): Volcano would count 2 × 3 = 6 CPU, less than the 8 CPU of guarantees, and the memory is short", async () => {
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: vm(2, 2 * GiB) });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(2 * NODES).toBe(6);
    expect(r.stderr).toContain(
      `the Docker VM has 2 CPU(s), and k3d cannot limit a node's CPU: each of the ${NODES} nodes reports 2, so Volcano counts 2 × ${NODES} = ${2 * NODES} CPU, less than the ${GUARANTEED_CPU} CPU the queues guarantee. Volcano 1.8.2's scheduler would panic on every cycle.`,
    );
    expect(r.stderr).toContain(
      `the Docker VM has 2.0 GiB of memory, less than the ${gib(MINIMUM)} needed: the platform itself (${gib(PLATFORM)}: k3s, Argo CD and the components) and the 4 example jobs at once (${gib(EXAMPLES)}).`,
    );
    expect(gib(MINIMUM)).toBe("15.2 GiB");
    // How to resize the VM is said once, under the first refusal; the memory refusal points back to it.
    expect(r.stderr.split(`fix: ${FIX_VM}`)).toHaveLength(2);
    expect(r.stderr).toContain("fix: the Docker setting above covers the memory too");
    expect(r.stderr).toContain("fix: or size the nodes for this machine: cluster.servers.cpu and cluster.agents.cpu in platform.yaml");
    expect(r.stderr).toContain("2 check(s) failed; nothing was created.");
    expect(r.stdout).not.toContain("Docker VM:");
    nothingCreated(r.calls);
    expect(r.calls.some((c) => /^k3d cluster create/.test(line(c)))).toBe(false);
  });

  it("3 CPUs: Volcano's 3 × 3 = 9 CPU hold the guarantees, but each node reports 3, fewer than the 4 CPU an agent is declared with", async () => {
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: vm(3, 32 * GiB) });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(3 * NODES).toBeGreaterThanOrEqual(GUARANTEED_CPU);
    expect(r.stderr).toContain(
      `the Docker VM has 3 CPU(s), and k3d cannot limit a node's CPU: each node reports 3, fewer than the ${LARGEST_NODE_CPU} CPU platform.yaml gives its largest nodes, which the quotas, the queues and the capacity checks count on.`,
    );
    expect(r.stderr).not.toContain("Volcano counts");
    expect(r.stderr).not.toContain("GiB of memory, less than");
    expect(r.stderr).toContain("1 check(s) failed; nothing was created.");
    nothingCreated(r.calls);
  });

  it("12 GiB: less than the platform and the four examples at once", async () => {
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: vm(16, 12 * GiB) });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(12 * GiB).toBeLessThan(MINIMUM);
    expect(r.stderr).toContain(`the Docker VM has 12.0 GiB of memory, less than the ${gib(MINIMUM)} needed`);
    expect(r.stderr).toContain(`fix: ${FIX_VM}`);
    expect(r.stderr).toContain("fix: or declare smaller nodes (cluster.servers.memory, cluster.agents.memory in platform.yaml), then: npm run build");
    expect(r.stderr).toContain("1 check(s) failed; nothing was created.");
    nothingCreated(r.calls);
  });
});

describe("a Docker VM that fits", () => {
  it("below what the nodes advertise but above what the platform and the examples need: a warning about the OOM killer, and the bootstrap goes on", async () => {
    const memory = 16 * GiB;
    expect(memory).toBeGreaterThanOrEqual(MINIMUM);
    expect(memory).toBeLessThan(ADVERTISED);
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: vm(16, memory) });
    expect(r.stderr).toContain(
      `! the Docker VM has 16.0 GiB of memory, less than the 20.0 GiB the ${NODES} nodes advertise (k3d writes each node's declared size into its /proc/meminfo and reserves nothing). Kubernetes places pods up to 20.0 GiB; past 16.0 GiB the kernel's OOM killer ends a process (a Spark executor, or a platform component) instead of a pod waiting Pending. The platform and the 4 example jobs at once (${gib(MINIMUM)}) fit.`,
    );
    expect(r.stderr).toContain(`to run without this warning: ${FIX_VM}`);
    expect(r.stderr).not.toContain("check(s) failed");
    expect(r.stdout).toContain("✓ Docker VM: 16 CPU(s), 16.0 GiB");
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.calls.some((c) => /^k3d cluster create --config /.test(line(c)))).toBe(true);
  });

  it("16 CPUs and 32 GiB: no warning; it says each node reports all 16 CPUs while the checks plan with the declared sizes", async () => {
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: vm(16, 32 * GiB) });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(
      `✓ Docker VM: 16 CPU(s), 32.0 GiB; each of the ${NODES} nodes reports all 16 (k3d cannot limit them; the capacity checks plan with platform.yaml's sizes, up to ${LARGEST_NODE_CPU} CPU a node), and they advertise 20.0 GiB together`,
    );
  });

  it("exactly the minimum (4 CPUs, 15614 MiB) is enough", async () => {
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: vm(LARGEST_NODE_CPU, MINIMUM) });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stderr).not.toContain("✗");
    expect(r.stdout).toContain(`✓ Docker VM: 4 CPU(s), ${gib(MINIMUM)}`);
  });
});

describe("--dry-run", () => {
  it("prints the docker info command and what the VM needs, and runs nothing", async () => {
    const r = await sandbox.run("bootstrap.sh", ["--dry-run"], { fixture: fx, tools: [] });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.calls).toEqual([]);
    expect(r.stdout).toContain("+ docker info --format '{{.NCPU}} {{.MemTotal}}'\n");
    expect(r.stdout).toContain(`# then: the Docker VM needs ${LARGEST_NODE_CPU} CPUs and ${gib(MINIMUM)} at least, ${gib(ADVERTISED)} to run without a warning`);
  });
});
