// A disposable control plane: etcd + kube-apiserver in a fresh temporary
// directory, plus any components a suite adds (controller-manager, scheduler,
// operators) through `spawn`, all stopped together.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiClient } from "./api.js";
import { startApiServer, waitForApiServer } from "./apiserver.js";
import { buildKubernetesBinary, targetKubernetesVersion } from "./build.js";
import { startEtcd, waitForEtcd } from "./etcd.js";
import { kubectlFor, type Kubectl } from "./kubectl.js";
import { Daemon } from "./process.js";
import { Reaper } from "./reaper.js";

export interface Cluster {
  /** Kubernetes version the API server was built at, e.g. v1.28.15. */
  readonly version: string;
  readonly server: string;
  readonly token: string;
  /** Kubeconfig for the admin token (system:masters). */
  readonly kubeconfig: string;
  /** CA bundle of the API server's serving certificate. */
  readonly caFile: string;
  /** Key that signs service-account tokens. */
  readonly serviceAccountKeyFile: string;
  readonly etcdUrl: string;
  /** Temporary directory holding data, keys and logs; removed by stop(). */
  readonly workDir: string;
  readonly kubectl: Kubectl;
  readonly api: ApiClient;
  /** Starts another process that lives and dies with the cluster; its log goes to workDir/<name>.log. */
  spawn(name: string, command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Daemon;
  /** Stops every process (newest first) and removes workDir. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Extra kube-apiserver flags, appended after the harness's own. */
  apiServerArgs?: readonly string[];
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const version = targetKubernetesVersion();
  const binary = await buildKubernetesBinary("kube-apiserver");
  const workDir = mkdtempSync(join(tmpdir(), "spark-platform-cluster-"));
  const reaper = new Reaper(workDir);
  const daemons: Daemon[] = [];
  const track = (daemon: Daemon): Daemon => {
    daemons.push(daemon);
    reaper.track(daemon.pid);
    return daemon;
  };

  let api: ApiClient | undefined;
  const stop = async (): Promise<void> => {
    api?.close();
    for (const daemon of [...daemons].reverse()) await daemon.stop();
    rmSync(workDir, { recursive: true, force: true });
    reaper.release();
  };

  try {
    const etcd = await startEtcd(workDir);
    track(etcd.daemon);
    await waitForEtcd(etcd);

    const apiServer = await startApiServer({ binary, version, workDir, etcdUrl: etcd.clientUrl, extraArgs: options.apiServerArgs });
    track(apiServer.daemon);
    api = new ApiClient(apiServer.server, apiServer.token, apiServer.caFile);
    await waitForApiServer(apiServer, api);

    const kubeconfig = join(workDir, "kubeconfig");
    writeFileSync(kubeconfig, kubeconfigFor(apiServer.server, apiServer.caFile, apiServer.token), { mode: 0o600 });

    return {
      version,
      server: apiServer.server,
      token: apiServer.token,
      kubeconfig,
      caFile: apiServer.caFile,
      serviceAccountKeyFile: apiServer.serviceAccountKeyFile,
      etcdUrl: etcd.clientUrl,
      workDir,
      kubectl: kubectlFor(kubeconfig),
      api,
      spawn: (name, command, args, env) => track(Daemon.start(name, command, args, join(workDir, `${name}.log`), env)),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function kubeconfigFor(server: string, caFile: string, token: string): string {
  // JSON is valid YAML, and kubectl reads either.
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "harness", cluster: { server, "certificate-authority": caFile } }],
    users: [{ name: "harness-admin", user: { token } }],
    contexts: [{ name: "harness", context: { cluster: "harness", user: "harness-admin" } }],
    "current-context": "harness",
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
