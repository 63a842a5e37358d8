// Several clusters under one Argo CD: two real API servers (the local
// cluster, where Argo CD runs, and `staging`) and one real Argo CD (the
// harness's repo server and application controller, ../harness/argocd.ts).
// The second cluster is registered the way `argocd cluster add <context>
// --name staging` does it (../harness/argocd-clusters.ts), and Applications
// served by a git daemon land in the cluster their destination names:
// 1. registration: argocd-manager with its ClusterRole and token in staging,
//    the cluster Secret in the local cluster's argocd namespace;
// 2. an Application whose destination is staging's server is refused while
//    Argo CD does not know the cluster, and Synced and Healthy once it does,
//    its objects in staging only;
// 3. an Application whose destination is in-cluster lands in the local
//    cluster only;
// 4. a change committed to one environment's directory reaches its cluster
//    only, and the commit promoting it to the next environment reaches only
//    that one, changing nothing else.
// Argo CD's processes have HTTP(S)_PROXY pointing at a closed loopback port so
// that nothing leaves the machine; the second API server at 127.0.0.1 is
// reached directly all the same, as Go never proxies a loopback address
// (net/http's ProxyFromEnvironment, golang.org/x/net/http/httpproxy useProxy)
// and the harness's NO_PROXY names 127.0.0.1 and localhost besides.
// Tests run in order and share the clusters.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ARGOCD_MANAGER_CLUSTER_ROLE, ARGOCD_MANAGER_CLUSTER_ROLE_BINDING, ARGOCD_MANAGER_SERVICE_ACCOUNT, CLUSTER_SECRET_LABEL, registerCluster, SYSTEM_NAMESPACE, type ClusterRegistration } from "../harness/argocd-clusters.js";
import { ARGOCD_NAMESPACE, startArgoCd, type Application, type ArgoCd } from "../harness/argocd.js";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { startControllerManager } from "../harness/controller-manager.js";
import { startGitDaemon, WorkTree, type GitDaemon } from "../harness/git-server.js";
import { waitUntil } from "../harness/process.js";
import { repoRoot } from "../support/paths.js";

const STAGING = "staging";
const IN_CLUSTER = "https://kubernetes.default.svc";
const REPOSITORY = "environments.git";
const BRANCH = "main";
const NAMESPACE = "environment-proof";
const TIMEOUT_MS = 3 * 60_000;

let local: Cluster | undefined;
let staging: Cluster | undefined;
let argocd: ArgoCd;
let git: GitDaemon;
let registration: ClusterRegistration;
let tree: WorkTree;
let repository: string;
const startedAt = Date.now();
const log = (line: string): boolean => process.stdout.write(`[gitops environments] ${line}\n`);
const since = (start: number): string => `${((Date.now() - start) / 1000).toFixed(1)} s`;

/** What each environment's directory of the served repository holds: its namespace and a ConfigMap named after it. */
function environmentManifests(environment: string, settings: Record<string, string> = {}): string {
  const objects = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } },
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${environment}-only`, namespace: NAMESPACE }, data: { environment, ...settings } },
  ];
  return objects.map((object) => stringify(object)).join("---\n");
}

function application(name: string, path: string, server: string): object {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name, namespace: ARGOCD_NAMESPACE },
    spec: {
      project: "default",
      source: { repoURL: git.url(REPOSITORY), targetRevision: BRANCH, path },
      destination: { server, namespace: NAMESPACE },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  };
}

async function applyApplication(manifest: object): Promise<void> {
  await local!.kubectl(["apply", "--server-side", "--field-manager=environments-suite", "-f", "-"], { input: JSON.stringify(manifest) });
}

async function waitForApplication(name: string, what: string, ready: (app: Application) => boolean): Promise<Application> {
  let last: Application | undefined;
  try {
    return await waitUntil(
      `Application ${name} ${what}`,
      async () => {
        last = await argocd.application(name);
        return last && ready(last) ? last : undefined;
      },
      { timeoutMs: TIMEOUT_MS, intervalMs: 500, daemon: argocd.controller },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\nlast status of ${name}: ${JSON.stringify(last?.status ?? "absent")}`);
  }
}

const isSyncedAndHealthy = (app: Application): boolean =>
  app.status?.sync?.status === "Synced" && app.status.health?.status === "Healthy" && app.status.operationState?.phase === "Succeeded";

interface StoredConfigMap {
  metadata: { resourceVersion: string };
  data?: Record<string, string>;
}

async function configMapIn(cluster: Cluster, name: string): Promise<StoredConfigMap | undefined> {
  const { status, body } = await cluster.api.get<StoredConfigMap>(`/api/v1/namespaces/${NAMESPACE}/configmaps/${name}`);
  if (status === 404) return undefined;
  if (status !== 200) throw new Error(`reading ConfigMap ${NAMESPACE}/${name} from ${cluster.server}: HTTP ${status}`);
  return body;
}

beforeAll(async () => {
  local = await startCluster();
  staging = await startCluster();
  // The token controller fills the token Secret argocd cluster add creates; nothing else of a controller manager is needed.
  await startControllerManager(staging, { controllers: ["serviceaccount-token"] });
  log(`clusters: local ${local.server}, ${STAGING} ${staging.server} (${since(startedAt)})`);

  const home = join(local.workDir, "git-home");
  git = await startGitDaemon(local.spawn, join(local.workDir, "git"), home);
  tree = await WorkTree.init(join(local.workDir, "environments"), home);
  tree.writeFile("local/objects.yaml", environmentManifests("local"));
  tree.writeFile(`${STAGING}/objects.yaml`, environmentManifests(STAGING));
  await tree.commitAll("two environments");
  repository = await git.createRepository(REPOSITORY);
  await tree.push(repository, BRANCH);

  // The argocd/ layer of this checkout, applied as bootstrap applies it; only the local cluster runs Argo CD.
  argocd = await startArgoCd(local, { argocdDir: join(repoRoot, "argocd") });
  log(`Argo CD up (${since(startedAt)})`);
});

afterAll(async () => {
  await staging?.stop();
  await local?.stop();
  log(`file's runtime: ${since(startedAt)}`);
});

describe("one Argo CD, two clusters", () => {
  it("an Application for a cluster Argo CD has not been told about is refused, naming the server", async () => {
    await applyApplication(application(`${STAGING}-proof`, STAGING, staging!.server));
    const app = await waitForApplication(`${STAGING}-proof`, "to report its unknown destination", (candidate) =>
      (candidate.status?.conditions ?? []).some((condition) => condition.type === "InvalidSpecError"),
    );
    const messages = (app.status?.conditions ?? []).map((condition) => condition.message).join(" | ");
    // ValidateDestination looks the server up among the registered clusters first (util/argo/argo.go at v2.14.21, lines 524-527 and 1025-1028).
    expect(messages).toContain(`unable to find destination server: error getting cluster name by server "${staging!.server}"`);
    expect(messages).toContain(`cluster "${staging!.server}" not found`);
    expect(await configMapIn(staging!, `${STAGING}-only`)).toBeUndefined();
  });

  it("argocd cluster add --name staging: argocd-manager with every right and a token in staging, the cluster Secret in the local cluster", async () => {
    const start = Date.now();
    registration = await registerCluster(local!, staging!, { name: STAGING });
    log(`registered ${STAGING} as ${registration.server} in ${since(start)} (server version ${registration.serverVersion})`);
    expect(registration.serverVersion).toBe(staging!.version);

    // In staging: the account, its ClusterRole and binding, and the token Secret it lists.
    const account = await staging!.api.get<{ secrets?: { name: string }[] }>(`/api/v1/namespaces/${SYSTEM_NAMESPACE}/serviceaccounts/${ARGOCD_MANAGER_SERVICE_ACCOUNT}`);
    expect(account.status).toBe(200);
    expect(account.body.secrets?.map((secret) => secret.name)).toEqual([registration.tokenSecretName]);
    const role = await staging!.api.get<{ rules: unknown[] }>(`/apis/rbac.authorization.k8s.io/v1/clusterroles/${ARGOCD_MANAGER_CLUSTER_ROLE}`);
    expect(role.body.rules).toEqual([
      { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
      { nonResourceURLs: ["*"], verbs: ["*"] },
    ]);
    const binding = await staging!.api.get<{ roleRef: { name: string }; subjects: unknown[] }>(
      `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${ARGOCD_MANAGER_CLUSTER_ROLE_BINDING}`,
    );
    expect(binding.body.roleRef.name).toBe(ARGOCD_MANAGER_CLUSTER_ROLE);
    expect(binding.body.subjects).toEqual([{ kind: "ServiceAccount", name: ARGOCD_MANAGER_SERVICE_ACCOUNT, namespace: SYSTEM_NAMESPACE }]);
    const tokenSecret = await staging!.api.get<{ type: string; metadata: { annotations: Record<string, string> }; data: Record<string, string> }>(
      `/api/v1/namespaces/${SYSTEM_NAMESPACE}/secrets/${registration.tokenSecretName}`,
    );
    expect(registration.tokenSecretName).toMatch(new RegExp(`^${ARGOCD_MANAGER_SERVICE_ACCOUNT}-token-[a-z0-9]{5}$`));
    expect(tokenSecret.body.type).toBe("kubernetes.io/service-account-token");
    expect(tokenSecret.body.metadata.annotations["kubernetes.io/service-account.name"]).toBe(ARGOCD_MANAGER_SERVICE_ACCOUNT);

    // In the local cluster's argocd namespace: the cluster Secret, holding that token and staging's CA.
    const secret = await local!.api.get<{ metadata: { labels: Record<string, string>; annotations: Record<string, string> }; data: Record<string, string> }>(
      `/api/v1/namespaces/${ARGOCD_NAMESPACE}/secrets/${registration.secretName}`,
    );
    expect(secret.status).toBe(200);
    expect(secret.body.metadata.labels).toEqual(CLUSTER_SECRET_LABEL);
    expect(secret.body.metadata.annotations).toEqual({ "managed-by": "argocd.argoproj.io" });
    const decoded = Object.fromEntries(Object.entries(secret.body.data).map(([key, value]) => [key, Buffer.from(value, "base64").toString("utf8")]));
    expect(Object.keys(decoded).sort()).toEqual(["config", "name", "server"]);
    expect(decoded.name).toBe(STAGING);
    expect(decoded.server).toBe(staging!.server);
    const config = JSON.parse(decoded.config) as { bearerToken: string; tlsClientConfig: { insecure: boolean; caData: string } };
    expect(config.bearerToken).toBe(Buffer.from(tokenSecret.body.data.token, "base64").toString("utf8"));
    expect(config.bearerToken).not.toBe(staging!.token);
    expect(config.tlsClientConfig).toEqual({ insecure: false, caData: readFileSync(staging!.caFile).toString("base64") });

    // The token is argocd-manager's, as staging's API server authenticates it.
    const review = await staging!.api.post<{ status: { authenticated?: boolean; user?: { username: string } } }>("/apis/authentication.k8s.io/v1/tokenreviews", {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenReview",
      spec: { token: config.bearerToken },
    });
    expect(review.body.status.authenticated).toBe(true);
    expect(review.body.status.user?.username).toBe(`system:serviceaccount:${SYSTEM_NAMESPACE}:${ARGOCD_MANAGER_SERVICE_ACCOUNT}`);
  });

  it("once registered, the Application whose destination is staging's server is Synced and Healthy, its objects in staging and not in the local cluster", async () => {
    const start = Date.now();
    // Argo CD re-evaluates an Application on its next reconciliation; a refresh asks for it now.
    await argocd.refresh([`${STAGING}-proof`]);
    const app = await waitForApplication(`${STAGING}-proof`, "to be Synced and Healthy", isSyncedAndHealthy);
    log(`${STAGING}-proof Synced and Healthy ${since(start)} after the refresh`);
    expect(app.status?.conditions ?? []).toEqual([]);
    expect(app.status?.sync?.revision).toBe(await git.lsRemote(REPOSITORY, BRANCH));
    expect((app.status?.resources ?? []).map((resource) => `${resource.kind}/${resource.name}:${resource.status}`).sort()).toEqual([
      `ConfigMap/${STAGING}-only:Synced`,
      `Namespace/${NAMESPACE}:Synced`,
    ]);

    expect((await configMapIn(staging!, `${STAGING}-only`))?.data).toEqual({ environment: STAGING });
    expect(await configMapIn(local!, `${STAGING}-only`)).toBeUndefined();
    expect((await local!.api.get(`/api/v1/namespaces/${NAMESPACE}`)).status).toBe(404);
  });

  it("the Application whose destination is in-cluster lands in the local cluster only", async () => {
    const start = Date.now();
    await applyApplication(application("local-proof", "local", IN_CLUSTER));
    const app = await waitForApplication("local-proof", "to be Synced and Healthy", isSyncedAndHealthy);
    log(`local-proof Synced and Healthy ${since(start)} after it was applied`);
    expect(app.status?.conditions ?? []).toEqual([]);

    expect((await configMapIn(local!, "local-only"))?.data).toEqual({ environment: "local" });
    expect(await configMapIn(staging!, "local-only")).toBeUndefined();
    // And staging still holds exactly what its Application manages.
    expect((await configMapIn(staging!, `${STAGING}-only`))?.data).toEqual({ environment: STAGING });
  });
});

describe("a change reaches one environment, and its promotion the next, with no other effect", () => {
  const CHANGE = { sparkVersion: "4.0.0" };

  /** Commits, pushes and refreshes both Applications (what Argo CD's Git webhook handler does on a push); waits for both to be Synced at the commit. */
  async function publish(message: string): Promise<string> {
    const commit = await tree.commitAll(message);
    await tree.push(repository, BRANCH);
    const start = Date.now();
    await argocd.refresh([`${STAGING}-proof`, "local-proof"]);
    for (const name of [`${STAGING}-proof`, "local-proof"]) {
      await waitForApplication(name, `to be Synced and Healthy at ${commit}`, (app) => isSyncedAndHealthy(app) && app.status?.sync?.revision === commit);
    }
    log(`"${message}": both Applications Synced at ${commit.slice(0, 7)} ${since(start)} after the refresh`);
    return commit;
  }

  /** The resourceVersion of every object either Application manages, in either cluster: what changes when anything is written. */
  async function versions(): Promise<Record<string, string>> {
    const result: Record<string, string> = {};
    for (const [clusterName, cluster] of [["local", local!], [STAGING, staging!]] as const) {
      const namespace = await cluster.api.get<{ metadata: { resourceVersion: string } }>(`/api/v1/namespaces/${NAMESPACE}`);
      result[`${clusterName}: Namespace/${NAMESPACE}`] = namespace.body.metadata.resourceVersion;
      const configMap = await configMapIn(cluster, `${clusterName}-only`);
      result[`${clusterName}: ConfigMap/${clusterName}-only`] = configMap!.metadata.resourceVersion;
    }
    return result;
  }

  it("a commit to local's directory changes the local cluster only", async () => {
    const before = await versions();
    tree.writeFile("local/objects.yaml", environmentManifests("local", CHANGE));
    await publish("local: Spark 4.0.0");

    expect((await configMapIn(local!, "local-only"))?.data).toEqual({ environment: "local", ...CHANGE });
    expect((await configMapIn(staging!, `${STAGING}-only`))?.data).toEqual({ environment: STAGING });
    const after = await versions();
    const changed = Object.keys(after).filter((key) => after[key] !== before[key]);
    expect(changed).toEqual(["local: ConfigMap/local-only"]);
  });

  it("the promotion commit moves that change to staging and has no other effect", async () => {
    const before = await versions();
    tree.writeFile(`${STAGING}/objects.yaml`, environmentManifests(STAGING, CHANGE));
    await publish("promote local to staging: Spark 4.0.0");

    expect((await configMapIn(staging!, `${STAGING}-only`))?.data).toEqual({ environment: STAGING, ...CHANGE });
    expect((await configMapIn(local!, "local-only"))?.data).toEqual({ environment: "local", ...CHANGE });
    const after = await versions();
    const changed = Object.keys(after).filter((key) => after[key] !== before[key]);
    expect(changed).toEqual([`${STAGING}: ConfigMap/${STAGING}-only`]);
  });
});
