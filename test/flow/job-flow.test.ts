// The seed's Spark jobs on a simulated cluster with the real Spark
// Operator, Volcano and kube-scheduler, and the policy checked against them.
// Real: kube-apiserver, etcd, kube-controller-manager, kube-scheduler, the
// Helm charts of Volcano and the Spark Operator (rendered by Helm, applied in
// Argo CD's sync-wave order), whose controllers (webhook-manager,
// controller-manager, scheduler; controller, webhook) run as the charts deploy
// them, and spark-submit. Simulated: the nodes (KWOK), the kubelet (processes
// for the charts' pods, and its report that containers ended) and what runs
// inside the driver (its executor requests, made with its own identity).
// docs/job-flow.md says more.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { formatCapacity } from "../../src/format/amounts.js";
import { bytes, milliCPU } from "../../src/model/quantity.js";
import { repoRoot } from "../support/paths.js";
import { tenantTeams } from "../harness/platform-manifests.js";
import { waitUntil } from "../harness/process.js";
import { canServiceAccount } from "../harness/rbac.js";
import { finishPod, launchExecutors, messageOf, type Pod } from "../harness/spark-driver.js";
import { hostAddress } from "../harness/kwok.js";
import {
  application,
  deleteApplication,
  eventsFor,
  exampleApplication,
  getPod,
  isRunning,
  podGroup,
  runToCompletion,
  scheduledBy,
  stateOf,
  submit,
  waitForPod,
  waitForState,
  type JobRun,
  type PodGroup,
  type SparkApplication,
} from "./jobs.js";
import { findings, predict, type Prediction } from "./predictions.js";
import { quotaCounted, startSimulation, type ChartObject, type Simulation } from "./simulation.js";

let sim: Simulation;
let seed: Prediction;
const runs = new Map<string, JobRun>();

beforeAll(async () => {
  seed = await predict();
  sim = await startSimulation();
});

afterAll(async () => {
  await sim?.stop();
});

const cpu = (value: string | undefined): number => (value === undefined ? NaN : milliCPU(value));
const mem = (value: string | undefined): number => (value === undefined ? NaN : bytes(value));
const quota = async (ns: string): Promise<{ name: string; hard: Record<string, string>; used: Record<string, string> }> => {
  const { body } = await sim.cluster.api.get<{ items: { metadata: { name: string }; status?: { hard?: Record<string, string>; used?: Record<string, string> } }[] }>(
    `/api/v1/namespaces/${ns}/resourcequotas`,
  );
  const [item] = body.items;
  return { name: item.metadata.name, hard: item.status?.hard ?? {}, used: item.status?.used ?? {} };
};
/** The objects of a kind that a chart rendered (and the simulation applied). */
const rendered = (application: string, kind: string): ChartObject[] => sim.releases[application].objects.filter((o) => o.kind === kind);
/** The Spark Operator's webhook configurations' name (the same for the mutating and the validating one). */
const operatorWebhookName = (): string => rendered("spark-operator", "MutatingWebhookConfiguration")[0].metadata.name;
const OPERATOR_WEBHOOK = "spark-operator/spark-operator-webhook";
const VOLCANO_SCHEDULER = "volcano-system/volcano-scheduler";
const VOLCANO_CONTROLLERS = "volcano-system/volcano-controllers";
const VOLCANO_ADMISSION = "volcano-system/volcano-admission";
/** The current process of a chart's Deployment (namespace/name). */
const workload = (deployment: string) => {
  const current = sim.workloads.workload(deployment);
  if (!current) throw new Error(`no process runs for ${deployment}`);
  return current;
};
const apply = (objects: unknown[]) =>
  sim.cluster.kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager=argocd-controller", "-f", "-"], {
    input: objects.map((o) => JSON.stringify(o)).join("\n"),
  });

describe("the simulated cluster", () => {
  it("runs the platform's Kubernetes, one KWOK node per node of platform.yaml, and both charts' controllers and webhooks", async () => {
    const version = await sim.cluster.api.get<{ gitVersion: string }>("/version");
    expect(version.body.gitVersion).toBe(sim.cluster.version);

    const { body } = await sim.cluster.api.get<{ items: { metadata: { name: string }; status: { allocatable: Record<string, string> } }[] }>("/api/v1/nodes");
    const nodes = body.items.map((n) => ({ name: n.metadata.name, cpu: milliCPU(n.status.allocatable.cpu), memory: bytes(n.status.allocatable.memory) }));
    expect(nodes.map((n) => n.name).sort()).toEqual(sim.kwok.nodes.map((n) => n.name).sort());
    const total = nodes.reduce((sum, n) => ({ cpu: sum.cpu + n.cpu, memory: sum.memory + n.memory }), { cpu: 0, memory: 0 });
    expect(total, "the nodes add up to what the model calls the cluster").toEqual(seed.model!.clusterCapacity);

    // Each chart's Deployments run as processes with their pod's ServiceAccount, from the charts' own objects.
    const deployments = Object.values(sim.releases).flatMap(({ objects }) => objects.filter((o) => o.kind === "Deployment").map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
    expect(deployments.sort()).toEqual(["spark-operator/spark-operator-controller", OPERATOR_WEBHOOK, VOLCANO_ADMISSION, VOLCANO_CONTROLLERS, VOLCANO_SCHEDULER]);
    for (const deployment of deployments) expect(sim.workloads.workload(deployment)?.daemon.running, deployment).toBe(true);

    // Both webhook servers patched their CA into the charts' configurations, and the API server calls them:
    // Volcano's queue mutation defaulted the `default` queue that vc-scheduler created through it.
    const volcanoQueueHooks = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]
      .flatMap((kind) => rendered("volcano", kind))
      .filter((o) => o.webhooks?.some((w) => w.rules?.some((r) => r.resources?.includes("queues"))))
      .map((o) => o.metadata.name);
    expect(volcanoQueueHooks.sort()).toEqual(["volcano-admission-service-queues-mutate", "volcano-admission-service-queues-validate"]);
    for (const name of [operatorWebhookName(), ...volcanoQueueHooks]) {
      const kinds = ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"];
      const found = await Promise.all(kinds.map((k) => sim.cluster.api.get<{ webhooks?: { clientConfig: { caBundle?: string } }[] }>(`/apis/admissionregistration.k8s.io/v1/${k}/${name}`)));
      const present = found.filter((r) => r.status === 200);
      expect(present.length, name).toBeGreaterThan(0);
      for (const r of present) expect(r.body.webhooks?.every((w) => w.clientConfig.caBundle), name).toBe(true);
    }
    const probe = await sim.cluster.api.post<{ spec: { weight?: number; reclaimable?: boolean } }>(
      "/apis/scheduling.volcano.sh/v1beta1/queues?dryRun=All",
      { apiVersion: "scheduling.volcano.sh/v1beta1", kind: "Queue", metadata: { name: "webhook-probe" }, spec: {} },
    );
    expect(probe.status, JSON.stringify(probe.body)).toBe(201);
    expect(probe.body.spec, "Volcano's queues/mutate webhook defaulted weight and reclaimable").toMatchObject({ weight: 1, reclaimable: true });
  });

  it("cannot point a webhook Service at a loopback endpoint, so the charts' pods get this machine's address as their pod IP", async () => {
    const ns = sim.releases["spark-operator"].chart.namespace;
    const refused = await sim.cluster.api.post(`/api/v1/namespaces/${ns}/endpoints`, {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: { name: "loopback-probe", namespace: ns },
      subsets: [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port: 9443, protocol: "TCP" }] }],
    });
    expect(refused.status).toBe(422);
    expect(messageOf(refused.body)).toContain("may not be in the loopback range (127.0.0.0/8, ::1/128)");
    // The endpoints controller's Endpoints of both webhook Services: the webhook pod's IP, this machine's address.
    for (const [namespace, service] of [[ns, `${operatorWebhookName()}-svc`], ["volcano-system", "volcano-admission-service"]]) {
      const { body } = await sim.cluster.api.get<{ subsets?: { addresses?: { ip: string }[] }[] }>(`/api/v1/namespaces/${namespace}/endpoints/${service}`);
      expect(body.subsets?.flatMap((s) => s.addresses?.map((a) => a.ip) ?? []), `${namespace}/${service}`).toEqual([hostAddress()]);
    }
  });
});

describe("point 1: every team's example SparkApplication reaches COMPLETED", () => {
  it.each(tenantTeams())("team %s", async (team) => {
    const model = seed.team(team);
    const app = exampleApplication(team);
    const ns = model.namespace;
    const volcano = model.scheduler === "volcano";
    // The policy predicts that the job fits: its queue, its quota and its pod count.
    for (const code of ["job-fits-queue", "job-fits-quota", "quota-pods-fit-job"]) expect(findings(seed, code, team), code).toEqual([]);
    const before = await quota(ns);

    const run = await runToCompletion(sim.cluster, app, {
      onDriver: async (driver) => {
        // Created by the real spark-submit: its labels, container and conf ConfigMap; owned by the SparkApplication.
        expect(driver.metadata.labels).toMatchObject({ "spark-role": "driver", "sparkoperator.k8s.io/app-name": app.metadata.name, "sparkoperator.k8s.io/launched-by-spark-operator": "true" });
        expect(driver.metadata.labels?.["spark-app-selector"]).toMatch(/^spark-[0-9a-f]+$/);
        expect(driver.spec.containers[0].name).toBe("spark-kubernetes-driver");
        expect(driver.metadata.ownerReferences?.map((o) => o.kind)).toContain("SparkApplication");
        expect(driver.spec.serviceAccountName).toBe(model.serviceAccount);
        // Admitted by the quota (and LimitRange): the quota counts it, with the model's driver size.
        const resources = driver.spec.containers[0].resources;
        expect({ cpu: cpu(resources?.requests?.cpu), memory: mem(resources?.requests?.memory) }, "driver requests = the model's driverPod").toEqual(model.job.driverPod);
        const used = await quota(ns);
        expect(cpu(used.used["requests.cpu"]) - cpu(before.used["requests.cpu"])).toBe(model.job.driverPod.cpu);
        // Placed by the team's scheduler.
        expect(driver.spec.schedulerName).toBe(volcano ? "volcano" : "default-scheduler");
        if (volcano) {
          expect(driver.metadata.annotations?.["scheduling.k8s.io/group-name"]).toBe(`spark-${app.metadata.name}-pg`);
          const group = await podGroup(sim.cluster, ns, `spark-${app.metadata.name}-pg`);
          expect(group?.spec.queue).toBe(model.queueName);
          expect(cpu(group?.spec.minResources?.cpu), "PodGroup minResources.cpu = the model's job total").toBe(model.job.total.cpu);
          // Spark Operator 2.3.0 parses Spark's "512m" as a Kubernetes quantity (512 millibytes) and adds no
          // overhead, so the PodGroup asks for 1536m bytes of memory, not the job's 2688Mi (see docs/job-flow.md).
          // With spec.batchSchedulerOptions.resources set, the operator copies them instead.
          const declared = (app.spec.batchSchedulerOptions as { resources?: Record<string, string> } | undefined)?.resources;
          if (declared) expect(mem(group?.spec.minResources?.memory), "PodGroup minResources.memory = the example's resources").toBe(mem(declared.memory));
          else expect(group?.spec.minResources?.memory).toBe(operatorMinMemory(model));
        }
      },
      onExecutors: async () => {
        // The quota sees the whole job: driver and executors, as the model sizes it.
        const used = (await quota(ns)).used;
        expect({ cpu: cpu(used["requests.cpu"]) - cpu(before.used["requests.cpu"]), memory: mem(used["requests.memory"]) - mem(before.used["requests.memory"]) }).toEqual(model.job.total);
        expect(Number(used.pods) - Number(before.used.pods)).toBe(model.job.pods);
      },
    });

    expect(run.driverScheduledBy).toBe(volcano ? "volcano" : "default-scheduler");
    expect(run.executors).toHaveLength(model.job.executor.instances);
    for (const [i, executor] of run.executors.entries()) {
      expect(executor.metadata.labels).toMatchObject({ "spark-role": "executor", "spark-app-selector": run.driver.metadata.labels?.["spark-app-selector"], "spark-exec-id": String(i + 1) });
      expect(executor.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: "Pod", name: run.driver.metadata.name, uid: run.driver.metadata.uid, controller: true })]);
      const r = executor.spec.containers[0].resources;
      expect({ cpu: cpu(r?.requests?.cpu), memory: mem(r?.requests?.memory) }, "executor requests = the model's executorPod").toEqual(model.job.executorPod);
      expect(executor.spec.schedulerName).toBe(volcano ? "volcano" : "default-scheduler");
      expect(executor.spec.serviceAccountName).toBe(model.serviceAccount);
      if (volcano) expect(executor.metadata.annotations?.["scheduling.k8s.io/group-name"]).toBe(`spark-${app.metadata.name}-pg`);
    }
    expect(run.executorsScheduledBy).toEqual(run.executors.map(() => (volcano ? "volcano" : "default-scheduler")));
    if (volcano) {
      expect(run.podGroup?.spec.queue).toBe(model.queueName);
      expect(["Running", "Inqueue"]).toContain(run.podGroup?.status?.phase);
    }
    expect(stateOf(run.app)).toBe("COMPLETED");
    runs.set(team, run);
  });

  it("kept every node Ready throughout (Volcano counts only Ready nodes)", async () => {
    const { body } = await sim.cluster.api.get<{ items: { reason?: string; involvedObject: { kind: string; name: string } }[] }>("/api/v1/namespaces/default/events");
    expect(body.items.filter((e) => e.involvedObject.kind === "Node" && e.reason === "NodeNotReady").map((e) => e.involvedObject.name)).toEqual([]);
  });

  it("writes the README table of the runs (docs/job-flow.md)", () => {
    expect(runs.size, "every team's job ran").toBe(seed.model!.teams.length);
    const rows = seed.model!.teams.map((team) => {
      const run = runs.get(team.name)!;
      const where = (pods: Pod[]) => pods.map((p) => p.spec.nodeName!.replace(/^k3d-.*-(server|agent)-(\d+)$/, "$1-$2")).join(", ");
      return `| ${team.name} | ${team.job.language === "pyspark" ? "PySpark Pi" : "Scala SparkPi"}: driver + ${team.job.executor.instances} executors, ${formatCapacity(team.job.total)} | ${team.scheduler === "volcano" ? `Volcano, queue \`${team.queueName}\`` : "kube-scheduler"} | ${where([run.driver])} | ${where(run.executors)} | ${(run.elapsedMs / 1000).toFixed(1)} s |`;
    });
    const table = [
      "| team | job | scheduler | driver on | executors on | submit → COMPLETED |",
      "| --- | --- | --- | --- | --- | --- |",
      ...rows,
      "",
      `Produced by \`npm run test:flow\` on ${new Date().toISOString().slice(0, 10)} (Kubernetes ${sim.cluster.version}, ${sim.kwok.nodes.length} KWOK nodes; node names shortened from \`${sim.kwok.nodes[0].name}\`). ` +
        `Start-up of the simulated cluster with cached binaries: ${(Object.values(sim.timings).reduce((a, b) => a + b, 0) / 1000).toFixed(0)} s (` +
        Object.entries(sim.timings).map(([step, ms]) => `${step} ${(ms / 1000).toFixed(1)} s`).join(", ") +
        ").",
    ].join("\n");
    const file = join(repoRoot, "docs/job-flow.md");
    const text = readFileSync(file, "utf8");
    const [start, end] = ["<!-- job-flow-table:start -->", "<!-- job-flow-table:end -->"];
    expect(text).toContain(start);
    writeFileSync(file, `${text.slice(0, text.indexOf(start) + start.length)}\n${table}\n${text.slice(text.indexOf(end))}`);
  });
});

/** What Spark Operator 2.3.0 puts into a PodGroup's minResources.memory: Spark memory strings read as Kubernetes quantities, summed. */
function operatorMinMemory(model: { job: { driver: { memory: string }; executor: { memory: string; instances: number } } }): string {
  const milli = (spark: string): number => {
    const match = /^(\d+)m$/.exec(spark);
    if (!match) throw new Error(`only Spark sizes in m are modelled here, not ${spark}`);
    return Number(match[1]);
  };
  return `${milli(model.job.driver.memory) + model.job.executor.instances * milli(model.job.executor.memory)}m`;
}

/** A pod to re-create from one the cluster made (its spec as admitted, without placement or identity). */
function recreated(pod: Pod, name: string): Record<string, unknown> {
  const { nodeName: _node, ...spec } = pod.spec as Pod["spec"] & Record<string, unknown>;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: pod.metadata.namespace, labels: pod.metadata.labels, annotations: pod.metadata.annotations },
    spec,
  };
}

describe("point 2: what the policy predicts is what the real controllers do", () => {
  it("a gang larger than its queue's capability: job-fits-queue predicts it never runs; Volcano keeps it Pending, and runs it once the queue fits", async () => {
    const team = "theta";
    expect(findings(seed, "job-fits-queue", team), "the seed's theta fits its queue").toEqual([]);
    const small = await predict(({ teams }) => {
      const doc = teams.get(team)!;
      doc.setIn(["queue", "capability"], doc.createNode({ cpu: "2", memory: "4Gi" }));
      doc.setIn(["queue", "guarantee"], doc.createNode({ cpu: "1", memory: "2Gi" }));
    });
    expect(findings(small, "job-fits-queue", team), "policy: the job does not fit the smaller queue").toHaveLength(1);

    await apply([small.object("Queue", team)]);
    const app = exampleApplication(team, "spark-pi-gang");
    const ns = app.metadata.namespace;
    expect((await submit(sim.cluster, app)).status).toBe(201);
    const pgName = `spark-${app.metadata.name}-pg`;
    const refusal = await waitUntil(
      "vc-scheduler to refuse the PodGroup for its queue",
      async () => (await eventsFor(sim.cluster, ns, pgName)).find((e) => /queue resource quota insufficient/.test(e.message ?? "")),
      { timeoutMs: 120_000, intervalMs: 1_000, daemon: workload(VOLCANO_SCHEDULER).daemon },
    );
    expect(refusal.message).toContain("queue resource quota insufficient");
    const pending = await podGroup(sim.cluster, ns, pgName);
    expect(pending?.status?.phase ?? "Pending").toBe("Pending");
    const driver = await getPod(sim.cluster, ns, `${app.metadata.name}-driver`);
    if (driver) expect(driver.spec.nodeName, "the driver stays unbound").toBeUndefined();
    expect(stateOf(await application(sim.cluster, ns, app.metadata.name))).not.toBe("RUNNING");

    // The same job in the seed's queue: policy says it fits, and Volcano runs it.
    await apply([seed.object("Queue", team)]);
    const bound = await waitForPod(sim.cluster, ns, `${app.metadata.name}-driver`, "bound and Running once the queue fits", isRunning);
    expect(bound.spec.schedulerName).toBe("volcano");
    await deleteApplication(sim.cluster, ns, app.metadata.name);
  });

  it("a queue too small in memory only: job-fits-queue predicts the job cannot have all its pods; Volcano runs the driver and leaves an executor Pending", async () => {
    // Not the mechanism the rule's message names ("never enqueued"): the operator's PodGroup asks for almost no
    // memory (see above), so Volcano enqueues the gang and only its allocate step, pod by pod, meets the capability.
    const team = "theta";
    const small = await predict(({ teams }) => {
      const doc = teams.get(team)!;
      doc.setIn(["queue", "capability"], doc.createNode({ cpu: "8", memory: "2Gi" }));
      doc.setIn(["queue", "guarantee"], doc.createNode({ cpu: "1", memory: "1Gi" }));
    });
    expect(findings(small, "job-fits-queue", team), "policy: 2688Mi of job > 2Gi of queue").toHaveLength(1);
    await apply([small.object("Queue", team)]);
    const app = exampleApplication(team, "spark-pi-memory");
    const ns = app.metadata.namespace;
    expect((await submit(sim.cluster, app)).status).toBe(201);
    const running = await waitForState(sim.cluster, app, ["RUNNING"]);
    const driver = await waitForPod(sim.cluster, ns, running.status?.driverInfo?.podName ?? `${app.metadata.name}-driver`, "bound and Running", isRunning);
    const launch = await launchExecutors(sim.cluster.api, driver);
    expect(launch.created).toHaveLength(2);
    const [first, last] = launch.created;
    await waitForPod(sim.cluster, ns, first.metadata.name, "bound and Running (driver + 1 executor = 1792Mi fit 2Gi)", isRunning);
    const unschedulable = await waitForPod(sim.cluster, ns, last.metadata.name, "marked unschedulable by Volcano", (p) =>
      Boolean(p.status?.conditions?.some((c) => c.type === "PodScheduled" && c.status === "False")),
    );
    expect(unschedulable.spec.nodeName, "the last executor stays unbound").toBeUndefined();

    await apply([seed.object("Queue", team)]);
    await waitForPod(sim.cluster, ns, last.metadata.name, "bound once the queue fits", isRunning);
    await deleteApplication(sim.cluster, ns, app.metadata.name);
  });

  it("a job larger than its team's quota: job-fits-quota predicts a refusal; the operator admits it (its quota webhook is off) and the ResourceQuota refuses the executor over the quota", async () => {
    const team = "alpha";
    const model = seed.team(team);
    expect(findings(seed, "job-fits-quota", team)).toEqual([]);
    const small = await predict(({ teams }) => teams.get(team)!.setIn(["quota", "requests", "cpu"], "2"));
    expect(findings(small, "job-fits-quota", team), "policy: 3 CPU of job > 2 CPU of quota").toHaveLength(1);
    await apply([small.object("ResourceQuota", `${team}-quota`, model.namespace)]);
    await quotaCounted(sim.cluster, model.namespace);

    const app = exampleApplication(team, "pyspark-pi-big");
    expect((await submit(sim.cluster, app)).status, "webhook.resourceQuotaEnforcement is off (Spark Operator 2.3.0 counts memory twice)").toBe(201);
    const running = await waitForState(sim.cluster, app, ["RUNNING"]);
    const driver = await waitForPod(sim.cluster, model.namespace, running.status?.driverInfo?.podName ?? `${app.metadata.name}-driver`, "bound and Running", isRunning);
    // The driver's executors, created as its service account: Kubernetes refuses the one over the quota, with the quota's numbers.
    const launch = await launchExecutors(sim.cluster.api, driver);
    const fits = Math.floor(2000 / model.job.driverPod.cpu) - 1;
    expect(launch.created).toHaveLength(fits);
    expect(launch.refused).toHaveLength(model.job.executor.instances - fits);
    expect(launch.refused[0].message).toBe(
      `pods "${launch.refused[0].name}" is forbidden: exceeded quota: ${team}-quota, requested: requests.cpu=1, used: requests.cpu=2, limited: requests.cpu=2`,
    );
    expect(stateOf(await application(sim.cluster, model.namespace, app.metadata.name)), "the driver waits for the executor it cannot have").toBe("RUNNING");
    await deleteApplication(sim.cluster, model.namespace, app.metadata.name);
    await apply([seed.object("ResourceQuota", `${team}-quota`, model.namespace)]);
  });

  it("a pod-count quota below the job's pods: quota-pods-fit-job predicts a refusal; the ResourceQuota refuses the last executor", async () => {
    const team = "alpha";
    const model = seed.team(team);
    expect(findings(seed, "quota-pods-fit-job", team)).toEqual([]);
    const few = await predict(({ teams }) => teams.get(team)!.setIn(["quota", "pods"], model.job.pods - 1));
    expect(findings(few, "quota-pods-fit-job", team), `policy: ${model.job.pods} pods > quota of ${model.job.pods - 1}`).toHaveLength(1);
    await apply([few.object("ResourceQuota", `${team}-quota`, model.namespace)]);
    await waitUntil("no pod of the last case left", async () => ((await quota(model.namespace)).used.pods === "0" ? true : undefined), { timeoutMs: 60_000 });
    await quotaCounted(sim.cluster, model.namespace);

    const app = exampleApplication(team, "pyspark-pi-pods");
    expect((await submit(sim.cluster, app)).status, "the operator's quota check does not count pods").toBe(201);
    const running = await waitForState(sim.cluster, app, ["RUNNING"]);
    const driver = await waitForPod(sim.cluster, model.namespace, running.status?.driverInfo?.podName ?? `${app.metadata.name}-driver`, "bound and Running", isRunning);
    const launch = await launchExecutors(sim.cluster.api, driver);
    expect(launch.created).toHaveLength(model.job.pods - 1 - 1);
    expect(launch.refused).toHaveLength(1);
    expect(launch.refused[0].message).toBe(
      `pods "${launch.refused[0].name}" is forbidden: exceeded quota: ${team}-quota, requested: pods=1, used: pods=${model.job.pods - 1}, limited: pods=${model.job.pods - 1}`,
    );
    await deleteApplication(sim.cluster, model.namespace, app.metadata.name);
    await apply([seed.object("ResourceQuota", `${team}-quota`, model.namespace)]);
  });

  it("queue guarantees above the nodes: validation refuses them; applied anyway, Volcano 1.8.2's scheduler panics", async () => {
    const over = await predict(({ teams }) => {
      const epsilon = teams.get("theta")!.clone();
      epsilon.set("name", "epsilon");
      teams.set("epsilon", epsilon);
    });
    const refusal = over.diagnostics.filter((d) => d.code === "queue/guarantees-exceed-cluster");
    expect(refusal.length, "validation refuses the third 4-CPU guarantee").toBeGreaterThan(0);
    expect(refusal[0].message).toContain("Volcano 1.8.2's scheduler panics");
    expect(over.objects, "nothing is generated for an invalid platform").toEqual([]);

    // What nothing generates, applied by hand: a third queue with theta's guarantee.
    const theta = seed.object("Queue", "theta");
    await apply([{ ...theta, metadata: { ...theta.metadata, name: "epsilon", labels: { ...theta.metadata.labels, "spark-platform.io/team": "epsilon" } } }]);
    const app = exampleApplication("theta", "spark-pi-guarantees");
    expect((await submit(sim.cluster, app)).status).toBe(201);
    const scheduler = workload(VOLCANO_SCHEDULER);
    await waitUntil("vc-scheduler to crash", async () => (scheduler.daemon.running ? undefined : true), { timeoutMs: 180_000, intervalMs: 1_000 });
    const log = scheduler.daemon.logTail(400);
    expect(log).toMatch(/Observed a panic: resource is not sufficient to do operation: <cpu 10000\.00, memory 21474836480\.00[^>]*> sub <cpu 12000\.00, memory 25769803776\.00/);

    // Without the extra guarantee, vc-scheduler started again in its pod (restartPolicy Always) runs the same job.
    await sim.cluster.api.request("DELETE", "/apis/scheduling.volcano.sh/v1beta1/queues/epsilon");
    const driver = await waitForPod(sim.cluster, app.metadata.namespace, `${app.metadata.name}-driver`, "bound and Running by the restarted vc-scheduler", isRunning);
    const restarted = workload(VOLCANO_SCHEDULER);
    expect(restarted.restarts, "the kubelet's restart, not a scheduler the test started").toBeGreaterThan(scheduler.restarts);
    expect(restarted.pod, "in the same pod").toBe(scheduler.pod);
    expect(restarted.daemon.running).toBe(true);
    expect(driver.spec.schedulerName).toBe("volcano");
    await deleteApplication(sim.cluster, app.metadata.namespace, app.metadata.name);
  });
});

describe("the quota at its boundary: job-fits-quota is what Kubernetes' ResourceQuota does, and Spark Operator 2.3.0's quota webhook is not", () => {
  // The platform turns webhook.resourceQuotaEnforcement off: the operator's check (internal/webhook/resourcequota.go
  // at v2.3.0) adds getMemoryLimits(), which returns the memory requests, to the requests, and gives every type
  // but Java the non-JVM overhead of 0.4 (https://github.com/kubeflow/spark-operator/pull/2866). These cases run
  // the real webhook with it on (what the platform no longer deploys), and the real ResourceQuota without it.
  const MiB = 1024 * 1024;
  // The flag the chart adds to the webhook's args with webhook.resourceQuotaEnforcement.enable (templates/webhook/deployment.yaml).
  const QUOTA_ON = "--enable-resource-quota-enforcement=true";
  const dryRun = (app: SparkApplication) =>
    sim.cluster.api.post(`/apis/sparkoperator.k8s.io/v1beta2/namespaces/${app.metadata.namespace}/sparkapplications?dryRun=All`, app);
  const refusedBy230 = (ns: string, team: string) =>
    `admission webhook "validate-sparkoperator-k8s-io-v1beta2-sparkapplication.sparkoperator.k8s.io" denied the request: failed to validate resource quota "${ns}/${team}-quota"`;
  /** theta's example with a 2g driver and two 2g executors: 3 × (2048 + 384) = 7,296Mi. */
  let bigTheta: Prediction;
  const bigThetaApp = (): SparkApplication => exampleOf(bigTheta, "theta", "spark-pi-2g");

  it("a Scala job of a 2g driver and two 2g executors on theta: 7,296Mi fit its 12Gi quota; the policy says so, and it runs to COMPLETED", async () => {
    const team = "theta";
    bigTheta = await predict(({ teams }) => {
      teams.get(team)!.setIn(["exampleJob", "driver", "memory"], "2g");
      teams.get(team)!.setIn(["exampleJob", "executor", "memory"], "2g");
    });
    const model = bigTheta.team(team);
    expect(model.job.total.memory / MiB, "Spark's overhead for a JVM job: max(10 %, 384Mi) per pod").toBe(7296);
    expect(model.quota.requests.memory / MiB).toBe(12 * 1024);
    for (const code of ["job-fits-quota", "job-fits-queue", "quota-pods-fit-job"]) expect(findings(bigTheta, code, team), code).toEqual([]);

    const before = await quota(model.namespace);
    const run = await runToCompletion(sim.cluster, bigThetaApp(), {
      onExecutors: async () => {
        const used = (await quota(model.namespace)).used;
        expect(mem(used["requests.memory"]) - mem(before.used["requests.memory"]), "the quota counts 7,296Mi").toBe(model.job.total.memory);
      },
    });
    expect(stateOf(run.app)).toBe("COMPLETED");
    expect(run.driverScheduledBy).toBe("volcano");
    await deleteApplication(sim.cluster, model.namespace, run.app.metadata.name);
  });

  it("a driver larger than the quota: job-fits-quota predicts a refusal; Kubernetes refuses the driver pod and the operator reports the quota's message", async () => {
    const team = "alpha";
    const huge = await predict(({ teams }) => teams.get(team)!.setIn(["exampleJob", "driver", "memory"], "8g"));
    const model = huge.team(team);
    const [finding] = findings(huge, "job-fits-quota", team);
    expect(finding?.path, "policy: the job's memory is over quota.requests.memory").toBe("/quota/requests/memory");
    expect(model.job.driverPod.memory, "the driver alone is over the quota").toBeGreaterThan(model.quota.requests.memory);

    await waitUntil("no pod of the last case left", async () => ((await quota(model.namespace)).used.pods === "0" ? true : undefined), { timeoutMs: 60_000 });
    const app = exampleOf(huge, team, "pyspark-pi-huge");
    expect((await submit(sim.cluster, app)).status).toBe(201);
    // spark-submit's create of the driver pod is refused; the operator records its stderr as the error
    // (SUBMISSION_FAILED, then FAILED, since restartPolicy is Never: internal/controller/sparkapplication/controller.go).
    const failed = await waitForState(sim.cluster, app, ["SUBMISSION_FAILED", "FAILED"]);
    const message = failed.status?.applicationState?.errorMessage ?? "";
    expect(message).toMatch(/^failed to submit spark application: failed to run spark-submit: /);
    // Spark 4.0 gives a PySpark driver the non-JVM overhead: 8192 + floor(0.4 × 8192) = 11468Mi, the model's number.
    expect(model.job.driverPod.memory / 2 ** 20).toBe(8192 + 3276);
    expect(message).toContain(
      `pods "${app.metadata.name}-driver" is forbidden: exceeded quota: ${team}-quota, requested: requests.memory=${model.job.driverPod.memory / 2 ** 20}Mi, used: requests.memory=0, limited: requests.memory=8Gi`,
    );
    expect(await getPod(sim.cluster, model.namespace, `${app.metadata.name}-driver`)).toBeUndefined();
    await deleteApplication(sim.cluster, model.namespace, app.metadata.name);
  });

  it("three seed jobs at once in alpha (CPU raised to 9): the ResourceQuota admits all nine pods (8,064Mi of 8Gi); 2.3.0's webhook refused the third, and the 2g theta job, as 10,752Mi and 17,203Mi", async () => {
    const team = "alpha";
    const wide = await predict(({ teams }) => {
      teams.get(team)!.setIn(["quota", "requests", "cpu"], "9");
      teams.get(team)!.setIn(["quota", "limits", "cpu"], "9");
    });
    const model = wide.team(team);
    expect(findings(wide, "job-fits-quota", team)).toEqual([]);
    expect(3 * model.job.total.memory, "three jobs' memory fits the quota").toBeLessThanOrEqual(model.quota.requests.memory);
    await apply([wide.object("ResourceQuota", `${team}-quota`, model.namespace)]);
    await waitUntil("no pod of the last case left", async () => ((await quota(model.namespace)).used.pods === "0" ? true : undefined), { timeoutMs: 60_000 });
    await quotaCounted(sim.cluster, model.namespace);

    // Two jobs running: their pods as point 1 admitted them, created as the driver's service account.
    const run = runs.get(team);
    expect(run, "point 1 ran alpha's job").toBeDefined();
    const jobPods = (job: number) => [run!.driver, ...run!.executors].map((p, i) => recreated(p, `${team}-job${job}-pod${i}`));
    const create = async (pods: Record<string, unknown>[]) => {
      const answers = [];
      for (const pod of pods) answers.push(await sim.cluster.api.request("POST", `/api/v1/namespaces/${model.namespace}/pods`, pod, asDriver(model.namespace, model.serviceAccount)));
      return answers.map((a) => (a.status === 201 ? 201 : `${a.status}: ${messageOf(a.body)}`));
    };
    let quotaWebhookOn = false;
    try {
      expect(await create([...jobPods(1), ...jobPods(2)])).toEqual(Array(2 * model.job.pods).fill(201));
      await waitUntil("the quota to count two jobs", async () => (mem((await quota(model.namespace)).used["requests.memory"]) === 2 * model.job.total.memory ? true : undefined), { timeoutMs: 60_000 });

      // Spark Operator 2.3.0's quota webhook, on: 2 × 2688Mi for the third job on top of 5,376Mi used > 8Gi; 2 × 3 × 2867.2Mi for theta's.
      expect(workload(OPERATOR_WEBHOOK).args, "as the platform deploys it, the chart gives the webhook no quota flag").not.toContain(QUOTA_ON);
      await sim.workloads.restart(OPERATOR_WEBHOOK, { extraArgs: [QUOTA_ON] });
      quotaWebhookOn = true;
      const third = exampleApplication(team, "pyspark-pi-third");
      const refused = await dryRun(third);
      expect(refused.status).toBe(403);
      expect(messageOf(refused.body)).toBe(refusedBy230(model.namespace, team));
      const theta = await dryRun(bigThetaApp());
      expect(theta.status, "the 2g theta job that ran to COMPLETED above").toBe(403);
      expect(messageOf(theta.body)).toBe(refusedBy230("team-theta", "theta"));

      // As the platform deploys it (off): both are admitted, and the third job's pods fit the ResourceQuota.
      await sim.workloads.restart(OPERATOR_WEBHOOK, { extraArgs: [] });
      quotaWebhookOn = false;
      expect((await dryRun(third)).status).toBe(201);
      expect((await dryRun(bigThetaApp())).status).toBe(201);
      expect(await create(jobPods(3)), "Kubernetes admits the third job's pods").toEqual(Array(model.job.pods).fill(201));
      const used = (await quota(model.namespace)).used;
      expect(mem(used["requests.memory"]) / MiB).toBe((3 * model.job.total.memory) / MiB);
    } finally {
      if (quotaWebhookOn) await sim.workloads.restart(OPERATOR_WEBHOOK, { extraArgs: [] });
      // The nine pods hold 9 CPU of the 10-CPU cluster: gone whatever happened, or later cases find no room.
      for (const job of [1, 2, 3]) for (const pod of jobPods(job)) await sim.cluster.api.request("DELETE", `/api/v1/namespaces/${model.namespace}/pods/${(pod.metadata as { name: string }).name}?gracePeriodSeconds=0`);
      await apply([seed.object("ResourceQuota", `${team}-quota`, model.namespace)]);
    }
  });
});

describe("plain pods in a Volcano team's namespace: Volcano's admission reads the queue annotation with the platform's grant", () => {
  // vc-webhook-manager runs as its pod's ServiceAccount with the chart's RBAC (test/harness/chart-pods.ts),
  // which cannot read Namespaces in 1.8.2 (https://github.com/volcano-sh/volcano/issues/4589); the platform's
  // ClusterRole and binding volcano-admission-namespace-reader (generated/platform/queues/) grant it.
  const grantFile = join(repoRoot, "generated/platform/queues/volcano-admission-namespace-reader.yaml");
  const grant = () => parseAllDocuments(readFileSync(grantFile, "utf8")).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
  const bindingPath = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/volcano-admission-namespace-reader";
  const debugPod = (ns: string, name: string) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns },
    // What a team writes for a debug pod: the guardrails require schedulerName: volcano in a Volcano team's namespace.
    spec: { schedulerName: "volcano", restartPolicy: "Never", containers: [{ name: "debug", image: "busybox:1.36", command: ["sleep", "60"] }] },
  });
  const podGroupOf = async (pod: Pod): Promise<PodGroup | undefined> => {
    const { body } = await sim.cluster.api.get<{ items: (PodGroup & { metadata: { ownerReferences?: { uid: string }[] } })[] }>(`/apis/scheduling.volcano.sh/v1beta1/namespaces/${pod.metadata.namespace}/podgroups`);
    const owner = pod.metadata.ownerReferences?.find((o) => o.controller)?.uid ?? pod.metadata.uid;
    return body.items.find((g) => g.metadata.ownerReferences?.some((o) => o.uid === owner));
  };

  it("the platform runs Volcano's admission as the chart's ServiceAccount, whose chart RBAC cannot read Namespaces", async () => {
    const admission = workload(VOLCANO_ADMISSION);
    const account = { namespace: admission.namespace, name: admission.serviceAccount };
    expect(account).toEqual({ namespace: "volcano-system", name: "volcano-admission" });
    expect(await canServiceAccount(sim.cluster, account, { verb: "get", resource: "namespaces", name: "team-delta" }), "with the platform's grant").toBe(true);
  });

  it("without the grant: a debug pod of delta's service account stays Pending, its PodGroup refused for the default queue", async () => {
    expect((await sim.cluster.api.request("DELETE", bindingPath)).status).toBe(200);
    await waitUntil("the admission ServiceAccount to lose read access to Namespaces", async () => (!(await canServiceAccount(sim.cluster, { namespace: "volcano-system", name: workload(VOLCANO_ADMISSION).serviceAccount }, { verb: "get", resource: "namespaces", name: "team-delta" })) ? true : undefined), { timeoutMs: 30_000 });
    const created = await sim.cluster.api.request("POST", "/api/v1/namespaces/team-delta/pods", debugPod("team-delta", "debug-without-grant"), asDriver("team-delta", "delta-sa"));
    expect(created.status, messageOf(created.body)).toBe(201);
    const controller = workload(VOLCANO_CONTROLLERS).daemon;
    const log = await waitUntil(
      "vc-controller-manager to fail creating the pod's PodGroup",
      async () => controller.logTail(200).split("\n").find((line) => line.includes("Failed to handle Pod <team-delta/debug-without-grant>")),
      { timeoutMs: 60_000, intervalMs: 500, daemon: controller },
    );
    expect(log).toContain("namespace team-delta may only use Volcano queue delta");
    const pod = (await getPod(sim.cluster, "team-delta", "debug-without-grant"))!;
    expect(pod.spec.nodeName, "the pod stays unbound").toBeUndefined();
    expect(await podGroupOf(pod)).toBeUndefined();
    await sim.cluster.api.request("DELETE", "/api/v1/namespaces/team-delta/pods/debug-without-grant?gracePeriodSeconds=0");
  });

  it("with the grant: the same debug pod is scheduled by Volcano in delta's queue and runs to Succeeded", async () => {
    await apply(grant());
    const created = await sim.cluster.api.request("POST", "/api/v1/namespaces/team-delta/pods", debugPod("team-delta", "debug-with-grant"), asDriver("team-delta", "delta-sa"));
    expect(created.status, messageOf(created.body)).toBe(201);
    const pod = await waitForPod(sim.cluster, "team-delta", "debug-with-grant", "bound and Running", isRunning);
    expect((await podGroupOf(pod))?.spec.queue, "the PodGroup took the namespace's queue annotation").toBe("delta");
    expect(await scheduledBy(sim.cluster, pod)).toBe("volcano");
    expect((await finishPod(sim.cluster.api, pod)).status?.phase).toBe("Succeeded");
  });

  it.each(["delta", "theta"])("a Job in team-%s: its pod is scheduled by Volcano in the team's queue, and the Job completes", async (team) => {
    // Created by the team's service account: the tenant Role grants batch Jobs in the team's own namespace.
    const ns = `team-${team}`;
    const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "plain-job", namespace: ns }, spec: { backoffLimit: 0, template: { spec: debugPod(ns, "unused").spec } } };
    const created = await sim.cluster.api.request("POST", `/apis/batch/v1/namespaces/${ns}/jobs`, job, asDriver(ns, `${team}-sa`));
    expect(created.status, messageOf(created.body)).toBe(201);
    // KWOK's default stages end a Job's pod by themselves soon after it runs, so bound is what to wait for.
    const pod = await waitUntil(`the Job's pod in ${ns} bound`, async () => {
      const { body } = await sim.cluster.api.get<{ items: Pod[] }>(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent("job-name=plain-job")}`);
      return body.items.find((p) => p.spec.nodeName);
    }, { timeoutMs: 120_000, intervalMs: 500 });
    expect(pod.spec.schedulerName).toBe("volcano");
    expect((await podGroupOf(pod))?.spec.queue).toBe(team);
    expect(await scheduledBy(sim.cluster, pod)).toBe("volcano");
    const now = await getPod(sim.cluster, ns, pod.metadata.name);
    if (now && isRunning(now)) await finishPod(sim.cluster.api, now);
    await waitUntil(`Job ${ns}/plain-job to complete`, async () => {
      const { body } = await sim.cluster.api.get<{ status?: { conditions?: { type: string; status: string }[] } }>(`/apis/batch/v1/namespaces/${ns}/jobs/plain-job`);
      return body.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True") ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
  });
});

describe("point 3: guardrails for the webhook bypass", () => {
  it("validation refuses a platform with Volcano teams and the Spark Operator webhook off, saying why", async () => {
    const off = await predict(({ platform }) => platform.setIn(["components", "sparkOperator", "values", "webhook", "enable"], false));
    const [error] = off.diagnostics.filter((d) => d.code === "platform/volcano-needs-operator-webhook");
    expect(error?.severity).toBe("error");
    expect(error.message).toContain("only the webhook sets `schedulerName: volcano` on Spark pods");
  });

  it("without the operator's webhook, a Volcano team's driver is refused by the ValidatingAdmissionPolicy (loud), where it used to bypass the queue (silent)", async () => {
    // What webhook.enable: false deploys: no webhook Deployment (scaled to 0: its pod is deleted and the
    // process goes with it), no webhook configurations.
    const [namespace, name] = OPERATOR_WEBHOOK.split("/");
    await sim.cluster.kubectl(["-n", namespace, "scale", "deployment", name, "--replicas=0"]);
    const webhook = workload(OPERATOR_WEBHOOK).daemon;
    await waitUntil("the webhook's pod to go, and its process with it", async () => (!webhook.running && !sim.workloads.workload(OPERATOR_WEBHOOK) ? true : undefined), { timeoutMs: 60_000, intervalMs: 500 });
    for (const kind of ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"]) {
      const { status } = await sim.cluster.api.request("DELETE", `/apis/admissionregistration.k8s.io/v1/${kind}/${operatorWebhookName()}`);
      expect(status).toBe(200);
    }

    const loud = exampleApplication("theta", "spark-pi-bypass");
    expect((await submit(sim.cluster, loud)).status).toBe(201);
    const failed = await waitForState(sim.cluster, loud, ["SUBMISSION_FAILED", "FAILED"]);
    const message = failed.status?.applicationState?.errorMessage ?? "";
    expect(message).toContain("ValidatingAdmissionPolicy 'spark-platform-pod-scheduling' with binding 'spark-platform-pod-scheduling' denied request");
    expect(message).toContain("pods in namespace team-theta are scheduled by Volcano, but this one has schedulerName default-scheduler: is the Spark Operator webhook running?");
    expect(await getPod(sim.cluster, "team-theta", "spark-pi-bypass-driver")).toBeUndefined();

    // The same without the guardrail: the driver silently goes to kube-scheduler, outside the team's queue (what the research found).
    const binding = "/apis/admissionregistration.k8s.io/v1beta1/validatingadmissionpolicybindings/spark-platform-pod-scheduling";
    expect((await sim.cluster.api.request("DELETE", binding)).status).toBe(200);
    const silent = exampleApplication("theta", "spark-pi-silent");
    expect((await submit(sim.cluster, silent)).status).toBe(201);
    const running = await waitForState(sim.cluster, silent, ["RUNNING"]);
    const driver = await waitForPod(sim.cluster, "team-theta", running.status?.driverInfo?.podName ?? "spark-pi-silent-driver", "bound and Running", isRunning);
    expect(driver.spec.schedulerName).toBe("default-scheduler");
    expect(driver.metadata.annotations?.["scheduling.k8s.io/group-name"], "its PodGroup names the queue, but nothing enforces it").toBe("spark-spark-pi-silent-pg");
    await deleteApplication(sim.cluster, "team-theta", silent.metadata.name);
    await deleteApplication(sim.cluster, "team-theta", loud.metadata.name);
  });
});

/** The example SparkApplication a variant of the seed generates for a team, under another name. */
function exampleOf(prediction: Prediction, team: string, name: string): SparkApplication {
  const app = structuredClone(prediction.objects.find((o) => o.kind === "SparkApplication" && o.metadata.namespace === `team-${team}`)) as unknown as SparkApplication | undefined;
  if (!app) throw new Error(`the variant generates no example for ${team}`);
  app.metadata.name = name;
  return app;
}

const asDriver = (ns: string, account: string) => ({
  "Impersonate-User": `system:serviceaccount:${ns}:${account}`,
  "Impersonate-Group": ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"],
});
