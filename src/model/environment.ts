/**
 * Environments: the clusters one platform definition runs on. platform.yaml is
 * every environment's base, and its k3d cluster is the environment `local`;
 * each environments/<name>.yaml adds a cluster Argo CD has registered, with
 * what differs there. One Argo CD (where bootstrap installs it) deploys them
 * all, so every environment but local prefixes its Argo CD objects' names and
 * has its own output directory: a change to one environment changes only its
 * files.
 */
import type { Environment } from "../types/environment.js";
import type { Platform } from "../types/platform.js";
import type { Team } from "../types/team.js";
import { mergeOver } from "./merge.js";

export const LOCAL_ENVIRONMENT = "local";
/** How Argo CD names the cluster it runs in: local's. */
export const IN_CLUSTER_SERVER = "https://kubernetes.default.svc";
/** Where the generated files of every environment but local go, one directory each. */
export const ENVIRONMENTS_OUTPUT = "generated/environments";
export const LOCAL_OUTPUT = "generated";

export interface EnvironmentModel {
  name: string;
  /** environments/<name>.yaml, when it exists (local's is optional). */
  file?: string;
  /** True for local: the k3d cluster of platform.yaml, where Argo CD itself runs. */
  local: boolean;
  /** Argo CD's destination server for everything deployed in it. */
  server: string;
  /** Its generated files' root: generated/ for local, generated/environments/<name>/ for the others. */
  outputRoot: string;
  /** Prefix of its Argo CD objects' names: none for local, `<name>-` for the others. */
  argoPrefix: string;
  /** Teams' quotas and queues, times this. */
  quotaScale: number;
  /** Every environment's name, local first: findings name theirs when there are several. */
  all: readonly string[];
}

/** The one environment of a platform without environments/: today's output, byte for byte. */
export const localEnvironment = (all: readonly string[] = [LOCAL_ENVIRONMENT], spec?: Environment, file?: string): EnvironmentModel => ({
  name: LOCAL_ENVIRONMENT,
  ...(file ? { file } : {}),
  local: true,
  server: IN_CLUSTER_SERVER,
  outputRoot: LOCAL_OUTPUT,
  argoPrefix: "",
  quotaScale: spec?.quotaScale ?? 1,
  all,
});

export const registeredEnvironment = (spec: Environment, file: string, all: readonly string[]): EnvironmentModel => ({
  name: spec.name,
  file,
  local: false,
  server: spec.cluster!.server.replace(/\/$/, ""),
  outputRoot: `${ENVIRONMENTS_OUTPUT}/${spec.name}`,
  argoPrefix: `${spec.name}-`,
  quotaScale: spec.quotaScale ?? 1,
  all,
});

/** A path under generated/ (as local has it) in the environment's own directory. */
export const inEnvironment = (environment: EnvironmentModel, path: string): string =>
  environment.local ? path : path.replace(/^generated\//, `${environment.outputRoot}/`);

/** Whether a team is present in an environment: every one unless its file lists some. */
export const teamIn = (team: Team, environment: string): boolean => !team.environments || team.environments.includes(environment);

/** The platform an environment runs: platform.yaml with the environment's differences merged over it. */
export function effectivePlatform(base: Platform, spec: Environment | undefined): Platform {
  if (!spec) return base;
  return {
    ...base,
    components: mergeOver(base.components, spec.components),
    ...(spec.volcano ? { volcano: mergeOver(base.volcano, spec.volcano) } : {}),
    ...(spec.policy ? { policy: mergeOver(base.policy, spec.policy) } : {}),
  };
}
