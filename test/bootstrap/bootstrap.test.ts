// scripts/bootstrap.sh against stand-in docker, k3d and kubectl.
import { readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type Call,
  type Fixture,
  filesContaining,
  healthyApps,
  k3dCluster,
  line,
  makeFixture,
  mutatingCalls,
  occupy,
  publishFixture,
  type Result,
  Sandbox,
  type Scenario,
} from "./harness.js";

const TOKEN = "ghp_T0k3nThatMustNeverLeak_1234567890";
const CONTEXT = "k3d-data-platform-cluster";

let sandbox: Sandbox;
let fx: Fixture;
/** The root appears first, then every Application of the build, all Synced and Healthy. */
let synced: Scenario;
const servers: Server[] = [];

beforeAll(async () => {
  sandbox = new Sandbox();
  fx = await makeFixture(sandbox.base);
  synced = { applications: [[], [{ name: "root", sync: "Synced", health: "Healthy" }], healthyApps(fx.applications)] };
});
afterAll(() => sandbox.cleanup());
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const find = (calls: Call[], re: RegExp) => calls.findIndex((c) => re.test(line(c)));
const kubectlCalls = (calls: Call[]) => calls.filter((c) => c.tool === "kubectl");
/** Shown when an exit code is not the expected one. */
const dump = (r: Result) => `stdout:\n${r.stdout}\nstderr:\n${r.stderr}\ncalls:\n${r.calls.map(line).join("\n")}`;

describe("a fresh laptop: no cluster yet", () => {
  // One run, read by the first tests here.
  let fresh: Result;
  beforeAll(async () => {
    fresh = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: synced });
  });

  it("runs preflight, creates the cluster, installs Argo CD, applies the root Application and waits, in that order", () => {
    const r = fresh;
    expect(r.stderr).toBe("");
    expect(r.exitCode, dump(r)).toBe(0);

    const order = [
      /^docker info/,
      /^k3d version$/,
      /^kubectl version --client -o json$/,
      /^k3d cluster list -o json$/,
      new RegExp(`^k3d cluster create --config ${fx.root}/generated/cluster/k3d\\.yaml$`),
      /^k3d kubeconfig merge data-platform-cluster --kubeconfig-merge-default --kubeconfig-switch-context$/,
      new RegExp(`^kubectl config use-context ${CONTEXT}$`),
      /wait --for=condition=Ready nodes --all/,
      new RegExp(`apply --server-side --force-conflicts .*-k ${fx.root}/argocd$`),
      /wait --for=condition=Established crd\/applications\.argoproj\.io crd\/appprojects\.argoproj\.io --timeout=\d+s$/,
      /-n argocd wait --for=condition=Available deployment --all --timeout=\d+s$/,
      /-n argocd rollout status statefulset\/argocd-application-controller --timeout=\d+s$/,
      new RegExp(`apply --server-side .*-f ${fx.root}/argocd/root-application\\.yaml$`),
      /-n argocd get applications\.argoproj\.io -o json$/,
    ];
    const positions = order.map((re) => find(r.calls, re));
    positions.forEach((p, i) => expect(p, `call matching ${order[i]}`).toBeGreaterThanOrEqual(0));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));

    // No delete, no start: nothing existed.
    expect(find(r.calls, /k3d cluster (delete|start)/)).toBe(-1);
    // Polled until the last snapshot (all Synced/Healthy), then stopped.
    expect(r.calls.filter((c) => /get applications/.test(line(c)))).toHaveLength(3);
  });

  it("names the k3d context on every cluster command, so a context switched elsewhere is never touched", () => {
    const r = fresh;
    expect(r.exitCode, dump(r)).toBe(0);
    const clusterCalls = kubectlCalls(r.calls).filter((c) => c.args[0] !== "version" && c.args[0] !== "config");
    expect(clusterCalls.length).toBeGreaterThan(6);
    for (const c of clusterCalls) expect(c.args.slice(0, 2), line(c)).toEqual(["--context", CONTEXT]);
    expect(r.stdout).toContain(`kubectl context: ${CONTEXT}`);
  });

  it("shows the Applications as a table while waiting, and stops when all are Synced and Healthy", () => {
    const r = fresh;
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdout).toMatch(/NAME\s+SYNC\s+HEALTH\s+MESSAGE/);
    expect(r.stdout).toMatch(/spark-operator\s+-\s+-\s+not created yet/);
    const all = fx.applications.length;
    expect(all).toBeGreaterThan(5);
    expect(r.stdout).toContain(`0/${all} Applications Synced and Healthy`);
    expect(r.stdout).toContain(`1/${all} Applications Synced and Healthy`);
    expect(r.stdout).toContain(`${all}/${all} Applications Synced and Healthy`);
    for (const app of fx.applications) expect(r.stdout).toMatch(new RegExp(`${app}\\s+Synced\\s+Healthy`));
  });

  it("does not declare success while an Application of generated/applications is still missing", async () => {
    // Every Application that exists is Synced/Healthy, but volcano never appears.
    const r = await sandbox.run("bootstrap.sh", ["--timeout", "1"], {
      fixture: fx,
      scenario: { applications: [healthyApps(fx.applications.filter((a) => a !== "volcano"))] },
    });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toMatch(/volcano: sync=- health=-/);
    expect(r.stderr).toContain("not created");
  });

  it("ends with how to reach Argo CD, read the admin password, and run and watch each team's example", () => {
    const r = fresh;
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdout).toContain("kubectl -n argocd port-forward svc/argocd-server 8081:443");
    expect(r.stdout).toContain("kubectl -n argocd get secret argocd-initial-admin-secret -o jsonpath='{.data.password}' | base64 --decode");
    expect(fx.examples.map((e) => e.team)).toEqual(fx.teams);
    for (const example of fx.examples) {
      expect(r.stdout).toContain(`kubectl apply -f ${example.file}`);
      expect(r.stdout).toContain(`kubectl -n ${example.namespace} get sparkapplications -w`);
      expect(r.stdout).toContain(`kubectl -n ${example.namespace} logs -f ${example.name}-driver`);
    }
    expect(r.stdout).toContain("npm run teardown");
  });

  it("takes every name and port from platform.yaml: another cluster name gives another cluster, context and port check", async () => {
    const other = await makeFixture(`${sandbox.base}/other`, { clusterName: "other-name" });
    const r = await sandbox.run("bootstrap.sh", ["--dry-run"], { fixture: other });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdout).toContain("+ k3d kubeconfig merge other-name --kubeconfig-merge-default --kubeconfig-switch-context");
    expect(r.stdout).toContain("+ kubectl --context k3d-other-name wait --for=condition=Ready nodes --all");
    expect(r.stdout).toContain(`host ports ${other.ports.api} ${other.ports.http} ${other.ports.https} must be free`);
    expect(r.stdout).not.toContain("data-platform-cluster");
  });
});

describe("repository access", () => {
  let withToken: Result;
  beforeAll(async () => {
    withToken = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: synced, env: { GIT_TOKEN: TOKEN, GIT_USERNAME: "robot" } });
  });

  it("turns GIT_TOKEN into an Argo CD repository Secret, fed on stdin, before the root Application", () => {
    const r = withToken;
    expect(r.exitCode, dump(r)).toBe(0);
    const secretCall = find(r.calls, /apply --server-side --force-conflicts --field-manager=\S+ -f -$/);
    const rootCall = find(r.calls, /root-application\.yaml$/);
    expect(secretCall).toBeGreaterThan(find(r.calls, /rollout status/));
    expect(secretCall).toBeLessThan(rootCall);
    expect(r.stdin).toHaveLength(1);
    const secret = JSON.parse(r.stdin[0]);
    expect(secret).toMatchObject({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { namespace: "argocd", labels: { "argocd.argoproj.io/secret-type": "repository" } },
      stringData: { type: "git", url: fx.repoURL, username: "robot", password: TOKEN },
    });
  });

  it("never lets the token reach a command line, a child's environment, the output or the disk", () => {
    const r = withToken;
    expect(r.exitCode, dump(r)).toBe(0);
    // The argv log holds every call's arguments and its whole environment.
    expect(r.rawLog).not.toContain(TOKEN);
    for (const c of r.calls) expect(Object.keys(c.env)).not.toContain("GIT_TOKEN");
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(r.stdout).toContain('"password": "<redacted>"');
    // On disk, only the stand-in's own copy of its stdin holds it (the real kubectl keeps none).
    expect(r.stdin.join("")).toContain(TOKEN);
    const onDisk = [...filesContaining(r.workDir, TOKEN), ...filesContaining(fx.root, TOKEN)];
    expect(onDisk.filter((f) => !/\/stdin-[^/]+\.txt$/.test(f))).toEqual([]);
  });

  it("escapes a token with JSON metacharacters correctly", async () => {
    const odd = 'a"b\\c';
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: synced, env: { GIT_TOKEN: odd } });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(JSON.parse(r.stdin[0]).stringData.password).toBe(odd);
  });

  it("without a token creates no Secret and says how to add one", async () => {
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: synced });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdin).toHaveLength(0);
    expect(find(r.calls, /-f -$/)).toBe(-1);
    expect(r.stdout).toContain("no GIT_TOKEN set");
  });

  it("refuses a token for a non-https repository, before applying anything with it", async () => {
    const ssh = await makeFixture(`${sandbox.base}/ssh`, { repoURL: "git@github.com:example-org/spark-data-platform.git" });
    const r = await sandbox.run("bootstrap.sh", [], { fixture: ssh, scenario: synced, env: { GIT_TOKEN: TOKEN } });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("only works with an https:// repository URL");
    expect(r.stdin).toHaveLength(0);
    expect(find(r.calls, /root-application/)).toBe(-1);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });
});

describe("--repo-url and --revision (forks, CI)", () => {
  it("apply the root Application with the overridden source, on stdin, and use that URL for the Secret", async () => {
    const url = "https://github.com/someone/fork.git";
    publishFixture(fx, url, "feature-x"); // what the fork pushed: the same build
    const r = await sandbox.run("bootstrap.sh", ["--repo-url", url, "--revision=feature-x"], {
      fixture: fx,
      scenario: synced,
      env: { GIT_TOKEN: TOKEN },
    });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdin).toHaveLength(2);
    const [secret, root] = r.stdin.map((s) => JSON.parse(s));
    expect(secret.stringData.url).toBe(url);
    expect(root).toMatchObject({ kind: "Application", metadata: { name: "root", namespace: "argocd" } });
    expect(root.spec.source).toMatchObject({ repoURL: url, targetRevision: "feature-x", path: "generated/applications" });
    expect(find(r.calls, /root-application\.yaml/)).toBe(-1);
  });
});

describe("preflight: every problem is reported with its fix, and nothing is created", () => {
  const assertNothingCreated = (calls: Call[]) => expect(mutatingCalls(calls).map(line)).toEqual([]);

  it("Docker daemon down", async () => {
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: { dockerDaemon: "down" } });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("the Docker daemon is not reachable: Cannot connect to the Docker daemon");
    expect(r.stderr).toContain("fix: start Docker Desktop, or on Linux: sudo systemctl start docker");
    expect(r.stderr).toContain("1 check(s) failed; nothing was created.");
    // k3d and kubectl were still checked (all problems at once), but k3d could not list clusters.
    expect(find(r.calls, /^k3d version$/)).toBeGreaterThanOrEqual(0);
    expect(find(r.calls, /^k3d cluster list/)).toBe(-1);
    assertNothingCreated(r.calls);
  });

  it("Docker socket not permitted for this user", async () => {
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: { dockerDaemon: "permission" } });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("may not use it");
    expect(r.stderr).toContain("usermod -aG docker");
    assertNothingCreated(r.calls);
  });

  it("k3d and kubectl too old: both reported, with upgrade commands", async () => {
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: { k3dVersion: "v5.5.2", kubectlVersion: "v1.26.15" } });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("k3d 5.5.2 is too old: version 5.6.0 or newer");
    expect(r.stderr).toContain("kubectl 1.26.15 is too old: 1.27.0 or newer");
    expect(r.stderr).toContain("2 check(s) failed");
    assertNothingCreated(r.calls);
  });

  it("accepts the oldest supported versions", async () => {
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: { ...synced, k3dVersion: "v5.6.0", kubectlVersion: "v1.27.0" } });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdout).toContain("k3d 5.6.0");
    expect(r.stdout).toContain("kubectl 1.27.0");
  });

  it("k3d not installed", async () => {
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, tools: ["docker", "kubectl"] });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("k3d is not installed");
    expect(r.stderr).toMatch(/fix: brew install k3d/);
    assertNothingCreated(r.calls);
  });

  it("kubectl not installed", async () => {
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, tools: ["docker", "k3d"] });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("kubectl is not installed");
    assertNothingCreated(r.calls);
  });

  it("a host port taken by another program", async () => {
    servers.push(await occupy(fx.ports.http));
    const r = await sandbox.run("bootstrap.sh", [], { fixture: fx, scenario: synced });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain(`host port ${fx.ports.http} is already in use`);
    expect(r.stderr).toMatch(new RegExp(`fix: see what holds it: (lsof|ss|netstat).*${fx.ports.http}`));
    expect(r.stderr).toContain("change cluster.ports in platform.yaml");
    expect(r.stderr).not.toContain(`host port ${fx.ports.api} is already in use`);
    assertNothingCreated(r.calls);
  });

  it("nothing built yet: says to build first, and runs nothing", async () => {
    const unbuilt = await makeFixture(`${sandbox.base}/unbuilt`, { unbuilt: true });
    const r = await sandbox.run("bootstrap.sh", [], { fixture: unbuilt });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("generated/ and argocd/ are not built yet");
    expect(r.stderr).toContain("fix: npm run build");
    expect(r.calls).toEqual([]);
  });

  it("generated/ older than platform.yaml: refuses to apply it, in a dry run too", async () => {
    const stale = await makeFixture(`${sandbox.base}/stale`);
    const file = join(stale.root, "platform.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("targetRevision: main", "targetRevision: release"));
    for (const args of [[], ["--dry-run"]]) {
      const r = await sandbox.run("bootstrap.sh", args, { fixture: stale });
      expect(r.exitCode, dump(r)).toBe(1);
      expect(r.stderr).toMatch(/generated\/ and argocd\/ are not what platform\.yaml and teams\/ build \(\d+ file\(s\), first: \S+\)/);
      expect(r.stderr).toContain("fix: npm run build, then commit and push");
      expect(r.calls).toEqual([]);
    }
  });

  it("an invalid platform.yaml: the compiler's diagnostic, at its line, and nothing runs", async () => {
    const invalid = await makeFixture(`${sandbox.base}/invalid`);
    const file = join(invalid.root, "platform.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("name: data-platform-cluster", "name: Data_Platform"));
    const r = await sandbox.run("bootstrap.sh", [], { fixture: invalid });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toMatch(/platform\.yaml:\d+:\d+/);
    expect(r.stderr).toContain("could not read the platform");
    expect(r.calls).toEqual([]);
  });
});

describe("an existing cluster", () => {
  it("is reused when it matches: no create, and its own ports do not count as taken", async () => {
    servers.push(await occupy(fx.ports.api), await occupy(fx.ports.http));
    const r = await sandbox.run("bootstrap.sh", [], {
      fixture: fx,
      scenario: { ...synced, clusters: [k3dCluster("data-platform-cluster", 1, 2)] },
    });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdout).toContain("exists (1 server(s) and 2 agent(s), 3 of 3 running): it will be reused");
    expect(find(r.calls, /k3d cluster (create|delete|start)/)).toBe(-1);
    expect(find(r.calls, /k3d kubeconfig merge data-platform-cluster/)).toBeGreaterThan(find(r.calls, /k3d cluster list/));
    expect(find(r.calls, /apply .*-k /)).toBeGreaterThan(0);
  });

  it("is started first when it is stopped", async () => {
    const r = await sandbox.run("bootstrap.sh", [], {
      fixture: fx,
      scenario: { ...synced, clusters: [k3dCluster("data-platform-cluster", 1, 2, false)] },
    });
    expect(r.exitCode, dump(r)).toBe(0);
    const start = find(r.calls, /^k3d cluster start data-platform-cluster$/);
    expect(start).toBeGreaterThan(0);
    expect(start).toBeLessThan(find(r.calls, /k3d kubeconfig merge/));
    expect(find(r.calls, /k3d cluster create/)).toBe(-1);
  });

  it("that does not match stops the bootstrap with the --recreate fix, touching nothing", async () => {
    const r = await sandbox.run("bootstrap.sh", [], {
      fixture: fx,
      scenario: { ...synced, clusters: [k3dCluster("data-platform-cluster", 3, 0)] },
    });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("exists with 3 server(s) and 0 agent(s)");
    expect(r.stderr).toContain("wants 1 server(s) and 2 agent(s)");
    expect(r.stderr).toContain("fix: npm run bootstrap -- --recreate");
    expect(mutatingCalls(r.calls)).toEqual([]);
  });

  it("is replaced with --recreate: delete, then create", async () => {
    const r = await sandbox.run("bootstrap.sh", ["--recreate"], {
      fixture: fx,
      scenario: { ...synced, clusters: [k3dCluster("data-platform-cluster", 3, 0)] },
    });
    expect(r.exitCode, dump(r)).toBe(0);
    const del = find(r.calls, /^k3d cluster delete data-platform-cluster$/);
    const create = find(r.calls, /^k3d cluster create --config /);
    expect(del).toBeGreaterThan(0);
    expect(create).toBeGreaterThan(del);
  });

  it("--recreate checks the ports once the old cluster is gone, and creates nothing if one is still taken", async () => {
    servers.push(await occupy(fx.ports.https));
    const r = await sandbox.run("bootstrap.sh", ["--recreate"], {
      fixture: fx,
      scenario: { ...synced, clusters: [k3dCluster("data-platform-cluster", 3, 0)] },
    });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(find(r.calls, /^k3d cluster delete data-platform-cluster$/)).toBeGreaterThan(0);
    expect(find(r.calls, /^k3d cluster create/)).toBe(-1);
    expect(r.stderr).toContain(`host port ${fx.ports.https} is already in use`);
  });

  it("--recreate on a matching cluster replaces it too", async () => {
    const r = await sandbox.run("bootstrap.sh", ["--recreate"], {
      fixture: fx,
      scenario: { ...synced, clusters: [k3dCluster("data-platform-cluster", 1, 2)] },
    });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(find(r.calls, /^k3d cluster create/)).toBeGreaterThan(find(r.calls, /^k3d cluster delete data-platform-cluster$/));
    expect(r.stdout).toContain("--recreate replaces it");
    expect(r.stdout).not.toContain("it will be reused");
  });

  it("running another Kubernetes version than the config pins is not reused", async () => {
    const r = await sandbox.run("bootstrap.sh", [], {
      fixture: fx,
      scenario: { ...synced, clusters: [k3dCluster("data-platform-cluster", 1, 2)], serverVersion: "v1.31.5+k3s1" },
    });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("runs Kubernetes v1.31.5+k3s1, but generated/cluster/k3d.yaml pins rancher/k3s:v1.28.15-k3s1");
    expect(r.stderr).toContain("--recreate");
    expect(find(r.calls, /apply/)).toBe(-1);
  });

  it("warnings on stderr from docker and k3d do not spoil what is read from stdout", async () => {
    const r = await sandbox.run("bootstrap.sh", [], {
      fixture: fx,
      scenario: { ...synced, stderrNoise: true, clusters: [k3dCluster("data-platform-cluster", 1, 2)] },
    });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdout).toContain("Docker daemon reachable (server 28.2.2)\n");
    expect(r.stdout).toContain("it will be reused");
  });

  it("other clusters on the laptop are left alone", async () => {
    const r = await sandbox.run("bootstrap.sh", [], {
      fixture: fx,
      scenario: { ...synced, clusters: [k3dCluster("someone-elses", 1, 0)] },
    });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(find(r.calls, /someone-elses/)).toBe(-1);
    expect(find(r.calls, /^k3d cluster create/)).toBeGreaterThan(0);
  });
});

describe("waiting, timeouts and failures", () => {
  it("Argo CD deployments that never become available: exit 1, pods shown, no root Application", async () => {
    const r = await sandbox.run("bootstrap.sh", ["--timeout", "5"], { fixture: fx, scenario: { ...synced, waitTimeout: ["deployment"] } });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("the Argo CD deployments did not become available within 5s");
    expect(r.stderr).toContain("ImagePullBackOff"); // `kubectl get pods` output
    expect(r.stderr).toContain("kubectl -n argocd get events --sort-by=.lastTimestamp");
    expect(r.stderr).toContain("Bootstrap stopped while installing Argo CD");
    expect(find(r.calls, /root-application/)).toBe(-1);
    // The deployment wait got the timeout.
    expect(r.calls.some((c) => /wait --for=condition=Available deployment --all --timeout=[1-5]s$/.test(line(c)))).toBe(true);
  });

  it("an Application stuck Degraded: times out, prints its conditions and resources, and the next command", async () => {
    const stuck = [
      ...healthyApps(fx.applications.filter((a) => a !== "spark-operator")),
      {
        name: "spark-operator",
        sync: "Synced",
        health: "Degraded",
        healthMessage: "Deployment spark-operator-controller exceeded its progress deadline",
        conditions: [{ type: "SyncError", message: "Failed sync attempt: one or more objects failed to apply" }],
        resources: [
          {
            group: "apps",
            kind: "Deployment",
            namespace: "spark-operator",
            name: "spark-operator-controller",
            status: "Synced",
            health: { status: "Degraded", message: "Back-off pulling image" },
          },
          { kind: "Service", namespace: "spark-operator", name: "ok", status: "Synced", health: { status: "Healthy" } },
        ],
      },
    ];
    const started = Date.now();
    const r = await sandbox.run("bootstrap.sh", ["--timeout", "2"], { fixture: fx, scenario: { applications: [stuck] } });
    // bash's $SECONDS counts whole seconds: a 2 s deadline passes after 1 to 2 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stdout).toMatch(/spark-operator\s+Synced\s+Degraded\s+SyncError: Failed sync attempt/);
    expect(r.stderr).toContain("not every Application was Synced and Healthy within 2s");
    expect(r.stderr).toContain("✗ spark-operator: sync=Synced health=Degraded");
    expect(r.stderr).toContain("condition SyncError: Failed sync attempt: one or more objects failed to apply");
    expect(r.stderr).toContain("resource apps/Deployment spark-operator/spark-operator-controller: Synced/Degraded (Back-off pulling image)");
    expect(r.stderr).not.toContain("Service spark-operator/ok");
    expect(r.stderr).toContain("investigate: kubectl -n argocd describe application spark-operator");
    expect(r.stderr).toContain("if the repository is private: export GIT_TOKEN");
    // Healthy ones are not reported as failing.
    for (const app of fx.applications.filter((a) => a !== "spark-operator")) expect(r.stderr).not.toContain(`✗ ${app}:`);
    // It kept polling until the deadline.
    expect(r.calls.filter((c) => /get applications/.test(line(c))).length).toBeGreaterThanOrEqual(2);
  });

  it("--timeout is passed to every wait", async () => {
    const r = await sandbox.run("bootstrap.sh", ["--timeout=42"], { fixture: fx, scenario: synced });
    expect(r.exitCode, dump(r)).toBe(0);
    const waits = r.calls.filter((c) => / (wait|rollout status) /.test(line(c)));
    expect(waits.length).toBe(4);
    for (const w of waits) {
      const t = Number(/--timeout=(\d+)s/.exec(line(w))?.[1]);
      expect(t).toBeGreaterThan(30);
      expect(t).toBeLessThanOrEqual(42);
    }
  });
});

describe("--dry-run, --help and bad usage", () => {
  it("--dry-run prints every command and runs none", async () => {
    const r = await sandbox.run("bootstrap.sh", ["--dry-run", "--recreate"], { fixture: fx, scenario: synced, env: { GIT_TOKEN: TOKEN } });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.calls).toEqual([]);
    const printed = r.stdout
      .split("\n")
      .filter((l) => l.startsWith("+ "))
      .map((l) => l.slice(2));
    const expected = [
      "docker info --format '{{.ServerVersion}}'",
      "docker info --format '{{.NCPU}} {{.MemTotal}}'",
      "k3d version",
      "kubectl version --client -o json",
      "k3d cluster list -o json",
      "k3d cluster delete data-platform-cluster",
      `k3d cluster create --config ${fx.root}/generated/cluster/k3d.yaml`,
      "k3d kubeconfig merge data-platform-cluster --kubeconfig-merge-default --kubeconfig-switch-context",
      `kubectl config use-context ${CONTEXT}`,
      `kubectl --context ${CONTEXT} wait --for=condition=Ready nodes --all --timeout=900s`,
      `kubectl --context ${CONTEXT} apply --server-side --force-conflicts --field-manager=spark-platform-bootstrap -k ${fx.root}/argocd`,
      `kubectl --context ${CONTEXT} wait --for=condition=Established crd/applications.argoproj.io crd/appprojects.argoproj.io --timeout=900s`,
      `kubectl --context ${CONTEXT} -n argocd wait --for=condition=Available deployment --all --timeout=900s`,
      `kubectl --context ${CONTEXT} -n argocd rollout status statefulset/argocd-application-controller --timeout=900s`,
      `kubectl --context ${CONTEXT} apply --server-side --force-conflicts --field-manager=spark-platform-bootstrap -f -`,
      `kubectl --context ${CONTEXT} apply --server-side --force-conflicts --field-manager=spark-platform-bootstrap -f ${fx.root}/argocd/root-application.yaml`,
      `kubectl --context ${CONTEXT} -n argocd get applications.argoproj.io -o json`,
      `kubectl --context ${CONTEXT} -n argocd patch applications.argoproj.io '<name>' --type merge -p '{"metadata":{"resourceVersion":"<read>"},"operation":{"initiatedBy":{"username":"spark-platform-bootstrap"},"sync":{"revision":"<commit>","prune":true},"retry":<its spec.syncPolicy.retry>}}'`,
    ];
    expect(printed).toEqual(expected);
    expect(r.stdout).toContain('"password": "<redacted>"');
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it("--dry-run needs no Docker, k3d or kubectl at all", async () => {
    const r = await sandbox.run("bootstrap.sh", ["--dry-run"], { fixture: fx, tools: [] });
    expect(r.exitCode, dump(r)).toBe(0);
    expect(r.stdout).toContain("k3d cluster create --config");
  });

  it("--help explains the options and exits 0", async () => {
    const r = await sandbox.run("bootstrap.sh", ["--help"], { fixture: fx });
    expect(r.exitCode, dump(r)).toBe(0);
    for (const opt of ["--dry-run", "--recreate", "--timeout", "--repo-url", "--revision", "GIT_TOKEN"]) expect(r.stdout).toContain(opt);
    expect(r.calls).toEqual([]);
  });

  it.each([
    [["--frobnicate"], "unknown option: --frobnicate"],
    [["--timeout", "soon"], "--timeout needs a whole number of seconds"],
    [["--timeout"], "--timeout needs a value"],
    [["--repo-url"], "--repo-url needs a value"],
  ])("%j exits 2: %s", async (args, message) => {
    const r = await sandbox.run("bootstrap.sh", args, { fixture: fx });
    expect(r.exitCode, dump(r)).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.calls).toEqual([]);
  });
});

describe("the scripts' own files", () => {
  it("npm run bootstrap and npm run teardown point at them", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    // After the guard that refuses options npm took for itself (scripts/cli.mjs --guard).
    expect(pkg.scripts.bootstrap).toMatch(/^node scripts\/cli\.mjs --guard\b.* && bash scripts\/bootstrap\.sh$/);
    expect(pkg.scripts.teardown).toMatch(/^node scripts\/cli\.mjs --guard\b.* && bash scripts\/teardown\.sh$/);
  });
});
