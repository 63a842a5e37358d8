/**
 * The Spark Operator: runs every team's SparkApplications
 * (https://github.com/kubeflow/spark-operator).
 */
import sparkOperator230 from "../../schemas/charts/spark-operator-2.3.0.keys.json" with { type: "json" };
import { SYNC_WAVES } from "./gitops.js";
import type { ComponentDescriptor } from "./component.js";

const CRUD = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
const READ = ["get", "list", "watch"];

export const SPARK_OPERATOR: ComponentDescriptor = {
  key: "sparkOperator",
  title: "Spark Operator",
  application: "spark-operator",
  required: true,
  defaults: { chart: { repoURL: "https://kubeflow.github.io/spark-operator", name: "spark-operator", version: "2.3.0" }, namespace: "spark-operator" },
  wave: { wave: SYNC_WAVES.operators, why: "its chart expects the job namespaces to exist" },
  // The SparkApplication CRDs (about 800 KB each) are too large for client-side apply's last-applied annotation.
  syncOptions: ["ServerSideApply=true"],
  ownedValues: [
    { pointer: "/spark/jobNamespaces", why: "the namespaces of the teams, which the operator watches" },
    { pointer: "/spark/serviceAccount", why: "the overlays own every tenant's service account, so the chart's is off (`create: false`)" },
    { pointer: "/spark/rbac", why: "the overlays own every tenant's RBAC, so the chart's is off (`create: false`)" },
    {
      pointer: "/webhook/resourceQuotaEnforcement",
      why: "off: Spark Operator 2.3.0's quota check counts a job's memory twice and gives Scala jobs Python's overhead, so it refuses jobs that fit (https://github.com/kubeflow/spark-operator/pull/2866); the namespace's ResourceQuota refuses the pods that do not fit, with the quota's numbers",
    },
  ],
  values: (model) => ({
    spark: {
      jobNamespaces: model.teams.map((t) => t.namespace),
      // The tenant overlays own each team's service account and RBAC.
      serviceAccount: { create: false },
      rbac: { create: false },
    },
    // Off: the operator's quota check (internal/webhook/resourcequota.go at v2.3.0)
    // adds getMemoryLimits(), which returns the memory requests, to the requests,
    // so every job counts its memory twice, and it gives every type but Java the
    // non-JVM overhead of 0.4. It refuses a Scala job of 7,296Mi under a 12Gi
    // quota (it counts 17,203Mi). Kubernetes' ResourceQuota counts each pod as
    // it is created and refuses the one that does not fit, with the numbers; the
    // operator reports a refused driver as SUBMISSION_FAILED with that message.
    // No release counts memory once yet (the fix,
    // https://github.com/kubeflow/spark-operator/pull/2866, was closed unmerged):
    // turn it back on here for a release that does.
    webhook: { resourceQuotaEnforcement: { enable: false } },
  }),
  chartKeys: [sparkOperator230],
  compatibility: [
    {
      versions: /^2\./,
      label: "Spark Operator 2.x",
      kubernetes: { minMinor: 16, maxMinor: 33 },
      source: "kubeflow/spark-operator chart README (Kubernetes >= 1.16); 2.3.0 is built with client-go 0.32",
    },
  ],
  tenants: {
    // Teams submit and manage their own SparkApplications.
    rbac: [
      { apiGroups: ["sparkoperator.k8s.io"], resources: ["sparkapplications", "scheduledsparkapplications"], verbs: CRUD },
      { apiGroups: ["sparkoperator.k8s.io"], resources: ["sparkapplications/status", "scheduledsparkapplications/status"], verbs: READ },
    ],
    network: [
      {
        name: "allow-spark-operator", direction: "ingress", teamPods: { "spark-role": "driver" }, ports: [{ protocol: "TCP", port: 4040 }],
        why: "the operator's UI Service and Ingress reach the driver's Spark UI",
      },
    ],
  },
};
