/**
 * Argo CD AppProjects and Applications: the platform's components from their
 * Helm charts (src/components), the Volcano queues, and one Application per
 * team overlay, in sync waves (see SYNC_WAVES).
 */
import type { ChartSettings, InstalledComponent } from "../../components/component.js";
import { chartComponents, installedComponents } from "../../components/installed.js";
import { COMPONENTS } from "../../components/registry.js";
import { ENVIRONMENTS_OUTPUT, inEnvironment, LOCAL_ENVIRONMENT } from "../../model/environment.js";
import type { PlatformModel, TeamModel } from "../../model/platform-model.js";
import { mergeOver } from "../../model/merge.js";
import { LABELS, MANAGED_BY, PART_OF, type KubeObject } from "../object.js";
import { ARGO, SYNC_RETRY, SYNC_WAVES } from "../../components/gitops.js";

export const ARGO_API = "argoproj.io/v1alpha1";
export const PLATFORM_PROJECT = "platform";
/** The platform's AppProject in an environment: `platform` in local, `<env>-platform` in the others (one Argo CD holds them all). */
const platformProjectOf = (model: PlatformModel): string => `${model.environment.argoPrefix}${PLATFORM_PROJECT}`;

/** Where each Application's manifests live in the repository. */
export const PATHS = {
  applications: "generated/applications",
  queues: "generated/platform/queues",
  guardrails: "generated/platform/guardrails",
  namespaces: "generated/platform/namespaces",
  /** The objects the platform generates for a component (its descriptor's `objects`). */
  componentObjects: (application: string) => `generated/platform/${application}`,
  overlay: (team: string) => `generated/tenants/overlays/${team}`,
} as const;

const labels = (extra: Record<string, string> = {}) => ({ ...extra, [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF });

/** Both operators write their own caBundle into their webhook configurations. */
const IGNORE_WEBHOOK_CA = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"].map((kind) => ({
  group: "admissionregistration.k8s.io", kind, jqPathExpressions: [".webhooks[]?.clientConfig.caBundle"],
}));

/** Every Application's sync policy, the root's too (src/synth/bootstrap/argocd.ts). */
export const AUTOMATED = {
  automated: { prune: true, selfHeal: true },
  retry: SYNC_RETRY,
};

export function platformProject(model: PlatformModel): KubeObject {
  const repos = [model.platform.gitops.repoURL, ...chartComponents(model.platform).map((c) => c.settings.chart.repoURL)];
  return {
    apiVersion: ARGO_API, kind: "AppProject",
    metadata: { name: platformProjectOf(model), namespace: ARGO.namespace, labels: labels(), annotations: { [ARGO.syncWave]: String(SYNC_WAVES.projects) } },
    spec: {
      description: `Platform components, Volcano queues and tenant namespaces${model.environment.local ? "" : ` of environment ${model.environment.name}`} (owned by the platform team).`,
      sourceRepos: repos,
      destinations: [{ server: model.environment.server, namespace: "*" }],
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
      name: team.project, namespace: ARGO.namespace, labels: labels({ [LABELS.team]: team.name }), annotations: { [ARGO.syncWave]: String(SYNC_WAVES.projects) },
      // Removing a team prunes this project and its Application together: the finalizer
      // keeps the project until the Application has deleted its objects, which Argo CD
      // cannot do without it (https://github.com/argoproj/argo-cd/issues/3175).
      finalizers: [ARGO.resourcesFinalizer],
    },
    spec: {
      description: `Tenant objects of team ${team.name}, confined to namespace ${team.namespace} (owned by the platform team).`,
      sourceRepos: [model.platform.gitops.repoURL],
      destinations: [{ server: model.environment.server, namespace: team.namespace }],
      clusterResourceWhitelist: [],
      namespaceResourceWhitelist: kinds,
    },
  };
}

/** A component's Application: its chart, with the values the compiler owns merged over platform.yaml's. */
function helmApplication(model: PlatformModel, component: InstalledComponent & { settings: ChartSettings }): KubeObject {
  const { descriptor, settings } = component;
  // The release keeps the component's name in every environment: the charts' object names follow it.
  const release = descriptor.application;
  return {
    apiVersion: ARGO_API, kind: "Application",
    metadata: { name: `${model.environment.argoPrefix}${release}`, namespace: ARGO.namespace, labels: labels(), annotations: { [ARGO.syncWave]: String(descriptor.wave.wave) } },
    spec: {
      project: platformProjectOf(model),
      source: {
        repoURL: settings.chart.repoURL,
        chart: settings.chart.name,
        targetRevision: settings.chart.version,
        helm: { releaseName: release, valuesObject: componentValues(model, component) },
      },
      destination: { server: model.environment.server, namespace: settings.namespace },
      syncPolicy: { ...AUTOMATED, syncOptions: ["CreateNamespace=true", ...descriptor.syncOptions] },
      ignoreDifferences: IGNORE_WEBHOOK_CA,
    },
  };
}

/** An Application of a directory of this repository; `name` and `path` as local has them. */
function gitApplication(model: PlatformModel, name: string, wave: number, path: string, namespace: string, extra: { finalizer?: boolean; syncOptions?: string[]; team?: TeamModel }): KubeObject {
  return {
    apiVersion: ARGO_API, kind: "Application",
    metadata: {
      name: extra.team ? name : `${model.environment.argoPrefix}${name}`, namespace: ARGO.namespace,
      labels: labels(extra.team ? { [LABELS.team]: extra.team.name } : {}),
      annotations: { [ARGO.syncWave]: String(wave) },
      ...(extra.finalizer ? { finalizers: [ARGO.resourcesFinalizer] } : {}),
    },
    spec: {
      project: extra.team ? extra.team.project : platformProjectOf(model),
      source: { repoURL: model.platform.gitops.repoURL, targetRevision: model.platform.gitops.targetRevision, path: inEnvironment(model.environment, path) },
      destination: { server: model.environment.server, namespace },
      syncPolicy: { ...AUTOMATED, ...(extra.syncOptions ? { syncOptions: extra.syncOptions } : {}) },
    },
  };
}

/** The chart values of a component: platform.yaml's, with the ones the compiler owns merged over them. */
export function componentValues(model: PlatformModel, { descriptor, settings }: InstalledComponent): Record<string, unknown> {
  return mergeOver(settings.values ?? {}, descriptor.values(model, settings));
}

/** The components' Applications and the platform's own, in sync-wave order (components in registry order within a wave). */
export function platformApplications(model: PlatformModel): KubeObject[] {
  const components = installedComponents(model.platform);
  const apps = chartComponents(model.platform).map((component) => helmApplication(model, component));
  for (const { descriptor, settings } of components) {
    const objects = descriptor.objects;
    if (objects) apps.push(gitApplication(model, objects.application, objects.wave.wave, PATHS.componentObjects(objects.application), settings.namespace, { syncOptions: ["CreateNamespace=true", ...(objects.syncOptions ?? [])] }));
  }
  const volcano = components.find((c) => c.descriptor.key === "volcano");
  if (volcano) {
    // The queues are Volcano's kind: their Application exists with Volcano, in its namespace.
    apps.push(gitApplication(model, "volcano-queues", SYNC_WAVES.queues, PATHS.queues, volcano.settings.namespace, { syncOptions: ["ServerSideApply=true"] }));
  }
  // Admission policies and Namespaces are cluster-scoped; the destination namespace is unused.
  apps.push(gitApplication(model, "tenant-guardrails", SYNC_WAVES.guardrails, PATHS.guardrails, "default", {}));
  apps.push(gitApplication(model, "tenant-namespaces", SYNC_WAVES.namespaces, PATHS.namespaces, "default", {}));
  // Array.prototype.sort is stable: equal waves keep the order above.
  return apps.sort((a, b) => waveOf(a) - waveOf(b));
}

const waveOf = (app: KubeObject): number => Number(app.metadata.annotations![ARGO.syncWave]);

/**
 * Local's Applications of the other environments, one app-of-apps each: the one Argo CD (in local's
 * cluster) syncs each environment's Applications and projects, which deploy to its cluster. The last
 * wave: local, where Argo CD itself runs, is synced first, and no other environment can hold it up.
 */
export function environmentApplications(model: PlatformModel): KubeObject[] {
  return model.environment.all
    .filter((name) => name !== LOCAL_ENVIRONMENT)
    .map((name) => ({
      apiVersion: ARGO_API, kind: "Application",
      metadata: { name: `environment-${name}`, namespace: ARGO.namespace, labels: labels({ [LABELS.environment]: name }), annotations: { [ARGO.syncWave]: String(SYNC_WAVES.environments) } },
      spec: {
        project: PLATFORM_PROJECT,
        source: { repoURL: model.platform.gitops.repoURL, targetRevision: model.platform.gitops.targetRevision, path: `${ENVIRONMENTS_OUTPUT}/${name}/applications` },
        destination: { server: ARGO.inCluster, namespace: ARGO.namespace },
        syncPolicy: AUTOMATED,
      },
    }));
}

/** Removing a team prunes its objects (the finalizer); its Namespace is the platform's and is kept (./namespaces.ts). */
export function tenantApplicationFor(model: PlatformModel, team: TeamModel): KubeObject {
  return gitApplication(model, team.application, SYNC_WAVES.tenants, PATHS.overlay(team.name), team.namespace, { finalizer: true, team });
}


/** The platform's own Applications, for the sync-order table (the components' rows come from their descriptors). */
const OWN_APPLICATIONS = [
  { wave: SYNC_WAVES.projects, name: "AppProjects `platform` and `team-<name>`", why: "Applications need their project" },
  { wave: SYNC_WAVES.queues, name: "`volcano-queues`", why: "the Queue CRD comes from Volcano's wave (`SkipDryRunOnMissingResource`)" },
  { wave: SYNC_WAVES.guardrails, name: "`tenant-guardrails`" },
  { wave: SYNC_WAVES.namespaces, name: "`tenant-namespaces`", why: "a tenant's objects need its namespace" },
  { wave: SYNC_WAVES.tenants, name: "`tenant-<name>` (project `team-<name>`)", why: "namespaces before the operator that watches them" },
  { wave: SYNC_WAVES.environments, name: "`environment-<name>` (with `environments/`)", why: "local, where Argo CD runs, comes first, and no other environment can hold it up" },
];

/** The README's "Argo CD sync order" table: one row per wave (a test keeps them equal). */
export function syncOrderMarkdown(): string {
  const entries = [
    ...OWN_APPLICATIONS,
    ...COMPONENTS.flatMap((c) => {
      // When the Application exists: always, or with the components that install it.
      const when = c.required ? "" : `; with ${(c.impliedBy ?? [c.key]).map((k) => `\`${k}\``).join(" or ")}`;
      return [
        ...(c.defaults.chart ? [{
          wave: c.wave.wave,
          name: `\`${c.application}\` (Helm${c.syncOptions.includes("ServerSideApply=true") ? ", server-side apply" : ""}${when})`,
          why: c.wave.why,
        }] : []),
        ...(c.objects ? [{ wave: c.objects.wave.wave, name: `\`${c.objects.application}\` (${c.defaults.chart ? `${c.title}'s objects` : "objects"}${when})`, why: c.objects.wave.why }] : []),
      ];
    }),
  ];
  const waves = [...new Set(entries.map((e) => e.wave))].sort((a, b) => a - b);
  const rows = waves.map((wave) => {
    const here = entries.filter((e) => e.wave === wave);
    return `| ${wave} | ${here.map((e) => e.name).join(", ")} | ${here.flatMap((e) => (e.why ? [e.why] : [])).join("; ")} |`;
  });
  return ["| wave | Application | why this order |", "| --- | --- | --- |", ...rows].join("\n");
}
