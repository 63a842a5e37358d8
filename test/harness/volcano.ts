// Volcano's chart runs one thing the harness cannot run as a process: the
// admission-init Job's script. The rest of the chart (its Deployments, RBAC,
// Services and webhook configurations) is rendered by Helm and run by
// chart-pods.ts like any chart's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { KubeJob } from "./chart-pods.js";
import type { Cluster } from "./cluster.js";
import { makeServingCertificate, serviceDnsNames } from "./webhook-certs.js";

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
