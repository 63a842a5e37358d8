// The seed's Spark jobs on a simulated cluster with the real Spark
// Operator, Volcano and kube-scheduler, and the policy checked against them.
// Real: kube-apiserver, etcd, kube-controller-manager, kube-scheduler, Volcano
// (webhook-manager, controller-manager, scheduler), Spark Operator (controller,
// webhook) and spark-submit. Simulated: the nodes (KWOK), what runs inside the
// driver (its executor requests, made with its own identity) and the kubelet's
// report that containers ended. docs/job-flow.md says more.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCapacity } from "../../src/format/amounts.js";
import { bytes, milliCPU } from "../../src/model/quantity.js";
import { repoRoot } from "../support/paths.js";
import { tenantTeams } from "../harness/platform-manifests.js";
import { waitUntil } from "../harness/process.js";
import { launchExecutors, messageOf, type Pod } from "../harness/spark-driver.js";
import { loopbackEndpointsObject } from "../harness/webhook-service.js";
import {
  application,
  deleteApplication,
  eventsFor,
  exampleApplication,
  getPod,
  isRunning,
  podGroup,
  runToCompletion,
  stateOf,
  submit,
  waitForPod,
  waitForState,
  type JobRun,
} from "./jobs.js";
import { findings, predict, type Prediction } from "./predictions.js";
import { quotaCounted, startSimulation, type Simulation } from "./simulation.js";

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
const apply = (objects: unknown[]) =>
  sim.cluster.kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager=argocd-controller", "-f", "-"], {
    input: objects.map((o) => JSON.stringify(o)).join("\n"),
  });

describe("the simulated cluster", () => {
  it("runs the platform's Kubernetes, one KWOK node per node of platform.yaml, and both operators' webhooks", async () => {
    const version = await sim.cluster.api.get<{ gitVersion: string }>("/version");
    expect(version.body.gitVersion).toBe(sim.cluster.version);

    const { body } = await sim.cluster.api.get<{ items: { metadata: { name: string }; status: { allocatable: Record<string, string> } }[] }>("/api/v1/nodes");
    const nodes = body.items.map((n) => ({ name: n.metadata.name, cpu: milliCPU(n.status.allocatable.cpu), memory: bytes(n.status.allocatable.memory) }));
    expect(nodes.map((n) => n.name).sort()).toEqual(sim.kwok.nodes.map((n) => n.name).sort());
    const total = nodes.reduce((sum, n) => ({ cpu: sum.cpu + n.cpu, memory: sum.memory + n.memory }), { cpu: 0, memory: 0 });
    expect(total, "the nodes add up to what the model calls the cluster").toEqual(seed.model!.clusterCapacity);

    // Both webhook servers patched their CA into the chart-shaped configurations, and the API server calls them:
    // Volcano's queue mutation defaulted the `default` queue that vc-scheduler created through it.
    for (const name of [sim.operator.webhookName, ...sim.volcano.admissions.filter((p) => p.includes("queues")).map((p) => `volcano-admission-service${p.replace(/\//g, "-")}`)]) {
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

  it("cannot point a webhook Service at a loopback endpoint, so the webhook Services are ExternalName localhost", async () => {
    const refused = await sim.cluster.api.post(`/api/v1/namespaces/${sim.operator.release.namespace}/endpoints`, {
      ...loopbackEndpointsObject({ name: "loopback-probe", namespace: sim.operator.release.namespace, port: 9443 }),
    });
    expect(refused.status).toBe(422);
    expect(messageOf(refused.body)).toContain("may not be in the loopback range (127.0.0.0/8, ::1/128)");
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
      { timeoutMs: 120_000, intervalMs: 1_000, daemon: sim.volcano.scheduler },
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

  it("a job larger than its team's quota: job-fits-quota predicts a refusal; the operator's quota check and the ResourceQuota refuse it", async () => {
    const team = "alpha";
    const model = seed.team(team);
    expect(findings(seed, "job-fits-quota", team)).toEqual([]);
    const small = await predict(({ teams }) => teams.get(team)!.setIn(["quota", "requests", "cpu"], "2"));
    expect(findings(small, "job-fits-quota", team), "policy: 3 CPU of job > 2 CPU of quota").toHaveLength(1);
    const quotaObject = small.object("ResourceQuota", `${team}-quota`, model.namespace);
    await apply([quotaObject]);
    await quotaCounted(sim.cluster, model.namespace);

    // With webhook.resourceQuotaEnforcement (the platform's value) the operator's webhook refuses the app at submission.
    const refused = await submit(sim.cluster, exampleApplication(team, "pyspark-pi-big"));
    expect(refused.status).toBe(403);
    expect(messageOf(refused.body)).toBe(
      `admission webhook "validate-sparkoperator-k8s-io-v1beta2-sparkapplication.sparkoperator.k8s.io" denied the request: failed to validate resource quota "${model.namespace}/${team}-quota"`,
    );

    // The job's own pods (as they were admitted in point 1), created as the driver's service account: Kubernetes refuses the one over the quota.
    const run = runs.get(team);
    expect(run, "point 1 ran alpha's job").toBeDefined();
    const pods = [run!.driver, ...run!.executors].map((p, i) => recreated(p, `${team}-quota-probe-${i}`));
    const answers = [];
    for (const pod of pods) answers.push(await sim.cluster.api.request("POST", `/api/v1/namespaces/${model.namespace}/pods`, pod, asDriver(model.namespace, model.serviceAccount)));
    const fits = Math.floor(2000 / model.job.driverPod.cpu);
    expect(answers.slice(0, fits).map((a) => a.status)).toEqual(Array(fits).fill(201));
    expect(answers[fits].status).toBe(403);
    expect(messageOf(answers[fits].body)).toBe(
      `pods "${team}-quota-probe-${fits}" is forbidden: exceeded quota: ${team}-quota, requested: requests.cpu=1, used: requests.cpu=2, limited: requests.cpu=2`,
    );
    for (let i = 0; i < fits; i++) await sim.cluster.api.request("DELETE", `/api/v1/namespaces/${model.namespace}/pods/${team}-quota-probe-${i}?gracePeriodSeconds=0`);
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
    const scheduler = sim.volcano.scheduler;
    await waitUntil("vc-scheduler to crash", async () => (scheduler.running ? undefined : true), { timeoutMs: 180_000, intervalMs: 1_000 });
    const log = scheduler.logTail(400);
    expect(log).toMatch(/Observed a panic: resource is not sufficient to do operation: <cpu 10000\.00, memory 21474836480\.00[^>]*> sub <cpu 12000\.00, memory 25769803776\.00/);

    // Without the extra guarantee a new vc-scheduler runs the same job.
    await sim.cluster.api.request("DELETE", "/apis/scheduling.volcano.sh/v1beta1/queues/epsilon");
    sim.volcano.scheduler = await sim.volcano.startScheduler("vc-scheduler-after-panic");
    const driver = await waitForPod(sim.cluster, app.metadata.namespace, `${app.metadata.name}-driver`, "bound and Running by the new vc-scheduler", isRunning);
    expect(driver.spec.schedulerName).toBe("volcano");
    await deleteApplication(sim.cluster, app.metadata.namespace, app.metadata.name);
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
    // What webhook.enable: false deploys: no webhook configurations, no webhook process.
    for (const kind of ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"]) {
      const { status } = await sim.cluster.api.request("DELETE", `/apis/admissionregistration.k8s.io/v1/${kind}/${sim.operator.webhookName}`);
      expect(status).toBe(200);
    }
    await sim.operator.webhook?.stop();

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

const asDriver = (ns: string, account: string) => ({
  "Impersonate-User": `system:serviceaccount:${ns}:${account}`,
  "Impersonate-Group": ["system:serviceaccounts", `system:serviceaccounts:${ns}`, "system:authenticated"],
});
