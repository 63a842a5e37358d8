// A real Argo CD for the gitops suite, offline and without pods: the argocd/
// layer (install.yaml of the pinned release + this platform's argocd-cm patch)
// is applied to the harness's API server as scripts/bootstrap.sh applies it;
// its Deployments and StatefulSet are stored but never run. Instead the repo
// server and the application controller run as local processes of the same
// release, started the way the StatefulSet/Deployment would start them:
// - the controller reaches the cluster through client-go's in-cluster
//   configuration (as `https://kubernetes.default.svc`, the destination every
//   generated Application uses), with the token of its own ServiceAccount.
//   In-cluster configuration reads fixed paths under
//   /var/run/secrets/kubernetes.io/serviceaccount, so the controller runs under
//   `unshare -m` with a private tmpfs on /run holding them: nothing of the
//   machine is written (see ../shared/research/argo-cd-offline.md);
// - Redis is a local redis-server with the password install.yaml's init Job
//   would have put into Secret argocd-redis;
// - every path either process writes (HOME, TMPDIR, Helm's homes, GnuPG,
//   plugin sockets, kube cache) is inside the cluster's temporary directory;
// - neither process can reach beyond loopback: HTTP(S) goes to a proxy
//   address on a closed loopback port, so Helm chart repositories fail at
//   once instead of sending traffic off the machine.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { delimiter, join } from "node:path";
import { buildArgoCd, type ArgoCdBinaries } from "./argocd-build.js";
import { renderArgoCdLayer } from "./argocd-layer.js";
import type { Cluster } from "./cluster.js";
import { gitEnv } from "./git-server.js";
import type { Daemon } from "./process.js";
import { freePort } from "../support/ports.js";
import { projectServiceAccount, spawnInCluster } from "./in-cluster.js";
import { waitUntil } from "./process.js";
import { startRedis, type Redis } from "./redis.js";

export const ARGOCD_NAMESPACE = "argocd";
/** scripts/bootstrap.sh's field manager for everything it applies. */
export const BOOTSTRAP_FIELD_MANAGER = "spark-platform-bootstrap";
const ARGOCD_CRDS = ["applications.argoproj.io", "appprojects.argoproj.io", "applicationsets.argoproj.io"];
const CONTROLLER_SERVICE_ACCOUNT = "argocd-application-controller";

export interface ArgoCdOptions {
  /** The argocd/ directory to apply (the compiler's output for the served repository). */
  argocdDir: string;
  /** Extra application-controller flags, e.g. a shorter --app-resync. None by default. */
  controllerArgs?: readonly string[];
  /**
   * CA certificates (PEM) of repositories served over TLS, by host name: what a user adds to
   * argocd-tls-certs-cm, written where its mount would put them (the repo server's TLS data path).
   */
  tlsCertificates?: Record<string, string>;
}

export interface ArgoCd {
  binaries: ArgoCdBinaries;
  redis: Redis;
  repoServer: Daemon;
  controller: Daemon;
  /** Objects of the argocd/ layer, as `kind/name`. */
  layerObjects: string[];
  /** Every Application in the argocd namespace. */
  applications(): Promise<Application[]>;
  application(name: string): Promise<Application | undefined>;
  /** Sets argocd.argoproj.io/refresh, which is what Argo CD's Git webhook handler does for matching Applications. */
  refresh(names: readonly string[], mode?: "normal" | "hard"): Promise<void>;
}

/** The parts of an Application's status the suite reads. */
export interface Application {
  metadata: { name: string; creationTimestamp: string; annotations?: Record<string, string>; deletionTimestamp?: string; uid: string };
  spec: {
    project: string;
    source?: { repoURL: string; path?: string; chart?: string; targetRevision?: string };
    destination: { server?: string; namespace?: string };
  };
  status?: {
    sync?: { status: string; revision?: string };
    health?: { status: string; message?: string };
    conditions?: { type: string; message: string; lastTransitionTime?: string }[];
    reconciledAt?: string;
    resources?: { group?: string; version: string; kind: string; namespace?: string; name: string; status?: string; health?: { status: string }; hook?: boolean }[];
    operationState?: {
      phase: string;
      message?: string;
      startedAt?: string;
      finishedAt?: string;
      syncResult?: { revision: string; resources?: { group: string; kind: string; namespace: string; name: string; status: string; message: string; syncPhase?: string }[] };
    };
  };
}

/** Installs the argocd/ layer and starts Redis, the repo server and the application controller against `cluster`. */
export async function startArgoCd(cluster: Cluster, options: ArgoCdOptions): Promise<ArgoCd> {
  const binaries = await buildArgoCd();
  const dir = join(cluster.workDir, "argocd");
  const paths = {
    bin: join(dir, "bin"),
    home: join(dir, "home"),
    tmp: join(dir, "tmp"),
    helm: join(dir, "helm-working-dir"),
    config: join(dir, "app-config"),
    plugins: join(dir, "cmp-server/plugins"),
    serviceAccount: join(dir, "serviceaccount"),
    kubeCache: join(dir, "kubecache"),
  };
  for (const path of Object.values(paths)) mkdirSync(path, { recursive: true, mode: 0o700 });
  mkdirSync(join(paths.config, "tls"), { recursive: true });
  for (const [host, pem] of Object.entries(options.tlsCertificates ?? {})) writeFileSync(join(paths.config, "tls", host), pem);
  // The multi-call binary acts by the name it is started under; kustomize and helm are found on PATH.
  for (const name of ["argocd", "argocd-repo-server", "argocd-application-controller", "argocd-git-ask-pass"]) symlinkSync(binaries.argocd, join(paths.bin, name));
  symlinkSync(binaries.kustomize, join(paths.bin, "kustomize"));
  symlinkSync(binaries.helm, join(paths.bin, "helm"));

  // 1. What bootstrap applies first: the argocd/ layer, server-side.
  const layer = await renderArgoCdLayer(options.argocdDir, binaries.version);
  const applied = await cluster.kubectl(["apply", "--server-side", "--force-conflicts", `--field-manager=${BOOTSTRAP_FIELD_MANAGER}`, "-o", "name", "-f", "-"], { input: layer });
  const layerObjects = applied.stdout.split("\n").filter(Boolean);
  await cluster.kubectl(["wait", "--for=condition=Established", "--timeout=60s", ...ARGOCD_CRDS.map((crd) => `crd/${crd}`)]);

  // 2. What argocd-server and the redis-secret-init Job would have done at start.
  await cluster.kubectl(["apply", "--server-side", "--field-manager=argocd-server", "-f", "-"], { input: JSON.stringify(defaultProject()) });
  const redis = await startRedis(cluster.spawn, join(dir, "redis"));
  // On standard input, never on a command line.
  const redisSecret = { apiVersion: "v1", kind: "Secret", metadata: { name: "argocd-redis", namespace: ARGOCD_NAMESPACE }, type: "Opaque", stringData: { auth: redis.password } };
  await cluster.kubectl(["apply", "--server-side", "--field-manager=argocd-redis-secret-init", "-f", "-"], { input: JSON.stringify(redisSecret) });

  // No process may reach beyond loopback: chart repositories and anything else get a refused connection.
  const closedPort = await freePort();
  const baseEnv: NodeJS.ProcessEnv = {
    ...gitEnv(paths.home),
    PATH: [paths.bin, process.env.PATH ?? ""].join(delimiter),
    TMPDIR: paths.tmp,
    HTTP_PROXY: `http://127.0.0.1:${closedPort}`,
    HTTPS_PROXY: `http://127.0.0.1:${closedPort}`,
    http_proxy: `http://127.0.0.1:${closedPort}`,
    https_proxy: `http://127.0.0.1:${closedPort}`,
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    REDIS_PASSWORD: redis.password,
  };
  // The identity the installed StatefulSet would run as.
  for (const key of ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"]) delete baseEnv[key];

  // 3. Repo server (the Deployment's container: /usr/local/bin/argocd-repo-server, no args).
  const repoPort = await freePort();
  const repoMetricsPort = await freePort();
  const repoServer = cluster.spawn(
    "argocd-repo-server",
    join(paths.bin, "argocd-repo-server"),
    ["--address=127.0.0.1", `--port=${repoPort}`, "--metrics-address=127.0.0.1", `--metrics-port=${repoMetricsPort}`, "--disable-tls", `--redis=${redis.address}`],
    {
      ...baseEnv,
      // Without GnuPG keys mounted at /app/config/gpg/keys the repo server exits; signature verification is off.
      ARGOCD_GPG_ENABLED: "false",
      ARGOCD_GNUPGHOME: join(paths.config, "gpg/keys"),
      ARGOCD_GPG_DATA_PATH: join(paths.config, "gpg/source"),
      ARGOCD_SSH_DATA_PATH: join(paths.config, "ssh"),
      ARGOCD_TLS_DATA_PATH: join(paths.config, "tls"),
      ARGOCD_APP_CONF_PATH: paths.config,
      ARGOCD_PLUGINSOCKFILEPATH: paths.plugins,
      HELM_CACHE_HOME: paths.helm,
      HELM_CONFIG_HOME: paths.helm,
      HELM_DATA_HOME: paths.helm,
    },
  );
  await waitUntil("argocd-repo-server to listen", async () => ((await canConnect(repoPort)) ? true : undefined), {
    timeoutMs: 60_000,
    intervalMs: 500,
    daemon: repoServer,
  });

  // 4. Application controller with in-cluster configuration, as its ServiceAccount.
  await projectServiceAccount(cluster, { namespace: ARGOCD_NAMESPACE, name: CONTROLLER_SERVICE_ACCOUNT }, paths.serviceAccount);
  const controllerMetricsPort = await freePort();
  const controller = spawnInCluster(
    cluster,
    "argocd-application-controller",
    paths.serviceAccount,
    join(paths.bin, "argocd-application-controller"),
    [
      `--repo-server=127.0.0.1:${repoPort}`,
      "--repo-server-plaintext",
      `--redis=${redis.address}`,
      `--metrics-port=${controllerMetricsPort}`,
      ...(options.controllerArgs ?? []),
    ],
    { ...baseEnv, ARGOCD_CONTROLLER_REPLICAS: "1", KUBECACHEDIR: paths.kubeCache },
  );
  await waitUntil(
    "argocd-application-controller /healthz",
    async () => {
      const response = await fetch(`http://127.0.0.1:${controllerMetricsPort}/healthz`);
      return response.ok ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500, daemon: controller },
  );

  const applications = async (): Promise<Application[]> => {
    const { status, body } = await cluster.api.get<{ items: Application[] }>(`/apis/argoproj.io/v1alpha1/namespaces/${ARGOCD_NAMESPACE}/applications`);
    if (status !== 200) throw new Error(`listing Applications: HTTP ${status}`);
    return body.items;
  };
  return {
    binaries,
    redis,
    repoServer,
    controller,
    layerObjects,
    applications,
    application: async (name) => {
      const { status, body } = await cluster.api.get<Application>(`/apis/argoproj.io/v1alpha1/namespaces/${ARGOCD_NAMESPACE}/applications/${name}`);
      return status === 200 ? body : undefined;
    },
    refresh: async (names, mode = "normal") => {
      for (const name of names) {
        // An Application pruned meanwhile (the root, refreshed first, removed it) has nothing left to refresh.
        const result = await cluster.kubectl(["-n", ARGOCD_NAMESPACE, "annotate", "--overwrite", `application.argoproj.io/${name}`, `argocd.argoproj.io/refresh=${mode}`], { reject: false });
        if (result.exitCode !== 0 && !/\(NotFound\)/.test(result.stderr)) throw new Error(`refreshing Application ${name} failed (exit ${result.exitCode}): ${result.stderr}`);
      }
    },
  };
}

/** The AppProject `default` that argocd-server creates when it starts (it does not run here). */
function defaultProject(): object {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: { name: "default", namespace: ARGOCD_NAMESPACE },
    spec: {
      sourceRepos: ["*"],
      destinations: [{ server: "*", namespace: "*" }],
      clusterResourceWhitelist: [{ group: "*", kind: "*" }],
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.on("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}
