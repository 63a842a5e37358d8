// The generated guardrails (ValidatingAdmissionPolicies in
// generated/platform/guardrails) on a real API server. One table of cases:
// each creates (or updates) a real object in a tenant namespace and names what
// the server must answer: admitted, or denied by one validation of one policy
// with its exact message.
//
// Every case runs twice. First before the guardrails exist, as a server-side
// dry run: the server must admit every object, so a denial later can only come
// from the guardrails (not from the CRD schema, quota, PodSecurity or the
// ServiceAccount plugin). Then with the guardrails, for real. A new policy is
// enforced only once the API server has synced it, so beforeAll sends each
// policy's first denied case as a dry run until it is denied (polled, with a
// timeout).
//
// Some cases update objects that exist from before the guardrails (created
// with the control run), as after an upgrade that adds the guardrails or a
// team's change of scheduler: the Spark Operator's own updates (its finalizer)
// must still go through.
//
// kube-controller-manager runs its serviceaccount and resourcequota
// controllers: the ResourceQuota plugin refuses every pod while a tenant
// quota's usage is unknown, and the ServiceAccount plugin refuses a pod whose
// service account (`default` too) does not exist. Admitted pods therefore pass
// all of admission, quota included; they set small resources so that the
// tenants' quotas (limits.cpu 8 with a LimitRange default of 2 CPUs) never
// decide a case. Nothing here runs a pod; one is bound to a node the way
// kube-scheduler and Volcano bind pods (pods/binding), which no guardrail may
// stop.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { startControllerManager } from "../harness/controller-manager.js";
import { installUpstreamCrds } from "../harness/crds.js";
import { applyServerSide, generatedDir, kustomize, namespacesFirst, tenantOverlay, tenantTeams } from "../harness/platform-manifests.js";
import { waitUntil } from "../harness/process.js";
import { quotaUsageKnown } from "../harness/pod-admission.js";
import { messageOf } from "../harness/spark-driver.js";
import type { KubeObject } from "../support/kube.js";

// ---------------------------------------------------------------------------
// The teams the cases use (the first test checks them against the applied namespaces).

/** A Volcano team: queue `theta`, service account `theta-sa`. */
const THETA = "team-theta";
/** Another Volcano team, whose queue theta must not use. */
const DELTA_QUEUE = "delta";
/** A default-scheduler team: no queue, service account `alpha-sa`. */
const ALPHA = "team-alpha";
/** Not a tenant: no guardrail applies. */
const OUTSIDE = "default";

const QUEUE_ANNOTATION = "scheduling.volcano.sh/queue-name";
/** Spark Operator 2.3.0 adds it to every SparkApplication with an UPDATE, and removes it with another once it has cleaned up. */
const OPERATOR_FINALIZER = "sparkoperator.k8s.io/finalizer";
const GUARDRAILS_DIR = join(generatedDir, "platform/guardrails");
const POLICY_PREFIX = "spark-platform-";

// ---------------------------------------------------------------------------
// The cases.

/** A denial: the policy (without the `spark-platform-` prefix), the index of its validation, and the whole message. */
interface Denial {
  policy: string;
  validation: number;
  message: string;
}

interface Case {
  /** Unique; also the object's name unless the object brings its own (the generated examples). */
  id: string;
  /** What the case shows, for the matrix. */
  what: string;
  /** The object to create; for an UPDATE case, the object as first created (it must be admitted). */
  object: KubeObject;
  /** Makes this an UPDATE case: changes the stored object, which is then replaced (PUT). */
  update?: (stored: KubeObject) => void;
  /** The object exists from before the guardrails (created with the control run), as after a team changed scheduler or before an upgrade added the guardrails. */
  existing?: boolean;
  /** Deletes the object (it holds a finalizer) before the UPDATE, as when the operator removes its finalizer. */
  deleteFirst?: boolean;
  expect: "admitted" | Denial;
}

const deny = (policy: string, validation: number, message: string): Denial => ({ policy, validation, message });

// Messages, written out here rather than taken from the generator, so that a
// change of wording in src/synth/platform/guardrails.ts shows up as a failure.
const THETA_NEEDS_VOLCANO = deny(
  "sparkapplication-scheduler",
  0,
  "namespace team-theta schedules Spark with Volcano: set spec.batchScheduler: volcano and spec.batchSchedulerOptions.queue: theta",
);
const THETA_ONLY_ITS_QUEUE = deny(
  "sparkapplication-scheduler",
  1,
  "namespace team-theta may only use Volcano queue theta: set spec.batchSchedulerOptions.queue: theta",
);
const ALPHA_NO_VOLCANO = deny(
  "sparkapplication-scheduler",
  2,
  "namespace team-alpha uses the default scheduler and has no Volcano queue: remove spec.batchScheduler and spec.batchSchedulerOptions",
);
const THETA_DRIVER_SA = deny("spark-service-account", 0, "Spark drivers in namespace team-theta run as theta-sa: set spec.driver.serviceAccount: theta-sa");
const ALPHA_DRIVER_SA = deny("spark-service-account", 0, "Spark drivers in namespace team-alpha run as alpha-sa: set spec.driver.serviceAccount: alpha-sa");
const THETA_EXECUTOR_SA = deny(
  "spark-service-account",
  1,
  "Spark executors in namespace team-theta run as theta-sa: set spec.executor.serviceAccount: theta-sa or leave it out",
);
const THETA_PODGROUP_QUEUE = deny("podgroup-queue", 0, "namespace team-theta may only use Volcano queue theta (set spec.queue: theta)");
const ALPHA_NO_PODGROUP = deny("podgroup-queue", 0, "namespace team-alpha uses the default scheduler and has no Volcano queue");
const THETA_POD_NEEDS_VOLCANO = deny(
  "pod-scheduling",
  0,
  "pods in namespace team-theta are scheduled by Volcano, but this one has schedulerName default-scheduler: is the Spark Operator webhook running? Set schedulerName: volcano",
);
const ALPHA_POD_NO_VOLCANO = deny("pod-scheduling", 1, "namespace team-alpha uses the default scheduler: remove schedulerName: volcano");
const THETA_POD_QUEUE = deny(
  "pod-scheduling",
  2,
  `namespace team-theta may only use Volcano queue theta: remove or correct the ${QUEUE_ANNOTATION} annotation`,
);
const ALPHA_POD_QUEUE = deny("pod-scheduling", 2, `namespace team-alpha has no Volcano queue: remove or correct the ${QUEUE_ANNOTATION} annotation`);
const podAccount = (namespace: string, team: string, actual: string): Denial =>
  deny("pod-scheduling", 3, `Spark pods in namespace ${namespace} run as service account ${team}-sa, not ${actual}`);
const serviceType = (namespace: string, type: string): Denial =>
  deny("service-exposure", 0, `Services in namespace ${namespace} are of type ClusterIP only, not ${type}: remove spec.type, or set it to ClusterIP`);
const serviceExternalIPs = (namespace: string): Denial =>
  deny("service-exposure", 1, `Services in namespace ${namespace} may not set spec.externalIPs, which would capture the traffic of every pod to those addresses: remove it`);
const podNodeName = (namespace: string, node: string): Denial =>
  deny("pod-placement", 0, `pods in namespace ${namespace} are placed by their scheduler: remove spec.nodeName (${node})`);
const systemPriority = (kind: "pods" | "PodGroups", namespace: string, priorityClass: string): Denial =>
  deny("priority-class", 0, `${kind} in namespace ${namespace} may not use priority class ${priorityClass}, which is reserved for system components: remove spec.priorityClassName`);

/** A node name (no such node exists: nothing here runs a pod). */
const NODE = "k3d-data-platform-cluster-agent-0";

const CASES: Case[] = [
  // sparkapplication-scheduler
  { id: "theta-example", what: "the generated example (volcano, queue theta)", object: example("theta"), expect: "admitted" },
  { id: "theta-no-batch-scheduler", what: "no batchScheduler", object: app(THETA, "theta-no-batch-scheduler", withoutVolcano), expect: THETA_NEEDS_VOLCANO },
  { id: "theta-yunikorn", what: "batchScheduler yunikorn", object: app(THETA, "theta-yunikorn", (s) => (s.batchScheduler = "yunikorn")), expect: THETA_NEEDS_VOLCANO },
  { id: "theta-queue-delta", what: "volcano, another team's queue", object: app(THETA, "theta-queue-delta", queue(DELTA_QUEUE)), expect: THETA_ONLY_ITS_QUEUE },
  { id: "theta-queue-default", what: "volcano, queue default", object: app(THETA, "theta-queue-default", queue("default")), expect: THETA_ONLY_ITS_QUEUE },
  { id: "theta-no-queue", what: "volcano, no batchSchedulerOptions", object: app(THETA, "theta-no-queue", (s) => delete s.batchSchedulerOptions), expect: THETA_ONLY_ITS_QUEUE },
  {
    id: "theta-update-queue",
    what: "UPDATE to another team's queue",
    object: app(THETA, "theta-update-queue"),
    update: (stored) => queue(DELTA_QUEUE)(stored.spec),
    expect: THETA_ONLY_ITS_QUEUE,
  },
  {
    id: "theta-update-label",
    what: "UPDATE of a label only",
    object: app(THETA, "theta-update-label"),
    update: (stored) => (stored.metadata.labels = { ...stored.metadata.labels, changed: "yes" }),
    expect: "admitted",
  },
  // Objects from before the guardrails: the Spark Operator's own updates (its
  // finalizer, added to every new SparkApplication and removed when it is
  // deleted) leave the spec alone and must go through, or a deleted
  // application would hang in Terminating; a change of the spec must comply.
  {
    id: "theta-legacy-finalizer",
    what: "older app without batchScheduler: the operator adds its finalizer",
    object: app(THETA, "theta-legacy-finalizer", withoutVolcano),
    existing: true,
    update: (stored) => (stored.metadata.finalizers = [OPERATOR_FINALIZER]),
    expect: "admitted",
  },
  {
    id: "theta-legacy-delete",
    what: "older app without batchScheduler, deleted: the operator removes its finalizer",
    object: app(THETA, "theta-legacy-delete", withoutVolcano, [OPERATOR_FINALIZER]),
    existing: true,
    deleteFirst: true,
    update: (stored) => (stored.metadata.finalizers = []),
    expect: "admitted",
  },
  {
    id: "theta-legacy-spec-change",
    what: "older app without batchScheduler: a change of its spec",
    object: app(THETA, "theta-legacy-spec-change", withoutVolcano),
    existing: true,
    update: (stored) => (stored.spec.arguments = ["1000"]),
    expect: THETA_NEEDS_VOLCANO,
  },
  {
    id: "theta-legacy-sa-delete",
    what: "older app with its driver as default, deleted: the operator removes its finalizer",
    object: app(THETA, "theta-legacy-sa-delete", (s) => (s.driver.serviceAccount = "default"), [OPERATOR_FINALIZER]),
    existing: true,
    deleteFirst: true,
    update: (stored) => (stored.metadata.finalizers = []),
    expect: "admitted",
  },
  { id: "alpha-example", what: "the generated example (no batchScheduler)", object: example("alpha"), expect: "admitted" },
  { id: "alpha-volcano", what: "batchScheduler volcano", object: app(ALPHA, "alpha-volcano", (s) => (s.batchScheduler = "volcano")), expect: ALPHA_NO_VOLCANO },
  {
    id: "alpha-volcano-queue-delta",
    what: "volcano with another team's queue",
    object: app(ALPHA, "alpha-volcano-queue-delta", (s) => ((s.batchScheduler = "volcano"), queue(DELTA_QUEUE)(s))),
    expect: ALPHA_NO_VOLCANO,
  },
  { id: "theta-scheduled", what: "ScheduledSparkApplication, example template", object: scheduled(THETA, "theta-scheduled"), expect: "admitted" },
  {
    id: "theta-scheduled-queue-delta",
    what: "ScheduledSparkApplication, template in another team's queue",
    object: scheduled(THETA, "theta-scheduled-queue-delta", queue(DELTA_QUEUE)),
    expect: THETA_ONLY_ITS_QUEUE,
  },
  {
    id: "alpha-scheduled-volcano",
    what: "ScheduledSparkApplication, template on volcano",
    object: scheduled(ALPHA, "alpha-scheduled-volcano", (s) => (s.batchScheduler = "volcano")),
    expect: ALPHA_NO_VOLCANO,
  },

  // spark-service-account
  { id: "theta-driver-sa-delta", what: "driver runs as delta-sa", object: app(THETA, "theta-driver-sa-delta", (s) => (s.driver.serviceAccount = "delta-sa")), expect: THETA_DRIVER_SA },
  {
    id: "theta-update-driver-sa",
    what: "UPDATE of the driver to delta-sa",
    object: app(THETA, "theta-update-driver-sa"),
    update: (stored) => (stored.spec.driver.serviceAccount = "delta-sa"),
    expect: THETA_DRIVER_SA,
  },
  { id: "theta-driver-sa-missing", what: "driver serviceAccount left out", object: app(THETA, "theta-driver-sa-missing", (s) => delete s.driver.serviceAccount), expect: THETA_DRIVER_SA },
  { id: "alpha-driver-sa-default", what: "driver runs as default", object: app(ALPHA, "alpha-driver-sa-default", (s) => (s.driver.serviceAccount = "default")), expect: ALPHA_DRIVER_SA },
  {
    id: "theta-executor-sa-delta",
    what: "executor runs as delta-sa",
    object: app(THETA, "theta-executor-sa-delta", (s) => (s.executor.serviceAccount = "delta-sa")),
    expect: THETA_EXECUTOR_SA,
  },
  {
    id: "theta-executor-sa-missing",
    what: "executor serviceAccount left out (Spark uses the driver's)",
    object: app(THETA, "theta-executor-sa-missing", (s) => delete s.executor.serviceAccount),
    expect: "admitted",
  },
  {
    id: "theta-scheduled-driver-sa",
    what: "ScheduledSparkApplication, template driver as delta-sa",
    object: scheduled(THETA, "theta-scheduled-driver-sa", (s) => (s.driver.serviceAccount = "delta-sa")),
    expect: THETA_DRIVER_SA,
  },

  // podgroup-queue
  { id: "theta-podgroup", what: "PodGroup as the Spark Operator creates it, queue theta", object: podGroup(THETA, "theta-podgroup", "theta"), expect: "admitted" },
  { id: "theta-podgroup-delta", what: "PodGroup in another team's queue", object: podGroup(THETA, "theta-podgroup-delta", DELTA_QUEUE), expect: THETA_PODGROUP_QUEUE },
  { id: "theta-podgroup-default", what: "PodGroup in queue default", object: podGroup(THETA, "theta-podgroup-default", "default"), expect: THETA_PODGROUP_QUEUE },
  {
    id: "theta-podgroup-no-queue",
    what: "PodGroup without a queue (Volcano's webhook, absent here, would fill in theta)",
    object: podGroup(THETA, "theta-podgroup-no-queue", undefined),
    expect: THETA_PODGROUP_QUEUE,
  },
  {
    id: "theta-podgroup-update-queue",
    what: "UPDATE of a PodGroup to another team's queue",
    object: podGroup(THETA, "theta-podgroup-update-queue", "theta"),
    update: (stored) => (stored.spec.queue = DELTA_QUEUE),
    expect: THETA_PODGROUP_QUEUE,
  },
  {
    id: "theta-podgroup-update-label",
    what: "UPDATE of a PodGroup's labels only",
    object: podGroup(THETA, "theta-podgroup-update-label", "theta"),
    update: (stored) => (stored.metadata.labels = { ...stored.metadata.labels, changed: "yes" }),
    expect: "admitted",
  },
  {
    id: "theta-podgroup-update-status",
    what: "UPDATE of a PodGroup's status, as Volcano's scheduler writes it",
    object: podGroup(THETA, "theta-podgroup-update-status", "theta"),
    update: (stored) => (stored.status = { phase: "Running", running: 1 }),
    expect: "admitted",
  },
  { id: "alpha-podgroup", what: "PodGroup in a default-scheduler team", object: podGroup(ALPHA, "alpha-podgroup", "default"), expect: ALPHA_NO_PODGROUP },

  // pod-scheduling
  { id: "theta-pod-default-scheduler", what: "pod on the default scheduler", object: pod(THETA, "theta-pod-default-scheduler"), expect: THETA_POD_NEEDS_VOLCANO },
  {
    id: "theta-pod-volcano",
    what: "pod on volcano, queue annotation theta",
    object: pod(THETA, "theta-pod-volcano", { schedulerName: "volcano", annotations: { [QUEUE_ANNOTATION]: "theta" } }),
    expect: "admitted",
  },
  { id: "theta-driver-pod", what: "Spark driver pod as the operator's webhook leaves it", object: sparkPod(THETA, "theta-driver-pod", "driver", "theta-sa"), expect: "admitted" },
  { id: "theta-executor-pod", what: "Spark executor pod as the operator's webhook leaves it", object: sparkPod(THETA, "theta-executor-pod", "executor", "theta-sa"), expect: "admitted" },
  {
    id: "theta-pod-queue-delta",
    what: "pod on volcano, queue annotation delta",
    object: pod(THETA, "theta-pod-queue-delta", { schedulerName: "volcano", annotations: { [QUEUE_ANNOTATION]: DELTA_QUEUE } }),
    expect: THETA_POD_QUEUE,
  },
  { id: "theta-driver-pod-default-sa", what: "Spark driver pod as default", object: sparkPod(THETA, "theta-driver-pod-default-sa", "driver", "default"), expect: podAccount(THETA, "theta", "default") },
  {
    id: "theta-executor-pod-default-sa",
    what: "Spark executor pod as default",
    object: sparkPod(THETA, "theta-executor-pod-default-sa", "executor", "default"),
    expect: podAccount(THETA, "theta", "default"),
  },
  { id: "alpha-pod", what: "pod on the default scheduler", object: pod(ALPHA, "alpha-pod"), expect: "admitted" },
  { id: "alpha-driver-pod", what: "Spark driver pod as alpha-sa", object: sparkPod(ALPHA, "alpha-driver-pod", "driver", "alpha-sa"), expect: "admitted" },
  { id: "alpha-pod-volcano", what: "pod on volcano", object: pod(ALPHA, "alpha-pod-volcano", { schedulerName: "volcano" }), expect: ALPHA_POD_NO_VOLCANO },
  {
    id: "alpha-pod-queue-delta",
    what: "pod naming queue delta",
    object: pod(ALPHA, "alpha-pod-queue-delta", { annotations: { [QUEUE_ANNOTATION]: DELTA_QUEUE } }),
    expect: ALPHA_POD_QUEUE,
  },
  { id: "alpha-driver-pod-default-sa", what: "Spark driver pod as default", object: sparkPod(ALPHA, "alpha-driver-pod-default-sa", "driver", "default"), expect: podAccount(ALPHA, "alpha", "default") },

  // service-exposure
  { id: "theta-service", what: "ClusterIP Service", object: service(THETA, "theta-service"), expect: "admitted" },
  { id: "theta-service-headless", what: "headless Service, as spark-submit makes for the driver", object: service(THETA, "theta-service-headless", { clusterIP: "None" }), expect: "admitted" },
  { id: "theta-service-nodeport", what: "NodePort Service", object: service(THETA, "theta-service-nodeport", { type: "NodePort" }), expect: serviceType(THETA, "NodePort") },
  { id: "alpha-service-loadbalancer", what: "LoadBalancer Service (k3s's ServiceLB would bind its port on the nodes)", object: service(ALPHA, "alpha-service-loadbalancer", { type: "LoadBalancer" }), expect: serviceType(ALPHA, "LoadBalancer") },
  {
    id: "theta-service-externalname",
    what: "ExternalName Service",
    object: service(THETA, "theta-service-externalname", { type: "ExternalName", externalName: "example.com", selector: undefined }),
    expect: serviceType(THETA, "ExternalName"),
  },
  {
    id: "theta-service-external-ips",
    what: "ClusterIP Service with externalIPs (CVE-2020-8554)",
    object: service(THETA, "theta-service-external-ips", { externalIPs: ["203.0.113.10"] }),
    expect: serviceExternalIPs(THETA),
  },
  {
    id: "theta-service-update-nodeport",
    what: "UPDATE of a ClusterIP Service to NodePort",
    object: service(THETA, "theta-service-update-nodeport"),
    update: (stored) => (stored.spec.type = "NodePort"),
    expect: serviceType(THETA, "NodePort"),
  },
  {
    id: "alpha-service-update-external-ips",
    what: "UPDATE of a Service adding externalIPs",
    object: service(ALPHA, "alpha-service-update-external-ips"),
    update: (stored) => (stored.spec.externalIPs = ["203.0.113.10"]),
    expect: serviceExternalIPs(ALPHA),
  },
  {
    id: "theta-service-update-label",
    what: "UPDATE of a Service's labels",
    object: service(THETA, "theta-service-update-label"),
    update: (stored) => (stored.metadata.labels = { changed: "yes" }),
    expect: "admitted",
  },

  // pod-placement
  {
    id: "theta-pod-node-name",
    what: "pod on volcano with spec.nodeName",
    object: pod(THETA, "theta-pod-node-name", { schedulerName: "volcano", nodeName: NODE }),
    expect: podNodeName(THETA, NODE),
  },
  { id: "alpha-pod-node-name", what: "pod with spec.nodeName", object: pod(ALPHA, "alpha-pod-node-name", { nodeName: NODE }), expect: podNodeName(ALPHA, NODE) },

  // priority-class
  {
    id: "theta-pod-system-node-critical",
    what: "pod on volcano, priority class system-node-critical",
    object: pod(THETA, "theta-pod-system-node-critical", { schedulerName: "volcano", priorityClassName: "system-node-critical" }),
    expect: systemPriority("pods", THETA, "system-node-critical"),
  },
  {
    id: "alpha-pod-system-cluster-critical",
    what: "pod, priority class system-cluster-critical",
    object: pod(ALPHA, "alpha-pod-system-cluster-critical", { priorityClassName: "system-cluster-critical" }),
    expect: systemPriority("pods", ALPHA, "system-cluster-critical"),
  },
  {
    id: "theta-podgroup-system-priority",
    what: "PodGroup, priority class system-cluster-critical",
    object: podGroup(THETA, "theta-podgroup-system-priority", "theta", "system-cluster-critical"),
    expect: systemPriority("PodGroups", THETA, "system-cluster-critical"),
  },
  {
    id: "theta-podgroup-team-priority",
    what: "PodGroup, a priority class of the platform's own",
    object: podGroup(THETA, "theta-podgroup-team-priority", "theta", "spark-batch"),
    expect: "admitted",
  },
  {
    id: "theta-podgroup-update-priority",
    what: "UPDATE of a PodGroup to priority class system-node-critical",
    object: podGroup(THETA, "theta-podgroup-update-priority", "theta"),
    update: (stored) => (stored.spec.priorityClassName = "system-node-critical"),
    expect: systemPriority("PodGroups", THETA, "system-node-critical"),
  },
  {
    id: "theta-legacy-podgroup-priority-status",
    what: "older PodGroup with system-node-critical: Volcano's scheduler updates its status",
    object: podGroup(THETA, "theta-legacy-podgroup-priority-status", "theta", "system-node-critical"),
    existing: true,
    update: (stored) => (stored.status = { phase: "Inqueue" }),
    expect: "admitted",
  },

  // Outside the tenants nothing is checked.
  {
    id: "outside-pod",
    what: "Spark driver pod as default, volcano, queue delta",
    object: sparkPod(OUTSIDE, "outside-pod", "driver", "default", { [QUEUE_ANNOTATION]: DELTA_QUEUE }),
    expect: "admitted",
  },
  {
    id: "outside-app",
    what: "SparkApplication on volcano, queue delta, driver as delta-sa",
    object: app(OUTSIDE, "outside-app", (s) => (queue(DELTA_QUEUE)(s), (s.driver.serviceAccount = "delta-sa"))),
    expect: "admitted",
  },
  { id: "outside-podgroup", what: "PodGroup in queue delta", object: podGroup(OUTSIDE, "outside-podgroup", DELTA_QUEUE), expect: "admitted" },
  {
    id: "outside-pod-placed",
    what: "pod with spec.nodeName and priority class system-node-critical",
    object: pod(OUTSIDE, "outside-pod-placed", { nodeName: NODE, priorityClassName: "system-node-critical" }),
    expect: "admitted",
  },
  { id: "outside-service", what: "NodePort Service with externalIPs", object: service(OUTSIDE, "outside-service", { type: "NodePort", externalIPs: ["203.0.113.10"] }), expect: "admitted" },
];

// ---------------------------------------------------------------------------
// Object builders.

function example(team: string): KubeObject {
  return parse(readFileSync(join(generatedDir, "examples", team, "spark-application.yaml"), "utf8")) as KubeObject;
}

/** A SparkApplication derived from the namespace's team's example (theta's for namespaces outside the tenants). */
function app(namespace: string, name: string, edit: (spec: any) => void = () => {}, finalizers?: string[]): KubeObject {
  const base = example(namespace.startsWith("team-") ? namespace.slice("team-".length) : "theta");
  const object = { ...base, metadata: { ...base.metadata, name, namespace, ...(finalizers ? { finalizers } : {}) } };
  edit(object.spec);
  return object;
}

function scheduled(namespace: string, name: string, edit: (spec: any) => void = () => {}): KubeObject {
  const { apiVersion, spec } = app(namespace, name, edit);
  return { apiVersion, kind: "ScheduledSparkApplication", metadata: { name, namespace }, spec: { schedule: "@every 1h", concurrencyPolicy: "Forbid", template: spec } };
}

function withoutVolcano(spec: any): void {
  delete spec.batchScheduler;
  delete spec.batchSchedulerOptions;
}

function queue(name: string) {
  return (spec: any): void => {
    spec.batchScheduler = "volcano";
    spec.batchSchedulerOptions = { ...spec.batchSchedulerOptions, queue: name };
  };
}

/** A PodGroup shaped like the one Spark Operator 2.3.0's Volcano scheduler creates (spark-<app>-pg, minMember 1, minResources, queue, status Pending). */
function podGroup(namespace: string, name: string, queueName: string | undefined, priorityClassName?: string): KubeObject {
  return {
    apiVersion: "scheduling.volcano.sh/v1beta1",
    kind: "PodGroup",
    metadata: { name, namespace },
    spec: {
      minMember: 1,
      minResources: { cpu: "3", memory: "2432Mi" },
      ...(queueName === undefined ? {} : { queue: queueName }),
      ...(priorityClassName === undefined ? {} : { priorityClassName }),
    },
    status: { phase: "Pending" },
  };
}

interface PodOptions {
  schedulerName?: string;
  serviceAccountName?: string;
  nodeName?: string;
  priorityClassName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A pod with small resources, so that the tenant's quota never decides a case. */
function pod(namespace: string, name: string, options: PodOptions = {}): KubeObject {
  const resources = { cpu: "50m", memory: "64Mi" };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, ...(options.labels ? { labels: options.labels } : {}), ...(options.annotations ? { annotations: options.annotations } : {}) },
    spec: {
      ...(options.schedulerName ? { schedulerName: options.schedulerName } : {}),
      ...(options.serviceAccountName ? { serviceAccountName: options.serviceAccountName } : {}),
      ...(options.nodeName ? { nodeName: options.nodeName } : {}),
      ...(options.priorityClassName ? { priorityClassName: options.priorityClassName } : {}),
      restartPolicy: "Never",
      containers: [{ name: "main", image: "docker.io/library/spark:4.0.0", resources: { requests: resources, limits: resources } }],
    },
  };
}

/**
 * A Spark driver or executor pod as spark-submit creates it and Spark
 * Operator 2.3.0's webhook leaves it: `spark-role`, the service account, and
 * in a Volcano team schedulerName volcano and the PodGroup annotation (the
 * operator names the PodGroup, not the queue).
 */
function sparkPod(namespace: string, name: string, role: "driver" | "executor", serviceAccountName: string, annotations: Record<string, string> = {}): KubeObject {
  const volcano = namespace !== ALPHA;
  return pod(namespace, name, {
    serviceAccountName,
    labels: { "spark-role": role, "spark-app-name": "spark-pi", "sparkoperator.k8s.io/app-name": "spark-pi", "sparkoperator.k8s.io/launched-by-spark-operator": "true" },
    ...(volcano ? { schedulerName: "volcano" } : {}),
    annotations: { ...(volcano ? { "scheduling.k8s.io/group-name": "spark-spark-pi-pg" } : {}), ...annotations },
  });
}

/** A Service on port 7078 (Spark's driver port); `spec` fields replace the defaults (undefined removes one). */
function service(namespace: string, name: string, spec: Record<string, unknown> = {}): KubeObject {
  const merged: Record<string, unknown> = { ports: [{ name: "driver-rpc", port: 7078, protocol: "TCP" }], selector: { "spark-role": "driver" }, ...spec };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return { apiVersion: "v1", kind: "Service", metadata: { name, namespace }, spec: merged };
}

// ---------------------------------------------------------------------------
// Running a case.

interface Outcome {
  status: number;
  /** The server's message for a refusal. */
  message?: string;
  reason?: string;
}

function collectionPath(object: KubeObject, namespace: string): string {
  const plural = { Pod: "pods", Service: "services", SparkApplication: "sparkapplications", ScheduledSparkApplication: "scheduledsparkapplications", PodGroup: "podgroups" }[object.kind];
  if (!plural) throw new Error(`no resource path for kind ${object.kind}`);
  const base = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  return `${base}/namespaces/${namespace}/${plural}`;
}

function namespaceOf(testCase: Case): string {
  const namespace = testCase.object.metadata.namespace;
  if (!namespace) throw new Error(`case ${testCase.id}: the object has no namespace`);
  return namespace;
}

/**
 * Sends the case's request: a CREATE, or for an UPDATE case the UPDATE of
 * the object's first version, created here (it must be admitted) unless it
 * exists from before the guardrails.
 *
 * - "control", before the guardrails: the case's request as a server-side dry
 *   run; an UPDATE case's first version is created for real, under
 *   `<name>-control` (or under its own name for an `existing` case, which is
 *   how that object comes to exist).
 * - "probe": a CREATE case as a dry run, to see whether a policy is enforced yet.
 * - "real": for real, with the guardrails.
 */
async function send(testCase: Case, phase: "control" | "probe" | "real"): Promise<Outcome> {
  const namespace = namespaceOf(testCase);
  const collection = collectionPath(testCase.object, namespace);
  const name = phase === "control" && testCase.update && !testCase.existing ? `${testCase.object.metadata.name}-control` : testCase.object.metadata.name;
  const object = structuredClone({ ...testCase.object, metadata: { ...testCase.object.metadata, name } });
  const query = phase === "real" ? "" : "?dryRun=All";
  if (!testCase.update) return outcome(await cluster.api.post(`${collection}${query}`, object));
  if (phase === "probe") throw new Error(`case ${testCase.id}: an UPDATE case cannot be a probe`);

  if (!testCase.existing || phase === "control") {
    const created = await cluster.api.post(collection, object);
    if (created.status !== 201) throw new Error(`case ${testCase.id}: the object to update was refused: ${messageOf(created.body)}`);
  }
  if (testCase.deleteFirst && phase === "real") {
    const deleted = await cluster.api.request("DELETE", `${collection}/${name}`);
    if (deleted.status !== 200 && deleted.status !== 202) throw new Error(`case ${testCase.id}: DELETE answered ${deleted.status}: ${messageOf(deleted.body)}`);
  }
  const current = await cluster.api.get<KubeObject>(`${collection}/${name}`);
  if (current.status !== 200) throw new Error(`case ${testCase.id}: cannot read ${collection}/${name}: ${messageOf(current.body)}`);
  const stored = current.body;
  if (testCase.deleteFirst && phase === "real" && !stored.metadata.finalizers?.length) throw new Error(`case ${testCase.id}: the deleted object holds no finalizer`);
  testCase.update(stored);
  return outcome(await cluster.api.request("PUT", `${collection}/${name}${query}`, stored));
}

/** "CREATE", "UPDATE", or "DELETE, UPDATE" (finalizer removal); "older" when the object predates the guardrails. */
function requestOf(testCase: Case): string {
  if (!testCase.update) return "CREATE";
  return `${testCase.existing ? "older: " : ""}${testCase.deleteFirst ? "DELETE, UPDATE" : "UPDATE"}`;
}

function outcome({ status, body }: { status: number; body: unknown }): Outcome {
  if (status === 200 || status === 201) return { status };
  const { message, reason } = body as { message?: string; reason?: string };
  return { status, message: message ?? JSON.stringify(body), reason };
}

/** What Kubernetes says when a ValidatingAdmissionPolicy denies: `... is forbidden: ValidatingAdmissionPolicy '<policy>' with binding '<binding>' denied request: <message>`. */
function denialText({ policy, message }: Denial): string {
  const name = POLICY_PREFIX + policy;
  return `ValidatingAdmissionPolicy '${name}' with binding '${name}' denied request: ${message}`;
}

/** "admitted", "denied <policy>#<n>" for the expected denial, or the server's own words. */
function describeOutcome(result: Outcome | undefined, expected: Case["expect"]): string {
  if (!result) return "not run";
  if (result.status === 200 || result.status === 201) return "admitted";
  if (expected !== "admitted" && result.message?.endsWith(` is forbidden: ${denialText(expected)}`)) return `denied ${expected.policy}#${expected.validation}`;
  const policy = /ValidatingAdmissionPolicy '([^']+)'.*denied request: (.*)$/.exec(result.message ?? "");
  const shown = policy ? `denied by ${policy[1].slice(POLICY_PREFIX.length)}: ${policy[2]}` : `HTTP ${result.status}: ${result.message}`;
  return shown.length > 90 ? `${shown.slice(0, 89)}…` : shown;
}

// ---------------------------------------------------------------------------
// The suite.

let cluster: Cluster;
/** Each case without the guardrails (dry run), then with them. */
const withoutGuardrails = new Map<string, Outcome>();
const withGuardrails = new Map<string, Outcome>();
let policyApiVersion = "";

beforeAll(async () => {
  cluster = await startCluster();
  await installUpstreamCrds(cluster);
  // The order Argo CD's waves give: the platform's namespaces and queues, then each tenant.
  await applyLayer(join(generatedDir, "platform/namespaces"));
  await applyLayer(join(generatedDir, "platform/queues"));
  for (const team of tenantTeams()) await applyLayer(tenantOverlay(team));
  await startControllerManager(cluster, { controllers: ["serviceaccount", "resourcequota"] });
  await Promise.all([THETA, ALPHA].map((namespace) => quotaUsageKnown(cluster, namespace)));
  await Promise.all([THETA, ALPHA, OUTSIDE].map(defaultServiceAccount));

  // The control: the same requests, before any guardrail exists.
  for (const testCase of CASES) withoutGuardrails.set(testCase.id, await send(testCase, "control"));

  const policies = await kustomize(GUARDRAILS_DIR);
  policyApiVersion = (parse(policies.split(/^---$/m)[0]) as KubeObject).apiVersion;
  await applyYaml(policies, "generated/platform/guardrails");
  await guardrailsEnforced();
});

afterAll(async () => {
  if (withGuardrails.size > 0) console.log(renderMatrix());
  await cluster?.stop();
});

describe("the generated guardrails on a real API server", () => {
  it("applies to the teams the cases assume", async () => {
    const labels = async (name: string) => (await cluster.api.get<{ metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } }>(`/api/v1/namespaces/${name}`)).body.metadata;
    const theta = await labels(THETA);
    expect(theta.labels?.["spark-platform.io/scheduler"]).toBe("volcano");
    expect(theta.annotations?.[QUEUE_ANNOTATION]).toBe("theta");
    expect((await labels(`team-${DELTA_QUEUE}`)).annotations?.[QUEUE_ANNOTATION]).toBe(DELTA_QUEUE);
    const alpha = await labels(ALPHA);
    expect(alpha.labels?.["spark-platform.io/scheduler"]).toBe("default");
    expect(alpha.annotations?.[QUEUE_ANNOTATION]).toBeUndefined();
    expect((await labels(OUTSIDE)).labels?.["spark-platform.io/team"]).toBeUndefined();
  });

  it("has a denied case for every validation of every generated policy, and an admitted case for every policy", () => {
    const generated = parseAllDocuments(readFileSync(join(GUARDRAILS_DIR, "policies.yaml"), "utf8"))
      .map((doc) => doc.toJS() as KubeObject)
      .filter((object) => object?.kind === "ValidatingAdmissionPolicy");
    const validations = generated.flatMap((policy) =>
      (policy.spec.validations as unknown[]).map((_, index) => `${policy.metadata.name.slice(POLICY_PREFIX.length)}#${index}`),
    );
    expect(validations.length).toBeGreaterThan(0);
    const denied = new Set(CASES.flatMap((c) => (c.expect === "admitted" ? [] : [`${c.expect.policy}#${c.expect.validation}`])));
    expect(validations.filter((validation) => !denied.has(validation)), "validations without a denied case").toEqual([]);
    expect([...denied].filter((validation) => !validations.includes(validation)), "cases naming no generated validation").toEqual([]);

    const kindsOf = (policy: KubeObject) => new Set<string>(policy.spec.matchConstraints.resourceRules.flatMap((rule: { resources: string[] }) => rule.resources));
    for (const policy of generated) {
      const resources = kindsOf(policy);
      const admitted = CASES.filter((c) => c.expect === "admitted" && c.object.metadata.namespace !== OUTSIDE && resources.has(collectionPath(c.object, "x").split("/").pop()!));
      expect(admitted.length, `admitted cases for ${policy.metadata.name}`).toBeGreaterThan(0);
    }

    // A policy that checks only some UPDATEs (matchConditions) has an UPDATE case on either side.
    for (const policy of generated.filter((p) => p.spec.matchConditions?.length)) {
      const short = policy.metadata.name.slice(POLICY_PREFIX.length);
      const resources = kindsOf(policy);
      const updates = CASES.filter((c) => c.update && c.object.metadata.namespace !== OUTSIDE && resources.has(collectionPath(c.object, "x").split("/").pop()!));
      expect(updates.filter((c) => c.expect === "admitted").length, `admitted UPDATE cases for ${policy.metadata.name}`).toBeGreaterThan(0);
      expect(updates.filter((c) => c.expect !== "admitted" && c.expect.policy === short).length, `denied UPDATE cases for ${policy.metadata.name}`).toBeGreaterThan(0);
    }

    const keys = CASES.map((c) => `${c.object.kind}/${c.object.metadata.namespace}/${c.object.metadata.name}`);
    expect(keys.length).toBe(new Set(keys).size);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
  });

  it("admits every case's object when there are no guardrails (so only a guardrail can deny it)", () => {
    const refused = CASES.filter((c) => withoutGuardrails.get(c.id)?.status !== 201 && withoutGuardrails.get(c.id)?.status !== 200);
    expect(refused.map((c) => `${c.id}: ${describeOutcome(withoutGuardrails.get(c.id), "admitted")}`)).toEqual([]);
  });

  it("lets a scheduler bind a tenant pod through pods/binding, as kube-scheduler and Volcano do", async () => {
    const name = "theta-pod-bound";
    const created = await cluster.api.post(`/api/v1/namespaces/${THETA}/pods`, pod(THETA, name, { schedulerName: "volcano", annotations: { [QUEUE_ANNOTATION]: "theta" } }));
    expect(created.status, messageOf(created.body)).toBe(201);
    const binding = { apiVersion: "v1", kind: "Binding", metadata: { name, namespace: THETA }, target: { apiVersion: "v1", kind: "Node", name: NODE } };
    const bound = await cluster.api.post(`/api/v1/namespaces/${THETA}/pods/${name}/binding`, binding);
    expect(bound.status, messageOf(bound.body)).toBe(201);
    const stored = await cluster.api.get<KubeObject>(`/api/v1/namespaces/${THETA}/pods/${name}`);
    expect(stored.body.spec.nodeName).toBe(NODE);
  });

  for (const testCase of CASES) {
    const expected = testCase.expect;
    const verb = requestOf(testCase);
    const title = `${expected === "admitted" ? "admits" : `denies (${expected.policy}#${expected.validation})`} ${verb} ${testCase.object.kind} ${testCase.id}: ${testCase.what}`;
    it(title, async () => {
      const result = await send(testCase, "real");
      withGuardrails.set(testCase.id, result);
      if (expected === "admitted") {
        expect(result.status, result.message).toBe(testCase.update ? 200 : 201);
        if (testCase.deleteFirst) {
          // The last finalizer gone, the deleted object is gone too.
          const { status } = await cluster.api.get(`${collectionPath(testCase.object, namespaceOf(testCase))}/${testCase.object.metadata.name}`);
          expect(status).toBe(404);
        }
        return;
      }
      expect(result.status, result.message).toBe(403);
      expect(result.reason).toBe("Forbidden");
      // The resource as the server names it: `pods`, `sparkapplications.sparkoperator.k8s.io`.
      const plural = collectionPath(testCase.object, "x").split("/").pop();
      const kind = testCase.object.apiVersion.includes("/") ? `${plural}.${testCase.object.apiVersion.split("/")[0]}` : plural;
      expect(result.message).toBe(`${kind} "${testCase.object.metadata.name}" is forbidden: ${denialText(expected)}`);
    });
  }
});

// ---------------------------------------------------------------------------
// Setup helpers.

async function applyLayer(dir: string): Promise<void> {
  await applyYaml(await kustomize(dir), dir);
}

async function applyYaml(yaml: string, source: string): Promise<void> {
  for (const stage of namespacesFirst(yaml)) {
    const { rejections } = await applyServerSide(cluster, stage);
    if (rejections.length > 0) throw new Error(`${source} was rejected:\n${rejections.join("\n")}`);
  }
}

/** Pods of the cases that run as `default` need the account that kube-controller-manager creates. */
function defaultServiceAccount(namespace: string): Promise<true> {
  return waitUntil(
    `service account ${namespace}/default`,
    async () => ((await cluster.api.get(`/api/v1/namespaces/${namespace}/serviceaccounts/default`)).status === 200 ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

/**
 * A new ValidatingAdmissionPolicy is enforced only once the API server's
 * policy source has synced and compiled it. For each policy, sends its first
 * denied CREATE case as a dry run until the server denies it with the
 * expected message.
 */
async function guardrailsEnforced(): Promise<void> {
  const probes = new Map<string, Case>();
  for (const testCase of CASES) {
    if (testCase.expect !== "admitted" && !testCase.update && !probes.has(testCase.expect.policy)) probes.set(testCase.expect.policy, testCase);
  }
  await Promise.all(
    [...probes.values()].map((probe) => {
      let last: Outcome | undefined;
      return waitUntil(
        `ValidatingAdmissionPolicy ${POLICY_PREFIX}${(probe.expect as Denial).policy} to deny ${probe.id}`,
        async () => {
          last = await send(probe, "probe");
          return last.status === 403 && last.message?.includes(denialText(probe.expect as Denial)) ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      ).catch((error: Error) => {
        throw new Error(`${error.message}; last answer: ${JSON.stringify(last)}`);
      });
    }),
  );
}

// ---------------------------------------------------------------------------
// The matrix.

function renderMatrix(): string {
  const header = ["case", "request", "namespace", "without guardrails", "with guardrails", "expected"];
  const rows = CASES.map((c) => [
    c.id,
    `${requestOf(c)} ${c.object.kind}`,
    namespaceOf(c),
    describeOutcome(withoutGuardrails.get(c.id), "admitted"),
    describeOutcome(withGuardrails.get(c.id), c.expect),
    c.expect === "admitted" ? "admitted" : `denied ${c.expect.policy}#${c.expect.validation}`,
  ]);
  const mark = (row: string[]) => (row[4] === row[5] ? "✓" : "✗");
  const table = [["", ...header], ...rows.map((row) => [mark(row), ...row])];
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  const lines = table.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd());
  return [
    `Guardrails matrix (${POLICY_PREFIX}* ${policyApiVersion} on kube-apiserver ${cluster.version}; without = server-side dry run before the policies exist):`,
    ...lines,
  ].join("\n");
}
