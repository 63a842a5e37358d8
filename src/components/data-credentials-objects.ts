/**
 * data-credentials: the platform-owned provisioner of the data components'
 * credentials (programs/data-credentials.py). The compiler generates only its
 * input, names and permissions (which identity may do what, which Secret goes
 * to which namespace), never a secret value: the program creates the S3 keys
 * in the cluster, renders SeaweedFS's identity file from them, and copies
 * each team's S3 keys and its Kafka user's Secret into the team's namespace.
 *
 * Strimzi's User Operator writes every user's Secret into the one namespace
 * it watches, and several User Operators on one cluster delete each other's
 * users (https://github.com/strimzi/strimzi-kafka-operator/issues/4003), so
 * the copy is made here, with a Role that reads exactly those Secrets.
 *
 * Nothing outlives its identity: each Secret delivered into a namespace is
 * owned by the RoleBinding `data-credentials` there, so when a team leaves the
 * config and Argo CD prunes that binding (its namespace is kept), Kubernetes'
 * garbage collector deletes the team's credentials; the program deletes the
 * keys of identities no longer configured from the object store's namespace.
 */
import { createHash } from "node:crypto";
import { packageProgram } from "../load/package-file.js";
import { LABELS, MANAGED_BY, PART_OF, type KubeObject } from "../model/kube-object.js";
import { SECURITY_CONTEXT, SPARK_IMAGE } from "../model/spark-image.js";

export const DATA_CREDENTIALS = "data-credentials";
/** The label value on every Secret the program writes (key LABELS.managedBy). */
export const DATA_CREDENTIALS_MANAGED_BY = DATA_CREDENTIALS;
/** The pod-template annotation of SeaweedFS's Deployment the program sets to the SHA-256 of the identity file, to roll it. */
export const S3_CONFIG_HASH_ANNOTATION = "spark-platform.io/s3-config-hash";
export const SCRIPT_CONFIG_MAP = "data-credentials-script";
export const CONFIG_CONFIG_MAP = "data-credentials-config";

const PROGRAM = "data-credentials.py";
const CONFIG_FILE = "config.json";
const SCRIPT_DIR = "/opt/data-credentials";
const CONFIG_DIR = "/etc/data-credentials";
const RBAC_API = "rbac.authorization.k8s.io/v1";
/** The annotation `kubectl describe` shows as the object's description. */
const DESCRIPTION = "kubernetes.io/description";
/** The label the program puts on each identity's keys Secret, its value the identity's name. */
export const S3_IDENTITY_LABEL = "spark-platform.io/s3-identity";

/** Where the program writes a Secret. */
export interface SecretTarget {
  namespace: string;
  secret: string;
}

export interface S3Delivery extends SecretTarget {
  /** Written comma-separated as the Secret's `buckets`, for the team's jobs. */
  buckets?: string[];
}

/** One SeaweedFS identity (`-s3.config`); without `keysSecret` it has no credentials (`anonymous`). */
export interface S3Identity {
  name: string;
  /** SeaweedFS actions, e.g. `Read:alpha-raw`; never wildcards (they would match `Action:bucket/key` prefixes). */
  actions: string[];
  /** Secret in the object-storage namespace holding the identity's keys, created by the program. */
  keysSecret?: string;
  deliverTo?: S3Delivery[];
}

export interface ObjectStorageCredentials {
  namespace: string;
  /** The Secret and key the SeaweedFS chart reads as `-s3.config` (allInOne.s3.existingConfigSecret). */
  configSecret: string;
  configKey: string;
  /** The Deployment rolled when the identity file changes. */
  deployment: string;
  endpoint: string;
  identities: S3Identity[];
}

export interface KafkaUserDelivery {
  /** KafkaUser name: the User Operator writes Secret `<kafka namespace>/<user>`. */
  user: string;
  deliverTo: SecretTarget;
}

export interface KafkaCredentials {
  namespace: string;
  bootstrapServers: string;
  securityProtocol: string;
  saslMechanism: string;
  users: KafkaUserDelivery[];
}

/** The program's input file, ConfigMap data-credentials-config. It holds no secret value. */
export interface DataCredentialsConfig {
  objectStorage?: ObjectStorageCredentials;
  kafka?: KafkaCredentials;
}

export interface DataCredentialsInput {
  /** Where the program runs. */
  namespace: string;
  config: DataCredentialsConfig;
}

const labels = (): Record<string, string> => ({ [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF });

/**
 * The config file's text: rebuilt field by field, in the documented order, so
 * that nothing but these fields reaches the ConfigMap and the same input
 * always gives the same bytes.
 */
export function dataCredentialsConfigText({ objectStorage: s3, kafka }: DataCredentialsConfig): string {
  const target = (t: SecretTarget) => ({ namespace: t.namespace, secret: t.secret });
  const config = {
    ...(s3 && {
      objectStorage: {
        namespace: s3.namespace, configSecret: s3.configSecret, configKey: s3.configKey, deployment: s3.deployment, endpoint: s3.endpoint,
        identities: s3.identities.map((i) => ({
          name: i.name, actions: [...i.actions],
          ...(i.keysSecret !== undefined && { keysSecret: i.keysSecret }),
          ...(i.deliverTo && { deliverTo: i.deliverTo.map((d) => ({ ...target(d), ...(d.buckets && { buckets: [...d.buckets] }) })) }),
        })),
      },
    }),
    ...(kafka && {
      kafka: {
        namespace: kafka.namespace, bootstrapServers: kafka.bootstrapServers, securityProtocol: kafka.securityProtocol, saslMechanism: kafka.saslMechanism,
        users: kafka.users.map((u) => ({ user: u.user, deliverTo: target(u.deliverTo) })),
      },
    }),
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const sortedUnique = (names: string[]): string[] => [...new Set(names)].sort();

/**
 * The least the program needs, namespace by namespace. `create` cannot be
 * narrowed by resourceNames (the name is not known to the authorizer before
 * the object exists), nor `list`, nor `delete` of names unknown when this is
 * generated (the keys of an identity already gone); everything else is. A rule
 * is left out rather than given an empty resourceNames, which would mean every
 * name.
 */
function permissions({ objectStorage: s3, kafka }: DataCredentialsConfig): Map<string, Rule[]> {
  const rules = new Map<string, Rule[]>();
  const add = (namespace: string, ...more: Rule[]) => rules.set(namespace, [...(rules.get(namespace) ?? []), ...more]);
  const secrets = (verbs: string[], names?: string[]): Rule => ({ apiGroups: [""], resources: ["secrets"], verbs, ...(names && { resourceNames: sortedUnique(names) }) });

  if (s3) {
    const keys = s3.identities.flatMap((i) => (i.keysSecret === undefined ? [] : [i.keysSecret]));
    add(s3.namespace, secrets(["create"]), secrets(["get", "update"], [s3.configSecret, ...keys]));
    add(s3.namespace, { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "patch"], resourceNames: [s3.deployment] });
    // Deleting the keys of identities no longer configured: it lists its keys Secrets by label and deletes
    // only those carrying its labels that the config does not name. The namespace is platform-internal,
    // and the program already holds every key in it.
    add(s3.namespace, secrets(["list", "delete"]));
  }
  if (kafka && kafka.users.length > 0) add(kafka.namespace, secrets(["get"], kafka.users.map((u) => u.user)));

  const deliveries = [...(s3?.identities.flatMap((i) => i.deliverTo ?? []) ?? []), ...(kafka?.users.map((u) => u.deliverTo) ?? [])];
  const byNamespace = new Map<string, string[]>();
  for (const d of deliveries) byNamespace.set(d.namespace, [...(byNamespace.get(d.namespace) ?? []), d.secret]);
  for (const [namespace, names] of byNamespace) {
    // delete: a Secret of that name that cannot be updated in place (another type, or immutable) is replaced.
    // The RoleBinding below owns the Secrets delivered here, so that they go when Argo CD prunes it (the program
    // reads its uid). Setting ownerReferences needs delete on the Secret where the OwnerReferencesPermissionEnforcement
    // admission plugin is on: granted above.
    add(namespace, secrets(["create"]), secrets(["get", "update", "delete"], names), { apiGroups: ["rbac.authorization.k8s.io"], resources: ["rolebindings"], verbs: ["get"], resourceNames: [DATA_CREDENTIALS] });
  }
  return rules;
}

function roleAndBinding(namespace: string, rules: Rule[], account: { namespace: string; name: string }): KubeObject[] {
  const lists = rules.some((r) => r.verbs.includes("list"));
  const description = "What the platform's data-credentials provisioner may do here: the objects it reads or writes, by name" + (lists
    ? "; and list and delete on Secrets, to delete the S3 keys of identities no longer configured (only Secrets carrying its labels)."
    : ", nothing else.");
  const metadata = () => ({ name: DATA_CREDENTIALS, namespace, labels: labels(), annotations: { [DESCRIPTION]: description } });
  return [
    { apiVersion: RBAC_API, kind: "Role", metadata: metadata(), rules: dedupe(rules) },
    {
      apiVersion: RBAC_API, kind: "RoleBinding", metadata: metadata(),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: DATA_CREDENTIALS },
      subjects: [{ kind: "ServiceAccount", name: account.name, namespace: account.namespace }],
    },
  ];
}

/** A namespace that is both a delivery target and a backend's gets `create` once. */
function dedupe(rules: Rule[]): Rule[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = JSON.stringify(r);
    return !seen.has(key) && (seen.add(key), true);
  });
}

export function dataCredentialsObjects({ namespace, config }: DataCredentialsInput): KubeObject[] {
  const script = packageProgram(PROGRAM);
  const configText = dataCredentialsConfigText(config);
  const selector = { "app.kubernetes.io/name": DATA_CREDENTIALS };
  const meta = (name: string) => ({ name, namespace, labels: labels() });
  // A new script or config restarts the pod: the running program keeps its code, and
  // the kubelet refreshes a mounted ConfigMap only after its sync period (a minute or more).
  const inputsHash = createHash("sha256").update(script).update("\0").update(configText).digest("hex");

  const deployment: KubeObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(DATA_CREDENTIALS),
    spec: {
      replicas: 1,
      // Never two writers: both would create keys for a missing Secret.
      strategy: { type: "Recreate" },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...selector, ...labels() }, annotations: { "spark-platform.io/config-hash": inputsHash } },
        spec: {
          serviceAccountName: DATA_CREDENTIALS,
          containers: [{
            name: DATA_CREDENTIALS,
            image: SPARK_IMAGE,
            imagePullPolicy: "IfNotPresent",
            command: ["python3", `${SCRIPT_DIR}/${PROGRAM}`],
            env: [{ name: "DATA_CREDENTIALS_CONFIG", value: `${CONFIG_DIR}/${CONFIG_FILE}` }],
            resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } },
            securityContext: { ...SECURITY_CONTEXT, readOnlyRootFilesystem: true },
            volumeMounts: [
              { name: "script", mountPath: SCRIPT_DIR, readOnly: true },
              { name: "config", mountPath: CONFIG_DIR, readOnly: true },
            ],
          }],
          volumes: [
            { name: "script", configMap: { name: SCRIPT_CONFIG_MAP } },
            { name: "config", configMap: { name: CONFIG_CONFIG_MAP } },
          ],
        },
      },
    },
  };

  const account = { namespace, name: DATA_CREDENTIALS };
  const roles = [...permissions(config)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([ns, rules]) => roleAndBinding(ns, rules, account));
  return [
    { apiVersion: "v1", kind: "ConfigMap", metadata: meta(SCRIPT_CONFIG_MAP), data: { [PROGRAM]: script } },
    { apiVersion: "v1", kind: "ConfigMap", metadata: meta(CONFIG_CONFIG_MAP), data: { [CONFIG_FILE]: configText } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(DATA_CREDENTIALS) },
    deployment,
    ...roles,
  ];
}
