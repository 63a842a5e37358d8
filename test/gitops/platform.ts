// The gitops suite's world: the cluster harness's API server, a git daemon
// serving a commit of this working tree (rebuilt with the repository URL
// pointed at the daemon by the bootstrap's own local mode), and a real Argo CD
// bootstrapped the way scripts/bootstrap.sh does it. Every difference from a user's cluster is
// listed in DIFFERENCES and in docs/gitops-proof.md.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { ARGOCD_NAMESPACE, BOOTSTRAP_FIELD_MANAGER, startArgoCd, type Application, type ArgoCd } from "../harness/argocd.js";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { startControllerManager } from "../harness/controller-manager.js";
import { upstreamCrdFiles } from "../harness/crds.js";
import { publishCheckout, startGitDaemon, WorkTree, type GitDaemon } from "../harness/git-server.js";
import { repoRoot } from "../support/paths.js";
import { platformTarget } from "../harness/platform.js";
import { run, waitUntil } from "../harness/process.js";

/** What differs from `npm run bootstrap` on a user's cluster; printed by the suite and kept in docs/gitops-proof.md. */
export const DIFFERENCES = [
  "Repository: served by the bootstrap's local mode (scripts/lib/local-repo.mjs: publish builds a copy of the working tree for the served URL and commits it; serve runs the git daemon, here in the foreground), at git://127.0.0.1:<port>/platform.git, branch gitops-suite, instead of local mode's git://host.k3d.internal:9418/platform.git, branch local (Argo CD runs on this machine, not in k3d); the suite's later commits continue from the served one.",
  "No pods: Argo CD's Deployments and StatefulSet from install.yaml are stored but never run; the repo server and application controller of the same release run as local processes (built from Go modules), Redis is Debian's redis-server, argocd-server, Dex, the ApplicationSet and notifications controllers do not run.",
  "The AppProject `default` and Secret argocd-redis are created by the suite, as argocd-server and the argocd-redis-secret-init Job would at start.",
  "The controller reads in-cluster configuration from a private tmpfs on /run (unshare --mount) holding a token of its own ServiceAccount argocd-application-controller; the repo server is reached in plaintext on loopback (--disable-tls / --repo-server-plaintext) instead of its self-signed TLS Service.",
  "Offline: Helm chart repositories are unreachable (the processes' HTTP(S) proxy is a closed loopback port, so nothing leaves the machine), so the Helm Applications volcano and spark-operator cannot render and install nothing.",
  "Because the volcano Helm Application installs nothing, the CRDs of Volcano 1.8.2 and Spark Operator 2.3.0 (the ones their charts would install) are applied from ../shared/upstream before Argo CD, and the Helm Applications' namespaces (volcano-system, spark-operator), which their syncs would create, are created by the suite; the Queue CRD and those namespaces therefore exist before wave 0 instead of being created by it.",
  "kube-controller-manager runs only its garbagecollector and namespace controllers (prune and foreground deletion need the garbage collector); no scheduler or kubelet, so nothing whose health depends on running pods is asserted healthy.",
  "Argo CD's argocd/ remote base (install.yaml on GitHub) is replaced by the same release file from ../shared/upstream, as the Kustomize round-trip test does.",
  "bootstrap's waits for Argo CD's Deployments and StatefulSet to be ready become waits for the local processes (repo server port open, controller /healthz); the repository Secret step is skipped as for a public repository (no GIT_TOKEN).",
  "The removal step sets argocd.argoproj.io/refresh on the repository's Applications, which is what Argo CD's Git webhook handler does on a push; onboarding gets no such help (Argo CD polls).",
  "The application controller's metrics listener (/healthz, /metrics) binds 0.0.0.0 on a port chosen at run time: Argo CD 2.14 has no flag to bind it to loopback. Everything else listens on 127.0.0.1.",
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
  /** Applies argocd/root-application.yaml of the work tree, as bootstrap's step 5. */
  applyRootApplication(): Promise<number>;
  stop(): Promise<void>;
}

export async function startGitOpsPlatform(): Promise<GitOpsPlatform> {
  const cluster = await startCluster();
  try {
    await startControllerManager(cluster, { controllers: ["garbagecollector", "namespace"] });
    await installChartCrds(cluster);

    const home = join(cluster.workDir, "git-home");
    const git = await startGitDaemon(cluster.spawn, join(cluster.workDir, "git"), home);
    const repoURL = git.url(REPOSITORY);
    // The one declared difference: the repository, published the way `npm run bootstrap` does in local mode.
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

    const argocd = await startArgoCd(cluster, { argocdDir: join(tree.dir, "argocd") });
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
    return { cluster, argocd, git, tree, repoURL, repository, compile, publish, applyRootApplication, stop: () => cluster.stop() };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** The CRDs the Volcano and Spark Operator charts would install (their Helm Applications cannot render offline). */
async function installChartCrds(cluster: Cluster): Promise<string[]> {
  const target = platformTarget();
  const dirs = [`volcano-v${target.volcano}`, `spark-operator-v${target.sparkOperator}`];
  const files = upstreamCrdFiles().filter((file) => dirs.some((dir) => file.includes(`/${dir}/`)));
  const applied = await cluster.kubectl(["apply", "--server-side", "-o", "name", ...files.flatMap((file) => ["-f", file])]);
  const names = applied.stdout.split("\n").filter(Boolean);
  await cluster.kubectl(["wait", "--for=condition=Established", "--timeout=60s", ...names]);
  // The namespaces the Helm Applications' syncs would create (CreateNamespace=true):
  // later waves bind to the charts' ServiceAccounts there (Volcano's admission grant).
  const namespaces = [...new Set(rootManifests(repoRoot).filter(isHelmSourced).map((app) => app.spec?.destination?.namespace).filter((ns): ns is string => Boolean(ns)))];
  for (const namespace of namespaces) {
    const manifest = JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
    await cluster.kubectl(["apply", "--server-side", "-f", "-"], { input: manifest });
  }
  return names;
}

/** An object of a manifest file. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: { source?: { repoURL: string; path?: string; chart?: string }; destination?: { namespace?: string } };
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
