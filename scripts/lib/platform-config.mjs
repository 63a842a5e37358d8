#!/usr/bin/env node
// Reads the compiler's output for scripts/bootstrap.sh and scripts/teardown.sh,
// so that the shell scripts never hard-code what the compiler decides (cluster
// name, ports, namespaces, repository URL, example jobs).
//
//   platform-config.mjs env           --root DIR   shell assignments (eval-safe)
//   platform-config.mjs cluster-state NAME SERVERS AGENTS   < `k3d cluster list -o json`
//   platform-config.mjs json-get PATH                       < any JSON (PATH: a.b.c)
//   platform-config.mjs root-app      --root DIR [--repo-url U] [--revision R]
//   platform-config.mjs set-gitops    --root DIR [--repo-url U] [--revision R]   (edits platform.yaml)
//   platform-config.mjs apps          [--expected a,b] [--report] [--namespace NS]
//                                                           < `kubectl get applications -o json`
//
// Exit codes: 0 ok; 1 error (message on stderr); `apps` exits 3 while not all
// Applications are Synced and Healthy.
import { readFileSync, readdirSync, existsSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

// Loaded only by the commands that read YAML: the others run on every poll.
let YAML;
async function loadYamlPackage() {
  try {
    YAML = await import("yaml");
  } catch {
    fail("the Node package 'yaml' is not installed. Fix: run `npm ci` in the repository root.");
  }
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const key = a.slice(2);
      if (key === "report" || key === "cluster-only") opts[key] = true;
      else opts[key] = argv[++i];
    } else opts._.push(a);
  }
  return opts;
}

function readStdin() {
  try {
    return readFileSync(0, "utf8");
  } catch {
    return "";
  }
}

function loadYamlDocs(file) {
  const text = readFileSync(file, "utf8");
  return YAML.parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length) fail(`${file}: ${d.errors[0].message}`);
      return d.toJS();
    })
    .filter((d) => d && typeof d === "object");
}

function loadYaml(root, rel, hint) {
  const file = join(root, rel);
  if (!existsSync(file)) fail(`${rel} not found in ${root}. Fix: ${hint}`);
  const docs = loadYamlDocs(file);
  if (docs.length === 0) fail(`${rel} is empty. Fix: ${hint}`);
  return docs[0];
}

function yamlFilesUnder(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/.test(entry)) out.push(p);
  }
  return out;
}

// Single-quoted shell word: safe to eval.
function sq(value) {
  return `'${String(value).replace(/'/g, `'\\''`)}'`;
}

// k3d port spec: [HOST:][HOSTPORT:]CONTAINERPORT[/PROTOCOL][@NODEFILTER]
function hostPortOf(spec) {
  const bare = String(spec).split("@")[0].split("/")[0];
  const parts = bare.split(":");
  const hp = parts.length >= 3 ? parts[parts.length - 2] : parts.length === 2 ? parts[0] : "";
  return /^\d+$/.test(hp) ? Number(hp) : undefined;
}

const BUILD_HINT = "run `npm run build` in the repository root.";
const DNS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function rootApplication(root) {
  const app = loadYaml(root, "argocd/root-application.yaml", BUILD_HINT);
  if (app.kind !== "Application") fail(`argocd/root-application.yaml: expected kind Application, found ${app.kind}`);
  return app;
}

function env(root, clusterOnly) {
  if (clusterOnly && !existsSync(join(root, "generated/cluster/k3d.yaml")) && existsSync(join(root, "platform.yaml"))) {
    // Teardown needs the name only: platform.yaml has it even before a build.
    const name = loadYaml(root, "platform.yaml", "restore platform.yaml")?.cluster?.name;
    if (typeof name !== "string" || !DNS_NAME.test(name)) fail(`platform.yaml: cluster.name '${name}' is not a valid cluster name`);
    process.stdout.write(`CLUSTER_NAME=${sq(name)}\n`);
    return;
  }
  const k3d = loadYaml(root, "generated/cluster/k3d.yaml", BUILD_HINT);
  const name = k3d?.metadata?.name;
  if (typeof name !== "string" || !DNS_NAME.test(name)) fail(`generated/cluster/k3d.yaml: metadata.name '${name}' is not a valid cluster name`);
  if (clusterOnly) {
    process.stdout.write(`CLUSTER_NAME=${sq(name)}\n`);
    return;
  }
  const servers = Number(k3d.servers ?? 1);
  const agents = Number(k3d.agents ?? 0);
  const image = String(k3d.image ?? "");
  const ports = [];
  const apiPort = k3d?.kubeAPI?.hostPort;
  if (apiPort !== undefined && /^\d+$/.test(String(apiPort))) ports.push(Number(apiPort));
  for (const p of k3d.ports ?? []) {
    const hp = hostPortOf(p?.port);
    if (hp !== undefined && !ports.includes(hp)) ports.push(hp);
  }

  const kustomization = loadYaml(root, "argocd/kustomization.yaml", BUILD_HINT);
  const argocdNamespace = kustomization.namespace ?? "argocd";

  const app = rootApplication(root);
  let platform = {};
  if (existsSync(join(root, "platform.yaml"))) platform = loadYaml(root, "platform.yaml", "restore platform.yaml");
  const source = app.spec?.source ?? (app.spec?.sources ?? [])[0] ?? {};
  const repoURL = source.repoURL ?? platform?.gitops?.repoURL ?? "";
  const revision = source.targetRevision ?? platform?.gitops?.targetRevision ?? "HEAD";

  // Every Application the root will create, so that "all Synced and Healthy"
  // is not declared while children are still missing.
  const expected = [app.metadata?.name ?? "root"];
  for (const f of yamlFilesUnder(join(root, "generated/applications"))) {
    for (const d of loadYamlDocs(f)) {
      if (d.kind === "Application" && d.metadata?.name && !expected.includes(d.metadata.name)) expected.push(d.metadata.name);
    }
  }

  // Argo CD reachable through an Ingress on the http host port?
  let ingressHost = "";
  for (const f of yamlFilesUnder(join(root, "argocd"))) {
    for (const d of loadYamlDocs(f)) {
      if (d.kind === "Ingress") ingressHost = d.spec?.rules?.[0]?.host ?? "localhost";
    }
  }
  const httpPort = (k3d.ports ?? []).map((p) => String(p?.port ?? "")).find((s) => /:80(\/tcp)?(@.*)?$/.test(s));

  const examples = [];
  const exDir = join(root, "generated/examples");
  if (existsSync(exDir)) {
    for (const team of readdirSync(exDir).sort()) {
      const file = join(exDir, team, "spark-application.yaml");
      if (!existsSync(file)) continue;
      const doc = loadYamlDocs(file).find((d) => d.kind === "SparkApplication");
      if (!doc) continue;
      const ns = doc.metadata?.namespace ?? `team-${team}`;
      examples.push([team, ns, doc.metadata?.name ?? "", relative(root, file)].join("|"));
    }
  }

  const lines = [
    `CLUSTER_NAME=${sq(name)}`,
    `CLUSTER_SERVERS=${sq(servers)}`,
    `CLUSTER_AGENTS=${sq(agents)}`,
    `CLUSTER_IMAGE=${sq(image)}`,
    `HOST_PORTS=${sq(ports.join(" "))}`,
    `HTTP_HOST_PORT=${sq(httpPort ? hostPortOf(httpPort) ?? "" : "")}`,
    `ARGOCD_NAMESPACE=${sq(argocdNamespace)}`,
    `ROOT_APP_NAME=${sq(app.metadata?.name ?? "root")}`,
    `ROOT_APP_NAMESPACE=${sq(app.metadata?.namespace ?? argocdNamespace)}`,
    `REPO_URL=${sq(repoURL)}`,
    `REPO_REVISION=${sq(revision)}`,
    `EXPECTED_APPS=${sq(expected.join(","))}`,
    `ARGOCD_INGRESS_HOST=${sq(ingressHost)}`,
    `EXAMPLES=(${examples.map(sq).join(" ")})`,
  ];
  process.stdout.write(lines.join("\n") + "\n");
}

function clusterState(name, servers, agents) {
  let list;
  try {
    list = JSON.parse(readStdin() || "[]");
  } catch (e) {
    fail(`could not read \`k3d cluster list -o json\`: ${e.message}`);
  }
  const c = (Array.isArray(list) ? list : []).find((x) => x?.name === name);
  if (!c) {
    process.stdout.write(`CLUSTER_STATE=absent\nCLUSTER_RUNNING=no\nCLUSTER_DETAIL=''\n`);
    return;
  }
  const nodes = Array.isArray(c.nodes) ? c.nodes : [];
  const count = (role) => nodes.filter((n) => n?.role === role).length;
  const sCount = Number(c.serversCount ?? count("server"));
  const aCount = Number(c.agentsCount ?? count("agent"));
  const sRun = Number(c.serversRunning ?? 0);
  const aRun = Number(c.agentsRunning ?? 0);
  const matches = sCount === Number(servers) && aCount === Number(agents);
  const running = sRun === sCount && aRun === aCount;
  const detail = `${sCount} server(s) and ${aCount} agent(s), ${sRun + aRun} of ${sCount + aCount} running`;
  process.stdout.write(
    `CLUSTER_STATE=${matches ? "match" : "mismatch"}\nCLUSTER_RUNNING=${running ? "yes" : "no"}\nCLUSTER_DETAIL=${sq(detail)}\n`,
  );
}

function jsonGet(path) {
  let v;
  try {
    v = JSON.parse(readStdin());
  } catch (e) {
    fail(`not JSON: ${e.message}`);
  }
  for (const k of path.split(".")) v = v?.[k];
  if (v === undefined || v === null) {
    process.exitCode = 1;
    return;
  }
  process.stdout.write(typeof v === "object" ? JSON.stringify(v) : `${v}\n`);
}

function rootApp(root, repoUrl, revision) {
  const app = rootApplication(root);
  const source = app.spec?.source;
  if (!source) fail("argocd/root-application.yaml: spec.source is missing");
  if (repoUrl) source.repoURL = repoUrl;
  if (revision) source.targetRevision = revision;
  process.stdout.write(JSON.stringify(app, null, 2) + "\n");
}

// Points platform.yaml at another repository and revision, keeping its comments.
function setGitops(root, repoUrl, revision) {
  const file = join(root, "platform.yaml");
  if (!existsSync(file)) fail(`platform.yaml not found in ${root}`);
  const doc = YAML.parseDocument(readFileSync(file, "utf8"));
  if (repoUrl) doc.setIn(["gitops", "repoURL"], repoUrl);
  if (revision) doc.setIn(["gitops", "targetRevision"], revision);
  writeFileSync(file, doc.toString());
}

function pad(s, n) {
  s = String(s);
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

function firstLine(s, max = 90) {
  const line = String(s ?? "").split("\n")[0].trim();
  return line.length > max ? line.slice(0, max - 1) + "…" : line;
}

function apps(expectedCsv, report, namespace, opts) {
  let list;
  try {
    list = JSON.parse(readStdin() || "{}");
  } catch (e) {
    fail(`could not read the Applications: ${e.message}`);
  }
  const items = Array.isArray(list.items) ? list.items : [];
  const byName = new Map(items.map((a) => [a.metadata?.name, a]));
  const expected = (expectedCsv ?? "").split(",").filter(Boolean);
  const names = [...new Set([...expected, ...items.map((a) => a.metadata?.name).filter(Boolean)])];
  const rows = names.map((name) => {
    const a = byName.get(name);
    if (!a) return { name, sync: "-", health: "-", note: "not created yet", ok: false, app: undefined };
    const sync = a.status?.sync?.status ?? "Unknown";
    const health = a.status?.health?.status ?? "Unknown";
    const cond = (a.status?.conditions ?? [])[0];
    const op = a.status?.operationState;
    let note = "";
    if (cond) note = `${cond.type}: ${cond.message ?? ""}`;
    else if (op && op.phase !== "Succeeded") note = `${op.phase}: ${op.message ?? ""}`;
    else if (health !== "Healthy" && a.status?.health?.message) note = a.status.health.message;
    return { name, sync, health, note: firstLine(note), ok: sync === "Synced" && health === "Healthy", app: a };
  });
  const w = Math.max(4, ...rows.map((r) => r.name.length)) + 2;
  const out = [`${pad("NAME", w)}${pad("SYNC", 12)}${pad("HEALTH", 13)}MESSAGE`];
  for (const r of rows) out.push(`${pad(r.name, w)}${pad(r.sync, 12)}${pad(r.health, 13)}${r.note}`.trimEnd());
  const done = rows.length > 0 && rows.every((r) => r.ok);
  const okCount = rows.filter((r) => r.ok).length;
  out.push(`${okCount}/${rows.length} Applications Synced and Healthy`);
  const width = Number(opts.width ?? 0);
  const cut = (l) => (width > 1 && l.length >= width ? l.slice(0, width - 1) : l);
  process.stdout.write(out.map(cut).join("\n") + "\n");

  if (report && !done) {
    const ns = namespace ?? "argocd";
    const lines = ["", "Applications that are not Synced and Healthy:"];
    for (const r of rows.filter((x) => !x.ok)) {
      lines.push(`  ✗ ${r.name}: sync=${r.sync} health=${r.health}`);
      const a = r.app;
      if (!a) {
        lines.push(`      not created: the root Application has not synced it yet`);
        continue;
      }
      for (const c of a.status?.conditions ?? []) lines.push(`      condition ${c.type}: ${firstLine(c.message, 300)}`);
      const op = a.status?.operationState;
      if (op && op.phase !== "Succeeded") lines.push(`      last sync ${op.phase}: ${firstLine(op.message, 300)}`);
      if (a.status?.health?.message) lines.push(`      health: ${firstLine(a.status.health.message, 300)}`);
      for (const res of a.status?.resources ?? []) {
        const h = res.health?.status;
        if ((h && h !== "Healthy") || res.status === "OutOfSync") {
          const kind = `${res.group ? res.group + "/" : ""}${res.kind}`;
          const where = `${res.namespace ? res.namespace + "/" : ""}${res.name}`;
          const msg = res.health?.message ? ` (${firstLine(res.health.message, 200)})` : "";
          lines.push(`      resource ${kind} ${where}: ${res.status ?? "?"}/${h ?? "?"}${msg}`);
        }
      }
      lines.push(`      investigate: kubectl -n ${ns} describe application ${r.name}`);
    }
    process.stdout.write(lines.join("\n") + "\n");
  }
  // exitCode, not exit(): lets a piped stdout drain (pipes are asynchronous on macOS).
  process.exitCode = done ? 0 : 3;
}

const [cmd, ...rest] = process.argv.slice(2);
const opts = parseArgs(rest);
const root = opts.root ?? process.env.SPARK_PLATFORM_ROOT ?? process.cwd();
if (["env", "root-app", "set-gitops", "check"].includes(cmd)) await loadYamlPackage();
switch (cmd) {
  case "env":
    env(root, opts["cluster-only"] === true);
    break;
  case "cluster-state":
    clusterState(opts._[0], opts._[1], opts._[2]);
    break;
  case "json-get":
    jsonGet(opts._[0] ?? "");
    break;
  case "root-app":
    rootApp(root, opts["repo-url"], opts.revision);
    break;
  case "set-gitops":
    setGitops(root, opts["repo-url"], opts.revision);
    break;
  case "apps":
    apps(opts.expected, opts.report, opts.namespace, opts);
    break;
  case "check":
    break;
  default:
    fail(`usage: platform-config.mjs env|cluster-state|json-get|root-app|set-gitops|apps|check (got '${cmd ?? ""}')`);
}
