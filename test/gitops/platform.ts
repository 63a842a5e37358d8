// The gitops suite's world: the cluster harness's API server with the
// controllers and scheduler a cluster runs and KWOK nodes, a git daemon serving
// a commit of this working tree (rebuilt with the repository URL pointed at the
// daemon by the bootstrap's own local mode, with the data components installed
// and two teams asking for buckets and topics), a Helm chart repository serving
// the real charts, the charts' controllers run as the charts deploy them, and a
// real Argo CD bootstrapped the way scripts/bootstrap.sh does it. Every difference
// from a user's cluster is listed in DIFFERENCES and in docs/gitops-proof.md.
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, parseDocument, type YAMLMap } from "yaml";
import { ARGOCD_NAMESPACE, BOOTSTRAP_FIELD_MANAGER, startArgoCd, type Application, type ArgoCd } from "../harness/argocd.js";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { startControllerManager } from "../harness/controller-manager.js";
import { PLATFORM_IMAGES, runChartWorkloads, type ChartWorkloads, type KubeJob } from "../harness/chart-pods.js";
import { platformCharts, startChartRepository, type ChartRepository } from "../harness/chart-repo.js";
import { hostAddress, startKwok } from "../harness/kwok.js";
import { startLocalPathProvisioner, type LocalPathProvisioner } from "../harness/local-path.js";
import { runWeedScript } from "../harness/seaweedfs.js";
import { startStrimziPlayer, type StrimziPlayer } from "../harness/strimzi-player.js";
import { installDataComponents, teamDataNeeds } from "../support/data-platform.js";
import type { Edits } from "../support/project.js";
import { startKubeScheduler } from "../harness/scheduler.js";
import { volcanoAdmissionInit } from "../harness/volcano.js";
import { ensureSparkHome, requireJava } from "../harness/spark-home.js";
import { SPARK_VERSION } from "../flow/simulation.js";
import { publishCheckout, startGitDaemon, WorkTree, type GitDaemon } from "../harness/git-server.js";
import { repoRoot } from "../support/paths.js";
import { run, waitUntil } from "../harness/process.js";

/** What differs from `npm run bootstrap` on a user's cluster; printed by the suite and kept in docs/gitops-proof.md. */
export const DIFFERENCES = [
  "Repository: served by the bootstrap's local mode (scripts/lib/local-repo.mjs: publish builds a copy of the working tree for the served URL and commits it; serve runs the git daemon, here in the foreground), at git://127.0.0.1:<port>/platform.git, branch gitops-suite, instead of local mode's git://host.k3d.internal:9418/platform.git, branch local (Argo CD runs on this machine, not in k3d); the suite's later commits continue from the served one.",
  "Platform: the suite's first commit installs the data components (components.kafka, objectStorage, sparkHistoryServer) and gives teams alpha and delta buckets and topics, exactly as the data suite's input (test/support/data-platform.ts); the seed's platform.yaml installs none.",
  "Charts: a real Helm chart repository on loopback (harness/chart-repo.ts) serves the charts' sources at their release tags (../shared/upstream/charts), packaged by Argo CD's pinned Helm at the Applications' versions (Strimzi's with --app-version too, as its release does), over HTTPS with a throw-away CA that Argo CD's repo server trusts as argocd-tls-certs-cm would make it; the suite's first commit points platform.yaml's components.*.chart.repoURL there and rebuilds, so Argo CD renders the real charts with exactly the values the compiler generates.",
  "No containers: KWOK plays the kubelet on nodes sized as platform.yaml declares (pods are bound, Running and Ready, a Job's pods complete), and runs nothing. The charts' controllers (Volcano's webhook manager, controller manager and scheduler; the Spark Operator's controller and webhook) run as local processes built from their Go modules at the charts' image versions, started once KWOK reports their pod Running, with the container's args and env read from the Deployment Argo CD applied, its Secret, ConfigMap and emptyDir volumes written to a directory, and in-cluster configuration holding a token of the pod's ServiceAccount (harness/chart-pods.ts); only their health and metrics listeners move to free loopback ports. Argo CD's own pods are Running for the API only: its repo server and application controller run as local processes (below).",
  "Volcano's admission-init Job: KWOK completes its pod; the harness does what the pod's gen-admission-secret.sh would (a CA and a serving certificate for the admission Service, stored as the Secret the Job's arguments name) and says so in the log.",
  "Strimzi: the Cluster Operator's image (Java) is inert: its pod is Ready and no process runs. A harness Strimzi player (harness/strimzi-player.ts) writes what its Cluster, Topic and User Operators would write back, once the operator's Deployment is Available: the Kafka's status (Ready, observedGeneration, version, listeners), then each KafkaTopic's and KafkaUser's (Ready, observedGeneration), which Argo CD 2.14's built-in health checks read, and each KafkaUser's Secret in `kafka` (keys password and sasl.jaas.config, the data suite's emulator's shape). No broker, node pool pods or broker volumes exist here: the topics, users, ACLs and quotas on a real Kafka broker are proven by npm run test:data.",
  "data-credentials runs for real: the pod's `python3 /opt/data-credentials/data-credentials.py` is this machine's python3 with the script and config ConfigMaps written to a directory (the mount paths in its command and env point there), as its pod's ServiceAccount, so the generated RBAC decides every call; it writes seaweedfs-s3-config, the teams' Secrets and the History Servers' keys, and rolls SeaweedFS's pod.",
  "SeaweedFS runs for real: the all-in-one pod's `/bin/sh -ec '/usr/bin/weed server …'` runs as written under bash (the image's /bin/sh is BusyBox ash; this machine's dash lacks `set -o pipefail`), /usr/bin/weed being the weed built from the chart's release (harness/seaweedfs.ts), its mount paths pointing at the volumes' directories; appended flags (the later wins) move what a pod owns alone: every listener on the pod IP (-ip.bind) at free ports chosen once per Deployment and kept for its later pods, as the chart's fixed ports are (gRPC at port + 10000, as the chart's; the master keeps its raft state per port, in <dir>/m<port>), and its local sockets into the pod's own /tmp; master.toml is given in $HOME/.seaweedfs/ instead of /etc/seaweedfs/ (both are places weed reads it from).",
  "Volumes: k3d's local-path provisioner is played (harness/local-path.ts): its StorageClass, the cluster's default as in k3s, and for each claim the scheduler has placed a hostPath PersistentVolume under the work directory, bound by kube-controller-manager; the harness's pods mount that directory, so SeaweedFS's data outlives its pod as on a node.",
  "SeaweedFS's post-install bucket hook Job and the platform's bucket-quota Job: KWOK leaves their pods Running; the harness runs each Job's own script (bash for /bin/sh, the built weed for /usr/bin/weed, the cluster addresses WEED_CLUSTER_SW_MASTER/FILER pointing at the running server) and then completes the pod, Succeeded or Failed as the script ended, so the hook succeeds only once the buckets exist and the quota Job only once each bucket has its quota.",
  "platform-artifacts: KWOK completes its Job's pod and nothing runs: the program would download 570 MB of jars from Maven Central, which this suite does not do (npm run test:data runs it against the real store with the two small jars). The History Servers' Deployments (spark-class, a JVM) are inert: their pods are Ready, no process runs; npm run test:data runs one for real.",
  "No kube-proxy or CNI: the API server reaches webhooks through their Services' endpoints (--enable-aggregator-routing) instead of the ClusterIP, and pods in the charts' namespaces get this machine's address as their pod IP (a changed copy of KWOK's default pod-ready stage), where the webhooks listen.",
  "Argo CD: its Deployments and StatefulSet from install.yaml get pods (KWOK) but no containers; the repo server and application controller of the same release run as local processes (built from Go modules), Redis is Debian's redis-server, argocd-server, Dex, the ApplicationSet and notifications controllers do not run. The AppProject `default` and Secret argocd-redis are created by the suite, as argocd-server and the argocd-redis-secret-init Job would at start.",
  "The application controller reads in-cluster configuration from a private tmpfs on /run (unshare --mount) holding a token of its own ServiceAccount argocd-application-controller, as the charts' controllers do; the repo server is reached in plaintext on loopback (--disable-tls / --repo-server-plaintext) instead of its self-signed TLS Service.",
  "kube-controller-manager runs every controller but nodeipam (KWOK gives pod IPs); kube-scheduler places the pods.",
  "Argo CD's argocd/ remote base (install.yaml on GitHub) is replaced by the same release file from ../shared/upstream, as the Kustomize round-trip test does.",
  "bootstrap's waits for Argo CD's Deployments and StatefulSet to be ready become waits for the local processes (repo server port open, controller /healthz); the repository Secret step is skipped as for a public repository (no GIT_TOKEN).",
  "The removal step sets argocd.argoproj.io/refresh on the repository's Applications, which is what Argo CD's Git webhook handler does on a push; onboarding gets no such help (Argo CD polls).",
  "Listeners: the application controller's metrics listener (/healthz, /metrics) binds 0.0.0.0 on a port chosen at run time (Argo CD 2.14 has no flag to bind it to loopback), and the Spark Operator's webhook binds its chart port on every address (2.3.0 has no flag for the host); Volcano's webhook and SeaweedFS listen on the pod IP above; everything else listens on 127.0.0.1.",
];

export const BRANCH = "gitops-suite";
export const REPOSITORY = "platform.git";

export interface GitOpsPlatform {
  cluster: Cluster;
  argocd: ArgoCd;
  git: GitDaemon;
  /** The work tree whose commits are served (a copy of this checkout, rebuilt for the local URL). */
  tree: WorkTree;
  repoURL: string;
  /** Path of the bare repository the daemon serves. */
  repository: string;
  /** Rebuilds generated/ and argocd/ in the work tree with the compiler of this checkout. */
  compile(): Promise<void>;
  /** Commits the work tree and pushes it to the served branch; returns the commit and when the push completed. */
  publish(message: string): Promise<{ commit: string; pushedAt: number }>;
  /** The loopback chart repository the platform's Helm Applications fetch from. */
  charts: ChartRepository;
  /** The charts' controllers, run as local processes once KWOK runs their pods. */
  workloads: ChartWorkloads;
  /** What Strimzi's operators would write back, played. */
  strimzi: StrimziPlayer;
  /** k3d's local-path provisioner, played. */
  volumes: LocalPathProvisioner;
  /** Applies argocd/root-application.yaml of the work tree, as bootstrap's step 5. */
  applyRootApplication(): Promise<number>;
  stop(): Promise<void>;
}

export async function startGitOpsPlatform(): Promise<GitOpsPlatform> {
  // The API server reaches a webhook through its Service's endpoints (a pod IP), as with kube-proxy it
  // would through the ClusterIP: no kube-proxy runs here.
  const cluster = await startCluster({ apiServerArgs: ["--enable-aggregator-routing=true"] });
  let charts: ChartRepository | undefined;
  let workloads: ChartWorkloads | undefined;
  let strimzi: StrimziPlayer | undefined;
  let volumes: LocalPathProvisioner | undefined;
  const stop = async (): Promise<void> => {
    workloads?.stop();
    strimzi?.stop();
    volumes?.stop();
    await cluster.stop();
    await charts?.stop();
  };
  try {
    const home = join(cluster.workDir, "git-home");
    const git = await startGitDaemon(cluster.spawn, join(cluster.workDir, "git"), home);
    const repoURL = git.url(REPOSITORY);
    // The repository, published the way `npm run bootstrap` does in local mode.
    await publishCheckout(git.baseDir, repoURL, BRANCH, home);
    const repository = join(git.baseDir, REPOSITORY);
    const tree = await WorkTree.clone(repository, BRANCH, join(cluster.workDir, "platform"), home);

    const compile = async (): Promise<void> => {
      const result = await run("node", [join(repoRoot, "dist/src/cli/main.js"), "build", "--dir", tree.dir], { reject: false });
      if (result.exitCode !== 0) throw new Error(`the compiler refused ${tree.dir} (exit ${result.exitCode}):\n${result.stdout}${result.stderr}`);
    };
    const publish = async (message: string): Promise<{ commit: string; pushedAt: number }> => {
      const commit = await tree.commitAll(message);
      await tree.push(repository, BRANCH);
      return { commit, pushedAt: Date.now() };
    };

    // The platform's own files change in one commit, before Argo CD starts: the data components installed and
    // two teams asking for buckets and topics (the data suite's input), and the charts from a real chart
    // repository on loopback that platform.yaml points at.
    editTree(tree, { ...installDataComponents, ...teamDataNeeds });
    await compile();
    charts = await startChartRepository(platformCharts(join(tree.dir, "generated/applications/platform.yaml")), cluster);
    pointChartsAt(tree, charts.url);
    await compile();
    await publish("gitops suite: the data components, and the charts from the loopback chart repository");
    const manifests = rootManifests(tree.dir);

    // What a cluster runs besides the API server: every controller (nodeipam aside: KWOK gives pod IPs),
    // a scheduler, nodes as platform.yaml declares them, and the charts' controllers once their pods run.
    await startControllerManager(cluster);
    await startKubeScheduler(cluster);
    volumes = await startLocalPathProvisioner(cluster);
    const applications = manifests.filter((object) => object.kind === "Application");
    const namespacesOf = (apps: Manifest[]): string[] => [...new Set(apps.map((app) => app.spec?.destination?.namespace).filter((ns): ns is string => Boolean(ns)))];
    const chartNamespaces = namespacesOf(applications.filter(isHelmSourced));
    const releaseOf = (name: string): string | undefined => {
      const app = applications.find((candidate) => candidate.metadata.name === name);
      return app && (app.spec?.source?.helm?.releaseName ?? name);
    };
    const seaweedfs = releaseOf("seaweedfs");
    const bucketHook = seaweedfs && `${seaweedfs}-bucket-hook`;
    const quotaJob = generatedObjects(tree.dir, "platform-artifacts").find((o) => o.kind === "Job" && o.metadata.name.startsWith("bucket-quotas-"))?.metadata.name;
    const weedJobs = [bucketHook, quotaJob].filter((name): name is string => Boolean(name));
    await startKwok(cluster, { hostAddress: { address: hostAddress(), namespaces: chartNamespaces }, heldJobs: weedJobs });
    // The operator's controller runs spark-submit: the Spark and Java a Spark Operator image carries.
    const spark = { SPARK_HOME: await ensureSparkHome(SPARK_VERSION), JAVA_HOME: await requireJava() };
    const storeNamespace = applications.find((app) => app.metadata.name === "seaweedfs")?.spec?.destination?.namespace;
    workloads = runChartWorkloads(cluster, {
      // The charts' namespaces and the other platform Applications' (data-credentials, the History Servers).
      namespaces: namespacesOf(applications.filter((app) => app.spec?.project === "platform")),
      images: PLATFORM_IMAGES,
      env: spark,
      jobs: {
        [`${releaseOf("volcano") ?? "volcano"}-admission-init`]: (job) => volcanoAdmissionInit(cluster, job),
        ...Object.fromEntries(weedJobs.map((name) => [name, { held: true as const, run: (job: KubeJob) => runWeedJob(cluster, workloads!, `${storeNamespace}/${seaweedfs}-all-in-one`, job) }])),
      },
    });
    const kafka = applications.find((app) => app.metadata.name === "strimzi-kafka-operator")?.spec?.destination?.namespace;
    if (!kafka) throw new Error("the suite's platform installs Kafka (components.kafka), but no Application installs Strimzi's chart");
    strimzi = startStrimziPlayer(cluster, { namespace: kafka, operatorDeployment: "strimzi-cluster-operator" });

    const argocd = await startArgoCd(cluster, { argocdDir: join(tree.dir, "argocd"), tlsCertificates: { [new URL(charts.url).hostname]: charts.caPem } });
    const applyRootApplication = async (): Promise<number> => {
      await cluster.kubectl([
        "apply",
        "--server-side",
        "--force-conflicts",
        `--field-manager=${BOOTSTRAP_FIELD_MANAGER}`,
        "-f",
        join(tree.dir, "argocd/root-application.yaml"),
      ]);
      return Date.now();
    };
    return { cluster, argocd, git, tree, repoURL, repository, charts, workloads, strimzi, volumes, compile, publish, applyRootApplication, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Applies edits (file → new content, or a function of the old content) to the tree's files. */
function editTree(tree: WorkTree, edits: Edits): void {
  for (const [file, change] of Object.entries(edits)) {
    const path = join(tree.dir, file);
    tree.writeFile(file, typeof change === "string" ? change : change(existsSync(path) ? readFileSync(path, "utf8") : ""));
  }
}

/**
 * A Job whose script calls `weed shell`: SeaweedFS's post-install bucket hook
 * (templates/shared/post-install-bucket-hook.yaml) or the platform's bucket-quota Job, its own script run
 * here (runWeedScript: bash for the image's /bin/sh, the built weed for /usr/bin/weed, the cluster's master
 * and filer at the running server's addresses). Not ready (false) while no server runs: the hook's own wait
 * would outlast a harness tick.
 */
async function runWeedJob(cluster: Cluster, workloads: ChartWorkloads, store: string, job: KubeJob): Promise<boolean> {
  const server = workloads.workload(store);
  if (!server?.daemon.running || !server.endpoints.master) return false;
  const [container] = job.spec.template.spec.containers;
  const script = container.command?.[2];
  if (container.command?.slice(0, 2).join(" ") !== "/bin/sh -ec" || !script) throw new Error(`Job ${job.metadata.name}: expected /bin/sh -ec '<script>', got ${container.command?.join(" ")}`);
  const home = join(cluster.workDir, job.metadata.name);
  mkdirSync(home, { recursive: true });
  const env: Record<string, string> = { NAMESPACE: job.metadata.namespace };
  for (const variable of container.env ?? []) if (variable.value !== undefined) env[variable.name] = variable.value;
  const result = await runWeedScript(script, { env, master: server.endpoints.master, filer: server.endpoints.filer, home });
  process.stderr.write(`[harness] ${job.metadata.namespace}/${job.metadata.name}: its script exited ${result.exitCode}:\n${result.stdout}${result.stderr}\n`);
  if (result.exitCode !== 0) throw new Error(`Job ${job.metadata.name}'s script exited ${result.exitCode}: ${result.stderr.slice(-500)}`);
  return true;
}

/** Sets components.<name>.chart.repoURL of the tree's platform.yaml to `url`, for every component installed from a chart. */
function pointChartsAt(tree: WorkTree, url: string): void {
  const file = join(tree.dir, "platform.yaml");
  const document = parseDocument(readFileSync(file, "utf8"));
  const components = document.get("components") as YAMLMap<{ value: string }, unknown> | undefined;
  for (const item of components?.items ?? []) {
    const name = item.key.value;
    if (document.getIn(["components", name, "chart", "repoURL"]) !== undefined) document.setIn(["components", name, "chart", "repoURL"], url);
  }
  tree.writeFile("platform.yaml", document.toString());
}

/** An object of a manifest file. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: { project?: string; source?: { repoURL: string; path?: string; chart?: string; helm?: { releaseName?: string } }; destination?: { namespace?: string } };
}

/** Every object a platform Application of `treeDir` syncs from git (generated/platform/<application>/). */
export function generatedObjects(treeDir: string, application: string): Manifest[] {
  return manifestsIn(listYaml(join(treeDir, "generated/platform", application)));
}

/** Every object under generated/applications of `treeDir` (what the root Application syncs), in file order. */
export function rootManifests(treeDir: string): Manifest[] {
  const dir = join(treeDir, "generated/applications");
  return manifestsIn([join(dir, "platform.yaml"), ...listYaml(join(dir, "tenants"))]);
}

function manifestsIn(files: readonly string[]): Manifest[] {
  return files.flatMap((file) =>
    parseAllDocuments(readFileSync(file, "utf8"))
      .map((doc) => doc.toJS() as Manifest | null)
      .filter((object): object is Manifest => object !== null),
  );
}

function listYaml(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .map((file) => join(dir, file));
}

export function waveOf(object: Manifest): number {
  return Number(object.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? "0");
}

export function isHelmSourced(object: Manifest | Application): boolean {
  return Boolean(object.spec?.source?.chart);
}

/** Waits for an Application to satisfy `ready`, reporting its last state on timeout. */
export async function waitForApplication(
  platform: GitOpsPlatform,
  name: string,
  what: string,
  ready: (app: Application) => boolean,
  timeoutMs: number,
): Promise<Application> {
  let last: Application | undefined;
  try {
    return await waitUntil(
      `Application ${name} ${what}`,
      async () => {
        last = await platform.argocd.application(name);
        return last && ready(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 1_000, daemon: platform.argocd.controller },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\nlast state of ${name}: ${summarize(last)}`);
  }
}

export function summarize(app: Application | undefined): string {
  if (!app) return "absent";
  const status = app.status;
  const conditions = (status?.conditions ?? []).map((condition) => `${condition.type}: ${condition.message}`).join(" | ");
  const operation = status?.operationState ? `${status.operationState.phase}: ${status.operationState.message ?? ""}` : "no operation";
  return `sync=${status?.sync?.status ?? "-"} health=${status?.health?.status ?? "-"} operation=[${operation}] conditions=[${conditions}]`;
}

export function isSyncedAndHealthy(app: Application): boolean {
  return app.status?.sync?.status === "Synced" && app.status.health?.status === "Healthy" && app.status.operationState?.phase === "Succeeded";
}

export { ARGOCD_NAMESPACE };
