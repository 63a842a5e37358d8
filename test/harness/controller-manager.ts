// kube-controller-manager for suites that need controllers: quota usage
// (ResourceQuota admission refuses pods while a quota's status is unknown),
// the rules of aggregated ClusterRoles (admin, edit, view are empty without
// it), the `default` service accounts, garbage collection.
import type { Cluster } from "./cluster.js";
import { buildKubernetesBinary } from "./build.js";
import type { Daemon } from "./process.js";
import { waitUntil } from "./process.js";

export interface ControllerManagerOptions {
  /** The --controllers list; nodeipam needs a pod CIDR that the harness has no use for. */
  controllers?: readonly string[];
}

export async function startControllerManager(cluster: Cluster, options: ControllerManagerOptions = {}): Promise<Daemon> {
  const binary = await buildKubernetesBinary("kube-controller-manager");
  const controllers = options.controllers ?? ["*", "-nodeipam"];
  const daemon = cluster.spawn("kube-controller-manager", binary, [
    `--kubeconfig=${cluster.kubeconfig}`,
    `--service-account-private-key-file=${cluster.serviceAccountKeyFile}`,
    `--root-ca-file=${cluster.caFile}`,
    `--controllers=${controllers.join(",")}`,
    "--leader-elect=false",
    // No serving endpoint: nothing scrapes it, and it would need a free port.
    "--secure-port=0",
  ]);
  const runs = (controller: string): boolean => controllers.includes(controller) || (controllers.includes("*") && !controllers.includes(`-${controller}`));
  if (runs("serviceaccount")) {
    await waitUntil(
      "kube-controller-manager to create serviceaccount default/default",
      async () => ((await cluster.api.get("/api/v1/namespaces/default/serviceaccounts/default")).status === 200 ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 500, daemon },
    );
  }
  if (runs("clusterrole-aggregation")) {
    await waitUntil(
      "kube-controller-manager to aggregate clusterrole view",
      async () => {
        const { body } = await cluster.api.get<{ rules?: unknown[] }>("/apis/rbac.authorization.k8s.io/v1/clusterroles/view");
        return body.rules?.length ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, daemon },
    );
  }
  return daemon;
}
