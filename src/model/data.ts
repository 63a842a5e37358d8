/**
 * What a team's `data:` asks for, named the way every backend will see it.
 * The platform prefixes every name with the team so that no team can name
 * another's, and the prefixing is injective: a bucket's short name has no
 * '-', so the last '-' of `<team>-<bucket>` separates the two; a topic's has
 * no '.', so the first '.' of `<team>.<topic>` does, and the ACL prefix
 * `alpha.` never matches team `alpha-x`'s topics. Validation
 * (src/validate/semantic/data.ts) holds the short names to that.
 */
import type { Team } from "../types/team.js";

/** The bucket of every team with buckets where its Spark jobs write their event logs (the History Server reads it). */
export const EVENT_LOG_BUCKET = "eventlog";
/** Public jars the data jobs load with spark.jars (Apache-2.0, no data): read by anyone, written by the platform. */
export const ARTIFACTS_BUCKET = "platform-artifacts";
/** Team names the data platform keeps: `platform` + bucket `artifacts` would be ARTIFACTS_BUCKET. */
export const RESERVED_TEAM_NAMES = ["platform"];
/** The longest S3 bucket name (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
export const MAX_BUCKET_NAME = 63;
/** Kafka refuses longer topic names (org.apache.kafka.common.internals.Topic#MAX_NAME_LENGTH). */
export const MAX_TOPIC_NAME = 249;

export const bucketName = (team: string, short: string): string => `${team}-${short}`;
export const topicName = (team: string, short: string): string => `${team}.${short}`;
/** The prefix of a team's topics and consumer groups, and of nobody else's. */
export const kafkaPrefix = (team: string): string => `${team}.`;
/** A team's Kafka user (a KafkaUser, and the principal `User:team-<name>`) and its S3 identity. */
export const dataPrincipal = (team: string): string => `team-${team}`;
/** The History Servers' S3 identity (read-only on every event-log bucket), and the Secret its keys are delivered in. */
export const HISTORY_IDENTITY = { name: "spark-history", secret: "spark-history-s3" } as const;
/** The Secrets a team's pods read its credentials from, in its namespace. */
export const CREDENTIAL_SECRETS = { s3: "s3-credentials", kafka: "kafka-credentials" } as const;

export interface TopicNeed {
  /** As the team wrote it. */
  short: string;
  /** `<team>.<short>` */
  name: string;
  partitions: number;
  /** retention.ms */
  retentionMs: number;
  /** JSON pointer in the team file. */
  pointer: string;
}

export interface DataNeeds {
  /** Full bucket names the team asked for, in the order written. */
  buckets: string[];
  /** With buckets, the team's event-log bucket (last). */
  eventLogBucket?: string;
  topics: TopicNeed[];
}

export const DEFAULT_PARTITIONS = 1;
export const DEFAULT_RETENTION = "7d";

export function durationMs(duration: string): number {
  const amount = Number(duration.slice(0, -1));
  return amount * (duration.endsWith("d") ? 86_400_000 : 3_600_000);
}

export function dataNeeds(spec: Team): DataNeeds {
  const buckets = (spec.data?.buckets ?? []).map((short) => bucketName(spec.name, short));
  const topics = (spec.data?.topics ?? []).map((t, i) => ({
    short: t.name,
    name: topicName(spec.name, t.name),
    partitions: t.partitions ?? DEFAULT_PARTITIONS,
    retentionMs: durationMs(t.retention ?? DEFAULT_RETENTION),
    pointer: `/data/topics/${i}`,
  }));
  return { buckets, ...(buckets.length ? { eventLogBucket: bucketName(spec.name, EVENT_LOG_BUCKET) } : {}), topics };
}

/** Every bucket of a team: those it asked for, then its event-log bucket. */
export const allBuckets = (needs: DataNeeds): string[] => [...needs.buckets, ...(needs.eventLogBucket ? [needs.eventLogBucket] : [])];
