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
    { pointer: "/webhook/resourceQuotaEnforcement", why: "on, so a SparkApplication that cannot fit its namespace's quota is refused when it is submitted" },
  ],
  values: (model) => ({
    spark: {
      jobNamespaces: model.teams.map((t) => t.namespace),
      // The tenant overlays own each team's service account and RBAC.
      serviceAccount: { create: false },
      rbac: { create: false },
    },
    // Reject a SparkApplication that cannot fit its namespace's quota when it is
    // submitted, instead of failing later when the driver pod is refused.
    webhook: { resourceQuotaEnforcement: { enable: true } },
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
