#!/usr/bin/env node
// Reads what k3d and kubectl say about the running cluster, for the bootstrap
// and teardown scripts. Every name it compares with comes from the caller,
// who has it from `spark-platform config`; nothing here reads platform.yaml.
//
//   cluster-status.mjs k3d-cluster NAME SERVERS AGENTS [--server-arg ARG]... [--port IP:HOSTPORT:PORT]... < `k3d cluster list -o json`
//       shell assignments: CLUSTER_STATE=absent|match|mismatch, CLUSTER_RUNNING=yes|no, CLUSTER_DETAIL,
//       CLUSTER_DIFFERENCES=(what the cluster lacks, one sentence each), CLUSTER_NODES=(its server and agent containers)
//   cluster-status.mjs version clientVersion|serverVersion < `kubectl version -o json`
//   cluster-status.mjs applications [--report] [--namespace NS] [--width N] NAME... < `kubectl get applications -o json`
//       a table of the Applications; exits 3 while one of them (or one of NAME...) is not Synced and Healthy
//   cluster-status.mjs stalled-syncs --initiator WHO NAME... < `kubectl get applications -o json`
//       shell assignments STALLED_NAME=(...) STALLED_REVISION=(...) STALLED_MESSAGE=(...) STALLED_PATCH=(...):
//       the Applications among NAME... whose sync failed for good at the commit they should be at, and the
//       merge patch that starts a new sync of each
//
// Exit codes: 0 ok; 1 unreadable input (message on stderr); 2 bad usage.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { textTable } from "../../dist/src/format/table.js";

function fail(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function stdinJson(what, empty) {
  let text = "";
  try {
    text = readFileSync(0, "utf8");
  } catch {
    /* no stdin: as empty */
  }
  try {
    return JSON.parse(text || empty);
  } catch (error) {
    return fail(`could not read ${what}: ${error.message}`);
  }
}

// Single-quoted shell word: safe to eval.
const sq = (value) => `'${String(value).replace(/'/g, `'\\''`)}'`;

/** Each server container's command line (k3s's arguments); k3d lists it as the node's Cmd. */
const commandOf = (node) => (Array.isArray(node?.Cmd) ? node.Cmd.map(String) : []);

/** Every published port of the cluster's containers as "HOST_IP:HOST_PORT:PORT" (Docker's PortBindings, which k3d lists as portMappings). */
function publishedPorts(nodes) {
  const ports = [];
  for (const node of nodes) {
    for (const [port, bindings] of Object.entries(node?.portMappings ?? {})) {
      // k3d keys the API port without its protocol ("6443"), the others "80/tcp".
      for (const b of Array.isArray(bindings) ? bindings : []) ports.push(`${b?.HostIp || "0.0.0.0"}:${b?.HostPort ?? ""}:${port.split("/")[0]}`);
    }
  }
  return ports;
}

/**
 * What a cluster of the right name lacks to be reused: the node counts, every
 * k3s argument the config gives the servers (the API server's admission
 * plugins, ValidatingAdmissionPolicy's feature gate and API on Kubernetes
 * 1.28, the network ranges the NetworkPolicies name), and every port on its
 * host address. The image is the caller's to compare (`docker inspect`: k3d
 * lists an image ID, not its name).
 */
function differences(cluster, want) {
  const nodes = Array.isArray(cluster.nodes) ? cluster.nodes : [];
  const found = [];
  if (want.counts.servers !== Number(want.servers) || want.counts.agents !== Number(want.agents)) {
    found.push(`${want.servers} server(s) and ${want.agents} agent(s)`);
  }
  for (const server of nodes.filter((n) => n?.role === "server")) {
    const command = commandOf(server);
    const missing = want.serverArgs.filter((arg) => !command.includes(arg));
    if (missing.length > 0) found.push(`${server.name} to run k3s with ${missing.join(" ")} (it runs without)`);
  }
  const published = publishedPorts(nodes);
  for (const port of want.ports) {
    if (published.includes(port)) continue;
    const [, hostPort, containerPort] = port.split(":");
    const other = published.filter((p) => p.split(":")[2] === containerPort || p.split(":")[1] === hostPort);
    found.push(`port ${containerPort} published on ${port.split(":").slice(0, 2).join(":")} (${other.length ? `it publishes ${other.join(", ")}` : "it is not published"})`);
  }
  return found;
}

function k3dCluster(args) {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { "server-arg": { type: "string", multiple: true }, port: { type: "string", multiple: true } } });
  const [name, servers, agents] = positionals;
  if (!name || !/^\d+$/.test(servers ?? "") || !/^\d+$/.test(agents ?? "")) fail("usage: cluster-status.mjs k3d-cluster NAME SERVERS AGENTS [--server-arg ARG]... [--port IP:HOSTPORT:PORT]...", 2);
  const list = stdinJson("`k3d cluster list -o json`", "[]");
  const cluster = (Array.isArray(list) ? list : []).find((c) => c?.name === name);
  if (!cluster) {
    process.stdout.write(`CLUSTER_STATE=absent\nCLUSTER_RUNNING=no\nCLUSTER_DETAIL=''\nCLUSTER_DIFFERENCES=()\nCLUSTER_NODES=()\n`);
    return;
  }
  const nodes = Array.isArray(cluster.nodes) ? cluster.nodes : [];
  const count = (role) => nodes.filter((n) => n?.role === role).length;
  const s = Number(cluster.serversCount ?? count("server"));
  const a = Number(cluster.agentsCount ?? count("agent"));
  const sRunning = Number(cluster.serversRunning ?? 0);
  const aRunning = Number(cluster.agentsRunning ?? 0);
  const found = differences(cluster, { servers, agents, counts: { servers: s, agents: a }, serverArgs: values["server-arg"] ?? [], ports: values.port ?? [] });
  const running = sRunning === s && aRunning === a;
  const detail = `${s} server(s) and ${a} agent(s), ${sRunning + aRunning} of ${s + a} running`;
  const containers = nodes.filter((n) => n?.role === "server" || n?.role === "agent").map((n) => n.name);
  process.stdout.write(
    `CLUSTER_STATE=${found.length === 0 ? "match" : "mismatch"}\nCLUSTER_RUNNING=${running ? "yes" : "no"}\nCLUSTER_DETAIL=${sq(detail)}\n` +
      `CLUSTER_DIFFERENCES=(${found.map(sq).join(" ")})\nCLUSTER_NODES=(${containers.map(sq).join(" ")})\n`,
  );
}

function version([field]) {
  if (field !== "clientVersion" && field !== "serverVersion") fail("usage: cluster-status.mjs version clientVersion|serverVersion", 2);
  const gitVersion = stdinJson("`kubectl version -o json`", "{}")?.[field]?.gitVersion;
  if (typeof gitVersion !== "string") process.exit(1);
  process.stdout.write(`${gitVersion}\n`);
}

function firstLine(text, max = 90) {
  const line = String(text ?? "").split("\n")[0].trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * A sync that Argo CD retries, said first: Argo CD 2.14 words every retry as
 * "<why> due to application controller sync timeout. Retrying attempt #N at
 * <time>." whatever the cause was
 * (https://github.com/argoproj/argo-cd/blob/v2.14.21/controller/appcontroller.go#L1479),
 * which the table's short line would cut before the attempt.
 */
function retryNote(operation) {
  const retry = /^([\s\S]*?)(?: due to application controller sync timeout)?\. Retrying attempt #(\d+) at ([^.]+)\.?$/.exec(operation.message ?? "");
  return operation.phase === "Running" && retry ? `Retrying (attempt #${retry[2]} at ${retry[3]}): ${retry[1]}` : undefined;
}

function applications(args) {
  const { values, positionals: expected } = parseArgs({
    args,
    allowPositionals: true,
    options: { report: { type: "boolean" }, namespace: { type: "string" }, width: { type: "string" } },
  });
  const list = stdinJson("the Applications", "{}");
  const items = Array.isArray(list.items) ? list.items : [];
  const byName = new Map(items.map((a) => [a.metadata?.name, a]));
  const names = [...new Set([...expected, ...items.map((a) => a.metadata?.name).filter(Boolean)])];
  const rows = names.map((name) => {
    const app = byName.get(name);
    if (!app) return { name, sync: "-", health: "-", note: "not created yet", ok: false };
    const sync = app.status?.sync?.status ?? "Unknown";
    const health = app.status?.health?.status ?? "Unknown";
    const condition = (app.status?.conditions ?? [])[0];
    const operation = app.status?.operationState;
    let note = "";
    if (condition) note = `${condition.type}: ${condition.message ?? ""}`;
    else if (operation && operation.phase !== "Succeeded") note = retryNote(operation) ?? `${operation.phase}: ${operation.message ?? ""}`;
    else if (health !== "Healthy" && app.status?.health?.message) note = app.status.health.message;
    return { name, sync, health, note: firstLine(note), ok: sync === "Synced" && health === "Healthy", app };
  });
  const done = rows.length > 0 && rows.every((r) => r.ok);
  const table = textTable(["NAME", "SYNC", "HEALTH", "MESSAGE"], rows.map((r) => [r.name, r.sync, r.health, r.note]), "");
  const lines = [...table.split("\n"), `${rows.filter((r) => r.ok).length}/${rows.length} Applications Synced and Healthy`];
  // On a terminal the caller redraws the table in place: a line as wide as the terminal would wrap and spoil it.
  const width = Number(values.width ?? 0);
  process.stdout.write(`${lines.map((l) => (width > 1 && l.length >= width ? l.slice(0, width - 1) : l)).join("\n")}\n`);

  if (values.report && !done) {
    const out = ["", "Applications that are not Synced and Healthy:"];
    for (const r of rows.filter((x) => !x.ok)) {
      out.push(`  ✗ ${r.name}: sync=${r.sync} health=${r.health}`);
      if (!r.app) {
        out.push("      not created: the root Application has not synced it yet");
        continue;
      }
      const status = r.app.status ?? {};
      for (const c of status.conditions ?? []) out.push(`      condition ${c.type}: ${firstLine(c.message, 300)}`);
      if (status.operationState && status.operationState.phase !== "Succeeded") out.push(`      last sync ${status.operationState.phase}: ${firstLine(status.operationState.message, 300)}`);
      if (status.health?.message) out.push(`      health: ${firstLine(status.health.message, 300)}`);
      for (const res of status.resources ?? []) {
        const health = res.health?.status;
        if ((health && health !== "Healthy") || res.status === "OutOfSync") {
          const kind = `${res.group ? `${res.group}/` : ""}${res.kind}`;
          const where = `${res.namespace ? `${res.namespace}/` : ""}${res.name}`;
          const message = res.health?.message ? ` (${firstLine(res.health.message, 200)})` : "";
          out.push(`      resource ${kind} ${where}: ${res.status ?? "?"}/${health ?? "?"}${message}`);
        }
      }
      out.push(`      investigate: kubectl -n ${values.namespace ?? r.app.metadata?.namespace} describe application ${r.name}`);
    }
    process.stdout.write(`${out.join("\n")}\n`);
  }
  // exitCode, not exit(): lets a piped stdout drain (pipes are asynchronous on macOS).
  process.exitCode = done ? 0 : 3;
}

// Keys sorted at every level: two objects compare equal when Go's reflect.DeepEqual of them would.
const canonical = (value) =>
  JSON.stringify(value ?? null, (_key, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));

/**
 * Whether Argo CD 2.14 has given up on an Application: its last sync failed
 * (retries included) at the commit it should now be at, from the same source,
 * and no operation is pending. Its controller then skips every automated sync
 * of that commit ("Skipping auto-sync: failed previous sync attempt",
 * https://github.com/argoproj/argo-cd/blob/v2.14.21/controller/appcontroller.go#L2101-L2127,
 * alreadyAttemptedSync at L2206-L2234); a new commit, or a changed source,
 * gets a sync of its own and is left to Argo CD.
 */
function hasGivenUp(app) {
  const status = app.status ?? {};
  const state = status.operationState;
  const result = state?.syncResult;
  if (app.operation || !state || !result || !["Failed", "Error"].includes(state.phase)) return false;
  if (status.sync?.status !== "OutOfSync") return false;
  if (app.spec?.sources) return canonical(result.revisions) === canonical(status.sync.revisions) && canonical(result.sources) === canonical(app.spec.sources);
  return Boolean(result.revision) && result.revision === status.sync?.revision && canonical(result.source) === canonical(app.spec?.source);
}

/**
 * A new sync of the failed commit, started as `argocd app sync` starts one: by
 * setting the Application's .operation, which the controller then runs
 * (https://github.com/argoproj/argo-cd/blob/v2.14.21/server/application/application.go#L1958-L2006,
 * util/argo/argo.go#L868-L891), with the Application's own retry policy. It
 * stands in for the automated sync Argo CD skips, so it prunes and takes the
 * sync options as that one would (controller/appcontroller.go#L2104-L2118). The
 * resourceVersion makes it a conditional update: if Argo CD changed the
 * Application since it was read (started a sync itself), the patch is refused
 * with a Conflict instead of replacing that operation.
 */
function syncPatch(app, initiator) {
  const policy = app.spec?.syncPolicy ?? {};
  const status = app.status ?? {};
  const sync = app.spec?.sources ? { revisions: status.sync.revisions } : { revision: status.sync.revision };
  if (policy.automated?.prune) sync.prune = true;
  if (policy.syncOptions?.length) sync.syncOptions = policy.syncOptions;
  const operation = { initiatedBy: { username: initiator }, sync, ...(policy.retry ? { retry: policy.retry } : {}) };
  return { metadata: { resourceVersion: app.metadata?.resourceVersion }, operation };
}

function stalledSyncs(args) {
  const { values, positionals: names } = parseArgs({ args, allowPositionals: true, options: { initiator: { type: "string" } } });
  if (!values.initiator || names.length === 0) fail("usage: cluster-status.mjs stalled-syncs --initiator WHO NAME...", 2);
  const list = stdinJson("the Applications", "{}");
  const byName = new Map((Array.isArray(list.items) ? list.items : []).map((a) => [a.metadata?.name, a]));
  const stalled = names.map((name) => byName.get(name)).filter((app) => app && hasGivenUp(app));
  const assign = (variable, values) => `${variable}=(${values.map(sq).join(" ")})\n`;
  const revisionOf = (app) => app.status.sync.revision ?? (app.status.sync.revisions ?? []).join(",");
  process.stdout.write(
    assign("STALLED_NAME", stalled.map((app) => app.metadata.name)) +
      assign("STALLED_REVISION", stalled.map(revisionOf)) +
      assign("STALLED_MESSAGE", stalled.map((app) => firstLine(app.status.operationState.message, 300))) +
      assign("STALLED_PATCH", stalled.map((app) => JSON.stringify(syncPatch(app, values.initiator)))),
  );
}

const [command, ...rest] = process.argv.slice(2);
if (command === "k3d-cluster") k3dCluster(rest);
else if (command === "version") version(rest);
else if (command === "applications") applications(rest);
else if (command === "stalled-syncs") stalledSyncs(rest);
else fail(`usage: cluster-status.mjs k3d-cluster|version|applications|stalled-syncs ... (got '${command ?? ""}')`, 2);
