// A local process with the in-cluster configuration a pod's container has:
// its ServiceAccount's token, the cluster CA and the namespace at
// /var/run/secrets/kubernetes.io/serviceaccount, and KUBERNETES_SERVICE_HOST
// and _PORT naming the API server. The files live on a private tmpfs mounted
// on /run under `unshare --mount` (/var/run is /run), so nothing of this
// machine's /run is touched and each process sees only its own token. Every
// call the process makes is then allowed or refused by that ServiceAccount's
// RBAC, as in a cluster.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Cluster } from "./cluster.js";
import { run, type Daemon } from "./process.js";

export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

/** Writes token (a TokenRequest for the account), ca.crt and namespace into `dir`, as the kubelet projects them. */
export async function projectServiceAccount(cluster: Cluster, account: ServiceAccountRef, dir: string): Promise<string> {
  const token = (await cluster.kubectl(["-n", account.namespace, "create", "token", account.name, "--duration=24h"])).stdout.trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, "token"), token, { mode: 0o600 });
  writeFileSync(join(dir, "namespace"), account.namespace);
  writeFileSync(join(dir, "ca.crt"), readFileSync(cluster.caFile, "utf8"));
  return dir;
}

const IN_PRIVATE_RUN = [
  "set -e",
  // -n: write no mount table (/run/mount/utab) either.
  "mount -n -t tmpfs -o mode=0755,size=4m tmpfs /run",
  "mkdir -p /run/secrets/kubernetes.io/serviceaccount",
  'cp "$1/token" "$1/ca.crt" "$1/namespace" /run/secrets/kubernetes.io/serviceaccount/',
  "shift",
  'exec "$@"',
].join("\n");

/** Starts `command` with in-cluster configuration from `serviceAccountDir` (see projectServiceAccount). */
export function spawnInCluster(cluster: Cluster, name: string, serviceAccountDir: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Daemon {
  const api = new URL(cluster.server);
  const { KUBECONFIG: _ignored, ...inherited } = env;
  return cluster.spawn(name, "unshare", ["--mount", "--propagation=private", "sh", "-c", IN_PRIVATE_RUN, "in-cluster", serviceAccountDir, command, ...args], {
    ...inherited,
    KUBERNETES_SERVICE_HOST: api.hostname,
    KUBERNETES_SERVICE_PORT: api.port,
  });
}

/** Whether the machine lets the harness give a process a private mount namespace (root, CAP_SYS_ADMIN). */
export async function requireUnshare(): Promise<void> {
  const fix =
    "The server suites run controllers (Argo CD's, Volcano's, the Spark Operator's) under `unshare --mount` with a private tmpfs on /run " +
    "(in-cluster configuration reads /var/run/secrets/kubernetes.io/serviceaccount): it needs util-linux's unshare and root (CAP_SYS_ADMIN).";
  let result;
  try {
    result = await run("unshare", ["--mount", "--propagation=private", "sh", "-c", "mount -n -t tmpfs -o size=1m tmpfs /run && test -d /var/run"], {
      reject: false,
    });
  } catch {
    throw new Error(`unshare not found. ${fix} Install util-linux.`);
  }
  if (result.exitCode !== 0) throw new Error(`cannot mount a private /run: ${result.stderr.trim()}. ${fix}`);
}
