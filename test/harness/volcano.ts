// Volcano as its Helm chart deploys it (release `volcano` in volcano-system),
// with the values the platform sets: the admission webhook-manager (the API
// server really calls it; it runs as the chart's admission ServiceAccount, with
// the chart's RBAC), the controller-manager, and the scheduler with the
// chart's default volcano-scheduler.conf. The processes run on loopback; the
// chart's objects that matter to the API server are created here by hand in
// the chart's shape (the admission Service and the webhook configurations).
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { chartRbac, serviceAccountKubeconfig } from "./chart-rbac.js";
import type { KubeJob } from "./chart-pods.js";
import type { Cluster } from "./cluster.js";
import { buildComponentBinary, VOLCANO } from "./components.js";
import { healthy } from "./health.js";
import { chartRelease, requireValue, valueAt, type ChartRelease } from "./helm-values.js";
import { upstreamDir } from "../support/paths.js";
import { freePort } from "../support/ports.js";
import { waitUntil, type Daemon } from "./process.js";
import { loopbackWebhookService } from "./webhook-service.js";
import { makeServingCertificate, serviceDnsNames } from "./webhook-certs.js";

export interface Volcano {
  release: ChartRelease;
  /** The admission paths the chart enables (custom.enabled_admissions). */
  admissions: string[];
  /** The chart's ServiceAccount the webhook-manager runs as. */
  admissionServiceAccount: { namespace: string; name: string };
  schedulerConf: string;
  webhookManager: Daemon;
  controllerManager: Daemon;
  scheduler: Daemon;
  /** Starts another vc-scheduler (e.g. after one crashed); same flags. */
  startScheduler(name?: string): Promise<Daemon>;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number";

interface AdmissionHook {
  kind: "MutatingWebhookConfiguration" | "ValidatingWebhookConfiguration";
  /** The webhook's name inside the configuration. */
  webhook: string;
  group: string;
  resource: string;
  operations: string[];
}

/** volcano 1.8.2 chart, templates/webhooks.yaml: one configuration per admission path. */
const ADMISSION_HOOKS: Record<string, AdmissionHook> = {
  "/pods/mutate": { kind: "MutatingWebhookConfiguration", webhook: "mutatepod.volcano.sh", group: "", resource: "pods", operations: ["CREATE"] },
  "/queues/mutate": { kind: "MutatingWebhookConfiguration", webhook: "mutatequeue.volcano.sh", group: "scheduling.volcano.sh", resource: "queues", operations: ["CREATE"] },
  "/podgroups/mutate": { kind: "MutatingWebhookConfiguration", webhook: "mutatepodgroup.volcano.sh", group: "scheduling.volcano.sh", resource: "podgroups", operations: ["CREATE"] },
  "/jobs/mutate": { kind: "MutatingWebhookConfiguration", webhook: "mutatejob.volcano.sh", group: "batch.volcano.sh", resource: "jobs", operations: ["CREATE"] },
  "/jobs/validate": { kind: "ValidatingWebhookConfiguration", webhook: "validatejob.volcano.sh", group: "batch.volcano.sh", resource: "jobs", operations: ["CREATE", "UPDATE"] },
  "/pods/validate": { kind: "ValidatingWebhookConfiguration", webhook: "validatepod.volcano.sh", group: "", resource: "pods", operations: ["CREATE"] },
  "/queues/validate": { kind: "ValidatingWebhookConfiguration", webhook: "validatequeue.volcano.sh", group: "scheduling.volcano.sh", resource: "queues", operations: ["CREATE", "UPDATE", "DELETE"] },
};

/** The name the chart gives the configuration of an admission path, which the webhook-manager looks up to patch caBundle. */
export const admissionConfigurationName = (path: string): string => `volcano-admission-service${path.replace(/\//g, "-")}`;

/**
 * The chart's webhook configurations for the enabled paths, without caBundle
 * (the webhook-manager patches it in at start, as in a cluster). The one
 * difference: clientConfig.service.port is the local process's port instead
 * of the Service's 443 (see webhook-service.ts).
 */
export function volcanoWebhookConfigurations(release: ChartRelease, admissions: readonly string[], port: number): Record<string, unknown>[] {
  return admissions.map((path) => {
    const hook = ADMISSION_HOOKS[path];
    if (!hook) throw new Error(`Volcano ${release.version}: unknown admission path ${path} in custom.enabled_admissions`);
    return {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: hook.kind,
      metadata: { name: admissionConfigurationName(path) },
      webhooks: [
        {
          name: hook.webhook,
          admissionReviewVersions: ["v1"],
          clientConfig: { service: { name: `${release.releaseName}-admission-service`, namespace: release.namespace, path, port } },
          failurePolicy: "Fail",
          matchPolicy: "Equivalent",
          namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: [release.namespace, "kube-system"] }] },
          objectSelector: {},
          ...(hook.kind === "MutatingWebhookConfiguration" ? { reinvocationPolicy: "Never" } : {}),
          rules: [{ apiGroups: [hook.group], apiVersions: [versionOf(hook)], operations: hook.operations, resources: [hook.resource], scope: "*" }],
          sideEffects: "NoneOnDryRun",
          timeoutSeconds: 10,
        },
      ],
    };
  });
}

const versionOf = (hook: AdmissionHook): string => (hook.group === "" ? "v1" : hook.group === "batch.volcano.sh" ? "v1alpha1" : "v1beta1");

/** A file packaged in the chart (config/…), from the shared upstream copy of the release. */
function chartFile(release: ChartRelease, valuePath: string): string {
  const file = join(upstreamDir, `volcano-v${release.version}`, basename(requireValue(release, valuePath, isString)));
  if (!existsSync(file)) throw new Error(`${file} not found: the simulation runs Volcano with the chart's own ${valuePath}`);
  return file;
}

export async function startVolcano(cluster: Cluster): Promise<Volcano> {
  const release = chartRelease("volcano");
  const admissions = requireValue(release, "custom.enabled_admissions", isString).split(",").map((p) => p.trim()).filter(Boolean);
  requireValue(release, "basic.admission_port", isNumber);
  const schedulerConf = chartFile(release, "basic.scheduler_config_file");
  const admissionConf = chartFile(release, "basic.admission_config_file");
  const [webhookManagerBin, controllerManagerBin, schedulerBin] = [
    await buildComponentBinary(VOLCANO, "vc-webhook-manager"),
    await buildComponentBinary(VOLCANO, "vc-controller-manager"),
    await buildComponentBinary(VOLCANO, "vc-scheduler"),
  ];

  // What the chart's admission-init Job makes (gen-admission-secret.sh): a CA and a certificate for the admission Service.
  const service = `${release.releaseName}-admission-service`;
  const certs = await makeServingCertificate(join(cluster.workDir, "volcano-admission-certs"), serviceDnsNames(service, release.namespace));
  const port = await freePort();
  await loopbackWebhookService(cluster, { name: service, namespace: release.namespace, port });
  await cluster.kubectl(["apply", "--server-side", "-f", "-"], {
    input: volcanoWebhookConfigurations(release, admissions, port).map((o) => JSON.stringify(o)).join("\n"),
  });

  // The chart's admission ServiceAccount, ClusterRole and binding (templates/admission.yaml at the release's
  // tag), and the webhook-manager with that ServiceAccount's token: every call it makes is allowed or refused by
  // the chart's RBAC and the platform's grants (applied with the queues, as Argo CD's wave 1 does), not by admin.
  const admissionServiceAccount = { namespace: release.namespace, name: `${release.releaseName}-admission` };
  await cluster.kubectl(["apply", "--server-side", "-f", "-"], { input: chartRbac(release, "admission.yaml").map((o) => JSON.stringify(o)).join("\n") });
  const admissionKubeconfig = await serviceAccountKubeconfig(cluster, admissionServiceAccount);

  const admissionHealth = await freePort();
  const webhookManager = cluster.spawn("vc-webhook-manager", webhookManagerBin, [
    `--kubeconfig=${admissionKubeconfig}`,
    `--enabled-admission=${admissions.join(",")}`,
    `--tls-cert-file=${certs.certFile}`,
    `--tls-private-key-file=${certs.keyFile}`,
    `--ca-cert-file=${certs.caFile}`,
    `--admission-conf=${admissionConf}`,
    `--webhook-namespace=${release.namespace}`,
    `--webhook-service-name=${service}`,
    "--listen-address=127.0.0.1",
    `--port=${port}`,
    "--enable-healthz=true",
    `--healthz-address=127.0.0.1:${admissionHealth}`,
    "--logtostderr",
    "-v=4",
  ]);
  // Ready when it has patched its CA into every configuration (it does that before serving) and serves TLS.
  await waitUntil(
    "vc-webhook-manager to patch caBundle into its webhook configurations",
    async () => {
      for (const path of admissions) {
        const kind = ADMISSION_HOOKS[path].kind === "MutatingWebhookConfiguration" ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations";
        const { body } = await cluster.api.get<{ webhooks?: { clientConfig: { caBundle?: string } }[] }>(`/apis/admissionregistration.k8s.io/v1/${kind}/${admissionConfigurationName(path)}`);
        if (!body.webhooks?.every((w) => w.clientConfig.caBundle)) return undefined;
      }
      return true;
    },
    { timeoutMs: 120_000, intervalMs: 500, daemon: webhookManager },
  );
  await waitUntil("vc-webhook-manager to serve TLS", async () => ((await probeTls(port)) ? true : undefined), { timeoutMs: 60_000, intervalMs: 500, daemon: webhookManager });

  const controllerHealth = await freePort();
  const controllerManager = cluster.spawn("vc-controller-manager", controllerManagerBin, [
    `--kubeconfig=${cluster.kubeconfig}`,
    `--leader-elect=${String(valueAt(release.values, "custom.leader_elect_enable") === true)}`,
    "--enable-healthz=true",
    `--healthz-address=127.0.0.1:${controllerHealth}`,
    "--logtostderr",
    "-v=4",
  ]);
  await waitUntil("vc-controller-manager /healthz", () => healthy(`http://127.0.0.1:${controllerHealth}/healthz`), { timeoutMs: 60_000, intervalMs: 500, daemon: controllerManager });

  const startScheduler = async (name = "vc-scheduler"): Promise<Daemon> => {
    const [health, metrics] = [await freePort(), await freePort()];
    const daemon = cluster.spawn(name, schedulerBin, [
      `--kubeconfig=${cluster.kubeconfig}`,
      `--scheduler-conf=${schedulerConf}`,
      "--enable-healthz=true",
      `--healthz-address=127.0.0.1:${health}`,
      "--enable-metrics=true",
      `--listen-address=127.0.0.1:${metrics}`,
      `--leader-elect=${String(valueAt(release.values, "custom.leader_elect_enable") === true)}`,
      "--logtostderr",
      "-v=3",
    ]);
    await waitUntil(`${name} /healthz`, () => healthy(`http://127.0.0.1:${health}/healthz`), { timeoutMs: 60_000, intervalMs: 500, daemon });
    return daemon;
  };
  const scheduler = await startScheduler();
  // vc-scheduler creates the `default` queue at start, through the queue webhooks.
  await waitUntil(
    "vc-scheduler to create (or find) the default queue",
    async () => ((await cluster.api.get("/apis/scheduling.volcano.sh/v1beta1/queues/default")).status === 200 ? true : undefined),
    { timeoutMs: 90_000, intervalMs: 500, daemon: scheduler },
  );
  return { release, admissions, admissionServiceAccount, schedulerConf, webhookManager, controllerManager, scheduler, startScheduler };
}

/**
 * What the chart's admission-init Job does (gen-admission-secret.sh of the release, run with the Job's own
 * --service, --namespace and --secret arguments): unless the Secret exists, a CA and a serving certificate for
 * the admission Service, stored as the Secret's tls.key, tls.crt and ca.crt. The harness cannot run the Job's
 * container, so it does this once the Job's pod runs.
 */
export async function volcanoAdmissionInit(cluster: Cluster, job: KubeJob): Promise<void> {
  const command = job.spec.template.spec.containers[0]?.command ?? [];
  const option = (name: string): string => {
    const at = command.indexOf(`--${name}`);
    if (!command[0]?.endsWith("gen-admission-secret.sh") || at < 0 || !command[at + 1]) {
      throw new Error(`Job ${job.metadata.name} runs ${JSON.stringify(command)}: not gen-admission-secret.sh with --${name}; the harness plays only that script`);
    }
    return command[at + 1];
  };
  const [service, namespace, secret] = [option("service"), option("namespace"), option("secret")];
  if ((await cluster.api.get(`/api/v1/namespaces/${namespace}/secrets/${secret}`)).status === 200) return;
  const certs = await makeServingCertificate(join(cluster.workDir, "volcano-admission-init"), serviceDnsNames(service, namespace));
  const data = { "tls.key": certs.keyFile, "tls.crt": certs.certFile, "ca.crt": certs.caFile };
  const object = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: secret, namespace },
    type: "Opaque",
    data: Object.fromEntries(Object.entries(data).map(([file, path]) => [file, readFileSync(path).toString("base64")])),
  };
  await cluster.kubectl(["create", "-f", "-"], { input: JSON.stringify(object) });
  process.stdout.write(`[harness] played ${job.metadata.name}'s gen-admission-secret.sh: created Secret ${namespace}/${secret} for Service ${service}\n`);
}

/** True once something completes a TLS handshake on 127.0.0.1:port. */
async function probeTls(port: number): Promise<boolean> {
  const { connect } = await import("node:tls");
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false, timeout: 2_000 }, () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
    socket.on("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}
