// The kubelet's part for the charts' controllers. KWOK marks a pod Running but
// runs nothing; this starts, for each Deployment of the given namespaces once a
// pod of it is Running, the real binary of the pod's image as a local process:
// - with the container's args and env as Argo CD applied them, read from the
//   Deployment (never restated here);
// - with in-cluster configuration holding a token of the pod's ServiceAccount
//   (in-cluster.ts), so the chart's RBAC and the platform's grants decide every
//   call it makes;
// - with its Secret, ConfigMap and emptyDir volumes written to a directory, and
//   the mount paths in its args pointed there;
// - with the flags only a pod could own alone moved (ImageBinary.listen): health
//   and metrics on free loopback ports, a webhook on the pod's IP.
// An image the harness has no program for is declared inert (InertImage: its pod
// is Ready, no process runs, with the reason), never silently skipped; an
// image whose container names a command (a shell script, python3) runs that
// command locally (ImageProgram) with its paths mapped. A pod that waits for a
// Secret or an unbound PersistentVolumeClaim waits here too. As the kubelet does, a process
// that exits is started again after a short back-off (restartPolicy Always),
// and a pod that is deleted takes its process with it, so a replacement pod (a
// rollout, a scale to 0 and back) gets a process of its own. A Job's pod runs a
// script the harness cannot run; `jobs` does what that script does, once the
// pod runs (a held Job's pod, which KWOK leaves Running, is completed by the
// harness after its script: the Job succeeds only once its work is done).
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Cluster } from "./cluster.js";
import { buildComponentBinary, componentVersion, SPARK_OPERATOR, VOLCANO, type GoComponent } from "./components.js";
import { healthy } from "./health.js";
import { projectServiceAccount, spawnInCluster } from "./in-cluster.js";
import { waitUntil, type Daemon } from "./process.js";
import { chartAppVersion, prepareSeaweedfs, SEAWEEDFS_CHART } from "./seaweedfs.js";
import { freePort } from "../support/ports.js";

export interface ImageBinary {
  /** The image's repository without registry and tag, e.g. volcanosh/vc-scheduler. */
  repository: string;
  component: GoComponent;
  command: string;
  /** When the image runs several programs (one binary, a subcommand as first argument): which one. */
  subcommand?: string;
  /**
   * Flags appended after the container's (the later flag wins) for what a pod owns alone and processes on
   * one machine would share: listening addresses. `health` is the URL that answers 200 once it runs.
   */
  listen(pod: PodContext): Promise<{ args: string[]; health?: string }>;
}

export interface PodContext {
  podIP: string;
  /** Mount path in the container → the directory holding that volume here. */
  mounts: Map<string, string>;
}

/** An image whose container names its command (`command:`), run here as a local program. */
export interface ImageProgram {
  repository: string;
  /** The start of the container's command that identifies the program, e.g. ["python3", "/opt/x/x.py"]. */
  command: readonly string[];
  /**
   * The local command line for the container's command and args (as the pod holds them: map the mount paths
   * with resolveMounts or resolveScriptMounts), and what a pod
   * owns alone that processes on one machine would share (listeners), decided at every start. The
   * process gets PATH, HOME and its container's env only, as a container gets its image's and its own.
   */
  program(container: { image: string; command: string[]; args: string[]; env: NodeJS.ProcessEnv }, pod: PodContext & { home: string; tmp: string; deployment: string }): Promise<{
    command: string;
    args: string[];
    env?: NodeJS.ProcessEnv;
    health?: string;
    /** Addresses others reach it at (e.g. a Job's script), kept in Workload.endpoints. */
    endpoints?: Record<string, string>;
  }>;
}

/** An image the harness runs nothing for: KWOK's Ready pod is all there is. `inert` says why. */
export interface InertImage {
  repository: string;
  /** When the image runs several programs: the start of the container's command that identifies this one. */
  command?: readonly string[];
  inert: string;
}

export type PodImage = ImageBinary | ImageProgram | InertImage;

const isBinary = (image: PodImage): image is ImageBinary => "component" in image;
const isInert = (image: PodImage): image is InertImage => "inert" in image;

/** A Deployment whose pod runs an inert image. */
export interface InertWorkload {
  namespace: string;
  deployment: string;
  pod: string;
  image: string;
  why: string;
}

export interface Workload {
  namespace: string;
  deployment: string;
  /** The pod the process plays the container of. */
  pod: string;
  serviceAccount: string;
  image: string;
  /** The container's command as the Deployment holds it (empty: the image's entrypoint). */
  command: string[];
  /** The container's args as the Deployment holds them. */
  args: string[];
  /** What the process was started with: args with mount paths resolved, plus the listen flags (and any extraArgs of restart()). */
  processArgs: string[];
  /** Where others reach it (ImageProgram endpoints), for this start. */
  endpoints: Record<string, string>;
  /** How often the container was started again in this pod (after an exit, or by restart()). */
  restarts: number;
  daemon: Daemon;
}

export interface ChartWorkloadsOptions {
  namespaces: readonly string[];
  images: readonly PodImage[];
  /**
   * Per Job name: what its pod's script does, run once a pod of the Job runs or ran. A held Job (KwokOptions.heldJobs)
   * gets its pod, which KWOK leaves Running, completed by the harness after the script: Succeeded, or Failed if it
   * throws; a held script that returns false is not ready to run yet (what it needs is not up) and is asked again.
   */
  jobs?: Record<string, ((job: KubeJob) => Promise<void>) | { held: true; run(job: KubeJob): Promise<boolean> }>;
  /** Extra environment for every process (e.g. SPARK_HOME for the operator's spark-submit). */
  env?: NodeJS.ProcessEnv;
}

export interface ChartWorkloads {
  /**
   * Waits until a process runs for each named Deployment (namespace/name), failing with what stopped it: the
   * harness failing, or a process that keeps exiting (CRASH_LOOP exits in a row).
   */
  running(deployments: readonly string[], timeoutMs: number): Promise<Workload[]>;
  workloads(): Workload[];
  /** The current process of a Deployment (namespace/name): undefined while none runs for it. */
  workload(deployment: string): Workload | undefined;
  /**
   * Harness only, no kubelet does this: stops the Deployment's process and starts it again in the same pod with
   * `extraArgs` after the container's (the later flag wins), until the next restart() or a new pod. For a case
   * that runs a controller as the chart would with other values, declared as such.
   */
  restart(deployment: string, options: { extraArgs: readonly string[] }): Promise<Workload>;
  /** Jobs whose script the harness played. */
  jobsDone(): string[];
  /** Deployments whose pods run an inert image (no process), as namespace/name. */
  inert(): InertWorkload[];
  stop(): void;
}

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
}
interface PodSpec {
  serviceAccountName?: string;
  serviceAccount?: string;
  containers: Container[];
  volumes?: {
    name: string;
    secret?: { secretName: string };
    configMap?: { name: string };
    emptyDir?: unknown;
    persistentVolumeClaim?: { claimName: string };
    projected?: { sources?: { serviceAccountToken?: unknown }[] };
  }[];
}
interface Deployment {
  metadata: { name: string; namespace: string };
  spec: { selector: { matchLabels?: Record<string, string> }; template: { spec: PodSpec } };
}
interface Pod {
  metadata: { name: string; namespace: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string; ownerReferences?: { kind: string; name: string }[] };
  spec: PodSpec & { nodeName?: string };
  status?: { phase?: string; podIP?: string };
}
export interface KubeJob {
  metadata: { name: string; namespace: string };
  spec: { template: { spec: PodSpec } };
}

const SERVICE_ACCOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

/** registry/repository:tag → repository (without a registry host) and tag. */
export function parseImage(image: string): { repository: string; tag: string } {
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  const [name, tag] = colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, "latest"];
  const parts = name.split("/");
  const hasRegistry = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]);
  return { repository: (hasRegistry ? parts.slice(1) : parts).join("/"), tag };
}

/** An argument with every mount path in it replaced by the directory holding that volume. */
export function resolveMounts(arg: string, mounts: ReadonlyMap<string, string>): string {
  const paths = [...mounts.keys()].sort((a, b) => b.length - a.length);
  for (const path of paths) {
    const at = arg.indexOf(path);
    if (at < 0) continue;
    const after = arg[at + path.length];
    if (after === undefined || after === "/") return arg.slice(0, at) + mounts.get(path)! + arg.slice(at + path.length);
  }
  return arg;
}

/** A shell script with every mount path in it (as a whole word of a path) replaced by the directory holding that volume. */
export function resolveScriptMounts(script: string, mounts: ReadonlyMap<string, string>): string {
  const paths = [...mounts.keys()].sort((a, b) => b.length - a.length);
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  if (!paths.length) return script;
  const pattern = new RegExp(`(?<=^|[\\s="'])(${paths.map(escape).join("|")})(?=$|[\\s/"'])`, "gm");
  return script.replace(pattern, (path) => mounts.get(path)!);
}

export function runChartWorkloads(cluster: Cluster, options: ChartWorkloadsOptions): ChartWorkloads {
  const running = new Map<string, Running>();
  /** Processes started per Deployment, for their log names. */
  const starts = new Map<string, number>();
  const done = new Set<string>();
  const inert = new Map<string, InertWorkload>();
  let failure: Error | undefined;
  let stopped = false;

  const get = async <T>(path: string): Promise<T | undefined> => {
    const { status, body } = await cluster.api.get<T>(path);
    if (status === 404) return undefined;
    if (status !== 200) throw new Error(`GET ${path}: HTTP ${status}`);
    return body;
  };

  /** The volume of a mount written to a directory, as the kubelet would mount it; undefined while its source is missing. */
  const materialize = async (pod: Pod, dir: string, volumeName: string): Promise<string | undefined> => {
    const volume = pod.spec.volumes?.find((v) => v.name === volumeName);
    if (!volume) throw new Error(`pod ${key(pod.metadata.namespace, pod.metadata.name)} mounts volume ${volumeName}, which it does not declare`);
    if (volume.persistentVolumeClaim) {
      // The volume's own directory (a hostPath PersistentVolume, local-path.ts): it outlives the pod, as the claim's data does.
      const claim = await get<{ spec: { volumeName?: string } }>(`/api/v1/namespaces/${pod.metadata.namespace}/persistentvolumeclaims/${volume.persistentVolumeClaim.claimName}`);
      if (!claim?.spec.volumeName) return undefined;
      const bound = await get<{ spec: { hostPath?: { path: string } } }>(`/api/v1/persistentvolumes/${claim.spec.volumeName}`);
      if (!bound?.spec.hostPath) throw new Error(`pod ${pod.metadata.name}: volume ${volumeName} is PersistentVolume ${claim.spec.volumeName}, which is not a hostPath volume; the harness mounts only those`);
      mkdirSync(bound.spec.hostPath.path, { recursive: true });
      return bound.spec.hostPath.path;
    }
    const target = join(dir, volumeName);
    mkdirSync(target, { recursive: true, mode: 0o700 });
    if (volume.emptyDir !== undefined) return target;
    const source = volume.secret
      ? await get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${pod.metadata.namespace}/secrets/${volume.secret.secretName}`)
      : volume.configMap
        ? await get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${pod.metadata.namespace}/configmaps/${volume.configMap.name}`)
        : (() => {
            throw new Error(`pod ${pod.metadata.name}: volume ${volumeName} is neither a Secret, a ConfigMap, an emptyDir nor a PersistentVolumeClaim; the harness mounts only those`);
          })();
    if (!source) return undefined;
    for (const [file, content] of Object.entries(source.data ?? {})) {
      writeFileSync(join(target, file), volume.secret ? Buffer.from(content, "base64") : content, { mode: 0o600 });
    }
    return target;
  };

  const fieldOf = (pod: Pod, path: string): string => {
    const fields: Record<string, string | undefined> = {
      "metadata.name": pod.metadata.name,
      "metadata.namespace": pod.metadata.namespace,
      "spec.nodeName": pod.spec.nodeName,
      "spec.serviceAccountName": pod.spec.serviceAccountName,
      "status.podIP": pod.status?.podIP,
    };
    const value = fields[path];
    if (value === undefined) throw new Error(`pod ${pod.metadata.name}: env from field ${path}, which the harness does not provide`);
    return value;
  };

  /** What the kubelet reports when a held Job's container exits: the pod Succeeded (exit 0) or Failed. */
  const completePod = async (pod: Pod, exitCode: number): Promise<void> => {
    const now = new Date().toISOString();
    const terminated = { exitCode, reason: exitCode === 0 ? "Completed" : "Error", startedAt: now, finishedAt: now };
    const status = {
      phase: exitCode === 0 ? "Succeeded" : "Failed",
      conditions: [{ type: "Ready", status: "False", reason: "PodCompleted", lastTransitionTime: now }],
      containerStatuses: pod.spec.containers.map((c) => ({ name: c.name, image: c.image, imageID: "", ready: false, restartCount: 0, started: false, state: { terminated } })),
    };
    const { status: code } = await cluster.api.request("PATCH", `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`, { status }, { "content-type": "application/merge-patch+json" });
    if (code !== 200) throw new Error(`completing pod ${key(pod.metadata.namespace, pod.metadata.name)}: HTTP ${code}`);
  };

  /** The image entry for a pod's container; a container no entry names fails the harness. */
  const imageOf = (where: string, container: Container): PodImage => {
    const { repository, tag } = parseImage(container.image);
    const command = container.command ?? [];
    const startsWith = (prefix: readonly string[] | undefined): boolean => prefix === undefined || prefix.every((part, i) => command[i] === part);
    const image = options.images.find((i) => {
      if (i.repository !== repository) return false;
      if (isBinary(i)) return i.subcommand === undefined || i.subcommand === container.args?.[0];
      return startsWith(i.command);
    });
    if (!image) throw new Error(`${where} runs ${container.image}${command.length ? ` (${command.join(" ").slice(0, 80)})` : ""}, which the harness has no program for and does not declare inert`);
    if (isBinary(image)) {
      const version = componentVersion(image.component);
      if (tag !== version && `v${tag}` !== version) throw new Error(`${where} runs ${container.image}, but the harness builds ${image.component.module} ${version}`);
      if (command.length) throw new Error(`${where}: the container overrides the image's entrypoint (${command.join(" ")}); the harness runs the image's binary`);
    }
    return image;
  };

  /** Builds what it takes to run the pod's container; undefined while a volume's source is missing (the kubelet waits too). */
  const prepare = async (deployment: Deployment, pod: Pod): Promise<PreparedContainer | InertWorkload | undefined> => {
    const { namespace, name } = deployment.metadata;
    const spec = pod.spec;
    if (spec.containers.length !== 1) throw new Error(`${key(namespace, name)}: ${spec.containers.length} containers; the harness runs one per pod`);
    const [container] = spec.containers;
    const image = imageOf(key(namespace, name), container);
    if (isInert(image)) return { namespace, deployment: name, pod: pod.metadata.name, image: container.image, why: image.inert };

    const podDir = join(cluster.workDir, "pods", `${namespace}-${pod.metadata.name}`);
    const mounts = new Map<string, string>();
    for (const mount of container.volumeMounts ?? []) {
      // The ServiceAccount admission plugin's token volume (kube-api-access-*): spawnInCluster provides it at that path.
      if (mount.mountPath === SERVICE_ACCOUNT_PATH && spec.volumes?.find((v) => v.name === mount.name)?.projected?.sources?.some((source) => source.serviceAccountToken)) continue;
      const dir = await materialize(pod, join(podDir, "volumes"), mount.name);
      if (dir === undefined) return undefined;
      mounts.set(mount.mountPath, mount.subPath ? join(dir, mount.subPath) : dir);
      // A subPath names a file of the volume (a ConfigMap key) or a directory in it.
      if (mount.subPath && !existsSync(join(dir, mount.subPath))) mkdirSync(join(dir, mount.subPath), { recursive: true });
    }
    const serviceAccount = spec.serviceAccountName ?? spec.serviceAccount ?? "default";
    const accountDir = await projectServiceAccount(cluster, { namespace, name: serviceAccount }, join(podDir, "serviceaccount"));
    const env: NodeJS.ProcessEnv = {};
    for (const variable of container.env ?? []) {
      if (variable.value !== undefined) env[variable.name] = resolveMounts(variable.value, mounts);
      else if (variable.valueFrom?.fieldRef) env[variable.name] = fieldOf(pod, variable.valueFrom.fieldRef.fieldPath);
      else throw new Error(`${key(namespace, name)}: env ${variable.name} comes from a source the harness does not provide`);
    }
    const command = container.command ?? [];
    const args = container.args ?? [];
    // HOME and /tmp are the pod's own, as a container's are: nothing of this machine's (a ~/.kube/config) leaks in.
    const home = join(podDir, "home");
    const tmp = join(podDir, "tmp");
    mkdirSync(home, { recursive: true });
    mkdirSync(tmp, { recursive: true });
    const podIP = pod.status?.podIP ?? "";
    const start = async (runName: string, extraArgs: readonly string[]): Promise<{ command: string; processArgs: string[]; env: NodeJS.ProcessEnv; health?: string; endpoints: Record<string, string> }> => {
      if (isBinary(image)) {
        const binary = await buildComponentBinary(image.component, image.command);
        // Listen flags anew for every start: a port the last process held may still be in TIME_WAIT.
        const listen = await image.listen({ podIP, mounts });
        const processArgs = [...args.map((arg) => resolveMounts(arg, mounts)), ...listen.args, ...extraArgs];
        return { command: binary, processArgs, env: { ...process.env, HOME: home, ...options.env, ...env }, health: listen.health, endpoints: {} };
      }
      const local = await image.program({ image: container.image, command, args, env }, { podIP, mounts, home, tmp, deployment: key(namespace, name) });
      void runName;
      return { command: local.command, processArgs: [...local.args, ...extraArgs], env: { PATH: process.env.PATH, HOME: home, TMPDIR: tmp, ...env, ...local.env }, health: local.health, endpoints: local.endpoints ?? {} };
    };
    return {
      namespace,
      deployment: name,
      pod: pod.metadata.name,
      podUid: pod.metadata.uid,
      serviceAccount,
      image: container.image,
      command,
      args,
      launch: async (runName, extraArgs) => {
        const started = await start(runName, extraArgs);
        const daemon = spawnInCluster(cluster, runName, accountDir, started.command, started.processArgs, started.env);
        if (started.health) {
          const url = started.health;
          // A process that exits before it answers (vc-scheduler panics while the admission webhook it calls is
          // not serving yet) is the kubelet's to start again, not a failure of the harness.
          await waitUntil(`${runName} (${container.image}) to answer ${url}`, async () => (daemon.running ? healthy(url) : true), { timeoutMs: 120_000, intervalMs: 500 });
        }
        return { processArgs: started.processArgs, endpoints: started.endpoints, daemon };
      },
    };
  };

  /** Starts (or starts again) the container of `entry`; the process's log is <workDir>/<deployment>[-<n>].log. */
  const launch = async (entry: Running): Promise<void> => {
    const runs = (starts.get(entry.key) ?? 0) + 1;
    starts.set(entry.key, runs);
    const runName = runs === 1 ? entry.container.deployment : `${entry.container.deployment}-${runs}`;
    const { processArgs, endpoints, daemon } = await entry.container.launch(runName, entry.extraArgs);
    const { launch: _launch, podUid: _uid, ...identity } = entry.container;
    entry.workload = { ...identity, processArgs, endpoints, restarts: entry.restarts, daemon };
    entry.startedAt = Date.now();
  };

  /** What the kubelet does with a container that exited under restartPolicy Always: start it again after a back-off. */
  const restartExited = async (entry: Running): Promise<void> => {
    const daemon = entry.workload!.daemon;
    if (entry.nextStart === undefined) {
      entry.crashes = Date.now() - entry.startedAt < CRASH_WINDOW_MS ? entry.crashes + 1 : 1;
      entry.lastExit = daemon.describeExit();
      entry.nextStart = Date.now() + Math.min(BACKOFF_MS * 2 ** (entry.crashes - 1), MAX_BACKOFF_MS);
      process.stderr.write(`[harness] ${entry.key} exited (${entry.lastExit.split("\n")[0]}); starting it again in ${entry.nextStart - Date.now()} ms, as the kubelet restarts a container\n`);
      return;
    }
    if (Date.now() < entry.nextStart) return;
    entry.nextStart = undefined;
    entry.restarts++;
    await launch(entry);
    process.stderr.write(`[harness] ${entry.key} started again (restart ${entry.restarts}): see ${entry.workload!.daemon.logFile}\n`);
  };

  const tick = async (): Promise<void> => {
    for (const namespace of options.namespaces) {
      const pods = (await get<{ items: Pod[] }>(`/api/v1/namespaces/${namespace}/pods`))?.items ?? [];
      const runs = (pod: Pod): boolean => !pod.metadata.deletionTimestamp && (pod.status?.phase === "Running" || pod.status?.phase === "Succeeded");
      for (const [jobName, script] of Object.entries(options.jobs ?? {})) {
        if (done.has(key(namespace, jobName))) continue;
        const ofJob = pods.filter((pod) => runs(pod) && pod.metadata.ownerReferences?.some((o) => o.kind === "Job" && o.name === jobName));
        if (!ofJob.length) continue;
        const job = await get<KubeJob>(`/apis/batch/v1/namespaces/${namespace}/jobs/${jobName}`);
        if (!job) continue;
        if (typeof script === "function") {
          await script(job);
          done.add(key(namespace, jobName));
          continue;
        }
        // Held: KWOK leaves the pod Running; it ends as the script does.
        const pod = ofJob.find((p) => p.status?.phase === "Running");
        if (!pod) continue;
        let failed: Error | undefined;
        try {
          if (!(await script.run(job))) continue;
        } catch (error) {
          failed = error as Error;
          process.stderr.write(`[harness] Job ${key(namespace, jobName)}: its script failed, pod ${pod.metadata.name} Failed: ${failed.message}\n`);
        }
        await completePod(pod, failed ? 1 : 0);
        if (!failed) done.add(key(namespace, jobName));
      }
      // A pod that is deleted (or being deleted) takes its process with it, as the kubelet stops its containers.
      for (const entry of [...running.values()].filter((e) => e.container.namespace === namespace)) {
        if (pods.some((pod) => pod.metadata.uid === entry.container.podUid && !pod.metadata.deletionTimestamp)) continue;
        if (entry.busy) continue;
        running.delete(entry.key);
        await entry.workload?.daemon.stop();
        process.stderr.write(`[harness] pod ${key(namespace, entry.container.pod)} deleted: stopped the process of ${entry.key}\n`);
      }
      for (const entry of [...running.values()].filter((e) => e.container.namespace === namespace)) {
        if (entry.busy || !entry.workload) continue;
        if (entry.workload.daemon.running) {
          if (Date.now() - entry.startedAt >= CRASH_WINDOW_MS) entry.crashes = 0;
          continue;
        }
        entry.busy = true;
        try {
          await restartExited(entry);
        } finally {
          entry.busy = false;
        }
      }
      const deployments = (await get<{ items: Deployment[] }>(`/apis/apps/v1/namespaces/${namespace}/deployments`))?.items ?? [];
      for (const deployment of deployments) {
        const name = key(namespace, deployment.metadata.name);
        if (running.has(name)) continue;
        const selector = Object.entries(deployment.spec.selector.matchLabels ?? {});
        const pod = pods.find((p) => p.status?.phase === "Running" && !p.metadata.deletionTimestamp && selector.every(([k, v]) => p.metadata.labels?.[k] === v));
        if (!pod) continue;
        if (inert.has(name)) continue;
        const container = await prepare(deployment, pod);
        if (!container) continue;
        if (!("launch" in container)) {
          inert.set(name, container);
          process.stderr.write(`[harness] ${name} runs ${container.image}: inert (pod Ready, no process): ${container.why}\n`);
          continue;
        }
        const entry: Running = { key: name, container, extraArgs: [], restarts: 0, crashes: 0, startedAt: Date.now(), busy: true };
        running.set(name, entry);
        try {
          await launch(entry);
        } finally {
          entry.busy = false;
        }
      }
    }
  };

  void (async () => {
    while (!stopped) {
      try {
        await tick();
      } catch (error) {
        if (stopped) return;
        failure = error as Error;
        process.stderr.write(`[harness] chart workloads stopped: ${failure.message}\n`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  })();

  const current = (): Workload[] => [...running.values()].flatMap((entry) => (entry.workload ? [entry.workload] : []));

  return {
    running: async (deployments, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (failure) throw failure;
        const looping = [...running.values()].find((entry) => entry.crashes >= CRASH_LOOP);
        if (looping) throw new Error(`${looping.key} keeps exiting (${looping.crashes} times in a row): ${looping.lastExit}`);
        const workloads = deployments.map((name) => running.get(name)?.workload);
        if (workloads.every((w) => w?.daemon.running)) return workloads as Workload[];
        if (Date.now() > deadline) {
          const missing = deployments.filter((name) => !running.get(name)?.workload?.daemon.running);
          const exits = missing.flatMap((name) => (running.get(name)?.lastExit ? [`${name}: ${running.get(name)!.lastExit}`] : []));
          throw new Error(`timed out after ${timeoutMs} ms waiting for a running pod of ${missing.join(", ")} (started: ${[...running.keys()].join(", ") || "none"})${exits.map((e) => `\n${e}`).join("")}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    },
    workloads: current,
    workload: (deployment) => running.get(deployment)?.workload,
    restart: async (deployment, { extraArgs }) => {
      const entry = running.get(deployment);
      if (!entry?.workload) throw new Error(`no process runs for ${deployment}`);
      while (entry.busy) await new Promise((resolve) => setTimeout(resolve, 100));
      entry.busy = true;
      try {
        await entry.workload.daemon.stop();
        entry.extraArgs = [...extraArgs];
        entry.restarts++;
        entry.nextStart = undefined;
        await launch(entry);
        process.stderr.write(`[harness] ${deployment} restarted by the test${extraArgs.length ? ` with ${extraArgs.join(" ")}` : ""}\n`);
        return entry.workload;
      } finally {
        entry.busy = false;
      }
    },
    jobsDone: () => [...done],
    inert: () => [...inert.values()],
    stop: () => {
      stopped = true;
    },
  };
}

/** Back-off before a container that exited is started again: doubled per exit in a row, up to MAX_BACKOFF_MS (the kubelet: 10 s to 5 min). */
const BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 8_000;
/** A process that exits within this time of its start exited "in a row" with the last one. */
const CRASH_WINDOW_MS = 60_000;
/** Exits in a row after which running() reports a crash loop instead of waiting. */
const CRASH_LOOP = 6;

/** A pod's container, ready to be started (again). */
interface PreparedContainer {
  namespace: string;
  deployment: string;
  pod: string;
  podUid: string;
  serviceAccount: string;
  image: string;
  command: string[];
  args: string[];
  launch(runName: string, extraArgs: readonly string[]): Promise<{ processArgs: string[]; endpoints: Record<string, string>; daemon: Daemon }>;
}

/** What the harness keeps per Deployment whose pod it runs. */
interface Running {
  key: string;
  container: PreparedContainer;
  extraArgs: string[];
  workload?: Workload;
  restarts: number;
  /** Exits in a row, each within CRASH_WINDOW_MS of its start. */
  crashes: number;
  lastExit?: string;
  startedAt: number;
  /** When a process that exited is started again; undefined while it runs. */
  nextStart?: number;
  /** The loop or restart() is starting or stopping its process. */
  busy: boolean;
}

const loopback = async (): Promise<string> => `127.0.0.1:${await freePort()}`;

/**
 * The images of the platform's charts and the binaries the harness builds for them. The pod's IP is this
 * machine's address (KwokOptions.hostAddress), so a webhook listening there is what its Service's endpoints
 * lead the API server to.
 */
export const PLATFORM_IMAGES: readonly PodImage[] = [
  {
    repository: "volcanosh/vc-webhook-manager",
    component: VOLCANO,
    command: "vc-webhook-manager",
    listen: async ({ podIP }) => {
      const health = await loopback();
      // It serves /healthz with its webhook certificate.
      return { args: [`--listen-address=${podIP}`, `--healthz-address=${health}`], health: `https://${health}/healthz` };
    },
  },
  {
    repository: "volcanosh/vc-controller-manager",
    component: VOLCANO,
    command: "vc-controller-manager",
    listen: async () => {
      const health = await loopback();
      return { args: [`--healthz-address=${health}`], health: `http://${health}/healthz` };
    },
  },
  {
    repository: "volcanosh/vc-scheduler",
    component: VOLCANO,
    command: "vc-scheduler",
    listen: async () => {
      const [health, metrics] = [await loopback(), await loopback()];
      return { args: [`--healthz-address=${health}`, `--listen-address=${metrics}`], health: `http://${health}/healthz` };
    },
  },
  ...(["controller", "webhook"] as const).map(
    (subcommand): ImageBinary => ({
      repository: "kubeflow/spark-operator/controller",
      component: SPARK_OPERATOR,
      command: "spark-operator",
      subcommand,
      listen: async ({ mounts }) => {
        const [health, metrics] = [await loopback(), await loopback()];
        // The webhook's certificate directory is the binary's default, the chart's mount path; not in its args.
        const certs = mounts.get("/etc/k8s-webhook-server/serving-certs");
        return {
          args: [`--metrics-bind-address=${metrics}`, `--health-probe-bind-address=${health}`, ...(subcommand === "webhook" && certs ? [`--webhook-cert-dir=${certs}`] : [])],
          health: `http://${health}/readyz`,
        };
      },
    }),
  ),
  ...dataPlatformImages(),
];

/** SeaweedFS's ports per Deployment (namespace/name), kept across its pods. */
const seaweedfsPorts = new Map<string, Record<"master" | "volume" | "filer" | "s3" | "metrics" | "iceberg" | "lance", number>>();

/** A free port P whose P + 10000 is free too: SeaweedFS listens for gRPC there unless told otherwise, and `weed shell` and the chart's hook count on it. */
async function portWithGrpc(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freePort();
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port + 10_000, () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error("no free port P with P + 10000 free");
}

/**
 * The data components' images (the platform's `kafka`, `objectStorage`, `sparkHistoryServer` and their
 * data-credentials). Each decision is also in DIFFERENCES (test/gitops/platform.ts).
 */
function dataPlatformImages(): PodImage[] {
  return [
    {
      repository: "strimzi/operator",
      inert:
        "Strimzi's Cluster Operator is Java, published only as this image, not runnable here; the harness's Strimzi player sets what its Cluster, Topic and User Operators would on the Kafka, KafkaTopic and KafkaUser objects",
    },
    {
      // The platform's own program, from the Spark image: python3 as the image has it, run for real.
      repository: "library/spark",
      command: ["python3", "/opt/data-credentials/data-credentials.py"],
      program: async ({ command, args }, { mounts }) => {
        const [python, ...rest] = [...command, ...args].map((arg) => resolveMounts(arg, mounts));
        return { command: python, args: rest };
      },
    },
    {
      repository: "library/spark",
      command: ["/opt/spark/bin/spark-class", "org.apache.spark.deploy.history.HistoryServer"],
      inert: "a History Server is Spark's JVM reading the event-log buckets over S3A; npm run test:data runs it for real with the generated options",
    },
    {
      // The all-in-one Deployment's `/bin/sh -ec 'weed server …'`, run as written: /usr/bin/weed is the weed built from the chart's release.
      repository: "chrislusf/seaweedfs",
      command: ["/bin/sh", "-ec"],
      program: async ({ image, command, args }, { podIP, mounts, home, tmp, deployment }) => {
        const script = command[2];
        if (command.length !== 3 || args.length || !script?.includes("/usr/bin/weed ")) throw new Error(`${image}: expected /bin/sh -ec '/usr/bin/weed …', got ${command.join(" ").slice(0, 120)}`);
        const { tag } = parseImage(image);
        if (tag !== chartAppVersion()) throw new Error(`${image}: the harness builds SeaweedFS ${chartAppVersion()} (${SEAWEEDFS_CHART})`);
        const weed = await prepareSeaweedfs();
        // master.toml is mounted at /etc/seaweedfs/, one of the places weed looks for it; $HOME/.seaweedfs/ is another.
        const masterToml = mounts.get("/etc/seaweedfs/master.toml");
        if (masterToml) {
          mkdirSync(join(home, ".seaweedfs"), { recursive: true });
          copyFileSync(masterToml, join(home, ".seaweedfs", "master.toml"));
        }
        // Ports chosen once per Deployment and kept, as the chart's are fixed: the master keeps its raft state in
        // <dir>/m<port>, and one on another port starts afresh, with a new topology id that the volume server's
        // disk contradicts, and freezes volume growth ("master state loss").
        let ports = seaweedfsPorts.get(deployment);
        if (!ports) {
          ports = { master: await portWithGrpc(), volume: await portWithGrpc(), filer: await portWithGrpc(), s3: await portWithGrpc(), metrics: await freePort(), iceberg: await freePort(), lance: await freePort() };
          seaweedfsPorts.set(deployment, ports);
        }
        const { master, volume, filer, s3, metrics, iceberg, lance } = ports;
        // What a pod owns alone: its IP (every listener on it, not 0.0.0.0), its ports, and its /tmp (the local sockets).
        const listen = [
          `-ip.bind=${podIP}`,
          `-master.port=${master}`,
          `-volume.port=${volume}`,
          `-filer.port=${filer}`,
          `-s3.port=${s3}`,
          `-metricsPort=${metrics}`,
          `-s3.port.iceberg=${iceberg}`,
          `-s3.port.lance=${lance}`,
          `-filer.localSocket=${join(tmp, "filer.sock")}`,
          `-s3.localSocket=${join(tmp, "s3.sock")}`,
        ];
        // The later flag wins: appended to the script's weed command, its last line.
        const mapped = `${resolveScriptMounts(script, mounts).replaceAll("/usr/bin/weed ", `${weed} `).trimEnd()} ${listen.map((flag) => `'${flag}'`).join(" ")}\n`;
        // bash for the image's /bin/sh (BusyBox ash; this machine's dash lacks `set -o pipefail`, which the chart's hook uses).
        return {
          command: "bash",
          args: ["-ec", mapped],
          health: `http://${podIP}:${master}/cluster/status`,
          endpoints: { master: `${podIP}:${master}`, filer: `${podIP}:${filer}`, s3: `http://${podIP}:${s3}` },
        };
      },
    },
  ];
}
