/**
 * `review`: the platform at a base Git ref against the working tree, both
 * validated and synthesized in-process (no cluster, no Kustomize). Reports the changed
 * objects field by field, destructive changes as errors unless explicitly
 * allowed (a renamed team's as one rename), whose files the change
 * touches, the policy findings of the result, and the capacity before → after.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { PlatformModel } from "../model/platform-model.js";
import { compile, type CompileResult } from "../pipeline.js";
import { POLICY_RULES } from "../policy/index.js";
import { queueLines } from "../model/queue-shares.js";
import { capacityLines, docsUrl, environmentReport, ruleDescriptions, type EnvironmentReport } from "../policy/report.js";
import { policyOf } from "../policy/check.js";
import type { PolicyRule } from "../policy/rule.js";
import type { RuleDescription } from "../rules/rule.js";
import { runRules } from "../rules/run.js";
import { suggest } from "../validate/schema.js";
import { changedBuilds, checkWithKustomize } from "../verify/kustomize.js";
import { changedFiles, inputsAtRef } from "./base.js";
import { asRenamed, compareWithBase, locateInChangedTeams, onTouchedFiles } from "./baseline.js";
import { ALL, damagedOwners, DESTRUCTIVE_CHECKS, DESTRUCTIVE_DOCS, type Allowance } from "./destructive.js";
import { environmentChange, pairEnvironments, type EnvironmentChange } from "./environments.js";
import { countChanges, type ResourceChange } from "./diff.js";
import { OTHER_TEAM_QUOTA, otherTeamQuotas, SEVERAL_OWNERS, severalOwners, touchesSeveralOwners } from "./owner-findings.js";
import { changedInputs, describeOwners, ownershipOf } from "./ownership.js";
import { mermaid } from "../picture/mermaid.js";
import { teamRenamed, type TeamRename } from "./renames.js";
import { mergeFindings } from "../validate/environments.js";
import type { ReviewReport } from "./report.js";

export { defaultBase, GitError, type DefaultBase } from "./base.js";
export { ALL, DESTRUCTIVE_CHECKS } from "./destructive.js";
export { diffResources, fieldChanges } from "./diff.js";
export { resourcesOf } from "./resources.js";
export { ownershipOf, PLATFORM_OWNER } from "./ownership.js";
export { OTHER_TEAM_QUOTA, SEVERAL_OWNERS } from "./owner-findings.js";
export { describeRename, renamedTeams, renameNote, TEAM_RENAMED, type TeamRename } from "./renames.js";

export const BASE_INVALID = "review/base-invalid";
export const ALLOWANCE_UNUSED = "review/allowance-unused";

export type Compiled = Pick<CompileResult, "diagnostics" | "model" | "synthesis">;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export interface ReviewOptions {
  /** Teams whose destructive changes are allowed, `platform` for the platform's own objects, or `*`. */
  allowDestructive?: readonly string[];
  /** Where the allowance comes from, as the report shows it (default: the command-line flag). */
  allowedBy?: string;
  /**
   * Review the working tree alone when the base does not build (a warning
   * then, not an error): for the first pull request of a repository, or to
   * repair a broken base.
   */
  allowInvalidBase?: boolean;
  /**
   * Files of the repository the change touches, relative to the project root
   * (reviewPlatform asks Git). Inputs whose text differs between the two
   * sides count without it.
   */
  changedFiles?: readonly string[];
  rules?: readonly PolicyRule[];
}

export interface ReviewResult {
  diagnostics: Diagnostic[];
  context: ReviewReport;
  changes: ResourceChange[];
}

function unusedAllowances(allowance: Allowance | undefined, owners: Set<string>): Diagnostic[] {
  if (!allowance) return [];
  const unused = allowance.teams.filter((t) => (t === ALL ? owners.size === 0 : !owners.has(t)));
  // A typo in a team's name leaves that team's damage blocked: name the owner it was probably meant for.
  const meant = (t: string) => (t === ALL ? undefined : suggest(t, [...owners].filter((o) => !allowance.teams.includes(o))));
  return unused.map((t) => ({
    severity: "warning" as const, code: ALLOWANCE_UNUSED,
    message: `destructive changes are allowed for ${t === ALL ? "every team" : `\`${t}\``} (${allowance.source}), but this change makes none${t === ALL ? "" : ` to ${t}`}`,
    hint: meant(t)
      ? `Did you mean \`${meant(t)}\`, whose destructive changes are not allowed? Otherwise remove the allowance, so that it cannot cover a later change by mistake.`
      : "Remove the allowance, so that it cannot cover a later change by mistake.",
  }));
}

function reviewRules(rules: readonly PolicyRule[], model: PlatformModel): RuleDescription[] {
  return [
    ...ruleDescriptions(rules, model),
    ...ruleDescriptions([...DESTRUCTIVE_CHECKS, teamRenamed], model),
    { id: ALLOWANCE_UNUSED, description: "An allowance of destructive changes covers a team the change does not touch destructively.", defaultSeverity: "warn", docs: docsUrl(model, DESTRUCTIVE_DOCS) },
    { id: BASE_INVALID, description: "The platform at the base ref does not build, so nothing can be compared (an error unless the review is told to go on without a base).", defaultSeverity: "error", docs: docsUrl(model, "README.md#review") },
    { id: SEVERAL_OWNERS, description: "The change touches the files of several owners (teams, or a team and the platform), so a platform engineer must read it.", defaultSeverity: "warn", docs: docsUrl(model, "README.md#whose-files-a-change-touches") },
    { id: OTHER_TEAM_QUOTA, description: "A change that touches several teams' files adds or changes a team's quota or queue.", defaultSeverity: "error", docs: docsUrl(model, "README.md#whose-files-a-change-touches") },
  ];
}

/** Reviews two compiled platforms: the pure part of `review`, for tests and benchmarks. */
export function reviewCompiled(base: Compiled, head: Compiled, baseName: string, options: ReviewOptions = {}): ReviewResult {
  const rules = options.rules ?? POLICY_RULES;
  const title = `Review against ${baseName}`;
  const touched = new Set([...(options.changedFiles ?? []), ...changedInputs(base, head)]);
  const headPolicy = policyOf(head, rules);
  const policy = { ...headPolicy, diagnostics: onTouchedFiles(headPolicy.diagnostics, touched) };
  if (!policy.context || !head.model || !head.synthesis) return { diagnostics: policy.diagnostics, context: { title }, changes: [] };
  const model = head.model;

  const baseBuilds = Boolean(base.model && base.synthesis && !hasErrors(base.diagnostics));
  // Without a base, every object is "added": nothing destructive, no quota raised, can be seen.
  const notes: Diagnostic[] = baseBuilds ? [] : [{
    severity: options.allowInvalidBase ? "warning" : "error", code: BASE_INVALID,
    message: `cannot compare: the platform at ${baseName} does not build (${plural(base.diagnostics.filter((d) => d.severity === "error").length, "error")}, the first: ${base.diagnostics.find((d) => d.severity === "error")?.message ?? "no platform.yaml"}), so the working tree was reviewed alone and every object shows as added`,
    hint: options.allowInvalidBase
      ? "Review every object by eye: no destructive change and no raised quota can be detected without a base."
      : "Compare against a base that builds (--base), or, for the first pull request of a platform or to repair a broken base, pass --allow-invalid-base and review every object by eye.",
  }];
  const allowance: Allowance | undefined = options.allowDestructive?.length
    ? { teams: [...new Set(options.allowDestructive)].sort(), source: options.allowedBy ?? `--allow-destructive ${options.allowDestructive.join(",")}` }
    : undefined;
  // Each environment against its own base: one object identity per cluster (./environments.ts).
  const pairs = pairEnvironments(baseBuilds ? base : undefined, head);
  const environments = pairs.map((pair) => environmentChange(pair, allowance, pairs.length > 1));
  const changes = environments.flatMap((e) => e.subject.changes);
  const renames = [...new Map(environments.flatMap((e) => e.subject.renames ?? []).map((r) => [r.from, r])).values()];

  const owners = ownershipOf(base, head, options.changedFiles ?? []);
  const attention = [
    ...(baseBuilds ? [] : [`the base ${baseName} does not build, so nothing was compared`]),
    ...(touchesSeveralOwners(owners, renames) ? [`it changes the files of ${describeOwners(owners)}`] : []),
  ];

  // What the change itself does is new by definition; the platform's findings are new only when the base does not have them.
  const ofTheChange = [
    ...notes,
    ...severalOwners(owners, renames),
    // The same damage in every environment it concerns is said once; otherwise it names where ([staging]).
    ...mergeFindings(environments.map((e) => e.model), environments.map((e) => [
      ...(e.base && e.head ? otherTeamQuotas(owners, e.head.model, e.base.model, e.subject.renames) : []),
      ...runRules([...DESTRUCTIVE_CHECKS, teamRenamed], e.subject, { sources: e.model.sources }),
    ])),
    ...unusedAllowances(allowance, new Set(environments.flatMap((e) => [...damagedOwners(e.subject)]))),
  ];
  const diagnostics = sortDiagnostics(baseBuilds
    ? [
      ...ofTheChange.map((d) => ({ ...d, baseline: "new" as const })),
      ...locateInChangedTeams(compareWithBase(policy.diagnostics, asRenamed(policyOf(base, rules).diagnostics, renames)), base.model!, model, renames),
    ]
    : [...ofTheChange, ...policy.diagnostics]);
  return {
    diagnostics,
    changes,
    context: {
      title,
      ...(baseBuilds ? { base: baseName } : {}),
      rules: reviewRules(rules, model),
      changes,
      capacity: capacityLines(model, baseBuilds ? base.model : undefined),
      queues: queueLines(model),
      // With environments, each has its own (environmentRow).
      ...(environments.length > 1 ? {} : { picture: mermaid(model, baseBuilds ? base.model : undefined) }),
      owners,
      ...(renames.length ? { renames } : {}),
      ...(environments.length > 1 ? { environments: environments.map((e) => environmentRow(e, baseBuilds)) } : {}),
      ...(attention.length ? { attention } : {}),
      ...(allowance ? { allowance } : {}),
    },
  };
}

/** An environment's row of the report: its cluster, what the change does there, its capacity before → after. */
function environmentRow(e: EnvironmentChange, compared: boolean): EnvironmentReport {
  const changes = countChanges(e.subject.changes);
  if (!e.head) return { name: e.name, cluster: environmentReport(e.base!.model).cluster, nodesFrom: e.base!.model.cluster.file, changes, change: "removed" };
  return {
    ...environmentReport(e.head.model, e.base?.model), changes, picture: mermaid(e.head.model, e.base?.model),
    ...(compared && !e.base ? { change: "added" as const } : {}),
  };
}

export interface ReviewPlatformOptions extends ReviewOptions {
  /** Project root in the working tree (where platform.yaml is). */
  root: string;
  /** Git ref to compare against, e.g. origin/main. */
  base: string;
  /**
   * The working tree, already compiled (`pre-commit` compiles it once for all
   * its checks); compiled here, without lint, when absent.
   */
  head?: CompileResult;
  /**
   * Render the directories the change touches with the real Kustomize
   * (default true). `pre-commit` leaves that to CI, where `check` renders
   * every directory.
   */
  kustomize?: boolean;
  /**
   * A missing Kustomize is an error instead of a warning (in CI, where the
   * review must have seen what Argo CD will apply).
   */
  requireKustomize?: boolean;
}

/**
 * The whole review: extract the inputs at `base` with git archive, validate
 * and synthesize both sides in this process, compare. The function
 * `npm run bench` times.
 */
export async function reviewPlatform(options: ReviewPlatformOptions): Promise<ReviewResult & { baseCommit: string }> {
  const base = inputsAtRef(options.root, options.base);
  try {
    // Reading the two sides' files overlaps; parsing and synthesis take turns on the one thread.
    // Without lint, which proves the generator and runs in build and check.
    // Without Kustomize, nothing needs the base's YAML text.
    const kustomize = options.kustomize ?? true;
    const [before, after] = await Promise.all([compile(base.root, { lint: false, render: kustomize }), options.head ?? compile(options.root, { lint: false })]);
    // The base's messages name the temporary directory it was extracted to: say "the base" instead.
    before.diagnostics = before.diagnostics.map((d) => ({ ...d, message: d.message.replaceAll(base.root, "the base"), ...(d.hint ? { hint: d.hint.replaceAll(base.root, "the base") } : {}) }));
    const changed = options.changedFiles ?? changedFiles(options.root, base.commit);
    const result = reviewCompiled(before, after, options.base, { ...options, changedFiles: changed });
    if (kustomize) result.diagnostics = sortDiagnostics([...result.diagnostics, ...(await renderedAsMeant(before, after, options.requireKustomize ?? false))]);
    return { ...result, baseCommit: base.commit };
  } finally {
    base.cleanup();
  }
}

/**
 * The real Kustomize builds every directory the change touches, and must
 * render exactly what the compiler meant (src/verify/kustomize.ts): a review
 * that says "safe" has seen what Argo CD will apply.
 */
async function renderedAsMeant(base: CompileResult, head: CompileResult, required: boolean): Promise<Diagnostic[]> {
  if (!head.tree || !head.synthesis) return [];
  return checkWithKustomize(head.tree, changedBuilds(base.tree, head.tree, head.synthesis.builds), { required });
}
