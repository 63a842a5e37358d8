// The loopback chart repository the GitOps suite points the platform's Helm
// Applications at: a Helm client (the one Argo CD 2.14.21 bundles, as its repo
// server runs it) finds, pulls and renders each chart at the Application's
// version with the Application's values, over TLS that only its CA vouches
// for, and the server gives nothing but the repository, on 127.0.0.1 only. No
// API server is needed.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { buildArgoCd } from "../harness/argocd-build.js";
import { helmEnv, platformCharts, startChartRepository, type ChartRepository, type PlatformChart } from "../harness/chart-repo.js";
import { run } from "../harness/process.js";
import { Reaper } from "../harness/reaper.js";

interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: { template?: { spec?: { containers?: { name: string; args?: string[] }[] } } };
}

const charts = platformCharts();
const byName = (chart: string): PlatformChart => {
  const found = charts.find((candidate) => candidate.chart === chart);
  if (!found) throw new Error(`generated/applications/platform.yaml has no Application installing ${chart}`);
  return found;
};

let repository: ChartRepository;
let helmBinary: string;
let reaper: Reaper;
let client: string;
const pulled = new Map<string, string>();

/** The archive the pull test fetched through the repository (the later tests render it). */
const archiveOf = (chart: string): string => {
  const archive = pulled.get(chart);
  if (!archive) throw new Error(`${chart} was not pulled from the repository: see the pull test`);
  return archive;
};

const helm = async (args: string[]): Promise<string> => (await run(helmBinary, args, { env: helmEnv(join(client, "helm")) })).stdout;

/** A raw GET with the path exactly as written (fetch() and URL would normalise "/../"). */
function rawRequest(host: string, port: number, path: string, method = "GET"): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, ca: repository.caPem }, (response) => {
      let body = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function render(chart: PlatformChart): Promise<RenderedObject[]> {
  const valuesFile = join(client, `${chart.application}-values.json`);
  writeFileSync(valuesFile, JSON.stringify(chart.valuesObject));
  // --include-crds as Argo CD's repo server renders (its helm template keeps the crds/ folder unless skipCrds is set).
  const args = ["template", chart.releaseName, archiveOf(chart.chart), "--namespace", chart.namespace, "--values", valuesFile, "--include-crds"];
  return parseAllDocuments(await helm(args))
    .map((document) => document.toJS() as RenderedObject | null)
    .filter((object): object is RenderedObject => object !== null);
}

const find = (objects: RenderedObject[], kind: string, name: string): RenderedObject | undefined =>
  objects.find((object) => object.kind === kind && object.metadata.name === name);

const argsOf = (object: RenderedObject | undefined): string[] => object?.spec?.template?.spec?.containers?.flatMap((container) => container.args ?? []) ?? [];

describe("a Helm chart repository on loopback for the platform's charts", () => {
  beforeAll(async () => {
    helmBinary = (await buildArgoCd()).helm;
    client = mkdtempSync(join(tmpdir(), "spark-platform-helm-client-"));
    reaper = new Reaper(client);
    repository = await startChartRepository(charts);
  });

  afterAll(async () => {
    await repository?.stop();
    rmSync(client, { recursive: true, force: true });
    reaper?.release();
  });

  it("serves every Helm-sourced Application's chart at its targetRevision, Volcano and the Spark Operator included", () => {
    const wanted = charts.map(({ chart, version }) => `${chart} ${version}`);
    expect(wanted).toEqual(expect.arrayContaining(["volcano 1.8.2", "spark-operator 2.3.0"]));
    expect(repository.charts.map(({ chart, version }) => `${chart} ${version}`)).toEqual(wanted);
    for (const served of repository.charts) {
      expect(served.archive).toBe(`${repository.url}/${served.chart}-${served.version}.tgz`);
      expect(served.digest).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("is served over TLS that a client without the repository's CA refuses", async () => {
    const refused = await run(helmBinary, ["repo", "add", "untrusted", repository.url], { env: helmEnv(join(client, "helm")), reject: false });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/certificate/);
    expect(repository.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it("Helm finds each chart at the Application's version and pulls the archive the index describes", async () => {
    await helm(["repo", "add", "loopback", repository.url, "--ca-file", repository.caFile]);
    const found = JSON.parse(await helm(["search", "repo", "loopback/", "--versions", "--output", "json"])) as { name: string; version: string }[];
    for (const chart of charts) {
      expect(found).toContainEqual(expect.objectContaining({ name: `loopback/${chart.chart}`, version: chart.version }));
      const destination = join(client, "pulled", chart.chart);
      mkdirSync(destination, { recursive: true });
      await helm(["pull", chart.chart, "--repo", repository.url, "--ca-file", repository.caFile, "--version", chart.version, "--destination", destination]);
      const archive = join(destination, `${chart.chart}-${chart.version}.tgz`);
      const digest = createHash("sha256").update(readFileSync(archive)).digest("hex");
      expect(digest).toBe(repository.charts.find((served) => served.chart === chart.chart)?.digest);
      pulled.set(chart.chart, archive);
    }
    expect(repository.requests).toContain("GET /index.yaml 200");
  });

  it("the pulled Volcano chart says 1.8.2, the version its tag's Chart.yaml (1.8.1) lacks", async () => {
    const volcano = byName("volcano");
    const metadata = parse(await helm(["show", "chart", archiveOf("volcano")])) as { name: string; version: string };
    expect(metadata).toMatchObject({ name: "volcano", version: volcano.version });
    expect(volcano.version).toBe("1.8.2");
  });

  it("Volcano renders with the Application's values: admission, its init Job, the Queue CRD, only the admissions enabled", async () => {
    const volcano = byName("volcano");
    const objects = await render(volcano);
    const admission = find(objects, "Deployment", `${volcano.releaseName}-admission`);
    expect(admission).toBeDefined();
    expect(find(objects, "Job", `${volcano.releaseName}-admission-init`)).toBeDefined();
    expect(find(objects, "CustomResourceDefinition", "queues.scheduling.volcano.sh")).toBeDefined();
    expect(find(objects, "Deployment", `${volcano.releaseName}-scheduler`)).toBeDefined();
    expect(find(objects, "Deployment", `${volcano.releaseName}-controllers`)).toBeDefined();
    // The value is the Application's, not the chart's default (which also enables /pods/mutate).
    const enabled = (volcano.valuesObject.custom as { enabled_admissions: string }).enabled_admissions;
    expect(argsOf(admission)).toContain(`--enabled-admission=${enabled}`);
    expect(find(objects, "MutatingWebhookConfiguration", "volcano-admission-service-pods-mutate") !== undefined).toBe(enabled.includes("/pods/mutate"));
  });

  it("the Spark Operator renders with the Application's values: controller and webhook Deployments, its CRDs", async () => {
    const operator = byName("spark-operator");
    const objects = await render(operator);
    const controller = find(objects, "Deployment", `${operator.releaseName}-controller`);
    expect(controller).toBeDefined();
    expect(find(objects, "Deployment", `${operator.releaseName}-webhook`)).toBeDefined();
    expect(find(objects, "CustomResourceDefinition", "sparkapplications.sparkoperator.k8s.io")).toBeDefined();
    const workers = (operator.valuesObject.controller as { workers: number }).workers;
    expect(argsOf(controller)).toContain(`--controller-threads=${workers}`);
    expect(argsOf(controller)).toContain("--enable-batch-scheduler=true");
  });

  it("serves the data components' charts at their releases: Strimzi's as 0.50.1 with appVersion 0.50.1 (its tag says 0.1.1 / 0.1.0), SeaweedFS's as 4.53.0", async () => {
    const data = await startChartRepository([{ chart: "strimzi-kafka-operator", version: "0.50.1" }, { chart: "seaweedfs", version: "4.53.0" }], { workDir: join(client, "data-charts") });
    try {
      expect(data.charts.map((c) => c.archive)).toEqual([`${data.url}/strimzi-kafka-operator-0.50.1.tgz`, `${data.url}/seaweedfs-4.53.0.tgz`]);
      const destination = join(client, "data-pulled");
      mkdirSync(destination, { recursive: true });
      for (const { chart, version } of data.charts) {
        await helm(["pull", chart, "--repo", data.url, "--ca-file", data.caFile, "--version", version, "--destination", destination]);
      }
      const strimzi = parse(await helm(["show", "chart", join(destination, "strimzi-kafka-operator-0.50.1.tgz")])) as { version: string; appVersion: string };
      expect(strimzi).toMatchObject({ version: "0.50.1", appVersion: "0.50.1" });
      const seaweedfs = parse(await helm(["show", "chart", join(destination, "seaweedfs-4.53.0.tgz")])) as { version: string; appVersion: string };
      expect(seaweedfs).toMatchObject({ version: "4.53.0", appVersion: "4.53" });
    } finally {
      await data.stop();
    }
  });

  it("gives nothing outside the repository: traversal, unknown paths and other methods are refused", async () => {
    const port = Number(new URL(repository.url).port);
    for (const path of ["/../etc/passwd", "/%2e%2e/etc/passwd", "/index.yaml/../../../etc/passwd", "//etc/passwd", "/", "/charts/index.yaml", "/Chart.yaml"]) {
      const response = await rawRequest("127.0.0.1", port, path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.body).not.toContain("root:");
    }
    const index = await rawRequest("127.0.0.1", port, "/index.yaml?x=1");
    expect(index.status).toBe(200);
    expect(index.body).toContain(`${repository.url}/volcano-1.8.2.tgz`);
    expect((await rawRequest("127.0.0.1", port, "/index.yaml", "PUT")).status).toBe(405);
    expect((await rawRequest("127.0.0.1", port, "/index.yaml", "DELETE")).status).toBe(405);
    expect((await rawRequest("127.0.0.1", port, "/index.yaml")).status).toBe(200);
    expect(repository.requests).toContain("GET /../etc/passwd 404");
  });

  it("listens on 127.0.0.1 only", async () => {
    const { hostname, port } = new URL(repository.url);
    expect(hostname).toBe("127.0.0.1");
    expect(await accepts("127.0.0.1", Number(port))).toBe(true);
    // Another loopback address and every other address of this machine reach a socket bound to 0.0.0.0 or ::, not this one.
    const others = ["127.0.0.2", "::1", ...Object.values(networkInterfaces()).flatMap((addresses) => (addresses ?? []).filter((a) => !a.internal && a.family === "IPv4").map((a) => a.address))];
    for (const host of others) expect({ host, accepted: await accepts(host, Number(port)) }).toEqual({ host, accepted: false });
  });

  it("stop() closes the server and removes the repository's files from its owner's work directory; a second stop() is harmless", async () => {
    const owner = { workDir: join(client, "owner") };
    const second = await startChartRepository([byName("volcano")], owner);
    const port = Number(new URL(second.url).port);
    expect(existsSync(join(owner.workDir, "chart-repository/charts/volcano-1.8.2.tgz"))).toBe(true);
    expect(await accepts("127.0.0.1", port)).toBe(true);
    await second.stop();
    expect(await accepts("127.0.0.1", port)).toBe(false);
    expect(existsSync(join(owner.workDir, "chart-repository"))).toBe(false);
    await second.stop();
  });

  it("a chart without a source at its version fails with where the source should be, and serves nothing", async () => {
    const leftovers = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith("spark-platform-chart-repository-"));
    const before = leftovers();
    await expect(startChartRepository([{ chart: "volcano", version: "9.9.9" }])).rejects.toThrow(/charts\/volcano-9\.9\.9 not found/);
    expect(leftovers()).toEqual(before);
  });
});
