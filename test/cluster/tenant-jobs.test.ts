// A team's plain batch Jobs on a real API server, created as the team's
// service account (impersonated, with the groups its token would carry). The
// tenant Role lets it create Jobs in its own namespace only; the job
// controller then creates the Job's pods there, and those pods meet the same
// admission as a bare pod the team creates: the LimitRange fills in their
// resources, the ResourceQuota refuses what does not fit, and the pod
// guardrail keeps them on Volcano in a Volcano team's namespace. A refused pod
// leaves the Job without pods and the controller's FailedCreate event carries
// the refusal, word for word.
//
// kube-controller-manager runs the job controller, and the serviceaccount and
// resourcequota controllers that pod admission needs (see
// ../harness/pod-admission.ts). Nothing schedules or runs a pod here: the Job
// flow through Volcano is the GitOps and job-flow suites'.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { applyPlatformForPods, cpuOverQuota, onlyItem, type LimitRange } from "../harness/pod-admission.js";
import { waitUntil } from "../harness/process.js";
import { serviceAccountGroups, serviceAccountUser } from "../harness/rbac.js";
import { messageOf } from "../harness/spark-driver.js";
import type { Tenant } from "../harness/tenants.js";

interface Container {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

interface Pod {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { containers: Container[] };
}

interface Event {
  reason: string;
  message: string;
}

let cluster: Cluster;
let tenants: Tenant[];

beforeAll(async () => {
  cluster = await startCluster();
  tenants = await applyPlatformForPods(cluster, ["job"]);
});

afterAll(async () => {
  await cluster?.stop();
});

describe("a team's batch Jobs on a real API server", () => {
  it("lets each team's service account create a Job in its own namespace and in no other team's", async () => {
    expect(tenants.length).toBeGreaterThanOrEqual(2);
    for (const tenant of tenants) {
      // Suspended: the job controller creates no pods for it, so no quota is spent here.
      const job = plainJob(tenant, `probe-${tenant.team}`, { suspend: true });
      const own = await createJob(tenant, tenant.namespace, job);
      expect(own.status, `${tenant.team} in its own namespace: ${messageOf(own.body)}`).toBe(201);
      for (const other of tenants.filter((candidate) => candidate !== tenant)) {
        const there = await createJob(tenant, other.namespace, job);
        expect(there.status, `${tenant.team} in ${other.namespace}`).toBe(403);
        expect(messageOf(there.body)).toBe(
          `jobs.batch is forbidden: User "${serviceAccountUser(tenant.account)}" cannot create resource "jobs" in API group "batch" in the namespace "${other.namespace}"`,
        );
      }
    }
  });

  it("gives a Job's pod the team's LimitRange defaults, as a bare pod gets them", async () => {
    const tenant = tenants[0];
    const containerDefaults = (await onlyItem<LimitRange>(cluster, `/api/v1/namespaces/${tenant.namespace}/limitranges`)).spec.limits.find((l) => l.type === "Container");
    expect(containerDefaults?.default, "the LimitRange sets container limits").toBeDefined();

    const created = await createJob(tenant, tenant.namespace, plainJob(tenant, "without-resources"));
    expect(created.status, messageOf(created.body)).toBe(201);
    const pod = await waitUntil(
      `the pod of Job ${tenant.namespace}/without-resources`,
      async () => (await podsOf(tenant.namespace, "without-resources"))[0],
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(pod.metadata.annotations?.["kubernetes.io/limit-ranger"]).toMatch(/^LimitRanger plugin set:/);
    expect(pod.spec.containers[0].resources?.limits).toEqual(containerDefaults?.default);
    expect(pod.spec.containers[0].resources?.requests).toEqual(containerDefaults?.defaultRequest ?? containerDefaults?.default);
  });

  it("gives a Job no pod that would exceed the team's quota: its event carries Kubernetes' own quota message", async () => {
    const tenant = tenants[1];
    const over = await cpuOverQuota(cluster, tenant.namespace);
    const created = await createJob(tenant, tenant.namespace, plainJob(tenant, "over-quota", { resources: { cpu: over.cpu, memory: "1Gi" } }));
    expect(created.status, "the Job itself is admitted; its pods are what the quota holds").toBe(201);
    const event = await failedCreate(tenant.namespace, "over-quota");
    expect(event.message).toMatch(new RegExp(`^Error creating: ${over.refusal("over-quota-[a-z0-9]+")}`));
    expect(await podsOf(tenant.namespace, "over-quota")).toEqual([]);
  });

  it("gives a Job in a Volcano team's namespace no pod that Volcano would not schedule: the pod guardrail refuses it as it refuses a bare pod", async () => {
    const tenant = tenants.find((candidate) => candidate.queue);
    expect(tenant, "no Volcano team to check").toBeDefined();
    const { namespace } = tenant!;
    const denial =
      `ValidatingAdmissionPolicy 'spark-platform-pod-scheduling' with binding 'spark-platform-pod-scheduling' denied request: ` +
      `pods in namespace ${namespace} are scheduled by Volcano, but this one has schedulerName default-scheduler: is the Spark Operator webhook running? Set schedulerName: volcano`;
    // A bare pod first (a dry run, as the team's account), until the API server enforces the policy:
    // a Job created before that could get its pod admitted.
    const template = plainJob(tenant!, "unused", { volcano: false }).spec.template;
    const bare = { apiVersion: "v1", kind: "Pod", metadata: { name: "bare-default-scheduler" }, spec: template.spec };
    let last = "";
    await waitUntil(
      `the pod guardrail to refuse a bare pod in ${namespace}`,
      async () => {
        const { status, body } = await cluster.api.post(`/api/v1/namespaces/${namespace}/pods?dryRun=All`, bare, as(tenant!));
        last = `HTTP ${status}: ${messageOf(body)}`;
        return status === 403 && messageOf(body) === `pods "bare-default-scheduler" is forbidden: ${denial}` ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last answer: ${last}`);
    });

    const created = await createJob(tenant!, namespace, plainJob(tenant!, "default-scheduler", { volcano: false }));
    expect(created.status, messageOf(created.body)).toBe(201);
    const event = await failedCreate(namespace, "default-scheduler");
    expect(event.message).toMatch(new RegExp(`^Error creating: pods "default-scheduler-[a-z0-9]+" is forbidden: `));
    expect(event.message.slice(event.message.indexOf(" is forbidden: ") + " is forbidden: ".length)).toBe(denial);
    expect(await podsOf(namespace, "default-scheduler")).toEqual([]);
  });
});

/**
 * A plain Job as a team would write it: one busybox container, run as the
 * team's service account, on Volcano in a Volcano team's namespace unless
 * `volcano` says otherwise, with no resources unless given.
 */
function plainJob(tenant: Tenant, name: string, options: { suspend?: boolean; volcano?: boolean; resources?: Record<string, string> } = {}) {
  const volcano = options.volcano ?? tenant.queue !== undefined;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name },
    spec: {
      ...(options.suspend ? { suspend: true } : {}),
      backoffLimit: 0,
      template: {
        spec: {
          serviceAccountName: tenant.account.name,
          ...(volcano ? { schedulerName: "volcano" } : {}),
          restartPolicy: "Never",
          containers: [
            {
              name: "main",
              image: "docker.io/library/busybox:1.36",
              command: ["true"],
              ...(options.resources ? { resources: { requests: options.resources, limits: options.resources } } : {}),
            },
          ],
        },
      },
    },
  };
}

/** Impersonates the team's service account, with the groups its token would carry. */
function as(tenant: Tenant) {
  return { "Impersonate-User": serviceAccountUser(tenant.account), "Impersonate-Group": serviceAccountGroups(tenant.account) };
}

function createJob(tenant: Tenant, namespace: string, job: object) {
  return cluster.api.post(`/apis/batch/v1/namespaces/${namespace}/jobs`, job, as(tenant));
}

async function podsOf(namespace: string, job: string): Promise<Pod[]> {
  const { body } = await cluster.api.get<{ items: Pod[] }>(`/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(`job-name=${job}`)}`);
  return body.items;
}

/** The job controller's event when it could not create the Job's pod. */
function failedCreate(namespace: string, job: string): Promise<Event> {
  const selector = encodeURIComponent(`involvedObject.kind=Job,involvedObject.name=${job},reason=FailedCreate`);
  return waitUntil(
    `a FailedCreate event of Job ${namespace}/${job}`,
    async () => (await cluster.api.get<{ items: Event[] }>(`/api/v1/namespaces/${namespace}/events?fieldSelector=${selector}`)).body.items[0],
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}
