/**
 * Guardrails enforced by the API server itself (ValidatingAdmissionPolicy):
 * Volcano 1.8 cannot stop a namespace from using another team's queue, and
 * Spark Operator 2.3.0 puts Spark pods on Volcano only through its webhook, so
 * a bypass would be silent. Each team is held to its own queue, scheduler and
 * service account.
 *
 * The policies read the team's settings from its Namespace (labels and the
 * queue annotation, which only the platform can write), so the same few
 * policies serve every team: adding a team adds no policy, and 1,000 teams do
 * not mean thousands of policies for the API server to evaluate.
 */
import { admissionPolicyApi } from "../../compat/versions.js";
import { SERVICE_ACCOUNT_SUFFIX, type PlatformModel } from "../../model/platform-model.js";
import { LABELS, MANAGED_BY, PART_OF, type KubeObject } from "../object.js";

const QUEUE_ANNOTATION = "scheduling.volcano.sh/queue-name";

/** CEL variables every policy shares: the team's settings, from its namespace. */
const TEAM_VARIABLES = [
  { name: "team", expression: `namespaceObject.metadata.labels['${LABELS.team}']` },
  { name: "volcano", expression: `namespaceObject.metadata.labels['${LABELS.scheduler}'] == 'volcano'` },
  { name: "queue", expression: `has(namespaceObject.metadata.annotations) && '${QUEUE_ANNOTATION}' in namespaceObject.metadata.annotations ? namespaceObject.metadata.annotations['${QUEUE_ANNOTATION}'] : ''` },
  { name: "serviceAccount", expression: `namespaceObject.metadata.labels['${LABELS.team}'] + '-${SERVICE_ACCOUNT_SUFFIX}'` },
];

interface Rule {
  name: string;
  description: string;
  resources: Array<{ apiGroups: string[]; apiVersions: string[]; resources: string[]; operations: string[] }>;
  /** Which of the matched requests the policy checks (all must be true); the others pass unchecked. */
  matchConditions?: Array<{ name: string; expression: string }>;
  validations: Array<{ expression: string; messageExpression: string; reason?: string }>;
}

/** A CEL expression for the object's priority class name, '' when it has none. */
const PRIORITY_CLASS_OF = (object: "object" | "oldObject"): string =>
  `(has(${object}.spec.priorityClassName) ? ${object}.spec.priorityClassName : '')`;

/**
 * Spark Operator 2.3.0 updates every SparkApplication itself: it adds its
 * finalizer before it submits the application, and removes it once it has
 * cleaned up after a deletion, leaving the spec as it is. Those updates must
 * pass even for an application that predates the guardrails or its team's
 * change of scheduler: denied, the application would never be submitted, or
 * hang in Terminating once deleted. So an UPDATE is checked only when it
 * changes the spec, and then like a new object.
 */
const SPEC_CREATED_OR_CHANGED = [{ name: "spec-created-or-changed", expression: "request.operation == 'CREATE' || object.spec != oldObject.spec" }];

export const GUARDRAILS: readonly Rule[] = [
  {
    name: "sparkapplication-scheduler",
    description: "A SparkApplication uses its team's scheduler: Volcano teams their own queue, default-scheduler teams not Volcano.",
    resources: [{ apiGroups: ["sparkoperator.k8s.io"], apiVersions: ["*"], resources: ["sparkapplications", "scheduledsparkapplications"], operations: ["CREATE", "UPDATE"] }],
    matchConditions: SPEC_CREATED_OR_CHANGED,
    validations: [
      {
        expression: "!variables.volcano || (has(variables.spec.batchScheduler) && variables.spec.batchScheduler == 'volcano')",
        messageExpression: "'namespace ' + namespaceObject.metadata.name + ' schedules Spark with Volcano: set spec.batchScheduler: volcano and spec.batchSchedulerOptions.queue: ' + variables.queue",
      },
      {
        expression: "!variables.volcano || (has(variables.spec.batchSchedulerOptions) && has(variables.spec.batchSchedulerOptions.queue) && variables.spec.batchSchedulerOptions.queue == variables.queue)",
        messageExpression: "'namespace ' + namespaceObject.metadata.name + ' may only use Volcano queue ' + variables.queue + ': set spec.batchSchedulerOptions.queue: ' + variables.queue",
      },
      {
        expression: "variables.volcano || !has(variables.spec.batchScheduler) || variables.spec.batchScheduler != 'volcano'",
        messageExpression: "'namespace ' + namespaceObject.metadata.name + ' uses the default scheduler and has no Volcano queue: remove spec.batchScheduler and spec.batchSchedulerOptions'",
      },
    ],
  },
  {
    name: "spark-service-account",
    description: "Spark drivers and executors run as the team's service account.",
    resources: [{ apiGroups: ["sparkoperator.k8s.io"], apiVersions: ["*"], resources: ["sparkapplications", "scheduledsparkapplications"], operations: ["CREATE", "UPDATE"] }],
    matchConditions: SPEC_CREATED_OR_CHANGED,
    validations: [
      {
        expression: "has(variables.spec.driver.serviceAccount) && variables.spec.driver.serviceAccount == variables.serviceAccount",
        messageExpression: "'Spark drivers in namespace ' + namespaceObject.metadata.name + ' run as ' + variables.serviceAccount + ': set spec.driver.serviceAccount: ' + variables.serviceAccount",
      },
      {
        expression: "!has(variables.spec.executor.serviceAccount) || variables.spec.executor.serviceAccount == variables.serviceAccount",
        messageExpression: "'Spark executors in namespace ' + namespaceObject.metadata.name + ' run as ' + variables.serviceAccount + ': set spec.executor.serviceAccount: ' + variables.serviceAccount + ' or leave it out'",
      },
    ],
  },
  {
    name: "podgroup-queue",
    description: "A PodGroup uses its team's queue, and keeps it.",
    resources: [{ apiGroups: ["scheduling.volcano.sh"], apiVersions: ["*"], resources: ["podgroups"], operations: ["CREATE", "UPDATE"] }],
    validations: [
      {
        // PodGroups have no status subresource: the scheduler updates whole
        // objects, so an UPDATE is only held to keeping its queue.
        expression: "request.operation == 'UPDATE' ? (has(object.spec.queue) ? object.spec.queue : '') == (has(oldObject.spec.queue) ? oldObject.spec.queue : '') : (variables.volcano && has(object.spec.queue) && object.spec.queue == variables.queue)",
        messageExpression: "variables.volcano ? 'namespace ' + namespaceObject.metadata.name + ' may only use Volcano queue ' + variables.queue + ' (set spec.queue: ' + variables.queue + ')' : 'namespace ' + namespaceObject.metadata.name + ' uses the default scheduler and has no Volcano queue'",
      },
    ],
  },
  {
    name: "pod-scheduling",
    description: "Pods in a Volcano team's namespace are scheduled by Volcano in the team's queue; pods elsewhere do not use Volcano. Spark pods run as the team's service account.",
    resources: [{ apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], operations: ["CREATE"] }],
    validations: [
      {
        expression: "!variables.volcano || (has(object.spec.schedulerName) && object.spec.schedulerName == 'volcano')",
        messageExpression: "'pods in namespace ' + namespaceObject.metadata.name + ' are scheduled by Volcano, but this one has schedulerName ' + (has(object.spec.schedulerName) ? object.spec.schedulerName : 'default-scheduler') + ': is the Spark Operator webhook running? Set schedulerName: volcano'",
      },
      {
        expression: "variables.volcano || !has(object.spec.schedulerName) || object.spec.schedulerName != 'volcano'",
        messageExpression: "'namespace ' + namespaceObject.metadata.name + ' uses the default scheduler: remove schedulerName: volcano'",
      },
      {
        expression: `!has(object.metadata.annotations) || !('${QUEUE_ANNOTATION}' in object.metadata.annotations) || object.metadata.annotations['${QUEUE_ANNOTATION}'] == variables.queue`,
        messageExpression: `'namespace ' + namespaceObject.metadata.name + (variables.volcano ? ' may only use Volcano queue ' + variables.queue : ' has no Volcano queue') + ': remove or correct the ${QUEUE_ANNOTATION} annotation'`,
      },
      {
        expression: "!has(object.metadata.labels) || !('spark-role' in object.metadata.labels) || object.spec.serviceAccountName == variables.serviceAccount",
        messageExpression: "'Spark pods in namespace ' + namespaceObject.metadata.name + ' run as service account ' + variables.serviceAccount + ', not ' + object.spec.serviceAccountName",
      },
    ],
  },
  {
    name: "service-exposure",
    description: "Services stay inside the cluster: type ClusterIP (headless included) and no external IPs.",
    resources: [{ apiGroups: [""], apiVersions: ["v1"], resources: ["services"], operations: ["CREATE", "UPDATE"] }],
    validations: [
      {
        // NodePort and LoadBalancer open a port on every node (k3s's ServiceLB
        // binds LoadBalancer ports on the nodes' own addresses), past the
        // namespace's NetworkPolicy; ExternalName aliases a name outside it.
        expression: "!has(object.spec.type) || object.spec.type == 'ClusterIP'",
        messageExpression: "'Services in namespace ' + namespaceObject.metadata.name + ' are of type ClusterIP only, not ' + object.spec.type + ': remove spec.type, or set it to ClusterIP'",
      },
      {
        // CVE-2020-8554 (https://github.com/kubernetes/kubernetes/issues/97076):
        // a Service's external IP captures every pod's traffic to that address.
        expression: "!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0",
        messageExpression: "'Services in namespace ' + namespaceObject.metadata.name + ' may not set spec.externalIPs, which would capture the traffic of every pod to those addresses: remove it'",
      },
    ],
  },
  {
    name: "pod-placement",
    description: "Pods are placed by their scheduler (Volcano or the default scheduler), never by spec.nodeName.",
    // CREATE only: a pod's nodeName cannot change afterwards, and schedulers
    // set it through the pods/binding subresource, which this does not match.
    resources: [{ apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], operations: ["CREATE"] }],
    validations: [
      {
        // The kubelet runs a pod created with a nodeName without asking any
        // scheduler: no queue, no gang scheduling, no fit check.
        expression: "!has(object.spec.nodeName) || object.spec.nodeName == ''",
        messageExpression: "'pods in namespace ' + namespaceObject.metadata.name + ' are placed by their scheduler: remove spec.nodeName (' + object.spec.nodeName + ')'",
      },
    ],
  },
  {
    name: "priority-class",
    description: "Pods and PodGroups do not use the system-* priority classes, which preempt every other team's pods.",
    resources: [
      { apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], operations: ["CREATE"] },
      { apiGroups: ["scheduling.volcano.sh"], apiVersions: ["*"], resources: ["podgroups"], operations: ["CREATE", "UPDATE"] },
    ],
    // Volcano's scheduler rewrites whole PodGroups (status included): an UPDATE
    // is checked only when it changes the priority class.
    matchConditions: [{ name: "priority-class-created-or-changed", expression: `request.operation == 'CREATE' || ${PRIORITY_CLASS_OF("object")} != ${PRIORITY_CLASS_OF("oldObject")}` }],
    validations: [
      {
        // Kubernetes reserves the prefix for its own classes and admits them
        // in any namespace unless the API server is given a ResourceQuota
        // admission config (https://kubernetes.io/docs/concepts/policy/resource-quotas/#limit-priority-class-consumption-by-default).
        expression: `!${PRIORITY_CLASS_OF("object")}.startsWith('system-')`,
        messageExpression: `(object.kind == 'Pod' ? 'pods' : 'PodGroups') + ' in namespace ' + namespaceObject.metadata.name + ' may not use priority class ' + object.spec.priorityClassName + ', which is reserved for system components: remove spec.priorityClassName'`,
      },
    ],
  },
];

/** `variables.spec`: the spec of a SparkApplication or of a ScheduledSparkApplication's template. */
const SPEC_VARIABLE = { name: "spec", expression: "object.kind == 'ScheduledSparkApplication' ? object.spec.template : object.spec" };

export const guardrailName = (rule: string): string => `spark-platform-${rule}`;

export function guardrails(model: PlatformModel): KubeObject[] {
  const { apiVersion } = admissionPolicyApi(model.kubernetes);
  const tenantNamespaces = { matchExpressions: [{ key: LABELS.team, operator: "Exists" }] };
  const labels = { [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF };
  return GUARDRAILS.flatMap((rule) => {
    const name = guardrailName(rule.name);
    const usesSpec = rule.validations.some((v) => v.expression.includes("variables.spec"));
    return [
      {
        apiVersion, kind: "ValidatingAdmissionPolicy",
        metadata: { name, labels, annotations: { "spark-platform.io/description": rule.description } },
        spec: {
          failurePolicy: "Fail",
          matchConstraints: { namespaceSelector: tenantNamespaces, resourceRules: rule.resources },
          ...(rule.matchConditions ? { matchConditions: rule.matchConditions } : {}),
          variables: [...TEAM_VARIABLES, ...(usesSpec ? [SPEC_VARIABLE] : [])],
          validations: rule.validations.map((v) => ({ ...v, reason: v.reason ?? "Forbidden" })),
        },
      },
      {
        apiVersion, kind: "ValidatingAdmissionPolicyBinding",
        metadata: { name, labels },
        spec: { policyName: name, validationActions: ["Deny"], matchResources: { namespaceSelector: tenantNamespaces } },
      },
    ];
  });
}
