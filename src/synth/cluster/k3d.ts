/**
 * The k3d cluster config (k3d.io/v1alpha5, kind Simple). k3d can cap a node's
 * memory but not its CPU: a node reports the host's CPUs, so the CPU sizes in
 * platform.yaml are what validation plans with, not what k3d enforces.
 */
import { admissionPolicyApi } from "../../compat/versions.js";
import type { PlatformModel } from "../../model/platform-model.js";

export function k3dConfig(model: PlatformModel): Record<string, unknown> {
  const { cluster } = model.platform;
  const ports = model.hostPorts;
  const apiServerArgs = admissionPolicyApi(model.kubernetes).apiServerArgs;
  return {
    apiVersion: "k3d.io/v1alpha5",
    kind: "Simple",
    metadata: { name: cluster.name },
    servers: cluster.servers.count,
    agents: cluster.agents.count,
    kubeAPI: { hostIP: "127.0.0.1", hostPort: String(ports.api) },
    image: cluster.k3sImage,
    ports: [
      { port: `${ports.http}:80`, nodeFilters: ["loadbalancer"] },
      { port: `${ports.https}:443`, nodeFilters: ["loadbalancer"] },
    ],
    options: {
      k3d: { wait: true, timeout: "300s" },
      k3s: {
        // ValidatingAdmissionPolicy (the tenants' guardrails) is beta before Kubernetes 1.30.
        extraArgs: apiServerArgs.map((arg) => ({ arg: `--kube-apiserver-arg=${arg}`, nodeFilters: ["server:*"] })),
      },
      kubeconfig: { updateDefaultKubeconfig: true, switchCurrentContext: true },
      runtime: { serversMemory: String(cluster.servers.memory), agentsMemory: String(cluster.agents.memory) },
    },
  };
}
