#!/usr/bin/env node
// Stand-in for docker, k3d and kubectl in the bootstrap tests: started as
// `node fake-tool.mjs <tool> <args...>` by fake.sh for the stateful calls (fake.sh
// answers the others itself; this file can answer all of them).
// It records every call, answers like the real tool (the output shapes the
// scripts read: `docker info --format`, `k3d version`, `k3d cluster list -o json`,
// `kubectl version -o json`, `kubectl get applications -o json`, ...), and keeps
// state between calls (a created cluster shows up in the next `cluster list`).
//
//   FAKE_LOG       JSON lines: { tool, args, env, stdinFile? } for every call
//   FAKE_DIR       where stdin given to `-f -` is saved (stdin-<n>.txt) and state.json lives
//   FAKE_SCENARIO  JSON file, see test/bootstrap/harness.ts (Scenario)
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { completeEntry, k3dClusterEntry as clusterEntry, shapeOf, started } from "./k3d-cluster.mjs";

const [tool, ...args] = process.argv.slice(2);
const dir = process.env.FAKE_DIR;
const scenario = process.env.FAKE_SCENARIO ? JSON.parse(readFileSync(process.env.FAKE_SCENARIO, "utf8")) : {};
const statePath = join(dir, "state.json");
const state = existsSync(statePath)
  ? JSON.parse(readFileSync(statePath, "utf8"))
  : { clusters: await existingClusters(), appPolls: 0, calls: 0, context: "" };
state.calls += 1;

/** The scenario's clusters, whatever they leave out made from the fixture's own k3d config (see k3d-cluster.mjs). */
async function existingClusters() {
  const clusters = structuredClone(scenario.clusters ?? []);
  const config = join(process.env.SPARK_PLATFORM_ROOT ?? "", "generated/cluster/k3d.yaml");
  if (clusters.length === 0 || !process.env.SPARK_PLATFORM_ROOT || !existsSync(config)) return clusters;
  const { parse } = await import("yaml");
  const shape = shapeOf(parse(readFileSync(config, "utf8")));
  return clusters.map((c) => completeEntry(c, shape));
}

const record = { tool, args, env: process.env };
const saveState = () => writeFileSync(statePath, JSON.stringify(state, null, 2));
const out = (s) => process.stdout.write(s.endsWith("\n") ? s : s + "\n");
const errOut = (s) => process.stderr.write(s.endsWith("\n") ? s : s + "\n");
function finish(code = 0) {
  appendFileSync(process.env.FAKE_LOG, JSON.stringify(record) + "\n");
  saveState();
  process.exitCode = code;
}

function readStdinToFile() {
  const text = readFileSync(0, "utf8");
  const file = join(dir, `stdin-${state.calls}.txt`);
  writeFileSync(file, text);
  record.stdinFile = file;
  return text;
}

// kubectl global flags come anywhere; drop them to find the verb.
function positional(list) {
  const withValue = new Set(["--context", "-n", "--namespace", "--kubeconfig", "-o", "--output", "-f", "-k", "--field-manager", "--for", "--timeout", "-l"]);
  const pos = [];
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (withValue.has(a)) i++;
    else if (!a.startsWith("-")) pos.push(a);
  }
  return pos;
}
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

function docker() {
  if (args[0] === "inspect") return dockerInspect();
  if (args[0] !== "info") return finish(0);
  const daemon = scenario.dockerDaemon ?? "up";
  if (daemon === "down") {
    errOut("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?");
    return finish(1);
  }
  if (daemon === "permission") {
    errOut(
      "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.47/info\": dial unix /var/run/docker.sock: connect: permission denied",
    );
    return finish(1);
  }
  if (scenario.stderrNoise) errOut("WARNING: bridge-nf-call-iptables is disabled");
  // `docker info --format '{{.NCPU}} {{.MemTotal}}'`: the VM's CPUs and memory in bytes.
  if (args.some((a) => a.includes("{{.NCPU}}"))) out(`${scenario.dockerVm?.cpus ?? 16} ${scenario.dockerVm?.memory ?? 32 * 2 ** 30}`);
  else out("28.2.2");
  finish(0);
}

// `docker inspect --format '{{.Config.Image}}' NAME...`: the image each k3d node was created from, one a line.
function dockerInspect() {
  const format = flag("--format") ?? flag("-f");
  if (format !== "{{.Config.Image}}") {
    errOut(`fake docker: inspect with --format ${format} is not answered`);
    return finish(2);
  }
  const names = args.slice(1).filter((a, i, all) => !a.startsWith("-") && all[i] !== format);
  const nodes = state.clusters.flatMap((c) => c.nodes ?? []);
  const images = [];
  for (const name of names) {
    const node = nodes.find((n) => n.name === name);
    // gone: k3d still lists the node, but its container is no more.
    if (!node || node.gone) {
      errOut(`Error: No such object: ${name}`);
      return finish(1);
    }
    images.push(node.inspectImage ?? "");
  }
  out(images.join("\n"));
  finish(0);
}

async function k3d() {
  const [group, verb, name] = args;
  if (group === "version") {
    out(`k3d version ${scenario.k3dVersion ?? "v5.8.3"}\nk3s version v1.31.5-k3s1 (default)`);
    return finish(0);
  }
  if (group === "cluster" && (scenario.dockerDaemon ?? "up") !== "up") {
    // Like the real k3d: every cluster command needs the Docker daemon.
    errOut("FATA[0000] runtime failed to list nodes: docker failed to get containers with labels 'map[app:k3d]': failed to list containers: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?");
    return finish(1);
  }
  if (group === "cluster" && verb === "list") {
    if (scenario.stderrNoise) errOut("WARN[0000] Failed to get nodes for cluster 'broken': no such container");
    out(JSON.stringify(state.clusters));
    return finish(0);
  }
  if (group === "cluster" && verb === "create") {
    if (scenario.createFails) {
      errOut(`FATA[0003] Failed to create cluster: ${scenario.createFails}`);
      return finish(1);
    }
    const { parse } = await import("yaml");
    const config = parse(readFileSync(flag("--config"), "utf8"));
    const cname = config.metadata.name;
    if (state.clusters.some((c) => c.name === cname)) {
      errOut(`FATA[0000] Failed to create cluster '${cname}' because a cluster with that name already exists`);
      return finish(1);
    }
    state.clusters.push(clusterEntry(cname, config.servers ?? 1, config.agents ?? 0, true, shapeOf(config)));
    out(`INFO[0020] Cluster '${cname}' created successfully!`);
    return finish(0);
  }
  if (group === "cluster" && verb === "delete") {
    state.clusters = state.clusters.filter((c) => c.name !== name);
    out(`INFO[0002] Successfully deleted cluster ${name}!`);
    return finish(0);
  }
  if (group === "cluster" && verb === "start") {
    const c = state.clusters.find((x) => x.name === name);
    if (c) Object.assign(c, started(c));
    out(`INFO[0005] Started cluster '${name}'`);
    return finish(0);
  }
  if (group === "kubeconfig" && verb === "merge") {
    state.context = `k3d-${name}`;
    out(join(process.env.HOME ?? "/root", ".kube/config"));
    return finish(0);
  }
  finish(0);
}

function application(spec) {
  const a = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: spec.name, namespace: "argocd", resourceVersion: spec.resourceVersion ?? "1" },
    status: {},
  };
  if (spec.source || spec.syncPolicy) a.spec = { ...(spec.source ? { source: spec.source } : {}), ...(spec.syncPolicy ? { syncPolicy: spec.syncPolicy } : {}) };
  if (spec.operation) a.operation = spec.operation;
  // A sync started by `kubectl patch` that the controller has not taken up yet: the last one still shows as failed.
  const pending = state.operations?.[spec.name];
  if (pending && ["Failed", "Error"].includes(spec.operationState?.phase)) a.operation = pending;
  if (spec.sync) a.status.sync = { status: spec.sync, ...(spec.revision ? { revision: spec.revision } : {}) };
  if (spec.health) a.status.health = { status: spec.health, ...(spec.healthMessage ? { message: spec.healthMessage } : {}) };
  if (spec.conditions) a.status.conditions = spec.conditions;
  if (spec.operationState) a.status.operationState = spec.operationState;
  if (spec.resources) a.status.resources = spec.resources;
  return a;
}

function kubectl() {
  const pos = positional(args);
  const verb = pos[0];
  if (verb === "version") {
    const client = { clientVersion: { major: "1", minor: "31", gitVersion: scenario.kubectlVersion ?? "v1.31.2" } };
    if (!args.includes("--client")) client.serverVersion = { gitVersion: scenario.serverVersion ?? "v1.28.15+k3s1" };
    out(JSON.stringify(client, null, 2));
    return finish(0);
  }
  if (verb === "config" && pos[1] === "use-context") {
    state.context = pos[2];
    out(`Switched to context "${pos[2]}".`);
    return finish(0);
  }
  if (verb === "apply") {
    if (flag("-f") === "-") {
      const text = readStdinToFile();
      const kind = /"kind":\s*"(\w+)"/.exec(text)?.[1] ?? "object";
      out(`${kind.toLowerCase()}/applied serverside-applied`);
    } else out("customresourcedefinition.apiextensions.k8s.io/applications.argoproj.io serverside-applied");
    return finish(0);
  }
  if (verb === "wait") {
    const joined = args.join(" ");
    const stuck = (scenario.waitTimeout ?? []).find((s) => joined.includes(s));
    if (stuck) {
      errOut(`error: timed out waiting for the condition on ${stuck}`);
      return finish(1);
    }
    out(`${pos.slice(1).join(" ") || "resources"} condition met`);
    return finish(0);
  }
  if (verb === "rollout") {
    out(`partitioned roll out complete: 1 new pods have been updated...`);
    return finish(0);
  }
  if (verb === "get" && /^applications?(\.argoproj\.io)?$/.test(pos[1] ?? "")) {
    const snapshots = scenario.applications ?? [[]];
    const snap = snapshots[Math.min(state.appPolls, snapshots.length - 1)];
    state.appPolls += 1;
    out(JSON.stringify({ apiVersion: "v1", kind: "List", items: snap.map(application) }));
    return finish(0);
  }
  if (verb === "patch" && /^applications?(\.argoproj\.io)?$/.test(pos[1] ?? "")) {
    // `patch applications.argoproj.io NAME --type merge -p JSON`: a new operation, conditional on the resourceVersion.
    const name = pos[2];
    const patch = JSON.parse(flag("-p") ?? "{}");
    const served = (scenario.applications ?? [[]])[Math.max(0, Math.min(state.appPolls, (scenario.applications ?? [[]]).length) - 1)] ?? [];
    const current = served.find((a) => a.name === name);
    if (!current) {
      errOut(`Error from server (NotFound): applications.argoproj.io "${name}" not found`);
      return finish(1);
    }
    const wanted = patch.metadata?.resourceVersion;
    if ((scenario.patchConflict ?? []).includes(name) || (wanted !== undefined && wanted !== (current.resourceVersion ?? "1"))) {
      errOut(`Error from server (Conflict): Operation cannot be fulfilled on applications.argoproj.io "${name}": the object has been modified; please apply your changes to the latest version and try again`);
      return finish(1);
    }
    if (patch.operation) {
      state.operations ??= {};
      state.operations[name] = patch.operation;
    }
    out(`application.argoproj.io/${name} patched`);
    return finish(0);
  }
  if (verb === "get" && /^sparkapplications?(\.sparkoperator\.k8s\.io)?$/.test(pos[1] ?? "")) {
    // `-n NS get sparkapplication NAME -o jsonpath={.status.applicationState.state}`: one state per poll.
    const name = `${flag("-n")}/${pos[2]}`;
    const seq = scenario.sparkStates?.[name] ?? ["COMPLETED"];
    state.sparkPolls ??= {};
    const n = state.sparkPolls[name] ?? 0;
    state.sparkPolls[name] = n + 1;
    const jsonpath = args.find((a) => a.startsWith("jsonpath=")) ?? flag("-o") ?? "";
    if (jsonpath.includes("errorMessage")) out(`driver container failed with ExitCode: 1, Reason: Error`);
    else process.stdout.write(seq[Math.min(n, seq.length - 1)]);
    return finish(0);
  }
  if (verb === "describe") {
    out(`Name:         ${pos[2]}\nEvents:\n  Warning  SparkApplicationFailed  driver pod failed`);
    return finish(0);
  }
  if (verb === "logs") {
    out(`Traceback (most recent call last): example failure in ${pos[1]}`);
    return finish(0);
  }
  if (verb === "get") {
    out("NAME                                READY   STATUS             RESTARTS   AGE\nargocd-server-5d8f9c7b9-abcde       0/1     ImagePullBackOff   0          5m");
    return finish(0);
  }
  finish(0);
}

if (tool === "docker") docker();
else if (tool === "k3d") await k3d();
else if (tool === "kubectl") kubectl();
else {
  errOut(`fake-tool: unknown tool ${tool}`);
  process.exitCode = 127;
}
