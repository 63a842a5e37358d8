/**
 * The data-credentials provisioner's objects: its input carries no secret
 * value, its RBAC names every Secret it may read or write (and nothing else
 * is granted), and the same input gives the same bytes. The program itself
 * runs against a real API server in test/cluster/data-credentials.test.ts.
 */
import { describe, expect, it } from "vitest";
import { packageProgram } from "../src/load/package-file.js";
import { LABELS, MANAGED_BY, PART_OF, type KubeObject } from "../src/synth/object.js";
import {
  CONFIG_CONFIG_MAP, dataCredentialsObjects, SCRIPT_CONFIG_MAP, type DataCredentialsConfig, type DataCredentialsInput,
} from "../src/components/data-credentials-objects.js";
import { SPARK_IMAGE } from "../src/synth/platform/examples.js";

const EXAMPLE_CONFIG: DataCredentialsConfig = {
  objectStorage: {
    namespace: "object-storage",
    configSecret: "seaweedfs-s3-config", configKey: "seaweedfs_s3_config",
    deployment: "seaweedfs-all-in-one",
    endpoint: "http://seaweedfs-all-in-one.object-storage.svc:8333",
    identities: [
      { name: "platform-admin", actions: ["Admin", "Read", "List", "Tagging", "Write"], keysSecret: "s3-keys-platform-admin" },
      {
        name: "team-alpha", keysSecret: "s3-keys-team-alpha",
        actions: ["Read:alpha-raw", "Write:alpha-raw", "List:alpha-raw", "Tagging:alpha-raw", "Read:alpha-eventlog", "Write:alpha-eventlog", "List:alpha-eventlog"],
        deliverTo: [{ namespace: "team-alpha", secret: "s3-credentials", buckets: ["alpha-raw", "alpha-eventlog"] }],
      },
      {
        name: "spark-history", actions: ["Read:alpha-eventlog", "List:alpha-eventlog"], keysSecret: "s3-keys-spark-history",
        deliverTo: [{ namespace: "spark-history", secret: "spark-history-s3" }],
      },
      { name: "anonymous", actions: ["Read:platform-artifacts"] },
    ],
  },
  kafka: {
    namespace: "kafka", bootstrapServers: "platform-kafka-bootstrap.kafka.svc:9092",
    securityProtocol: "SASL_PLAINTEXT", saslMechanism: "SCRAM-SHA-512",
    users: [{ user: "team-alpha", deliverTo: { namespace: "team-alpha", secret: "kafka-credentials" } }],
  },
};

const INPUT: DataCredentialsInput = { namespace: "data-credentials", config: EXAMPLE_CONFIG };

const secrets = (verbs: string[], resourceNames?: string[]) => ({ apiGroups: [""], resources: ["secrets"], verbs, ...(resourceNames && { resourceNames }) });
/** Where it delivers: reading the RoleBinding that will own the Secrets, nothing more of RBAC. */
const OWNER_BINDING_RULE = { apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings"], verbs: ["get"], resourceNames: ["data-credentials"] };
const find = (objects: KubeObject[], kind: string, name: string, namespace: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
const rolesByNamespace = (objects: KubeObject[]) =>
  Object.fromEntries(objects.filter((o) => o.kind === "Role").map((o) => [o.metadata.namespace, o.rules]));
const configOf = (objects: KubeObject[]) => (find(objects, "ConfigMap", CONFIG_CONFIG_MAP, "data-credentials")!.data as Record<string, string>)["config.json"];
const podAnnotations = (objects: KubeObject[]) =>
  (find(objects, "Deployment", "data-credentials", "data-credentials")!.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations;

describe("dataCredentialsObjects", () => {
  const objects = dataCredentialsObjects(INPUT);

  it("runs the packaged program from the Spark image, once, as its own ServiceAccount", () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      "ConfigMap data-credentials/data-credentials-script",
      "ConfigMap data-credentials/data-credentials-config",
      "ServiceAccount data-credentials/data-credentials",
      "Deployment data-credentials/data-credentials",
      "Role kafka/data-credentials", "RoleBinding kafka/data-credentials",
      "Role object-storage/data-credentials", "RoleBinding object-storage/data-credentials",
      "Role spark-history/data-credentials", "RoleBinding spark-history/data-credentials",
      "Role team-alpha/data-credentials", "RoleBinding team-alpha/data-credentials",
    ]);
    expect((find(objects, "ConfigMap", SCRIPT_CONFIG_MAP, "data-credentials")!.data as Record<string, string>)["data-credentials.py"]).toBe(packageProgram("data-credentials.py"));
    const spec = find(objects, "Deployment", "data-credentials", "data-credentials")!.spec as {
      replicas: number; strategy: unknown;
      template: { spec: { serviceAccountName: string; containers: Array<{ image: string; command: string[]; resources: unknown; securityContext: Record<string, unknown> }> } };
    };
    expect(spec.replicas).toBe(1);
    expect(spec.strategy).toEqual({ type: "Recreate" });
    const [container] = spec.template.spec.containers;
    expect(spec.template.spec.serviceAccountName).toBe("data-credentials");
    expect(container.image).toBe(SPARK_IMAGE);
    expect(container.command).toEqual(["python3", "/opt/data-credentials/data-credentials.py"]);
    expect(container.resources).toEqual({ requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } });
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } });
  });

  it("grants exactly the Secrets it reads or writes, by name, the one Deployment it rolls, and the RoleBindings that own what it delivers", () => {
    expect(rolesByNamespace(objects)).toEqual({
      kafka: [secrets(["get"], ["team-alpha"])],
      "object-storage": [
        secrets(["create"]),
        secrets(["get", "update"], ["s3-keys-platform-admin", "s3-keys-spark-history", "s3-keys-team-alpha", "seaweedfs-s3-config"]),
        { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "patch"], resourceNames: ["seaweedfs-all-in-one"] },
        secrets(["list", "delete"]),
      ],
      "spark-history": [secrets(["create"]), secrets(["get", "update", "delete"], ["spark-history-s3"]), OWNER_BINDING_RULE],
      "team-alpha": [secrets(["create"]), secrets(["get", "update", "delete"], ["kafka-credentials", "s3-credentials"]), OWNER_BINDING_RULE],
    });
    for (const binding of objects.filter((o) => o.kind === "RoleBinding")) {
      expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "data-credentials" });
      expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "data-credentials", namespace: "data-credentials" }]);
    }
    expect(objects.some((o) => o.kind === "ClusterRole" || o.kind === "ClusterRoleBinding")).toBe(false);
  });

  it("grants a verb on every name only where it cannot be narrowed: create, and list and delete of Secrets in the object store's namespace alone", () => {
    const unnamed = objects.filter((o) => o.kind === "Role").flatMap((role) =>
      (role.rules as Array<{ resources: string[]; verbs: string[]; resourceNames?: string[] }>).filter((r) => !r.resourceNames).map((r) => `${role.metadata.namespace} ${r.verbs.join(",")} ${r.resources.join(",")}`));
    expect(unnamed).toEqual(["object-storage create secrets", "object-storage list,delete secrets", "spark-history create secrets", "team-alpha create secrets"]);
    // Said where an administrator reads the Role; the others say they grant nothing unnamed.
    const description = (namespace: string) => find(objects, "Role", "data-credentials", namespace)!.metadata.annotations!["kubernetes.io/description"];
    expect(description("object-storage")).toMatch(/list and delete on Secrets, to delete the S3 keys of identities no longer configured/);
    for (const namespace of ["kafka", "spark-history", "team-alpha"]) expect(description(namespace)).toMatch(/by name, nothing else\.$/);
  });

  it("never grants a rule with an empty resourceNames (that would be every name)", () => {
    const config: DataCredentialsConfig = { ...EXAMPLE_CONFIG, kafka: { ...EXAMPLE_CONFIG.kafka!, users: [] } };
    const roles = rolesByNamespace(dataCredentialsObjects({ ...INPUT, config }));
    expect(roles.kafka).toBeUndefined();
    expect(Object.keys(roles)).toEqual(["object-storage", "spark-history", "team-alpha"]);
    expect(roles["team-alpha"]).toEqual([secrets(["create"]), secrets(["get", "update", "delete"], ["s3-credentials"]), OWNER_BINDING_RULE]);
  });

  it("gives a namespace that is both a backend and a delivery target one Role, with create once", () => {
    const s3 = EXAMPLE_CONFIG.objectStorage!;
    const config: DataCredentialsConfig = {
      objectStorage: { ...s3, identities: [{ name: "ops", actions: ["Read"], keysSecret: "s3-keys-ops", deliverTo: [{ namespace: "object-storage", secret: "ops-s3" }] }] },
    };
    const generated = dataCredentialsObjects({ ...INPUT, config });
    expect(generated.filter((o) => o.kind === "Role").map((o) => o.metadata.namespace)).toEqual(["object-storage"]);
    expect(rolesByNamespace(generated)["object-storage"]).toEqual([
      secrets(["create"]),
      secrets(["get", "update"], ["s3-keys-ops", "seaweedfs-s3-config"]),
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "patch"], resourceNames: ["seaweedfs-all-in-one"] },
      secrets(["list", "delete"]),
      secrets(["get", "update", "delete"], ["ops-s3"]),
      OWNER_BINDING_RULE,
    ]);
  });

  it("carries no secret value: no Secret object, and the config holds exactly the documented fields", () => {
    expect(objects.some((o) => o.kind === "Secret")).toBe(false);
    expect(JSON.parse(configOf(objects))).toEqual(EXAMPLE_CONFIG);
    // A field a caller might add by mistake (a key, a password) does not reach the ConfigMap.
    const smuggled = structuredClone(EXAMPLE_CONFIG) as DataCredentialsConfig & { token?: string };
    Object.assign(smuggled.objectStorage!.identities[1], { secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" });
    Object.assign(smuggled.kafka!.users[0], { password: "hunter2-hunter2" });
    smuggled.token = "ghp_example";
    const text = JSON.stringify(dataCredentialsObjects({ ...INPUT, config: smuggled }));
    for (const value of ["wJalrXUtnFEMI", "hunter2", "ghp_example"]) expect(text).not.toContain(value);
    expect(configOf(dataCredentialsObjects({ ...INPUT, config: smuggled }))).toBe(configOf(objects));
  });

  it("puts only platform labels on its objects, never a team's (the tenant RBAC rule would read them as the team's own)", () => {
    for (const object of objects) {
      expect(object.metadata.labels, `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`).toEqual({ [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF });
    }
  });

  it("is deterministic: the same input in another key order gives the same bytes", () => {
    const shuffle = <T extends object>(o: T): T =>
      Array.isArray(o) ? (o.map((v) => (typeof v === "object" ? shuffle(v) : v)) as T)
        : (Object.fromEntries(Object.entries(o).reverse().map(([k, v]) => [k, typeof v === "object" ? shuffle(v) : v])) as T);
    const shuffled = shuffle(structuredClone(EXAMPLE_CONFIG));
    expect(JSON.stringify(Object.keys(shuffled.objectStorage!))).not.toBe(JSON.stringify(Object.keys(EXAMPLE_CONFIG.objectStorage!)));
    expect(JSON.stringify(dataCredentialsObjects({ ...INPUT, config: shuffled }))).toBe(JSON.stringify(objects));
    expect(configOf(objects)).toMatch(/^\{\n {2}"objectStorage": \{\n {4}"namespace": "object-storage",\n/);
    expect(configOf(objects).endsWith("}\n")).toBe(true);
  });

  it("restarts its pod when its config changes, and only then", () => {
    const hash = podAnnotations(objects)["spark-platform.io/config-hash"];
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(podAnnotations(dataCredentialsObjects(structuredClone(INPUT)))["spark-platform.io/config-hash"]).toBe(hash);
    const config = structuredClone(EXAMPLE_CONFIG);
    config.objectStorage!.identities[1].actions.push("Read:alpha-curated");
    expect(podAnnotations(dataCredentialsObjects({ ...INPUT, config }))["spark-platform.io/config-hash"]).not.toBe(hash);
  });

  it("emits objects the Kubernetes schemas accept", async () => {
    type Model = new (data: never) => { validate(): void };
    const models: Record<string, () => Promise<object>> = {
      ConfigMap: () => import("kubernetes-models/v1/ConfigMap"),
      ServiceAccount: () => import("kubernetes-models/v1/ServiceAccount"),
      Deployment: () => import("kubernetes-models/apps/v1/Deployment"),
      Role: () => import("kubernetes-models/rbac.authorization.k8s.io/v1/Role"),
      RoleBinding: () => import("kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding"),
    };
    for (const object of objects) {
      const Model = (await models[object.kind]() as Record<string, Model>)[object.kind];
      expect(() => new Model(object as never).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
  });
});
