// The contract between the compiler and the bootstrap scripts: what
// `spark-platform config` answers (every name, port, path and URL the scripts
// use, from the validated platform), checked against what the build wrote;
// and scripts/lib/cluster-status.mjs, which reads what k3d and kubectl say.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot, upstreamDir, upstreamMissing } from "../support/paths.js";
import { cli, type Fixture, k3dCluster, makeFixture, Sandbox } from "./harness.js";

const statusHelper = join(repoRoot, "scripts/lib/cluster-status.mjs");
const K3D_SCHEMA = "k3d-v5.9.0/v1alpha5.schema.json";

const config = (root: string, ...args: string[]) =>
  spawnSync(process.execPath, [cli, "config", "--dir", root, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });

/** `config --format env`, eval'ed by bash and read back: what the scripts see. */
function evaluated(root: string, names: string[], ...args: string[]): Record<string, string> {
  const show = names.map((n) => `printf '%s=%s\\n' ${n} "\${${n}[*]}"`).join("; ");
  const r = spawnSync("bash", ["-c", `set -eu; eval "$(node "$1" config --dir "$2" --format env "\${@:3}")"; ${show}`, "_", cli, root, ...args], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return Object.fromEntries(r.stdout.trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

let sandbox: Sandbox;
let fx: Fixture;
beforeAll(async () => {
  sandbox = new Sandbox();
  fx = await makeFixture(sandbox.base);
});
afterAll(() => sandbox.cleanup());

describe("spark-platform config", () => {
  it("answers from platform.yaml and the build: cluster, ports, Argo CD, repository, Applications, examples", () => {
    const r = config(fx.root, "--format", "json");
    expect(r.status, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout);
    const platform = parse(readFileSync(join(fx.root, "platform.yaml"), "utf8"));
    const k3d = parse(readFileSync(join(fx.root, "generated/cluster/k3d.yaml"), "utf8"));
    const root = parse(readFileSync(join(fx.root, "argocd/root-application.yaml"), "utf8"));
    expect(c.cluster).toEqual({
      name: k3d.metadata.name,
      context: `k3d-${platform.cluster.name}`,
      servers: k3d.servers,
      agents: k3d.agents,
      k3sImage: k3d.image,
      serverVersion: k3d.image.split(":")[1].replace("-k3s", "+k3s"),
      config: "generated/cluster/k3d.yaml",
    });
    expect(c.hostPorts).toEqual({ ...fx.ports, bindAddress: k3d.kubeAPI.hostIP });
    expect(k3d.kubeAPI.hostPort).toBe(String(fx.ports.api));
    expect(k3d.ports.map((p: { port: string }) => p.port)).toEqual([`${c.hostPorts.bindAddress}:${fx.ports.http}:80`, `${c.hostPorts.bindAddress}:${fx.ports.https}:443`]);
    expect(c.argocd).toMatchObject({ namespace: root.metadata.namespace, version: platform.gitops.argocdVersion, dir: "argocd", crds: ["applications.argoproj.io", "appprojects.argoproj.io"] });
    expect(c.repository).toMatchObject({ url: platform.gitops.repoURL, revision: platform.gitops.targetRevision });
    expect(c.root).toMatchObject({ name: root.metadata.name, namespace: root.metadata.namespace, file: "argocd/root-application.yaml", manifest: root });
    expect(c.applications).toEqual(fx.applications);
    expect(c.examples).toEqual(fx.examples);
    expect(c.output).toEqual({ state: "current", files: [] });
  });

  it("as shell assignments: every value survives eval, lists as bash arrays", () => {
    const env = evaluated(fx.root, ["CLUSTER_NAME", "HOST_PORTS_API", "ARGOCD_CRDS", "APPLICATIONS", "EXAMPLES_FILE", "REPOSITORY_SECRET_LABELS_NAME", "OUTPUT_STATE"]);
    expect(env).toEqual({
      CLUSTER_NAME: fx.clusterName,
      HOST_PORTS_API: String(fx.ports.api),
      ARGOCD_CRDS: "applications.argoproj.io appprojects.argoproj.io",
      APPLICATIONS: fx.applications.join(" "),
      EXAMPLES_FILE: fx.examples.map((e) => e.file).join(" "),
      REPOSITORY_SECRET_LABELS_NAME: "argocd.argoproj.io/secret-type app.kubernetes.io/part-of",
      OUTPUT_STATE: "current",
    });
  });

  it("values with quotes and $(...) survive the trip through eval, unexecuted", async () => {
    const marker = join(sandbox.base, "pwned");
    const url = `https://example.com/it's$(touch${"${IFS}"}${marker}).git`;
    const odd = await makeFixture(join(sandbox.base, "odd"), { repoURL: url });
    expect(evaluated(odd.root, ["REPOSITORY_URL"])).toEqual({ REPOSITORY_URL: url });
    expect(existsSync(marker)).toBe(false);
  });

  it("one value by its key; an unknown key lists the keys (exit 2)", () => {
    expect(config(fx.root, "cluster.name").stdout).toBe(`${fx.clusterName}\n`);
    expect(config(fx.root, "argocd.crds").stdout).toBe("applications.argoproj.io\nappprojects.argoproj.io\n");
    const unknown = config(fx.root, "cluster.nmae");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown key `cluster.nmae`. Keys: cluster.name, cluster.context");
  });

  it("--repo-url and --revision change the root Application's source, and nothing else", () => {
    const c = JSON.parse(config(fx.root, "--format", "json", "--repo-url", "https://example.com/fork.git", "--revision", "feature-x").stdout);
    expect(c.root.manifest.spec.source).toMatchObject({ repoURL: "https://example.com/fork.git", targetRevision: "feature-x", path: "generated/applications" });
    expect(c.repository).toMatchObject({ url: "https://example.com/fork.git", revision: "feature-x" });
    expect(c.output.state).toBe("current");
  });

  it("says whether generated/ and argocd/ are what the inputs build: missing, current, stale", async () => {
    const project = await makeFixture(join(sandbox.base, "states"), { unbuilt: true });
    expect(config(project.root, "output.state").stdout).toBe("missing\n");
    expect(spawnSync(process.execPath, [cli, "build", "--dir", project.root], { encoding: "utf8" }).status).toBe(0);
    expect(config(project.root, "output.state").stdout).toBe("current\n");
    const file = join(project.root, "platform.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("targetRevision: main", "targetRevision: release"));
    const stale = JSON.parse(config(project.root, "output", "--format", "json").stdout);
    expect(stale.state).toBe("stale");
    expect(stale.files).toContain("argocd/root-application.yaml");
  });

  it("refuses an invalid platform.yaml with the compiler's diagnostic (exit 1)", async () => {
    const invalid = await makeFixture(join(sandbox.base, "invalid"), { unbuilt: true });
    const file = join(invalid.root, "platform.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("name: data-platform-cluster", "name: 'x; rm -rf /'"));
    const r = config(invalid.root, "cluster.name");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/platform\.yaml:\d+:\d+/);
  });

  it.skipIf(upstreamMissing(K3D_SCHEMA))("the fixture's k3d.yaml is valid for k3d's own v1alpha5 schema", () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(upstreamDir, K3D_SCHEMA), "utf8")));
    expect(validate(parse(readFileSync(join(fx.root, "generated/cluster/k3d.yaml"), "utf8"))), ajv.errorsText(validate.errors)).toBe(true);
  });

  it("bootstrap --dry-run on the repository itself plans the commands against its files", () => {
    const r = spawnSync("bash", [join(repoRoot, "scripts/bootstrap.sh"), "--dry-run"], {
      encoding: "utf8",
      env: { ...process.env, SPARK_PLATFORM_ROOT: "", SPARK_PLATFORM_CLI: cli, NO_COLOR: "1" },
    });
    expect(r.status, r.stderr).toBe(0);
    const name = parse(readFileSync(join(repoRoot, "platform.yaml"), "utf8")).cluster.name;
    expect(r.stdout).toContain(`+ k3d cluster create --config ${repoRoot}/generated/cluster/k3d.yaml`);
    expect(r.stdout).toContain(`-k ${repoRoot}/argocd`);
    expect(r.stdout).toContain(`+ kubectl config use-context k3d-${name}`);
  });
});

describe("cluster-status.mjs", () => {
  const status = (args: string[], input: unknown) => spawnSync(process.execPath, [statusHelper, ...args], { input: JSON.stringify(input), encoding: "utf8" });
  const state = (list: unknown, servers = 1, agents = 2) => status(["k3d-cluster", "data-platform-cluster", String(servers), String(agents)], list).stdout;

  it("k3d-cluster: absent, matching, stopped, mismatching", () => {
    expect(state([])).toContain("CLUSTER_STATE=absent");
    expect(state([k3dCluster("other", 1, 2)])).toContain("CLUSTER_STATE=absent");
    expect(state([k3dCluster("data-platform-cluster", 1, 2)])).toMatch(/CLUSTER_STATE=match\nCLUSTER_RUNNING=yes/);
    expect(state([k3dCluster("data-platform-cluster", 1, 2, false)])).toMatch(/CLUSTER_STATE=match\nCLUSTER_RUNNING=no/);
    expect(state([k3dCluster("data-platform-cluster", 1, 0)])).toContain("CLUSTER_STATE=mismatch");
  });

  it("k3d-cluster counts nodes by role when the counts are missing (the load balancer is no node)", () => {
    const c = k3dCluster("data-platform-cluster", 1, 2);
    delete c.serversCount;
    delete c.agentsCount;
    expect(state([c])).toContain("CLUSTER_STATE=match");
  });

  it("version reads kubectl's client and server versions, and fails when one is missing", () => {
    const both = { clientVersion: { gitVersion: "v1.31.2" }, serverVersion: { gitVersion: "v1.28.15+k3s1" } };
    expect(status(["version", "clientVersion"], both).stdout).toBe("v1.31.2\n");
    expect(status(["version", "serverVersion"], both).stdout).toBe("v1.28.15+k3s1\n");
    expect(status(["version", "serverVersion"], { clientVersion: both.clientVersion }).status).toBe(1);
  });

  it("applications: a row per expected or existing Application; exit 3 until all are Synced and Healthy", () => {
    const app = (name: string, sync: string, health: string) => ({ metadata: { name, namespace: "argocd" }, status: { sync: { status: sync }, health: { status: health } } });
    const waiting = status(["applications", "root", "volcano"], { items: [app("root", "Synced", "Healthy")] });
    expect(waiting.status).toBe(3);
    expect(waiting.stdout).toMatch(/^NAME\s+SYNC\s+HEALTH\s+MESSAGE\nroot\s+Synced\s+Healthy\nvolcano\s+-\s+-\s+not created yet\n1\/2 Applications Synced and Healthy\n$/);
    const done = status(["applications", "root", "volcano"], { items: [app("root", "Synced", "Healthy"), app("volcano", "Synced", "Healthy")] });
    expect(done.status).toBe(0);
  });
});
