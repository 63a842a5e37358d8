/**
 * A team's `data:`: what it asks of the data components, held to the names
 * each backend accepts, to prefixes no other team can reach, and to the
 * limits platform.yaml sets.
 */
import { chartComponents, installedComponents } from "../../components/installed.js";
import { kafkaSettings, STRIMZI_KAFKA_VERSIONS } from "../../components/kafka.js";
import { objectStorageSettings, platformBuckets, quotaMiB } from "../../components/object-storage.js";
import { COMPONENTS } from "../../components/registry.js";
import { allBuckets, bucketName, durationMs, EVENT_LOG_BUCKET, MAX_BUCKET_NAME, MAX_TOPIC_NAME } from "../../model/data.js";
import { PLATFORM_FILE } from "../../load/inputs.js";
import { bytes, formatApproximate, formatMemory } from "../../model/quantity.js";
import { sparkJarsBytes } from "../../model/spark-artifacts.js";
import { VALIDATION_DOCS, type SemanticRule } from "./rule.js";

export const dataComponentsInstalled: SemanticRule = {
  id: "data/component-missing",
  defaultSeverity: "error",
  description: "The components a team's `data:` needs are installed.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    const installed = new Set(installedComponents(model.platform).map((c) => c.descriptor.key));
    for (const descriptor of COMPONENTS) {
      if (installed.has(descriptor.key)) continue;
      for (const use of descriptor.teamUses ?? []) {
        for (const team of model.teams.filter((t) => use.asks(t.spec))) {
          report({
            file: team.file, path: use.pointer,
            message: `team \`${team.name}\` declares ${use.what}, which need ${descriptor.title}, but platform.yaml does not install it`,
            hint: `Ask the platform team to add \`components.${descriptor.key}\` to platform.yaml (README, "Data platform"), or remove \`${use.pointer.slice(1).replace(/\//g, ".")}\`.`,
          });
        }
      }
    }
  },
};

export const componentRequirementsMet: SemanticRule = {
  id: "platform/component-requires",
  defaultSeverity: "error",
  description: "A component is installed with the components it needs.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    const installed = installedComponents(model.platform);
    const keys = new Set(installed.map((c) => c.descriptor.key));
    for (const { descriptor, pointer } of installed) {
      for (const needed of descriptor.requires ?? []) {
        if (!keys.has(needed)) report({ file: PLATFORM_FILE, path: pointer, message: `${descriptor.title} needs \`components.${needed}\`, which platform.yaml does not install`, hint: `Add \`components.${needed}\`, or remove \`components.${descriptor.key}\`.` });
      }
    }
  },
};

export const bucketsValid: SemanticRule = {
  id: "data/bucket-invalid",
  defaultSeverity: "error",
  description: "A team's buckets are valid S3 bucket names once prefixed, not the platform's own, and within objectStorage.limits.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    const storage = chartComponents(model.platform).find((c) => c.descriptor.key === "objectStorage");
    const { limits } = objectStorageSettings(storage?.settings);
    const platformOwn = new Set(platformBuckets({ ...model, teams: [] }));
    for (const team of model.teams) {
      const buckets = team.spec.data?.buckets ?? [];
      if (storage && buckets.length > limits.maxBucketsPerTeam) {
        report({ file: team.file, path: "/data/buckets", message: `team \`${team.name}\` declares ${buckets.length} buckets; platform.yaml allows ${limits.maxBucketsPerTeam} per team (components.objectStorage.limits.maxBucketsPerTeam)`, hint: "Keep data apart by prefix inside fewer buckets, or ask the platform team to raise the limit." });
      }
      buckets.forEach((short, i) => {
        const name = bucketName(team.name, short);
        const path = `/data/buckets/${i}`;
        if (short === EVENT_LOG_BUCKET) {
          report({ file: team.file, path, message: `bucket \`${short}\` is reserved: the platform keeps team \`${team.name}\`'s Spark event logs in \`${name}\``, hint: "Choose another name." });
        } else if (platformOwn.has(name)) {
          report({ file: team.file, path, message: `bucket \`${name}\` is the platform's own`, hint: "Choose another name." });
        } else if (name.length > MAX_BUCKET_NAME) {
          report({ file: team.file, path, message: `bucket \`${name}\` is ${name.length} characters long; S3 allows ${MAX_BUCKET_NAME}`, hint: `Shorten \`${short}\` to ${MAX_BUCKET_NAME - team.name.length - 1} characters or fewer (the platform prefixes \`${team.name}-\`).` });
        }
      });
    }
  },
};

export const topicsValid: SemanticRule = {
  id: "data/topic-invalid",
  defaultSeverity: "error",
  description: "A team's topics are unique, valid Kafka topic names once prefixed, and within kafka.limits.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    const kafka = chartComponents(model.platform).find((c) => c.descriptor.key === "kafka");
    const { limits } = kafkaSettings(kafka?.settings);
    for (const team of model.teams) {
      const seen = new Map<string, number>();
      let partitions = 0;
      for (const [i, topic] of team.data.topics.entries()) {
        const earlier = seen.get(topic.short);
        if (earlier !== undefined) report({ file: team.file, path: `${topic.pointer}/name`, message: `topic \`${topic.short}\` is declared twice (also /data/topics/${earlier})`, hint: "Remove one of them." });
        seen.set(topic.short, i);
        partitions += topic.partitions;
        if (topic.name.length > MAX_TOPIC_NAME) {
          report({ file: team.file, path: `${topic.pointer}/name`, message: `topic \`${topic.name}\` is ${topic.name.length} characters long; Kafka allows ${MAX_TOPIC_NAME}`, hint: "Shorten the name." });
        }
        if (!kafka) continue;
        if (topic.partitions > limits.maxPartitionsPerTopic) {
          report({ file: team.file, path: `${topic.pointer}/partitions`, message: `${topic.partitions} partitions exceed components.kafka.limits.maxPartitionsPerTopic (${limits.maxPartitionsPerTopic}) in platform.yaml`, hint: `Use ${limits.maxPartitionsPerTopic} or fewer, or ask the platform team to raise the limit.` });
        }
        if (topic.retentionMs > durationMs(limits.maxRetention)) {
          report({ file: team.file, path: `${topic.pointer}/retention`, message: `retention ${team.spec.data!.topics![i].retention} exceeds components.kafka.limits.maxRetention (${limits.maxRetention}) in platform.yaml`, hint: `Use ${limits.maxRetention} or less.` });
        }
      }
      if (kafka && partitions > limits.maxPartitionsPerTeam) {
        report({ file: team.file, path: "/data/topics", message: `team \`${team.name}\`'s topics have ${partitions} partitions in all; platform.yaml allows ${limits.maxPartitionsPerTeam} per team (components.kafka.limits.maxPartitionsPerTeam)`, hint: "Use fewer partitions or topics, or ask the platform team to raise the limit." });
      }
    }
  },
};

/**
 * Every partition may hold retention.bytes on the one broker's volume; when
 * all of them together could hold more than the volume, the broker stops
 * when its disk fills, for every team at once.
 */
export const topicsFitBroker: SemanticRule = {
  id: "data/kafka-storage",
  defaultSeverity: "error",
  description: "All teams' partitions, each holding its retention bytes, fit the Kafka broker's volume.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    const kafka = chartComponents(model.platform).find((c) => c.descriptor.key === "kafka");
    if (!kafka) return;
    const { limits, broker } = kafkaSettings(kafka.settings);
    const partitions = model.teams.reduce((n, t) => n + t.data.topics.reduce((m, topic) => m + topic.partitions, 0), 0);
    const needed = partitions * bytes(limits.retentionBytesPerPartition);
    const volume = bytes(broker.storage);
    if (needed > volume) {
      const last = [...model.teams].reverse().find((t) => t.data.topics.length);
      report({
        file: last?.file ?? PLATFORM_FILE, path: last ? "/data/topics" : "/components/kafka",
        message: `all teams' topics have ${partitions} partitions × ${formatMemory(bytes(limits.retentionBytesPerPartition))} retention each = ${formatMemory(needed)}, more than the Kafka broker's volume (${formatMemory(volume)}): the broker would stop when its disk fills`,
        hint: "Use fewer partitions, or ask the platform team to raise components.kafka.broker.storage or lower limits.retentionBytesPerPartition.",
      });
    }
  },
};

/**
 * Every team bucket may grow to its quota, and the platform's bucket holds the
 * jars; when all of them together could hold more than the store's volume, the
 * volume fills and every team's writes fail at once, quotas or not.
 */
export const bucketsFitStore: SemanticRule = {
  id: "data/bucket-storage",
  defaultSeverity: "error",
  description: "All teams' buckets at their quota, with the platform's jars, fit the object store's volume.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    const storage = chartComponents(model.platform).find((c) => c.descriptor.key === "objectStorage");
    if (!storage) return;
    const settings = objectStorageSettings(storage.settings);
    const quota = bytes(settings.limits.bucketQuota);
    const quotaPath = (storage.settings.limits as { bucketQuota?: unknown } | undefined)?.bucketQuota !== undefined ? `${storage.pointer}/limits/bucketQuota` : storage.pointer;
    if (quotaMiB(settings.limits.bucketQuota) < 1) {
      report({ file: PLATFORM_FILE, path: quotaPath, message: `a bucket quota of ${settings.limits.bucketQuota} is below 1Mi, the smallest SeaweedFS sets (s3.bucket.quota -sizeMB)`, hint: "Use 1Mi or more, e.g. 512Mi." });
      return;
    }
    const buckets = model.teams.reduce((n, t) => n + allBuckets(t.data).length, 0);
    const needed = buckets * quota + sparkJarsBytes();
    const volume = bytes(settings.storage);
    if (needed > volume) {
      const last = [...model.teams].reverse().find((t) => t.data.buckets.length);
      report({
        file: last?.file ?? PLATFORM_FILE, path: last ? "/data/buckets" : storage.pointer,
        message: `all teams' ${buckets} buckets (event-log buckets included) × ${formatMemory(quota)} quota each, with the platform's jars (${formatApproximate("memory", sparkJarsBytes())}), make ${formatApproximate("memory", needed)}, more than the object store's volume (${formatMemory(volume)}): once it fills, every team's writes fail`,
        hint: "Use fewer buckets, or ask the platform team to raise components.objectStorage.storage or lower limits.bucketQuota.",
      });
    }
  },
};

export const kafkaVersionSupported: SemanticRule = {
  id: "platform/kafka-version",
  defaultSeverity: "error",
  description: "The Kafka version is one the pinned Strimzi release runs.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    const kafka = chartComponents(model.platform).find((c) => c.descriptor.key === "kafka");
    if (!kafka) return;
    const { broker } = kafkaSettings(kafka.settings);
    const line = STRIMZI_KAFKA_VERSIONS.find((l) => l.strimzi.test(kafka.settings.chart.version));
    if (line && !line.kafka.includes(broker.version)) {
      report({
        file: PLATFORM_FILE, path: (kafka.settings as { broker?: { version?: string } }).broker?.version ? "/components/kafka/broker/version" : "/components/kafka",
        message: `${line.label} does not run Kafka ${broker.version}: the Kafka resource would stay NotReady (source: ${line.source})`,
        hint: `Use one of ${line.kafka.join(", ")}.`,
      });
    }
  },
};
