// Volcano's admission reads a PodGroup's Namespace for its queue annotation
// (pkg/webhooks/admission/podgroups/mutate/mutate_podgroup.go at v1.8.2), but
// the 1.8.2 chart's admission ClusterRole has no `namespaces` rule
// (https://github.com/volcano-sh/volcano/issues/4589). On a real API server:
// the chart's own RBAC (from its templates/admission.yaml at the v1.8.2 tag)
// does not let the admission ServiceAccount read a team's Namespace; with the
// platform's generated grant it reads it, and nothing more.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { ApiClient } from "../harness/api.js";
import { chartRbac, type KubeObject } from "../harness/chart-rbac.js";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { chartRelease } from "../harness/helm-values.js";
import { generatedDir } from "../harness/platform-manifests.js";
import { canServiceAccount, type ServiceAccountRef } from "../harness/rbac.js";

const release = chartRelease("volcano");
const admission: ServiceAccountRef = { namespace: release.namespace, name: `${release.releaseName}-admission` };
const grantFile = join(generatedDir, "platform/queues/volcano-admission-namespace-reader.yaml");
const teamNamespaceFile = join(generatedDir, "platform/namespaces/delta.yaml");

let cluster: Cluster;
/** The admission ServiceAccount's own token (TokenRequest), as vc-webhook-manager would hold it. */
let asAdmission: ApiClient;
let team: KubeObject & { metadata: { annotations?: Record<string, string> } };

const objectsOf = (file: string): KubeObject[] => parseAllDocuments(readFileSync(file, "utf8")).map((d) => d.toJS() as KubeObject);
const apply = (objects: unknown[]) => cluster.kubectl(["apply", "--server-side", "-f", "-"], { input: objects.map((o) => JSON.stringify(o)).join("\n") });

beforeAll(async () => {
  cluster = await startCluster();
  [team] = objectsOf(teamNamespaceFile).filter((o) => o.kind === "Namespace") as (typeof team)[];
  await apply([{ apiVersion: "v1", kind: "Namespace", metadata: { name: release.namespace } }, team]);
  await apply(chartRbac(release, "admission.yaml"));
  const token = (await cluster.kubectl(["-n", admission.namespace, "create", "token", admission.name, "--duration=1h"])).stdout.trim();
  asAdmission = new ApiClient(cluster.server, token, cluster.caFile);
});

afterAll(async () => {
  asAdmission?.close();
  await cluster?.stop();
});

describe("Volcano 1.8.2's admission ServiceAccount", () => {
  const getTeam = () => asAdmission.get<{ metadata?: { annotations?: Record<string, string> }; message?: string }>(`/api/v1/namespaces/${team.metadata.name}`);

  it("has the chart's RBAC: it reads PodGroups and Queues, but not a team's Namespace", async () => {
    expect(await canServiceAccount(cluster, admission, { verb: "get", group: "scheduling.volcano.sh", resource: "podgroups", namespace: team.metadata.name })).toBe(true);
    expect(await canServiceAccount(cluster, admission, { verb: "list", group: "scheduling.volcano.sh", resource: "queues" })).toBe(true);
    expect(await canServiceAccount(cluster, admission, { verb: "get", resource: "namespaces", name: team.metadata.name })).toBe(false);
    // What the webhook's namespace lookup gets, with the ServiceAccount's own token: the error of volcano-sh/volcano#4589.
    const refused = await getTeam();
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(
      `namespaces "${team.metadata.name}" is forbidden: User "system:serviceaccount:${admission.namespace}:${admission.name}" cannot get resource "namespaces" in API group "" in the namespace "${team.metadata.name}"`,
    );
  });

  it("with the platform's grant reads the team's Namespace and its queue annotation, and may change none", async () => {
    const grant = objectsOf(grantFile);
    expect(grant.map((o) => o.kind)).toEqual(["ClusterRole", "ClusterRoleBinding"]);
    await apply(grant);
    for (const verb of ["get", "list", "watch"]) expect(await canServiceAccount(cluster, admission, { verb, resource: "namespaces" }), verb).toBe(true);
    for (const verb of ["create", "update", "patch", "delete"]) expect(await canServiceAccount(cluster, admission, { verb, resource: "namespaces" }), verb).toBe(false);

    const read = await getTeam();
    expect(read.status).toBe(200);
    expect(read.body.metadata?.annotations?.["scheduling.volcano.sh/queue-name"]).toBe(team.metadata.annotations?.["scheduling.volcano.sh/queue-name"]);
    expect(read.body.metadata?.annotations?.["scheduling.volcano.sh/queue-name"]).toBe("delta");
  });
});
