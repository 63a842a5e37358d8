// Quota admission on a real API server with the generated
// ResourceQuotas and LimitRanges. kube-controller-manager runs too: the
// ResourceQuota admission plugin refuses every pod while a quota's usage is
// unknown, and only the controller computes the first usage.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { applyPlatformForPods, cpuOverQuota, onlyItem, quotaUsageKnown, type LimitRange, type ResourceQuota } from "../harness/pod-admission.js";
import { messageOf } from "../harness/spark-driver.js";
import type { Tenant } from "../harness/tenants.js";

interface Pod {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { containers: { resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[] };
}

let cluster: Cluster;
let tenants: Tenant[];

beforeAll(async () => {
  cluster = await startCluster();
  tenants = await applyPlatformForPods(cluster);
});

afterAll(async () => {
  await cluster?.stop();
});

describe("quota admission on a real API server", () => {
  it("admits a Spark driver pod without resources, filled in from the team's LimitRange", async () => {
    const tenant = tenants[0];
    const namespace = tenant.namespace;
    const limitRange = await onlyItem<LimitRange>(cluster, `/api/v1/namespaces/${namespace}/limitranges`);
    const containerDefaults = limitRange.spec.limits.find((limit) => limit.type === "Container");
    expect(containerDefaults?.default, "the LimitRange sets container limits").toBeDefined();

    const { status, body } = await createPod(namespace, sparkDriverPod(tenant, "driver-without-resources"));
    expect(status, JSON.stringify(body)).toBe(201);
    const pod = body as Pod;
    expect(pod.metadata.annotations?.["kubernetes.io/limit-ranger"]).toMatch(/^LimitRanger plugin set:/);
    expect(pod.spec.containers[0].resources?.limits).toEqual(containerDefaults?.default);
    expect(pod.spec.containers[0].resources?.requests).toEqual(containerDefaults?.defaultRequest ?? containerDefaults?.default);
  });

  it("would refuse that pod without the LimitRange, with Kubernetes' own message", async () => {
    // Same quota, no LimitRange: proves the LimitRange is what gets the driver admitted.
    const tenant = tenants[0];
    const quota = await onlyItem<ResourceQuota>(cluster, `/api/v1/namespaces/${tenant.namespace}/resourcequotas`);
    const namespace = "quota-without-limitrange";
    await cluster.kubectl(["create", "namespace", namespace]);
    const copy = { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: quota.metadata.name }, spec: quota.spec };
    await cluster.kubectl(["apply", "-n", namespace, "-f", "-"], { input: JSON.stringify(copy) });
    await cluster.kubectl(["create", "serviceaccount", tenant.account.name, "-n", namespace]);
    await quotaUsageKnown(cluster, namespace);

    const { status, body } = await createPod(namespace, sparkDriverPod(tenant, "driver-without-resources"));
    expect(status).toBe(403);
    expect(messageOf(body)).toMatch(
      new RegExp(`^pods "driver-without-resources" is forbidden: failed quota: ${quota.metadata.name}: must specify limits\\.cpu`),
    );
  });

  it("rejects a pod that would exceed the quota, with Kubernetes' own message", async () => {
    const tenant = tenants[1 % tenants.length];
    const over = await cpuOverQuota(cluster, tenant.namespace);
    const pod = sparkDriverPod(tenant, "driver-over-quota", { cpu: over.cpu, memory: "1Gi" });
    const { status, body } = await createPod(tenant.namespace, pod);
    expect(status).toBe(403);
    expect(messageOf(body)).toMatch(new RegExp(`^${over.refusal("driver-over-quota")}`));
  });

  it("holds the pod-count quota", async () => {
    const tenant = tenants[2 % tenants.length];
    const quota = await quotaUsageKnown(cluster, tenant.namespace);
    const hardPods = Number(quota.spec.hard.pods);
    expect(hardPods, "the quota limits the pod count").toBeGreaterThan(0);
    const free = hardPods - Number(quota.status?.used?.pods ?? 0);

    // Tiny pods, so that only the count can run out.
    const tiny = { cpu: "10m", memory: "16Mi" };
    for (let index = 0; index < free; index++) {
      const { status, body } = await createPod(tenant.namespace, sparkDriverPod(tenant, `driver-${index}`, tiny));
      expect(status, messageOf(body)).toBe(201);
    }
    const { status, body } = await createPod(tenant.namespace, sparkDriverPod(tenant, "one-too-many", tiny));
    expect(status).toBe(403);
    expect(messageOf(body)).toMatch(
      new RegExp(
        `^pods "one-too-many" is forbidden: exceeded quota: ${quota.metadata.name}, requested: pods=1, used: pods=${hardPods}, limited: pods=${hardPods}$`,
      ),
    );
  });
});

/**
 * A driver pod as spark-submit creates it, as the Spark Operator's webhook
 * leaves it: the team's service account, Volcano's scheduler and queue for
 * Volcano teams, and no resources unless given.
 */
function sparkDriverPod(tenant: Tenant, name: string, resources?: Record<string, string>): object {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      labels: { "spark-role": "driver", "spark-platform.io/team": tenant.team },
      ...(tenant.queue ? { annotations: { "scheduling.volcano.sh/queue-name": tenant.queue } } : {}),
    },
    spec: {
      serviceAccountName: tenant.account.name,
      ...(tenant.queue ? { schedulerName: "volcano" } : {}),
      restartPolicy: "Never",
      containers: [
        {
          name: "spark-kubernetes-driver",
          image: "docker.io/library/spark:4.0.0",
          args: ["driver"],
          ...(resources ? { resources: { requests: resources, limits: resources } } : {}),
        },
      ],
    },
  };
}

function createPod(namespace: string, pod: object) {
  return cluster.api.post(`/api/v1/namespaces/${namespace}/pods`, pod);
}
