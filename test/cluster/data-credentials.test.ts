// The data-credentials provisioner for real: the program from the generated
// ConfigMap, with the generated config file, run by python3 as the generated
// ServiceAccount with in-cluster configuration, against a real API server
// holding the generated RBAC. It creates each identity's S3 keys once,
// renders SeaweedFS's identity file from them, rolls the S3 Deployment when
// the file changes, copies each team's credentials into its namespace only,
// writes nothing when nothing changed, and may do nothing else. When a team
// leaves the config, kube-controller-manager's garbage collector deletes its
// delivered Secrets with the RoleBinding Argo CD prunes, and the program its
// keys, never a Secret without its labels.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../harness/api.js";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { startControllerManager } from "../harness/controller-manager.js";
import { projectServiceAccount, requireUnshare, spawnInCluster } from "../harness/in-cluster.js";
import { isInstalled, waitUntil } from "../harness/process.js";
import { resourcePermissions, serviceAccountUser } from "../harness/rbac.js";
import type { KubeObject } from "../../src/synth/object.js";
import {
  CONFIG_CONFIG_MAP, dataCredentialsObjects, S3_CONFIG_HASH_ANNOTATION, S3_IDENTITY_LABEL, SCRIPT_CONFIG_MAP, type DataCredentialsConfig,
} from "../../src/components/data-credentials-objects.js";

const team = (name: string) => ({
  name: `team-${name}`, keysSecret: `s3-keys-team-${name}`,
  actions: [`Read:${name}-raw`, `Write:${name}-raw`, `List:${name}-raw`, `Read:${name}-eventlog`, `Write:${name}-eventlog`, `List:${name}-eventlog`],
  deliverTo: [{ namespace: `team-${name}`, secret: "s3-credentials", buckets: [`${name}-raw`, `${name}-eventlog`] }],
});

const CONFIG: DataCredentialsConfig = {
  objectStorage: {
    namespace: "object-storage", configSecret: "seaweedfs-s3-config", configKey: "seaweedfs_s3_config",
    deployment: "seaweedfs-all-in-one", endpoint: "http://seaweedfs-all-in-one.object-storage.svc:8333",
    identities: [
      { name: "platform-admin", actions: ["Admin", "Read", "List", "Tagging", "Write"], keysSecret: "s3-keys-platform-admin" },
      team("alpha"),
      team("beta"),
      {
        name: "spark-history", actions: ["Read:alpha-eventlog", "List:alpha-eventlog", "Read:beta-eventlog", "List:beta-eventlog"],
        keysSecret: "s3-keys-spark-history", deliverTo: [{ namespace: "spark-history", secret: "spark-history-s3" }],
      },
      { name: "anonymous", actions: ["Read:platform-artifacts"] },
    ],
  },
  kafka: {
    namespace: "kafka", bootstrapServers: "platform-kafka-bootstrap.kafka.svc:9092", securityProtocol: "SASL_PLAINTEXT", saslMechanism: "SCRAM-SHA-512",
    users: ["alpha", "beta"].map((t) => ({ user: `team-${t}`, deliverTo: { namespace: `team-${t}`, secret: "kafka-credentials" } })),
  },
};
const OWN = "data-credentials";
/** Granted nothing: a team that is not in the config. */
const STRANGER = "team-gamma";
const NAMESPACES = [OWN, "object-storage", "kafka", "team-alpha", "team-beta", "spark-history", STRANGER];
const KEYS_SECRETS = ["s3-keys-platform-admin", "s3-keys-team-alpha", "s3-keys-team-beta", "s3-keys-spark-history"];
const account = { namespace: OWN, name: OWN };

let cluster: Cluster;
let objects: KubeObject[];
let accountDir: string;
let scriptFile: string;
let configFile: string;
let runs = 0;

interface SecretObject {
  metadata: { name: string; namespace: string; uid: string; resourceVersion: string; labels?: Record<string, string>; ownerReferences?: unknown[] };
  data?: Record<string, string>;
}

const apply = (docs: unknown[]) => cluster.kubectl(["apply", "--server-side", "-f", "-"], { input: docs.map((o) => JSON.stringify(o)).join("\n") });
const secretPath = (namespace: string, name = "") => `/api/v1/namespaces/${namespace}/secrets${name ? `/${name}` : ""}`;
const decode = (data: Record<string, string> = {}) => Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));

async function secret(namespace: string, name: string): Promise<Record<string, string> | undefined> {
  const { status, body } = await cluster.api.get<SecretObject>(secretPath(namespace, name));
  if (status === 404) return undefined;
  expect(status).toBe(200);
  return decode(body.data);
}

async function allSecrets(): Promise<SecretObject[]> {
  const { body } = await cluster.api.get<{ items: SecretObject[] }>("/api/v1/secrets");
  return body.items;
}

const keysOf = async (name: string) => (await secret("object-storage", name))!;
const metadataOf = async (namespace: string, name: string) => (await cluster.api.get<SecretObject>(secretPath(namespace, name))).body.metadata;

/** What a delivered Secret's ownerReferences must be: the RoleBinding data-credentials of its namespace, by its uid. */
async function bindingOwner(namespace: string): Promise<unknown[]> {
  const { status, body } = await cluster.api.get<{ metadata: { uid: string } }>(`/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings/${OWN}`);
  expect(status).toBe(200);
  return [{ apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", name: OWN, uid: body.metadata.uid, blockOwnerDeletion: false, controller: false }];
}
const s3Config = async () => JSON.parse((await secret("object-storage", "seaweedfs-s3-config"))!.seaweedfs_s3_config) as { identities: Array<{ name: string; actions: string[]; credentials?: Array<{ accessKey: string; secretKey: string }> }> };

async function podTemplateAnnotations(name: string): Promise<Record<string, string>> {
  const { body } = await cluster.api.get<{ spec: { template: { metadata: { annotations?: Record<string, string> } } } }>(`/apis/apps/v1/namespaces/object-storage/deployments/${name}`);
  return body.spec.template.metadata.annotations ?? {};
}

/** Runs the program once as its ServiceAccount; its exit and log. */
async function runOnce(config = configFile): Promise<{ exit: string; log: string }> {
  const daemon = spawnInCluster(cluster, `data-credentials-${++runs}`, accountDir, "python3", [scriptFile, "--once"], { ...process.env, DATA_CREDENTIALS_CONFIG: config });
  await waitUntil("data-credentials --once to exit", async () => (daemon.running ? undefined : true), { timeoutMs: 30_000, intervalMs: 50 });
  const log = readFileSync(daemon.logFile, "utf8");
  return { exit: daemon.describeExit().split(";")[0], log };
}

const writes = (log: string) => log.split("\n").filter((l) => /: (created|updated|replaced|patched|deleted) /.test(l));

const SECRET_KEYS = ["accessKey", "secretKey", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "password", "sasl.jaas.config", "seaweedfs_s3_config"];

/** Every secret value the program handles, which it must keep out of its log. */
async function secretValues(): Promise<string[]> {
  const values = (await allSecrets()).flatMap((s) => Object.entries(decode(s.data)).filter(([key]) => SECRET_KEYS.includes(key)).map(([, value]) => value));
  expect(values.length).toBeGreaterThan(0);
  return values;
}

const seaweedfs = (name: string): KubeObject => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace: "object-storage" },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name }, annotations: { "checksum/s3config": "rendered-without-lookup" } }, spec: { containers: [{ name: "seaweedfs", image: "chrislusf/seaweedfs:4.53" }] } },
  },
});

beforeAll(async () => {
  if (!(await isInstalled("python3"))) throw new Error("python3 not found: the data-credentials suite runs programs/data-credentials.py with it. Install Python 3.");
  await requireUnshare();
  cluster = await startCluster();
  objects = dataCredentialsObjects({ namespace: OWN, config: CONFIG });
  await apply(NAMESPACES.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })));
  await apply(objects);
  // What the program runs is what the ConfigMaps carry, as the pod would mount them.
  const mounted = (name: string) => objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name)!.data as Record<string, string>;
  const dir = join(cluster.workDir, "data-credentials");
  mkdirSync(dir, { recursive: true });
  scriptFile = join(dir, "data-credentials.py");
  configFile = join(dir, "config.json");
  writeFileSync(scriptFile, mounted(SCRIPT_CONFIG_MAP)["data-credentials.py"]);
  writeFileSync(configFile, mounted(CONFIG_CONFIG_MAP)["config.json"]);
  accountDir = await projectServiceAccount(cluster, account, join(dir, "serviceaccount"));
  // Secrets the program must not see or touch.
  await apply([
    { apiVersion: "v1", kind: "Secret", metadata: { name: "platform-cluster-ca", namespace: "kafka" }, stringData: { "ca.crt": "kafka-cluster-ca-not-for-you" } },
    { apiVersion: "v1", kind: "Secret", metadata: { name: "alpha-database", namespace: "team-alpha" }, stringData: { password: "alpha-database-password" } },
  ]);
});

afterAll(async () => {
  await cluster?.stop();
});

describe("data-credentials, as its ServiceAccount", () => {
  it("creates each identity's keys, renders the identity file and gives each team its own keys only", async () => {
    const { exit, log } = await runOnce();
    expect(exit).toBe(`data-credentials-${runs} exited with code 0`);
    expect(log).toContain("waiting for deployment object-storage/seaweedfs-all-in-one (not synced yet)");
    expect(log).toContain("waiting for secret kafka/team-alpha (the User Operator writes it)");

    const keys = Object.fromEntries(await Promise.all(KEYS_SECRETS.map(async (name) => [name, await keysOf(name)] as const)));
    for (const [name, k] of Object.entries(keys)) {
      expect(k.accessKey, name).toMatch(/^[A-Z0-9]{20}$/);
      expect(k.secretKey, name).toMatch(/^[A-Za-z0-9_-]{40}$/);
    }
    expect(new Set(Object.values(keys).flatMap((k) => [k.accessKey, k.secretKey])).size).toBe(2 * KEYS_SECRETS.length);

    // The identities in config order, each with its keys; anonymous without any.
    expect(await s3Config()).toEqual({
      identities: CONFIG.objectStorage!.identities.map((i) => ({
        name: i.name, actions: i.actions,
        ...(i.keysSecret && { credentials: [{ accessKey: keys[i.keysSecret].accessKey, secretKey: keys[i.keysSecret].secretKey }] }),
      })),
    });

    const alpha = keys["s3-keys-team-alpha"];
    expect(await secret("team-alpha", "s3-credentials")).toEqual({
      AWS_ACCESS_KEY_ID: alpha.accessKey, AWS_SECRET_ACCESS_KEY: alpha.secretKey,
      endpoint: CONFIG.objectStorage!.endpoint, buckets: "alpha-raw,alpha-eventlog",
    });
    expect((await secret("team-beta", "s3-credentials"))?.AWS_ACCESS_KEY_ID).toBe(keys["s3-keys-team-beta"].accessKey);
    expect(await secret("spark-history", "spark-history-s3")).toEqual({
      AWS_ACCESS_KEY_ID: keys["s3-keys-spark-history"].accessKey, AWS_SECRET_ACCESS_KEY: keys["s3-keys-spark-history"].secretKey, endpoint: CONFIG.objectStorage!.endpoint,
    });
    // Alpha's secret key is where the S3 server and alpha read it, and nowhere else.
    const holders = (await allSecrets()).filter((s) => Object.values(decode(s.data)).some((v) => v.includes(alpha.secretKey))).map((s) => `${s.metadata.namespace}/${s.metadata.name}`);
    expect(holders.sort()).toEqual(["object-storage/s3-keys-team-alpha", "object-storage/seaweedfs-s3-config", "team-alpha/s3-credentials"]);
    expect((await cluster.api.get<{ items: unknown[] }>(secretPath(STRANGER))).body.items).toEqual([]);

    for (const s of (await allSecrets()).filter((s) => s.metadata.namespace !== OWN && !["platform-cluster-ca", "alpha-database"].includes(s.metadata.name))) {
      expect(s.metadata.labels?.["app.kubernetes.io/managed-by"], `${s.metadata.namespace}/${s.metadata.name}`).toBe("data-credentials");
    }
    // Each keys Secret names its identity (how its keys are found once the identity is gone); nothing else carries that label.
    for (const identity of CONFIG.objectStorage!.identities.filter((i) => i.keysSecret)) {
      expect((await metadataOf("object-storage", identity.keysSecret!)).labels?.[S3_IDENTITY_LABEL], identity.keysSecret).toBe(identity.name);
    }
    expect((await allSecrets()).filter((s) => s.metadata.labels?.[S3_IDENTITY_LABEL]).map((s) => s.metadata.name).sort()).toEqual(KEYS_SECRETS.slice().sort());
    // Each delivered Secret is owned by the RoleBinding of its namespace, by uid; the backends' Secrets by nothing.
    for (const [namespace, name] of [["team-alpha", "s3-credentials"], ["team-beta", "s3-credentials"], ["spark-history", "spark-history-s3"]]) {
      expect((await metadataOf(namespace, name)).ownerReferences, `${namespace}/${name}`).toEqual(await bindingOwner(namespace));
    }
    for (const name of ["seaweedfs-s3-config", ...KEYS_SECRETS]) expect((await metadataOf("object-storage", name)).ownerReferences, name).toBeUndefined();
    for (const value of await secretValues()) expect(log).not.toContain(value);
  });

  it("rolls the S3 server's Deployment once it exists, to the hash of the identity file, keeping the chart's annotations", async () => {
    await apply([seaweedfs("seaweedfs-all-in-one")]);
    const { exit, log } = await runOnce();
    expect(exit).toBe(`data-credentials-${runs} exited with code 0`);
    const text = (await secret("object-storage", "seaweedfs-s3-config"))!.seaweedfs_s3_config;
    const annotations = await podTemplateAnnotations("seaweedfs-all-in-one");
    expect(annotations[S3_CONFIG_HASH_ANNOTATION]).toBe(createHash("sha256").update(text).digest("hex"));
    expect(annotations["checksum/s3config"]).toBe("rendered-without-lookup");
    expect(writes(log)).toEqual([`data-credentials: patched deployment object-storage/seaweedfs-all-in-one: ${S3_CONFIG_HASH_ANNOTATION}=${annotations[S3_CONFIG_HASH_ANNOTATION]}`]);
  });

  it("copies a team's Kafka user Secret once the User Operator has written it, into that team's namespace only", async () => {
    const jaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="team-alpha" password="alpha-scram-password-1";';
    await apply([{
      apiVersion: "v1", kind: "Secret", metadata: { name: "team-alpha", namespace: "kafka", labels: { "strimzi.io/kind": "KafkaUser", "strimzi.io/cluster": "platform" } },
      stringData: { password: "alpha-scram-password-1", "sasl.jaas.config": jaas },
    }]);
    const { log } = await runOnce();
    expect(await secret("team-alpha", "kafka-credentials")).toEqual({
      username: "team-alpha", password: "alpha-scram-password-1", "sasl.jaas.config": jaas,
      "bootstrap.servers": "platform-kafka-bootstrap.kafka.svc:9092", "security.protocol": "SASL_PLAINTEXT", "sasl.mechanism": "SCRAM-SHA-512",
    });
    expect(await secret("team-beta", "kafka-credentials")).toBeUndefined();
    expect(log).toContain("waiting for secret kafka/team-beta (the User Operator writes it)");
    expect(writes(log)).toEqual(["data-credentials: created secret team-alpha/kafka-credentials"]);
    expect((await metadataOf("team-alpha", "kafka-credentials")).ownerReferences).toEqual(await bindingOwner("team-alpha"));
    expect(log).not.toContain("alpha-scram-password-1");
  });

  it("writes nothing when nothing changed", async () => {
    const versions = async () => [
      ...(await allSecrets()).map((s) => `${s.metadata.namespace}/${s.metadata.name}@${s.metadata.resourceVersion}`),
      `deployment@${(await cluster.api.get<{ metadata: { resourceVersion: string } }>("/apis/apps/v1/namespaces/object-storage/deployments/seaweedfs-all-in-one")).body.metadata.resourceVersion}`,
    ].sort();
    const before = await versions();
    const { exit, log } = await runOnce();
    expect(exit).toBe(`data-credentials-${runs} exited with code 0`);
    expect(writes(log)).toEqual([]);
    expect(await versions()).toEqual(before);
  });

  it("rotates a team's S3 keys when their Secret is deleted: new keys, new identity file, new hash, the other teams untouched", async () => {
    const oldAlpha = await keysOf("s3-keys-team-alpha");
    const oldHash = (await podTemplateAnnotations("seaweedfs-all-in-one"))[S3_CONFIG_HASH_ANNOTATION];
    const beta = (await cluster.api.get<SecretObject>(secretPath("team-beta", "s3-credentials"))).body.metadata.resourceVersion;
    await cluster.kubectl(["-n", "object-storage", "delete", "secret", "s3-keys-team-alpha"]);

    const { log } = await runOnce();
    const alpha = await keysOf("s3-keys-team-alpha");
    expect(alpha.accessKey).not.toBe(oldAlpha.accessKey);
    expect(alpha.secretKey).not.toBe(oldAlpha.secretKey);
    const identities = (await s3Config()).identities;
    expect(identities.find((i) => i.name === "team-alpha")?.credentials).toEqual([{ accessKey: alpha.accessKey, secretKey: alpha.secretKey }]);
    expect(identities.find((i) => i.name === "team-beta")?.credentials?.[0].accessKey).toBe((await keysOf("s3-keys-team-beta")).accessKey);
    const hash = (await podTemplateAnnotations("seaweedfs-all-in-one"))[S3_CONFIG_HASH_ANNOTATION];
    expect(hash).not.toBe(oldHash);
    expect(hash).toBe(createHash("sha256").update((await secret("object-storage", "seaweedfs-s3-config"))!.seaweedfs_s3_config).digest("hex"));
    expect((await secret("team-alpha", "s3-credentials"))?.AWS_SECRET_ACCESS_KEY).toBe(alpha.secretKey);
    expect((await cluster.api.get<SecretObject>(secretPath("team-beta", "s3-credentials"))).body.metadata.resourceVersion).toBe(beta);
    expect(writes(log)).toEqual([
      "data-credentials: created secret object-storage/s3-keys-team-alpha (new S3 keys)",
      "data-credentials: updated secret object-storage/seaweedfs-s3-config",
      `data-credentials: patched deployment object-storage/seaweedfs-all-in-one: ${S3_CONFIG_HASH_ANNOTATION}=${hash}`,
      "data-credentials: updated secret team-alpha/s3-credentials",
    ]);
    for (const value of await secretValues()) expect(log).not.toContain(value);
  });

  it("carries a new Kafka password (the User Operator's rotation) to the team", async () => {
    await cluster.kubectl(["-n", "kafka", "patch", "secret", "team-alpha", "--type=merge", "-p", JSON.stringify({ stringData: { password: "alpha-scram-password-2" } })]);
    await runOnce();
    expect((await secret("team-alpha", "kafka-credentials"))?.password).toBe("alpha-scram-password-2");
  });

  it("labels a keys Secret and owns a delivered Secret that lack it (written before either existed), changing nothing else", async () => {
    const keys = await keysOf("s3-keys-team-alpha");
    await cluster.kubectl(["-n", "object-storage", "label", "secret", "s3-keys-team-alpha", `${S3_IDENTITY_LABEL}-`]);
    await cluster.kubectl(["-n", "team-alpha", "patch", "secret", "s3-credentials", "--type=json", "-p", JSON.stringify([{ op: "remove", path: "/metadata/ownerReferences" }])]);
    expect((await metadataOf("team-alpha", "s3-credentials")).ownerReferences).toBeUndefined();
    const { log } = await runOnce();
    expect(writes(log)).toEqual([
      `data-credentials: updated secret object-storage/s3-keys-team-alpha (label ${S3_IDENTITY_LABEL}=team-alpha)`,
      "data-credentials: updated secret team-alpha/s3-credentials",
    ]);
    expect((await metadataOf("object-storage", "s3-keys-team-alpha")).labels?.[S3_IDENTITY_LABEL]).toBe("team-alpha");
    expect(await keysOf("s3-keys-team-alpha")).toEqual(keys);
    expect((await metadataOf("team-alpha", "s3-credentials")).ownerReferences).toEqual(await bindingOwner("team-alpha"));
    expect((await secret("team-alpha", "s3-credentials"))?.AWS_SECRET_ACCESS_KEY).toBe(keys.secretKey);
  });

  it("as a loop, puts back a team's deleted Secret within an interval and otherwise writes nothing", async () => {
    const keys = await keysOf("s3-keys-team-alpha");
    const daemon = spawnInCluster(cluster, "data-credentials-loop", accountDir, "python3", [scriptFile], { ...process.env, DATA_CREDENTIALS_CONFIG: configFile, DATA_CREDENTIALS_INTERVAL: "0.2" });
    try {
      const loops = () => readFileSync(daemon.logFile, "utf8").split("waiting for secret kafka/team-beta").length - 1;
      await waitUntil("a first loop", async () => (loops() >= 1 ? true : undefined), { timeoutMs: 30_000, daemon });
      await cluster.kubectl(["-n", "team-alpha", "delete", "secret", "s3-credentials"]);
      const back = await waitUntil("team-alpha/s3-credentials again", () => secret("team-alpha", "s3-credentials"), { timeoutMs: 30_000, daemon });
      expect(back.AWS_SECRET_ACCESS_KEY).toBe(keys.secretKey);
      const after = loops();
      await waitUntil("three more loops", async () => (loops() >= after + 3 ? true : undefined), { timeoutMs: 30_000, daemon });
    } finally {
      await daemon.stop();
    }
    expect(writes(readFileSync(daemon.logFile, "utf8"))).toEqual(["data-credentials: created secret team-alpha/s3-credentials"]);
  });

  it("is refused everything its Roles do not name", async () => {
    const token = readFileSync(join(accountDir, "token"), "utf8").trim();
    const asProvisioner = new ApiClient(cluster.server, token, cluster.caFile);
    try {
      const refused = async (method: string, path: string, body?: unknown, contentType?: string) =>
        (await asProvisioner.request(method, path, body, contentType ? { "content-type": contentType } : {})).status;
      const aSecret = (namespace: string, name: string) => ({ apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, stringData: { x: "y" } });
      expect(await refused("GET", secretPath("kafka", "platform-cluster-ca"))).toBe(403);
      expect(await refused("GET", secretPath("kafka"))).toBe(403);
      expect(await refused("POST", secretPath("kafka"), aSecret("kafka", "team-alpha-copy"))).toBe(403);
      expect(await refused("GET", secretPath("team-alpha", "alpha-database"))).toBe(403);
      expect(await refused("GET", secretPath("team-alpha"))).toBe(403);
      expect(await refused("POST", secretPath(STRANGER), aSecret(STRANGER, "s3-credentials"))).toBe(403);
      expect(await refused("DELETE", secretPath("kafka", "platform-cluster-ca"))).toBe(403);
      expect(await refused("DELETE", secretPath("team-alpha", "alpha-database"))).toBe(403);
      const bindings = (namespace: string, name = "") => `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings${name ? `/${name}` : ""}`;
      expect(await refused("GET", bindings("team-alpha"))).toBe(403);
      expect(await refused("DELETE", bindings("team-alpha", OWN))).toBe(403);
      expect(await refused("GET", bindings(STRANGER, OWN))).toBe(403);
      expect(await refused("GET", secretPath("spark-history", "kafka-credentials"))).toBe(403);
      expect(await refused("PATCH", "/apis/apps/v1/namespaces/object-storage/deployments/other", { spec: {} }, "application/strategic-merge-patch+json")).toBe(403);
      expect(await refused("GET", "/api/v1/namespaces/team-alpha/pods")).toBe(403);
      // And what it may do, exactly, namespace by namespace (beyond what every account may do, as in an ungranted namespace).
      const user = serviceAccountUser(account);
      const baseline = new Set(await resourcePermissions(cluster, user, STRANGER));
      const granted = async (namespace: string) => (await resourcePermissions(cluster, user, namespace)).filter((a) => !baseline.has(a));
      expect(await granted("kafka")).toEqual(["get core/secrets[team-alpha]", "get core/secrets[team-beta]"]);
      expect(await granted("object-storage")).toEqual([
        "create core/secrets",
        // Deleting the keys of identities no longer configured: the program decides which (the last test).
        "delete core/secrets",
        "get apps/deployments[seaweedfs-all-in-one]",
        ...["s3-keys-platform-admin", "s3-keys-spark-history", "s3-keys-team-alpha", "s3-keys-team-beta", "seaweedfs-s3-config"].map((n) => `get core/secrets[${n}]`),
        "list core/secrets",
        "patch apps/deployments[seaweedfs-all-in-one]",
        ...["s3-keys-platform-admin", "s3-keys-spark-history", "s3-keys-team-alpha", "s3-keys-team-beta", "seaweedfs-s3-config"].map((n) => `update core/secrets[${n}]`),
      ]);
      const owner = `get rbac.authorization.k8s.io/rolebindings[${OWN}]`;
      for (const namespace of ["team-alpha", "team-beta"]) {
        expect(await granted(namespace)).toEqual([
          "create core/secrets",
          ...["delete", "get", "update"].flatMap((verb) => ["kafka-credentials", "s3-credentials"].map((n) => `${verb} core/secrets[${n}]`)),
          owner,
        ].sort());
      }
      expect(await granted("spark-history")).toEqual(["create core/secrets", "delete core/secrets[spark-history-s3]", "get core/secrets[spark-history-s3]", owner, "update core/secrets[spark-history-s3]"]);
      expect(await granted(OWN)).toEqual([]);
    } finally {
      asProvisioner.close();
    }
  });

  it("keeps going when one object is refused, and exits non-zero only on a broken config", async () => {
    // A config the RBAC does not match (a delivery into a namespace it was not granted): that Secret fails, the others are still written.
    const mismatched = structuredClone(CONFIG);
    mismatched.objectStorage!.identities[1].deliverTo!.unshift({ namespace: STRANGER, secret: "s3-credentials", buckets: ["alpha-raw"] });
    const file = join(cluster.workDir, "mismatched.json");
    writeFileSync(file, JSON.stringify(mismatched));
    // And one that cannot be updated in place: it is replaced.
    const beta = await secret("team-beta", "s3-credentials");
    await cluster.kubectl(["-n", "team-beta", "delete", "secret", "s3-credentials"]);
    await apply([{ apiVersion: "v1", kind: "Secret", metadata: { name: "s3-credentials", namespace: "team-beta" }, immutable: true, stringData: { AWS_ACCESS_KEY_ID: "stale" } }]);
    const { exit, log } = await runOnce(file);
    expect(exit).toBe(`data-credentials-${runs} exited with code 0`);
    // Not even tried: without the RoleBinding that would own it there, no Secret is written.
    expect(log).toMatch(new RegExp(`error: secret ${STRANGER}/s3-credentials: HTTP 403: rolebindings.rbac.authorization.k8s.io "${OWN}" is forbidden`));
    expect(writes(log)).toEqual([
      'data-credentials: replaced secret team-beta/s3-credentials (HTTP 422: Secret "s3-credentials" is invalid: data: Forbidden: field is immutable when `immutable` is set)',
    ]);
    expect(await secret("team-beta", "s3-credentials")).toEqual(beta);
    expect(await secret(STRANGER, "s3-credentials")).toBeUndefined();

    const broken = join(cluster.workDir, "broken.json");
    writeFileSync(broken, JSON.stringify({ objectStorage: { ...CONFIG.objectStorage, identities: "all of them" } }));
    const failed = await runOnce(broken);
    expect(failed.exit).toBe(`data-credentials-${runs} exited with code 2`);
    expect(failed.log).toBe(`data-credentials: error: ${broken}: objectStorage.identities: expected a list of objects\n`);
  });

  it("removes a team's credentials with the team: its delivered Secrets go with the RoleBinding Argo CD prunes, its keys on the next loop; nothing else", async () => {
    // The garbage collector, alone: it deletes the Secrets, never the program.
    await startControllerManager(cluster, { controllers: ["garbagecollector"] });
    const jaas = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="team-beta" password="beta-scram-password-1";';
    await apply([{ apiVersion: "v1", kind: "Secret", metadata: { name: "team-beta", namespace: "kafka" }, stringData: { password: "beta-scram-password-1", "sasl.jaas.config": jaas } }]);
    await runOnce();
    for (const name of ["s3-credentials", "kafka-credentials"]) expect((await metadataOf("team-beta", name)).ownerReferences, name).toEqual(await bindingOwner("team-beta"));

    // Secrets in the object store's namespace that the program must never delete, however they are named or labelled.
    const label = (labels: Record<string, string>) => ({ labels });
    const foreign = [
      { name: "s3-keys-team-unlabelled" },
      { name: "s3-keys-team-half", ...label({ [S3_IDENTITY_LABEL]: "team-half" }) },
      { name: "s3-keys-team-other", ...label({ "app.kubernetes.io/managed-by": "someone-else", [S3_IDENTITY_LABEL]: "team-other" }) },
    ];
    await apply(foreign.map((metadata) => ({ apiVersion: "v1", kind: "Secret", metadata: { ...metadata, namespace: "object-storage" }, stringData: { accessKey: "A", secretKey: "B" } })));
    // The identities file with both of its labels and an identity's: the config names it, so it stays.
    await cluster.kubectl(["-n", "object-storage", "label", "secret", "seaweedfs-s3-config", `${S3_IDENTITY_LABEL}=team-gone`]);

    const untouched = ["team-alpha/s3-credentials", "team-alpha/kafka-credentials", "object-storage/s3-keys-team-alpha", "spark-history/spark-history-s3", "object-storage/s3-keys-team-unlabelled"];
    const versions = async () => Promise.all(untouched.map(async (id) => (await metadataOf(id.split("/")[0], id.split("/")[1])).resourceVersion));
    const before = await versions();

    // Team beta's file is deleted: the config and objects the compiler then generates, synced as Argo CD does
    // (apply what is generated, prune what no longer is, in foreground: Argo CD's default PrunePropagationPolicy).
    const without = structuredClone(CONFIG);
    without.objectStorage!.identities = without.objectStorage!.identities
      .filter((i) => i.name !== "team-beta")
      .map((i) => ({ ...i, actions: i.actions.filter((a) => !a.includes(":beta-")) }));
    without.kafka!.users = without.kafka!.users.filter((u) => u.user !== "team-beta");
    const generated = dataCredentialsObjects({ namespace: OWN, config: without });
    const pruned = objects.filter((o) => !generated.some((g) => g.kind === o.kind && g.metadata.namespace === o.metadata.namespace && g.metadata.name === o.metadata.name));
    expect(pruned.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual(["Role team-beta/data-credentials", "RoleBinding team-beta/data-credentials"]);
    await apply(generated);
    const started = Date.now();
    await cluster.kubectl(["-n", "team-beta", "delete", "rolebinding,role", OWN, "--cascade=foreground", "--timeout=60s"]);
    await waitUntil("the garbage collector to delete team-beta's Secrets", async () => ((await cluster.api.get<{ items: unknown[] }>(secretPath("team-beta"))).body.items.length === 0 ? true : undefined), { timeoutMs: 60_000, intervalMs: 200 });
    console.log(`data-credentials: team-beta's delivered Secrets deleted by the garbage collector ${Date.now() - started} ms after the prune began`);
    expect(await secret("object-storage", "s3-keys-team-beta")).toBeDefined();

    const file = join(cluster.workDir, "without-beta.json");
    writeFileSync(file, (generated.find((o) => o.metadata.name === CONFIG_CONFIG_MAP)!.data as Record<string, string>)["config.json"]);
    const { exit, log } = await runOnce(file);
    expect(exit).toBe(`data-credentials-${runs} exited with code 0`);
    const text = (await secret("object-storage", "seaweedfs-s3-config"))!.seaweedfs_s3_config;
    expect(writes(log)).toEqual([
      "data-credentials: updated secret object-storage/seaweedfs-s3-config",
      `data-credentials: patched deployment object-storage/seaweedfs-all-in-one: ${S3_CONFIG_HASH_ANNOTATION}=${createHash("sha256").update(text).digest("hex")}`,
      "data-credentials: deleted secret object-storage/s3-keys-team-beta (keys of identity team-beta, no longer configured)",
    ]);
    expect(await secret("object-storage", "s3-keys-team-beta")).toBeUndefined();
    expect((await s3Config()).identities.map((i) => i.name)).toEqual(["platform-admin", "team-alpha", "spark-history", "anonymous"]);
    expect(await secret("team-beta", "s3-credentials")).toBeUndefined();
    expect(await secret("team-beta", "kafka-credentials")).toBeUndefined();
    // Alpha, the History Server and every Secret without the program's labels: not written, not deleted.
    expect(await versions()).toEqual(before);
    for (const { name } of foreign) expect(await secret("object-storage", name), name).toEqual({ accessKey: "A", secretKey: "B" });
    expect((await metadataOf("object-storage", "seaweedfs-s3-config")).labels?.[S3_IDENTITY_LABEL]).toBe("team-gone");
    expect(await secret("kafka", "team-beta")).toBeDefined();
    for (const value of await secretValues()) expect(log).not.toContain(value);

    // And the next loop has nothing left to do.
    expect(writes((await runOnce(file)).log)).toEqual([]);
  });
});
