/* Generated from schemas/team.schema.json by scripts/gen-types.mjs — do not edit. */

/**
 * Team name: lower-case letters, digits and '-', starting with a letter (a DNS-1123 label of at most 40 characters). Must equal the file name; the namespace is team-<name>, the queue <name>.
 */
export type TeamName = string;
/**
 * What the team runs, for reviewers: at most 500 characters of printable text on one or more lines, without control, line-separator, bidirectional or invisible characters (they could hide text from a reviewer).
 */
export type DescriptionPrintableText = string;
/**
 * Where to reach the team, e.g. a chat channel such as "#team-alpha": one line of at most 200 characters, without control, line-separator, bidirectional or invisible characters.
 */
export type ContactOneLineOfPrintableText = string;
/**
 * CPU, e.g. "4" or "500m".
 */
export type KubernetesQuantity = string | number;
/**
 * Memory, e.g. "8Gi".
 */
export type KubernetesQuantity1 = string | number;
/**
 * How long records are kept (default 7d); at most kafka.limits.maxRetention.
 */
export type Duration = string;

/**
 * One tenant of the Spark platform: teams/<name>.yaml. The compiler turns it into a namespace, quota, limits, service account, RBAC, network policies, an Argo CD AppProject and Application, and (for Volcano teams) a queue.
 */
export interface Team {
  name: TeamName;
  description?: DescriptionPrintableText;
  /**
   * People accountable for the tenant (e-mail addresses or handles such as @org/team). They review the team's pull requests (the generated CODEOWNERS) and are written on the team's namespace.
   *
   * @minItems 1
   * @maxItems 20
   */
  owners: [string, ...string[]];
  contact?: ContactOneLineOfPrintableText;
  /**
   * The environments the team is present in (`local`, and the names of environments/<name>.yaml); every one when absent. `npm run promote` adds the next one.
   *
   * @minItems 1
   * @maxItems 20
   */
  environments?:
    | [string]
    | [string, string]
    | [string, string, string]
    | [string, string, string, string]
    | [string, string, string, string, string]
    | [string, string, string, string, string, string]
    | [string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string]
    | [string, string, string, string, string, string, string, string, string, string, string]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ]
    | [
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string,
        string
      ];
  /**
   * Which scheduler places the team's Spark pods: the Kubernetes default scheduler, or Volcano with a queue of the team's own.
   */
  scheduler: "default" | "volcano";
  quota: Quota;
  limitRange: LimitRangeDefaults;
  queue?: Queue;
  exampleJob: ExampleJob;
  data?: DataNeeds;
}
/**
 * The namespace ResourceQuota.
 */
export interface Quota {
  requests: Resources;
  limits: Resources;
  /**
   * Maximum number of pods (at most 10000; a k3s node runs 110 by default).
   */
  pods: number;
}
/**
 * CPU and memory as Kubernetes quantities.
 */
export interface Resources {
  cpu: KubernetesQuantity;
  memory: KubernetesQuantity1;
}
/**
 * Container defaults, so that Spark pods without explicit resources are admitted under a quota on limits.
 */
export interface LimitRangeDefaults {
  defaultRequest: Resources;
  default: Resources;
}
/**
 * The team's Volcano queue (Volcano teams only). Named after the team.
 */
export interface Queue {
  /**
   * Relative share among busy queues.
   */
  weight: number;
  capability: Resources;
  guarantee?: Resources;
}
/**
 * The team's example Spark job, also the job shape that policy checks against quota and queue.
 */
export interface ExampleJob {
  /**
   * PySpark Pi or Scala SparkPi.
   */
  language: "pyspark" | "scala";
  driver?: Driver;
  executor?: Executors;
}
/**
 * The Spark driver pod.
 */
export interface Driver {
  /**
   * spark.driver.cores
   */
  cores?: number;
  /**
   * JVM heap in Spark's notation, at most 999t, e.g. "512m" or "2g".
   */
  memory?: string;
}
/**
 * The Spark executor pods.
 */
export interface Executors {
  /**
   * spark.executor.cores
   */
  cores?: number;
  /**
   * JVM heap in Spark's notation, at most 999t, e.g. "512m" or "2g".
   */
  memory?: string;
  /**
   * Number of executors.
   */
  instances?: number;
}
/**
 * Buckets and topics the team needs. The platform names them after the team (bucket <team>-<name>, topic <team>.<name>), so no team can name another's, creates them, and delivers the team's credentials as Secrets s3-credentials and kafka-credentials in its namespace. Needs the objectStorage and kafka components.
 */
export interface DataNeeds {
  /**
   * Bucket names without the team prefix: lower-case letters and digits only (the bucket is <team>-<name>).
   *
   * @maxItems 100
   */
  buckets?: string[];
  /**
   * Kafka topics without the team prefix (the topic is <team>.<name>).
   *
   * @maxItems 1000
   */
  topics?: Topic[];
}
export interface Topic {
  /**
   * Lower-case letters, digits and '-' (no '.' or '_': the first '.' separates the team).
   */
  name: string;
  /**
   * Partitions (default 1); at most kafka.limits.maxPartitionsPerTopic.
   */
  partitions?: number;
  retention?: Duration;
}
