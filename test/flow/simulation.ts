// The simulated cluster of the job-flow suite, built from the same pieces as the
// GitOps suite's platform (test/gitops/platform.ts) but without Argo CD: the
// real control plane (kube-apiserver, etcd, kube-controller-manager with every
// controller, kube-scheduler), KWOK nodes, the real Helm charts from a chart
// repository on loopback, and everything the compiler generates, applied in
// Argo CD's sync-wave order as Argo CD applies it. The charts' controllers
// (Volcano's, the Spark Operator's) run as the charts deploy them once KWOK runs
// their pods (harness/chart-pods.ts). Every process is stopped with the
// cluster, on every exit path (see harness/reaper.ts).
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { buildArgoCd } from "../harness/argocd-build.js";
import { PLATFORM_IMAGES, runChartWorkloads, type ChartWorkloads } from "../harness/chart-pods.js";
import { helmEnv, platformCharts, startChartRepository, type ChartRepository, type PlatformChart } from "../harness/chart-repo.js";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { startControllerManager } from "../harness/controller-manager.js";
import { hostAddress, startKwok, type Kwok } from "../harness/kwok.js";
import { namespacesFirst, platformLayers, tenantTeams, type ManifestLayer } from "../harness/platform-manifests.js";
import { run, waitUntil, type Daemon } from "../harness/process.js";
import { startKubeScheduler } from "../harness/scheduler.js";
import { ensureSparkHome, requireJava } from "../harness/spark-home.js";
import { volcanoAdmissionInit } from "../harness/volcano.js";

export const SPARK_VERSION = "4.0.0";

/** An object a chart rendered. */
export interface ChartObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  webhooks?: { name: string; rules?: { resources?: string[] }[] }[];
}

export interface Simulation {
  cluster: Cluster;
  controllerManager: Daemon;
  kubeScheduler: Daemon;
  kwok: Kwok;
  /** The loopback chart repository the charts were rendered from. */
  charts: ChartRepository;
  /** The charts' controllers, run as local processes once KWOK runs their pods. */
  workloads: ChartWorkloads;
  /** Per Helm-sourced Application (volcano, spark-operator): its chart and what `helm template` rendered, as applied. */
  releases: Record<string, { chart: PlatformChart; objects: ChartObject[] }>;
  teams: string[];
  /** Milliseconds each start-up step took, for the report. */
  timings: Record<string, number>;
  stop(): Promise<void>;
}

/** Layers of platform-manifests.ts by Argo CD sync wave (the Argo CD install itself is not part of what Argo CD syncs). */
function wave(name: string): ManifestLayer[] {
  const layers = platformLayers();
  const pick = (prefix: string): ManifestLayer[] => layers.filter((l) => l.name.startsWith(prefix));
  switch (name) {
    case "namespaces":
      return pick("component namespaces");
    case "platform":
      return [...pick("platform namespaces"), ...pick("platform queues"), ...pick("platform guardrails")];
    case "tenants":
      return pick("tenant ");
    default:
      throw new Error(name);
  }
}

/**
 * Server-side apply as Argo CD's ServerSideApply=true sync does it: forcing
 * conflicts, so that Argo CD takes over fields another manager set first
 * (vc-scheduler creates the `default` queue before Argo CD syncs it).
 */
async function apply(cluster: Cluster, what: string, stages: readonly string[]): Promise<void> {
  for (const stage of stages) {
    const result = await cluster.kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager=argocd-controller", "-f", "-"], { input: stage, reject: false });
    if (result.exitCode !== 0) throw new Error(`${what} was rejected:\n${result.stderr.trim()}`);
  }
}

async function applyLayers(cluster: Cluster, layers: ManifestLayer[]): Promise<void> {
  if (layers.length === 0) throw new Error("no layers to apply: is generated/ built?");
  for (const layer of layers) await apply(cluster, `layer ${layer.name} (${layer.source})`, namespacesFirst(await layer.render()));
}

/**
 * The chart of a Helm-sourced Application rendered as Argo CD's repo server renders it: `helm template` of the
 * chart fetched from the repository at the Application's version, with its valuesObject, its release name and
 * namespace, the cluster's Kubernetes version and API versions, CRDs included; by the Helm Argo CD bundles.
 */
async function renderChart(cluster: Cluster, charts: ChartRepository, chart: PlatformChart): Promise<string> {
  const helm = (await buildArgoCd()).helm;
  const dir = join(cluster.workDir, "helm");
  mkdirSync(dir, { recursive: true });
  const values = join(dir, `${chart.application}-values.json`);
  writeFileSync(values, JSON.stringify(chart.valuesObject));
  const apiVersions = (await cluster.kubectl(["api-versions"])).stdout.split("\n").filter(Boolean);
  const args = [
    "template",
    chart.releaseName,
    chart.chart,
    ...["--repo", charts.url, "--ca-file", charts.caFile, "--version", chart.version],
    ...["--namespace", chart.namespace, "--values", values, "--include-crds"],
    ...["--kube-version", cluster.version],
    ...apiVersions.flatMap((version) => ["--api-versions", version]),
  ];
  return (await run(helm, args, { env: helmEnv(join(dir, "home")) })).stdout;
}

const objectsOf = (yaml: string): ChartObject[] =>
  parseAllDocuments(yaml)
    .map((document) => document.toJS() as ChartObject | null)
    .filter((object): object is ChartObject => object !== null);

/** Argo CD's health of a chart's Deployments (Available) and Jobs (complete), which it waits for before the next wave. */
async function chartHealthy(cluster: Cluster, objects: ChartObject[]): Promise<void> {
  for (const object of objects.filter((o) => o.kind === "Deployment" || o.kind === "Job")) {
    const { name, namespace } = object.metadata;
    const path = object.kind === "Deployment" ? `/apis/apps/v1/namespaces/${namespace}/deployments/${name}` : `/apis/batch/v1/namespaces/${namespace}/jobs/${name}`;
    await waitUntil(
      `${object.kind} ${namespace}/${name} to be ${object.kind === "Deployment" ? "Available" : "complete"}`,
      async () => {
        const { body } = await cluster.api.get<{ status?: { conditions?: { type: string; status: string }[] } }>(path);
        const condition = object.kind === "Deployment" ? "Available" : "Complete";
        return body.status?.conditions?.some((c) => c.type === condition && c.status === "True") ? true : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
  }
}

/** Until every webhook configuration a chart rendered has the caBundle its webhook server patches in. */
async function webhooksPatched(cluster: Cluster, objects: ChartObject[]): Promise<void> {
  for (const object of objects.filter((o) => o.kind.endsWith("WebhookConfiguration"))) {
    const path = `/apis/admissionregistration.k8s.io/v1/${object.kind.toLowerCase()}s/${object.metadata.name}`;
    await waitUntil(
      `the caBundle of ${object.kind} ${object.metadata.name}`,
      async () => {
        const { body } = await cluster.api.get<{ webhooks?: { clientConfig: { caBundle?: string } }[] }>(path);
        return body.webhooks?.every((w) => w.clientConfig.caBundle) ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  }
}

export async function startSimulation(): Promise<Simulation> {
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, action: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await action();
    } finally {
      timings[name] = Date.now() - started;
    }
  };
  // The operator's controller runs spark-submit: the Spark and Java a Spark Operator image carries.
  const spark = { SPARK_HOME: await ensureSparkHome(SPARK_VERSION), JAVA_HOME: await requireJava() };
  // The API server reaches a webhook through its Service's endpoints (a pod IP), as with kube-proxy it
  // would through the ClusterIP: no kube-proxy runs here.
  const cluster = await step("kube-apiserver + etcd", () => startCluster({ apiServerArgs: ["--enable-aggregator-routing=true"] }));
  let charts: ChartRepository | undefined;
  let workloads: ChartWorkloads | undefined;
  const stop = async (failed = false): Promise<void> => {
    workloads?.stop();
    await stopKeepingLogs(cluster, failed);
    await charts?.stop();
  };
  try {
    const platform = platformCharts();
    const chart = (application: string): PlatformChart => {
      const found = platform.find((c) => c.application === application);
      if (!found) throw new Error(`generated/applications/platform.yaml has no Helm Application ${application}`);
      return found;
    };
    charts = await step("chart repository", () => startChartRepository(platform, cluster));
    const repository = charts;
    await applyLayers(cluster, wave("namespaces"));
    const controllerManager = await step("kube-controller-manager", () => startControllerManager(cluster));
    const kubeScheduler = await step("kube-scheduler", () => startKubeScheduler(cluster));
    const namespaces = [...new Set(platform.map((c) => c.namespace))];
    // Pods in the charts' namespaces get this machine's address, where their webhooks listen.
    const kwok = await step("KWOK + nodes", () => startKwok(cluster, { hostAddress: { address: hostAddress(), namespaces } }));
    const volcano = chart("volcano");
    const running = runChartWorkloads(cluster, {
      namespaces,
      images: PLATFORM_IMAGES,
      env: spark,
      jobs: { [`${volcano.releaseName}-admission-init`]: (job) => volcanoAdmissionInit(cluster, job) },
    });
    workloads = running;
    const releases: Simulation["releases"] = {};
    const clusterScoped = new Set(
      (await cluster.kubectl(["api-resources", "--namespaced=false", "--no-headers"])).stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => line.trim().split(/\s+/).at(-1)!),
    );
    const syncChart = async (application: string): Promise<ChartObject[]> => {
      const release = chart(application);
      const yaml = await renderChart(cluster, repository, release);
      // A namespaced object the chart leaves without a namespace goes to the Application's destination
      // namespace, as Argo CD puts it (which kinds are namespaced: the API server's discovery, as Argo CD asks it).
      const objects = objectsOf(yaml).map((o) => (o.metadata.namespace || clusterScoped.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace: release.namespace } }));
      releases[application] = { chart: release, objects };
      // The charts create no Namespace (Argo CD's component namespaces come first): one stage.
      await apply(cluster, `chart ${release.chart} ${release.version}`, [objects.map((o) => JSON.stringify(o)).join("\n")]);
      const deployments = objects.filter((o) => o.kind === "Deployment").map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
      await running.running(deployments, 300_000);
      await webhooksPatched(cluster, objects);
      await chartHealthy(cluster, objects);
      return objects;
    };

    // Sync wave 0: Volcano (its webhooks fail closed, so it is up before anything else is created).
    await step("Volcano", async () => {
      await syncChart("volcano");
      // vc-scheduler creates the `default` queue at start, through the queue webhooks.
      await waitUntil(
        "vc-scheduler to create (or find) the default queue",
        async () => ((await cluster.api.get("/apis/scheduling.volcano.sh/v1beta1/queues/default")).status === 200 ? true : undefined),
        { timeoutMs: 90_000, intervalMs: 500 },
      );
    });
    // Wave 1: queues and guardrails; wave 2: tenants; wave 3: the Spark Operator.
    await step("queues + guardrails", async () => {
      await applyLayers(cluster, wave("platform"));
      await queuesOpen(cluster);
    });
    const teams = tenantTeams();
    await step("tenants", async () => {
      await applyLayers(cluster, wave("tenants"));
      await Promise.all(teams.map((team) => quotaCounted(cluster, `team-${team}`)));
    });
    await step("Spark Operator", () => syncChart("spark-operator"));
    return { cluster, controllerManager, kubeScheduler, kwok, charts: repository, workloads: running, releases, teams, timings, stop: () => stop() };
  } catch (error) {
    await stop(true);
    throw error;
  }
}

/** Volcano's pod webhook admits pods only into Open queues; vc-controller-manager opens new queues. */
export async function queuesOpen(cluster: Cluster): Promise<void> {
  await waitUntil(
    "vc-controller-manager to open every Volcano queue",
    async () => {
      const { body } = await cluster.api.get<{ items: { status?: { state?: string } }[] }>("/apis/scheduling.volcano.sh/v1beta1/queues");
      return body.items.length > 0 && body.items.every((q) => q.status?.state === "Open") ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

/** The ResourceQuota admission refuses pods until the quota controller has counted the namespace once. */
export async function quotaCounted(cluster: Cluster, namespace: string): Promise<void> {
  await waitUntil(
    `the quota controller to count ${namespace}`,
    async () => {
      const { body } = await cluster.api.get<{ items: { spec: { hard: Record<string, string> }; status?: { hard?: Record<string, string>; used?: Record<string, string> } }[] }>(
        `/api/v1/namespaces/${namespace}/resourcequotas`,
      );
      return body.items.length > 0 && body.items.every((q) => q.status?.used && JSON.stringify(q.status.hard) === JSON.stringify(q.spec.hard)) ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

/**
 * Stops everything; with FLOW_KEEP_LOGS=<dir> (or after a failed start) the
 * daemons' logs are copied out first, since stop() removes the work directory.
 */
async function stopKeepingLogs(cluster: Cluster, failed = false): Promise<void> {
  const keep = process.env.FLOW_KEEP_LOGS ?? (failed ? join(tmpdir(), "spark-platform-flow-logs") : undefined);
  if (keep) {
    try {
      const dir = join(keep, String(Date.now()));
      mkdirSync(dir, { recursive: true });
      cpSync(cluster.workDir, dir, { recursive: true, filter: (source) => !source.includes("/etcd") });
      process.stderr.write(`[flow] logs of the simulated cluster kept in ${dir}\n`);
    } catch {
      // best effort
    }
  }
  await cluster.stop();
}
