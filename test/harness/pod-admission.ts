// A tenant namespace as pod admission sees it on a real API server: the
// platform applied, the namespace's ResourceQuota and LimitRange, and the
// kube-controller-manager controllers without which admission refuses every
// pod (serviceaccount: a pod's service account must exist; resourcequota:
// the ResourceQuota plugin refuses every pod while a quota's usage is unknown,
// and only this controller computes the first usage).
import { milliCPU } from "../../src/model/quantity.js";
import type { Cluster } from "./cluster.js";
import { startControllerManager } from "./controller-manager.js";
import { applyPlatform, tenantTeams } from "./platform-manifests.js";
import { waitUntil } from "./process.js";
import { readTenant, type Tenant } from "./tenants.js";

export interface ResourceQuota {
  metadata: { name: string; namespace: string };
  spec: { hard: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

export interface LimitRange {
  spec: { limits: { type: string; default?: Record<string, string>; defaultRequest?: Record<string, string> }[] };
}

/**
 * Applies the platform and starts kube-controller-manager with the
 * controllers pod admission needs and `controllers` besides; resolves with
 * every team's tenancy once its quota usage is known, so that a pod is
 * admitted or refused on its own merits.
 */
export async function applyPlatformForPods(cluster: Cluster, controllers: readonly string[] = []): Promise<Tenant[]> {
  await applyPlatform(cluster);
  await startControllerManager(cluster, { controllers: ["serviceaccount", "resourcequota", ...controllers] });
  const tenants = await Promise.all(tenantTeams().map((team) => readTenant(cluster, team)));
  await Promise.all(tenants.map((tenant) => quotaUsageKnown(cluster, tenant.namespace)));
  return tenants;
}

/** The one object a list path holds; fails on any other answer, so a namespace with two quotas cannot pass unnoticed. */
export async function onlyItem<T>(cluster: Cluster, path: string): Promise<T> {
  const { status, body } = await cluster.api.get<{ items: T[] }>(path);
  if (status !== 200 || body.items.length !== 1) throw new Error(`expected exactly one item at ${path}, got HTTP ${status}: ${JSON.stringify(body)}`);
  return body.items[0];
}

/** The namespace's only ResourceQuota, once kube-controller-manager has computed its usage. */
export function quotaUsageKnown(cluster: Cluster, namespace: string): Promise<ResourceQuota> {
  return waitUntil(
    `the quota usage in ${namespace}`,
    async () => {
      const quota = await onlyItem<ResourceQuota>(cluster, `/api/v1/namespaces/${namespace}/resourcequotas`);
      const used = quota.status?.used ?? {};
      return Object.keys(quota.spec.hard).every((resource) => resource in used) ? quota : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

/** A CPU request one core over a namespace's `requests.cpu` quota, and how Kubernetes refuses a pod that asks for it. */
export interface CpuOverQuota {
  cpu: string;
  /** The quota admission's message for the pod (`name` is a pattern), as an unanchored regular expression source. */
  refusal(name: string): string;
}

export async function cpuOverQuota(cluster: Cluster, namespace: string): Promise<CpuOverQuota> {
  const quota = await quotaUsageKnown(cluster, namespace);
  const hardCpu = quota.spec.hard["requests.cpu"];
  if (hardCpu === undefined) throw new Error(`the ResourceQuota ${namespace}/${quota.metadata.name} does not limit requests.cpu`);
  const cpu = `${milliCPU(hardCpu) + 1000}m`;
  return {
    cpu,
    refusal: (name) =>
      `pods "${name}" is forbidden: exceeded quota: ${quota.metadata.name}, ` +
      `requested: .*requests\\.cpu=${cpu.replace(/000m$/, "")}.*, used: .*, limited: .*requests\\.cpu=${hardCpu}`,
  };
}
