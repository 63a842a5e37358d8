/**
 * One example SparkApplication per team: PySpark Pi or Scala SparkPi, shaped
 * by the team's `exampleJob`. Kept out of Argo CD's paths: a team runs it by
 * hand with `kubectl apply -f`.
 */
import type { TeamModel } from "../../model/platform-model.js";
import { LABELS, type KubeObject } from "../object.js";

export const SPARK_VERSION = "4.0.0";
export const SPARK_IMAGE = `docker.io/library/spark:${SPARK_VERSION}`;

/** Satisfies the `restricted` Pod Security level (the namespace warns on it). */
export const SECURITY_CONTEXT = {
  runAsUser: 185, runAsGroup: 185, runAsNonRoot: true, allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" },
};

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
      driver: {
        cores: job.driver.cores,
        // An explicit CPU limit: the LimitRange default may be lower than the request.
        coreLimit: String(job.driver.cores),
        memory: job.driver.memory,
        serviceAccount: team.serviceAccount,
        labels: { [LABELS.team]: team.name },
        securityContext: SECURITY_CONTEXT,
      },
      executor: {
        cores: job.executor.cores,
        coreLimit: String(job.executor.cores),
        instances: job.executor.instances,
        serviceAccount: team.serviceAccount,
        memory: job.executor.memory,
        labels: { [LABELS.team]: team.name },
        securityContext: SECURITY_CONTEXT,
      },
    },
  };
}
