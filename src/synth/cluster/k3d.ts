/**
 * The k3d cluster config (k3d.io/v1alpha5, kind Simple). k3d can cap a node's
 * memory but not its CPU: a node reports the host's CPUs, so the CPU sizes in
 * platform.yaml are what validation plans with, not what k3d enforces.
 */
import { admissionPolicyApi } from "../../compat/versions.js";
import { k3dOf, type PlatformModel } from "../../model/platform-model.js";

/**
 * kube-apiserver flags for every k3s server (passed as --kube-apiserver-arg).
 *
 * DenyServiceExternalIPs refuses any new `spec.externalIPs` in every namespace
 * (CVE-2020-8554, https://github.com/kubernetes/kubernetes/issues/97076: a
 * Service's external IP intercepts the traffic of every pod to that address).
 * Nothing on the platform uses external IPs (k3s's ServiceLB writes LoadBalancer
 * addresses to the status). The tenant guardrail refuses them as well, but
 * only in tenant namespaces and only once Argo CD has applied it; the plugin
 * holds from the API server's first request. k3s sets
 * `enable-admission-plugins=NodeRestriction` itself, and an extra argument of
 * the same name replaces its value (k3s pkg/util/args.go, GetArgs), so the
 * list repeats NodeRestriction.
 */
export function apiServerArgs(model: PlatformModel): string[] {
  return [
    "enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs",
    // ValidatingAdmissionPolicy (the tenants' guardrails) is beta before Kubernetes 1.30.
    ...admissionPolicyApi(model.kubernetes).apiServerArgs,
  ];
}

export function k3dConfig(model: PlatformModel): Record<string, unknown> {
  const { cluster } = model.platform;
  const { hostPorts: ports, network } = k3dOf(model);
  const servers = (arg: string) => ({ arg, nodeFilters: ["server:*"] });
  return {
    apiVersion: "k3d.io/v1alpha5",
    kind: "Simple",
    metadata: { name: cluster.name },
    servers: cluster.servers.count,
    agents: cluster.agents.count,
    kubeAPI: { hostIP: ports.bindAddress, hostPort: String(ports.api) },
    image: cluster.k3sImage,
    // A fixed subnet (k3d creates the network with it and gives the server
    // nodes addresses in it), so that the tenants' NetworkPolicy can allow
    // the API server's addresses and not the whole internet on its port.
    subnet: network.subnet.text,
    // Published on the bind address only (127.0.0.1 unless platform.yaml says otherwise).
    ports: [
      { port: `${ports.bindAddress}:${ports.http}:80`, nodeFilters: ["loadbalancer"] },
      { port: `${ports.bindAddress}:${ports.https}:443`, nodeFilters: ["loadbalancer"] },
    ],
    options: {
      k3d: { wait: true, timeout: "300s" },
      k3s: {
        extraArgs: [
          // Pinned, not k3s's defaults taken on trust: the NetworkPolicy names the service range's first address.
          servers(`--service-cidr=${network.serviceCIDR.text}`),
          servers(`--cluster-cidr=${network.clusterCIDR.text}`),
          ...apiServerArgs(model).map((arg) => servers(`--kube-apiserver-arg=${arg}`)),
        ],
      },
      kubeconfig: { updateDefaultKubeconfig: true, switchCurrentContext: true },
      runtime: { serversMemory: String(cluster.servers.memory), agentsMemory: String(cluster.agents.memory) },
    },
  };
}
