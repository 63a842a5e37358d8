/**
 * Kafka: Strimzi's Cluster Operator from its chart
 * (https://github.com/strimzi/strimzi-kafka-operator), and the one Kafka
 * cluster the platform declares for it in KRaft mode, with a topic per
 * `data.topics` entry and a user per team whose ACLs cover only the team's
 * prefix. Strimzi's User Operator writes each user's password into a Secret
 * in this namespace; the data-credentials controller delivers it to the team
 * (./data-credentials.ts).
 */
import strimzi0501 from "../../schemas/charts/strimzi-kafka-operator-0.50.1.keys.json" with { type: "json" };
import { dataPrincipal, kafkaPrefix } from "../model/data.js";
import type { PlatformModel, TeamModel } from "../model/platform-model.js";
import { bytes } from "../model/quantity.js";
import { LABELS, MANAGED_BY, PART_OF, type KubeObject } from "../model/kube-object.js";
import type { KafkaBroker, KafkaLimits } from "../types/platform.js";
import type { ComponentDescriptor, ComponentSettings } from "./component.js";
import { SYNC_WAVES } from "./gitops.js";

export const KAFKA_API = "kafka.strimzi.io/v1";
/** The Kafka resource's name: Strimzi names the bootstrap Service `<name>-kafka-bootstrap`. */
export const KAFKA_CLUSTER = "platform";
export const KAFKA_NODE_POOL = "dual-role";
/** The listener teams use: SASL/SCRAM-SHA-512 without TLS, inside the cluster only. */
export const KAFKA_CLIENT_PORT = 9092;
export const KAFKA_SECURITY = { protocol: "SASL_PLAINTEXT", mechanism: "SCRAM-SHA-512" } as const;

/** spec.kafka.config of the platform's Kafka: what Strimzi passes to the broker beside its own settings. */
export const KAFKA_BROKER_CONFIG = {
  // Topics exist only as the platform declares them (KafkaTopic): a client cannot create one by using it.
  "auto.create.topics.enable": false,
  // One broker: every internal topic has one replica.
  "offsets.topic.replication.factor": 1,
  "transaction.state.log.replication.factor": 1,
  "transaction.state.log.min.isr": 1,
  "default.replication.factor": 1,
  "min.insync.replicas": 1,
  // Kafka 4.1's share-group state topic defaults to 3 replicas, which one broker cannot place (research run).
  "share.coordinator.state.topic.replication.factor": 1,
  "share.coordinator.state.topic.min.isr": 1,
} as const;

export const bootstrapServers = (namespace: string): string => `${KAFKA_CLUSTER}-kafka-bootstrap.${namespace}.svc:${KAFKA_CLIENT_PORT}`;

/**
 * The Kafka versions each Strimzi line runs (kafka-versions.yaml at the
 * release tag, `supported: true`); a version outside it leaves the Kafka
 * resource NotReady, so validation refuses it.
 */
export const STRIMZI_KAFKA_VERSIONS: ReadonlyArray<{ strimzi: RegExp; label: string; kafka: readonly string[]; source: string }> = [
  { strimzi: /^0\.50\./, label: "Strimzi 0.50", kafka: ["4.0.0", "4.0.1", "4.1.0", "4.1.1"], source: "kafka-versions.yaml at strimzi-kafka-operator 0.50.1 (4.1.1 is its default)" },
];

/** Settings platform.yaml may leave out, sized for a laptop (a 5Gi volume, one 1Gi broker). */
export const KAFKA_DEFAULTS = {
  broker: { version: "4.1.1", memory: "1Gi", storage: "5Gi" },
  limits: {
    maxPartitionsPerTopic: 12,
    maxPartitionsPerTeam: 24,
    maxRetention: "30d",
    retentionBytesPerPartition: "256Mi",
    produceBytesPerSecond: "1Mi",
    consumeBytesPerSecond: "2Mi",
  },
} satisfies { broker: Required<KafkaBroker>; limits: Required<KafkaLimits> };

export interface KafkaSettings {
  broker: Required<KafkaBroker>;
  limits: Required<KafkaLimits>;
}

export function kafkaSettings(settings: ComponentSettings | undefined): KafkaSettings {
  const mine = (settings ?? {}) as { broker?: KafkaBroker; limits?: KafkaLimits };
  return { broker: { ...KAFKA_DEFAULTS.broker, ...mine.broker }, limits: { ...KAFKA_DEFAULTS.limits, ...mine.limits } };
}

const labels = (extra: Record<string, string> = {}) => ({ "strimzi.io/cluster": KAFKA_CLUSTER, ...extra, [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF });

function cluster(namespace: string, { broker }: KafkaSettings): KubeObject[] {
  const memory = bytes(broker.memory);
  // Half the pod's memory for the heap: the rest is page cache and metaspace (research: RSS ~450 MB at a 512 MB heap).
  const heap = `${Math.floor(memory / 2 / 2 ** 20)}m`;
  return [
    {
      apiVersion: KAFKA_API, kind: "KafkaNodePool",
      metadata: { name: KAFKA_NODE_POOL, namespace, labels: labels() },
      spec: {
        replicas: 1,
        roles: ["controller", "broker"],
        resources: { requests: { cpu: "250m", memory: String(broker.memory) }, limits: { memory: String(broker.memory) } },
        jvmOptions: { "-Xms": heap, "-Xmx": heap },
        storage: { type: "jbod", volumes: [{ id: 0, type: "persistent-claim", size: String(broker.storage), deleteClaim: false, kraftMetadata: "shared" }] },
      },
    },
    {
      apiVersion: KAFKA_API, kind: "Kafka",
      metadata: { name: KAFKA_CLUSTER, namespace, labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF } },
      spec: {
        kafka: {
          version: broker.version,
          listeners: [{ name: "scram", port: KAFKA_CLIENT_PORT, type: "internal", tls: false, authentication: { type: "scram-sha-512" } }],
          // Strimzi makes its own operators super users; everyone else gets exactly their ACLs.
          authorization: { type: "simple" },
          config: KAFKA_BROKER_CONFIG,
        },
        entityOperator: {
          // Both watch this namespace, where the platform puts every KafkaTopic and KafkaUser:
          // one User Operator per cluster (https://github.com/strimzi/strimzi-kafka-operator/issues/4003).
          topicOperator: { resources: { requests: { cpu: "50m", memory: "256Mi" }, limits: { memory: "384Mi" } } },
          userOperator: { resources: { requests: { cpu: "50m", memory: "256Mi" }, limits: { memory: "384Mi" } } },
        },
      },
    },
  ];
}

function teamObjects(namespace: string, team: TeamModel, { limits }: KafkaSettings): KubeObject[] {
  if (!team.data.topics.length) return [];
  const prefix = kafkaPrefix(team.name);
  const teamLabels = labels({ [LABELS.team]: team.name });
  const topics = team.data.topics.map((topic) => ({
    apiVersion: KAFKA_API, kind: "KafkaTopic",
    // The topic's name is the object's: `<team>.<topic>` is a valid object name.
    metadata: { name: topic.name, namespace, labels: teamLabels },
    spec: {
      partitions: topic.partitions,
      replicas: 1,
      config: { "retention.ms": topic.retentionMs, "retention.bytes": bytes(limits.retentionBytesPerPartition) },
    },
  }));
  const user = {
    apiVersion: KAFKA_API, kind: "KafkaUser",
    metadata: { name: dataPrincipal(team.name), namespace, labels: teamLabels },
    spec: {
      // The User Operator generates the password into Secret <namespace>/team-<name>.
      authentication: { type: "scram-sha-512" },
      authorization: {
        type: "simple",
        acls: [
          { type: "allow", resource: { type: "topic", name: prefix, patternType: "prefix" }, operations: ["Read", "Write", "Describe", "DescribeConfigs"] },
          { type: "allow", resource: { type: "group", name: prefix, patternType: "prefix" }, operations: ["Read", "Describe"] },
        ],
      },
      // Bytes per second, per broker, enforced by the broker.
      quotas: { producerByteRate: bytes(limits.produceBytesPerSecond), consumerByteRate: bytes(limits.consumeBytesPerSecond) },
    },
  };
  return [...topics, user];
}

export const KAFKA: ComponentDescriptor = {
  key: "kafka",
  title: "Kafka",
  application: "strimzi-kafka-operator",
  required: false,
  note: "Kafka (Strimzi) is required as soon as one team declares `data.topics`.",
  settingsDefinition: "KafkaComponent",
  defaults: { chart: { repoURL: "https://strimzi.io/charts/", name: "strimzi-kafka-operator", version: "0.50.1" }, namespace: "kafka" },
  wave: {
    wave: SYNC_WAVES.infrastructure,
    why: "Strimzi's CRDs and Cluster Operator come before the Kafka cluster that uses them. Server-side apply because its Kafka CRD (630 KB) is too large for client-side apply",
  },
  syncOptions: ["ServerSideApply=true"],
  ownedValues: [
    { pointer: "/watchNamespaces", why: "the Cluster Operator watches only its own namespace, where the platform declares the one Kafka cluster; a watched team namespace would let a team run brokers of its own" },
    { pointer: "/watchAnyNamespace", why: "the same: the platform's Kafka cluster is the only one" },
  ],
  values: () => ({ watchNamespaces: [], watchAnyNamespace: false }),
  chartKeys: [strimzi0501],
  compatibility: [
    {
      versions: /^0\.50\./,
      label: "Strimzi 0.50",
      kubernetes: { minMinor: 27, maxMinor: 34 },
      source: "strimzi-kafka-operator CHANGELOG.md at 0.50.1 (\"From Strimzi 0.48.0 on, we support only Kubernetes 1.27 and newer\"; volumeAttributesClass from 1.34); runs Kafka 4.0 and 4.1 in KRaft mode",
    },
    {
      versions: /^0\.51\./,
      label: "Strimzi 0.51",
      kubernetes: { minMinor: 30, maxMinor: 35 },
      source: "strimzi-kafka-operator CHANGELOG.md at 0.51.0: Kubernetes 1.30 and newer",
    },
  ],
  tenants: {
    network: [
      {
        name: "allow-kafka",
        direction: "egress",
        // The brokers; the bootstrap Service selects the same pods, and the policy is judged after DNAT.
        componentPods: { "strimzi.io/cluster": KAFKA_CLUSTER, "strimzi.io/broker-role": "true" },
        ports: [{ protocol: "TCP", port: KAFKA_CLIENT_PORT }],
        why: "the team's Spark pods read and write its topics on the brokers' SCRAM listener; the replication and control-plane listeners (9090, 9091) stay closed",
      },
    ],
  },
  objects: {
    application: "kafka-cluster",
    wave: {
      wave: SYNC_WAVES.dataServices,
      why: "needs Strimzi's CRDs (wave 0); Argo CD's health checks for Kafka, KafkaTopic and KafkaUser wait until the broker runs and every user's Secret exists",
    },
    build(model: PlatformModel, { settings }) {
      const mine = kafkaSettings(settings);
      return [...cluster(settings.namespace, mine), ...model.teams.flatMap((team) => teamObjects(settings.namespace, team, mine))];
    },
  },
  teamUses: [{ pointer: "/data/topics", what: "topics", asks: (team) => (team.data?.topics?.length ?? 0) > 0 }],
};
