/**
 * `spark-platform config`: every name, port, path and URL the bootstrap and
 * CI scripts need, from the validated model and its synthesis, so that no
 * script reads platform.yaml or a generated file itself, or restates what the
 * compiler decides.
 *
 *   spark-platform config cluster.name     one value
 *   spark-platform config --format json    everything, as JSON
 *   spark-platform config --format env     everything, as shell assignments (eval-safe)
 */
import path from "node:path";
import { DiagnosticError, hasErrors } from "../../diagnostics/diagnostic.js";
import { renderTree } from "../../emit/tree.js";
import { k3dOf, type PlatformModel } from "../../model/platform-model.js";
import { isPlaceholderRepoURL } from "../../model/repository.js";
import { hostRequirements, type HostRequirements } from "../../model/host-requirements.js";
import { compile } from "../../pipeline.js";
import { rootApplication } from "../../synth/bootstrap/argocd.js";
import { k3dConfig } from "../../synth/cluster/k3d.js";
import { examplePath } from "../../synth/index.js";
import { LABELS, PART_OF, type KubeObject, type Synthesis } from "../../synth/object.js";
import { diffTree, OUTPUT_DIRS } from "../../write/output-dirs.js";
import { EXIT, report, type Io } from "../output.js";

/** Names in Argo CD's own install.yaml (argocd/ applies it unchanged) that the bootstrap waits on or points the user to. */
const ARGOCD_INSTALL = {
  controller: "argocd-application-controller",
  server: "argocd-server",
  adminSecret: "argocd-initial-admin-secret",
} as const;

/** What the bootstrap tells the API server it is, on every server-side apply. */
const FIELD_MANAGER = `${PART_OF}-bootstrap`;
const REPOSITORY_SECRET = `${PART_OF}-repo`;

export interface BootstrapConfig {
  cluster: {
    name: string;
    /** The kubectl context k3d gives the cluster. */
    context: string;
    servers: number;
    agents: number;
    k3sImage: string;
    /** What the API server of that image reports (`kubectl version`): v1.28.15+k3s1. */
    serverVersion: string;
    /** The k3d config file, relative to the project root. */
    config: string;
  };
  hostPorts: { bindAddress: string; api: number; http: number; https: number };
  argocd: {
    namespace: string;
    version: string;
    /** The bootstrap layer: `kubectl apply -k` of this directory. */
    dir: string;
    /** The CRDs of every Argo CD kind the compiler generates: established before the root Application is applied. */
    crds: string[];
    controller: string;
    server: string;
    adminSecret: string;
  };
  fieldManager: string;
  repository: {
    url: string;
    revision: string;
    /** The Secret that holds a token for a private repository, and its labels (Argo CD finds it by the first). */
    secret: string;
    secretLabels: Array<{ name: string; value: string }>;
    /** gitops.repoURL is the example URL platform.yaml ships with (see model/repository.ts): the bootstrap serves this checkout instead. */
    placeholder: boolean;
    /** The host's address on the nodes' Docker network, where a git daemon on a Linux host is reachable from the cluster. */
    hostAddress: string;
  };
  root: { name: string; namespace: string; file: string; manifest: KubeObject };
  /** Every Application that must be Synced and Healthy, the root first. */
  applications: string[];
  examples: Array<{ team: string; namespace: string; name: string; file: string }>;
  /** Whether generated/ and argocd/ on disk are what platform.yaml and teams/ build. */
  output: { state: "current" | "stale" | "missing"; files: string[] };
  /** What the Docker VM must give (preflight compares `docker info` with it); see src/model/host-requirements.ts. */
  host: HostRequirements;
  /** What an existing cluster of the same name must run to be reused, besides its node counts and image. */
  reuse: {
    /** Every k3s argument the config gives the servers: the API server flags the guardrails need, the pinned network ranges. */
    serverArgs: string[];
    /** Published ports as HOST_IP:HOST_PORT:CONTAINER_PORT: the API server's, then HTTP and HTTPS into the cluster. */
    ports: string[];
  };
}

export interface SourceOverride {
  repoURL?: string;
  revision?: string;
}

const ARGO_GROUP = "argoproj.io";

export function bootstrapConfig(model: PlatformModel, synthesis: Synthesis, output: BootstrapConfig["output"], override: SourceOverride = {}): BootstrapConfig {
  const { cluster, gitops } = model.platform;
  const documents = synthesis.files.flatMap((file) => file.documents.map((document) => ({ file: file.path, object: document as KubeObject })));
  const fileOf = (match: (o: KubeObject) => boolean): string => {
    const found = documents.find(({ object }) => match(object));
    if (!found) throw new Error("the synthesis lacks a file the bootstrap needs");
    return found.file;
  };
  const root = rootApplication(model);
  const source = root.spec as { source: { repoURL: string; targetRevision: string } };
  source.source.repoURL = override.repoURL ?? gitops.repoURL;
  source.source.targetRevision = override.revision ?? gitops.targetRevision;
  const rootFile = fileOf((o) => o.kind === "Application" && o.metadata.name === root.metadata.name && o.metadata.namespace === root.metadata.namespace);
  const argo = documents.map(({ object }) => object).filter((o) => typeof o.apiVersion === "string" && o.apiVersion.startsWith(`${ARGO_GROUP}/`));
  const applications = argo.filter((o) => o.kind === "Application").map((o) => o.metadata.name);
  return {
    cluster: {
      name: cluster.name,
      context: `k3d-${cluster.name}`,
      servers: cluster.servers.count,
      agents: cluster.agents.count,
      k3sImage: cluster.k3sImage,
      // k3s tags its images v1.28.15-k3s1 and reports its version as v1.28.15+k3s1.
      serverVersion: cluster.k3sImage.slice(cluster.k3sImage.lastIndexOf(":") + 1).replace(/-(k3s\d+)$/, "+$1"),
      config: fileOf((o) => typeof o.apiVersion === "string" && o.apiVersion.startsWith("k3d.io/") && o.kind === "Simple"),
    },
    hostPorts: { ...k3dOf(model).hostPorts },
    argocd: {
      namespace: root.metadata.namespace!,
      version: gitops.argocdVersion,
      dir: path.posix.dirname(rootFile),
      // The default plural of a custom resource (lower case, with an s) is the one Argo CD's CRDs use.
      crds: [...new Set(argo.map((o) => `${o.kind.toLowerCase()}s.${ARGO_GROUP}`))].sort(),
      ...ARGOCD_INSTALL,
    },
    fieldManager: FIELD_MANAGER,
    repository: {
      url: source.source.repoURL,
      revision: source.source.targetRevision,
      secret: REPOSITORY_SECRET,
      // https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#repositories
      secretLabels: [{ name: "argocd.argoproj.io/secret-type", value: "repository" }, { name: LABELS.partOf, value: PART_OF }],
      placeholder: isPlaceholderRepoURL(gitops.repoURL),
      hostAddress: k3dOf(model).network.gateway,
    },
    root: { name: root.metadata.name, namespace: root.metadata.namespace!, file: rootFile, manifest: root },
    applications: [root.metadata.name, ...applications.filter((name) => name !== root.metadata.name)],
    examples: synthesis.standalone.flatMap(({ file, object }) => {
      const team = model.teams.find((t) => examplePath(t) === file);
      return team ? [{ team: team.name, namespace: object.metadata.namespace ?? team.namespace, name: object.metadata.name, file }] : [];
    }),
    output,
    host: hostRequirements(model),
    reuse: reuseRequirements(model),
  };
}

/** Read from the k3d config itself, so that what is created and what is reused cannot drift apart. */
function reuseRequirements(model: PlatformModel): BootstrapConfig["reuse"] {
  const k3d = k3dConfig(model) as {
    kubeAPI: { hostIP: string; hostPort: string };
    ports: Array<{ port: string }>;
    options: { k3s: { extraArgs: Array<{ arg: string; nodeFilters: string[] }> } };
  };
  return {
    serverArgs: k3d.options.k3s.extraArgs.filter((a) => a.nodeFilters.some((f) => f.startsWith("server:"))).map((a) => a.arg),
    // k3s serves the API on 6443 in every server container (k3d's DefaultAPIPort).
    ports: [`${k3d.kubeAPI.hostIP}:${k3d.kubeAPI.hostPort}:6443`, ...k3d.ports.map((p) => p.port)],
  };
}

/** Compares the files on disk with what the inputs build (without writing; lint is the build's business). */
async function outputState(root: string, synthesis: Synthesis): Promise<BootstrapConfig["output"]> {
  const diff = await diffTree(root, renderTree(synthesis.files));
  const files = [...diff.added, ...diff.changed, ...diff.stale, ...diff.foreign, ...diff.irregular.map((i) => i.file)].sort();
  if (files.length === 0) return { state: "current", files };
  const built = [...diff.unchanged, ...diff.changed, ...diff.stale].some((file) => OUTPUT_DIRS.some((dir) => file.startsWith(`${dir}/`)));
  return { state: built ? "stale" : "missing", files };
}

// ------------------------------------------------------------------ output

/** One shell word in single quotes: nothing in it is expanded when the assignment is eval'ed. */
const shellWord = (value: string | number): string => `'${String(value).replace(/'/g, `'\\''`)}'`;
const envName = (keys: string[]): string => keys.map((k) => k.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()).join("_");
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Shell assignments, one per value: `cluster.name` → CLUSTER_NAME, a list of
 * values → a bash array, a list of records → one array per field
 * (`examples[].team` → EXAMPLES_TEAM), a manifest → its JSON. Arrays rather
 * than joined strings: bash 3.2 (macOS) has no associative arrays.
 */
export function envAssignments(value: unknown, keys: string[] = []): string[] {
  if (keys.at(-1) === "manifest") return [`${envName(keys)}=${shellWord(JSON.stringify(value))}`];
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isRecord)) {
      const fields = [...new Set(value.flatMap((item) => Object.keys(item)))];
      return fields.map((field) => `${envName([...keys, field])}=(${value.map((item) => shellWord(String(item[field] ?? ""))).join(" ")})`);
    }
    return [`${envName(keys)}=(${value.map((item) => shellWord(String(item))).join(" ")})`];
  }
  if (isRecord(value)) return Object.entries(value).flatMap(([key, inner]) => envAssignments(inner, [...keys, key]));
  return [`${envName(keys)}=${shellWord(String(value))}`];
}

/** `cluster.name` → its value; undefined for a key that is not there. */
export function valueAt(config: BootstrapConfig, key: string): unknown {
  let value: unknown = config;
  for (const part of key.split(".")) value = isRecord(value) && Object.hasOwn(value, part) ? value[part] : undefined;
  return value;
}

/** Every key `config <key>` answers, for the message about an unknown one. */
function keysOf(value: unknown, prefix = ""): string[] {
  if (!isRecord(value) || prefix.endsWith("manifest")) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => keysOf(inner, prefix ? `${prefix}.${key}` : key));
}

interface ConfigOptions {
  dir: string;
  format: "value" | "env" | "json";
  repoUrl?: string;
  revision?: string;
}

export async function config(io: Io, key: string | undefined, options: ConfigOptions): Promise<number> {
  const root = io.root(options.dir);
  const { model, synthesis, diagnostics } = await compile(root, { lint: false, render: false });
  if (!model || !synthesis || hasErrors(diagnostics)) {
    report(io, diagnostics, { dir: options.dir, format: "text" });
    return EXIT.invalid;
  }
  let output: BootstrapConfig["output"];
  try {
    output = await outputState(root, synthesis);
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    report(io, error.diagnostics, { dir: options.dir, format: "text" });
    return EXIT.invalid;
  }
  const all = bootstrapConfig(model, synthesis, output, { repoURL: options.repoUrl, revision: options.revision });
  if (key === undefined) {
    io.out(options.format === "env" ? `${envAssignments(all).join("\n")}\n` : `${JSON.stringify(all, null, 2)}\n`);
    return EXIT.ok;
  }
  const value = valueAt(all, key);
  if (value === undefined) {
    io.err(`unknown key \`${key}\`. Keys: ${keysOf(all).join(", ")}\n`);
    return EXIT.usage;
  }
  if (options.format === "env") io.out(`${envAssignments(value, key.split(".")).join("\n")}\n`);
  else if (options.format === "json" || isRecord(value) || (Array.isArray(value) && value.some(isRecord))) io.out(`${JSON.stringify(value, null, 2)}\n`);
  else io.out(`${Array.isArray(value) ? value.join("\n") : String(value)}\n`);
  return EXIT.ok;
}
