/**
 * Every name the synthesis gives out, and whose input it comes from.
 *
 * A team's name flows into many names that must be unique: an object's
 * identity in the cluster (Applications, AppProjects, Namespaces, Queues,
 * roles…), a file's path, the namespace an Application deploys into. Two
 * claims on one name make Kustomize fail on a duplicate id, make two Argo CD
 * Applications fight over one object, or make one output overwrite another.
 * So every claim in the synthesis is registered here and any name claimed
 * twice is an error at the `name:` line of the team file that caused it.
 *
 * The platform's own names are not a list: they are what synthesis makes of
 * platform.yaml with no teams at all, so they follow the synthesis as it
 * changes.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { PLATFORM_FILE } from "../load/inputs.js";
import { locate } from "../load/source.js";
import { withTeams, type PlatformModel } from "../model/platform-model.js";
import { environmentPart, synthesize } from "./index.js";
import { LABELS, type KubeObject, type OutputFile, type Synthesis } from "./object.js";

export const NAME_CODES = {
  /** A team's name makes a name the platform, Kubernetes or Argo CD already uses. */
  reserved: "team/reserved-name",
  /** Two teams' names make one name (or one team's, twice). */
  collision: "team/name-collision",
  /** The platform makes one name twice, with no team involved. */
  platform: "platform/name-collision",
  /** Two environments' Argo CD objects share a name. */
  environment: "environment/name-collision",
} as const;

/** One use of a name that must be unique. */
export interface NameClaim {
  type: "object" | "path" | "namespace";
  /** What must be unique: the object's identity in the cluster, the file's path, the namespace. */
  key: string;
  /** The name, as a person says it: "Application `tenant-x`", "generated/…/x.yaml", "namespace `team-x`". */
  subject: string;
  /** What this claim is: the file an object is written to, what a file holds, who uses a namespace. */
  detail: string;
  /** The team whose file made it; undefined for the platform's own and for aggregates of every team. */
  team?: string;
  /** Set for names that software outside the platform keeps for itself. */
  keeper?: string;
}

type Owner = { kind: "team"; team: string } | { kind: "platform" } | { kind: "keeper"; keeper: string };

/** The platform's own names: what it synthesizes from platform.yaml alone. */
export function platformClaims(model: PlatformModel): NameClaim[] {
  const alone = withTeams(model, []);
  return nameClaims(alone, synthesize(alone));
}

/** Every name claim in a synthesis, in a stable order. */
export function nameClaims(model: PlatformModel, synthesis: Synthesis): NameClaim[] {
  const teamOfFile = new Map(model.teams.map((t) => [t.file, t.name]));
  const teamNames = new Set(model.teams.map((t) => t.name));
  const fileOf = new Map<object, OutputFile>();
  for (const file of synthesis.files) for (const document of file.documents) fileOf.set(document, file);
  /** The one team a file comes from; aggregates of several teams are the platform's. */
  const teamOfSources = (sources: readonly string[]) => {
    const teams = [...new Set(sources.map((s) => teamOfFile.get(s)).filter((t) => t !== undefined))];
    return teams.length === 1 ? teams[0] : undefined;
  };
  const teamOfObject = (object: KubeObject, sources: readonly string[]) => {
    const label = object.metadata.labels?.[LABELS.team];
    return label !== undefined && teamNames.has(label) ? label : teamOfSources(sources);
  };

  const claims: NameClaim[] = [];
  const claimObject = (object: KubeObject, where: string, sources: readonly string[]) =>
    claims.push(...objectClaims(object, where, teamOfObject(object, sources)));
  for (const build of synthesis.builds) {
    for (const object of build.objects) {
      const file = fileOf.get(object);
      claimObject(object, file?.path ?? `the Kustomize build ${build.dir}/`, file?.sources ?? build.sources);
    }
  }
  for (const { file, object } of synthesis.standalone) claimObject(object, file, fileOf.get(object)?.sources ?? []);
  for (const file of appliedAsWritten(synthesis)) {
    for (const document of file.documents) if (isObject(document)) claimObject(document, file.path, file.sources);
  }
  claims.push(...pathClaims(synthesis.files, (file) => {
    const labelled = new Set(file.documents.filter(isObject).map((d) => d.metadata.labels?.[LABELS.team]).filter((t) => t !== undefined && teamNames.has(t)));
    return labelled.size === 1 ? [...labelled][0] : labelled.size === 0 ? teamOfSources(file.sources) : undefined;
  }));
  return claims;
}

/**
 * One Argo CD holds every environment's Applications and AppProjects, each
 * environment's prefixed with its name: an environment whose name, prefixed
 * to one of its objects' names, makes another environment's is refused.
 */
export function argoNameCollisions(environments: readonly PlatformModel[], synthesis: Synthesis): Diagnostic[] {
  if (environments.length < 2) return [];
  const seen = new Map<string, string>();
  const found: Diagnostic[] = [];
  for (const environment of environments) {
    const part = environmentPart(synthesis, environment.environment);
    for (const object of part.builds.flatMap((b) => b.objects)) {
      if (object.apiVersion !== "argoproj.io/v1alpha1") continue;
      const id = `${object.kind} ${object.metadata.name}`;
      const other = seen.get(id);
      if (other === undefined) seen.set(id, environment.environment.name);
      else if (other !== environment.environment.name) {
        const file = environment.environment.file ?? PLATFORM_FILE;
        const source = environment.sources.get(file);
        found.push({
          severity: "error", code: NAME_CODES.environment, file, path: "/name", ...(source ? locate(source, "/name") : {}),
          message: `environment \`${environment.environment.name}\` makes ${object.kind} \`${object.metadata.name}\`, which environment \`${other}\` makes too: one Argo CD holds both`,
          hint: "Choose another environment name (and rename its file to match).",
        });
      }
    }
  }
  return found;
}

/**
 * Collisions between the names a synthesis gives out: an error at the
 * `name:` line of each team whose name makes a name that is taken.
 */
export function nameCollisions(model: PlatformModel, synthesis: Synthesis): Diagnostic[] {
  const claims = nameClaims(model, synthesis);
  const byKey = new Map<string, NameClaim[]>();
  for (const claim of claims) {
    const same = byKey.get(claim.key);
    if (same) same.push(claim);
    else byKey.set(claim.key, [claim]);
  }
  const contested = [...byKey.values()].filter((group) => group.length > 1);
  if (contested.length === 0) return [];

  const owners = ownersOf(contested.flat(), platformClaims(model));
  const found: Array<{ team?: string; mine?: NameClaim; other?: NameClaim; diagnostic: Diagnostic }> = [];
  for (const group of contested) {
    const owned = group.map((claim) => ({ claim, owner: owners.get(claim)! }));
    // Several Applications may deploy into one namespace, as long as one owner uses it.
    if (group[0].type === "namespace" && new Set(owned.map(({ owner }) => ownerId(owner))).size < 2) continue;
    const teams = [...new Set(owned.flatMap(({ owner }) => (owner.kind === "team" ? [owner.team] : [])))].sort();
    if (teams.length === 0) {
      const keeper = owned.find(({ owner }) => owner.kind === "keeper")?.claim;
      found.push({ diagnostic: {
        severity: "error", code: NAME_CODES.platform, file: PLATFORM_FILE,
        message: keeper
          ? `the platform makes ${group[0].subject} (${group.filter((c) => c !== keeper).map((c) => c.detail).join("; ")}), which ${possessive(keeper.keeper!)} own (${keeper.detail})`
          : `the platform makes ${group[0].subject} more than once (${group.map((c) => c.detail).join("; ")})`,
        hint: "No team causes this: check the names and namespaces platform.yaml gives its components, or report a bug in the compiler.",
      } });
      continue;
    }
    for (const team of teams) {
      const mine = owned.find(({ owner }) => owner.kind === "team" && owner.team === team)!.claim;
      const others = owned.filter(({ owner }) => !(owner.kind === "team" && owner.team === team));
      const other = others.find(({ owner }) => owner.kind === "keeper") ?? others.find(({ owner }) => owner.kind === "platform") ?? others[0];
      found.push({ team, mine, other: other?.claim, diagnostic: collision(model, team, mine, other, owned.filter(({ owner }) => owner.kind === "team" && owner.team === team).map(({ claim }) => claim)) });
    }
  }
  // One problem once: an object that takes another's name in the same file
  // also takes that file's path; the object's message already says both.
  const sameFile = new Set(found.filter(({ mine, other }) => mine?.type === "object" && other?.type === "object" && other.detail === mine.detail).map(({ team, mine }) => `${team}\0${mine!.detail}`));
  return found.filter(({ team, mine }) => !(mine?.type === "path" && sameFile.has(`${team}\0${mine.subject}`))).map(({ diagnostic }) => diagnostic);
}

function collision(model: PlatformModel, team: string, mine: NameClaim, other: { claim: NameClaim; owner: Owner } | undefined, own: NameClaim[]): Diagnostic {
  const file = model.teams.find((t) => t.name === team)!.file;
  const source = model.sources.get(file);
  const at = { file, path: "/name", ...(source ? locate(source, "/name") : {}) };
  const rename = `Choose another team name, and rename ${file} to match (\`npm run new-team -- <name>\` checks a name before writing the file).`;
  const makes = `team name \`${team}\` ${mine.type === "path" ? `writes ${mine.detail} to ${mine.subject}` : `makes ${mine.subject}`}`;
  if (!other) {
    return {
      severity: "error", code: NAME_CODES.collision, ...at,
      message: `team name \`${team}\` makes ${mine.subject} twice (${own.map((c) => c.detail).join("; ")})`,
      hint: `Two of the team's own outputs collide: this is a bug in the compiler, please report it. ${rename}`,
    };
  }
  const { claim: theirs, owner } = other;
  if (owner.kind === "team") {
    const by = `team \`${owner.team}\` (${model.teams.find((t) => t.name === owner.team)!.file})`;
    return {
      severity: "error", code: NAME_CODES.collision, ...at,
      message: `${makes}, ${theirs.type === "path" ? `where ${by} writes ${theirs.detail}` : `which ${by} makes too (${theirs.detail})`}`,
      hint: `Two teams cannot share a name that Kubernetes, Argo CD or the file system needs unique: rename one of them. ${rename}`,
    };
  }
  const whose = owner.kind === "keeper" ? possessive(owner.keeper) : "the platform's";
  const taken = theirs.type === "path" ? `where the platform writes its ${theirs.detail}`
    : theirs.type === "namespace" ? `which is ${whose} namespace (${theirs.detail})`
    : `which is ${whose} own ${theirs.subject.split(" ")[0]} (${theirs.detail})`;
  return { severity: "error", code: NAME_CODES.reserved, ...at, message: `${makes}, ${taken}`, hint: rename };
}

const possessive = (who: string) => (who.endsWith("s") ? `${who}'` : `${who}'s`);
const ownerId = (owner: Owner) => (owner.kind === "team" ? `team ${owner.team}` : owner.kind === "keeper" ? `keeper ${owner.keeper}` : "platform");

/**
 * Who owns each contested claim. A claim the platform also makes with no
 * teams at all is the platform's; any other claim belongs to the team it
 * comes from (its team label, else its file's one team source).
 */
function ownersOf(claims: NameClaim[], platform: NameClaim[]): Map<NameClaim, Owner> {
  const platformCount = new Map<string, number>();
  const id = (c: NameClaim) => `${c.key}\0${c.detail}`;
  for (const claim of platform) if (!claim.keeper) platformCount.set(id(claim), (platformCount.get(id(claim)) ?? 0) + 1);
  const owners = new Map<NameClaim, Owner>();
  // Claims that no team's label or file points at match the platform's first.
  for (const claim of [...claims].sort((a, b) => Number(a.team !== undefined) - Number(b.team !== undefined))) {
    const left = platformCount.get(id(claim)) ?? 0;
    if (claim.keeper) owners.set(claim, { kind: "keeper", keeper: claim.keeper });
    else if (left > 0) {
      platformCount.set(id(claim), left - 1);
      owners.set(claim, { kind: "platform" });
    } else owners.set(claim, claim.team !== undefined ? { kind: "team", team: claim.team } : { kind: "platform" });
  }
  return owners;
}

const isObject = (document: object): document is KubeObject => {
  const o = document as Partial<KubeObject>;
  return typeof o.kind === "string" && typeof o.apiVersion === "string" && typeof o.metadata?.name === "string";
};

/** `group/Kind/namespace/name`: what the API server keeps unique (the version is only a view of it). */
export const clusterId = (o: KubeObject): string => {
  const group = o.apiVersion.includes("/") ? o.apiVersion.slice(0, o.apiVersion.lastIndexOf("/")) : "";
  return `${group}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
};

function objectClaims(object: KubeObject, where: string, team: string | undefined): NameClaim[] {
  const subject = `${object.kind} \`${object.metadata.name}\``;
  const claims: NameClaim[] = [{ type: "object", key: `object ${clusterId(object)}`, subject, detail: where, team }];
  const keeper = keptName(object);
  if (keeper) claims.push({ type: "object", key: claims[0].key, subject, detail: keeper.why, keeper: keeper.who });
  const namespace = (name: string, detail: string) => claims.push({ type: "namespace", key: `namespace ${name}`, subject: `namespace \`${name}\``, detail, team });
  if (object.kind === "Namespace" && object.apiVersion === "v1") namespace(object.metadata.name, `its Namespace, in ${where}`);
  const spec = object.spec as { destination?: { namespace?: string }; destinations?: Array<{ namespace?: string }> } | undefined;
  if (object.apiVersion.startsWith("argoproj.io/")) {
    if (object.kind === "Application" && spec?.destination?.namespace) namespace(spec.destination.namespace, `Application \`${object.metadata.name}\` deploys into it`);
    if (object.kind === "AppProject") {
      for (const d of spec?.destinations ?? []) if (d.namespace && !/[*?[!]/.test(d.namespace)) namespace(d.namespace, `AppProject \`${object.metadata.name}\` deploys into it`);
    }
  }
  return claims;
}

/**
 * Names the software under the platform creates and keeps for itself, which
 * no generated object may take.
 */
function keptName(object: KubeObject): { who: string; why: string } | undefined {
  const { kind, apiVersion, metadata: { name, namespace } } = object;
  // https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces
  if (kind === "Namespace" && apiVersion === "v1" && (name === "default" || name.startsWith("kube-"))) return { who: "Kubernetes", why: "Kubernetes keeps `default` and every `kube-*` namespace for itself" };
  // https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects: the system: prefix is reserved.
  if (apiVersion.startsWith("rbac.authorization.k8s.io/") && name.startsWith("system:")) return { who: "Kubernetes", why: "Kubernetes keeps RBAC names starting with `system:` for itself" };
  // https://argo-cd.readthedocs.io/en/stable/user-guide/projects/#the-default-project
  if (kind === "AppProject" && apiVersion.startsWith("argoproj.io/") && name === "default" && namespace === "argocd") return { who: "Argo CD", why: "Argo CD creates the `default` project itself" };
  return undefined;
}

/** Each output path once per file, and each directory a file needs, which no file may take. */
function pathClaims(files: readonly OutputFile[], teamOf: (file: OutputFile) => string | undefined): NameClaim[] {
  const claims: NameClaim[] = [];
  const paths = new Set(files.map((f) => f.path));
  const needed = new Set<string>();
  for (const file of files) {
    const team = teamOf(file);
    claims.push({ type: "path", key: `path ${file.path}`, subject: file.path, detail: contents(file), team });
    for (let dir = parentOf(file.path); dir; dir = parentOf(dir)) {
      if (!paths.has(dir) || needed.has(`${dir}\0${team}`)) continue;
      needed.add(`${dir}\0${team}`);
      claims.push({ type: "path", key: `path ${dir}`, subject: dir, detail: `the directory of ${file.path}`, team });
    }
  }
  return claims;
}

const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf("/")));

/** What a file holds, for messages: "Queue `x`", "its Kustomization". */
function contents(file: OutputFile): string {
  const names = file.documents.map((d) => {
    const o = d as Partial<KubeObject>;
    return typeof o.kind === "string" ? (o.metadata?.name ? `${o.kind} \`${o.metadata.name}\`` : o.kind) : "a patch";
  });
  const shown = [...new Set(names)];
  return shown.length > 3 ? `${shown.slice(0, 3).join(", ")} and ${shown.length - 3} more` : shown.join(", ") || "an empty file";
}

/**
 * Files whose objects are applied as written: neither part of a Kustomize
 * build (whose objects are the build's), nor listed by a kustomization.yaml
 * (its resources reach the cluster through what Kustomize makes of them, its
 * patches are not objects), nor examples. Today: argocd/root-application.yaml.
 */
function appliedAsWritten(synthesis: Synthesis): OutputFile[] {
  const builds = new Set(synthesis.builds.map((b) => b.dir));
  const standalone = new Set(synthesis.standalone.map((s) => s.file));
  const listed = new Set<string>();
  for (const file of synthesis.files) {
    if (!file.path.endsWith("/kustomization.yaml")) continue;
    const dir = parentOf(file.path);
    const k = file.documents[0] as { resources?: unknown[]; components?: unknown[]; patches?: Array<{ path?: unknown }> };
    const entries = [...(k.resources ?? []), ...(k.components ?? []), ...(k.patches ?? []).map((p) => p.path)];
    for (const entry of entries) if (typeof entry === "string" && !entry.includes("://")) listed.add(joinPath(dir, entry));
  }
  const underListed = (path: string) => {
    for (let dir = path; dir; dir = parentOf(dir)) if (listed.has(dir) || builds.has(dir)) return true;
    return false;
  };
  return synthesis.files.filter((f) => !f.path.endsWith("/kustomization.yaml") && !standalone.has(f.path) && !underListed(f.path));
}

function joinPath(dir: string, relative: string): string {
  const parts = dir.split("/");
  for (const segment of relative.split("/")) {
    if (segment === "..") parts.pop();
    else if (segment !== "." && segment !== "") parts.push(segment);
  }
  return parts.join("/");
}
