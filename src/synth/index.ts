/**
 * Synthesis: the validated model → every object the platform will contain,
 * laid out as the files of generated/ and argocd/ (nothing is written here).
 */
import { installedComponents } from "../components/installed.js";
import { COMPONENTS } from "../components/registry.js";
import { PLATFORM_FILE } from "../load/inputs.js";
import type { PlatformModel, TeamModel } from "../model/platform-model.js";
import { argocdConfigPatch, argocdKustomization, argocdNamespace, rootApplication } from "./bootstrap/argocd.js";
import { k3dConfig } from "./cluster/k3d.js";
import type { KubeObject, KustomizeBuild, OutputFile, Synthesis } from "./object.js";
import { environmentApplications, PATHS, platformApplications, platformProject, teamAppProject, tenantApplicationFor } from "./platform/applications.js";
import { ENVIRONMENTS_OUTPUT, inEnvironment, type EnvironmentModel } from "../model/environment.js";
import { codeOwnersFile } from "./platform/codeowners.js";
import { pictureFile } from "./platform/picture.js";
import { exampleDataJob, exampleSparkApplication } from "./platform/examples.js";
import { componentGrants } from "./platform/grants.js";
import { guardrails } from "./platform/guardrails.js";
import { tenantNamespace } from "./platform/namespaces.js";
import { queueReader, volcanoQueues } from "./platform/queues.js";
import { schedulerComponent, tenantBase, type BaseFile, type KustomizeComponent } from "./tenant/base.js";
import { teamOverlay, type Overlay } from "./tenant/overlay.js";
import { renderOverlay } from "./tenant/render.js";

const KUSTOMIZE_API = "kustomize.config.k8s.io/v1beta1";
const TENANTS = "generated/tenants";

/**
 * Every file of the platform: local's (with the bootstrap layer and the k3d cluster), each other
 * environment's in its own directory, and the repository's own (CODEOWNERS, the picture).
 */
export function synthesize(model: PlatformModel, others: readonly PlatformModel[] = []): Synthesis {
  const environments = [model, ...others].map((m) => synthesizeEnvironment(m, m === model ? others : []));
  const files = environments.flatMap((e) => e.files);
  // outside generated/ and argocd/: who reviews what (naming the files above), and the picture the README shows
  files.push(codeOwnersFile([model, ...others], files));
  files.push(pictureFile(model));
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, builds: environments.flatMap((e) => e.builds), standalone: environments.flatMap((e) => e.standalone) };
}

/** What of a synthesis is one environment's: its directory's files and builds (local: everything outside the others'). */
export function environmentPart(synthesis: Synthesis, environment: EnvironmentModel): Synthesis {
  const mine = (path: string) => (environment.local ? !path.startsWith(`${ENVIRONMENTS_OUTPUT}/`) : path.startsWith(`${environment.outputRoot}/`));
  return {
    files: synthesis.files.filter((f) => mine(f.path)),
    builds: synthesis.builds.filter((b) => mine(b.dir)),
    standalone: synthesis.standalone.filter((s) => mine(s.file)),
  };
}

/** One environment's files: local's where they always were (with the app-of-apps of the `others`), another's under generated/environments/<name>/. */
function synthesizeEnvironment(model: PlatformModel, others: readonly PlatformModel[]): Synthesis {
  const files: OutputFile[] = [];
  const builds: KustomizeBuild[] = [];
  const teamFiles = model.teams.map((t) => t.file);
  const add = (path: string, sources: string[], ...documents: object[]) => files.push({ path, sources, documents });
  const usage = (path: string, ...lines: string[]) => { files.find((f) => f.path === path)!.usage = lines; };

  // cluster: the laptop's (a registered environment's cluster exists already)
  if (model.environment.local) {
    add("generated/cluster/k3d.yaml", [PLATFORM_FILE], k3dConfig(model));
    usage("generated/cluster/k3d.yaml", "Create the cluster with `npm run bootstrap`, or: k3d cluster create --config generated/cluster/k3d.yaml");
  }

  // tenants: base, components, one overlay per team
  const base = tenantBase(model);
  // One Kustomize Component per scheduling component, named after the `scheduler:` value that picks it.
  const components: Record<string, KustomizeComponent> = Object.fromEntries(COMPONENTS.flatMap((c) => (c.scheduler ? [[c.scheduler, schedulerComponent(c)]] : [])));
  writeResourceDir(add, `${TENANTS}/base`, [PLATFORM_FILE], base, { apiVersion: KUSTOMIZE_API, kind: "Kustomization" });
  // Patches are files of their own, never YAML text inside YAML (src/synth/tenant/overlay.ts).
  for (const [name, component] of Object.entries(components)) {
    const dir = `${TENANTS}/components/${name}`;
    for (const p of component.patches) add(`${dir}/${componentPatchFile(p)}`, [PLATFORM_FILE], p.ops);
    writeResourceDir(add, dir, [PLATFORM_FILE], component.resources, {
      apiVersion: "kustomize.config.k8s.io/v1alpha1",
      kind: "Component",
      patches: component.patches.map((p) => ({ path: componentPatchFile(p), target: p.target })),
    });
  }
  const baseObjects = base.flatMap((f) => f.objects);
  for (const team of model.teams) {
    const overlay = teamOverlay(team);
    const dir = PATHS.overlay(team.name);
    const sources = [PLATFORM_FILE, team.file];
    for (const patch of overlay.patches) add(`${dir}/${patch.file}`, sources, patch.object);
    add(`${dir}/kustomization.yaml`, sources, overlayKustomization(overlay));
    builds.push({ dir, team: team.name, sources, objects: renderOverlay(overlay, baseObjects, components) });
  }

  // What is cluster-scoped about a tenant, so the platform's and not the tenant Application's:
  // its Namespace, and for a Volcano team who may read its Queue. Not with the queues: Argo CD
  // reconciles RBAC in the destination namespace, and volcano-system exists only once Volcano does.
  const namespaces = model.teams.map((team) => ({ team, objects: [tenantNamespace(team), ...(team.queueName ? queueReader(team) : [])] }));
  for (const { team, objects } of namespaces) add(`${PATHS.namespaces}/${team.name}.yaml`, [PLATFORM_FILE, team.file], ...objects);
  add(`${PATHS.namespaces}/kustomization.yaml`, [PLATFORM_FILE, ...teamFiles], { apiVersion: KUSTOMIZE_API, kind: "Kustomization", resources: model.teams.map((t) => `${t.name}.yaml`) });
  builds.push({ dir: PATHS.namespaces, sources: [PLATFORM_FILE, ...teamFiles], objects: namespaces.flatMap((n) => n.objects) });

  // Volcano queues, and the access Volcano's chart does not give its own ServiceAccounts (synced with the queues: both exist with Volcano)
  const queues = volcanoQueues(model);
  const volcano = installedComponents(model.platform).find((c) => c.descriptor.key === "volcano");
  const grants = volcano ? componentGrants(volcano) : [];
  if (queues.length) {
    for (const q of queues) add(`${PATHS.queues}/${q.object.metadata.name}.yaml`, [q.source], q.object);
    const grantFiles = [...new Set(grants.map((g) => `${g.metadata.name}.yaml`))];
    for (const file of grantFiles) add(`${PATHS.queues}/${file}`, [PLATFORM_FILE], ...grants.filter((g) => `${g.metadata.name}.yaml` === file));
    add(`${PATHS.queues}/kustomization.yaml`, [PLATFORM_FILE, ...teamFiles], { apiVersion: KUSTOMIZE_API, kind: "Kustomization", resources: [...queues.map((q) => `${q.object.metadata.name}.yaml`), ...grantFiles] });
    builds.push({ dir: PATHS.queues, sources: [PLATFORM_FILE, ...teamFiles], objects: [...queues.map((q) => q.object), ...grants] });
  }

  // admission policies holding every team to its queue, scheduler and service account
  const policies = guardrails(model);
  add(`${PATHS.guardrails}/policies.yaml`, [PLATFORM_FILE], ...policies);
  add(`${PATHS.guardrails}/kustomization.yaml`, [PLATFORM_FILE], { apiVersion: KUSTOMIZE_API, kind: "Kustomization", resources: ["policies.yaml"] });
  builds.push({ dir: PATHS.guardrails, sources: [PLATFORM_FILE], objects: policies });

  // the objects the platform generates for its components, beside their charts or instead of them:
  // one file per namespace, so that a reviewer sees which namespaces a change touches
  for (const component of installedComponents(model.platform)) {
    const objects = component.descriptor.objects;
    if (!objects) continue;
    const dir = PATHS.componentObjects(objects.application);
    const built = objects.build(model, component);
    const sources = [PLATFORM_FILE, ...teamFiles];
    const byFile = new Map<string, KubeObject[]>();
    for (const object of built) {
      const file = `${object.metadata.namespace ?? "cluster"}.yaml`;
      byFile.set(file, [...(byFile.get(file) ?? []), object]);
    }
    const names = [...byFile.keys()].sort();
    for (const file of names) add(`${dir}/${file}`, sources, ...byFile.get(file)!);
    add(`${dir}/kustomization.yaml`, sources, { apiVersion: KUSTOMIZE_API, kind: "Kustomization", resources: names });
    builds.push({ dir, sources, objects: built });
  }

  // Argo CD projects and applications (what the root Application syncs)
  const platformObjects = [platformProject(model), ...platformApplications(model)];
  add(`${PATHS.applications}/platform.yaml`, [PLATFORM_FILE], ...platformObjects);
  const tenantObjects: KubeObject[] = [];
  for (const team of model.teams) {
    const overlayObjects = builds.find((b) => b.dir === PATHS.overlay(team.name))!.objects;
    const objects = [teamAppProject(model, team, kindsOf(overlayObjects)), tenantApplicationFor(model, team)];
    tenantObjects.push(...objects);
    add(`${PATHS.applications}/tenants/${team.name}.yaml`, [PLATFORM_FILE, team.file], ...objects);
  }
  // local's app-of-apps of every other environment
  const environmentObjects = model.environment.local ? environmentApplications(model) : [];
  if (environmentObjects.length) add(`${PATHS.applications}/environments.yaml`, [PLATFORM_FILE, ...others.flatMap((o) => (o.environment.file ? [o.environment.file] : []))], ...environmentObjects);
  add(`${PATHS.applications}/kustomization.yaml`, [PLATFORM_FILE, ...teamFiles], {
    apiVersion: KUSTOMIZE_API, kind: "Kustomization",
    resources: ["platform.yaml", ...model.teams.map((t) => `tenants/${t.name}.yaml`), ...(environmentObjects.length ? ["environments.yaml"] : [])],
  });
  builds.push({ dir: PATHS.applications, sources: [PLATFORM_FILE, ...teamFiles], objects: [...platformObjects, ...tenantObjects, ...environmentObjects] });

  // examples, applied by hand
  const standalone = model.teams.map((team) => ({ file: examplePath(team), object: exampleSparkApplication(team) }));
  for (const { file, object } of standalone) {
    const namespace = object.metadata.namespace!;
    add(file, [team(model, object).file], object);
    usage(file, `Run it: kubectl apply -f ${file}`, `Watch it: kubectl -n ${namespace} get sparkapplication ${object.metadata.name} -w`, `Driver log: kubectl -n ${namespace} logs -f ${object.metadata.name}-driver`);
  }

  // the example data jobs, applied by hand too: the job's program in a ConfigMap beside it
  for (const team of model.teams) {
    const objects = exampleDataJob(model, team);
    if (!objects.length) continue;
    const file = dataExamplePath(team);
    add(file, [PLATFORM_FILE, team.file], ...objects);
    for (const object of objects) standalone.push({ file, object });
    const app = objects.find((o) => o.kind === "SparkApplication")!;
    usage(file, "Produce some records to the topic first (README, \"Run the example data job\").", `Run it: kubectl apply -f ${file}`, `Watch it: kubectl -n ${team.namespace} get sparkapplication ${app.metadata.name} -w`);
  }

  if (!model.environment.local) return relocated(model, { files, builds, standalone });

  // argocd/ bootstrap layer: Argo CD runs in local's cluster and deploys every environment
  add("argocd/namespace.yaml", [PLATFORM_FILE], argocdNamespace());
  add("argocd/argocd-cm.patch.yaml", [PLATFORM_FILE], argocdConfigPatch());
  add("argocd/kustomization.yaml", [PLATFORM_FILE], argocdKustomization(model, "argocd-cm.patch.yaml"));
  add("argocd/root-application.yaml", [PLATFORM_FILE], rootApplication(model));
  usage("argocd/kustomization.yaml", "Applied once by scripts/bootstrap.sh: kubectl apply --server-side -k argocd/");
  usage("argocd/root-application.yaml", "Applied once by scripts/bootstrap.sh after Argo CD is up; Argo CD then syncs generated/applications.");
  return { files, builds, standalone };
}

/** A registered environment's synthesis, moved from where local's files are into its own directory. */
function relocated(model: PlatformModel, synthesis: Synthesis): Synthesis {
  const at = (path: string) => inEnvironment(model.environment, path);
  const environmentFile = model.environment.file ? [model.environment.file] : [];
  return {
    files: synthesis.files.map((f) => ({ ...f, path: at(f.path), sources: [...f.sources, ...environmentFile], ...(f.usage ? { usage: f.usage.map((line) => line.replaceAll("generated/", `${model.environment.outputRoot}/`)) } : {}) })),
    builds: synthesis.builds.map((b) => ({ ...b, dir: at(b.dir), sources: [...b.sources, ...environmentFile] })),
    standalone: synthesis.standalone.map((s) => ({ ...s, file: at(s.file) })),
  };
}

export const examplePath = (team: TeamModel): string => `generated/examples/${team.name}/spark-application.yaml`;
export const dataExamplePath = (team: TeamModel): string => `generated/examples/${team.name}/data-job.yaml`;

function team(model: PlatformModel, object: KubeObject): TeamModel {
  return model.teams.find((t) => t.namespace === object.metadata.namespace)!;
}

function writeResourceDir(add: (path: string, sources: string[], ...docs: object[]) => void, dir: string, sources: string[], resources: BaseFile[], kustomization: Record<string, unknown>) {
  for (const file of resources) add(`${dir}/${file.name}`, sources, ...file.objects);
  add(`${dir}/kustomization.yaml`, sources, { ...pick(kustomization, ["apiVersion", "kind"]), ...(resources.length ? { resources: resources.map((f) => f.name) } : {}), ...omit(kustomization, ["apiVersion", "kind"]) });
}

function overlayKustomization(overlay: Overlay): Record<string, unknown> {
  return {
    apiVersion: KUSTOMIZE_API,
    kind: "Kustomization",
    namespace: overlay.namespace,
    namePrefix: overlay.namePrefix,
    resources: ["../../base"],
    ...(overlay.components.length ? { components: overlay.components.map((c) => `../../components/${c}`) } : {}),
    labels: [{ pairs: overlay.labels, includeSelectors: false }],
    patches: overlay.patches.map((p) => ({ path: p.file })),
  };
}

/** The group/kind pairs of some objects, in a stable order (AppProject resource lists). */
function kindsOf(objects: KubeObject[]): Array<{ group: string; kind: string }> {
  const seen = new Map<string, { group: string; kind: string }>();
  for (const o of objects) {
    const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
    seen.set(`${group}/${o.kind}`, { group, kind: o.kind });
  }
  return [...seen.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, k]) => k);
}

const componentPatchFile = (p: KustomizeComponent["patches"][number]) => `${p.target.kind.toLowerCase()}-${p.target.name}.patch.yaml`;
const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
const omit = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
