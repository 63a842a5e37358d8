// Plays Strimzi's Topic and User Operators against the harness's real Kafka
// broker. Their operators ship only as container images (quay.io/strimzi/operator,
// Java), which nothing here can pull or run, so this module does what they do
// with the generated KafkaTopic and KafkaUser objects, through the same Kafka
// Admin API: a topic with its partitions, replicas and config; a user's
// SCRAM-SHA-512 credential with a generated password; exactly the user's ACLs;
// its quotas on the user entity; and the data of the Secret the User Operator
// writes. A spec field this module does not implement is refused, never
// ignored, so a test cannot pass on something the emulator silently dropped.
import { randomInt } from "node:crypto";
import { runKafkaPlan, scramJaasConfig, type KafkaAcl, type KafkaBroker, type KafkaStep } from "./kafka.js";

export const STRIMZI_API_VERSION = "kafka.strimzi.io/v1";

/** What the User Operator creates for a KafkaUser with SCRAM-SHA-512 authentication. */
export interface StrimziUserCredentials {
  /** The Kafka user name: the KafkaUser's metadata.name (principal `User:<name>`). */
  username: string;
  password: string;
  /** Exactly the Secret's `sasl.jaas.config`. */
  saslJaasConfig: string;
  /** The Secret the User Operator writes next to the KafkaUser (named after it, keys `password` and `sasl.jaas.config`). */
  secret: UserSecret;
}

export interface UserSecret {
  apiVersion: "v1";
  kind: "Secret";
  metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations?: Record<string, string> };
  type: "Opaque";
  /** Base64, as in a Secret's `data`. */
  data: { password: string; "sasl.jaas.config": string };
}

export interface StrimziApplied {
  /** Kafka topic names, in the order of the objects. */
  topics: string[];
  /** By KafkaUser name. */
  users: Record<string, StrimziUserCredentials>;
}

export interface StrimziEmulatorOptions {
  /**
   * The Kafka cluster the operators belong to: objects must carry
   * `strimzi.io/cluster: <cluster>` (the operators skip any other). Defaults
   * to the `Kafka` object's name when the objects include one.
   */
  cluster?: string;
  /** Passwords of users whose Secret already exists: the User Operator keeps a Secret's password. */
  existingPasswords?: Record<string, string>;
}

// The User Operator's SCRAM credentials (ScramCredentialsOperator).
const SCRAM_ITERATIONS = 4096;
// The User Operator's PasswordGenerator: 32 characters, letters and digits.
const PASSWORD_LENGTH = 32;
const PASSWORD_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

const ACL_RESOURCE_TYPES: Record<string, KafkaAcl["resourceType"]> = {
  topic: "TOPIC",
  group: "GROUP",
  cluster: "CLUSTER",
  transactionalId: "TRANSACTIONAL_ID",
};
const ACL_OPERATIONS: Record<string, string> = {
  Read: "READ",
  Write: "WRITE",
  Create: "CREATE",
  Delete: "DELETE",
  Alter: "ALTER",
  Describe: "DESCRIBE",
  ClusterAction: "CLUSTER_ACTION",
  AlterConfigs: "ALTER_CONFIGS",
  DescribeConfigs: "DESCRIBE_CONFIGS",
  IdempotentWrite: "IDEMPOTENT_WRITE",
  All: "ALL",
};
// KafkaUserQuotas → Kafka's client quota keys.
const QUOTAS: Record<string, string> = {
  producerByteRate: "producer_byte_rate",
  consumerByteRate: "consumer_byte_rate",
  requestPercentage: "request_percentage",
  controllerMutationRate: "controller_mutation_rate",
};

interface KubeObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; labels?: Record<string, string> };
  spec?: unknown;
}

/**
 * Makes the broker match the KafkaTopic and KafkaUser objects among `objects`
 * (one admin JVM for all of them). The Cluster Operator's `Kafka` and
 * `KafkaNodePool` are skipped (startKafka takes spec.kafka.config), and
 * objects of other API groups are not the operators' business.
 */
export async function applyStrimzi(broker: KafkaBroker, objects: readonly unknown[], options: StrimziEmulatorOptions = {}): Promise<StrimziApplied> {
  const strimzi = (objects as KubeObject[]).filter((object) => typeof object.apiVersion === "string" && object.apiVersion.startsWith("kafka.strimzi.io/"));
  const kafka = strimzi.find((object) => object.kind === "Kafka");
  const cluster = options.cluster ?? (typeof kafka?.metadata?.name === "string" ? kafka.metadata.name : undefined);
  const steps: KafkaStep[] = [];
  const applied: StrimziApplied = { topics: [], users: {} };

  for (const object of strimzi) {
    const where = `${String(object.kind)} ${String(object.metadata?.name)}`;
    if (object.apiVersion !== STRIMZI_API_VERSION) throw new Error(`${where}: apiVersion ${String(object.apiVersion)}; the emulator implements ${STRIMZI_API_VERSION}`);
    if (object.kind === "Kafka" || object.kind === "KafkaNodePool") continue;
    if (object.kind !== "KafkaTopic" && object.kind !== "KafkaUser") {
      throw new Error(`${where}: kind ${String(object.kind)} is not implemented by the emulator (it plays the Topic and User Operators only)`);
    }
    const name = object.metadata?.name;
    if (typeof name !== "string" || name === "") throw new Error(`${object.kind} without metadata.name`);
    const label = object.metadata?.labels?.["strimzi.io/cluster"];
    if (label === undefined) throw new Error(`${where}: no strimzi.io/cluster label; Strimzi's operators would never see it`);
    if (cluster !== undefined && label !== cluster) throw new Error(`${where}: strimzi.io/cluster is "${label}", but the operators belong to Kafka cluster "${cluster}"`);
    if (kafka && object.metadata?.namespace !== kafka.metadata?.namespace) {
      throw new Error(`${where}: in namespace ${String(object.metadata?.namespace)}, but the operators watch the Kafka's namespace ${String(kafka.metadata?.namespace)}`);
    }
    if (object.kind === "KafkaTopic") {
      const step = topicStep(where, name, object.spec);
      steps.push(step);
      applied.topics.push(step.name);
    } else {
      const user = userSteps(where, name, object, options.existingPasswords?.[name]);
      steps.push(...user.steps);
      applied.users[name] = user.credentials;
    }
  }
  if (steps.length === 0) return applied;

  const started = Date.now();
  const results = await runKafkaPlan(broker, steps);
  results.forEach((result, index) => {
    if (!result.ok) {
      const step = steps[index]!;
      const subject = "name" in step ? step.name : "user" in step ? step.user : "principal" in step ? step.principal : step.op;
      throw new Error(`Strimzi emulator: ${step.op} ${subject} was refused by the broker: ${result.error}: ${result.message}`);
    }
  });
  const took = ((Date.now() - started) / 1000).toFixed(1);
  process.stderr.write(`[harness] Strimzi emulator: ${applied.topics.length} KafkaTopics, ${Object.keys(applied.users).length} KafkaUsers applied to the broker in ${took} s\n`);
  return applied;
}

// --- Topic Operator ------------------------------------------------------------

function topicStep(where: string, name: string, spec: unknown): Extract<KafkaStep, { op: "ensureTopic" }> {
  const fields = record(where, "spec", spec ?? {});
  only(where, "spec", fields, ["topicName", "partitions", "replicas", "config"]);
  const topicName = fields.topicName === undefined ? name : string(where, "spec.topicName", fields.topicName);
  const partitions = optionalInteger(where, "spec.partitions", fields.partitions, 1);
  const replicas = optionalInteger(where, "spec.replicas", fields.replicas, 1);
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(record(where, "spec.config", fields.config ?? {}))) {
    // Strimzi also takes lists of strings here; the platform generates none, so they are not implemented.
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new Error(`${where}: spec.config.${key} is ${Array.isArray(value) ? "a list" : typeof value}; the emulator implements strings, numbers and booleans`);
    }
    config[key] = String(value);
  }
  return { op: "ensureTopic", name: topicName, ...(partitions === undefined ? {} : { partitions }), ...(replicas === undefined ? {} : { replicas }), config };
}

// --- User Operator -------------------------------------------------------------

function userSteps(where: string, name: string, object: KubeObject, existingPassword: string | undefined): { steps: KafkaStep[]; credentials: StrimziUserCredentials } {
  const spec = record(where, "spec", object.spec ?? {});
  only(where, "spec", spec, ["authentication", "authorization", "quotas", "template"]);
  const principal = `User:${name}`;

  // Authentication: SCRAM-SHA-512 with a generated password (spec.authentication.password, a given one, is not implemented).
  const authentication = record(where, "spec.authentication", spec.authentication);
  only(where, "spec.authentication", authentication, ["type"]);
  if (authentication.type !== "scram-sha-512") {
    throw new Error(`${where}: spec.authentication.type ${String(authentication.type)} is not implemented by the emulator (scram-sha-512 is)`);
  }
  const password = existingPassword ?? generatePassword();
  const steps: KafkaStep[] = [{ op: "upsertScram", user: name, password, iterations: SCRAM_ITERATIONS }];

  // Authorization: exactly these ACLs for the principal (none when spec.authorization is absent).
  const acls: KafkaAcl[] = [];
  if (spec.authorization !== undefined) {
    const authorization = record(where, "spec.authorization", spec.authorization);
    only(where, "spec.authorization", authorization, ["type", "acls"]);
    if (authorization.type !== "simple") throw new Error(`${where}: spec.authorization.type ${String(authorization.type)} is not implemented (simple is)`);
    if (!Array.isArray(authorization.acls)) throw new Error(`${where}: spec.authorization.acls must be a list`);
    authorization.acls.forEach((rule: unknown, index: number) => acls.push(...aclBindings(where, `spec.authorization.acls[${index}]`, rule)));
  }
  steps.push({ op: "syncAcls", principal, acls });

  // Quotas on the user entity; keys not in the spec are removed, as the User Operator does.
  const quotas: Record<string, number> = {};
  for (const [key, value] of Object.entries(record(where, "spec.quotas", spec.quotas ?? {}))) {
    const kafkaKey = QUOTAS[key];
    if (!kafkaKey) throw new Error(`${where}: spec.quotas.${key} is not implemented (known: ${Object.keys(QUOTAS).join(", ")})`);
    if (typeof value !== "number" || value < 0) throw new Error(`${where}: spec.quotas.${key} must be a number >= 0`);
    quotas[kafkaKey] = value;
  }
  steps.push({ op: "syncQuotas", user: name, quotas });

  const secret = userSecret(where, name, object, spec, password);
  return { steps, credentials: { username: name, password, saslJaasConfig: scramJaasConfig(name, password), secret } };
}

/**
 * The Secret the User Operator writes for a KafkaUser with SCRAM-SHA-512 authentication (a new password
 * unless one is given), without a broker: for a harness that plays the operator's Kubernetes side only.
 */
export function kafkaUserSecret(user: unknown, password = generatePassword()): UserSecret {
  const object = user as KubeObject;
  const where = `${String(object.kind)} ${String(object.metadata?.name)}`;
  const name = object.metadata?.name;
  if (typeof name !== "string" || name === "") throw new Error("KafkaUser without metadata.name");
  return userSecret(where, name, object, record(where, "spec", object.spec ?? {}), password);
}

function userSecret(where: string, name: string, object: KubeObject, spec: Record<string, unknown>, password: string): UserSecret {
  // The Secret: template labels and annotations, on top of the KafkaUser's own labels.
  const template = record(where, "spec.template", spec.template ?? {});
  only(where, "spec.template", template, ["secret"]);
  const secretTemplate = record(where, "spec.template.secret", template.secret ?? {});
  only(where, "spec.template.secret", secretTemplate, ["metadata"]);
  const secretMetadata = record(where, "spec.template.secret.metadata", secretTemplate.metadata ?? {});
  only(where, "spec.template.secret.metadata", secretMetadata, ["labels", "annotations"]);
  const saslJaasConfig = scramJaasConfig(name, password);
  const annotations = secretMetadata.annotations as Record<string, string> | undefined;
  const secret: UserSecret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name,
      ...(typeof object.metadata?.namespace === "string" ? { namespace: object.metadata.namespace } : {}),
      labels: {
        ...(object.metadata?.labels ?? {}),
        ...((secretMetadata.labels as Record<string, string> | undefined) ?? {}),
        "app.kubernetes.io/managed-by": "strimzi-user-operator",
        "strimzi.io/kind": "KafkaUser",
      },
      ...(annotations ? { annotations } : {}),
    },
    type: "Opaque",
    data: { password: base64(password), "sasl.jaas.config": base64(saslJaasConfig) },
  };
  return secret;
}

/** One Strimzi AclRule → one Kafka ACL binding per operation. */
function aclBindings(where: string, path: string, rule: unknown): KafkaAcl[] {
  const fields = record(where, path, rule);
  only(where, path, fields, ["type", "resource", "operations", "host"]);
  const permission = fields.type === undefined || fields.type === "allow" ? "ALLOW" : fields.type === "deny" ? "DENY" : undefined;
  if (!permission) throw new Error(`${where}: ${path}.type ${String(fields.type)} (allow or deny)`);
  const host = fields.host === undefined ? "*" : string(where, `${path}.host`, fields.host);
  const resource = record(where, `${path}.resource`, fields.resource);
  only(where, `${path}.resource`, resource, ["type", "name", "patternType"]);
  const resourceType = ACL_RESOURCE_TYPES[String(resource.type)];
  if (!resourceType) throw new Error(`${where}: ${path}.resource.type ${String(resource.type)} (known: ${Object.keys(ACL_RESOURCE_TYPES).join(", ")})`);
  // Strimzi's cluster resource has no name; Kafka calls it kafka-cluster.
  const name = resourceType === "CLUSTER" ? "kafka-cluster" : string(where, `${path}.resource.name`, resource.name);
  const patternType = resource.patternType === undefined || resource.patternType === "literal" ? "LITERAL" : resource.patternType === "prefix" ? "PREFIXED" : undefined;
  if (!patternType) throw new Error(`${where}: ${path}.resource.patternType ${String(resource.patternType)} (literal or prefix)`);
  if (!Array.isArray(fields.operations) || fields.operations.length === 0) throw new Error(`${where}: ${path}.operations must be a non-empty list`);
  return fields.operations.map((operation: unknown) => {
    const kafkaOperation = ACL_OPERATIONS[String(operation)];
    if (!kafkaOperation) throw new Error(`${where}: ${path}.operations has ${String(operation)} (known: ${Object.keys(ACL_OPERATIONS).join(", ")})`);
    return { resourceType, name, patternType, operation: kafkaOperation, permission, host };
  });
}

function generatePassword(): string {
  let password = "";
  for (let i = 0; i < PASSWORD_LENGTH; i++) password += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return password;
}

// --- Shape checks ----------------------------------------------------------------

function record(where: string, path: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${where}: ${path} must be an object`);
  return value as Record<string, unknown>;
}

function only(where: string, path: string, fields: Record<string, unknown>, implemented: readonly string[]): void {
  for (const key of Object.keys(fields)) {
    if (!implemented.includes(key)) {
      throw new Error(`${where}: ${path}.${key} is not implemented by the Strimzi emulator (it implements ${implemented.join(", ")}); implement it in test/harness/strimzi-emulator.ts rather than let a test pass without it`);
    }
  }
}

function string(where: string, path: string, value: unknown): string {
  if (typeof value !== "string" || value === "") throw new Error(`${where}: ${path} must be a non-empty string`);
  return value;
}

function optionalInteger(where: string, path: string, value: unknown, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < minimum) throw new Error(`${where}: ${path} must be an integer >= ${minimum}`);
  return value;
}

function base64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}
