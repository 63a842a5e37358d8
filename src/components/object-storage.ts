/**
 * Object storage: SeaweedFS from its chart (https://github.com/seaweedfs/seaweedfs),
 * an S3-compatible store under the Apache-2.0 licence, in its all-in-one mode
 * (master, volume server, filer and S3 gateway in one pod, the process the
 * harness runs as `weed server`). It replaces MinIO, the store the
 * architecture names: MinIO is AGPL-3.0 and its community edition has been
 * archived since February 2026, with no images or security fixes.
 *
 * Every team with `data.buckets` gets its buckets and an S3 identity allowed
 * on exactly those buckets; the data-credentials controller generates the
 * keys in the cluster and writes the store's identities file
 * (./data-credentials.ts), so no key is in git or in anything Argo CD renders.
 */
import seaweedfs4530 from "../../schemas/charts/seaweedfs-4.53.0.keys.json" with { type: "json" };
import { createHash } from "node:crypto";
import { allBuckets, ARTIFACTS_BUCKET } from "../model/data.js";
import { LABELS, MANAGED_BY, PART_OF, type KubeObject } from "../model/kube-object.js";
import type { PlatformModel } from "../model/platform-model.js";
import { mavenCentralUrl, SPARK_JARS, sparkJarFileName } from "../model/spark-artifacts.js";
import { SECURITY_CONTEXT, SPARK_IMAGE } from "../model/spark-image.js";
import { packageProgram } from "../load/package-file.js";
import { bytes } from "../model/quantity.js";
import type { ObjectStorageLimits } from "../types/platform.js";
import type { ComponentDescriptor, ComponentSettings } from "./component.js";
import { SYNC_WAVES } from "./gitops.js";

/** The Helm release: with the chart's name in it, the chart's fullname is the release's, and the Service `seaweedfs-all-in-one`. */
export const SEAWEEDFS_RELEASE = "seaweedfs";
export const SEAWEEDFS_DEPLOYMENT = `${SEAWEEDFS_RELEASE}-all-in-one`;
export const S3_PORT = 8333;
/** The Secret the chart mounts as the S3 gateway's identities file (`-s3.config`), and its key. */
export const S3_CONFIG_SECRET = { name: "seaweedfs-s3-config", key: "seaweedfs_s3_config" } as const;

export const s3Endpoint = (namespace: string): string => `http://${SEAWEEDFS_DEPLOYMENT}.${namespace}.svc:${S3_PORT}`;
/** The filer's HTTP API: platform-owned writers inside the store's namespace only, never the teams (it checks no S3 identity). */
const FILER_PORT = 8888;
/** The master's HTTP port; `weed shell` reaches its gRPC at + 10000, as the chart's Service exposes it. */
const MASTER_PORT = 9333;
/** Where the jars are: `<endpoint>/platform-artifacts/jars/<file>`, read without a key. */
export const artifactsUrl = (namespace: string, file: string): string => `${s3Endpoint(namespace)}/${ARTIFACTS_BUCKET}/jars/${file}`;

/** The all-in-one pod's labels (templates/all-in-one/all-in-one-deployment.yaml), which the tenants' egress policy selects. */
export const SEAWEEDFS_POD_LABELS = {
  "app.kubernetes.io/name": "seaweedfs",
  "app.kubernetes.io/instance": SEAWEEDFS_RELEASE,
  "app.kubernetes.io/component": SEAWEEDFS_DEPLOYMENT,
};

export const OBJECT_STORAGE_DEFAULTS = { storage: "10Gi", limits: { maxBucketsPerTeam: 5, bucketQuota: "512Mi" } } satisfies { storage: string; limits: Required<ObjectStorageLimits> };

export function objectStorageSettings(settings: ComponentSettings | undefined): { storage: string | number; limits: Required<ObjectStorageLimits> } {
  const mine = (settings ?? {}) as { storage?: string | number; limits?: ObjectStorageLimits };
  return { storage: mine.storage ?? OBJECT_STORAGE_DEFAULTS.storage, limits: { ...OBJECT_STORAGE_DEFAULTS.limits, ...mine.limits } };
}

/**
 * SeaweedFS's image at the chart's release. Its charts are versioned
 * `<release>.0` with appVersion `<release>` (chart 4.53.0 runs 4.53,
 * k8s/charts/seaweedfs/Chart.yaml); the compiler sets the chart's `image.tag`
 * to it as well, so the platform's own Job runs the very `weed` the store runs.
 */
export const seaweedfsImage = (chartVersion: string): { repository: string; tag: string } => ({
  repository: "chrislusf/seaweedfs",
  tag: chartVersion.replace(/\.0$/, ""),
});

/** A bucket's quota as `weed shell` takes it (`s3.bucket.quota -sizeMB`, MiB). */
export const quotaMiB = (quota: string | number): number => Math.floor(bytes(quota) / 1024 ** 2);

/**
 * The Job that gives every team bucket its quota. SeaweedFS keeps a bucket's
 * quota on its filer entry, set only through `weed shell` (s3.bucket.quota)
 * or an admin's S3 call; the chart's bucket hook sets none. The S3 gateway
 * itself enforces it (weed/s3api/bucket_size_metrics.go, every minute): a
 * bucket past its quota turns read-only, and writable again once under it.
 * Named after what it sets, so a new bucket or quota runs a new Job; it retries
 * (the failed command fails the script) until the chart's hook has made the buckets.
 */
function bucketQuotaObjects(model: PlatformModel, namespace: string, chartVersion: string, quota: string | number): KubeObject[] {
  const buckets = model.teams.flatMap((t) => allBuckets(t.data));
  if (buckets.length === 0) return [];
  const sizeMB = quotaMiB(quota);
  const script = ["set -eu", ...buckets.map((bucket) => `echo 's3.bucket.quota -name=${bucket} -op=set -sizeMB=${sizeMB}' | /usr/bin/weed shell`), ""].join("\n");
  const hash = createHash("sha256").update(script).digest("hex").slice(0, 10);
  const { repository, tag } = seaweedfsImage(chartVersion);
  const labels = { [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF };
  const service = `${SEAWEEDFS_DEPLOYMENT}.${namespace}`;
  return [{
    apiVersion: "batch/v1", kind: "Job",
    metadata: { name: `bucket-quotas-${hash}`, namespace, labels },
    spec: {
      backoffLimit: 10,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "OnFailure",
          containers: [{
            name: "set-quotas",
            image: `${repository}:${tag}`,
            command: ["/bin/sh", "-ec", script],
            // How the chart's own hook finds the store (templates/shared/post-install-bucket-hook.yaml).
            env: [
              { name: "WEED_CLUSTER_DEFAULT", value: "sw" },
              { name: "WEED_CLUSTER_SW_MASTER", value: `${service}:${MASTER_PORT}` },
              { name: "WEED_CLUSTER_SW_FILER", value: `${service}:${FILER_PORT}` },
            ],
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
            securityContext: { ...SECURITY_CONTEXT, readOnlyRootFilesystem: true },
            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
          }],
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: "16Mi" } }],
        },
      },
    },
  }];
}

/**
 * The Job that fills the public bucket with the jars Spark loads (programs/platform-artifacts.py):
 * named after the pinned table, so that a changed table runs a new Job and the old one is pruned.
 */
function artifactsObjects(namespace: string): KubeObject[] {
  const artifacts = SPARK_JARS.map((jar) => ({ url: mavenCentralUrl(jar), sha1: jar.sha1, file: sparkJarFileName(jar) }));
  const program = packageProgram("platform-artifacts.py");
  const hash = createHash("sha256").update(program).update(JSON.stringify(artifacts)).digest("hex").slice(0, 10);
  const labels = { [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF };
  return [
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "platform-artifacts-program", namespace, labels }, data: { "platform-artifacts.py": program } },
    {
      apiVersion: "batch/v1", kind: "Job",
      metadata: { name: `platform-artifacts-${hash}`, namespace, labels },
      spec: {
        backoffLimit: 6,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: "OnFailure",
            containers: [{
              name: "upload",
              image: SPARK_IMAGE,
              command: ["python3", "/opt/platform-artifacts/platform-artifacts.py"],
              env: [
                { name: "ARTIFACTS", value: JSON.stringify(artifacts) },
                { name: "TARGET", value: `http://${SEAWEEDFS_DEPLOYMENT}.${namespace}.svc:${FILER_PORT}/buckets/${ARTIFACTS_BUCKET}/jars/` },
                { name: "TMPDIR", value: "/work" },
              ],
              resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } },
              securityContext: { ...SECURITY_CONTEXT, readOnlyRootFilesystem: true },
              volumeMounts: [{ name: "program", mountPath: "/opt/platform-artifacts" }, { name: "work", mountPath: "/work" }],
            }],
            volumes: [{ name: "program", configMap: { name: "platform-artifacts-program" } }, { name: "work", emptyDir: { sizeLimit: "1Gi" } }],
          },
        },
      },
    },
  ];
}

/** Every bucket the platform creates: each team's, then the platform's own. */
export const platformBuckets = (model: PlatformModel): string[] => [...model.teams.flatMap((t) => allBuckets(t.data)), ARTIFACTS_BUCKET];

export const OBJECT_STORAGE: ComponentDescriptor = {
  key: "objectStorage",
  title: "Object storage (SeaweedFS)",
  application: SEAWEEDFS_RELEASE,
  required: false,
  note: "Object storage is required as soon as one team declares `data.buckets`.",
  settingsDefinition: "ObjectStorageComponent",
  defaults: { chart: { repoURL: "https://seaweedfs.github.io/seaweedfs/helm", name: "seaweedfs", version: "4.53.0" }, namespace: "object-storage" },
  wave: {
    wave: SYNC_WAVES.operators,
    why: "its pod mounts the identities Secret that `data-credentials` (wave 2) writes; the buckets are made by the chart's own hook after it is up",
  },
  syncOptions: [],
  ownedValues: [
    { pointer: "/allInOne/enabled", why: "one pod runs master, volume server, filer and S3 gateway: a quarter of the memory of the separate servers on a laptop" },
    { pointer: "/master/enabled", why: "the all-in-one pod runs it; the chart does not turn the separate servers off by itself" },
    { pointer: "/volume/enabled", why: "the all-in-one pod runs it" },
    { pointer: "/filer/enabled", why: "the all-in-one pod runs it" },
    { pointer: "/s3/enabled", why: "the all-in-one pod's S3 gateway is the one teams use" },
    { pointer: "/allInOne/s3", why: "the S3 gateway checks every request against the identities the platform generates (enableAuth, existingConfigSecret), and the buckets are the teams' (createBuckets)" },
    { pointer: "/allInOne/data", why: "a volume of `storage` size: the chart's default emptyDir loses every bucket when the pod restarts, which every key rotation does" },
    { pointer: "/allInOne/extraEnvironmentVars/WEED_MASTER_VOLUME_GROWTH_COPY_1", why: "one volume per bucket instead of seven: with seven, a few buckets fill the volume server and the next write fails" },
    { pointer: "/allInOne/extraArgs", why: "`-master.telemetry=false`: `weed server` otherwise reports usage to telemetry.seaweedfs.com, and the chart has no value for it" },
    { pointer: "/image/tag", why: "the chart's release, which the platform's bucket-quota Job runs too: one `weed` for the store and for what configures it" },
  ],
  // weed turns these into an identity allowed everything on every bucket
  // (weed/s3api/auth_credentials.go, loadEnvironmentVariableCredentials), beside the teams' confined ones.
  refusedValues: ["global/seaweedfs/extraEnvironmentVars", "allInOne/extraEnvironmentVars", "allInOne/secretExtraEnvironmentVars"].flatMap((at) =>
    ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].map((name) => ({
      pointer: `/${at}/${name}`,
      why: "SeaweedFS makes an S3 identity allowed everything on every bucket from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, beside the teams' confined identities",
    })),
  ),
  values: (model, settings) => {
    const { storage } = objectStorageSettings(settings);
    return {
      image: { tag: seaweedfsImage(settings.chart!.version).tag },
      master: { enabled: false },
      volume: { enabled: false },
      filer: { enabled: false },
      s3: { enabled: false },
      allInOne: {
        enabled: true,
        s3: {
          enabled: true,
          enableAuth: true,
          existingConfigSecret: S3_CONFIG_SECRET.name,
          createBuckets: platformBuckets(model).map((name) => ({ name })),
        },
        data: { type: "persistentVolumeClaim", size: String(storage) },
        extraEnvironmentVars: { WEED_MASTER_VOLUME_GROWTH_COPY_1: "1" },
        extraArgs: ["-master.telemetry=false"],
      },
    };
  },
  chartKeys: [seaweedfs4530],
  compatibility: [
    {
      versions: /^4\./,
      label: "SeaweedFS 4",
      kubernetes: { minMinor: 19, maxMinor: 35 },
      source: "chart 4.53.0 sets no kubeVersion; its templates know Kubernetes 1.19 (networking.k8s.io/v1 Ingress) to 1.35 (trafficDistribution PreferSameZone); rendered and run here on 1.28",
    },
  ],
  tenants: {
    network: [
      {
        name: "allow-object-storage",
        direction: "egress",
        componentPods: SEAWEEDFS_POD_LABELS,
        ports: [{ protocol: "TCP", port: S3_PORT }],
        why: "the team's Spark pods read and write its buckets through the S3 gateway, which checks their keys; the filer (8888), master (9333) and volume server (8080) stay closed: the filer's HTTP API checks no S3 identity",
      },
    ],
  },
  teamUses: [{ pointer: "/data/buckets", what: "buckets", asks: (team) => (team.data?.buckets?.length ?? 0) > 0 }],
  objects: {
    application: "platform-artifacts",
    wave: {
      wave: SYNC_WAVES.dataConsumers,
      why: "its Jobs write the jars Spark loads into the store of wave 3, before the History Servers (same wave) read them, and give the buckets the chart's hook made their quotas",
    },
    build: (model, { settings }) => [
      ...artifactsObjects(settings.namespace),
      ...bucketQuotaObjects(model, settings.namespace, settings.chart!.version, objectStorageSettings(settings).limits.bucketQuota),
    ],
  },
};
