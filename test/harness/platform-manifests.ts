// The platform's manifests as Argo CD would deliver them, in dependency order,
// rendered offline with `kubectl kustomize`, and applied with server-side apply.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { installManifestURL } from "../../src/synth/bootstrap/argocd.js";
import type { Cluster } from "./cluster.js";
import { installUpstreamCrds } from "./crds.js";
import { repoRoot, upstreamDir } from "../support/paths.js";
import { platformTarget } from "./platform.js";
import { run } from "./process.js";

export const generatedDir = join(repoRoot, "generated");
const argocdDir = join(repoRoot, "argocd");

/** One step of the rollout: its objects must be accepted before the next step's. */
export interface ManifestLayer {
  name: string;
  /** Where the objects come from, relative to the repository, for messages. */
  source: string;
  render(): Promise<string>;
}

/**
 * The layers in the order a cluster receives them: component namespaces,
 * Argo CD, platform objects (queues), one tenant overlay per team, the Argo CD
 * projects and applications, then the example SparkApplications. CRDs come
 * before all of them (installUpstreamCrds). Discovered synchronously so that
 * a suite can declare one test per layer.
 */
export function platformLayers(): ManifestLayer[] {
  requireGenerated();
  return [
    { name: "component namespaces", source: "platform.yaml", render: async () => namespacesYaml(platformTarget().componentNamespaces) },
    { name: "argocd", source: "argocd/", render: renderArgoCdOffline },
    ...subdirectories(join(generatedDir, "platform")).map((dir) => kustomizeLayer(`platform ${dir}`, join(generatedDir, "platform", dir))),
    ...tenantTeams().map((team) => kustomizeLayer(`tenant ${team}`, tenantOverlay(team))),
    kustomizeLayer("applications", join(generatedDir, "applications")),
    ...exampleFiles().map((file) => fileLayer(`example ${relative(join(generatedDir, "examples"), file)}`, file)),
  ];
}

/** Teams that have a tenant overlay, e.g. ["alpha", "beta", "delta", "theta"]. */
export function tenantTeams(): string[] {
  requireGenerated();
  return subdirectories(join(generatedDir, "tenants/overlays"));
}

export function tenantOverlay(team: string): string {
  return join(generatedDir, "tenants/overlays", team);
}

function requireGenerated(): void {
  for (const dir of ["tenants/overlays", "applications"]) {
    if (!existsSync(join(generatedDir, dir))) {
      throw new Error(`${join(generatedDir, dir)} not found: run \`npm run build\` to generate the platform before the cluster tests`);
    }
  }
  if (!existsSync(join(argocdDir, "kustomization.yaml"))) {
    throw new Error(`${argocdDir}/kustomization.yaml not found: run \`npm run build\` first`);
  }
}

function kustomizeLayer(name: string, dir: string): ManifestLayer {
  return { name, source: relative(repoRoot, dir), render: () => kustomize(dir) };
}

function fileLayer(name: string, file: string): ManifestLayer {
  return { name, source: relative(repoRoot, file), render: async () => readFileSync(file, "utf8") };
}

export async function kustomize(dir: string, extraArgs: readonly string[] = []): Promise<string> {
  return (await run("kubectl", ["kustomize", ...extraArgs, dir])).stdout;
}

/**
 * argocd/ builds on Argo CD's install.yaml from GitHub. Offline, a copy of
 * the layer points at the same release file in the shared upstream folder.
 */
export async function renderArgoCdOffline(): Promise<string> {
  const { argocd } = platformTarget();
  const remote = installManifestURL(argocd);
  const local = join(upstreamDir, `argo-cd-${argocd}`, "install.yaml");
  if (!existsSync(local)) throw new Error(`${local} not found: the offline Argo CD layer needs install.yaml of ${argocd}`);

  const copy = mkdtempSync(join(tmpdir(), "argocd-offline-"));
  try {
    cpSync(argocdDir, copy, { recursive: true });
    const kustomization = join(copy, "kustomization.yaml");
    const text = readFileSync(kustomization, "utf8");
    if (!text.includes(remote)) {
      throw new Error(`argocd/kustomization.yaml does not use ${remote} (the Argo CD version of platform.yaml), so it cannot be built offline`);
    }
    writeFileSync(kustomization, text.replaceAll(remote, local));
    return await kustomize(copy, ["--load-restrictor", "LoadRestrictionsNone"]);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function namespacesYaml(names: readonly string[]): string {
  return names.map((name) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`).join("---\n");
}

function exampleFiles(): string[] {
  const examples = join(generatedDir, "examples");
  return subdirectories(examples).flatMap((team) =>
    readdirSync(join(examples, team))
      .filter((file) => file.endsWith(".yaml"))
      .sort()
      .map((file) => join(examples, team, file)),
  );
}

function subdirectories(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((entry) => statSync(join(dir, entry)).isDirectory())
    .sort();
}

/** An object of a manifest stream, identified the way kubectl reports it. */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export function manifestObjects(yaml: string): ManifestObject[] {
  return parseAllDocuments(yaml)
    .map((doc) => doc.toJS() as { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } | null)
    .filter((object) => object !== null)
    .map(({ apiVersion, kind, metadata }) => ({ apiVersion, kind, name: metadata.name, namespace: metadata.namespace }));
}

/**
 * Splits a manifest stream into its Namespaces and everything else, in that
 * order (as Argo CD orders a sync): a dry run cannot place an object into a
 * namespace that the same request only would create.
 */
export function namespacesFirst(yaml: string): string[] {
  const docs = parseAllDocuments(yaml).filter((doc) => doc.contents !== null);
  const isNamespace = (doc: (typeof docs)[number]): boolean => (doc.toJS() as { kind?: string }).kind === "Namespace";
  return [docs.filter(isNamespace), docs.filter((doc) => !isNamespace(doc))]
    .filter((stage) => stage.length > 0)
    .map((stage) => stage.map((doc) => doc.toString()).join("---\n"));
}

export interface ApplyResult {
  /** `kind.group/name` of each object the server accepted. */
  accepted: string[];
  /** Error lines: each rejected object, with the server's reason. */
  rejections: string[];
  warnings: string[];
}

/** `kubectl apply --server-side` of a manifest stream; rejections are returned, not thrown. */
export async function applyServerSide(cluster: Cluster, yaml: string, options: { dryRun?: boolean } = {}): Promise<ApplyResult> {
  const args = ["apply", "--server-side", "--field-manager=spark-platform-acceptance", "-o", "name", "-f", "-"];
  if (options.dryRun) args.push("--dry-run=server");
  const result = await cluster.kubectl(args, { input: yaml, reject: false });
  const stderr = result.stderr.split("\n").filter(Boolean);
  const warnings = stderr.filter((line) => line.startsWith("Warning:"));
  const rejections = stderr.filter((line) => !line.startsWith("Warning:"));
  if (result.exitCode !== 0 && rejections.length === 0) rejections.push(`kubectl exited ${result.exitCode}`);
  return { accepted: result.stdout.split("\n").filter(Boolean), rejections, warnings };
}

/** Installs the CRDs and applies every layer for real; for suites that test the running platform. */
export async function applyPlatform(cluster: Cluster): Promise<void> {
  await installUpstreamCrds(cluster);
  for (const layer of platformLayers()) {
    for (const stage of namespacesFirst(await layer.render())) {
      const { rejections } = await applyServerSide(cluster, stage);
      if (rejections.length > 0) throw new Error(`layer ${layer.name} (${layer.source}) was rejected:\n${rejections.join("\n")}`);
    }
  }
}
