// What runs inside a Spark driver and on a kubelet, simulated: no JVM runs in
// the driver pod (KWOK nodes run no containers), so this module does the
// driver's Kubernetes calls itself, with the driver's own identity (its
// service account, impersonated) so that the tenant's RBAC is what allows or
// refuses them, and plays the kubelet's last part (a pod's phase through the
// status subresource).
//
// The executors are built from the driver's real configuration: the
// spark.properties that spark-submit put into the driver's ConfigMap (labels,
// annotations, service account, cores, memory and overhead as spark-submit
// computed them), as Spark 4.0's BasicExecutorFeatureStep builds them.
import type { ApiClient, ApiResponse, Headers } from "./api.js";

export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
    deletionTimestamp?: string;
  };
  spec: {
    schedulerName?: string;
    serviceAccountName?: string;
    nodeName?: string;
    containers: { name: string; image?: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[];
    volumes?: { name: string; configMap?: { name: string } }[];
  };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

/** A Java properties file as Properties.store writes it (Spark's spark.properties). */
export function parseJavaProperties(text: string): Record<string, string> {
  const properties: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^\s+/, "");
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i].replace(/^\s+/, "");
    let key = "";
    let j = 0;
    for (; j < line.length; j++) {
      const c = line[j];
      if (c === "\\") {
        key += line[++j] ?? "";
        continue;
      }
      if (c === "=" || c === ":" || c === " " || c === "\t") break;
      key += c;
    }
    const rest = line.slice(j).replace(/^\s*[=:]?\s*/, "");
    properties[unescape(key)] = unescape(rest);
  }
  return properties;
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) =>
    c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : ({ t: "\t", n: "\n", r: "\r", f: "\f" } as Record<string, string>)[c] ?? c,
  );
}

/** Spark's byte strings ("512m", "1g", "384") in MiB, as Utils.byteStringAsMb reads them. */
export function sparkMiB(value: string, defaultUnit: "m" | "k" = "m"): number {
  const match = /^(\d+)([kmgtp]?)b?$/i.exec(value.trim());
  if (!match) throw new Error(`not a Spark memory size: ${value}`);
  const unit = (match[2] || defaultUnit).toLowerCase();
  const factor = { k: 1 / 1024, m: 1, g: 1024, t: 1024 ** 2, p: 1024 ** 3 }[unit] ?? 1;
  return Math.floor(Number(match[1]) * factor);
}

const prefixed = (conf: Record<string, string>, prefix: string): Record<string, string> =>
  Object.fromEntries(Object.entries(conf).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));

/** Memory of one executor pod (MiB): heap + overhead, the overhead as Spark 4.0 computes it. */
export function executorPodMiB(conf: Record<string, string>): number {
  const heap = sparkMiB(conf["spark.executor.memory"] ?? "1g");
  const factor = Number(conf["spark.executor.memoryOverheadFactor"] ?? conf["spark.kubernetes.memoryOverheadFactor"] ?? "0.1");
  const minimum = sparkMiB(conf["spark.executor.minMemoryOverhead"] ?? "384m");
  const overhead = conf["spark.executor.memoryOverhead"] ? sparkMiB(conf["spark.executor.memoryOverhead"]) : Math.max(Math.floor(factor * heap), minimum);
  const pyspark = conf["spark.executor.pyspark.memory"] ? sparkMiB(conf["spark.executor.pyspark.memory"]) : 0;
  return heap + overhead + pyspark;
}

/** The executor pod Spark's driver would request for executor `id`. */
export function executorPod(driver: Pod, conf: Record<string, string>, id: number, execConfigMap: string): Pod {
  const appId = conf["spark.app.id"] ?? driver.metadata.labels?.["spark-app-selector"];
  if (!appId) throw new Error(`driver ${driver.metadata.name} has no spark.app.id`);
  const prefix = conf["spark.kubernetes.executor.podNamePrefix"] ?? driver.metadata.name.replace(/-driver$/, "");
  const name = `${prefix}-exec-${id}`;
  const cores = conf["spark.kubernetes.executor.request.cores"] ?? conf["spark.executor.cores"] ?? "1";
  const limitCores = conf["spark.kubernetes.executor.limit.cores"];
  const memory = `${executorPodMiB(conf)}Mi`;
  const schedulerName = conf["spark.kubernetes.executor.scheduler.name"] ?? conf["spark.kubernetes.scheduler.name"];
  const nodeSelector = { ...prefixed(conf, "spark.kubernetes.node.selector."), ...prefixed(conf, "spark.kubernetes.executor.node.selector.") };
  const serviceAccount =
    conf["spark.kubernetes.authenticate.executor.serviceAccountName"] ?? conf["spark.kubernetes.authenticate.driver.serviceAccountName"] ?? driver.spec.serviceAccountName;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: driver.metadata.namespace,
      labels: {
        ...prefixed(conf, "spark.kubernetes.executor.label."),
        "spark-app-selector": appId,
        "spark-exec-id": String(id),
        "spark-role": "executor",
        "spark-exec-resourceprofile-id": "0",
        ...(driver.metadata.labels?.["spark-app-name"] ? { "spark-app-name": driver.metadata.labels["spark-app-name"] } : {}),
      },
      annotations: prefixed(conf, "spark.kubernetes.executor.annotation."),
      ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: driver.metadata.name, uid: driver.metadata.uid!, controller: true }],
    },
    spec: {
      ...(schedulerName ? { schedulerName } : {}),
      ...(serviceAccount ? { serviceAccountName: serviceAccount } : {}),
      ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
      restartPolicy: "Never",
      hostname: name.slice(0, 63).replace(/[-.]+$/, ""),
      containers: [
        {
          name: "spark-kubernetes-executor",
          image: conf["spark.kubernetes.executor.container.image"] ?? conf["spark.kubernetes.container.image"],
          imagePullPolicy: conf["spark.kubernetes.container.image.pullPolicy"] ?? "IfNotPresent",
          args: ["executor"],
          env: [
            { name: "SPARK_USER", value: "spark" },
            { name: "SPARK_DRIVER_URL", value: `spark://CoarseGrainedScheduler@${conf["spark.driver.host"] ?? "driver"}:${conf["spark.driver.port"] ?? "7078"}` },
            { name: "SPARK_EXECUTOR_CORES", value: conf["spark.executor.cores"] ?? "1" },
            { name: "SPARK_EXECUTOR_MEMORY", value: conf["spark.executor.memory"] ?? "1g" },
            { name: "SPARK_APPLICATION_ID", value: appId },
            { name: "SPARK_CONF_DIR", value: "/opt/spark/conf" },
            { name: "SPARK_EXECUTOR_ID", value: String(id) },
            { name: "SPARK_RESOURCE_PROFILE_ID", value: "0" },
            { name: "SPARK_EXECUTOR_POD_IP", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } } },
            { name: "SPARK_EXECUTOR_POD_NAME", value: name },
            { name: "SPARK_LOCAL_DIRS", value: "/var/data/spark-local" },
          ],
          ports: [{ name: "blockmanager", containerPort: 7079, protocol: "TCP" }],
          resources: {
            requests: { cpu: cores, memory },
            limits: { memory, ...(limitCores ? { cpu: limitCores } : {}) },
          },
          volumeMounts: [
            { name: "spark-local-dir-1", mountPath: "/var/data/spark-local" },
            { name: "spark-conf-volume-exec", mountPath: "/opt/spark/conf" },
          ],
        },
      ],
      volumes: [
        { name: "spark-local-dir-1", emptyDir: {} },
        { name: "spark-conf-volume-exec", configMap: { name: execConfigMap } },
      ],
    },
  } as unknown as Pod;
}

/** Requests in the name of a pod's service account (the admin token may impersonate anyone). */
export function asServiceAccount(namespace: string, name: string): Headers {
  return {
    "Impersonate-User": `system:serviceaccount:${namespace}:${name}`,
    "Impersonate-Group": ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
  };
}

export class RequestFailed extends Error {
  constructor(
    readonly what: string,
    readonly response: ApiResponse,
  ) {
    super(`${what}: HTTP ${response.status}: ${messageOf(response.body)}`);
  }
}

export const messageOf = (body: unknown): string =>
  typeof body === "object" && body !== null && "message" in body ? String((body as { message: unknown }).message) : JSON.stringify(body);

/** The driver's configuration: spark.properties of the ConfigMap spark-submit mounted into it. */
export async function driverConf(api: ApiClient, driver: Pod): Promise<Record<string, string>> {
  const volume = driver.spec.volumes?.find((v) => v.name === "spark-conf-volume-driver" && v.configMap);
  if (!volume?.configMap) throw new Error(`driver ${driver.metadata.name} mounts no spark-conf-volume-driver ConfigMap`);
  const { status, body } = await api.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${driver.metadata.namespace}/configmaps/${volume.configMap.name}`);
  if (status !== 200 || !body.data?.["spark.properties"]) throw new Error(`ConfigMap ${volume.configMap.name} has no spark.properties (HTTP ${status})`);
  return parseJavaProperties(body.data["spark.properties"]);
}

export interface ExecutorLaunch {
  conf: Record<string, string>;
  /** Created executor pods (as the API server returned them, after admission). */
  created: Pod[];
  /** Executors the API server refused, with its message (e.g. a quota). */
  refused: { name: string; status: number; message: string }[];
}

/**
 * What the driver does when it starts (Spark 4.0 KubernetesClusterSchedulerBackend
 * and ExecutorPodsAllocator), as the driver's service account: reads its own
 * pod, creates the executors' ConfigMap, lists and watches its executors, and
 * requests spark.executor.instances executor pods.
 */
export async function launchExecutors(api: ApiClient, driver: Pod): Promise<ExecutorLaunch> {
  const ns = driver.metadata.namespace;
  const conf = await driverConf(api, driver);
  const account = driver.spec.serviceAccountName ?? "default";
  const as = asServiceAccount(ns, account);
  const call = async <T>(what: string, method: string, path: string, body?: unknown, ok = [200, 201]): Promise<ApiResponse<T>> => {
    const response = await api.request<T>(method, path, body, as);
    if (!ok.includes(response.status)) throw new RequestFailed(`the driver's ${what} as ${ns}/${account}`, response);
    return response;
  };
  const appId = conf["spark.app.id"];
  const selector = encodeURIComponent(`spark-app-selector=${appId},spark-role=executor`);

  const self = (await call<Pod>("get of its own pod", "GET", `/api/v1/namespaces/${ns}/pods/${driver.metadata.name}`)).body;
  const execConfigMap = `spark-exec-${appId.replace(/^spark-/, "").slice(0, 20)}-conf-map`;
  await call("create of the executors' ConfigMap", "POST", `/api/v1/namespaces/${ns}/configmaps`, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: execConfigMap,
      labels: { "spark-app-selector": appId, "spark-role": "executor" },
      ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: self.metadata.name, uid: self.metadata.uid!, controller: true }],
    },
    immutable: true,
    data: { "spark-env.sh": "", "log4j2.properties": "rootLogger.level = info\n" },
  });
  await call("list of its executors", "GET", `/api/v1/namespaces/${ns}/pods?labelSelector=${selector}`);
  await call("watch of its executors", "GET", `/api/v1/namespaces/${ns}/pods?labelSelector=${selector}&watch=true&timeoutSeconds=1`);

  const instances = Number(conf["spark.executor.instances"] ?? "2");
  const created: Pod[] = [];
  const refused: ExecutorLaunch["refused"] = [];
  for (let id = 1; id <= instances; id++) {
    const pod = executorPod(self, conf, id, execConfigMap);
    const response = await api.request<Pod>("POST", `/api/v1/namespaces/${ns}/pods`, pod, as);
    if (response.status === 201) created.push(response.body);
    else if (response.status === 403 && /exceeded quota|forbidden: failed quota/.test(messageOf(response.body)) && !/cannot create resource/.test(messageOf(response.body))) {
      // Spark logs this and retries later; the job waits for executors it never gets.
      refused.push({ name: pod.metadata.name, status: response.status, message: messageOf(response.body) });
    } else throw new RequestFailed(`the driver's create of executor ${pod.metadata.name} as ${ns}/${account}`, response);
  }
  return { conf, created, refused };
}

/** The driver's end (SparkContext.stop): delete its executors and their ConfigMap, as the driver's service account. */
export async function stopExecutors(api: ApiClient, driver: Pod, conf: Record<string, string>): Promise<void> {
  const ns = driver.metadata.namespace;
  const as = asServiceAccount(ns, driver.spec.serviceAccountName ?? "default");
  const selector = encodeURIComponent(`spark-app-selector=${conf["spark.app.id"]},spark-role=executor`);
  for (const [what, path] of [
    ["delete of its executors", `/api/v1/namespaces/${ns}/pods?labelSelector=${selector}`],
    ["delete of the executors' ConfigMap", `/api/v1/namespaces/${ns}/configmaps?labelSelector=${selector}`],
  ] as const) {
    const response = await api.request("DELETE", path, undefined, as);
    if (response.status !== 200) throw new RequestFailed(`the driver's ${what} as ${ns}/${driver.spec.serviceAccountName}`, response);
  }
}

/** The kubelet reporting that a pod's containers ended (exit 0: Succeeded; else Failed), through the status subresource. */
export async function finishPod(api: ApiClient, pod: Pod, exitCode = 0): Promise<Pod> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const phase = exitCode === 0 ? "Succeeded" : "Failed";
  const patch = {
    status: {
      phase,
      conditions: [
        { type: "Initialized", status: "True", lastTransitionTime: now },
        { type: "Ready", status: "False", lastTransitionTime: now, reason: "PodCompleted" },
        { type: "ContainersReady", status: "False", lastTransitionTime: now, reason: "PodCompleted" },
        { type: "PodScheduled", status: "True", lastTransitionTime: now },
      ],
      containerStatuses: pod.spec.containers.map((c) => ({
        name: c.name,
        image: c.image ?? "",
        imageID: "",
        ready: false,
        started: false,
        restartCount: 0,
        state: { terminated: { exitCode, reason: exitCode === 0 ? "Completed" : "Error", startedAt: now, finishedAt: now } },
      })),
    },
  };
  const response = await api.request<Pod>("PATCH", `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, patch, {
    "content-type": "application/merge-patch+json",
  });
  if (response.status !== 200) throw new RequestFailed(`status update of pod ${pod.metadata.namespace}/${pod.metadata.name} to ${phase}`, response);
  return response.body;
}
