/**
 * The jars Spark needs beyond its own distribution to run the teams' data jobs
 * (Kafka source, S3A filesystem) and the History Server (S3A only), and the S3A
 * settings they share. One table: the compiler puts it into the SparkApplications,
 * the History Server and the artefacts Job; the README's matrix and the tests read it.
 *
 * The official `spark` image carries none of these. Every version follows from
 * Spark's own: hadoop-aws must be exactly the Hadoop that Spark bundles
 * (hadoop-client-api-3.4.1.jar in Spark 4.0.0's jars/), since S3A calls
 * Hadoop-internal APIs that change between releases
 * (https://hadoop.apache.org/docs/r3.4.1/hadoop-aws/tools/hadoop-aws/troubleshooting_s3a.html#classpath),
 * and the rest are what those two artefacts declare as runtime dependencies and
 * Spark does not already ship.
 */

import { SPARK_VERSION } from "./spark-image.js";

/** The Spark release these jars belong to (its bundled Hadoop and Scala decide the rest): the platform's. */
export const SPARK_ARTIFACTS_SPARK_VERSION = SPARK_VERSION;
/** The Hadoop that Spark 4.0.0 bundles (jars/hadoop-client-api-3.4.1.jar). */
export const SPARK_BUNDLED_HADOOP_VERSION = "3.4.1";

/** Who loads a jar: the data jobs, the History Server, or both. */
export type SparkJarUser = "job" | "historyServer";

export interface SparkJar {
  group: string;
  artifact: string;
  version: string;
  /** SHA-1 of the jar as Maven Central publishes it (`<jar>.sha1`). */
  sha1: string;
  /** Its size in bytes (Content-Length on Maven Central): the platform's bucket holds them all, beside the teams' quotas. */
  bytes: number;
  /** Why it is here: which artefact pulls it, and what pins its version. */
  why: string;
  usedBy: readonly SparkJarUser[];
}

export const SPARK_JARS: readonly SparkJar[] = [
  {
    group: "org.apache.hadoop",
    artifact: "hadoop-aws",
    version: SPARK_BUNDLED_HADOOP_VERSION,
    sha1: "641d8fe1d7683cdcc05cc3a794c0374553f6bd6a",
    bytes: 865_554,
    why: "the S3A filesystem (s3a:// paths); must equal the Hadoop bundled with Spark 4.0.0 (hadoop-client-api-3.4.1.jar)",
    usedBy: ["job", "historyServer"],
  },
  {
    group: "software.amazon.awssdk",
    artifact: "bundle",
    version: "2.24.6",
    sha1: "242317b028d951dbbf6a142241e041b684696a3b",
    bytes: 558_001_584,
    why:
      "the shaded AWS SDK v2 that hadoop-aws 3.4.1 declares (558 MB). Its other runtime dependency, wildfly-openssl, " +
      "serves only fs.s3a.ssl.channel.mode=openssl and is left out",
    usedBy: ["job", "historyServer"],
  },
  {
    group: "org.apache.spark",
    artifact: "spark-sql-kafka-0-10_2.13",
    version: SPARK_ARTIFACTS_SPARK_VERSION,
    sha1: "7f3974645d9b7b9ca8ff570baaa0c5d84a23b85e",
    bytes: 467_590,
    why: "Structured Streaming's Kafka source; Spark's own version and Scala 2.13",
    usedBy: ["job"],
  },
  {
    group: "org.apache.spark",
    artifact: "spark-token-provider-kafka-0-10_2.13",
    version: SPARK_ARTIFACTS_SPARK_VERSION,
    sha1: "bb6fa56777661c2860cc5a9b7361fb1db7255554",
    bytes: 64_975,
    why: "declared by spark-sql-kafka-0-10_2.13:4.0.0 (Kafka client configuration and delegation tokens)",
    usedBy: ["job"],
  },
  {
    group: "org.apache.kafka",
    artifact: "kafka-clients",
    version: "3.9.0",
    sha1: "e87443101adb03975297788cf7f2b5387c3cfe2d",
    bytes: 9_204_801,
    why: "declared by spark-sql-kafka-0-10_2.13:4.0.0; speaks SASL/SCRAM to the Kafka 4.x brokers",
    usedBy: ["job"],
  },
  {
    group: "org.apache.commons",
    artifact: "commons-pool2",
    version: "2.12.0",
    sha1: "458563f69fbdaebf7daadfe10dc3a22e42a7de50",
    bytes: 150_048,
    why: "declared by spark-sql-kafka-0-10_2.13:4.0.0 (its consumer pool); Spark ships only commons-pool 1.5.4. " +
      "Its other dependencies (scala-parallel-collections, jsr305, spark-tags) are in Spark's jars/",
    usedBy: ["job"],
  },
];

/** The file name Maven Central gives the jar, e.g. hadoop-aws-3.4.1.jar. */
export function sparkJarFileName(jar: SparkJar): string {
  return `${jar.artifact}-${jar.version}.jar`;
}

/** What the artefacts bucket holds: every jar once. */
export const sparkJarsBytes = (): number => SPARK_JARS.reduce((sum, jar) => sum + jar.bytes, 0);

/** The jar's URL on Maven Central (its `.sha1` is next to it). */
export function mavenCentralUrl(jar: SparkJar): string {
  return `https://repo1.maven.org/maven2/${jar.group.replaceAll(".", "/")}/${jar.artifact}/${jar.version}/${sparkJarFileName(jar)}`;
}

/** The jars' file names, in table order: all of them, or those one user loads. */
export function sparkJarFileNames(user?: SparkJarUser): string[] {
  return SPARK_JARS.filter((jar) => user === undefined || jar.usedBy.includes(user)).map(sparkJarFileName);
}

/**
 * S3A reads the keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, which the
 * pods take from the team's Secret, so no key is ever in a Spark property (and
 * so never in an event log or the Spark UI). S3A 3.4 accepts AWS SDK v2
 * providers by class name (hadoop-aws aws_sdk_upgrade.md; it even remaps the
 * v1 name of this class to it).
 */
export const S3A_CREDENTIALS_PROVIDER = "software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider";

/** Spark properties that point S3A at the platform's S3 endpoint; the same for jobs and the History Server. */
export function s3aSparkConf(endpoint: string): Record<string, string> {
  return {
    "spark.hadoop.fs.s3a.endpoint": endpoint,
    // SigV4 needs a region; S3-compatible stores accept the SDK's default one.
    "spark.hadoop.fs.s3a.endpoint.region": "us-east-1",
    // Virtual-hosted buckets (<bucket>.<host>) need wildcard DNS that an in-cluster Service does not have.
    "spark.hadoop.fs.s3a.path.style.access": "true",
    // The platform's S3 endpoint is plain HTTP inside the cluster (TLS is not set up; see the README).
    "spark.hadoop.fs.s3a.connection.ssl.enabled": "false",
    "spark.hadoop.fs.s3a.aws.credentials.provider": S3A_CREDENTIALS_PROVIDER,
  };
}
