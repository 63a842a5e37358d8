// What a cluster of an environment runs besides its API server so that the
// platform's Applications can become Healthy there: kube-controller-manager,
// kube-scheduler, KWOK nodes, and the charts' controllers run as the charts
// deploy them (../harness/chart-pods.ts), each bound to that cluster alone.
// The whole-platform suite (./platform.ts) does this for its one cluster; the
// environments proof does it once per cluster.
import type { Application } from "../harness/argocd.js";
import { PLATFORM_IMAGES, runChartWorkloads, type ChartWorkloads } from "../harness/chart-pods.js";
import type { Cluster } from "../harness/cluster.js";
import { startControllerManager } from "../harness/controller-manager.js";
import { hostAddress, startKwok, type SimulatedNode } from "../harness/kwok.js";
import { startKubeScheduler } from "../harness/scheduler.js";
import { volcanoAdmissionInit } from "../harness/volcano.js";

/** The parts of an Application (from git or from the API) that decide what runs where. */
export type PlatformApplication = Pick<Application, "metadata" | "spec"> & {
  spec: Application["spec"] & { source?: { chart?: string; helm?: { releaseName?: string } } };
};

export interface PlatformRuntimeOptions {
  /** The environment's platform Applications (Helm-sourced and git-sourced), whose namespaces get controllers. */
  applications: readonly PlatformApplication[];
  nodes: SimulatedNode[];
  /** SPARK_HOME and JAVA_HOME for the Spark Operator's spark-submit. */
  env: NodeJS.ProcessEnv;
}

const namespacesOf = (apps: readonly PlatformApplication[]): string[] => [
  ...new Set(apps.map((app) => app.spec.destination.namespace).filter((ns): ns is string => Boolean(ns))),
];

/**
 * Starts the controllers, scheduler, nodes and chart workloads of `cluster`. Every process is the cluster's
 * (cluster.spawn), so cluster.stop() stops them; the returned workloads' stop() ends their supervision.
 */
export async function startPlatformRuntime(cluster: Cluster, options: PlatformRuntimeOptions): Promise<ChartWorkloads> {
  await startControllerManager(cluster);
  await startKubeScheduler(cluster);
  const helm = options.applications.filter((app) => Boolean(app.spec.source?.chart));
  await startKwok(cluster, { nodes: options.nodes, hostAddress: { address: hostAddress(), namespaces: namespacesOf(helm) } });
  const volcano = helm.find((app) => app.spec.source?.chart === "volcano");
  const volcanoRelease = volcano && (volcano.spec.source?.helm?.releaseName ?? volcano.metadata.name);
  return runChartWorkloads(cluster, {
    namespaces: namespacesOf(options.applications),
    images: PLATFORM_IMAGES,
    env: options.env,
    jobs: volcanoRelease ? { [`${volcanoRelease}-admission-init`]: (job) => volcanoAdmissionInit(cluster, job) } : {},
  });
}
