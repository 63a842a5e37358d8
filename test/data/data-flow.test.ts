// The data flow Kafka → Spark → object storage as the compiler generates it,
// each link with the real program: the seed with its data components
// installed is compiled; a real kube-apiserver accepts the Strimzi objects
// with Strimzi 0.50.1's CRDs; a real Kafka 4.1.1 broker gets exactly the
// topics, users, ACLs and quotas of the generated KafkaTopics and KafkaUsers
// (the harness plays Strimzi's Topic and User Operators, which are not
// runnable here); the generated data-credentials program, run as its
// ServiceAccount, makes the S3 keys and the identities file that a real
// SeaweedFS then enforces, and delivers each team's Secrets; the generated
// artifacts program puts pinned jars into the public bucket; each team's
// generated example job runs in real PySpark with the SparkApplication's
// Spark properties and the environment its secretKeyRefs resolve to; and
// Spark's History Server, with the generated options and keys, lists the run.
//
// What the harness changes, and only that: in-cluster addresses become
// loopback ones (the S3 endpoint, the Kafka bootstrap), and local[2] replaces
// Kubernetes (harness/pyspark.ts harnessSparkConf: spark.master, spark.jars
// from the cache, the driver on loopback, no UI).
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../src/pipeline.js";
import type { KubeObject } from "../../src/synth/object.js";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { readEventLog, startHistoryServer } from "../harness/history-server.js";
import { projectServiceAccount, spawnInCluster } from "../harness/in-cluster.js";
import { runKafkaPlan, scramClientProperties, startKafka, type KafkaBroker } from "../harness/kafka.js";
import { run, waitUntil } from "../harness/process.js";
import { runSparkJob, type SparkJobResult } from "../harness/pyspark.js";
import { S3Client } from "../harness/s3-client.js";
import { bucketQuotas, startSeaweedfs, type Seaweedfs } from "../harness/seaweedfs.js";
import { applyStrimzi } from "../harness/strimzi-emulator.js";
import { withDataPlatform } from "../support/data-platform.js";
import { upstreamDir } from "../support/paths.js";
import { copyProject, type TestProject } from "../support/project.js";

let project: TestProject;
let objects: KubeObject[];
let cluster: Cluster;
let broker: KafkaBroker;
let store: Seaweedfs;
let work: string;

const find = (kind: string, name: string, namespace?: string): KubeObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (!found) throw new Error(`the compiler generated no ${kind} ${namespace ?? "*"}/${name}`);
  return found;
};
/** The objects a platform Application syncs (its build under generated/platform/). */
const applicationObjects = (app: string) => objects.filter((o) => builtBy.get(o) === app);
const builtBy = new Map<KubeObject, string>();

const apply = (docs: unknown[]) => cluster.kubectl(["apply", "--server-side", "-f", "-"], { input: docs.map((o) => JSON.stringify(o)).join("\n") });
async function secret(namespace: string, name: string): Promise<Record<string, string>> {
  const { status, body } = await cluster.api.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${namespace}/secrets/${name}`);
  expect(status, `secret ${namespace}/${name}`).toBe(200);
  return Object.fromEntries(Object.entries(body.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));
}

/** The environment a container's env entries resolve to, as the kubelet resolves secretKeyRefs in its namespace. */
async function resolveEnv(namespace: string, env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of env) {
    if (e.value !== undefined) out[e.name] = e.value;
    else out[e.name] = (await secret(namespace, e.valueFrom!.secretKeyRef.name))[e.valueFrom!.secretKeyRef.key];
  }
  return out;
}

interface DataJob { namespace: string; program: string; args: string[]; sparkConf: Record<string, string>; driverEnv: Record<string, string> }

/** A team's generated example data job, with in-cluster addresses made loopback ones. */
async function dataJob(team: string): Promise<DataJob> {
  const namespace = `team-${team}`;
  const app = find("SparkApplication", "events-to-parquet", namespace).spec as {
    arguments: string[]; sparkConf: Record<string, string>; driver: { env: Array<{ name: string; valueFrom: { secretKeyRef: { name: string; key: string } } }> };
  };
  const program = (find("ConfigMap", `${team}-data-example`, namespace).data as Record<string, string>)["kafka_to_parquet.py"];
  const driverEnv = await resolveEnv(namespace, app.driver.env);
  return {
    namespace, program, args: app.arguments,
    sparkConf: { ...app.sparkConf, "spark.hadoop.fs.s3a.endpoint": store.s3Endpoint },
    driverEnv: { ...driverEnv, KAFKA_BOOTSTRAP_SERVERS: broker.bootstrap },
  };
}

async function runDataJob(job: DataJob, overrides: { env?: Record<string, string>; args?: string[] } = {}): Promise<SparkJobResult> {
  const script = join(work, `${job.namespace}-kafka_to_parquet.py`);
  writeFileSync(script, job.program);
  return runSparkJob({ script, args: overrides.args ?? job.args, sparkConf: job.sparkConf, env: { ...job.driverEnv, ...overrides.env }, timeoutMs: 240_000 });
}

const result = (job: SparkJobResult) => {
  const line = job.stdout.split("\n").find((l) => l.startsWith("kafka_to_parquet "));
  return line ? (JSON.parse(line.slice("kafka_to_parquet ".length)) as { input_rows: number; output_rows: number }) : undefined;
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "spark-platform-data-flow-"));
  project = withDataPlatform(copyProject());
  const compiled = await compile(project.root);
  expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const synthesis = compiled.synthesis!;
  for (const build of synthesis.builds) for (const o of build.objects) builtBy.set(o, build.dir.replace(/^generated\/platform\//, ""));
  objects = [...synthesis.builds.flatMap((b) => b.objects), ...synthesis.standalone.map((s) => s.object)];

  cluster = await startCluster();
  // The namespaces Argo CD would have made by then (CreateNamespace, tenant-namespaces).
  await apply(["kafka", "object-storage", "spark-history", "team-alpha", "team-delta"].map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })));
}, 15 * 60_000);

afterAll(async () => {
  await store?.stop();
  await broker?.stop();
  await cluster?.stop();
  project?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("Kafka", () => {
  it("the API server accepts the generated Kafka, node pool, topics and users with Strimzi 0.50.1's CRDs", async () => {
    const crds = join(upstreamDir, "charts/strimzi-kafka-operator-0.50.1/crds");
    for (const file of ["040-Crd-kafka.yaml", "043-Crd-kafkatopic.yaml", "044-Crd-kafkauser.yaml", "045-Crd-kafkanodepool.yaml"]) {
      await cluster.kubectl(["apply", "--server-side", "-f", join(crds, file)]);
    }
    await cluster.kubectl(["wait", "--for=condition=Established", "--timeout=60s", "crd/kafkas.kafka.strimzi.io", "crd/kafkatopics.kafka.strimzi.io", "crd/kafkausers.kafka.strimzi.io", "crd/kafkanodepools.kafka.strimzi.io"]);
    const strimzi = applicationObjects("kafka-cluster");
    expect(strimzi.map((o) => o.kind).sort()).toEqual(["Kafka", "KafkaNodePool", "KafkaTopic", "KafkaTopic", "KafkaTopic", "KafkaUser", "KafkaUser"]);
    // Dry run with field validation Strict: a field the CRD does not have is an error, not dropped.
    await cluster.kubectl(["apply", "--server-side", "--dry-run=server", "--validate=strict", "-f", "-"], { input: strimzi.map((o) => JSON.stringify(o)).join("\n") });
    await apply(strimzi);
    const { body } = await cluster.api.get<{ items: Array<{ metadata: { name: string } }> }>("/apis/kafka.strimzi.io/v1/namespaces/kafka/kafkatopics");
    expect(body.items.map((t) => t.metadata.name).sort()).toEqual(["alpha.events", "delta.clicks", "delta.events"]);
  });

  it("a real broker, configured as the generated Kafka says, gets exactly the generated topics, users and ACLs", async () => {
    const kafka = find("Kafka", "platform", "kafka").spec as { kafka: { config: Record<string, unknown> } };
    broker = await startKafka({ config: kafka.kafka.config });
    const applied = await applyStrimzi(broker, applicationObjects("kafka-cluster"));
    expect(applied.topics.sort()).toEqual(["alpha.events", "delta.clicks", "delta.events"]);
    expect(Object.keys(applied.users).sort()).toEqual(["team-alpha", "team-delta"]);
    // The User Operator's Secrets, where data-credentials reads them.
    await apply(Object.values(applied.users).map((u) => ({ ...u.secret, metadata: { ...u.secret.metadata, namespace: "kafka" } })));
    const [topic] = await runKafkaPlan(broker, [{ op: "describeTopic", name: "alpha.events" }]);
    expect(topic).toMatchObject({ ok: true, partitions: 3 });
  });
});

describe("credentials and object storage", () => {
  it("data-credentials, run as its ServiceAccount from the generated objects, writes the identities file and each team's Secrets", async () => {
    const own = [...applicationObjects("data-credentials"), ...applicationObjects("spark-history").filter((o) => o.kind === "Role" || o.kind === "RoleBinding")];
    await apply(own);
    const config = (name: string) => (find("ConfigMap", name, "object-storage").data as Record<string, string>);
    const dir = join(work, "data-credentials");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "data-credentials.py"), config("data-credentials-script")["data-credentials.py"]);
    writeFileSync(join(dir, "config.json"), config("data-credentials-config")["config.json"]);
    const account = await projectServiceAccount(cluster, { namespace: "object-storage", name: "data-credentials" }, join(dir, "serviceaccount"));
    const daemon = spawnInCluster(cluster, "data-credentials", account, "python3", [join(dir, "data-credentials.py"), "--once"], { ...process.env, DATA_CREDENTIALS_CONFIG: join(dir, "config.json") });
    await waitUntil("data-credentials --once to exit", async () => (daemon.running ? undefined : true), { timeoutMs: 60_000, intervalMs: 100 });
    expect(daemon.describeExit()).toContain("exited with code 0");

    for (const team of ["alpha", "delta"]) {
      expect(Object.keys(await secret(`team-${team}`, "s3-credentials")).sort()).toEqual(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "buckets", "endpoint"]);
      expect((await secret(`team-${team}`, "kafka-credentials")).username).toBe(`team-${team}`);
    }
    expect(Object.keys(await secret("spark-history", "spark-history-s3"))).toContain("AWS_SECRET_ACCESS_KEY");
  });

  it("a real SeaweedFS, with that identities file and the chart's bucket hook, lets each team into its own buckets only", async () => {
    const identities = (await secret("object-storage", "seaweedfs-s3-config")).seaweedfs_s3_config;
    const values = (find("Application", "seaweedfs").spec as { source: { helm: { valuesObject: { allInOne: { s3: { createBuckets: Array<{ name: string }> } } } } } }).source.helm.valuesObject;
    store = await startSeaweedfs({ s3Config: identities, buckets: values.allInOne.s3.createBuckets.map((b) => b.name) });
    const as = async (team: string) => {
      const s = await secret(`team-${team}`, "s3-credentials");
      return new S3Client(store.s3Endpoint, { accessKeyId: s.AWS_ACCESS_KEY_ID, secretAccessKey: s.AWS_SECRET_ACCESS_KEY });
    };
    const alpha = await as("alpha");
    const delta = await as("delta");
    expect((await alpha.putObject("alpha-curated", "hello.txt", "from alpha")).status).toBe(200);
    expect((await delta.getObject("alpha-curated", "hello.txt")).status).toBe(403);
    expect((await delta.putObject("alpha-raw", "x.txt", "from delta")).status).toBe(403);
    expect((await alpha.listObjects("delta-raw")).status).toBe(403);
    expect((await alpha.createBucket("alpha-new")).status).toBe(403);
    const history = await secret("spark-history", "spark-history-s3");
    const reader = new S3Client(store.s3Endpoint, { accessKeyId: history.AWS_ACCESS_KEY_ID, secretAccessKey: history.AWS_SECRET_ACCESS_KEY });
    expect((await reader.putObject("alpha-eventlog", "forged", "x")).status).toBe(403);
    expect((await reader.listObjects("alpha-eventlog")).status).toBe(200);
    expect((await reader.listObjects("alpha-raw")).status).toBe(403);
  });

  it("the generated artifacts program puts pinned jars into the public bucket through the filer, and refuses a jar whose SHA-1 differs", async () => {
    const job = objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith("platform-artifacts-"))!;
    const env = (job.spec as { template: { spec: { containers: Array<{ env: Array<{ name: string; value: string }> }> } } }).template.spec.containers[0].env;
    const artifacts = JSON.parse(env.find((e) => e.name === "ARTIFACTS")!.value) as Array<{ url: string; sha1: string; file: string }>;
    expect(env.find((e) => e.name === "TARGET")!.value).toBe("http://seaweedfs-all-in-one.object-storage.svc:8888/buckets/platform-artifacts/jars/");
    // The two small jars: the 558 MB SDK bundle would only make this slower, not surer.
    const small = artifacts.filter((a) => /commons-pool2|spark-token-provider/.test(a.file));
    expect(small).toHaveLength(2);
    const program = join(work, "platform-artifacts.py");
    writeFileSync(program, (find("ConfigMap", "platform-artifacts-program", "object-storage").data as Record<string, string>)["platform-artifacts.py"]);
    const filer = `http://127.0.0.1:${store.filerAddress.split(":")[1].split(".")[0]}/buckets/platform-artifacts/jars/`;
    const ok = await run("python3", [program], { env: { PATH: process.env.PATH, ARTIFACTS: JSON.stringify(small), TARGET: filer }, reject: false });
    expect(ok.exitCode, ok.stderr).toBe(0);
    const anonymous = new S3Client(store.s3Endpoint);
    for (const artifact of small) {
      const got = await fetch(`${store.s3Endpoint}/platform-artifacts/jars/${artifact.file}`);
      expect(got.status).toBe(200);
      expect(createHash("sha1").update(Buffer.from(await got.arrayBuffer())).digest("hex")).toBe(artifact.sha1);
    }
    expect((await anonymous.getObject("alpha-curated", "hello.txt")).status).toBe(403);

    const tampered = [{ ...small[0], sha1: "0".repeat(40), file: "tampered.jar" }];
    const refused = await run("python3", [program], { env: { PATH: process.env.PATH, ARTIFACTS: JSON.stringify(tampered), TARGET: filer }, reject: false });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain("not the pinned 0000000000000000000000000000000000000000");
    expect((await fetch(`${store.s3Endpoint}/platform-artifacts/jars/tampered.jar`)).status).not.toBe(200);
  });
});

describe("Spark", () => {
  let alphaRun: SparkJobResult;

  it("alpha's generated data job copies its topic into Parquet in its bucket, with its own credentials only", async () => {
    const kafka = await secret("team-alpha", "kafka-credentials");
    const records = Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: i, team: "alpha" }));
    const [produced] = await runKafkaPlan(broker, [{ op: "produce", client: { ...scramClientProperties(kafka["sasl.jaas.config"]) }, topic: "alpha.events", values: records }]);
    expect(produced.ok).toBe(true);
    alphaRun = await runDataJob(await dataJob("alpha"));
    expect(alphaRun.exitCode, alphaRun.stderr.slice(-3000)).toBe(0);
    expect(result(alphaRun)).toMatchObject({ input_rows: 100, output_rows: 100 });
    // Spark used exactly the generated S3A settings, the keys from the environment.
    expect(alphaRun.sparkConf["spark.hadoop.fs.s3a.aws.credentials.provider"]).toBe("software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider");
    const { keys } = await new S3Client(store.s3Endpoint, await s3Keys("alpha")).listObjects("alpha-raw", "events/");
    expect(keys.some((key) => /^events\/part-.+\.parquet$/.test(key)), keys.join(", ")).toBe(true);
  });

  it("delta's generated data job does the same with delta's topic, bucket and credentials", async () => {
    const kafka = await secret("team-delta", "kafka-credentials");
    const records = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: i, team: "delta" }));
    const [produced] = await runKafkaPlan(broker, [{ op: "produce", client: { ...scramClientProperties(kafka["sasl.jaas.config"]) }, topic: "delta.events", values: records }]);
    expect(produced.ok).toBe(true);
    const job = await dataJob("delta");
    expect(job.args.slice(0, 2)).toEqual(["delta.events", "s3a://delta-raw/events/"]);
    const deltaRun = await runDataJob(job);
    expect(deltaRun.exitCode, deltaRun.stderr.slice(-3000)).toBe(0);
    expect(result(deltaRun)).toMatchObject({ input_rows: 40, output_rows: 40 });
  });

  it("is refused by the broker with delta's Kafka user, and by the store with delta's keys", async () => {
    const alpha = await dataJob("alpha");
    const delta = await dataJob("delta");
    const kafkaRefused = await runDataJob(alpha, { env: { KAFKA_SASL_JAAS_CONFIG: delta.driverEnv.KAFKA_SASL_JAAS_CONFIG } });
    expect(kafkaRefused.exitCode).not.toBe(0);
    expect(kafkaRefused.stderr + kafkaRefused.stdout).toMatch(/TopicAuthorizationException|GroupAuthorizationException/);
    const s3Refused = await runDataJob(alpha, { env: { AWS_ACCESS_KEY_ID: delta.driverEnv.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: delta.driverEnv.AWS_SECRET_ACCESS_KEY } });
    expect(s3Refused.exitCode).not.toBe(0);
    expect(s3Refused.stderr + s3Refused.stdout).toMatch(/AccessDeniedException|403/);
  });

  it("is refused when alpha's job, with alpha's own credentials, is pointed at delta's topic or delta's bucket", async () => {
    const alpha = await dataJob("alpha");
    const [, , , groups] = alpha.args;
    const topicRefused = await runDataJob(alpha, { args: ["delta.events", "s3a://alpha-raw/stolen/", "s3a://alpha-raw/_checkpoints/stolen", groups] });
    expect(topicRefused.exitCode).not.toBe(0);
    expect(topicRefused.stderr + topicRefused.stdout).toMatch(/TopicAuthorizationException/);
    const bucketRefused = await runDataJob(alpha, { args: ["alpha.events", "s3a://delta-raw/stolen/", "s3a://delta-raw/_checkpoints/stolen", groups] });
    expect(bucketRefused.exitCode).not.toBe(0);
    expect(bucketRefused.stderr + bucketRefused.stdout).toMatch(/AccessDeniedException|403/);
  });

  it("the History Server, with the generated options and its read-only keys, lists alpha's run; the event log holds no credential", async () => {
    const deployment = find("Deployment", "history-alpha", "spark-history").spec as { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }> }> } } };
    const env = await resolveEnv("spark-history", deployment.template.spec.containers[0].env);
    const historyOpts = env.SPARK_HISTORY_OPTS.replace("http://seaweedfs-all-in-one.object-storage.svc:8333", store.s3Endpoint);
    const server = await startHistoryServer({ historyOpts, env: { AWS_ACCESS_KEY_ID: env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY } });
    try {
      const apps = await waitUntil("the History Server to list alpha's run", async () => {
        const listed = await server.applications();
        return listed.some((a) => a.name.includes("alpha.events")) ? listed : undefined;
      }, { timeoutMs: 120_000, intervalMs: 2_000 });
      expect(apps.filter((a) => a.name.includes("alpha.events")).length).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
    // The event log, fetched with alpha's keys, has neither alpha's Kafka password nor its S3 secret key.
    const alphaKeys = await s3Keys("alpha");
    const client = new S3Client(store.s3Endpoint, alphaKeys);
    // Files only: SeaweedFS lists a folder as a key ending in "/".
    const keys = (await client.listObjects("alpha-eventlog")).keys.filter((key) => !key.endsWith("/"));
    expect(keys.length).toBeGreaterThan(0);
    const dir = join(work, "eventlog");
    for (const key of keys) {
      const file = join(dir, key);
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, (await client.getObject("alpha-eventlog", key)).body);
    }
    // One event log per run of alpha's job (the refused ones too), each a folder of rolled files.
    const runs = [...new Set(keys.map((key) => key.split("/")[0]))];
    expect(runs.length).toBeGreaterThan(0);
    const logs = await Promise.all(runs.map((run) => readEventLog(join(dir, run))));
    const secrets = [(await secret("team-alpha", "kafka-credentials")).password, (await secret("team-delta", "kafka-credentials")).password, alphaKeys.secretAccessKey, (await s3Keys("delta")).secretAccessKey];
    for (const log of logs) {
      expect(log).toContain("SparkListenerApplicationStart");
      for (const value of secrets) expect(log).not.toContain(value);
    }
  });
});

describe("bucket quotas", () => {
  it("the generated quota Job's script, run as written, gives every team bucket its quota; the S3 gateway makes a bucket past it read-only, and writable again once under it", async () => {
    const job = objects.find((o) => o.kind === "Job" && o.metadata.name.startsWith("bucket-quotas-"))!;
    const [container] = (job.spec as { template: { spec: { containers: Array<{ command: string[]; env: Array<{ name: string; value: string }> }> } } }).template.spec.containers;
    expect(container.command.slice(0, 2)).toEqual(["/bin/sh", "-ec"]);
    const ran = await store.runScript(container.command[2], Object.fromEntries(container.env.map((e) => [e.name, e.value])));
    expect(ran.exitCode, ran.stderr).toBe(0);
    const quota = 512 * 1024 ** 2;
    expect(bucketQuotas(await store.shell("s3.bucket.list"))).toEqual({
      "alpha-raw": quota, "alpha-curated": quota, "alpha-eventlog": quota, "delta-raw": quota, "delta-eventlog": quota, "platform-artifacts": 0,
    });

    // The gateway's enforcement (weed/s3api/bucket_size_metrics.go, every minute), shown on a 2 MiB quota set by
    // the Job's own command, so that the test need not write 512 MiB.
    await store.shell("s3.bucket.quota -name=alpha-curated -op=set -sizeMB=2");
    const alpha = new S3Client(store.s3Endpoint, await s3Keys("alpha"));
    expect((await alpha.putObject("alpha-curated", "big", Buffer.alloc(3 * 1024 ** 2, 7))).status).toBe(200);
    const probe = async (status: number) => ((await alpha.putObject("alpha-curated", "probe", "x")).status === status ? true : undefined);
    await waitUntil("the S3 gateway to make alpha-curated read-only", () => probe(403), { timeoutMs: 240_000, intervalMs: 2_000 });
    expect((await alpha.getObject("alpha-curated", "big")).status).toBe(200);
    expect((await alpha.putObject("alpha-raw", "still-writable", "x")).status).toBe(200);
    // Deleting is allowed while read-only; once under its quota the bucket takes writes again.
    expect([200, 204]).toContain((await alpha.deleteObject("alpha-curated", "big")).status);
    await waitUntil("the S3 gateway to make alpha-curated writable again", () => probe(200), { timeoutMs: 240_000, intervalMs: 2_000 });
  }, 10 * 60_000);
});

async function s3Keys(team: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const s = await secret(`team-${team}`, "s3-credentials");
  return { accessKeyId: s.AWS_ACCESS_KEY_ID, secretAccessKey: s.AWS_SECRET_ACCESS_KEY };
}
