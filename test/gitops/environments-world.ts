// The environments proof's world: two real API servers (the local cluster,
// where Argo CD runs, and `staging`), each with what a cluster runs for the
// platform's charts (./environments-platform.ts), one git daemon serving a
// copy of this working tree with environments/staging.yaml added (its
// cluster.server the second API server's address, as Argo CD reaches it) and
// one team limited to `local`, compiled by the real CLI, a Helm chart
// repository on loopback for both, and one real Argo CD in the local cluster.
// The second cluster is registered only when the suite says so
// (registerStaging), so that it can show Argo CD refusing it before.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments, parseDocument, stringify, type YAMLMap } from "yaml";
import { registerCluster, type ClusterRegistration } from "../harness/argocd-clusters.js";
import { ARGOCD_NAMESPACE, BOOTSTRAP_FIELD_MANAGER, startArgoCd, type ArgoCd } from "../harness/argocd.js";
import type { ChartWorkloads } from "../harness/chart-pods.js";
import { platformCharts, startChartRepository, type ChartRepository, type PlatformChart } from "../harness/chart-repo.js";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { publishCheckout, startGitDaemon, WorkTree, type GitDaemon } from "../harness/git-server.js";
import { platformNodes, type SimulatedNode } from "../harness/kwok.js";
import { run } from "../harness/process.js";
import { ensureSparkHome, requireJava } from "../harness/spark-home.js";
import { SPARK_VERSION } from "../flow/simulation.js";
import { repoRoot } from "../support/paths.js";
import { startPlatformRuntime, type PlatformApplication } from "./environments-platform.js";

export const STAGING = "staging";
export const BRANCH = "environments-suite";
export const REPOSITORY = "platform.git";
/** The team the suite limits to `environments: [local]`. */
export const LOCAL_ONLY_TEAM = "theta";
export const QUOTA_SCALE = 2;

/**
 * Two clusters on one machine share its one non-loopback address, where the charts' webhooks listen (the API
 * server refuses loopback endpoints; kwok.ts hostAddress): staging's webhooks need other ports than local's.
 * A chart value that differs per environment, as environments/<name>.yaml allows.
 */
export const STAGING_WEBHOOK_PORTS = {
  volcano: { values: { basic: { admission_port: 8444 } } },
  sparkOperator: { values: { webhook: { port: 9444 } } },
};

/** staging's capacity: room for every team's quota times QUOTA_SCALE. */
const STAGING_NODE_POOL = { name: "workers", count: 4, cpu: "16", memory: "64Gi" };

export interface EnvironmentsWorld {
  local: Cluster;
  staging: Cluster;
  argocd: ArgoCd;
  git: GitDaemon;
  tree: WorkTree;
  repoURL: string;
  charts: ChartRepository;
  workloads: { local: ChartWorkloads; staging: ChartWorkloads };
  /** Registers staging with Argo CD as `argocd cluster add <staging's context> --name staging` does. */
  registerStaging(): Promise<ClusterRegistration>;
  /** Rebuilds generated/ and argocd/ of the work tree with this checkout's compiler. */
  compile(): Promise<void>;
  /** Commits the work tree, pushes it to the served branch; returns the commit. */
  publish(message: string): Promise<string>;
  /** Applies argocd/root-application.yaml of the work tree, as bootstrap's last step. */
  applyRootApplication(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEnvironmentsWorld(): Promise<EnvironmentsWorld> {
  // Webhooks are reached through their Services' endpoints: no kube-proxy runs here (as in ./platform.ts).
  const apiServerArgs = ["--enable-aggregator-routing=true"];
  const local = await startCluster({ apiServerArgs });
  let staging: Cluster | undefined;
  let charts: ChartRepository | undefined;
  const workloads: ChartWorkloads[] = [];
  const stop = async (): Promise<void> => {
    for (const runtime of workloads) runtime.stop();
    await staging?.stop();
    await local.stop();
    await charts?.stop();
  };
  try {
    staging = await startCluster({ apiServerArgs });
    const home = join(local.workDir, "git-home");
    const git = await startGitDaemon(local.spawn, join(local.workDir, "git"), home);
    const repoURL = git.url(REPOSITORY);
    await publishCheckout(git.baseDir, repoURL, BRANCH, home);
    const repository = join(git.baseDir, REPOSITORY);
    const tree = await WorkTree.clone(repository, BRANCH, join(local.workDir, "platform"), home);
    const compile = async (): Promise<void> => {
      const result = await run("node", [join(repoRoot, "dist/src/cli/main.js"), "build", "--dir", tree.dir], { reject: false });
      if (result.exitCode !== 0) throw new Error(`the compiler refused ${tree.dir} (exit ${result.exitCode}):\n${result.stdout}${result.stderr}`);
    };
    const publish = async (message: string): Promise<string> => {
      const commit = await tree.commitAll(message);
      await tree.push(repository, BRANCH);
      return commit;
    };

    // The inputs: staging's file, and one team in local only. Then the charts from a loopback repository.
    tree.writeFile(`environments/${STAGING}.yaml`, stagingFile(staging.server));
    limitTeam(tree, LOCAL_ONLY_TEAM, ["local"]);
    await compile();
    charts = await startChartRepository(uniqueCharts([...platformCharts(join(tree.dir, "generated/applications/platform.yaml")), ...platformCharts(stagingApplicationsFile(tree.dir))]), local);
    pointChartsAt(tree, charts.url);
    await compile();
    await publish(`environments suite: environment ${STAGING} at ${staging.server}, ${LOCAL_ONLY_TEAM} in local only, the charts from the loopback chart repository`);

    const env = { SPARK_HOME: await ensureSparkHome(SPARK_VERSION), JAVA_HOME: await requireJava() };
    workloads.push(
      await startPlatformRuntime(local, { applications: localApplications(tree.dir).filter((app) => app.spec.project === "platform" && !isAppOfApps(app)), nodes: platformNodes(join(tree.dir, "platform.yaml")), env }),
    );
    workloads.push(
      await startPlatformRuntime(staging, {
        applications: stagingApplications(tree.dir).filter((app) => app.spec.project === `${STAGING}-platform` && !isAppOfApps(app)),
        nodes: poolNodes(STAGING, [STAGING_NODE_POOL]),
        env,
      }),
    );

    const argocd = await startArgoCd(local, { argocdDir: join(tree.dir, "argocd"), tlsCertificates: { [new URL(charts.url).hostname]: charts.caPem } });
    const target = staging;
    return {
      local,
      staging,
      argocd,
      git,
      tree,
      repoURL,
      charts,
      workloads: { local: workloads[0], staging: workloads[1] },
      registerStaging: () => registerCluster(local, target, { name: STAGING }),
      compile,
      publish,
      applyRootApplication: async () => {
        await local.kubectl(["apply", "--server-side", "--force-conflicts", `--field-manager=${BOOTSTRAP_FIELD_MANAGER}`, "-f", join(tree.dir, "argocd/root-application.yaml")]);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** An Application that deploys Applications (environments.yaml's environment-<name>): Argo CD's own namespace runs no chart. */
const isAppOfApps = (app: PlatformApplication): boolean => app.spec.destination.namespace === ARGOCD_NAMESPACE;

function stagingFile(server: string): string {
  const environment = {
    name: STAGING,
    cluster: {
      server,
      kubernetesVersion: "1.28",
      // apiserver.ts: the harness's Service range, and its API server on loopback.
      network: { serviceCIDR: "10.43.0.0/16", apiServer: { cidrs: ["127.0.0.1/32"], port: Number(new URL(server).port) } },
      nodePools: [STAGING_NODE_POOL],
    },
    quotaScale: QUOTA_SCALE,
    components: STAGING_WEBHOOK_PORTS,
  };
  return `# yaml-language-server: $schema=../schemas/environment.schema.json\n${stringify(environment)}`;
}

function limitTeam(tree: WorkTree, team: string, environments: string[]): void {
  const file = join(tree.dir, "teams", `${team}.yaml`);
  const document = parseDocument(readFileSync(file, "utf8"));
  document.set("environments", environments);
  tree.writeFile(`teams/${team}.yaml`, document.toString());
}

/** Sets components.<name>.chart.repoURL of platform.yaml to `url` for every chart-installed component (every environment inherits it). */
function pointChartsAt(tree: WorkTree, url: string): void {
  const file = join(tree.dir, "platform.yaml");
  const document = parseDocument(readFileSync(file, "utf8"));
  const components = document.get("components") as YAMLMap<{ value: string }, unknown> | undefined;
  for (const item of components?.items ?? []) {
    if (document.getIn(["components", item.key.value, "chart", "repoURL"]) !== undefined) document.setIn(["components", item.key.value, "chart", "repoURL"], url);
  }
  tree.writeFile("platform.yaml", document.toString());
}

function uniqueCharts(charts: PlatformChart[]): PlatformChart[] {
  const seen = new Map<string, PlatformChart>();
  for (const chart of charts) seen.set(`${chart.chart}@${chart.version}`, chart);
  return [...seen.values()];
}

/** KWOK nodes for an environment's node pools: <env>-<pool>-<i>. */
function poolNodes(environment: string, pools: { name: string; count: number; cpu: string; memory: string }[]): SimulatedNode[] {
  return pools.flatMap((pool) => Array.from({ length: pool.count }, (_, i) => ({ name: `${environment}-${pool.name}-${i}`, role: "agent" as const, cpu: pool.cpu, memory: pool.memory })));
}

export function stagingApplicationsFile(treeDir: string): string {
  const file = join(treeDir, "generated/environments", STAGING, "applications/platform.yaml");
  if (!existsSync(file)) throw new Error(`${file} not found: the compiler wrote no output for environments/${STAGING}.yaml`);
  return file;
}

/** Every object of the YAML files of a directory (not recursive), in file order. */
function objectsIn(dir: string): PlatformApplication[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith(".yaml") && file !== "kustomization.yaml")
    .sort()
    .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), "utf8")).map((doc) => doc.toJS() as PlatformApplication & { kind: string }))
    .filter((object) => object?.kind === "Application");
}

/** local's Applications (generated/applications, its tenants/ too), environments.yaml's app-of-apps included. */
export function localApplications(treeDir: string): PlatformApplication[] {
  const dir = join(treeDir, "generated/applications");
  return [...objectsIn(dir), ...objectsIn(join(dir, "tenants"))];
}

/** staging's Applications (generated/environments/staging/applications, its tenants/ too). */
export function stagingApplications(treeDir: string): PlatformApplication[] {
  const dir = join(treeDir, "generated/environments", STAGING, "applications");
  return [...objectsIn(dir), ...objectsIn(join(dir, "tenants"))];
}
