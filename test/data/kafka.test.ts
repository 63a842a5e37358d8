// The Kafka link of the data flow with the real broker (Kafka 4.1.1 from Maven
// Central, KRaft, SASL/SCRAM-SHA-512, the standard authorizer): two teams'
// KafkaTopic and KafkaUser objects, made real by the Strimzi emulator, give
// each team its own topic and consumer groups and nothing of the other's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKafkaPlan, scramClientProperties, startKafka, type KafkaBroker, type KafkaStep, type KafkaStepResult } from "../harness/kafka.js";
import { applyStrimzi, type StrimziApplied } from "../harness/strimzi-emulator.js";
import { KAFKA_BROKER_CONFIG } from "../../src/components/kafka.js";

// spec.kafka.config of the platform's `Kafka` CR, as the compiler writes it.
const KAFKA_CONFIG = KAFKA_BROKER_CONFIG;

const labels = (team: string): Record<string, string> => ({ "strimzi.io/cluster": "platform", "spark-platform.io/team": team });

/** A team's KafkaTopic and KafkaUser, as the platform generates them into namespace kafka. */
function teamObjects(team: string): object[] {
  return [
    {
      apiVersion: "kafka.strimzi.io/v1",
      kind: "KafkaTopic",
      metadata: { name: `${team}.events`, namespace: "kafka", labels: labels(team) },
      spec: { partitions: 3, replicas: 1, config: { "retention.ms": 604800000, "retention.bytes": 268435456 } },
    },
    {
      apiVersion: "kafka.strimzi.io/v1",
      kind: "KafkaUser",
      metadata: { name: `team-${team}`, namespace: "kafka", labels: labels(team) },
      spec: {
        authentication: { type: "scram-sha-512" },
        authorization: {
          type: "simple",
          acls: [
            { type: "allow", resource: { type: "topic", name: `${team}.`, patternType: "prefix" }, operations: ["Read", "Write", "Describe", "DescribeConfigs"] },
            { type: "allow", resource: { type: "group", name: `${team}.`, patternType: "prefix" }, operations: ["Read", "Describe"] },
          ],
        },
        quotas: { producerByteRate: 1048576, consumerByteRate: 2097152 },
        template: { secret: { metadata: { labels: { "spark-platform.io/team": team } } } },
      },
    },
  ];
}

/** A step's result after asserting that it succeeded (with the exception in the failure message otherwise). */
function succeeded<T>(result: KafkaStepResult | undefined): T {
  expect(result).toMatchObject({ ok: true });
  return result as unknown as T;
}

const KAFKA_OBJECT = { apiVersion: "kafka.strimzi.io/v1", kind: "Kafka", metadata: { name: "platform", namespace: "kafka" }, spec: { kafka: { config: KAFKA_CONFIG } } };
const RECORDS = Array.from({ length: 20 }, (_, i) => JSON.stringify({ id: i, team: "alpha" }));

describe("Kafka: each team's topic and groups, and nothing of another team's", () => {
  let broker: KafkaBroker;
  let applied: StrimziApplied;
  // One JVM for every read-back and client check: each JVM start costs seconds here.
  let checks: Record<string, KafkaStepResult>;

  beforeAll(async () => {
    broker = await startKafka({ config: KAFKA_OBJECT.spec.kafka.config });
    applied = await applyStrimzi(broker, [KAFKA_OBJECT, ...teamObjects("alpha"), ...teamObjects("beta")]);
    const alpha = scramClientProperties(applied.users["team-alpha"]!.saslJaasConfig);
    const beta = scramClientProperties(applied.users["team-beta"]!.saslJaasConfig);
    const plan: Record<string, KafkaStep> = {
      alphaTopic: { op: "describeTopic", name: "alpha.events" },
      alphaAcls: { op: "describeAcls", principal: "User:team-alpha" },
      alphaQuotas: { op: "describeQuotas", user: "team-alpha" },
      alphaProduces: { op: "produce", client: alpha, topic: "alpha.events", values: RECORDS },
      alphaConsumes: { op: "consume", client: alpha, topic: "alpha.events", group: "alpha.spark-x", count: RECORDS.length, timeoutMs: 60_000 },
      betaProducesOwn: { op: "produce", client: beta, topic: "beta.events", values: ["b"] },
      betaConsumesOwn: { op: "consume", client: beta, topic: "beta.events", group: "beta.spark-x", count: 1, timeoutMs: 60_000 },
      betaProducesToAlpha: { op: "produce", client: beta, topic: "alpha.events", values: ["intruder"] },
      betaConsumesAlpha: { op: "consume", client: beta, topic: "alpha.events", group: "beta.spark-x", count: 1, timeoutMs: 20_000 },
      betaUsesAlphaGroup: { op: "consume", client: beta, topic: "beta.events", group: "alpha.spark-x", count: 1, timeoutMs: 20_000 },
      alphaUsesUnprefixedGroup: { op: "consume", client: alpha, topic: "alpha.events", group: "spark-x", count: 1, timeoutMs: 20_000 },
      alphaUsesBetaGroup: { op: "consume", client: alpha, topic: "alpha.events", group: "beta.spark-x", count: 1, timeoutMs: 20_000 },
    };
    const results = await runKafkaPlan(broker, Object.values(plan));
    checks = Object.fromEntries(Object.keys(plan).map((key, index) => [key, results[index]!]));
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it("creates the topic with the KafkaTopic's partitions, replicas and retention", () => {
    expect(checks.alphaTopic).toMatchObject({
      ok: true,
      partitions: 3,
      replicationFactor: 1,
      config: { "retention.ms": "604800000", "retention.bytes": "268435456" },
    });
  });

  it("gives the user a generated password and the Secret the User Operator writes", () => {
    const user = applied.users["team-alpha"]!;
    expect(user.username).toBe("team-alpha");
    expect(user.password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(applied.users["team-beta"]!.password).not.toBe(user.password);
    expect(user.saslJaasConfig).toBe(`org.apache.kafka.common.security.scram.ScramLoginModule required username="team-alpha" password="${user.password}";`);
    const decoded = Object.fromEntries(Object.entries(user.secret.data).map(([key, value]) => [key, Buffer.from(value, "base64").toString("utf8")]));
    expect(decoded).toEqual({ password: user.password, "sasl.jaas.config": user.saslJaasConfig });
    expect(user.secret.metadata).toMatchObject({ name: "team-alpha", namespace: "kafka", labels: { "spark-platform.io/team": "alpha", "strimzi.io/cluster": "platform" } });
  });

  it("grants exactly the KafkaUser's ACLs, prefixes as PREFIXED patterns", () => {
    const acls = succeeded<{ acls: Record<string, string>[] }>(checks.alphaAcls)
      .acls
      .map(({ resourceType, name, patternType, operation, permission, host }) => `${permission} ${operation} ${resourceType}:${patternType}:${name} from ${host}`)
      .sort();
    expect(acls).toEqual([
      "ALLOW DESCRIBE GROUP:PREFIXED:alpha. from *",
      "ALLOW DESCRIBE TOPIC:PREFIXED:alpha. from *",
      "ALLOW DESCRIBE_CONFIGS TOPIC:PREFIXED:alpha. from *",
      "ALLOW READ GROUP:PREFIXED:alpha. from *",
      "ALLOW READ TOPIC:PREFIXED:alpha. from *",
      "ALLOW WRITE TOPIC:PREFIXED:alpha. from *",
    ]);
  });

  it("sets the user's produce and consume quotas", () => {
    expect(checks.alphaQuotas).toEqual({ ok: true, quotas: { producer_byte_rate: 1048576, consumer_byte_rate: 2097152 } });
  });

  it("lets a team produce to its topic and consume it in its own consumer group", () => {
    expect(checks.alphaProduces).toEqual({ ok: true, produced: RECORDS.length });
    expect([...succeeded<{ values: string[] }>(checks.alphaConsumes).values].sort()).toEqual([...RECORDS].sort());
    // The other team works on its own topic: its refusals below are the ACLs, not a broken user.
    expect(checks.betaProducesOwn).toEqual({ ok: true, produced: 1 });
    expect(checks.betaConsumesOwn).toEqual({ ok: true, values: ["b"] });
  });

  it("refuses another team's topic", () => {
    expect(checks.betaProducesToAlpha).toMatchObject({ ok: false, error: "org.apache.kafka.common.errors.TopicAuthorizationException" });
    expect(checks.betaConsumesAlpha).toMatchObject({ ok: false, error: "org.apache.kafka.common.errors.TopicAuthorizationException" });
  });

  it("refuses consumer groups outside the team's prefix", () => {
    for (const check of [checks.betaUsesAlphaGroup, checks.alphaUsesUnprefixedGroup, checks.alphaUsesBetaGroup]) {
      expect(check).toMatchObject({ ok: false, error: "org.apache.kafka.common.errors.GroupAuthorizationException" });
    }
  });

  it("refuses spec fields it does not implement instead of ignoring them", async () => {
    const [topic, user] = teamObjects("gamma") as [Record<string, any>, Record<string, any>];
    const withUser = (spec: object): object[] => [{ ...user, spec: { ...user.spec, ...spec } }];
    await expect(applyStrimzi(broker, withUser({ authentication: { type: "scram-sha-512", password: { valueFrom: { secretKeyRef: { name: "p", key: "k" } } } } }))).rejects.toThrow(
      /KafkaUser team-gamma: spec\.authentication\.password is not implemented/,
    );
    await expect(applyStrimzi(broker, withUser({ authentication: { type: "tls" } }))).rejects.toThrow(/spec\.authentication\.type tls is not implemented/);
    await expect(applyStrimzi(broker, withUser({ quotas: { producerByteRate: 1, somethingNew: 2 } }))).rejects.toThrow(/spec\.quotas\.somethingNew is not implemented/);
    await expect(applyStrimzi(broker, [{ ...topic, spec: { ...topic.spec, replicas: 1, unknownField: true } }])).rejects.toThrow(
      /KafkaTopic gamma\.events: spec\.unknownField is not implemented/,
    );
    // An object the real operators would never see is refused too.
    await expect(applyStrimzi(broker, [{ ...topic, metadata: { name: "gamma.events", namespace: "kafka" } }])).rejects.toThrow(/no strimzi\.io\/cluster label/);
  });

  it("reconciles a changed KafkaUser as the User Operator does: exactly its new ACLs and quotas, its Secret's password kept", async () => {
    const [, user] = teamObjects("beta") as [unknown, Record<string, any>];
    const changed = {
      ...user,
      spec: {
        ...user.spec,
        authorization: { type: "simple", acls: [{ resource: { type: "topic", name: "beta.events" }, operations: ["Read"] }] },
        quotas: { producerByteRate: 4096 },
      },
    };
    const beta = applied.users["team-beta"]!;
    const reapplied = await applyStrimzi(broker, [KAFKA_OBJECT, changed], { existingPasswords: { "team-beta": beta.password } });
    expect(reapplied.users["team-beta"]!.saslJaasConfig).toBe(beta.saslJaasConfig);
    const [acls, quotas, consumed, gamma] = await runKafkaPlan(broker, [
      { op: "describeAcls", principal: "User:team-beta" },
      { op: "describeQuotas", user: "team-beta" },
      // Reading by partition assignment needs no group: the literal Read on the topic is what this checks.
      { op: "consume", client: scramClientProperties(beta.saslJaasConfig), topic: "beta.events", count: 1, timeoutMs: 30_000 },
      // Nothing of the refused gamma objects above reached the broker.
      { op: "describeTopic", name: "gamma.events" },
    ]);
    expect(succeeded<{ acls: unknown[] }>(acls).acls).toEqual([
      { resourceType: "TOPIC", name: "beta.events", patternType: "LITERAL", operation: "READ", permission: "ALLOW", host: "*" },
    ]);
    expect(quotas).toEqual({ ok: true, quotas: { producer_byte_rate: 4096 } });
    expect(consumed).toEqual({ ok: true, values: ["b"] });
    expect(gamma).toMatchObject({ ok: false, error: "org.apache.kafka.common.errors.UnknownTopicOrPartitionException" });
  });
});
