/**
 * A platform component: software Argo CD installs, from a Helm chart and/or
 * from objects the platform generates, named by one key under `components:`
 * in platform.yaml. Everything the compiler knows
 * about it lives in its descriptor (one file in this folder) so that adding a
 * component is that file plus one line in ./registry.ts, the way Kustomize
 * lists a chart as a `helmCharts:` entry rather than as code.
 *
 * The schema, the Argo CD Applications and AppProject, the sync waves, the
 * version matrix, the Helm values check, the tenants' RBAC and NetworkPolicies,
 * the README's tables and the test harness all read the registry.
 */
import type { PlatformModel } from "../model/platform-model.js";
import type { KubeObject } from "../model/kube-object.js";
import type { HelmChart } from "../types/platform.js";
import type { Team } from "../types/team.js";

/**
 * A component's settings in platform.yaml, as every stage reads them: the
 * schema definition its descriptor names gives each component its own shape
 * (a chart, or none; settings of its own such as Kafka's limits).
 */
export interface ComponentSettings {
  /** Absent for a component the platform deploys from its own objects only. */
  chart?: HelmChart;
  namespace: string;
  values?: { [k: string]: unknown };
  [setting: string]: unknown;
}

/** A component deployed from a chart, with its settings narrowed so. */
export interface ChartSettings extends ComponentSettings {
  chart: HelmChart;
}

/** A Kubernetes minor range, 1.x. */
export interface KubernetesRange {
  /** Lowest supported minor of Kubernetes 1.x. */
  minMinor: number;
  /** Highest supported minor of Kubernetes 1.x. */
  maxMinor: number;
  /** Minors inside the range that are known not to be supported. */
  gaps?: number[];
}

/** Which Kubernetes minors one line of a component's releases supports, and where that fact comes from. */
export interface VersionSupport {
  /** Matches the version as written in platform.yaml (chart version, or Argo CD tag). */
  versions: RegExp;
  /** "Volcano 1.8" */
  label: string;
  kubernetes: KubernetesRange;
  source: string;
}

/** The keys a chart's values accept, derived from its values.yaml by scripts/chart-keys.mjs. */
export type KeyTree = { [key: string]: KeyTree | true | "*" };
export interface ChartKeys {
  /** name@version */
  chart: string;
  keys: unknown;
}

/** A Helm value the compiler sets; platform.yaml setting it (or anything below it) is an error. */
export interface OwnedValue {
  /** JSON pointer below `values`, e.g. /spark/jobNamespaces */
  pointer: string;
  /** Why the compiler owns it (README, "Who owns what"). */
  why: string;
}

/** A Helm value platform.yaml may never set, though the compiler does not set it either. */
export interface RefusedValue {
  /** JSON pointer below `values`. */
  pointer: string;
  /** What it would do to the running platform. */
  why: string;
}

/** An RBAC rule a tenant's driver Role gets. */
export interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/**
 * A path the tenants' default-deny NetworkPolicy opens between the component's
 * namespace and a team's pods: `ingress` for the component reaching the
 * team's pods, `egress` for the team's pods reaching the component.
 */
export interface NetworkPath {
  /** The NetworkPolicy's name (before the overlay's `<team>-` prefix). */
  name: string;
  direction: "ingress" | "egress";
  /** The team's pods it applies to (labels); every pod when absent. */
  teamPods?: Record<string, string>;
  /** The component's pods on the other end (labels); every pod of its namespace when absent. */
  componentPods?: Record<string, string>;
  ports: Array<{ protocol: "TCP" | "UDP"; port: number }>;
  why: string;
}

/**
 * Access a component's own ServiceAccount needs and its chart does not grant:
 * the platform grants it with a ClusterRole and ClusterRoleBinding of its own
 * (src/synth/platform/grants.ts), for the chart versions that lack it.
 */
export interface ServiceAccountGrant {
  /** Names the ClusterRole and its binding, after the Application: `<application>-<name>`. */
  name: string;
  /** The chart's ServiceAccount, named after the Helm release (the Application), in the component's namespace. */
  serviceAccount: (release: string) => string;
  rules: RbacRule[];
  /** The chart versions that lack it (as written in platform.yaml). */
  versions: RegExp;
  /** What breaks without it, with the upstream issue (README and the objects' description). */
  why: string;
}

/** What the tenants may reach of a component. */
export interface TenantReach {
  /** Added to every team's driver Role (the tenant base). */
  rbac?: RbacRule[];
  /** Added to the driver Role of the teams this component schedules (`scheduler`), by a Kustomize Component of that name. */
  scheduledTeamRbac?: RbacRule[];
  /** NetworkPolicies in the tenant base, to or from the component's namespace. */
  network?: NetworkPath[];
}

/**
 * Objects the platform generates for a component beside its chart (Kafka's
 * cluster, topics and users) or instead of one (the History Server's
 * Deployments), written to generated/platform/<application>/ and synced by a
 * git Application of that name in the platform's project.
 */
export interface PlatformObjects {
  /** Their Application; a component without a chart has one Application, its own. */
  application: string;
  /** Argo CD sync wave of that Application, and why there. */
  wave: { wave: number; why: string };
  /** Extra Argo CD sync options of that Application. */
  syncOptions?: string[];
  /** Every object, namespaced ones with their namespace. */
  build(model: PlatformModel, component: InstalledComponent): KubeObject[];
}

/** Something a team file asks of a component: validation refuses it while the component is not installed. */
export interface TeamUse {
  /** JSON pointer in the team file, e.g. /data/topics */
  pointer: string;
  /** "topics" */
  what: string;
  asks(team: Team): boolean;
}

export interface ComponentDescriptor {
  /** Its key under `components:` in platform.yaml, e.g. sparkOperator. */
  key: string;
  /** As a person names it: "Spark Operator". */
  title: string;
  /** The Argo CD Application and Helm release, e.g. spark-operator. */
  application: string;
  /** Whether platform.yaml must install it. */
  required: boolean;
  /** A sentence for the schema's `components` description, e.g. when an optional component is needed. */
  note?: string;
  /** Its settings' definition in schemas/platform.schema.json (default `Component`: a chart, a namespace, values). */
  settingsDefinition?: string;
  /**
   * The platform installs it, with its defaults, whenever one of these
   * components is installed; platform.yaml does not name it (no key in the schema).
   */
  impliedBy?: string[];
  /** Other components it cannot work without (validation: an error naming the fix). */
  requires?: string[];
  /** The chart and namespace the platform is tested with (platform.yaml names its own); no chart for a component of objects only. */
  defaults: { chart?: HelmChart; namespace: string };
  /** Argo CD sync wave of its Application, and why there (README, "Argo CD sync order"). */
  wave: { wave: number; why: string };
  /** Extra Argo CD sync options of its Application (CreateNamespace is always on). */
  syncOptions: string[];
  /** The Helm values the compiler owns, and how it computes them: merged over platform.yaml's. */
  ownedValues: OwnedValue[];
  /** Values that would undo the platform's safety (e.g. a key with every right); refused like owned ones. */
  refusedValues?: RefusedValue[];
  values(model: PlatformModel, settings: ComponentSettings): Record<string, unknown>;
  /** The value keys of each chart version the compiler can check. */
  chartKeys: ChartKeys[];
  /** Its releases and the Kubernetes minors they support. */
  compatibility: VersionSupport[];
  /** The `scheduler:` value a team writes to have its pods scheduled by this component, if it is a scheduler. */
  scheduler?: string;
  tenants: TenantReach;
  /** What the platform grants the component's own ServiceAccounts beyond its chart's RBAC. */
  grants?: ServiceAccountGrant[];
  /** Objects the platform generates for it, beside its chart or instead of one. */
  objects?: PlatformObjects;
  /** What teams may ask of it in their files. */
  teamUses?: TeamUse[];
}

/** The chart fields of a component the platform deploys from its own objects only. */
export const WITHOUT_CHART = { syncOptions: [], ownedValues: [], values: () => ({}), chartKeys: [], compatibility: [] } satisfies Partial<ComponentDescriptor>;

/** A component platform.yaml installs, with the settings it gives it. */
export interface InstalledComponent {
  descriptor: ComponentDescriptor;
  settings: ComponentSettings;
  /** JSON pointer of its settings in platform.yaml, e.g. /components/volcano. */
  pointer: string;
}
