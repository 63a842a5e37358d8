// The contract between the compiler's output and the bootstrap scripts: what
// scripts/lib/platform-config.mjs reads from the generated files, checked on
// the small fixture always, and on the real output once `npm run build` made it.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { type Fixture, k3dCluster, makeFixture, repoRoot, Sandbox } from "./harness.js";

const helper = join(repoRoot, "scripts/lib/platform-config.mjs");
const upstreamSchema = join(repoRoot, "../shared/upstream/k3d-v5.9.0/v1alpha5.schema.json");
const built = existsSync(join(repoRoot, "generated/cluster/k3d.yaml"));
if (!built) console.warn("SKIPPED: generated/ does not exist yet (npm run build); the contract tests on the real output do not run.");

function node(args: string[], input = "") {
  return spawnSync(process.execPath, [helper, ...args], { input, encoding: "utf8" });
}

/** platform-config.mjs env, read back into a record (EXAMPLES as a list). */
function readEnv(root: string): Record<string, string> & { EXAMPLES_LIST?: string[] } {
  const r = node(["env", "--root", root]);
  expect(r.status, r.stderr).toBe(0);
  const out: Record<string, string> & { EXAMPLES_LIST?: string[] } = {};
  for (const l of r.stdout.trim().split("\n")) {
    const m = /^([A-Z_]+)=(.*)$/.exec(l)!;
    if (m[1] === "EXAMPLES") out.EXAMPLES_LIST = [...m[2].matchAll(/'([^']*)'/g)].map((x) => x[1]);
    else out[m[1]] = m[2].replace(/^'|'$/g, "").replace(/'\\''/g, "'");
  }
  return out;
}

function validateK3dConfig(file: string) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(upstreamSchema, "utf8")));
  const ok = validate(parse(readFileSync(file, "utf8")));
  return { ok, errors: ajv.errorsText(validate.errors) };
}

let sandbox: Sandbox;
let fx: Fixture;
beforeAll(async () => {
  sandbox = new Sandbox();
  fx = await makeFixture(sandbox.base);
});
afterAll(() => sandbox.cleanup());

describe("platform-config.mjs on the fixture", () => {
  it("reads cluster, ports, namespaces, repository, Applications and examples", () => {
    const env = readEnv(fx.root);
    expect(env).toMatchObject({
      CLUSTER_NAME: "data-platform-cluster",
      CLUSTER_SERVERS: "1",
      CLUSTER_AGENTS: "2",
      CLUSTER_IMAGE: "rancher/k3s:v1.28.15-k3s1",
      HOST_PORTS: `${fx.ports.api} ${fx.ports.http} ${fx.ports.https}`,
      HTTP_HOST_PORT: String(fx.ports.http),
      ARGOCD_NAMESPACE: "argocd",
      ROOT_APP_NAME: "root",
      REPO_URL: "https://github.com/example-org/spark-data-platform.git",
      REPO_REVISION: "main",
    });
    expect(env.EXPECTED_APPS.split(",").sort()).toEqual(
      ["root", "spark-operator", "volcano", "team-alpha", "team-beta", "team-theta", "team-delta"].sort(),
    );
    expect(env.EXAMPLES_LIST).toContain("theta|team-theta|spark-pi-theta|generated/examples/theta/spark-application.yaml");
  });

  it.each([
    ["8080:80", 8080],
    ["0.0.0.0:9080:80/tcp@loadbalancer", 9080],
    ["127.0.0.1:9443:443", 9443],
    ["9000:9000/udp", 9000],
  ])("host port of k3d port spec %s is %s", (spec, port) => {
    const k3d = join(fx.root, "generated/cluster/k3d.yaml");
    const original = readFileSync(k3d, "utf8");
    try {
      writeFileSync(k3d, original.replace(/ports:\n[\s\S]*$/, `ports:\n  - port: "${spec}"\n  - port: "30080"\n`));
      expect(readEnv(fx.root).HOST_PORTS).toBe(`${fx.ports.api} ${port}`);
    } finally {
      writeFileSync(k3d, original);
    }
  });

  it("refuses a cluster name that is not a DNS label (it ends up in commands)", () => {
    const k3d = join(fx.root, "generated/cluster/k3d.yaml");
    const original = readFileSync(k3d, "utf8");
    try {
      writeFileSync(k3d, original.replace("name: data-platform-cluster", "name: 'x; rm -rf /'"));
      const r = node(["env", "--root", fx.root]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("is not a valid cluster name");
    } finally {
      writeFileSync(k3d, original);
    }
  });

  it("values with quotes and $(...) survive the trip through eval, unexecuted", async () => {
    const marker = join(sandbox.base, "pwned");
    const url = `https://example.com/it's$(touch ${marker}).git`;
    const odd = await makeFixture(join(sandbox.base, "odd"), { repoURL: url });
    const r = spawnSync("bash", ["-c", `eval "$(node ${helper} env --root "$1")"; printf '%s' "$REPO_URL"`, "_", odd.root], { encoding: "utf8" });
    expect(r.stdout).toBe(url);
    expect(existsSync(marker)).toBe(false);
  });

  it.runIf(existsSync(upstreamSchema))("the fixture's k3d.yaml is valid for k3d's own v1alpha5 schema", () => {
    const { ok, errors } = validateK3dConfig(join(fx.root, "generated/cluster/k3d.yaml"));
    expect(ok, errors).toBe(true);
  });
});

describe("cluster-state (k3d cluster list -o json)", () => {
  const state = (list: unknown, servers = 1, agents = 2) => node(["cluster-state", "data-platform-cluster", String(servers), String(agents)], JSON.stringify(list)).stdout;
  it("absent, matching, stopped, mismatching", () => {
    expect(state([])).toContain("CLUSTER_STATE=absent");
    expect(state([k3dCluster("other", 1, 2)])).toContain("CLUSTER_STATE=absent");
    expect(state([k3dCluster("data-platform-cluster", 1, 2)])).toMatch(/CLUSTER_STATE=match\nCLUSTER_RUNNING=yes/);
    expect(state([k3dCluster("data-platform-cluster", 1, 2, false)])).toMatch(/CLUSTER_STATE=match\nCLUSTER_RUNNING=no/);
    expect(state([k3dCluster("data-platform-cluster", 1, 0)])).toContain("CLUSTER_STATE=mismatch");
  });
  it("counts nodes by role when the counts are missing", () => {
    const c = k3dCluster("data-platform-cluster", 1, 2);
    delete c.serversCount;
    delete c.agentsCount;
    expect(state([c])).toContain("CLUSTER_STATE=match");
  });
});

describe.skipIf(!built)("the real output of npm run build", () => {
  const platform = () => parse(readFileSync(join(repoRoot, "platform.yaml"), "utf8"));

  it("generated/cluster/k3d.yaml is valid for k3d's own v1alpha5 schema", () => {
    if (!existsSync(upstreamSchema)) return;
    const { ok, errors } = validateK3dConfig(join(repoRoot, "generated/cluster/k3d.yaml"));
    expect(ok, errors).toBe(true);
  });

  it("the scripts read back what platform.yaml and teams/ say", () => {
    const env = readEnv(repoRoot);
    const p = platform();
    expect(env.CLUSTER_NAME).toBe(p.cluster.name);
    expect(env.CLUSTER_IMAGE).toBe(p.cluster.k3sImage);
    expect(env.CLUSTER_SERVERS).toBe(String(p.cluster.servers.count));
    expect(env.CLUSTER_AGENTS).toBe(String(p.cluster.agents.count));
    const ports = p.cluster.ports ?? {};
    expect(env.HOST_PORTS.split(" ").map(Number).sort()).toEqual([ports.api ?? 6443, ports.http ?? 8080, ports.https ?? 8443].sort());
    expect(env.REPO_URL).toBe(p.gitops.repoURL);
    expect(env.REPO_REVISION).toBe(p.gitops.targetRevision);
    expect(env.ARGOCD_NAMESPACE).toBe("argocd");

    const teams = readdirSync(join(repoRoot, "teams"))
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => f.replace(/\.yaml$/, ""))
      .sort();
    const examples = (env.EXAMPLES_LIST ?? []).map((e) => e.split("|"));
    expect(examples.map((e) => e[0]).sort()).toEqual(teams);
    for (const [team, ns, name, file] of examples) {
      expect(ns).toBe(`team-${team}`);
      expect(name).toMatch(/^[a-z0-9-]+$/);
      expect(existsSync(join(repoRoot, file))).toBe(true);
    }
  });

  it("every Application under generated/applications is waited for, and the root syncs that directory", () => {
    const env = readEnv(repoRoot);
    const root = parse(readFileSync(join(repoRoot, "argocd/root-application.yaml"), "utf8"));
    expect(root.spec.source.path).toBe("generated/applications");
    const names: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else if (/\.ya?ml$/.test(e.name))
          for (const d of parseAllDocuments(readFileSync(join(dir, e.name), "utf8"))) {
            const o = d.toJS();
            if (o?.kind === "Application") names.push(o.metadata.name);
          }
      }
    };
    walk(join(repoRoot, "generated/applications"));
    expect(names.length).toBeGreaterThan(0);
    expect(env.EXPECTED_APPS.split(",").sort()).toEqual([root.metadata.name, ...names].sort());
  });

  it("bootstrap --dry-run on the real repository plans the commands against its files", async () => {
    const r = spawnSync("bash", [join(repoRoot, "scripts/bootstrap.sh"), "--dry-run"], {
      encoding: "utf8",
      env: { ...process.env, SPARK_PLATFORM_ROOT: "", NO_COLOR: "1" },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`+ k3d cluster create --config ${repoRoot}/generated/cluster/k3d.yaml`);
    expect(r.stdout).toContain(`-k ${repoRoot}/argocd`);
    expect(r.stdout).toContain(`+ kubectl config use-context k3d-${platform().cluster.name}`);
  });
});
