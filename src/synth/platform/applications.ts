/**
 * Argo CD AppProjects and Applications: the platform's components from their
 * Helm charts, the Volcano queues, and one Application per team overlay, in
 * sync waves (see SYNC_WAVES).
 */
import type { PlatformModel, TeamModel } from "../../model/platform-model.js";
import type { Component } from "../../types/platform.js";
import { ARGO, LABELS, MANAGED_BY, PART_OF, SYNC_WAVES, type KubeObject } from "../object.js";

export const ARGO_API = "argoproj.io/v1alpha1";
export const PLATFORM_PROJECT = "platform";
export const teamProject = (team: TeamModel): string => `team-${team.name}`;
export const tenantApplication = (team: TeamModel): string => `tenant-${team.name}`;

/** Where each Application's manifests live in the repository. */
export const PATHS = {
  applications: "generated/applications",
  queues: "generated/platform/queues",
  guardrails: "generated/platform/guardrails",
  namespaces: "generated/platform/namespaces",
  overlay: (team: string) => `generated/tenants/overlays/${team}`,
} as const;

/** Volcano admission paths. `/pods/mutate` is a no-op with the chart's config, yet fails closed on every pod in the cluster while the webhook is down. */
export const VOLCANO_ADMISSIONS = ["/jobs/mutate", "/jobs/validate", "/podgroups/mutate", "/pods/validate", "/queues/mutate", "/queues/validate"];

const labels = (extra: Record<string, string> = {}) => ({ ...extra, [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF });

/** Both operators write their own caBundle into their webhook configurations. */
const IGNORE_WEBHOOK_CA = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"].map((kind) => ({
  group: "admissionregistration.k8s.io", kind, jqPathExpressions: [".webhooks[]?.clientConfig.caBundle"],
}));

const AUTOMATED = {
  automated: { prune: true, selfHeal: true },
  retry: { limit: 10, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } },
};

export function platformProject(model: PlatformModel): KubeObject {
  const { components, gitops } = model.platform;
  const repos = [gitops.repoURL, components.sparkOperator.chart.repoURL, ...(components.volcano ? [components.volcano.chart.repoURL] : [])];
  return {
    apiVersion: ARGO_API, kind: "AppProject",
    metadata: { name: PLATFORM_PROJECT, namespace: ARGO.namespace, labels: labels(), annotations: { [ARGO.syncWave]: String(SYNC_WAVES.projects) } },
    spec: {
      description: "Platform components, Volcano queues and tenant namespaces (owned by the platform team).",
      sourceRepos: repos,
      destinations: [{ server: ARGO.inCluster, namespace: "*" }],
      clusterResourceWhitelist: [{ group: "*", kind: "*" }],
    },
  };
}

/**
 * The project of a team's tenant Application: Argo CD itself refuses anything
 * outside what the compiler means the overlay to hold, even if the compiler
 * were fooled. Only this repository, only the team's namespace, no
 * cluster-scoped kind at all, and of the namespaced kinds only those the
 * overlay renders (`kinds`, from the synthesis).
 */
export function teamAppProject(model: PlatformModel, team: TeamModel, kinds: Array<{ group: string; kind: string }>): KubeObject {
  return {
    apiVersion: ARGO_API, kind: "AppProject",
    metadata: {
      name: teamProject(team), namespace: ARGO.namespace, labels: labels({ [LABELS.team]: team.name }), annotations: { [ARGO.syncWave]: String(SYNC_WAVES.projects) },
      // Removing a team prunes this project and its Application together: the finalizer
      // keeps the project until the Application has deleted its objects, which Argo CD
      // cannot do without it (https://github.com/argoproj/argo-cd/issues/3175).
      finalizers: [ARGO.resourcesFinalizer],
    },
    spec: {
      description: `Tenant objects of team ${team.name}, confined to namespace ${team.namespace} (owned by the platform team).`,
      sourceRepos: [model.platform.gitops.repoURL],
      destinations: [{ server: ARGO.inCluster, namespace: team.namespace }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: kinds,
    },
  };
}

function helmApplication(name: string, wave: number, component: Component, values: Record<string, unknown>, extraSyncOptions: string[]): KubeObject {
  return {
    apiVersion: ARGO_API, kind: "Application",
    metadata: { name, namespace: ARGO.namespace, labels: labels(), annotations: { [ARGO.syncWave]: String(wave) } },
    spec: {
      project: PLATFORM_PROJECT,
      source: {
        repoURL: component.chart.repoURL,
        chart: component.chart.name,
        targetRevision: component.chart.version,
        helm: { releaseName: name, valuesObject: values },
      },
      destination: { server: ARGO.inCluster, namespace: component.namespace },
      syncPolicy: { ...AUTOMATED, syncOptions: ["CreateNamespace=true", ...extraSyncOptions] },
      ignoreDifferences: IGNORE_WEBHOOK_CA,
    },
  };
}

function gitApplication(model: PlatformModel, name: string, wave: number, path: string, namespace: string, extra: { finalizer?: boolean; syncOptions?: string[]; team?: TeamModel }): KubeObject {
  return {
    apiVersion: ARGO_API, kind: "Application",
    metadata: {
      name, namespace: ARGO.namespace,
      labels: labels(extra.team ? { [LABELS.team]: extra.team.name } : {}),
      annotations: { [ARGO.syncWave]: String(wave) },
      ...(extra.finalizer ? { finalizers: [ARGO.resourcesFinalizer] } : {}),
    },
    spec: {
      project: extra.team ? teamProject(extra.team) : PLATFORM_PROJECT,
      source: { repoURL: model.platform.gitops.repoURL, targetRevision: model.platform.gitops.targetRevision, path },
      destination: { server: ARGO.inCluster, namespace },
      syncPolicy: { ...AUTOMATED, ...(extra.syncOptions ? { syncOptions: extra.syncOptions } : {}) },
    },
  };
}

/** Chart values the compiler owns, merged over platform.yaml's. */
export function sparkOperatorValues(model: PlatformModel): Record<string, unknown> {
  return deepMerge(model.platform.components.sparkOperator.values ?? {}, {
    spark: {
      jobNamespaces: model.teams.map((t) => t.namespace),
      // The tenant overlays own each team's service account and RBAC.
      serviceAccount: { create: false },
      rbac: { create: false },
    },
    // Reject a SparkApplication that cannot fit its namespace's quota when it is
    // submitted, instead of failing later when the driver pod is refused.
    webhook: { resourceQuotaEnforcement: { enable: true } },
  });
}

export function volcanoValues(model: PlatformModel): Record<string, unknown> {
  return deepMerge(model.platform.components.volcano?.values ?? {}, { custom: { enabled_admissions: VOLCANO_ADMISSIONS.join(",") } });
}

export function platformApplications(model: PlatformModel): KubeObject[] {
  const { components } = model.platform;
  const apps: KubeObject[] = [];
  if (components.volcano) {
    // Server-side apply: the jobtemplates CRD is too large for client-side apply's annotation.
    apps.push(helmApplication("volcano", SYNC_WAVES.volcano, components.volcano, volcanoValues(model), ["ServerSideApply=true"]));
    apps.push(gitApplication(model, "volcano-queues", SYNC_WAVES.queues, PATHS.queues, components.volcano.namespace, { syncOptions: ["ServerSideApply=true"] }));
  }
  // Admission policies and Namespaces are cluster-scoped; the destination namespace is unused.
  apps.push(gitApplication(model, "tenant-guardrails", SYNC_WAVES.guardrails, PATHS.guardrails, "default", {}));
  apps.push(gitApplication(model, "tenant-namespaces", SYNC_WAVES.namespaces, PATHS.namespaces, "default", {}));
  apps.push(helmApplication("spark-operator", SYNC_WAVES.sparkOperator, components.sparkOperator, sparkOperatorValues(model), ["ServerSideApply=true"]));
  return apps;
}

/** Removing a team prunes its objects (the finalizer); its Namespace is the platform's and is kept (./namespaces.ts). */
export function tenantApplicationFor(model: PlatformModel, team: TeamModel): KubeObject {
  return gitApplication(model, tenantApplication(team), SYNC_WAVES.tenants, PATHS.overlay(team.name), team.namespace, { finalizer: true, team });
}

export function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isMap(current) && isMap(value) ? deepMerge(current, value) : structuredClone(value);
  }
  return out;
}
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
