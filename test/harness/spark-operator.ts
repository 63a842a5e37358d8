// The Spark Operator as its Helm chart deploys it (release `spark-operator`),
// with the values the platform generates: the controller (which runs the real
// spark-submit of SPARK_HOME) and, when webhook.enable, the webhook, which the
// API server really calls. The chart's webhook configurations are created here
// in the chart's shape; the webhook process makes its own certificate (Secret
// <release>-webhook-certs) and patches caBundle into them, as in a cluster.
import { join } from "node:path";
import type { Cluster } from "./cluster.js";
import { buildComponentBinary, SPARK_OPERATOR } from "./components.js";
import { healthy } from "./health.js";
import { chartRelease, requireValue, valueAt, type ChartRelease } from "./helm-values.js";
import { freePort } from "../support/ports.js";
import { waitUntil, type Daemon } from "./process.js";
import { loopbackWebhookService } from "./webhook-service.js";

export interface SparkOperator {
  release: ChartRelease;
  jobNamespaces: string[];
  controller: Daemon;
  /** Absent when the values turn the webhook off. */
  webhook?: Daemon;
  webhookName: string;
  /**
   * Stops the webhook and starts it again with another release's values (e.g.
   * quota enforcement on), on the same port and configurations; `webhook` is the new one.
   */
  restartWebhook(release: ChartRelease): Promise<Daemon>;
}

export interface SparkOperatorOptions {
  /** A complete SPARK_HOME (bin/spark-submit, jars/). */
  sparkHome: string;
  /** JAVA_HOME for spark-submit; PATH's java otherwise. */
  javaHome?: string;
  /** Override chart values (e.g. to run the webhook-off case); merged over the platform's. */
  release?: ChartRelease;
}

const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const isNumber = (v: unknown): v is number => typeof v === "number";
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");

/** templates/webhook/{mutating,validating}webhookconfiguration.yaml of the 2.3.0 chart. */
export function sparkOperatorWebhookConfigurations(release: ChartRelease, port: number): Record<string, unknown>[] {
  const name = `${release.releaseName}-webhook`;
  const service = { name: `${name}-svc`, namespace: release.namespace, port };
  const jobNamespaces = requireValue(release, "spark.jobNamespaces", isStringList);
  const failurePolicy = valueAt(release.values, "webhook.failurePolicy");
  const timeoutSeconds = valueAt(release.values, "webhook.timeoutSeconds");
  const common = {
    admissionReviewVersions: ["v1"],
    sideEffects: "NoneOnDryRun",
    ...(failurePolicy ? { failurePolicy } : {}),
    ...(jobNamespaces.length > 0 && !jobNamespaces.includes("")
      ? { namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: jobNamespaces }] } }
      : {}),
    ...(timeoutSeconds ? { timeoutSeconds } : {}),
  };
  const hook = (hookName: string, path: string, rule: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    name: hookName,
    clientConfig: { service: { ...service, path } },
    ...common,
    ...extra,
    rules: [rule],
  });
  const sparkRule = (resource: string) => ({ apiGroups: ["sparkoperator.k8s.io"], apiVersions: ["v1beta2"], resources: [resource], operations: ["CREATE", "UPDATE"] });
  return [
    {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "MutatingWebhookConfiguration",
      metadata: { name },
      webhooks: [
        hook("mutate--v1-pod.sparkoperator.k8s.io", "/mutate--v1-pod", { apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], operations: ["CREATE"] }, {
          objectSelector: { matchLabels: { "sparkoperator.k8s.io/launched-by-spark-operator": "true" } },
        }),
        hook("mutate-sparkoperator-k8s-io-v1beta2-sparkapplication.sparkoperator.k8s.io", "/mutate-sparkoperator-k8s-io-v1beta2-sparkapplication", sparkRule("sparkapplications")),
        hook("mutate-sparkoperator-k8s-io-v1beta2-scheduledsparkapplication.sparkoperator.k8s.io", "/mutate-sparkoperator-k8s-io-v1beta2-scheduledsparkapplication", sparkRule("scheduledsparkapplications")),
      ],
    },
    {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingWebhookConfiguration",
      metadata: { name },
      webhooks: [
        hook("validate-sparkoperator-k8s-io-v1beta2-sparkapplication.sparkoperator.k8s.io", "/validate-sparkoperator-k8s-io-v1beta2-sparkapplication", sparkRule("sparkapplications")),
        hook("validate-sparkoperator-k8s-io-v1beta2-scheduledsparkapplication.sparkoperator.k8s.io", "/validate-sparkoperator-k8s-io-v1beta2-scheduledsparkapplication", sparkRule("scheduledsparkapplications")),
      ],
    },
  ];
}

export async function startSparkOperator(cluster: Cluster, options: SparkOperatorOptions): Promise<SparkOperator> {
  const release = options.release ?? chartRelease("spark-operator");
  const binary = await buildComponentBinary(SPARK_OPERATOR, "spark-operator");
  const ns = release.namespace;
  const name = `${release.releaseName}-webhook`;
  const jobNamespaces = requireValue(release, "spark.jobNamespaces", isStringList);
  const namespacesArg = jobNamespaces.includes("") ? '--namespaces=""' : `--namespaces=${jobNamespaces.join(",")}`;
  const metrics = requireValue(release, "prometheus.metrics.enable", isBoolean);
  const metricsArgs = async (): Promise<string[]> =>
    metrics
      ? [
          "--enable-metrics=true",
          // The chart binds :<prometheus.metrics.port>; here a free loopback port, as several runs share the machine.
          `--metrics-bind-address=127.0.0.1:${await freePort()}`,
          `--metrics-endpoint=${String(valueAt(release.values, "prometheus.metrics.endpoint"))}`,
          `--metrics-prefix=${String(valueAt(release.values, "prometheus.metrics.prefix") ?? "")}`,
          "--metrics-labels=app_type",
        ]
      : [];
  const leaderElection = (component: "controller" | "webhook"): string[] =>
    requireValue(release, `${component}.leaderElection.enable`, isBoolean)
      ? ["--leader-election=true", `--leader-election-lock-name=${release.releaseName}-${component}-lock`, `--leader-election-lock-namespace=${ns}`]
      : ["--leader-election=false"];
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfig };

  let webhook: Daemon | undefined;
  // The chart listens on webhook.port; here a free port, put into the webhook configurations (see webhook-service.ts).
  const port = await freePort();
  let starts = 0;
  const startWebhook = async (release: ChartRelease): Promise<Daemon> => {
    const probe = await freePort();
    const webhook = cluster.spawn(
      starts++ === 0 ? "spark-operator-webhook" : `spark-operator-webhook-${starts}`,
      binary,
      [
        "webhook",
        "start",
        namespacesArg,
        `--webhook-secret-name=${name}-certs`,
        `--webhook-secret-namespace=${ns}`,
        `--webhook-svc-name=${name}-svc`,
        `--webhook-svc-namespace=${ns}`,
        `--webhook-port=${port}`,
        `--webhook-cert-dir=${join(cluster.workDir, "spark-operator-webhook-certs")}`,
        `--mutating-webhook-name=${name}`,
        `--validating-webhook-name=${name}`,
        ...(requireValue(release, "webhook.resourceQuotaEnforcement.enable", isBoolean) ? ["--enable-resource-quota-enforcement=true"] : []),
        ...(await metricsArgs()),
        ...leaderElection("webhook"),
        `--health-probe-bind-address=127.0.0.1:${probe}`,
      ],
      env,
    );
    const daemon = webhook;
    await waitUntil("spark-operator webhook /readyz", () => healthy(`http://127.0.0.1:${probe}/readyz`), { timeoutMs: 120_000, intervalMs: 500, daemon });
    await waitUntil(
      "spark-operator webhook to patch caBundle into its configurations",
      async () => {
        for (const kind of ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"]) {
          const { body } = await cluster.api.get<{ webhooks?: { clientConfig: { caBundle?: string } }[] }>(`/apis/admissionregistration.k8s.io/v1/${kind}/${name}`);
          if (!body.webhooks?.every((w) => w.clientConfig.caBundle)) return undefined;
        }
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500, daemon },
    );
    return daemon;
  };
  if (requireValue(release, "webhook.enable", isBoolean)) {
    requireValue(release, "webhook.port", isNumber);
    await loopbackWebhookService(cluster, { name: `${name}-svc`, namespace: ns, port });
    await cluster.kubectl(["apply", "--server-side", "-f", "-"], { input: sparkOperatorWebhookConfigurations(release, port).map((o) => JSON.stringify(o)).join("\n") });
    webhook = await startWebhook(release);
  }

  const [apiHost, apiPort] = new URL(cluster.server).host.split(":");
  const probe = await freePort();
  const batchScheduler = requireValue(release, "controller.batchScheduler.enable", isBoolean);
  const kubeSchedulerNames = valueAt(release.values, "controller.batchScheduler.kubeSchedulerNames");
  const defaultBatchScheduler = valueAt(release.values, "controller.batchScheduler.default");
  const controller = cluster.spawn(
    "spark-operator-controller",
    binary,
    [
      "controller",
      "start",
      namespacesArg,
      `--controller-threads=${String(valueAt(release.values, "controller.workers"))}`,
      `--enable-ui-service=${String(valueAt(release.values, "controller.uiService.enable"))}`,
      ...(batchScheduler
        ? [
            "--enable-batch-scheduler=true",
            ...(isStringList(kubeSchedulerNames) && kubeSchedulerNames.length ? [`--kube-scheduler-names=${kubeSchedulerNames.join(",")}`] : []),
            ...(typeof defaultBatchScheduler === "string" && defaultBatchScheduler ? [`--default-batch-scheduler=${defaultBatchScheduler}`] : []),
          ]
        : []),
      ...(await metricsArgs()),
      ...leaderElection("controller"),
      `--workqueue-ratelimiter-bucket-qps=${String(valueAt(release.values, "controller.workqueueRateLimiter.bucketQPS"))}`,
      `--workqueue-ratelimiter-bucket-size=${String(valueAt(release.values, "controller.workqueueRateLimiter.bucketSize"))}`,
      ...(valueAt(release.values, "controller.workqueueRateLimiter.maxDelay.enable") === true
        ? [`--workqueue-ratelimiter-max-delay=${String(valueAt(release.values, "controller.workqueueRateLimiter.maxDelay.duration"))}`]
        : []),
      ...(metrics ? [`--metrics-job-start-latency-buckets=${String(valueAt(release.values, "prometheus.metrics.jobStartLatencyBuckets"))}`] : []),
      `--health-probe-bind-address=127.0.0.1:${probe}`,
    ],
    {
      ...env,
      SPARK_HOME: options.sparkHome,
      ...(options.javaHome ? { JAVA_HOME: options.javaHome } : {}),
      // The operator builds spark-submit's master URL k8s://https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT;
      // spark-submit's Kubernetes client reads the token and CA from $KUBECONFIG.
      KUBERNETES_SERVICE_HOST: apiHost,
      KUBERNETES_SERVICE_PORT: apiPort,
    },
  );
  await waitUntil("spark-operator controller /readyz", () => healthy(`http://127.0.0.1:${probe}/readyz`), { timeoutMs: 120_000, intervalMs: 500, daemon: controller });
  const operator: SparkOperator = {
    release, jobNamespaces, controller, webhook, webhookName: name,
    restartWebhook: async (other) => {
      await operator.webhook?.stop();
      operator.webhook = await startWebhook(other);
      return operator.webhook;
    },
  };
  return operator;
}
