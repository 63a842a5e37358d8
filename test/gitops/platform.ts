// The gitops suite's world: the cluster harness's API server with the
// controllers and scheduler a cluster runs and KWOK nodes, a git daemon serving
// a commit of this working tree (rebuilt with the repository URL pointed at the
// daemon by the bootstrap's own local mode), a Helm chart repository serving the
// real charts, the charts' controllers run as the charts deploy them, and a real
// Argo CD bootstrapped the way scripts/bootstrap.sh does it. Every difference
// from a user's cluster is listed in DIFFERENCES and in docs/gitops-proof.md.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, parseDocument, type YAMLMap } from "yaml";
import { ARGOCD_NAMESPACE, BOOTSTRAP_FIELD_MANAGER, startArgoCd, type Application, type ArgoCd } from "../harness/argocd.js";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { startControllerManager } from "../harness/controller-manager.js";
import { PLATFORM_IMAGES, runChartWorkloads, type ChartWorkloads } from "../harness/chart-pods.js";
import { platformCharts, startChartRepository, type ChartRepository } from "../harness/chart-repo.js";
import { hostAddress, startKwok } from "../harness/kwok.js";
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
  "Charts: a real Helm chart repository on loopback (harness/chart-repo.ts) serves the charts' sources at their release tags (../shared/upstream/charts), packaged by Argo CD's pinned Helm at the Applications' versions, over HTTPS with a throw-away CA that Argo CD's repo server trusts as argocd-tls-certs-cm would make it; the suite's first commit points platform.yaml's components.*.chart.repoURL there and rebuilds, so Argo CD renders the real charts with exactly the values the compiler generates.",
  "No containers: KWOK plays the kubelet on nodes sized as platform.yaml declares (pods are bound, Running and Ready, a Job's pods complete), and runs nothing. The charts' controllers (Volcano's webhook manager, controller manager and scheduler; the Spark Operator's controller and webhook) run as local processes built from their Go modules at the charts' image versions, started once KWOK reports their pod Running, with the container's args and env read from the Deployment Argo CD applied, its Secret, ConfigMap and emptyDir volumes written to a directory, and in-cluster configuration holding a token of the pod's ServiceAccount (harness/chart-pods.ts); only their health and metrics listeners move to free loopback ports. Argo CD's own pods are Running for the API only: its repo server and application controller run as local processes (below).",
  "Volcano's admission-init Job: KWOK completes its pod; the harness does what the pod's gen-admission-secret.sh would (a CA and a serving certificate for the admission Service, stored as the Secret the Job's arguments name) and says so in the log.",
  "No kube-proxy or CNI: the API server reaches webhooks through their Services' endpoints (--enable-aggregator-routing) instead of the ClusterIP, and pods in the charts' namespaces get this machine's address as their pod IP (a changed copy of KWOK's default pod-ready stage), where the webhooks listen.",
  "Argo CD: its Deployments and StatefulSet from install.yaml get pods (KWOK) but no containers; the repo server and application controller of the same release run as local processes (built from Go modules), Redis is Debian's redis-server, argocd-server, Dex, the ApplicationSet and notifications controllers do not run. The AppProject `default` and Secret argocd-redis are created by the suite, as argocd-server and the argocd-redis-secret-init Job would at start.",
  "The application controller reads in-cluster configuration from a private tmpfs on /run (unshare --mount) holding a token of its own ServiceAccount argocd-application-controller, as the charts' controllers do; the repo server is reached in plaintext on loopback (--disable-tls / --repo-server-plaintext) instead of its self-signed TLS Service.",
  "kube-controller-manager runs every controller but nodeipam (KWOK gives pod IPs); kube-scheduler places the pods.",
  "Argo CD's argocd/ remote base (install.yaml on GitHub) is replaced by the same release file from ../shared/upstream, as the Kustomize round-trip test does.",
  "bootstrap's waits for Argo CD's Deployments and StatefulSet to be ready become waits for the local processes (repo server port open, controller /healthz); the repository Secret step is skipped as for a public repository (no GIT_TOKEN).",
  "The removal step sets argocd.argoproj.io/refresh on the repository's Applications, which is what Argo CD's Git webhook handler does on a push; onboarding gets no such help (Argo CD polls).",
  "Listeners: the application controller's metrics listener (/healthz, /metrics) binds 0.0.0.0 on a port chosen at run time (Argo CD 2.14 has no flag to bind it to loopback), and the Spark Operator's webhook binds its chart port on every address (2.3.0 has no flag for the host); Volcano's webhook listens on the pod IP above; everything else listens on 127.0.0.1.",
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
  const stop = async (): Promise<void> => {
    workloads?.stop();
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

    // The charts, from a real chart repository on loopback that platform.yaml points at: the one change to
    // the platform's own files, committed before Argo CD starts.
    charts = await startChartRepository(platformCharts(join(tree.dir, "generated/applications/platform.yaml")), cluster);
    pointChartsAt(tree, charts.url);
    await compile();
    await publish("gitops suite: the charts from the loopback chart repository");
    const manifests = rootManifests(tree.dir);

    // What a cluster runs besides the API server: every controller (nodeipam aside: KWOK gives pod IPs),
    // a scheduler, nodes as platform.yaml declares them, and the charts' controllers once their pods run.
    await startControllerManager(cluster);
    await startKubeScheduler(cluster);
    const chartNamespaces = [...new Set(manifests.filter(isHelmSourced).map((app) => app.spec?.destination?.namespace).filter((ns): ns is string => Boolean(ns)))];
    await startKwok(cluster, { hostAddress: { address: hostAddress(), namespaces: chartNamespaces } });
    const volcano = manifests.find((app) => app.kind === "Application" && app.metadata.name === "volcano");
    // The operator's controller runs spark-submit: the Spark and Java a Spark Operator image carries.
    const spark = { SPARK_HOME: await ensureSparkHome(SPARK_VERSION), JAVA_HOME: await requireJava() };
    workloads = runChartWorkloads(cluster, {
      namespaces: chartNamespaces,
      images: PLATFORM_IMAGES,
      env: spark,
      jobs: { [`${volcano?.spec?.source?.helm?.releaseName ?? "volcano"}-admission-init`]: (job) => volcanoAdmissionInit(cluster, job) },
    });

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
    return { cluster, argocd, git, tree, repoURL, repository, charts, workloads, compile, publish, applyRootApplication, stop };
  } catch (error) {
    await stop();
    throw error;
  }
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
  spec?: { source?: { repoURL: string; path?: string; chart?: string; helm?: { releaseName?: string } }; destination?: { namespace?: string } };
}

/** Every object under generated/applications of `treeDir` (what the root Application syncs), in file order. */
export function rootManifests(treeDir: string): Manifest[] {
  const dir = join(treeDir, "generated/applications");
  const files = [join(dir, "platform.yaml"), ...listYaml(join(dir, "tenants"))];
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
