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
//    cluster only.
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
const startedAt = Date.now();
const log = (line: string): boolean => process.stdout.write(`[gitops environments] ${line}\n`);
const since = (start: number): string => `${((Date.now() - start) / 1000).toFixed(1)} s`;

/** What each environment's directory of the served repository holds: its namespace and a ConfigMap named after it. */
function environmentManifests(environment: string): string {
  const objects = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } },
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${environment}-only`, namespace: NAMESPACE }, data: { environment } },
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

async function configMapIn(cluster: Cluster, name: string): Promise<{ data?: Record<string, string> } | undefined> {
  const { status, body } = await cluster.api.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${NAMESPACE}/configmaps/${name}`);
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
  const tree = await WorkTree.init(join(local.workDir, "environments"), home);
  tree.writeFile("local/objects.yaml", environmentManifests("local"));
  tree.writeFile(`${STAGING}/objects.yaml`, environmentManifests(STAGING));
  await tree.commitAll("two environments");
  await tree.push(await git.createRepository(REPOSITORY), BRANCH);

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
