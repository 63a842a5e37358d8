// A Helm chart repository on loopback, for the charts the platform deploys.
// Each chart is packaged from its source at the release tag
// (../shared/upstream/charts/<chart>-<version>/, read in place, never copied
// into the project) with the Helm that the pinned Argo CD bundles, as
// `--version <targetRevision>` because a tag's Chart.yaml may still carry the
// previous version (Volcano v1.8.2 says 1.8.1); `helm repo index` writes the
// index for the served URL. The test process serves index.yaml and the
// archives over HTTPS on 127.0.0.1 (platform.yaml accepts only https:// chart
// repositories), with a throw-away CA that the client is given, so an Argo CD
// repo server pointed at the URL fetches and renders the real charts offline.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { buildArgoCd } from "./argocd-build.js";
import { chartSourceDir } from "./chart-rbac.js";
import type { Values } from "./helm-values.js";
import { generatedDir } from "./platform-manifests.js";
import { CommandError, run } from "./process.js";
import { Reaper } from "./reaper.js";
import { makeServingCertificate } from "./webhook-certs.js";
import { freePort } from "../support/ports.js";

/** A chart the platform installs: an Application with a Helm source in generated/applications/platform.yaml. */
export interface PlatformChart {
  application: string;
  chart: string;
  /** The Application's targetRevision: the version the repository must answer to. */
  version: string;
  /** The public repository the Application names (what a test points at the loopback repository instead). */
  repoURL: string;
  releaseName: string;
  namespace: string;
  /** spec.source.helm.valuesObject, exactly as generated (Helm merges it over the chart's values.yaml). */
  valuesObject: Values;
}

export interface ServedChart {
  chart: string;
  version: string;
  /** The archive's URL in the repository, as index.yaml lists it. */
  archive: string;
  /** sha256 of the archive, hex, as index.yaml records it. */
  digest: string;
}

export interface ChartRepository {
  /** https://127.0.0.1:<port>, the repository URL for `helm repo add`, `helm pull --repo` or an Application's repoURL. */
  readonly url: string;
  /** The CA that signed the server's certificate (for 127.0.0.1), as PEM: what a client must trust, e.g. Argo CD's argocd-tls-certs-cm. */
  readonly caPem: string;
  /** The same CA as a file, for `helm --ca-file`. */
  readonly caFile: string;
  readonly charts: readonly ServedChart[];
  /** Every request served so far, in order, e.g. "GET /index.yaml 200": evidence of who fetched what. */
  readonly requests: readonly string[];
  /** Closes the server and removes the repository's files. Safe to call twice. */
  stop(): Promise<void>;
}

interface Application {
  kind?: string;
  metadata?: { name?: string };
  spec?: {
    source?: { repoURL?: string; chart?: string; targetRevision?: string; helm?: { releaseName?: string; valuesObject?: Values } };
    destination?: { namespace?: string };
  };
}

/**
 * Charts whose release sets appVersion too: Strimzi's Chart.yaml at the tag says version 0.1.1 and
 * appVersion 0.1.0, and its release packages both as the release (../shared/upstream/charts/SOURCE.txt).
 * (Volcano's tag says 1.8.1 too, but no template of it reads appVersion.)
 */
const RELEASE_SETS_APP_VERSION: ReadonlySet<string> = new Set(["strimzi-kafka-operator"]);

/** The Helm-sourced Applications of generated/applications/platform.yaml (volcano and spark-operator, and the data components' charts when installed). */
export function platformCharts(file = join(generatedDir, "applications/platform.yaml")): PlatformChart[] {
  const charts: PlatformChart[] = [];
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    const app = document.toJS() as Application | null;
    const source = app?.spec?.source;
    if (app?.kind !== "Application" || !source?.chart) continue;
    const name = app.metadata?.name ?? "";
    if (!source.targetRevision || !source.repoURL || !app.spec?.destination?.namespace) {
      throw new Error(`${file}: Application ${name} installs chart ${source.chart} without repoURL, targetRevision or destination.namespace`);
    }
    charts.push({
      application: name,
      chart: source.chart,
      version: source.targetRevision,
      repoURL: source.repoURL,
      releaseName: source.helm?.releaseName ?? name,
      namespace: app.spec.destination.namespace,
      valuesObject: source.helm?.valuesObject ?? {},
    });
  }
  if (charts.length === 0) throw new Error(`${file} has no Application with a Helm chart: run \`npm run build\``);
  return charts;
}

/**
 * An environment for Helm that reads no configuration of this machine or user
 * and writes only under `home` (repositories, cache, plugins), and never sends
 * a loopback request through a proxy.
 */
export function helmEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("HELM_")) delete env[key];
  return {
    ...env,
    HELM_CACHE_HOME: join(home, "cache"),
    HELM_CONFIG_HOME: join(home, "config"),
    HELM_DATA_HOME: join(home, "data"),
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
  };
}

/**
 * Packages `charts` and serves them on a free loopback port. With `owner`
 * (a Cluster, or anything with a workDir) the files live in
 * <workDir>/chart-repository and go with the owner's directory; without, in a
 * temporary directory of their own that a Reaper removes if the process dies
 * before stop(). The server lives in this process, so it cannot outlive it.
 */
export async function startChartRepository(charts: readonly Pick<PlatformChart, "chart" | "version">[], owner?: { workDir: string }): Promise<ChartRepository> {
  const reaper = owner ? undefined : new Reaper(mkdtempSync(join(tmpdir(), "spark-platform-chart-repository-")));
  const workDir = owner ? join(owner.workDir, "chart-repository") : reaper!.workDir;
  const repoDir = join(workDir, "charts");
  mkdirSync(repoDir, { recursive: true });

  let server: Server | undefined;
  const stop = async (): Promise<void> => {
    const closing = server;
    server = undefined;
    if (closing) {
      closing.closeAllConnections();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    }
    rmSync(workDir, { recursive: true, force: true });
    reaper?.release();
  };

  try {
    const { helm } = await buildArgoCd();
    const env = helmEnv(join(workDir, "helm"));
    for (const { chart, version } of charts) {
      const source = chartSourceDir({ chart, version });
      const appVersion = RELEASE_SETS_APP_VERSION.has(chart) ? ["--app-version", version] : [];
      await helmCommand(helm, ["package", source, "--version", version, ...appVersion, "--destination", repoDir], env, `packaging ${source} as ${chart} ${version}`);
    }
    const port = await freePort();
    const url = `https://127.0.0.1:${port}`;
    const certificate = await makeServingCertificate(join(workDir, "tls"), ["127.0.0.1"]);
    await helmCommand(helm, ["repo", "index", repoDir, "--url", url], env, `indexing ${repoDir}`);

    const files = servedFiles(repoDir);
    const index = parse(files.get("/index.yaml")!.toString("utf8")) as RepositoryIndex;
    const served = charts.map(({ chart, version }) => servedChart(index, files, url, chart, version));
    const requests: string[] = [];
    server = await listen(port, { key: readFileSync(certificate.keyFile), cert: readFileSync(certificate.certFile) }, files, requests);
    return { url, caPem: certificate.caPem, caFile: certificate.caFile, charts: served, requests, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function helmCommand(helm: string, args: string[], env: NodeJS.ProcessEnv, what: string): Promise<void> {
  try {
    await run(helm, args, { env });
  } catch (error) {
    if (error instanceof CommandError) throw new Error(`${what} failed: ${error.message}`);
    throw error;
  }
}

/** Everything the repository serves, by URL path: index.yaml and the archives, read once (a few hundred KiB). */
function servedFiles(repoDir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(repoDir)) {
    if (name === "index.yaml" || name.endsWith(".tgz")) files.set(`/${name}`, readFileSync(join(repoDir, name)));
  }
  return files;
}

interface RepositoryIndex {
  entries?: Record<string, { version: string; digest: string; urls: string[] }[]>;
}

/** A chart as index.yaml lists it, checked against the archive that is served. */
function servedChart(index: RepositoryIndex, files: Map<string, Buffer>, url: string, chart: string, version: string): ServedChart {
  const entry = index.entries?.[chart]?.find((candidate) => candidate.version === version);
  // helm package names the archive after Chart.yaml's name: a source whose name differs from the Application's chart is not that chart.
  if (!entry) throw new Error(`the repository's index.yaml has no ${chart} ${version}: is the name in ${chart}-${version}/Chart.yaml "${chart}"?`);
  const archive = entry.urls[0];
  const path = archive.startsWith(`${url}/`) ? archive.slice(url.length) : undefined;
  const data = path === undefined ? undefined : files.get(path);
  if (!data) throw new Error(`index.yaml lists ${chart} ${version} at ${archive}, which the repository does not serve`);
  const digest = createHash("sha256").update(data).digest("hex");
  if (digest !== entry.digest) throw new Error(`index.yaml records digest ${entry.digest} for ${archive}, the archive's is ${digest}`);
  return { chart, version, archive, digest };
}

/**
 * GET and HEAD of exactly the served files; anything else is 404 (405 for
 * other methods). Paths are looked up, never joined to a directory, so no
 * request reaches a file outside the repository.
 */
function listen(port: number, tls: { key: Buffer; cert: Buffer }, files: Map<string, Buffer>, requests: string[]): Promise<Server> {
  const server = createServer(tls, (request, response) => {
    const path = (request.url ?? "").split("?")[0];
    const data = files.get(path);
    const method = request.method ?? "";
    const status = method !== "GET" && method !== "HEAD" ? 405 : data ? 200 : 404;
    requests.push(`${method} ${request.url} ${status}`);
    if (status !== 200 || !data) {
      response.writeHead(status, { "content-type": "text/plain" }).end(status === 404 ? "not found\n" : "method not allowed\n");
      return;
    }
    const type = path.endsWith(".yaml") ? "application/x-yaml" : "application/gzip";
    response.writeHead(200, { "content-type": type, "content-length": data.length });
    response.end(method === "HEAD" ? undefined : data);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.removeListener("error", reject);
      resolve(server);
    });
  });
}
