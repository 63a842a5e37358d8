/**
 * Environments: each environments/<name>.yaml (and the implicit `local`)
 * becomes a platform model of its own: platform.yaml with the environment's
 * differences merged over it, and the teams present there. Every rule then
 * checks each environment; a finding that not every environment it concerns
 * has names the environments that have it.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { ENVIRONMENTS_DIR, TEAMS_DIR } from "../load/inputs.js";
import type { SourceDocument } from "../load/source.js";
import { effectivePlatform, LOCAL_ENVIRONMENT, localEnvironment, registeredEnvironment, teamIn } from "../model/environment.js";
import { platformModel, teamModel, type PlatformModel } from "../model/platform-model.js";
import type { Environment } from "../types/environment.js";
import type { Platform } from "../types/platform.js";
import type { Team } from "../types/team.js";
import { validateSchema } from "./schema.js";

export interface EnvironmentModels {
  /** local's first; absent when an environment's platform is not valid. */
  models: PlatformModel[];
  diagnostics: Diagnostic[];
}

const error = (file: string, path: string, message: string, hint: string): Diagnostic => ({ severity: "error", code: "environment/invalid", file, path, message, hint });

/** What an environment file must be besides its schema: named after itself, and only what its kind may have. */
function fileProblems(source: SourceDocument, platform: Platform): Diagnostic[] {
  const spec = source.data as Environment;
  const expected = source.file.slice(`${ENVIRONMENTS_DIR}/`.length, -".yaml".length);
  const problems: Diagnostic[] = [];
  if (spec.name !== expected) problems.push(error(source.file, "/name", `the environment is named \`${spec.name}\` but its file is ${source.file}`, `Rename the file to ${ENVIRONMENTS_DIR}/${spec.name}.yaml, or set \`name: ${expected}\`.`));
  if (spec.name === LOCAL_ENVIRONMENT && spec.cluster) {
    problems.push(error(source.file, "/cluster", "the environment `local` is the k3d cluster of platform.yaml; its file may not declare another", "Remove `cluster:`, and change the k3d cluster in platform.yaml (`cluster:`)."));
  }
  if (spec.name !== LOCAL_ENVIRONMENT && !spec.cluster) {
    problems.push(error(source.file, "", `environment \`${spec.name}\` names no cluster`, "Add `cluster:` with the server Argo CD has the cluster registered as, its Kubernetes version, node pools and network (README, \"Environments\")."));
  }
  (spec.cluster?.nodePools ?? []).forEach((pool, i) => {
    if (pool.maxCount !== undefined && pool.maxCount < pool.count) {
      problems.push(error(source.file, `/cluster/nodePools/${i}/maxCount`, `node pool \`${pool.name}\` may grow to ${pool.maxCount} nodes but has ${pool.count}`, `Set \`maxCount\` to at least ${pool.count} (the most an autoscaler may grow the pool to), or lower \`count\`.`));
    }
  });
  for (const key of Object.keys(spec.components ?? {})) {
    if (!(key in platform.components)) {
      problems.push(error(source.file, `/components/${key}`, `\`components.${key}\` is not installed by platform.yaml, so an environment cannot change it`, `Add \`components.${key}\` to platform.yaml (every environment installs the same components), or remove it here.`));
    }
  }
  return problems;
}

/** Teams may list only environments that exist. */
function unknownEnvironments(teams: readonly SourceDocument[], names: ReadonlySet<string>): Diagnostic[] {
  return teams.flatMap((team) =>
    ((team.data as Team).environments ?? []).flatMap((name, i) =>
      names.has(name) ? [] : [error(team.file, `/environments/${i}`, `there is no environment \`${name}\``, `Use one of ${[...names].map((n) => `\`${n}\``).join(", ")} (${ENVIRONMENTS_DIR}/<name>.yaml adds one).`)],
    ),
  );
}

/** Whether the document holds a value at a JSON pointer. */
function holds(data: unknown, pointer: string): boolean {
  let at = data;
  for (const token of pointer.split("/").slice(1)) {
    const key = token.replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof at !== "object" || at === null || !(key in at)) return false;
    at = (at as Record<string, unknown>)[key];
  }
  return true;
}

/** The differences an environment writes, merged over platform.yaml: the schema holds the result, reported where the environment wrote it. */
function mergedProblems(source: SourceDocument, merged: Platform): Diagnostic[] {
  return validateSchema("platform", { ...source, data: merged }).filter((d) => d.path && holds(source.data, d.path));
}

export function environmentModels(platformSource: SourceDocument, teams: readonly SourceDocument[], environments: readonly SourceDocument[], sources: Map<string, SourceDocument>): EnvironmentModels {
  const base = platformSource.data as Platform;
  const diagnostics: Diagnostic[] = [];
  const valid = environments.filter((source) => {
    const problems = fileProblems(source, base);
    diagnostics.push(...problems);
    return problems.length === 0;
  });
  const localSource = valid.find((s) => (s.data as Environment).name === LOCAL_ENVIRONMENT);
  const registered = valid.filter((s) => s !== localSource);
  const all = [LOCAL_ENVIRONMENT, ...registered.map((s) => (s.data as Environment).name)];
  diagnostics.push(...unknownEnvironments(teams, new Set([...all, ...environments.map((s) => (s.data as Environment).name)])));

  const models: PlatformModel[] = [];
  for (const source of [localSource, ...registered]) {
    const spec = source?.data as Environment | undefined;
    const environment = spec && spec.name !== LOCAL_ENVIRONMENT ? registeredEnvironment(spec, source!.file, all) : localEnvironment(all, spec, source?.file);
    const platform = effectivePlatform(base, spec);
    if (source && platform !== base) {
      const problems = mergedProblems(source, platform);
      diagnostics.push(...problems);
      if (problems.length) continue;
    }
    const present = teams.filter((t) => teamIn(t.data as Team, environment.name)).map((t) => teamModel(t.data as Team, t.file, environment));
    models.push(platformModel(platform, present, sources, environment, spec?.cluster));
  }
  return { models, diagnostics };
}

/**
 * Each environment's findings, as one list: what every environment a finding's file takes part in reports
 * alike is said once; what only some report names them (`[staging]`). platform.yaml takes part in every
 * environment, a team's file in those the team is present in, an environment's file in its own.
 */
export function mergeFindings(models: readonly PlatformModel[], findings: readonly Diagnostic[][]): Diagnostic[] {
  if (models.length === 1) return [...findings[0]];
  const key = (d: Diagnostic) => JSON.stringify([d.severity, d.code, d.file, d.path, d.line, d.column, d.message, d.hint]);
  const where = new Map<string, { diagnostic: Diagnostic; environments: string[] }>();
  models.forEach((model, i) => {
    for (const d of findings[i]) {
      const entry = where.get(key(d)) ?? { diagnostic: d, environments: [] };
      entry.environments.push(model.environment.name);
      where.set(key(d), entry);
    }
  });
  return [...where.values()].map(({ diagnostic, environments }) => {
    const concerned = models.filter((m) => concerns(m, diagnostic.file)).map((m) => m.environment.name);
    return concerned.every((name) => environments.includes(name))
      ? diagnostic
      : { ...diagnostic, environments, message: `[${environments.join(", ")}] ${diagnostic.message}` };
  });
}

/** Whether a finding on `file` concerns an environment: a team's file where the team is, an environment's file its own, any other (platform.yaml, a generated file) every one. */
function concerns(model: PlatformModel, file: string | undefined): boolean {
  if (file === undefined || !(file.startsWith(`${TEAMS_DIR}/`) || file.startsWith(`${ENVIRONMENTS_DIR}/`))) return true;
  return model.environment.file === file || model.teams.some((t) => t.file === file);
}
