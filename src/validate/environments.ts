/**
 * Environments: each environments/<name>.yaml (and the implicit `local`)
 * becomes a platform model of its own: platform.yaml with the environment's
 * differences merged over it, and the teams present there. Every rule then
 * checks each environment; a finding that not every environment it concerns
 * has names the environments that have it.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { ENVIRONMENTS_DIR, PLATFORM_FILE } from "../load/inputs.js";
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

/** The differences an environment writes, merged over platform.yaml: the schema holds the result, reported where the environment wrote it. */
function mergedProblems(source: SourceDocument, merged: Platform): Diagnostic[] {
  const written = source.data as Record<string, unknown>;
  const has = (pointer: string | undefined) =>
    pointer !== undefined &&
    pointer.split("/").slice(1).reduce<{ ok: boolean; at: unknown }>((s, key) => {
      const at = s.at as Record<string, unknown> | undefined;
      return s.ok && at && typeof at === "object" && key.replace(/~1/g, "/").replace(/~0/g, "~") in at ? { ok: true, at: at[key.replace(/~1/g, "/").replace(/~0/g, "~")] } : { ok: false, at: undefined };
    }, { ok: true, at: written }).ok;
  return validateSchema("platform", { ...source, data: merged }).filter((d) => d.path && d.path !== "" && has(d.path));
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
  const takesPart = (file: string | undefined): string[] =>
    models.filter((m) => file === undefined || file === PLATFORM_FILE || m.environment.file === file || m.teams.some((t) => t.file === file) || !isInput(file, m)).map((m) => m.environment.name);
  return [...where.values()].map(({ diagnostic, environments }) => {
    const concerned = takesPart(diagnostic.file);
    return concerned.every((name) => environments.includes(name))
      ? diagnostic
      : { ...diagnostic, environments, message: `[${environments.join(", ")}] ${diagnostic.message}` };
  });
}

/** Whether a file is an input some environment reads (a team's or an environment's): others (generated files) concern every environment. */
const isInput = (file: string, model: PlatformModel): boolean => file.startsWith(`${ENVIRONMENTS_DIR}/`) || file.startsWith("teams/") || model.sources.has(file);
