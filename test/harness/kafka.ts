// A real Apache Kafka broker for the data-flow suite: Kafka 4.1.1 (the version
// Strimzi 0.50.1 runs by default) from Maven Central, in KRaft combined mode
// (broker and controller in one JVM) on loopback ports chosen at run time,
// with what the generated `Kafka` CR asks of Strimzi: a SCRAM-SHA-512 client
// listener and the standard authorizer with no ACL meaning no access. The
// controller listener uses SASL PLAIN with a static user, because KRaft
// cannot authenticate controllers with SCRAM (its credentials live in the
// metadata log the controller serves). Everything lives in a temporary
// directory that stop() (or the reaper, on any other exit) removes.
//
// Each JVM start costs 4–6 s on this loaded two-core machine, so the broker
// formats its log directory in its own JVM (test/harness/kafka/FormatAndStart.java),
// and admin and client work runs as plans of steps, one JVM per plan
// (test/harness/kafka/KafkaPlan.java); both compiled once into the cache.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../support/paths.js";
import { freePort } from "../support/ports.js";
import { ensureMavenJars, type MavenArtifact } from "./maven.js";
import { cacheDir } from "./paths.js";
import { Daemon, run, waitUntil } from "./process.js";
import { Reaper } from "./reaper.js";
import { requireJava } from "./spark-home.js";

export const KAFKA_VERSION = "4.1.1";

/** The broker (kafka.Kafka, kafka.tools.StorageTool, the clients), and the SLF4J 1.x binding its log4j 2 lacks. */
export const KAFKA_ARTIFACTS: MavenArtifact[] = [
  { group: "org.apache.kafka", artifact: "kafka_2.13", version: KAFKA_VERSION },
  { group: "org.apache.logging.log4j", artifact: "log4j-slf4j-impl", version: "2.24.3" },
];

// KafkaPlan.java (admin and client steps) and FormatAndStart.java (the broker's main).
const JAVA_SOURCES = join(repoRoot, "test/harness/kafka");

export interface KafkaInstallation {
  /** Directory of the broker's jars (classpath `<dir>/*`). */
  jars: string;
  /** Directory of the compiled classes of test/harness/kafka/*.java. */
  classes: string;
  java: string;
}

export interface KafkaOptions {
  /**
   * Broker configuration on top of the harness's, e.g. the generated `Kafka`
   * CR's spec.kafka.config. Keys that Strimzi itself owns (listeners, security,
   * the authorizer, KRaft roles: its KafkaClusterSpec.FORBIDDEN_PREFIXES) are
   * refused, since Strimzi would ignore them and so must the test.
   */
  config?: Record<string, unknown>;
}

export interface KafkaBroker {
  /** host:port of the SASL/SCRAM client listener. */
  readonly bootstrap: string;
  /** Client properties of the super user `admin` (security.protocol, sasl.mechanism, sasl.jaas.config). */
  readonly adminProperties: Readonly<Record<string, string>>;
  readonly installation: KafkaInstallation;
  /** Temporary directory with the log dir, configuration and kafka.log; removed by stop(). */
  readonly workDir: string;
  readonly daemon: Daemon;
  /** Stops the broker and removes workDir. Safe to call twice. */
  stop(): Promise<void>;
}

let installation: Promise<KafkaInstallation> | undefined;

/** Fetches the jars and compiles the plan runner once (cached); the data suite's global setup calls it. */
export function prepareKafka(): Promise<KafkaInstallation> {
  installation ??= prepareOnce();
  installation.catch(() => (installation = undefined));
  return installation;
}

async function prepareOnce(): Promise<KafkaInstallation> {
  const javaHome = await requireJava();
  const java = join(javaHome, "bin/java");
  const jars = await ensureMavenJars("kafka", KAFKA_ARTIFACTS);
  const classes = await compileHarnessClasses(javaHome, jars);
  return { jars, classes, java };
}

/** javac once per set of sources and jars, staged and renamed like the jars. */
async function compileHarnessClasses(javaHome: string, jars: string): Promise<string> {
  const sources = readdirSync(JAVA_SOURCES)
    .filter((file) => file.endsWith(".java"))
    .sort()
    .map((file) => join(JAVA_SOURCES, file));
  const hash = createHash("sha256").update(jars);
  for (const source of sources) hash.update(source).update(readFileSync(source));
  const dir = join(cacheDir, "kafka-harness", hash.digest("hex").slice(0, 16));
  if (existsSync(dir)) return dir;
  const javac = join(javaHome, "bin/javac");
  if (!existsSync(javac)) {
    throw new Error(`javac not found in ${javaHome}: the Kafka harness compiles ${JAVA_SOURCES}/*.java. Install a JDK: \`apt-get install openjdk-17-jdk-headless\` (or set JAVA_HOME).`);
  }
  mkdirSync(join(cacheDir, "kafka-harness"), { recursive: true });
  const staging = `${dir}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const started = Date.now();
  try {
    await run(javac, ["-nowarn", "-d", staging, "-cp", join(jars, "*"), ...sources]);
    try {
      renameSync(staging, dir);
    } catch (error) {
      if (!existsSync(dir)) throw error;
    }
    log(`compiled ${JAVA_SOURCES}/*.java into ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s (once)`);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

/** Keys Strimzi reserves in spec.kafka.config (KafkaClusterSpec.FORBIDDEN_PREFIXES, the ones this broker sets). */
const RESERVED_PREFIXES = [
  "listeners",
  "advertised.",
  "listener.",
  "inter.broker.listener.name",
  "sasl.",
  "ssl.",
  "security.",
  "password.",
  "authorizer.",
  "super.user",
  "node.id",
  "process.roles",
  "controller.",
  "log.dir",
  "metadata.log.dir",
  "broker.",
];

export async function startKafka(options: KafkaOptions = {}): Promise<KafkaBroker> {
  const extra = brokerConfig(options.config ?? {});
  const install = await prepareKafka();
  const workDir = mkdtempSync(join(tmpdir(), "spark-platform-kafka-"));
  const reaper = new Reaper(workDir);
  let daemon: Daemon | undefined;
  const stop = async (): Promise<void> => {
    await daemon?.stop(15_000);
    rmSync(workDir, { recursive: true, force: true });
    reaper.release();
  };

  try {
    const [clientPort, controllerPort] = [await freePort(), await freePort()];
    const bootstrap = `127.0.0.1:${clientPort}`;
    const adminPassword = randomBytes(18).toString("hex");
    const controllerPassword = randomBytes(18).toString("hex");
    const properties: Record<string, string> = {
      "process.roles": "broker,controller",
      "node.id": "1",
      "controller.quorum.voters": `1@127.0.0.1:${controllerPort}`,
      listeners: `CLIENT://${bootstrap},CONTROLLER://127.0.0.1:${controllerPort}`,
      "advertised.listeners": `CLIENT://${bootstrap}`,
      "controller.listener.names": "CONTROLLER",
      "inter.broker.listener.name": "CLIENT",
      "listener.security.protocol.map": "CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
      "sasl.enabled.mechanisms": "SCRAM-SHA-512",
      "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
      "listener.name.client.sasl.enabled.mechanisms": "SCRAM-SHA-512",
      "listener.name.client.scram-sha-512.sasl.jaas.config": scramJaasConfig("admin", adminPassword),
      "sasl.mechanism.controller.protocol": "PLAIN",
      "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
      "listener.name.controller.plain.sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username="controller" password="${controllerPassword}" user_controller="${controllerPassword}";`,
      "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
      // The controller's own principal must pass the authorizer for registration and heartbeats.
      "super.users": "User:admin;User:controller",
      "allow.everyone.if.no.acl.found": "false",
      "log.dirs": join(workDir, "data"),
      "num.partitions": "1",
      "offsets.topic.replication.factor": "1",
      "transaction.state.log.replication.factor": "1",
      "transaction.state.log.min.isr": "1",
      "share.coordinator.state.topic.replication.factor": "1",
      "share.coordinator.state.topic.min.isr": "1",
      "group.initial.rebalance.delay.ms": "0",
      ...extra,
    };
    const serverProperties = join(workDir, "server.properties");
    writeFileSync(serverProperties, propertiesFile(properties), { mode: 0o600 });
    writeFileSync(join(workDir, "log4j2.properties"), log4jConfig("INFO", "SYSTEM_OUT"));
    writeFileSync(join(workDir, "tools-log4j2.properties"), log4jConfig("WARN", "SYSTEM_ERR"));

    const started = Date.now();
    // The admin's SCRAM credential is seeded into the metadata log at format time; the broker authenticates to itself with it.
    daemon = Daemon.start(
      "kafka",
      install.java,
      [
        "-Xms512m",
        "-Xmx512m",
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        `-Dlog4j2.configurationFile=${join(workDir, "log4j2.properties")}`,
        "-cp",
        `${install.classes}:${join(install.jars, "*")}`,
        "FormatAndStart",
        serverProperties,
        clusterId(),
      ],
      join(workDir, "kafka.log"),
      { ...process.env, KAFKA_HARNESS_ADD_SCRAM: `SCRAM-SHA-512=[name=admin,password=${adminPassword}]` },
    );
    reaper.track(daemon.pid);
    const broker = daemon;
    await waitUntil("the Kafka broker to start", async () => (/Kafka Server started/.test(readLog(broker.logFile)) ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 200,
      daemon: broker,
    });
    log(`Kafka ${KAFKA_VERSION} broker on ${bootstrap} (KRaft, SASL/SCRAM-SHA-512, ACLs) in ${((Date.now() - started) / 1000).toFixed(1)} s (format included)`);

    return {
      bootstrap,
      adminProperties: scramClientProperties(scramJaasConfig("admin", adminPassword)),
      installation: install,
      workDir,
      daemon: broker,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The JAAS line a SCRAM client logs in with: what Strimzi's User Operator writes as `sasl.jaas.config`. */
export function scramJaasConfig(username: string, password: string): string {
  return `org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`;
}

/** Client properties for the broker's SCRAM listener. */
export function scramClientProperties(saslJaasConfig: string): Record<string, string> {
  return { "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "SCRAM-SHA-512", "sasl.jaas.config": saslJaasConfig };
}

export interface KafkaAcl {
  resourceType: "TOPIC" | "GROUP" | "CLUSTER" | "TRANSACTIONAL_ID";
  name: string;
  patternType: "LITERAL" | "PREFIXED";
  /** Kafka's AclOperation name, e.g. READ, DESCRIBE_CONFIGS. */
  operation: string;
  permission: "ALLOW" | "DENY";
  host: string;
}

/** One operation of a plan; see test/harness/kafka/KafkaPlan.java. */
export type KafkaStep =
  | { op: "ensureTopic"; name: string; partitions?: number; replicas?: number; config: Record<string, string> }
  | { op: "upsertScram"; user: string; password: string; iterations: number }
  | { op: "syncAcls"; principal: string; acls: KafkaAcl[] }
  | { op: "syncQuotas"; user: string; quotas: Record<string, number> }
  | { op: "describeTopic"; name: string }
  | { op: "describeAcls"; principal: string }
  | { op: "describeQuotas"; user: string }
  | { op: "produce"; client: Record<string, string>; topic: string; values: string[] }
  /** Without `group`, reads every partition from the start and commits nothing (no group ACL needed). */
  | { op: "consume"; client: Record<string, string>; topic: string; group?: string; count: number; timeoutMs?: number };

/** A step's outcome: `ok` with what it read, or the Java exception that refused it. */
export type KafkaStepResult = { ok: true; [key: string]: unknown } | { ok: false; error: string; message: string };

/**
 * Runs the steps in order in one JVM, admin steps as the super user. A failed
 * step does not stop the plan; its result names the exception.
 */
export async function runKafkaPlan(broker: KafkaBroker, steps: KafkaStep[]): Promise<KafkaStepResult[]> {
  const { java, jars, classes } = broker.installation;
  const input = JSON.stringify({ bootstrap: broker.bootstrap, admin: broker.adminProperties, steps });
  const result = await run(java, [...shortLivedJvm(broker.workDir), "-cp", `${classes}:${join(jars, "*")}`, "KafkaPlan"], { input, reject: false });
  const last = result.stdout.trim().split("\n").pop() ?? "";
  let parsed: { results?: KafkaStepResult[] };
  try {
    parsed = JSON.parse(last) as { results?: KafkaStepResult[] };
  } catch {
    throw new Error(`KafkaPlan exited ${result.exitCode} without a result:\n${result.stderr.trim().split("\n").slice(-30).join("\n")}`);
  }
  if (!parsed.results || parsed.results.length !== steps.length) throw new Error(`KafkaPlan returned ${parsed.results?.length ?? 0} results for ${steps.length} steps`);
  return parsed.results;
}

/** Tools and plans: small heap, C1 only (they run for seconds; the JIT's second tier would only compete for the two cores). */
function shortLivedJvm(workDir: string): string[] {
  return ["-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", `-Dlog4j2.configurationFile=${join(workDir, "tools-log4j2.properties")}`];
}

function brokerConfig(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    const reserved = RESERVED_PREFIXES.find((prefix) => key.startsWith(prefix));
    if (reserved) {
      throw new Error(`Kafka config key "${key}": Strimzi owns "${reserved}*" (listeners, security, authorizer, KRaft roles) and ignores it in spec.kafka.config; set it through the Kafka CR's own fields`);
    }
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new Error(`Kafka config key "${key}" has a ${value === null ? "null" : typeof value} value; broker settings are strings, numbers or booleans`);
    }
    out[key] = String(value);
  }
  return out;
}

/** A cluster id as StorageTool random-uuid makes it (16 random bytes, base64url), without starting a JVM for it. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    // Kafka's Uuid never renders with a leading '-' (it would read as a command-line flag).
    if (!id.startsWith("-")) return id;
  }
}

function propertiesFile(properties: Record<string, string>): string {
  // Values are written as they are: none of ours has a backslash or a line break.
  return Object.entries(properties).map(([key, value]) => `${key}=${value}`).join("\n") + "\n";
}

function log4jConfig(level: string, target: string): string {
  return [
    "appender.console.type = Console",
    "appender.console.name = console",
    `appender.console.target = ${target}`,
    "appender.console.layout.type = PatternLayout",
    "appender.console.layout.pattern = [%d] %p %m (%c)%n",
    `rootLogger.level = ${level}`,
    "rootLogger.appenderRef.console.ref = console",
    "",
  ].join("\n");
}

function readLog(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function log(message: string): void {
  process.stderr.write(`[harness] ${message}\n`);
}
