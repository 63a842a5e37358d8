// `argocd cluster add <context> --name <name>` of the pinned Argo CD (v2.14.21),
// done by the harness against two of its clusters: what the CLI does in the
// target cluster (cmd/argocd/commands/cluster.go, util/clusterauth/clusterauth.go)
// and what argocd-server's cluster service then stores in the Argo CD cluster
// (server/cluster/cluster.go, util/db/cluster.go), step for step. argocd-server
// does not run in the harness, so the harness writes that cluster Secret itself.
//
// Source lines cited below are at
// https://github.com/argoproj/argo-cd/tree/v2.14.21.
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { ARGOCD_NAMESPACE } from "./argocd.js";
import type { ApiClient, ApiResponse } from "./api.js";
import type { Cluster } from "./cluster.js";
import { waitUntil } from "./process.js";

// util/clusterauth/clusterauth.go lines 25-27.
export const ARGOCD_MANAGER_SERVICE_ACCOUNT = "argocd-manager";
export const ARGOCD_MANAGER_CLUSTER_ROLE = "argocd-manager-role";
export const ARGOCD_MANAGER_CLUSTER_ROLE_BINDING = "argocd-manager-role-binding";
/** --system-namespace's default, common.DefaultSystemNamespace (common/common.go line 56). */
export const SYSTEM_NAMESPACE = "kube-system";
/** common.BearerTokenTimeout (common/common.go line 336): how long the CLI waits for the token controller. */
const BEARER_TOKEN_TIMEOUT_MS = 30_000;
/** The label every Argo CD cluster Secret carries (common/common.go lines 175, 179). */
export const CLUSTER_SECRET_LABEL = { "argocd.argoproj.io/secret-type": "cluster" } as const;

// clusterauth.go lines 31-41: full access, resources and non-resource URLs.
const MANAGER_CLUSTER_POLICY_RULES = [
  { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
  { nonResourceURLs: ["*"], verbs: ["*"] },
];

export interface ClusterRegistration {
  /** The --name: the cluster's name in Argo CD (Applications may name it in destination.name). */
  name: string;
  /** The address Argo CD reaches the cluster at: what an Application's destination.server names. */
  server: string;
  /** The cluster Secret in the Argo CD cluster's `argocd` namespace. */
  secretName: string;
  /** The `kubernetes.io/service-account-token` Secret in the target cluster's kube-system holding Argo CD's token. */
  tokenSecretName: string;
  /** The target's /version as the registered credentials read it (argocd-server checks this before storing). */
  serverVersion: string;
}

export interface RegisterClusterOptions {
  /** --name. */
  name: string;
}

/**
 * Registers `target` with the Argo CD installed in `argocdCluster` exactly as
 * `argocd cluster add <context of target> --name <name>` would, the kubeconfig
 * context being the harness's admin context of `target`. The target needs the
 * token controller (kube-controller-manager's serviceaccount-token) running: the
 * CLI waits for it to fill the token Secret it creates.
 */
export async function registerCluster(argocdCluster: Cluster, target: Cluster, options: RegisterClusterOptions): Promise<ClusterRegistration> {
  // In the target cluster: the CLI's InstallClusterManagerRBAC (cluster.go line 150 → clusterauth.go lines 180-219).
  const { token, secretName: tokenSecretName } = await installClusterManagerRbac(target.api, SYSTEM_NAMESPACE);

  // cmdutil.NewCluster (cmd/util/cluster.go lines 70-123): the kubeconfig's host as server, its CA file read into
  // caData, the bearer token since the context has no client certificate; --name replaces the context's name
  // (cluster.go lines 162-165).
  const server = target.server;
  const caData = readFileSync(target.caFile);
  // The Go struct's field order and omitempty (pkg/apis/application/v1alpha1/types.go lines 2237-2280), as
  // json.Marshal(c.Config) writes it (util/db/cluster.go line 336): `insecure` has no omitempty.
  const config = JSON.stringify({ bearerToken: token, tlsClientConfig: { insecure: false, caData: caData.toString("base64") } });

  // argocd-server's Create (server/cluster/cluster.go lines 149-157): it first reads the server version with the
  // cluster's REST config, so a cluster it cannot reach with these credentials is never stored.
  const serverVersion = await readServerVersion(server, token, caData);

  // db.CreateCluster (util/db/cluster.go lines 104-125) with clusterToSecret (lines 325-368) and addSecretMetadata
  // (util/db/secrets.go lines 89-99), created in argocd-server's namespace.
  const secretName = uriToSecretName("cluster", server);
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: secretName, namespace: ARGOCD_NAMESPACE, labels: { ...CLUSTER_SECRET_LABEL }, annotations: { "managed-by": "argocd.argoproj.io" } },
    data: {
      server: base64(server.replace(/\/+$/, "")),
      name: base64(options.name),
      config: base64(config),
    },
  };
  const created = await argocdCluster.api.post(`/api/v1/namespaces/${ARGOCD_NAMESPACE}/secrets`, secret);
  // Without --upsert an existing cluster of the same server and another spec is refused (cluster.go lines 160-174).
  if (created.status === 409) throw new Error(`cluster ${server} is already registered (Secret ${ARGOCD_NAMESPACE}/${secretName}); argocd cluster add refuses a different spec without --upsert`);
  expectStatus(created, [201], `creating cluster Secret ${ARGOCD_NAMESPACE}/${secretName}`);
  return { name: options.name, server, secretName, tokenSecretName, serverVersion };
}

/**
 * clusterauth.InstallClusterManagerRBAC for all namespaces (no --namespace): ServiceAccount argocd-manager in
 * `namespace`, ClusterRole argocd-manager-role with every right, ClusterRoleBinding argocd-manager-role-binding,
 * then the account's bearer token.
 */
async function installClusterManagerRbac(api: ApiClient, namespace: string): Promise<{ token: string; secretName: string }> {
  // CreateServiceAccount (clusterauth.go lines 53-78): an existing one is kept.
  const account = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: ARGOCD_MANAGER_SERVICE_ACCOUNT, namespace } };
  expectStatus(await api.post(`/api/v1/namespaces/${namespace}/serviceaccounts`, account), [201, 409], `creating ServiceAccount ${namespace}/${ARGOCD_MANAGER_SERVICE_ACCOUNT}`);

  // upsertClusterRole and upsertClusterRoleBinding (lines 97-154): create, or update when it exists.
  const rbac = "/apis/rbac.authorization.k8s.io/v1";
  await upsert(api, `${rbac}/clusterroles`, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: ARGOCD_MANAGER_CLUSTER_ROLE },
    rules: MANAGER_CLUSTER_POLICY_RULES,
  });
  await upsert(api, `${rbac}/clusterrolebindings`, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: ARGOCD_MANAGER_CLUSTER_ROLE_BINDING },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: ARGOCD_MANAGER_CLUSTER_ROLE },
    subjects: [{ kind: "ServiceAccount", name: ARGOCD_MANAGER_SERVICE_ACCOUNT, namespace }],
  });

  // GetServiceAccountBearerToken (lines 225-252).
  const secretName = await getOrCreateServiceAccountTokenSecret(api, namespace, ARGOCD_MANAGER_SERVICE_ACCOUNT);
  const token = await waitUntil(
    `the token controller to fill Secret ${namespace}/${secretName} (is kube-controller-manager's serviceaccount-token controller running?)`,
    async () => {
      const { status, body } = await api.get<KubeSecret>(`/api/v1/namespaces/${namespace}/secrets/${secretName}`);
      if (status !== 200) throw new Error(`failed to get secret ${secretName}: HTTP ${status}`);
      const encoded = body.data?.token;
      return encoded === undefined ? undefined : Buffer.from(encoded, "base64").toString("utf8");
    },
    { timeoutMs: BEARER_TOKEN_TIMEOUT_MS, intervalMs: 500 },
  );
  return { token, secretName };
}

/**
 * getOrCreateServiceAccountTokenSecret and createServiceAccountToken (clusterauth.go lines 258-332): a
 * service-account-token Secret the account already lists is reused; otherwise, as Kubernetes 1.24+ no longer makes
 * one, the CLI creates `argocd-manager-token-<random>` for the token controller to fill and lists it on the account
 * with a strategic merge patch of the whole account as read.
 */
async function getOrCreateServiceAccountTokenSecret(api: ApiClient, namespace: string, name: string): Promise<string> {
  const { status, body: account } = await api.get<KubeServiceAccount>(`/api/v1/namespaces/${namespace}/serviceaccounts/${name}`);
  if (status !== 200) throw new Error(`failed to get serviceaccount ${name}: HTTP ${status}`);
  for (const reference of account.secrets ?? []) {
    const existing = await api.get<KubeSecret>(`/api/v1/namespaces/${namespace}/secrets/${reference.name}`);
    if (existing.status !== 200) throw new Error(`failed to retrieve secret ${reference.name}: HTTP ${existing.status}`);
    if (existing.body.type === "kubernetes.io/service-account-token") return reference.name;
  }

  const created = await api.post<KubeSecret>(`/api/v1/namespaces/${namespace}/secrets`, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { generateName: `${name}-token-`, namespace, annotations: { "kubernetes.io/service-account.name": name } },
    type: "kubernetes.io/service-account-token",
  });
  expectStatus(created, [201], `creating the token Secret of serviceaccount ${name}`);
  const secretName = created.body.metadata.name;
  const patch = { ...account, secrets: [{ name: secretName, namespace }] };
  const patched = await api.request("PATCH", `/api/v1/namespaces/${namespace}/serviceaccounts/${name}`, patch, {
    "content-type": "application/strategic-merge-patch+json",
  });
  expectStatus(patched, [200], `patching serviceaccount ${name} with its bearer token secret`);
  return secretName;
}

/** The `upsert` of clusterauth.go lines 80-95 for a cluster-scoped object: create, or update it on AlreadyExists. */
async function upsert(api: ApiClient, collection: string, object: { kind: string; metadata: { name: string }; [field: string]: unknown }): Promise<void> {
  const created = await api.post(collection, object);
  if (created.status === 409) {
    expectStatus(await api.request("PUT", `${collection}/${object.metadata.name}`, object), [200], `updating ${object.kind} ${object.metadata.name}`);
    return;
  }
  expectStatus(created, [201], `creating ${object.kind} ${object.metadata.name}`);
}

/** GET /version with the registered credentials only: what kubectl.GetServerVersion does with the cluster's REST config. */
function readServerVersion(server: string, token: string, ca: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const agent = new Agent({ ca });
    const req = request(new URL("/version", server), { agent, headers: { authorization: `Bearer ${token}`, accept: "application/json" } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        agent.destroy();
        if (res.statusCode !== 200) reject(new Error(`error getting server version of ${server}: HTTP ${res.statusCode} ${text}`));
        else resolve((JSON.parse(text) as { gitVersion: string }).gitVersion);
      });
    });
    req.on("error", (error) => {
      agent.destroy();
      reject(error);
    });
    req.end();
  });
}

/**
 * util/db/secrets.go URIToSecretName (lines 162-187): `<type>-<host without port, lower case>-<FNV-32a of the
 * whole URI, decimal>`; IPv6 hosts have their colons replaced by dashes.
 */
export function uriToSecretName(uriType: string, uri: string): string {
  const parsed = new URL(uri);
  const host = parsed.hostname.startsWith("[") ? parsed.hostname.slice(1, -1).replaceAll(":", "-") : parsed.hostname;
  return `${uriType}-${host.toLowerCase()}-${fnv32a(uri)}`;
}

/** hash/fnv New32a over the string's UTF-8 bytes. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

function expectStatus(response: ApiResponse, expected: readonly number[], what: string): void {
  if (!expected.includes(response.status)) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
}

interface KubeSecret {
  metadata: { name: string };
  type?: string;
  data?: Record<string, string>;
}

interface KubeServiceAccount {
  metadata: { name: string; namespace: string };
  secrets?: { name: string; namespace?: string }[];
}
