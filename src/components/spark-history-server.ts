/**
 * Spark's own History Server, from the jobs' Spark image (no chart needed):
 * one per team with buckets, reading the event logs the team's jobs write to
 * its `<team>-eventlog` bucket, with read-only keys of its own.
 *
 * One per team because Spark 4.0's spark.history.fs.logDirectory is a single
 * directory, listed without recursion: one server for every team would need
 * one shared directory every team may write (and so read and delete) in.
 * Several directories arrive with SPARK-55793 (https://github.com/apache/spark/pull/54575),
 * after 4.0; with it, these servers can become one.
 */
import { allBuckets, EVENT_LOG_BUCKET, bucketName, HISTORY_IDENTITY } from "../model/data.js";
import { LABELS, MANAGED_BY, PART_OF, type KubeObject } from "../model/kube-object.js";
import type { PlatformModel, TeamModel } from "../model/platform-model.js";
import { s3aSparkConf, sparkJarFileNames } from "../model/spark-artifacts.js";
import { SECURITY_CONTEXT, SPARK_IMAGE } from "../model/spark-image.js";
import { WITHOUT_CHART, type ComponentDescriptor } from "./component.js";
import { dataCredentialsObjectsIn } from "./data-credentials.js";
import { SYNC_WAVES } from "./gitops.js";
import { artifactsUrl, s3Endpoint } from "./object-storage.js";

export const HISTORY_PORT = 18080;

export const historyServerName = (team: string): string => `history-${team}`;
export const eventLogDir = (team: string): string => `s3a://${bucketName(team, EVENT_LOG_BUCKET)}/`;

/** The History Server's own settings, as spark-class reads them from SPARK_HISTORY_OPTS. */
export function historyServerOptions(team: string, s3Endpoint: string): Record<string, string> {
  return {
    "spark.history.fs.logDirectory": eventLogDir(team),
    "spark.history.fs.update.interval": "10s",
    "spark.history.ui.port": String(HISTORY_PORT),
    "spark.history.fs.cleaner.enabled": "true",
    "spark.history.fs.cleaner.maxAge": "7d",
    ...s3aSparkConf(s3Endpoint),
  };
}

const teamsWithBuckets = (model: PlatformModel): TeamModel[] => model.teams.filter((t) => allBuckets(t.data).length);

function historyServer(team: TeamModel, namespace: string, storageNamespace: string): KubeObject[] {
  const name = historyServerName(team.name);
  const selector = { "app.kubernetes.io/name": "spark-history-server", [LABELS.team]: team.name };
  const labels = { ...selector, [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF };
  const jars = sparkJarFileNames("historyServer");
  const options = Object.entries(historyServerOptions(team.name, s3Endpoint(storageNamespace))).map(([k, v]) => `-D${k}=${v}`).join(" ");
  const key = (env: string) => ({ name: env, valueFrom: { secretKeyRef: { name: HISTORY_IDENTITY.secret, key: env } } });
  // Fetches the S3A jars from the store's public bucket; waits while the artifacts Job fills it.
  const fetch = [
    "import sys, time, urllib.request",
    "for url in sys.argv[1:]:",
    "    while True:",
    "        try: urllib.request.urlretrieve(url, '/extra/' + url.rsplit('/', 1)[1]); break",
    "        except OSError as e: print(url, e, flush=True); time.sleep(10)",
  ].join("\n");
  return [
    {
      apiVersion: "apps/v1", kind: "Deployment",
      metadata: { name, namespace, labels },
      spec: {
        replicas: 1,
        strategy: { type: "Recreate" },
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            initContainers: [{
              name: "fetch-jars", image: SPARK_IMAGE,
              command: ["python3", "-c", fetch, ...jars.map((file) => artifactsUrl(storageNamespace, file))],
              resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
              securityContext: SECURITY_CONTEXT,
              volumeMounts: [{ name: "extra", mountPath: "/extra" }],
            }],
            containers: [{
              name: "history-server", image: SPARK_IMAGE,
              // In the foreground: the image's entrypoint runs any other command as it is.
              command: ["/opt/spark/bin/spark-class", "org.apache.spark.deploy.history.HistoryServer"],
              env: [
                { name: "SPARK_DAEMON_CLASSPATH", value: "/extra/*" },
                { name: "SPARK_DAEMON_MEMORY", value: "384m" },
                { name: "SPARK_HISTORY_OPTS", value: options },
                key("AWS_ACCESS_KEY_ID"), key("AWS_SECRET_ACCESS_KEY"),
              ],
              ports: [{ name: "http", containerPort: HISTORY_PORT }],
              readinessProbe: { httpGet: { path: "/api/v1/applications", port: "http" }, periodSeconds: 10 },
              resources: { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "768Mi" } },
              securityContext: SECURITY_CONTEXT,
              volumeMounts: [{ name: "extra", mountPath: "/extra" }],
            }],
            volumes: [{ name: "extra", emptyDir: { sizeLimit: "1Gi" } }],
          },
        },
      },
    },
    {
      apiVersion: "v1", kind: "Service",
      metadata: { name, namespace, labels },
      spec: { selector, ports: [{ name: "http", port: HISTORY_PORT, targetPort: "http" }] },
    },
  ];
}

export const SPARK_HISTORY_SERVER: ComponentDescriptor = {
  key: "sparkHistoryServer",
  title: "Spark History Server",
  application: "spark-history",
  required: false,
  note: "The Spark History Server needs object storage: it reads the teams' event logs from their `<team>-eventlog` buckets.",
  settingsDefinition: "SparkHistoryServerComponent",
  requires: ["objectStorage"],
  defaults: { namespace: "spark-history" },
  // Its Application is its objects' (below).
  wave: { wave: SYNC_WAVES.dataConsumers, why: "" },
  ...WITHOUT_CHART,
  tenants: {},
  objects: {
    application: "spark-history",
    wave: {
      wave: SYNC_WAVES.dataConsumers,
      why: "reads the event-log buckets and its keys, which SeaweedFS (wave 3) and `data-credentials` (wave 2) provide, and the jars the artifacts Job writes",
    },
    build(model, { settings }) {
      const storage = model.platform.components.objectStorage;
      if (!storage) return [];
      // With the grant that lets data-credentials deliver the servers' keys here: this namespace exists only from this wave on.
      return [
        ...teamsWithBuckets(model).flatMap((team) => historyServer(team, settings.namespace, storage.namespace)),
        ...dataCredentialsObjectsIn(model, settings.namespace),
      ];
    },
  },
};
