/**
 * One example SparkApplication per team: PySpark Pi or Scala SparkPi, shaped
 * by the team's `exampleJob`. Kept out of Argo CD's paths: a team runs it by
 * hand with `kubectl apply -f`.
 */
import { artifactsUrl, s3Endpoint } from "../../components/object-storage.js";
import { CREDENTIAL_SECRETS, kafkaPrefix } from "../../model/data.js";
import type { PlatformModel, TeamModel } from "../../model/platform-model.js";
import { s3aSparkConf, sparkJarFileNames } from "../../model/spark-artifacts.js";
import { packageProgram } from "../../load/package-file.js";
import { LABELS, type KubeObject } from "../object.js";

import { SECURITY_CONTEXT, SPARK_IMAGE, SPARK_VERSION } from "../../model/spark-image.js";

export { SECURITY_CONTEXT, SPARK_IMAGE, SPARK_VERSION } from "../../model/spark-image.js";

export const exampleName = (team: TeamModel): string => (team.job.language === "pyspark" ? "pyspark-pi" : "spark-pi");

export function exampleSparkApplication(team: TeamModel): KubeObject {
  const { job } = team;
  const language = job.language === "pyspark"
    ? { type: "Python", pythonVersion: "3", mainApplicationFile: "local:///opt/spark/examples/src/main/python/pi.py" }
    : { type: "Scala", mainClass: "org.apache.spark.examples.SparkPi", mainApplicationFile: `local:///opt/spark/examples/jars/spark-examples_2.13-${SPARK_VERSION}.jar` };
  return {
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "SparkApplication",
    metadata: { name: exampleName(team), namespace: team.namespace, labels: { [LABELS.team]: team.name } },
    spec: {
      ...language,
      mode: "cluster",
      image: SPARK_IMAGE,
      imagePullPolicy: "IfNotPresent",
      arguments: ["100"],
      sparkVersion: SPARK_VERSION,
      restartPolicy: { type: "Never" },
      ...(team.queueName ? { batchScheduler: "volcano", batchSchedulerOptions: { queue: team.queueName } } : {}),
      ...sparkPods(team),
    },
  };
}

/** Driver and executors as the team's quota, LimitRange and guardrails expect them, with extra fields for each. */
function sparkPods(team: TeamModel, extra: { driver?: Record<string, unknown>; executor?: Record<string, unknown> } = {}): Record<string, unknown> {
  const { job } = team;
  return {
    driver: {
      cores: job.driver.cores,
      // An explicit CPU limit: the LimitRange default may be lower than the request.
      coreLimit: String(job.driver.cores),
      memory: job.driver.memory,
      serviceAccount: team.serviceAccount,
      labels: { [LABELS.team]: team.name },
      securityContext: SECURITY_CONTEXT,
      ...extra.driver,
    },
    executor: {
      cores: job.executor.cores,
      coreLimit: String(job.executor.cores),
      instances: job.executor.instances,
      serviceAccount: team.serviceAccount,
      memory: job.executor.memory,
      labels: { [LABELS.team]: team.name },
      securityContext: SECURITY_CONTEXT,
      ...extra.executor,
    },
  };
}

export const DATA_EXAMPLE = { name: "events-to-parquet", program: "kafka_to_parquet.py", mountPath: "/opt/spark/work-dir/job" } as const;
export const dataExampleConfigMap = (team: TeamModel): string => `${team.name}-data-example`;

/**
 * The team's example data job, when it has a topic and a bucket: its first
 * topic copied into Parquet in its first bucket by Structured Streaming
 * (programs/kafka_to_parquet.py, in a ConfigMap next to it), its event log in
 * the team's event-log bucket. Every credential comes from the team's Secrets
 * as environment variables, none is in the SparkApplication.
 */
export function exampleDataJob(model: PlatformModel, team: TeamModel): KubeObject[] {
  const { kafka, objectStorage } = model.platform.components;
  const [topic] = team.data.topics;
  const [bucket] = team.data.buckets;
  if (!kafka || !objectStorage || !topic || !bucket || !team.data.eventLogBucket) return [];
  const fromSecret = (secret: string, key: string, name = key) => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });
  const s3Keys = [fromSecret(CREDENTIAL_SECRETS.s3, "AWS_ACCESS_KEY_ID"), fromSecret(CREDENTIAL_SECRETS.s3, "AWS_SECRET_ACCESS_KEY")];
  const labels = { [LABELS.team]: team.name };
  return [
    {
      apiVersion: "v1", kind: "ConfigMap",
      metadata: { name: dataExampleConfigMap(team), namespace: team.namespace, labels },
      data: { [DATA_EXAMPLE.program]: packageProgram(DATA_EXAMPLE.program) },
    },
    {
      apiVersion: "sparkoperator.k8s.io/v1beta2",
      kind: "SparkApplication",
      metadata: { name: DATA_EXAMPLE.name, namespace: team.namespace, labels },
      spec: {
        type: "Python",
        pythonVersion: "3",
        mode: "cluster",
        image: SPARK_IMAGE,
        imagePullPolicy: "IfNotPresent",
        mainApplicationFile: `local://${DATA_EXAMPLE.mountPath}/${DATA_EXAMPLE.program}`,
        arguments: [topic.name, `s3a://${bucket}/${topic.short}/`, `s3a://${bucket}/_checkpoints/${topic.short}`, `${kafkaPrefix(team.name)}spark`],
        sparkVersion: SPARK_VERSION,
        restartPolicy: { type: "Never" },
        ...(team.queueName ? { batchScheduler: "volcano", batchSchedulerOptions: { queue: team.queueName } } : {}),
        sparkConf: {
          // From the store's public bucket: the team's pods reach nothing outside the cluster.
          "spark.jars": sparkJarFileNames("job").map((file) => artifactsUrl(objectStorage.namespace, file)).join(","),
          ...s3aSparkConf(s3Endpoint(objectStorage.namespace)),
          "spark.eventLog.enabled": "true",
          "spark.eventLog.dir": `s3a://${team.data.eventLogBucket}/`,
        },
        volumes: [{ name: "job", configMap: { name: dataExampleConfigMap(team) } }],
        ...sparkPods(team, {
          driver: {
            env: [
              ...s3Keys,
              fromSecret(CREDENTIAL_SECRETS.kafka, "bootstrap.servers", "KAFKA_BOOTSTRAP_SERVERS"),
              fromSecret(CREDENTIAL_SECRETS.kafka, "sasl.jaas.config", "KAFKA_SASL_JAAS_CONFIG"),
            ],
            volumeMounts: [{ name: "job", mountPath: DATA_EXAMPLE.mountPath }],
          },
          executor: { env: s3Keys },
        }),
      },
    },
  ];
}
