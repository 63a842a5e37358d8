// The simulated cluster of the job-flow suite: the real control plane
// (kube-apiserver, etcd, kube-controller-manager, kube-scheduler), KWOK nodes,
// Volcano and the Spark Operator as the platform deploys them, and everything
// the compiler generates applied in Argo CD's sync-wave order. Every process is
// stopped with the cluster, on every exit path (see harness/reaper.ts).
import { cpSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { startControllerManager } from "../harness/controller-manager.js";
import { installUpstreamCrds } from "../harness/crds.js";
import { startKwok, type Kwok } from "../harness/kwok.js";
import { namespacesFirst, platformLayers, tenantTeams, type ManifestLayer } from "../harness/platform-manifests.js";
import { waitUntil, type Daemon } from "../harness/process.js";
import { startKubeScheduler } from "../harness/scheduler.js";
import { ensureSparkHome, requireJava } from "../harness/spark-home.js";
import { startSparkOperator, type SparkOperator } from "../harness/spark-operator.js";
import { startVolcano, type Volcano } from "../harness/volcano.js";
import type { ChartRelease } from "../harness/helm-values.js";

export const SPARK_VERSION = "4.0.0";

export interface Simulation {
  cluster: Cluster;
  controllerManager: Daemon;
  kubeScheduler: Daemon;
  kwok: Kwok;
  volcano: Volcano;
  operator: SparkOperator;
  teams: string[];
  /** Milliseconds each start-up step took, for the report. */
  timings: Record<string, number>;
  stop(): Promise<void>;
}

export interface SimulationOptions {
  /** Spark Operator values other than the platform's (the webhook-off case). */
  operatorRelease?: ChartRelease;
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
async function applyLayers(cluster: Cluster, layers: ManifestLayer[]): Promise<void> {
  if (layers.length === 0) throw new Error("no layers to apply: is generated/ built?");
  for (const layer of layers) {
    for (const stage of namespacesFirst(await layer.render())) {
      const result = await cluster.kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager=argocd-controller", "-f", "-"], { input: stage, reject: false });
      if (result.exitCode !== 0) throw new Error(`layer ${layer.name} (${layer.source}) was rejected:\n${result.stderr.trim()}`);
    }
  }
}

export async function startSimulation(options: SimulationOptions = {}): Promise<Simulation> {
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, action: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await action();
    } finally {
      timings[name] = Date.now() - started;
    }
  };
  const javaHome = await requireJava();
  const sparkHome = await ensureSparkHome(SPARK_VERSION);
  const cluster = await step("kube-apiserver + etcd", () => startCluster());
  try {
    await step("upstream CRDs", () => installUpstreamCrds(cluster));
    await applyLayers(cluster, wave("namespaces"));
    const controllerManager = await step("kube-controller-manager", () => startControllerManager(cluster));
    const kubeScheduler = await step("kube-scheduler", () => startKubeScheduler(cluster));
    const kwok = await step("KWOK + nodes", () => startKwok(cluster));
    // Sync wave 0: Volcano (its webhooks fail closed, so it is up before anything else is created).
    const volcano = await step("Volcano", () => startVolcano(cluster));
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
    const operator = await step("Spark Operator", () => startSparkOperator(cluster, { sparkHome, javaHome, release: options.operatorRelease }));
    return { cluster, controllerManager, kubeScheduler, kwok, volcano, operator, teams, timings, stop: () => stopKeepingLogs(cluster) };
  } catch (error) {
    await stopKeepingLogs(cluster, true);
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
