// A real Argo CD syncs this repository into a real API server,
// offline. The suite applies what scripts/bootstrap.sh applies (the argocd/
// layer, then the root Application) and proves, on the seed's platform:
// 1. every Application is Synced and Healthy: the git-sourced ones, and the
//    Helm-sourced ones rendering the real charts from a chart repository on
//    loopback, their controllers running with the charts' args and RBAC; the
//    data components too (Strimzi, the Kafka cluster, data-credentials run for
//    real, SeaweedFS run for real, the artifacts Job, the History Servers),
//    staying Synced while data-credentials rolls SeaweedFS's pod;
// 2. sync waves: each wave's objects exist before a later wave's are created;
// 3. a tenant's AppProject refuses, even from this repository, another team's namespace,
//    cluster-scoped kinds (the reported cluster-admin breakout) and kinds its overlay does not render;
// 4. self-heal of a tenant's ResourceQuota and RoleBinding;
// 5. onboarding and removal of a team through git commits;
// 6. the time from commit to Synced (reported, not asserted).
// Tests run in order and share one platform; each states what it depends on.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Application } from "../harness/argocd.js";
import { describeRef, readCreationOrder, type ObjectRef } from "../harness/etcd-revisions.js";
import { WorkTree } from "../harness/git-server.js";
import { waitUntil } from "../harness/process.js";
import { bucketQuotas, runWeedScript } from "../harness/seaweedfs.js";
import { tenantTeams } from "../harness/platform-manifests.js";
import { asServiceAccount, messageOf, type Pod } from "../harness/spark-driver.js";
import { deleteApplication, exampleApplication, runToCompletion, scheduledBy, stateOf, type PodGroup } from "../flow/jobs.js";
import {
  ARGOCD_NAMESPACE,
  BRANCH,
  DIFFERENCES,
  isHelmSourced,
  isSyncedAndHealthy,
  rootManifests,
  startGitOpsPlatform,
  summarize,
  waitForApplication,
  waveOf,
  type GitOpsPlatform,
  type Manifest,
} from "./platform.js";

const ROOT = "root";
const SYNC_TIMEOUT_MS = 8 * 60_000;
/** Without a webhook Argo CD sees a commit by polling: 3 min reconciliation plus the repo server's 3 min cache of git refs, at worst twice. */
const POLL_TIMEOUT_MS = 13 * 60_000;

let platform: GitOpsPlatform;
let rootAppliedAt = 0;
let seed: Manifest[];
const timings: string[] = [];

function report(line: string): void {
  timings.push(line);
  process.stdout.write(`[gitops] ${line}\n`);
}

beforeAll(async () => {
  process.stdout.write(`[gitops] differences from a user's cluster (docs/gitops-proof.md):\n${DIFFERENCES.map((d) => `  - ${d}`).join("\n")}\n`);
  platform = await startGitOpsPlatform();
  seed = rootManifests(platform.tree.dir);
  rootAppliedAt = await platform.applyRootApplication();
});

afterAll(async () => {
  if (timings.length) process.stdout.write(`[gitops] timings:\n${timings.map((t) => `  ${t}`).join("\n")}\n`);
  await platform?.stop();
});

const applicationsOf = (manifests: Manifest[]): Manifest[] => manifests.filter((object) => object.kind === "Application");
const gitApplications = (manifests: Manifest[]): string[] => applicationsOf(manifests).filter((app) => !isHelmSourced(app)).map((app) => app.metadata.name);
const helmApplications = (manifests: Manifest[]): string[] => applicationsOf(manifests).filter(isHelmSourced).map((app) => app.metadata.name);
const elapsed = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function exists(ref: ObjectRef & { apiVersion?: string }): Promise<boolean> {
  const kind = ref.group ? `${ref.kind}.${ref.group}` : ref.kind;
  const args = ["get", kind, ref.name, "-o", "name", ...(ref.namespace ? ["-n", ref.namespace] : [])];
  const result = await platform.cluster.kubectl(args, { reject: false });
  if (result.exitCode === 0) return true;
  if (/NotFound|not found/.test(result.stderr)) return false;
  throw new Error(`kubectl ${args.join(" ")}: ${result.stderr}`);
}

async function objectJson<T>(kind: string, name: string, namespace?: string): Promise<T | undefined> {
  const result = await platform.cluster.kubectl(["get", kind, name, "-o", "json", ...(namespace ? ["-n", namespace] : [])], { reject: false });
  return result.exitCode === 0 ? (JSON.parse(result.stdout) as T) : undefined;
}

type ManagedResource = NonNullable<NonNullable<Application["status"]>["resources"]>[number];

/** The objects Application tenant-<team> manages. */
async function tenantObjects(team: string): Promise<ManagedResource[]> {
  const app = await platform.argocd.application(`tenant-${team}`);
  return app?.status?.resources ?? [];
}

describe("Argo CD syncs the seed's platform from git (bootstrap: argocd/ layer, then the root Application)", () => {
  it("the root Application finds every child Application and AppProject in generated/applications", async () => {
    const expected = applicationsOf(seed).map((app) => app.metadata.name).sort();
    expect(expected.length).toBeGreaterThan(0);
    const root = await waitForApplication(platform, ROOT, "to create every child", (app) => {
      const names = (app.status?.resources ?? []).filter((r) => r.kind === "Application").map((r) => r.name);
      return expected.every((name) => names.includes(name));
    }, SYNC_TIMEOUT_MS);
    const managed = (root.status?.resources ?? []).map((r) => `${r.kind}/${r.name}`).sort();
    expect(managed).toEqual(seed.map((object) => `${object.kind}/${object.metadata.name}`).sort());
    // status.resources lists what git holds, created or not: wait for the objects themselves.
    const present = await waitUntil(
      "every child Application to be created",
      async () => {
        const names = (await platform.argocd.applications()).map((app) => app.metadata.name).sort();
        return expected.every((name) => names.includes(name)) ? names : undefined;
      },
      { timeoutMs: SYNC_TIMEOUT_MS, intervalMs: 1_000, daemon: platform.argocd.controller },
    );
    expect(present).toEqual([ROOT, ...expected].sort());
  });

  it("every git-sourced Application is Synced and Healthy, at the served commit", async () => {
    const served = await platform.git.lsRemote("platform.git", BRANCH);
    const names = [ROOT, ...gitApplications(seed)];
    for (const name of names) {
      const app = await waitForApplication(platform, name, "to be Synced and Healthy", isSyncedAndHealthy, SYNC_TIMEOUT_MS);
      expect(app.status?.sync?.revision, `${name} synced the served commit`).toBe(served);
      expect(app.status?.conditions ?? [], `${name} has no conditions`).toEqual([]);
      report(`bootstrap: ${name} Synced and Healthy ${((Date.parse(app.status?.operationState?.finishedAt ?? "") - rootAppliedAt) / 1000).toFixed(0)} s after the root Application was applied`);
    }
    // Every object each Application manages is really stored, and Synced.
    for (const name of gitApplications(seed)) {
      const app = (await platform.argocd.application(name))!;
      const resources = app.status?.resources ?? [];
      expect(resources.length, `${name} manages objects`).toBeGreaterThan(0);
      for (const resource of resources) {
        expect(resource.status, `${name}: ${resource.kind}/${resource.name}`).toBe("Synced");
        expect(await exists({ group: resource.group, kind: resource.kind, namespace: resource.namespace, name: resource.name }), `${name}: ${resource.kind}/${resource.name} stored`).toBe(true);
      }
    }
  });

  it("the Helm Applications install the real charts from the loopback chart repository: Synced and Healthy, and their controllers run as the charts deploy them", async () => {
    const helm = helmApplications(seed);
    expect(helm.sort()).toEqual(["seaweedfs", "spark-operator", "strimzi-kafka-operator", "volcano"]);
    /** A CRD each chart installs (SeaweedFS's installs none). */
    const chartCrd: Record<string, string | undefined> = {
      volcano: "queues.scheduling.volcano.sh",
      "spark-operator": "sparkapplications.sparkoperator.k8s.io",
      "strimzi-kafka-operator": "kafkas.kafka.strimzi.io",
      seaweedfs: undefined,
    };
    const deployments: string[] = [];
    for (const name of helm) {
      const app = await waitForApplication(platform, name, "to be Synced and Healthy", isSyncedAndHealthy, SYNC_TIMEOUT_MS);
      const source = app.spec.source!;
      expect(source.repoURL, `${name} fetches its chart from the loopback repository`).toBe(platform.charts.url);
      expect(app.status?.conditions ?? [], `${name} has no conditions`).toEqual([]);
      const resources = app.status?.resources ?? [];
      report(`bootstrap: ${name} (chart ${source.chart} ${source.targetRevision}) Synced and Healthy with ${resources.length} objects`);
      for (const resource of resources) {
        // A hook the chart keeps (SeaweedFS's PreSync sftp Secret, helm.sh/resource-policy: keep) is listed without a sync status: Argo CD runs hooks, it does not compare them.
        if (resource.hook) report(`bootstrap: ${name} keeps hook ${resource.kind}/${resource.name}`);
        else expect(resource.status, `${name}: ${resource.kind}/${resource.name}`).toBe("Synced");
        expect(await exists({ group: resource.group, kind: resource.kind, namespace: resource.namespace, name: resource.name }), `${name}: ${resource.kind}/${resource.name} stored`).toBe(true);
      }
      // The chart's Deployments are Available: KWOK runs their pods; the harness runs their programs.
      for (const resource of resources.filter((r) => r.kind === "Deployment")) {
        const deployment = await objectJson<{ status?: { conditions?: { type: string; status: string }[] } }>("deployment", resource.name, resource.namespace);
        expect(deployment?.status?.conditions?.find((c) => c.type === "Available")?.status, `${name}: Deployment ${resource.name} Available`).toBe("True");
        deployments.push(`${resource.namespace}/${resource.name}`);
      }
      // The charts install their own CRDs.
      const crds = resources.filter((r) => r.kind === "CustomResourceDefinition").map((r) => r.name);
      if (chartCrd[name]) expect(crds, `${name} installs CRDs`).toContain(chartCrd[name]);
      // Every webhook configuration the chart installs carries the CA its webhook patched in at start.
      for (const resource of resources.filter((r) => r.kind.endsWith("WebhookConfiguration"))) {
        const configuration = await objectJson<{ webhooks?: { name: string; clientConfig: { caBundle?: string } }[] }>(resource.kind.toLowerCase(), resource.name);
        for (const webhook of configuration?.webhooks ?? []) expect(webhook.clientConfig.caBundle, `${resource.kind}/${resource.name}: ${webhook.name} caBundle`).toBeTruthy();
      }
    }
    // Argo CD's repo server fetched both archives from the repository.
    for (const chart of platform.charts.charts) expect(platform.charts.requests, `${chart.chart} ${chart.version} fetched`).toContain(`GET ${new URL(chart.archive).pathname} 200`);

    // Volcano's admission-init Job completed (its script's work, the certificate Secret, done by the harness).
    const init = await objectJson<{ status?: { succeeded?: number } }>("job", "volcano-admission-init", "volcano-system");
    expect(init?.status?.succeeded).toBe(1);
    // SeaweedFS's bucket hook (a PostSync hook, deleted once it succeeded) and the platform's bucket-quota Job:
    // their own scripts ran before their pods completed.
    expect(platform.workloads.jobsDone().map((job) => job.replace(/-[0-9a-f]{10}$/, "-<hash>")).sort()).toEqual([
      "object-storage/bucket-quotas-<hash>",
      "object-storage/seaweedfs-bucket-hook",
      "volcano-system/volcano-admission-init",
    ]);
    // The store holds each team bucket's quota: what SeaweedFS's S3 gateway enforces.
    const store = platform.workloads.workload("object-storage/seaweedfs-all-in-one")!;
    const listed = await runWeedScript("echo s3.bucket.list | /usr/bin/weed shell", { env: {}, master: store.endpoints.master, filer: store.endpoints.filer, home: platform.cluster.workDir });
    expect(listed.exitCode, listed.stderr).toBe(0);
    const quotas = bucketQuotas(listed.stdout);
    for (const bucket of ["alpha-raw", "alpha-curated", "alpha-eventlog", "delta-raw", "delta-eventlog"]) expect(quotas[bucket], `${bucket}'s quota in ${listed.stdout}`).toBe(512 * 1024 ** 2);
    expect(quotas["platform-artifacts"]).toBe(0);

    // Strimzi's Cluster Operator is inert (Java, no process here): its pod is Ready and the Strimzi player plays its work.
    const inert = await waitUntil("the Strimzi operator's pod to be seen", async () => {
      const found = platform.workloads.inert().map((w) => `${w.namespace}/${w.deployment}`);
      return found.includes("kafka/strimzi-cluster-operator") ? found : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    report(`inert (pod Ready, no process): ${platform.workloads.inert().map((w) => `${w.namespace}/${w.deployment} (${w.image})`).join(", ")}`);

    // One process per other Deployment, started with the container's own command and args and the pod's ServiceAccount.
    const workloads = await platform.workloads.running(deployments.filter((d) => !inert.includes(d)), SYNC_TIMEOUT_MS);
    for (const workload of workloads) {
      const deployment = await objectJson<{ spec: { template: { spec: { serviceAccountName?: string; containers: { command?: string[]; args?: string[] }[] } } } }>("deployment", workload.deployment, workload.namespace);
      const pod = deployment!.spec.template.spec;
      expect(workload.serviceAccount, `${workload.deployment} runs as its pod's ServiceAccount`).toBe(pod.serviceAccountName ?? "default");
      expect(workload.command, `${workload.deployment} runs its container's command`).toEqual(pod.containers[0].command ?? []);
      expect(workload.args, `${workload.deployment} runs with its container's args`).toEqual(pod.containers[0].args ?? []);
      expect(workload.daemon.running, `${workload.deployment} runs`).toBe(true);
      report(`chart process ${workload.namespace}/${workload.deployment} (${workload.image}) as ServiceAccount ${workload.serviceAccount}: ${workload.processArgs.join(" ").replace(/\s*\\\n\s*/g, " ").slice(0, 600)}`);
    }
    expect(workloads.map((w) => w.deployment).sort()).toEqual(["seaweedfs-all-in-one", "spark-operator-controller", "spark-operator-webhook", "volcano-admission", "volcano-controllers", "volcano-scheduler"]);

    // What those processes did with only the charts' RBAC (and the platform's grants): vc-scheduler created
    // the default queue, vc-controller-manager opened every queue, through the queue webhooks vc-webhook-manager serves.
    const queues = await waitUntil(
      "every Volcano Queue to be Open",
      async () => {
        const { body } = await platform.cluster.api.get<{ items: { metadata: { name: string }; status?: { state?: string } }[] }>("/apis/scheduling.volcano.sh/v1beta1/queues");
        return body.items.length > 1 && body.items.every((q) => q.status?.state === "Open") ? body.items.map((q) => q.metadata.name) : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
    expect(queues).toContain("default");
  });

  it("the data components: Strimzi's objects Ready as its operators would make them, data-credentials run as its ServiceAccount writes every credential, SeaweedFS enforces them, and everything stays Synced while SeaweedFS's pod is rolled", async () => {
    const data = ["strimzi-kafka-operator", "kafka-cluster", "data-credentials", "seaweedfs", "platform-artifacts", "spark-history"];
    expect(applicationsOf(seed).map((app) => app.metadata.name)).toEqual(expect.arrayContaining(data));
    for (const name of data) await waitForApplication(platform, name, "to be Synced and Healthy", isSyncedAndHealthy, SYNC_TIMEOUT_MS);

    // kafka-cluster: Argo CD's own health checks for Kafka, KafkaTopic and KafkaUser call each Healthy on the Ready condition the player set.
    const kafkaCluster = (await platform.argocd.application("kafka-cluster"))!;
    const strimziObjects = (kafkaCluster.status?.resources ?? []).filter((r) => r.group === "kafka.strimzi.io");
    expect(strimziObjects.map((r) => `${r.kind}/${r.name}`).sort()).toEqual([
      "Kafka/platform", "KafkaNodePool/dual-role", "KafkaTopic/alpha.events", "KafkaTopic/delta.clicks", "KafkaTopic/delta.events", "KafkaUser/team-alpha", "KafkaUser/team-delta",
    ]);
    for (const r of strimziObjects.filter((o) => o.kind !== "KafkaNodePool")) expect(r.health?.status, `${r.kind}/${r.name}`).toBe("Healthy");
    report(`Strimzi player: ${platform.strimzi.log.join("; ")}`);

    // data-credentials runs for real, as its ServiceAccount.
    const [credentials] = await platform.workloads.running(["object-storage/data-credentials"], SYNC_TIMEOUT_MS);
    expect(credentials.serviceAccount).toBe("data-credentials");
    expect(credentials.command).toEqual(["python3", "/opt/data-credentials/data-credentials.py"]);
    report(`process object-storage/data-credentials (${credentials.image}) as ServiceAccount data-credentials: python3 ${credentials.processArgs.join(" ")}`);
    const secret = async (namespace: string, name: string): Promise<Record<string, string>> => {
      const found = await waitUntil(`Secret ${namespace}/${name}`, () => objectJson<{ data?: Record<string, string> }>("secret", name, namespace), { timeoutMs: 120_000, intervalMs: 1_000 });
      return Object.fromEntries(Object.entries(found.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));
    };
    const identitiesFile = (await secret("object-storage", "seaweedfs-s3-config")).seaweedfs_s3_config;
    const identities = JSON.parse(identitiesFile) as { identities: { name: string; actions: string[] }[] };
    expect(identities.identities.map((i) => i.name).sort()).toEqual(["anonymous", "spark-history", "team-alpha", "team-delta"]);
    for (const team of ["alpha", "delta"]) {
      const kafka = await secret(`team-${team}`, "kafka-credentials");
      // The password is the one the (played) User Operator wrote in `kafka`, copied by data-credentials.
      expect(kafka.password).toBe((await secret("kafka", `team-${team}`)).password);
      expect(kafka.username).toBe(`team-${team}`);
      expect(Object.keys(await secret(`team-${team}`, "s3-credentials")).sort()).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "buckets", "endpoint"]);
    }
    expect(Object.keys(await secret("spark-history", "spark-history-s3"))).toContain("AWS_SECRET_ACCESS_KEY");

    // data-credentials rolled SeaweedFS's pod with the identities' hash; the running server is that pod's and enforces them.
    const hash = createHash("sha256").update(identitiesFile).digest("hex");
    const deployment = await waitUntil("data-credentials to annotate SeaweedFS's pod template", async () => {
      const found = await objectJson<{ metadata: { generation: number }; spec: { template: { metadata: { annotations?: Record<string, string> } } } }>("deployment", "seaweedfs-all-in-one", "object-storage");
      return found?.spec.template.metadata.annotations?.["spark-platform.io/s3-config-hash"] ? found : undefined;
    }, { timeoutMs: 120_000, intervalMs: 1_000 });
    const annotated = deployment.spec.template.metadata.annotations!["spark-platform.io/s3-config-hash"];
    expect(annotated, "the hash of the identities file SeaweedFS mounts").toBe(hash);
    report(`data-credentials set spark-platform.io/s3-config-hash=${annotated.slice(0, 12)}… on seaweedfs-all-in-one (generation ${deployment.metadata.generation})`);
    const store = await waitUntil("SeaweedFS to run in the rolled pod", async () => {
      const [workload] = await platform.workloads.running(["object-storage/seaweedfs-all-in-one"], SYNC_TIMEOUT_MS);
      const { body: pod } = await platform.cluster.api.get<{ metadata: { annotations?: Record<string, string> } }>(`/api/v1/namespaces/object-storage/pods/${workload.pod}`);
      return pod.metadata?.annotations?.["spark-platform.io/s3-config-hash"] === annotated ? workload : undefined;
    }, { timeoutMs: 180_000, intervalMs: 1_000 });
    const { S3Client } = await import("../harness/s3-client.js");
    const keys = async (team: string) => {
      const s = await secret(`team-${team}`, "s3-credentials");
      return { accessKeyId: s.AWS_ACCESS_KEY_ID, secretAccessKey: s.AWS_SECRET_ACCESS_KEY };
    };
    const alpha = new S3Client(store.endpoints.s3, await keys("alpha"));
    const delta = new S3Client(store.endpoints.s3, await keys("delta"));
    // The buckets the hook made, and each team's keys on its own buckets only. The first write waits, as an S3
    // client retries a 5xx, while the restarted server's volume server registers with its master.
    const { readFileSync } = await import("node:fs");
    let lastWrite = 0;
    await waitUntil("alpha's first write to be accepted", async () => ((lastWrite = (await alpha.putObject("alpha-raw", "gitops.txt", "from alpha")).status) === 500 ? undefined : true), {
      timeoutMs: 60_000,
      intervalMs: 2_000,
    }).catch((error: Error) => {
      throw new Error(`${error.message}\n${readFileSync(store.daemon.logFile, "utf8").slice(-4000)}`);
    });
    expect(lastWrite).toBe(200);
    expect((await alpha.getObject("alpha-raw", "gitops.txt")).text).toBe("from alpha");
    expect((await delta.putObject("delta-raw", "gitops.txt", "from delta")).status).toBe(200);
    expect((await delta.getObject("alpha-raw", "gitops.txt")).status).toBe(403);
    expect((await alpha.putObject("delta-raw", "x.txt", "x")).status).toBe(403);
    report(`SeaweedFS (pod ${store.pod}, restarts ${store.restarts}) at ${store.endpoints.s3}: alpha and delta each write their own bucket, refused on the other's`);

    // No drift, no fight: the annotation data-credentials set is outside what Argo CD applies (client-side apply's
    // last-applied configuration), so seaweedfs stays Synced, selfHeal applies nothing, and the annotation stays.
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const seaweedfs = await waitForApplication(platform, "seaweedfs", "to stay Synced and Healthy", isSyncedAndHealthy, 60_000);
    const managed = (seaweedfs.status?.resources ?? []).find((r) => r.kind === "Deployment" && r.name === "seaweedfs-all-in-one");
    expect(managed?.status, "Argo CD compares the Deployment Synced").toBe("Synced");
    const history = (seaweedfs.status as { history?: unknown[] } | undefined)?.history ?? [];
    expect(history.length, "one sync: Argo CD did not sync again to undo the annotation").toBe(1);
    const after = await objectJson<{ spec: { template: { metadata: { annotations?: Record<string, string> } } } }>("deployment", "seaweedfs-all-in-one", "object-storage");
    expect(after?.spec.template.metadata.annotations?.["spark-platform.io/s3-config-hash"]).toBe(annotated);
    const { body: replicaSets } = await platform.cluster.api.get<{ items: { metadata: { name: string } }[] }>("/apis/apps/v1/namespaces/object-storage/replicasets");
    const rolled = replicaSets.items.filter((rs) => rs.metadata.name.startsWith("seaweedfs-all-in-one-")).length;
    // The chart's template, then the one with the hash: two, not more (Argo CD undoing it would roll again).
    expect(rolled).toBe(2);
    report(`seaweedfs stays Synced after data-credentials rolled its pod: ${history.length} sync, ${rolled} ReplicaSets`);
  });

  it("sync waves: every object of a wave exists before any object of a later wave is created; no Queue precedes its CRD", async () => {
    // etcd's create_revision of each object: a total order of creation.
    const order = await readCreationOrder(platform.cluster);
    const byWave = new Map<number, ObjectRef[]>();
    for (const object of seed) {
      const refs: ObjectRef[] = [{ group: "argoproj.io", kind: object.kind, namespace: ARGOCD_NAMESPACE, name: object.metadata.name }];
      if (object.kind === "Application") {
        const app = (await platform.argocd.application(object.metadata.name))!;
        for (const r of app.status?.resources ?? []) refs.push({ group: r.group, kind: r.kind, namespace: r.namespace || undefined, name: r.name });
      }
      byWave.set(waveOf(object), [...(byWave.get(waveOf(object)) ?? []), ...refs]);
    }
    // One object a controller creates before its wave, which Argo CD then adopts: vc-scheduler creates the
    // `default` Queue when it starts (wave 0), volcano-queues takes it over in wave 1, as on a user's cluster.
    const defaultQueue = (ref: ObjectRef): boolean => ref.kind === "Queue" && ref.name === "default";
    // Its fields: created by vc-scheduler (whose client sends Go's default user agent, so its field manager is
    // Go-http-client), then applied by Argo CD; status updates go to the status subresource.
    const { body: queue } = await platform.cluster.api.get<{ metadata: { managedFields?: { manager: string; operation: string; subresource?: string }[] } }>("/apis/scheduling.volcano.sh/v1beta1/queues/default");
    const writers = (queue.metadata.managedFields ?? []).filter((f) => !f.subresource).map((f) => `${f.manager} ${f.operation}`);
    expect(writers.sort(), "the default Queue: written by vc-scheduler, then applied by Argo CD").toEqual(["Go-http-client Update", "argocd-controller Apply"]);
    for (const [wave, refs] of byWave) byWave.set(wave, refs.filter((ref) => !defaultQueue(ref)));
    const waves = [...byWave.keys()].sort((a, b) => a - b);
    const lines: string[] = [];
    for (const [i, wave] of waves.entries()) {
      const revisions = byWave.get(wave)!.map((ref) => ({ ref, revision: order.revisionOf(ref) }));
      const first = revisions.reduce((a, b) => (b.revision < a.revision ? b : a));
      const last = revisions.reduce((a, b) => (b.revision > a.revision ? b : a));
      lines.push(`wave ${wave}: ${revisions.length} objects, etcd revisions ${first.revision}..${last.revision}`);
      for (const later of waves.slice(i + 1)) {
        for (const ref of byWave.get(later)!) {
          const revision = order.revisionOf(ref);
          expect(revision, `${describeRef(ref)} (wave ${later}) was created before ${describeRef(last.ref)} (wave ${wave})`).toBeGreaterThan(last.revision);
        }
      }
    }
    process.stdout.write(`[gitops] creation order:\n${lines.map((l) => `  ${l}`).join("\n")}\n`);

    // Custom resources never precede their CRD.
    const crdOf = (ref: ObjectRef): ObjectRef | undefined => {
      const plural = {
        Queue: "queues",
        Application: "applications",
        AppProject: "appprojects",
        Kafka: "kafkas",
        KafkaNodePool: "kafkanodepools",
        KafkaTopic: "kafkatopics",
        KafkaUser: "kafkausers",
      }[ref.kind];
      return plural ? { group: "apiextensions.k8s.io", kind: "CustomResourceDefinition", name: `${plural}.${ref.group}` } : undefined;
    };
    const custom = [...byWave.values()].flat().filter((ref) => crdOf(ref));
    expect(custom.some((ref) => ref.kind === "Queue")).toBe(true);
    for (const ref of custom) expect(order.revisionOf(ref), `${describeRef(ref)} before its CRD`).toBeGreaterThan(order.revisionOf(crdOf(ref)!));
  });
});

describe("jobs through the platform as Argo CD deployed it (the charts' controllers, with the charts' RBAC)", () => {
  const teams = tenantTeams();
  const volcanoTeams = teams.filter((team) => exampleApplication(team).spec.batchScheduler === "volcano");

  it.each(teams)("team %s: its example SparkApplication reaches COMPLETED, placed by the team's scheduler in its queue", async (team) => {
    const app = exampleApplication(team);
    const queue = app.spec.batchSchedulerOptions?.queue;
    const volcano = app.spec.batchScheduler === "volcano";
    const run = await runToCompletion(platform.cluster, app);
    const scheduler = volcano ? "volcano" : "default-scheduler";
    expect(run.driverScheduledBy).toBe(scheduler);
    expect(run.executorsScheduledBy).toEqual(run.executors.map(() => scheduler));
    if (volcano) expect(run.podGroup?.spec.queue, "the PodGroup's queue").toBe(queue);
    expect(stateOf(run.app)).toBe("COMPLETED");
    report(`job: ${team}'s ${app.metadata.name} COMPLETED (${scheduler}${volcano ? `, queue ${queue}` : ""}) in ${(run.elapsedMs / 1000).toFixed(0)} s`);
    await deleteApplication(platform.cluster, app.metadata.namespace, app.metadata.name);
  });

  it.each(volcanoTeams)("team %s: a plain Job created by the team's service account is scheduled by Volcano in the team's queue and completes", async (team) => {
    const app = exampleApplication(team);
    const ns = app.metadata.namespace;
    const account = (app.spec.driver as { serviceAccount: string }).serviceAccount;
    // What a team writes: the guardrails require schedulerName volcano in a Volcano team's namespace; the
    // queue comes from the namespace's annotation, which Volcano's admission reads with the platform's grant.
    const job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "plain-job", namespace: ns },
      spec: { backoffLimit: 0, template: { spec: { schedulerName: "volcano", restartPolicy: "Never", containers: [{ name: "main", image: "busybox:1.36", command: ["true"] }] } } },
    };
    const created = await platform.cluster.api.request("POST", `/apis/batch/v1/namespaces/${ns}/jobs`, job, asServiceAccount(ns, account));
    expect(created.status, messageOf(created.body)).toBe(201);
    const pod = await waitUntil(
      `the Job's pod in ${ns} to be bound`,
      async () => {
        const { body } = await platform.cluster.api.get<{ items: Pod[] }>(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent("job-name=plain-job")}`);
        return body.items.find((p) => p.spec.nodeName);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(await scheduledBy(platform.cluster, pod)).toBe("volcano");
    const { body: groups } = await platform.cluster.api.get<{ items: (PodGroup & { metadata: { ownerReferences?: { uid: string }[] } })[] }>(`/apis/scheduling.volcano.sh/v1beta1/namespaces/${ns}/podgroups`);
    const owner = (pod.metadata.ownerReferences ?? []).find((o) => o.controller)?.uid;
    expect(groups.items.find((g) => g.metadata.ownerReferences?.some((o) => o.uid === owner))?.spec.queue, "the PodGroup took the namespace's queue").toBe(app.spec.batchSchedulerOptions?.queue);
    // KWOK ends a Job's pod by itself once it runs.
    await waitUntil(
      `Job ${ns}/plain-job to complete`,
      async () => {
        const { body } = await platform.cluster.api.get<{ status?: { conditions?: { type: string; status: string }[] } }>(`/apis/batch/v1/namespaces/${ns}/jobs/plain-job`);
        return body.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True") ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    await platform.cluster.api.request("DELETE", `/apis/batch/v1/namespaces/${ns}/jobs/plain-job?propagationPolicy=Foreground`);
  });
});

describe("a tenant's AppProject confines its Application, even if the compiler were fooled", () => {
  /** A branch of the platform's own repository (the project's one source) holding what a fooled compiler could have written. */
  const FOOLED = "fooled-compiler";
  const OTHER_REPO = "team-alpha-apps.git";
  const DESTINATION = "https://kubernetes.default.svc";

  const probe = (name: string, repoURL: string, revision: string, path: string, namespace: string): object => ({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name, namespace: ARGOCD_NAMESPACE, labels: { "spark-platform.io/probe": "true" } },
    spec: {
      project: "team-alpha",
      source: { repoURL, targetRevision: revision, path },
      destination: { server: DESTINATION, namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
  });

  /** Every message Argo CD shows for an Application: conditions, the sync operation and its per-resource results. */
  const messagesOf = (app: Application): string[] => [
    ...(app.status?.conditions ?? []).map((c) => `condition ${c.type}: ${c.message}`),
    ...(app.status?.operationState ? [`operation ${app.status.operationState.phase}: ${app.status.operationState.message ?? ""}`] : []),
    ...(app.status?.operationState?.syncResult?.resources ?? []).map((r) => `resource ${r.kind}/${r.name} ${r.status}: ${r.message}`),
  ];

  const kustomization = (file: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: team-alpha\nresources:\n  - ${file}\n`;

  beforeAll(async () => {
    const tree = await WorkTree.init(join(platform.cluster.workDir, "fooled"), join(platform.cluster.workDir, "git-home"));
    // What the reported contact breakout made Kustomize render from alpha's overlay.
    tree.writeFile("breakout/kustomization.yaml", kustomization("binding.yaml"));
    tree.writeFile("breakout/binding.yaml", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: alpha-spark-driver\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n  - kind: ServiceAccount\n    name: alpha-sa\n    namespace: team-alpha\n");
    tree.writeFile("other-namespace-object/configmap.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: alpha-probe-in-beta\n  namespace: team-beta\n");
    tree.writeFile("unlisted-kind/kustomization.yaml", kustomization("service.yaml"));
    tree.writeFile("unlisted-kind/service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: alpha-probe\nspec:\n  type: NodePort\n  ports:\n    - port: 80\n");
    tree.writeFile("own-namespace/kustomization.yaml", kustomization("service-account.yaml"));
    tree.writeFile("own-namespace/service-account.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: alpha-probe\n");
    await tree.commitAll("what a fooled compiler could write");
    await tree.push(platform.repository, FOOLED);
    // A repository of the team's own, which the tenant's project does not list.
    const other = await platform.git.createRepository(OTHER_REPO);
    await tree.push(other, "main");
  });

  afterAll(async () => {
    await platform?.cluster.kubectl(["-n", ARGOCD_NAMESPACE, "delete", "application", "--ignore-not-found", "--wait=false", "-l", "spark-platform.io/probe=true"], { reject: false });
  });

  async function create(name: string, path: string, options: { namespace?: string; repoURL?: string } = {}): Promise<void> {
    const manifest = probe(name, options.repoURL ?? platform.repoURL, options.repoURL ? "main" : FOOLED, path, options.namespace ?? "team-alpha");
    await platform.cluster.kubectl(["apply", "--server-side", "--field-manager=gitops-suite", "-f", "-"], { input: JSON.stringify(manifest) });
  }

  async function refusal(name: string, expected: string): Promise<Application> {
    let seen: string[] = [];
    const app = await waitForApplication(platform, name, `to show "${expected}"`, (a) => {
      seen = messagesOf(a);
      return seen.some((message) => message.includes(expected));
    }, 3 * 60_000);
    process.stdout.write(`[gitops] ${name}: ${seen.join(" | ")}\n`);
    return app;
  }

  it("the tenant Applications run in their team's project, which lists this repository, the team's namespace and no cluster-scoped kind", async () => {
    const app = await platform.argocd.application("tenant-alpha");
    expect(app?.spec?.project).toBe("team-alpha");
    const project = await objectJson<{ spec: { sourceRepos: string[]; destinations: Array<{ namespace: string }>; clusterResourceWhitelist?: unknown[] } }>("appproject.argoproj.io", "team-alpha", ARGOCD_NAMESPACE);
    expect(project?.spec.sourceRepos).toEqual([platform.repoURL]);
    expect(project?.spec.destinations.map((d) => d.namespace)).toEqual(["team-alpha"]);
    expect(project?.spec.clusterResourceWhitelist ?? []).toEqual([]);
  });

  it("syncs a kind the overlay renders into the team's namespace (the control case)", async () => {
    await create("alpha-probe-own-namespace", "own-namespace");
    await waitForApplication(platform, "alpha-probe-own-namespace", "to be Synced and Healthy", isSyncedAndHealthy, 3 * 60_000);
    expect(await exists({ kind: "ServiceAccount", namespace: "team-alpha", name: "alpha-probe" })).toBe(true);
  });

  it("refuses the breakout's ClusterRoleBinding to cluster-admin", async () => {
    await create("alpha-probe-breakout", "breakout");
    await refusal("alpha-probe-breakout", "resource rbac.authorization.k8s.io:ClusterRoleBinding is not permitted in project team-alpha");
    expect(await exists({ group: "rbac.authorization.k8s.io", kind: "ClusterRoleBinding", name: "alpha-spark-driver" })).toBe(false);
  });

  it("refuses an object that names another team's namespace", async () => {
    await create("alpha-probe-other-namespace-object", "other-namespace-object");
    await refusal("alpha-probe-other-namespace-object", "namespace team-beta is not permitted in project 'team-alpha'");
    expect(await exists({ kind: "ServiceAccount", namespace: "team-beta", name: "alpha-probe-in-beta" })).toBe(false);
  });

  it("refuses a destination in another team's namespace", async () => {
    await create("alpha-probe-other-namespace", "own-namespace", { namespace: "team-beta" });
    const app = await refusal(
      "alpha-probe-other-namespace",
      `application destination server '${DESTINATION}' and namespace 'team-beta' do not match any of the allowed destinations in project 'team-alpha'`,
    );
    expect(app.status?.conditions?.map((c) => c.type)).toContain("InvalidSpecError");
    expect(await exists({ kind: "ServiceAccount", namespace: "team-beta", name: "alpha-probe" })).toBe(false);
  });

  it("refuses a namespaced kind the overlay does not render (a NodePort Service)", async () => {
    await create("alpha-probe-unlisted-kind", "unlisted-kind");
    await refusal("alpha-probe-unlisted-kind", "resource :Service is not permitted in project team-alpha");
    expect(await exists({ kind: "Service", namespace: "team-alpha", name: "alpha-probe" })).toBe(false);
  });

  it("refuses a source outside this repository", async () => {
    await create("alpha-probe-other-repository", "own-namespace", { repoURL: platform.git.url(OTHER_REPO) });
    await refusal("alpha-probe-other-repository", `application repo ${platform.git.url(OTHER_REPO)} is not permitted in project 'team-alpha'`);
  });
});

describe("self-heal", () => {
  it("re-creates a tenant's ResourceQuota and RoleBinding deleted by hand", async () => {
    const resources = await tenantObjects("alpha");
    const targets = resources.filter((r) => r.kind === "ResourceQuota" || r.kind === "RoleBinding");
    expect(targets.map((r) => r.kind).sort()).toEqual(expect.arrayContaining(["ResourceQuota", "RoleBinding"]));
    const uid = async (r: (typeof targets)[number]): Promise<string | undefined> =>
      (await objectJson<{ metadata: { uid: string } }>(r.group ? `${r.kind}.${r.group}` : r.kind, r.name, r.namespace))?.metadata.uid;
    const before = new Map<string, string | undefined>();
    for (const r of targets) before.set(`${r.kind}/${r.name}`, await uid(r));
    const deletedAt = Date.now();
    for (const r of targets) {
      await platform.cluster.kubectl(["delete", r.group ? `${r.kind}.${r.group}` : r.kind, r.name, "-n", r.namespace!, "--wait=true"]);
    }
    for (const r of targets) {
      const key = `${r.kind}/${r.name}`;
      await waitUntil(`${key} to be re-created by Argo CD`, async () => {
        const now = await uid(r);
        return now && now !== before.get(key) ? now : undefined;
      }, { timeoutMs: 3 * 60_000, intervalMs: 500, daemon: platform.argocd.controller });
      report(`self-heal: ${r.namespace}/${key} back ${elapsed(deletedAt)} after it was deleted`);
    }
    await waitForApplication(platform, "tenant-alpha", "to be Synced and Healthy again", isSyncedAndHealthy, 2 * 60_000);
  });
});

describe("onboarding and removal of a team through git", () => {
  const TEAM = "epsilon";
  // README's "Add a team" example: one file, nothing else.
  const TEAM_FILE = `# yaml-language-server: $schema=../schemas/team.schema.json
name: epsilon
owners: [epsilon-lead@example.com]
contact: "#team-epsilon"
scheduler: volcano
quota:
  requests: { cpu: "4", memory: 8Gi }
  limits: { cpu: "8", memory: 16Gi }
  pods: 15
limitRange:
  defaultRequest: { cpu: 500m, memory: 1Gi }
  default: { cpu: "2", memory: 2Gi }
queue:
  weight: 20
  capability: { cpu: "4", memory: 8Gi }
  guarantee: { cpu: "1", memory: 2Gi }
exampleJob:
  language: pyspark
  driver: { cores: 1, memory: 512m }
  executor: { cores: 1, memory: 512m, instances: 2 }
`;
  let overlay: ObjectRef[] = [];
  /** What the platform owns of the team: its Namespace and queue reader (generated/platform/namespaces/<team>.yaml). */
  let platformOwned: ObjectRef[] = [];
  let defaultQueueUid: string | undefined;

  const refOf = (o: { apiVersion: string; kind: string; name: string; namespace?: string }): ObjectRef => ({
    group: o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : undefined,
    kind: o.kind,
    namespace: o.namespace,
    name: o.name,
  });

  it("a commit adding a team makes its namespace, quota, RBAC and Queue appear with no other action", async () => {
    const { kustomize, manifestObjects } = await import("../harness/platform-manifests.js");
    defaultQueueUid = (await objectJson<{ metadata: { uid: string } }>("queue.scheduling.volcano.sh", "default"))?.metadata.uid;
    expect(defaultQueueUid, "the default Queue exists before onboarding").toBeDefined();

    platform.tree.writeFile(`teams/${TEAM}.yaml`, TEAM_FILE);
    await platform.compile();
    overlay = manifestObjects(await kustomize(join(platform.tree.dir, "generated/tenants/overlays", TEAM))).map(refOf);
    const kinds = overlay.map((ref) => ref.kind);
    for (const kind of ["ResourceQuota", "LimitRange", "ServiceAccount", "Role", "RoleBinding"]) expect(kinds).toContain(kind);
    platformOwned = manifestObjects(await kustomize(join(platform.tree.dir, "generated/platform/namespaces")))
      .map(refOf).filter((ref) => ref.name === `team-${TEAM}` || ref.name.startsWith(`${TEAM}-`));
    expect(platformOwned.map((ref) => ref.kind).sort()).toEqual(["ClusterRole", "ClusterRoleBinding", "Namespace"]);
    const { commit, pushedAt } = await platform.publish(`add team ${TEAM}`);

    // No refresh, no webhook: Argo CD notices the commit by itself.
    const app = await waitForApplication(platform, `tenant-${TEAM}`, `to be Synced and Healthy at ${commit.slice(0, 7)}`, (a) => isSyncedAndHealthy(a) && a.status?.sync?.revision === commit, POLL_TIMEOUT_MS);
    report(`onboarding (polling, no webhook): commit ${commit.slice(0, 7)} -> tenant-${TEAM} Synced and Healthy in ${elapsed(pushedAt)}`);
    expect(app.status?.conditions ?? []).toEqual([]);
    for (const ref of overlay) expect(await exists(ref), `${describeRef(ref)} created`).toBe(true);
    await waitForApplication(platform, "tenant-namespaces", `to sync ${commit.slice(0, 7)}`, (a) => isSyncedAndHealthy(a) && a.status?.sync?.revision === commit, POLL_TIMEOUT_MS);
    for (const ref of platformOwned) expect(await exists(ref), `${describeRef(ref)} created`).toBe(true);

    await waitForApplication(platform, "volcano-queues", `to sync ${commit.slice(0, 7)}`, (a) => isSyncedAndHealthy(a) && a.status?.sync?.revision === commit, POLL_TIMEOUT_MS);
    report(`onboarding (polling, no webhook): commit ${commit.slice(0, 7)} -> Queue ${TEAM} synced in ${elapsed(pushedAt)}`);
    expect(await exists({ group: "scheduling.volcano.sh", kind: "Queue", name: TEAM })).toBe(true);
    expect(await exists({ group: "argoproj.io", kind: "AppProject", namespace: ARGOCD_NAMESPACE, name: `team-${TEAM}` })).toBe(true);

    // Reported, not asserted: on a commit, each child Application refreshes on its own schedule, so sync
    // waves do not order objects of different children (the root sees volcano-queues Synced at the old commit).
    const order = await readCreationOrder(platform.cluster);
    const namespaceRevision = order.revisionOf({ kind: "Namespace", name: `team-${TEAM}` });
    const queueRevision = order.revisionOf({ group: "scheduling.volcano.sh", kind: "Queue", name: TEAM });
    report(`onboarding: Queue ${TEAM} was created ${queueRevision < namespaceRevision ? "before" : "after"} Namespace team-${TEAM} (etcd revisions ${queueRevision} and ${namespaceRevision})`);
  });

  it("a commit removing the team prunes its quota, RBAC, policies, Queue, AppProject and Application, and keeps its namespace and the default Queue", async () => {
    expect(overlay.length, "onboarding ran first").toBeGreaterThan(0);
    await platform.tree.git(["rm", "-q", `teams/${TEAM}.yaml`]);
    await platform.compile();
    const { commit, pushedAt } = await platform.publish(`remove team ${TEAM}`);
    // What Argo CD's Git webhook does on a push: refresh every Application of that repository.
    const ofRepository = (await platform.argocd.applications()).filter((a) => a.spec.source?.repoURL === platform.repoURL).map((a) => a.metadata.name);
    await platform.argocd.refresh(ofRepository);

    await waitUntil(`Application tenant-${TEAM} to be deleted`, async () => ((await platform.argocd.application(`tenant-${TEAM}`)) ? undefined : true), {
      timeoutMs: POLL_TIMEOUT_MS,
      intervalMs: 1_000,
      daemon: platform.argocd.controller,
    });
    report(`removal (webhook-style refresh): commit ${commit.slice(0, 7)} -> Application tenant-${TEAM} and its objects deleted in ${elapsed(pushedAt)}`);
    await waitForApplication(platform, "volcano-queues", `to sync ${commit.slice(0, 7)}`, (a) => isSyncedAndHealthy(a) && a.status?.sync?.revision === commit, POLL_TIMEOUT_MS);
    await waitForApplication(platform, "tenant-namespaces", `to sync ${commit.slice(0, 7)}`, (a) => isSyncedAndHealthy(a) && a.status?.sync?.revision === commit, POLL_TIMEOUT_MS);
    await waitForApplication(platform, ROOT, `to sync ${commit.slice(0, 7)}`, (a) => isSyncedAndHealthy(a) && a.status?.sync?.revision === commit, POLL_TIMEOUT_MS);

    const namespaceRef = platformOwned.find((ref) => ref.kind === "Namespace")!;
    const pruned = [...overlay, ...platformOwned.filter((ref) => ref !== namespaceRef)];
    const gone = async (ref: ObjectRef): Promise<boolean> => !(await exists(ref));
    for (const ref of [
      ...pruned,
      { group: "scheduling.volcano.sh", kind: "Queue", name: TEAM },
      { group: "argoproj.io", kind: "AppProject", namespace: ARGOCD_NAMESPACE, name: `team-${TEAM}` },
    ]) {
      await waitUntil(`${describeRef(ref)} to be pruned`, async () => ((await gone(ref)) ? true : undefined), { timeoutMs: 2 * 60_000, intervalMs: 1_000 });
    }
    const namespace = await objectJson<{ metadata: { deletionTimestamp?: string }; status: { phase: string } }>("namespace", namespaceRef.name);
    expect(namespace, `Namespace ${namespaceRef.name} is kept`).toBeDefined();
    expect(namespace?.metadata.deletionTimestamp, `Namespace ${namespaceRef.name} is not being deleted`).toBeUndefined();
    expect(namespace?.status.phase).toBe("Active");
    const defaultQueue = await objectJson<{ metadata: { uid: string; deletionTimestamp?: string } }>("queue.scheduling.volcano.sh", "default");
    expect(defaultQueue?.metadata.uid, "the default Queue is the same object as before").toBe(defaultQueueUid);
    expect(defaultQueue?.metadata.deletionTimestamp).toBeUndefined();

    // The other teams are untouched.
    for (const name of gitApplications(seed).filter((n) => n.startsWith("tenant-"))) {
      await waitForApplication(platform, name, "to stay Synced and Healthy", isSyncedAndHealthy, 2 * 60_000);
    }
  });
});
