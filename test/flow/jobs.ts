// A SparkApplication's life on the simulated cluster: submit it, follow the
// driver that the operator's real spark-submit creates, play the driver (its
// executors) and the kubelet (pods ending), and read back where everything
// ran and which scheduler put it there.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { ApiResponse } from "../harness/api.js";
import type { Cluster } from "../harness/cluster.js";
import { generatedDir } from "../harness/platform-manifests.js";
import { setTimeout as sleep } from "node:timers/promises";
import { waitUntil } from "../harness/process.js";
import { finishPod, launchExecutors, messageOf, stopExecutors, type ExecutorLaunch, type Pod } from "../harness/spark-driver.js";

export interface SparkApplication {
  apiVersion: string;
  kind: "SparkApplication";
  metadata: { name: string; namespace: string; labels?: Record<string, string>; uid?: string };
  spec: Record<string, unknown> & { batchScheduler?: string; batchSchedulerOptions?: { queue?: string } };
  status?: {
    applicationState?: { state?: string; errorMessage?: string };
    driverInfo?: { podName?: string };
    executorState?: Record<string, string>;
  };
}

export interface PodGroup {
  metadata: { name: string; namespace: string };
  spec: { queue?: string; minMember?: number; minResources?: Record<string, string> };
  status?: { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

export interface KubeEvent {
  reason?: string;
  message?: string;
  reportingComponent?: string;
  source?: { component?: string };
  involvedObject: { name: string; kind: string };
}

/** The example the compiler generated for a team. */
export function exampleApplication(team: string, name?: string): SparkApplication {
  const app = parse(readFileSync(join(generatedDir, "examples", team, "spark-application.yaml"), "utf8")) as SparkApplication;
  if (name) app.metadata.name = name;
  return app;
}

const appPath = (ns: string, name = ""): string => `/apis/sparkoperator.k8s.io/v1beta2/namespaces/${ns}/sparkapplications${name ? `/${name}` : ""}`;

/** Creates the SparkApplication as a user would (kubectl apply); the API server's answer, webhooks and policies included. */
export function submit(cluster: Cluster, app: SparkApplication): Promise<ApiResponse<SparkApplication>> {
  return cluster.api.post<SparkApplication>(appPath(app.metadata.namespace), app);
}

export async function application(cluster: Cluster, ns: string, name: string): Promise<SparkApplication> {
  const { status, body } = await cluster.api.get<SparkApplication>(appPath(ns, name));
  if (status !== 200) throw new Error(`SparkApplication ${ns}/${name}: HTTP ${status}`);
  return body;
}

export async function deleteApplication(cluster: Cluster, ns: string, name: string): Promise<void> {
  await cluster.api.request("DELETE", appPath(ns, name));
  await waitUntil(`SparkApplication ${ns}/${name} to be deleted`, async () => ((await cluster.api.get(appPath(ns, name))).status === 404 ? true : undefined), {
    timeoutMs: 60_000,
  });
}

export const stateOf = (app: SparkApplication): string => app.status?.applicationState?.state ?? "";

/** Polls the app until it reaches one of `states`; fails at once, with the app's error, on a failure state. */
export async function waitForState(cluster: Cluster, app: SparkApplication, states: string[], timeoutMs = 240_000): Promise<SparkApplication> {
  const { namespace, name } = app.metadata;
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const current = await application(cluster, namespace, name);
    last = stateOf(current);
    if (states.includes(last)) return current;
    if (["FAILED", "SUBMISSION_FAILED", "FAILING"].includes(last) && !states.some((s) => ["FAILED", "SUBMISSION_FAILED", "FAILING"].includes(s))) {
      throw new Error(`SparkApplication ${namespace}/${name} is ${last}: ${current.status?.applicationState?.errorMessage ?? "(no message)"}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for SparkApplication ${namespace}/${name} to reach ${states.join(" or ")} (it is ${last || "without a state"})`);
    await sleep(500);
  }
}

export async function getPod(cluster: Cluster, ns: string, name: string): Promise<Pod | undefined> {
  const { status, body } = await cluster.api.get<Pod>(`/api/v1/namespaces/${ns}/pods/${name}`);
  return status === 200 ? body : undefined;
}

/** Waits for a pod to exist and satisfy `ready` (e.g. bound and Running). */
export function waitForPod(cluster: Cluster, ns: string, name: string, what: string, ready: (pod: Pod) => boolean, timeoutMs = 180_000): Promise<Pod> {
  return waitUntil(
    `pod ${ns}/${name} ${what}`,
    async () => {
      const pod = await getPod(cluster, ns, name);
      return pod && ready(pod) ? pod : undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

export const isRunning = (pod: Pod): boolean => Boolean(pod.spec.nodeName) && pod.status?.phase === "Running";

export async function podGroup(cluster: Cluster, ns: string, name: string): Promise<PodGroup | undefined> {
  const { status, body } = await cluster.api.get<PodGroup>(`/apis/scheduling.volcano.sh/v1beta1/namespaces/${ns}/podgroups/${name}`);
  return status === 200 ? body : undefined;
}

export async function eventsFor(cluster: Cluster, ns: string, name: string): Promise<KubeEvent[]> {
  const { body } = await cluster.api.get<{ items: KubeEvent[] }>(`/api/v1/namespaces/${ns}/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}`);
  return body.items ?? [];
}

/** The component that bound the pod, from its Scheduled event (kube-scheduler: default-scheduler; Volcano: volcano). */
export async function scheduledBy(cluster: Cluster, pod: Pod): Promise<string | undefined> {
  return waitUntil(
    `the Scheduled event of ${pod.metadata.namespace}/${pod.metadata.name}`,
    async () => {
      const scheduled = (await eventsFor(cluster, pod.metadata.namespace, pod.metadata.name)).find((e) => e.reason === "Scheduled");
      return scheduled ? scheduled.reportingComponent || scheduled.source?.component || "(unknown)" : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 500 },
  );
}

export interface JobRun {
  app: SparkApplication;
  driver: Pod;
  executors: Pod[];
  launch: ExecutorLaunch;
  driverScheduledBy?: string;
  executorsScheduledBy: string[];
  podGroup?: PodGroup;
  /** Milliseconds from submit to COMPLETED. */
  elapsedMs: number;
  states: string[];
}

/**
 * Submits the app and runs it to COMPLETED: the operator's spark-submit
 * creates the driver; once a scheduler has bound it and KWOK reports it
 * Running, the driver's executors are created (as the driver's service
 * account), bound and Running; then executors and driver end as a kubelet
 * reports it, and the operator must mark the app COMPLETED.
 */
export interface RunHooks {
  /** Called once the driver is bound and Running. */
  onDriver?: (driver: Pod) => Promise<void>;
  /** Called once every executor is bound and Running. */
  onExecutors?: (executors: Pod[]) => Promise<void>;
}

export async function runToCompletion(cluster: Cluster, app: SparkApplication, hooks: RunHooks = {}): Promise<JobRun> {
  const { namespace: ns, name } = app.metadata;
  const started = Date.now();
  const states: string[] = [];
  const note = (state: string): void => {
    if (state && states[states.length - 1] !== state) states.push(state);
  };
  const created = await submit(cluster, app);
  if (created.status !== 201) throw new Error(`SparkApplication ${ns}/${name} was refused: HTTP ${created.status}: ${messageOf(created.body)}`);

  const running = await waitForState(cluster, app, ["RUNNING"]);
  note("SUBMITTED");
  note(stateOf(running));
  const driverName = running.status?.driverInfo?.podName ?? `${name}-driver`;
  const driver = await waitForPod(cluster, ns, driverName, "bound and Running", isRunning);
  await hooks.onDriver?.(driver);
  const driverScheduledBy = await scheduledBy(cluster, driver);

  const launch = await launchExecutors(cluster.api, driver);
  if (launch.refused.length > 0) throw new Error(`executors refused: ${launch.refused.map((r) => r.message).join("; ")}`);
  const executors = await Promise.all(launch.created.map((e) => waitForPod(cluster, ns, e.metadata.name, "bound and Running", isRunning)));
  const executorsScheduledBy = await Promise.all(executors.map((e) => scheduledBy(cluster, e).then((s) => s ?? "")));
  const group = await podGroup(cluster, ns, `spark-${name}-pg`);
  await hooks.onExecutors?.(executors);

  for (const executor of executors) await finishPod(cluster.api, executor);
  await stopExecutors(cluster.api, driver, launch.conf);
  await finishPod(cluster.api, driver);
  const completed = await waitForState(cluster, app, ["COMPLETED"]);
  note(stateOf(completed));
  return { app: completed, driver, executors, launch, driverScheduledBy, executorsScheduledBy, podGroup: group, elapsedMs: Date.now() - started, states };
}
