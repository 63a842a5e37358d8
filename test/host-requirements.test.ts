/**
 * What the Docker VM under the k3d cluster must give (src/model/host-requirements.ts):
 * the numbers from platform.yaml and the teams, `spark-platform config host`,
 * and the README's prerequisites, which must be those numbers.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { gibibytes, hostRequirements, hostRequirementsMarkdown, PLATFORM_FOOTPRINT } from "../src/model/host-requirements.js";
import type { PlatformModel } from "../src/model/platform-model.js";
import { compile } from "../src/pipeline.js";
import { runCli } from "./support/cli.js";
import { copyProject, type TestProject } from "./support/project.js";
import { repoRoot } from "./support/paths.js";

const MiB = 2 ** 20;
const GiB = 2 ** 30;

const projects: TestProject[] = [];
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
});

/** The seed's model, with platform.yaml (or other input files) edited first. */
async function modelOf(edits: Record<string, (text: string) => string> | ((platformYaml: string) => string) = {}): Promise<PlatformModel> {
  const project = copyProject();
  projects.push(project);
  for (const [file, edit] of Object.entries(typeof edits === "function" ? { "platform.yaml": edits } : edits)) {
    const original = project.read(file);
    const edited = edit(original);
    if (edited === original) throw new Error(`the edit of ${file} does not apply`);
    project.write(file, edited);
  }
  const { model, diagnostics } = await compile(project.root, { lint: false, render: false });
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return model!;
}

describe("host requirements of the seed (1 server of 2 CPU / 4Gi, 2 agents of 4 CPU / 8Gi, guarantees 4 + 4 CPU, 4 example jobs)", () => {
  it("CPU: each node reports every CPU of the VM, so the VM needs the largest node's 4, and 3 nodes × 3 would hold the 8 CPU of guarantees", async () => {
    const req = hostRequirements(await modelOf());
    expect(req.nodes).toBe(1 + 2);
    expect(req.cpu).toEqual({
      perNode: 4, // max(2, 4)
      guaranteed: (4 + 4) * 1000, // delta and theta; `default` guarantees nothing
      forGuarantees: Math.ceil(8 / 3), // 3
      minimum: 4,
    });
  });

  it("memory: the nodes advertise 4 + 8 + 8 GiB; the platform and the four examples (3 pods of 512m + 384Mi overhead each) need less", async () => {
    const req = hostRequirements(await modelOf());
    const pod = 512 * MiB + Math.max(0.1 * 512 * MiB, 384 * MiB); // Spark's overhead: max(10 %, 384 MiB)
    const examples = 4 * 3 * pod; // 10752 MiB = 10.5 GiB
    const platform = (1596 + 2 * 275 + 1216 + 600 + 900) * MiB; // k3s server, 2 agents, Argo CD, Spark Operator, Volcano
    expect(req.memory).toEqual({
      advertised: (4 + 8 + 8) * GiB,
      platform,
      examples,
      exampleJobs: 4,
      minimum: platform + examples,
    });
    expect(gibibytes(examples)).toBe("10.5 GiB");
    expect(gibibytes(req.memory.minimum)).toBe("15.2 GiB"); // 15614 MiB
  });
});

describe("host requirements follow platform.yaml", () => {
  it("more, smaller agents: the largest node sets the CPUs, the guarantees spread over every node", async () => {
    const req = hostRequirements(await modelOf((s) => s.replace('agents: { count: 2, cpu: "4", memory: 8Gi }', 'agents: { count: 4, cpu: "3", memory: 6Gi }')));
    expect(req.nodes).toBe(5);
    expect(req.cpu).toEqual({ perNode: 3, guaranteed: 8000, forGuarantees: Math.ceil(8 / 5), minimum: 3 });
    expect(req.memory.advertised).toBe((4 + 4 * 6) * GiB);
    expect(req.memory.platform).toBe((1596 + 4 * 275 + 1216 + 600 + 900) * MiB);
  });

  it("nodes that advertise less than the platform and the examples need: the advertised memory is enough, pods beyond it wait Pending", async () => {
    const req = hostRequirements(
      await modelOf({
        "platform.yaml": (s) => s.replace('agents: { count: 2, cpu: "4", memory: 8Gi }', 'agents: { count: 2, cpu: "4", memory: 6Gi }'),
        "teams/alpha.yaml": (s) => s.replace("executor: { cores: 1, memory: 512m, instances: 2 }", "executor: { cores: 1, memory: 1g, instances: 2 }"),
      }),
    );
    expect(req.memory.advertised).toBe((4 + 6 + 6) * GiB);
    // alpha's two PySpark executors take 1024 + floor(0.4 × 1024) = 1433 MiB each instead of 512 + 384 = 896 MiB.
    expect(req.memory.examples).toBe((4 * 3 * 896 + 2 * (1433 - 896)) * MiB);
    expect(req.memory.platform + req.memory.examples).toBeGreaterThan(req.memory.advertised);
    expect(req.memory.minimum).toBe(req.memory.advertised);
  });

  it("every part of the footprint names its source", () => {
    for (const part of PLATFORM_FOOTPRINT) expect(part.source, part.part).toMatch(/^https:\/\/\S+ \(.+\)$/);
  });
});

describe("spark-platform config host", () => {
  it("gives the bootstrap the same numbers, as JSON and as shell assignments", async () => {
    const expected = hostRequirements(await modelOf());
    const json = await runCli(["config", "host", "--format", "json"]);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(expected);
    const env = await runCli(["config", "host", "--format", "env"]);
    expect(env.stdout).toContain(`HOST_CPU_MINIMUM='${expected.cpu.minimum}'\n`);
    expect(env.stdout).toContain(`HOST_MEMORY_ADVERTISED='${expected.memory.advertised}'\n`);
    expect(env.stdout).toContain(`HOST_MEMORY_MINIMUM='${expected.memory.minimum}'\n`);
  });

  it("gives what a reused cluster must run: the servers' k3s arguments and the ports on the bind address", async () => {
    const r = await runCli(["config", "reuse", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const reuse = JSON.parse(r.stdout);
    expect(reuse.serverArgs).toContain("--kube-apiserver-arg=feature-gates=ValidatingAdmissionPolicy=true");
    expect(reuse.serverArgs).toContain("--kube-apiserver-arg=runtime-config=admissionregistration.k8s.io/v1beta1=true");
    expect(reuse.ports).toEqual(["127.0.0.1:6443:6443", "127.0.0.1:8080:80", "127.0.0.1:8443:443"]);
  });
});

describe("README", () => {
  it("states the Docker VM's prerequisites that platform.yaml gives (between the host-requirements markers)", async () => {
    const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const embedded = /<!-- host-requirements:start -->\n([\s\S]*?)\n<!-- host-requirements:end -->/.exec(readme)?.[1];
    const { model } = await compile(repoRoot, { lint: false, render: false });
    expect(embedded).toBe(hostRequirementsMarkdown(model!));
  });
});
