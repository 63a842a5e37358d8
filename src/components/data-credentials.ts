/**
 * data-credentials: the platform's own provisioner of the data components'
 * credentials (programs/data-credentials.py, objects in
 * ./data-credentials-objects.ts). Installed whenever Kafka or object
 * storage is, beside the component that brings it, so that it may run before
 * SeaweedFS: the store's pod mounts the identities Secret this program writes.
 */
import { allBuckets, ARTIFACTS_BUCKET, CREDENTIAL_SECRETS, dataPrincipal, HISTORY_IDENTITY } from "../model/data.js";
import type { KubeObject } from "../model/kube-object.js";
import type { PlatformModel } from "../model/platform-model.js";
import { dataCredentialsObjects, type DataCredentialsConfig, type S3Identity } from "./data-credentials-objects.js";
import { WITHOUT_CHART, type ComponentDescriptor, type InstalledComponent } from "./component.js";
import { SYNC_WAVES } from "./gitops.js";
import { installedComponents } from "./installed.js";
import { bootstrapServers, KAFKA_SECURITY } from "./kafka.js";
import { S3_CONFIG_SECRET, s3Endpoint, SEAWEEDFS_DEPLOYMENT } from "./object-storage.js";

/** SeaweedFS actions on a bucket: exact, never wildcards (a wildcard action also matches `Action:bucket/key` prefixes). */
const TEAM_BUCKET_ACTIONS = ["Read", "Write", "List", "Tagging"];

function credentialsConfig(model: PlatformModel, installed: InstalledComponent[]): DataCredentialsConfig {
  const storage = installed.find((c) => c.descriptor.key === "objectStorage");
  const kafka = installed.find((c) => c.descriptor.key === "kafka");
  const history = installed.find((c) => c.descriptor.key === "sparkHistoryServer");
  const eventLogs = model.teams.flatMap((t) => (t.data.eventLogBucket ? [t.data.eventLogBucket] : []));
  const teamIdentities = model.teams.filter((t) => t.data.buckets.length).map((team): S3Identity => ({
    name: dataPrincipal(team.name),
    actions: allBuckets(team.data).flatMap((bucket) => TEAM_BUCKET_ACTIONS.map((action) => `${action}:${bucket}`)),
    keysSecret: `s3-keys-${dataPrincipal(team.name)}`,
    deliverTo: [{ namespace: team.namespace, secret: CREDENTIAL_SECRETS.s3, buckets: allBuckets(team.data) }],
  }));
  return {
    ...(storage && {
      objectStorage: {
        namespace: storage.settings.namespace,
        configSecret: S3_CONFIG_SECRET.name,
        configKey: S3_CONFIG_SECRET.key,
        deployment: SEAWEEDFS_DEPLOYMENT,
        endpoint: s3Endpoint(storage.settings.namespace),
        // `anonymous` is SeaweedFS's name for requests without a signature: it reads the public jars only.
        identities: [
          ...teamIdentities,
          ...(history && eventLogs.length ? [{
            name: HISTORY_IDENTITY.name,
            // Reads, never writes: a team's History Server shows what its jobs logged, and nothing can change it there.
            actions: eventLogs.flatMap((bucket) => [`Read:${bucket}`, `List:${bucket}`]),
            keysSecret: `s3-keys-${HISTORY_IDENTITY.name}`,
            deliverTo: [{ namespace: history.settings.namespace, secret: HISTORY_IDENTITY.secret }],
          }] : []),
          { name: "anonymous", actions: [`Read:${ARTIFACTS_BUCKET}`] },
        ],
      },
    }),
    ...(kafka && {
      kafka: {
        namespace: kafka.settings.namespace,
        bootstrapServers: bootstrapServers(kafka.settings.namespace),
        securityProtocol: KAFKA_SECURITY.protocol,
        saslMechanism: KAFKA_SECURITY.mechanism,
        users: model.teams.filter((t) => t.data.topics.length).map((team) => ({
          user: dataPrincipal(team.name),
          deliverTo: { namespace: team.namespace, secret: CREDENTIAL_SECRETS.kafka },
        })),
      },
    }),
  };
}

/** The namespaces whose objects another component's Application syncs: they exist only from its wave on. */
const deferredNamespaces = (installed: InstalledComponent[]): string[] =>
  installed.filter((c) => c.descriptor.key === "sparkHistoryServer").map((c) => c.settings.namespace);

function allObjects(model: PlatformModel): KubeObject[] {
  const installed = installedComponents(model.platform);
  const self = installed.find((c) => c.descriptor.key === "dataCredentials");
  return self ? dataCredentialsObjects({ namespace: self.settings.namespace, config: credentialsConfig(model, installed) }) : [];
}

/** Its objects in one namespace: the grant to deliver Secrets there, synced by the Application that creates the namespace. */
export const dataCredentialsObjectsIn = (model: PlatformModel, namespace: string): KubeObject[] =>
  allObjects(model).filter((o) => o.metadata.namespace === namespace);

export const DATA_CREDENTIALS: ComponentDescriptor = {
  key: "dataCredentials",
  title: "data-credentials",
  application: "data-credentials",
  required: false,
  // Runs in the namespace of the first of these that is installed.
  impliedBy: ["objectStorage", "kafka"],
  defaults: { namespace: "object-storage" },
  // Its Application is its objects' (below).
  wave: { wave: SYNC_WAVES.credentials, why: "" },
  ...WITHOUT_CHART,
  tenants: {},
  objects: {
    application: "data-credentials",
    wave: {
      wave: SYNC_WAVES.credentials,
      why: "writes the S3 identities Secret that SeaweedFS's pod mounts (wave 3), and copies each KafkaUser's Secret (wave 1) into its team's namespace (wave 1)",
    },
    build(model) {
      const deferred = deferredNamespaces(installedComponents(model.platform));
      return allObjects(model).filter((o) => !deferred.includes(o.metadata.namespace ?? ""));
    },
  },
};
