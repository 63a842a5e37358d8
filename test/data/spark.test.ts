// Real Spark on its own (no broker, no S3 server): the jars of
// src/model/spark-artifacts.ts fit the Spark distribution the jobs run on and
// are the ones Maven Central publishes; a PySpark job in local mode writes
// Parquet and an event log; Spark's History Server lists that application; and
// neither the event log nor the History Server shows a secret the job was given.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  S3A_CREDENTIALS_PROVIDER,
  SPARK_ARTIFACTS_SPARK_VERSION,
  SPARK_BUNDLED_HADOOP_VERSION,
  SPARK_JARS,
  s3aSparkConf,
  sparkJarFileName,
  sparkJarFileNames,
} from "../../src/model/spark-artifacts.js";
import { SPARK_VERSION } from "../../src/synth/platform/examples.js";
import { readEventLog, startHistoryServer, type HistoryServer } from "../harness/history-server.js";
import { run } from "../harness/process.js";
import { harnessSparkConf, prepareSparkData, runSparkJob, sha1Of, type PySpark, type SparkJobResult } from "../harness/pyspark.js";
import { repoRoot } from "../support/paths.js";

let spark: PySpark;
let workDir: string;

beforeAll(async () => {
  spark = await prepareSparkData();
  workDir = mkdtempSync(join(tmpdir(), "spark-platform-spark-test-"));
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("the Spark jars table", () => {
  it("belongs to the Spark version of the examples, which is the one installed", () => {
    expect(SPARK_ARTIFACTS_SPARK_VERSION).toBe(SPARK_VERSION);
    expect(readdirSync(join(spark.sparkHome, "jars"))).toContain(`spark-core_2.13-${SPARK_ARTIFACTS_SPARK_VERSION}.jar`);
  });

  it("pins hadoop-aws at exactly the Hadoop that the distribution bundles", () => {
    const bundled = readdirSync(join(spark.sparkHome, "jars"))
      .map((file) => /^hadoop-client-api-(.+)\.jar$/.exec(file)?.[1])
      .filter((version): version is string => version !== undefined);
    expect(bundled).toEqual([SPARK_BUNDLED_HADOOP_VERSION]);
    expect(SPARK_JARS.find((jar) => jar.artifact === "hadoop-aws")?.version).toBe(bundled[0]);
  });

  it("adds only jars the distribution lacks, for its Scala version", () => {
    const distribution = readdirSync(join(spark.sparkHome, "jars"));
    expect(distribution).toContain(`scala-library-${scalaLibraryVersion(distribution)}.jar`);
    for (const jar of SPARK_JARS) {
      expect(distribution.filter((file) => file.startsWith(`${jar.artifact}-`)), jar.artifact).toEqual([]);
      if (jar.artifact.includes("_2.")) expect(jar.artifact.endsWith(`_${scalaLibraryVersion(distribution).split(".").slice(0, 2).join(".")}`)).toBe(true);
    }
  });

  it("is what the harness fetched from Maven Central, byte for byte (SHA-1)", async () => {
    expect(readdirSync(spark.jarsDir).sort()).toEqual(sparkJarFileNames().sort());
    for (const jar of SPARK_JARS) expect(await sha1Of(join(spark.jarsDir, sparkJarFileName(jar))), sparkJarFileName(jar)).toBe(jar.sha1);
  });
});

describe("kafka_to_parquet.py", () => {
  const script = join(repoRoot, "programs/kafka_to_parquet.py");

  it("refuses to start without the Kafka credentials in its environment", async () => {
    const result = await run(spark.python, [script, "alpha.events", "s3a://alpha-raw/events/", "s3a://alpha-raw/_checkpoints/events", "alpha.spark"], {
      env: { PATH: process.env.PATH, KAFKA_BOOTSTRAP_SERVERS: "127.0.0.1:9092" },
      reject: false,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("KAFKA_SASL_JAAS_CONFIG is not set");
  });

  it("takes topic, output, checkpoint and group id prefix as its arguments", async () => {
    const result = await run(spark.python, [script, "--help"], { env: { PATH: process.env.PATH } });
    expect(result.stdout).toMatch(/usage: .*topic output checkpoint group_id_prefix/s);
  });
});

describe("a PySpark job in local mode, and the History Server", () => {
  // Test values only: what the job must never write into its event log.
  const kafkaPassword = "jaas-password-6f1c2b9e";
  const s3Secret = "s3-secret-0d4a77c3";
  const jaas = `org.apache.kafka.common.security.scram.ScramLoginModule required username="alpha" password="${kafkaPassword}";`;
  let eventLogDir: string;
  let output: string;
  let job: SparkJobResult;
  let result: { app_id: string; rows: number; providers: string[]; access_key: string; jaas_length: number };
  let history: HistoryServer | undefined;

  beforeAll(async () => {
    eventLogDir = join(workDir, "event-log");
    output = join(workDir, "out", "events");
    await run("mkdir", ["-p", eventLogDir]);
    const probe = join(workDir, "probe.py");
    writeFileSync(probe, PROBE);
    job = await runSparkJob({
      script: probe,
      args: [`file://${output}`],
      sparkConf: {
        ...s3aSparkConf("http://127.0.0.1:9"),
        "spark.eventLog.enabled": "true",
        "spark.eventLog.dir": `file://${eventLogDir}`,
      },
      env: { AWS_ACCESS_KEY_ID: "alpha-key", AWS_SECRET_ACCESS_KEY: s3Secret, KAFKA_SASL_JAAS_CONFIG: jaas },
    });
    const line = job.stdout.split("\n").find((text) => text.startsWith("probe "));
    if (job.exitCode !== 0 || !line) throw new Error(`the probe job failed (exit ${job.exitCode}):\n${job.stderr.slice(-4000)}`);
    result = JSON.parse(line.slice("probe ".length));
    process.stderr.write(`[spark.test] probe job: ${Math.round(job.ms / 1000)} s\n`);
  });

  afterAll(async () => {
    await history?.stop();
  });

  it("ran with the given Spark properties, changed only where local mode needs it", () => {
    expect(job.sparkConf).toEqual({
      ...s3aSparkConf("http://127.0.0.1:9"),
      "spark.eventLog.enabled": "true",
      "spark.eventLog.dir": `file://${eventLogDir}`,
      ...harnessSparkConf(spark.jars),
    });
  });

  it("writes Parquet and reads it back", () => {
    expect(result.rows).toBe(100);
    expect(readdirSync(output).some((file) => file.endsWith(".parquet"))).toBe(true);
  });

  it("gets S3A with the AWS SDK v2 environment credentials provider, reading the keys from the environment", () => {
    // Exactly the platform's provider: S3A's default chain would also try configuration keys and the instance role.
    expect(result.providers).toEqual([S3A_CREDENTIALS_PROVIDER]);
    expect(result.access_key).toBe("alpha-key");
    expect(result.jaas_length).toBe(jaas.length);
  });

  it("writes an event log of the application that holds no secret it was given", async () => {
    // Spark 4.0 rolls event logs by default (spark.eventLog.rolling.enabled): a directory per application.
    expect(readdirSync(eventLogDir)).toEqual([`eventlog_v2_${result.app_id}`]);
    const text = await readEventLog(join(eventLogDir, `eventlog_v2_${result.app_id}`));
    expect(text).toContain('"Event":"SparkListenerApplicationEnd"');
    // The JAAS line went into a data source option; the plans the event log records show it redacted, because
    // its value matches spark.redaction.regex's default ((?i)secret|password|token|access[.]key) at "password=".
    expect(text).toContain("kafka.sasl.jaas.config=*********(redacted)");
    expect(text).not.toContain(kafkaPassword);
    expect(text).not.toContain(s3Secret);
  });

  it("is listed by Spark's History Server reading that directory, and shown without secrets", async () => {
    history = await startHistoryServer({
      historyOpts: [
        `-Dspark.history.fs.logDirectory=file://${eventLogDir}`,
        "-Dspark.history.fs.update.interval=1s",
        ...Object.entries(s3aSparkConf("http://127.0.0.1:9")).map(([key, value]) => `-D${key}=${value}`),
      ].join(" "),
    });
    const server = history;
    const listed = await waitFor(async () => (await server.applications()).find((app) => app.id === result.app_id));
    expect(listed.name).toBe("probe");
    expect(listed.attempts[0].completed).toBe(true);
    expect(listed.attempts[0].appSparkVersion).toBe(SPARK_ARTIFACTS_SPARK_VERSION);
    const environment = JSON.stringify(await server.get(`applications/${result.app_id}/environment`));
    expect(environment).toContain("spark.eventLog.dir");
    expect(environment).not.toContain(kafkaPassword);
    expect(environment).not.toContain(s3Secret);
  });
});

function scalaLibraryVersion(jars: readonly string[]): string {
  const version = jars.map((file) => /^scala-library-(.+)\.jar$/.exec(file)?.[1]).find(Boolean);
  if (!version) throw new Error("the distribution has no scala-library jar");
  return version;
}

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not found within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

// Writes 100 rows as Parquet with the JAAS line as a data source option (as
// kafka_to_parquet passes it to the Kafka source), reads them back, and opens
// S3A with the job's properties (no request is sent: S3A 3.4 probes no bucket
// by default) to show which credential providers it built and what they resolve.
const PROBE = `
import json, os, sys
from pyspark.sql import SparkSession

output = sys.argv[1]
spark = SparkSession.builder.appName("probe").getOrCreate()
jaas = os.environ["KAFKA_SASL_JAAS_CONFIG"]
spark.range(100).write.format("parquet").option("kafka.sasl.jaas.config", jaas).mode("overwrite").save(output)
rows = spark.read.format("parquet").option("kafka.sasl.jaas.config", jaas).load(output).count()

jvm = spark.sparkContext._jvm
conf = spark.sparkContext._jsc.hadoopConfiguration()
s3a = jvm.org.apache.hadoop.fs.FileSystem.get(jvm.java.net.URI("s3a://alpha-raw/"), conf)
credentials = s3a.getS3AInternals().shareCredentials("probe")
result = {
    "app_id": spark.sparkContext.applicationId,
    "rows": rows,
    "providers": [provider.getClass().getName() for provider in credentials.getProviders()],
    "access_key": credentials.resolveCredentials().accessKeyId(),
    "jaas_length": len(jaas),
}
print("probe " + json.dumps(result), flush=True)
spark.stop()
`;
