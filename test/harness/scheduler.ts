// kube-scheduler at the cluster's Kubernetes version: it places the pods whose
// schedulerName is default-scheduler (the platform's default-scheduler teams,
// and any pod that bypassed Volcano).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildKubernetesBinary } from "./build.js";
import type { Cluster } from "./cluster.js";
import { healthy } from "./health.js";
import { freePort } from "../support/ports.js";
import { waitUntil, type Daemon } from "./process.js";

export async function startKubeScheduler(cluster: Cluster): Promise<Daemon> {
  const binary = await buildKubernetesBinary("kube-scheduler");
  const port = await freePort();
  const config = join(cluster.workDir, "kube-scheduler.yaml");
  writeFileSync(
    config,
    JSON.stringify({
      apiVersion: "kubescheduler.config.k8s.io/v1",
      kind: "KubeSchedulerConfiguration",
      clientConnection: { kubeconfig: cluster.kubeconfig },
      leaderElection: { leaderElect: false },
    }),
  );
  const daemon = cluster.spawn("kube-scheduler", binary, [
    `--config=${config}`,
    // Its serving endpoint on loopback only, for the readiness check below.
    "--bind-address=127.0.0.1",
    `--secure-port=${port}`,
  ]);
  await waitUntil("kube-scheduler /healthz", () => healthy(`https://127.0.0.1:${port}/healthz`), { timeoutMs: 60_000, intervalMs: 500, daemon });
  return daemon;
}
