/**
 * The library: each stage of the pipeline, for programmatic use.
 *
 *   loadInputs → validateInputs (schema + semantic rules) → synthesize → nameCollisions → lintSynthesis → renderTree → writeTree
 *
 * `compile` runs them all without writing; the CLI is a thin layer over it.
 */
export type { Diagnostic, Severity } from "./diagnostics/diagnostic.js";
export { hasErrors, sortDiagnostics, DiagnosticError } from "./diagnostics/diagnostic.js";
export { loadInputs, PLATFORM_FILE, TEAMS_DIR, type LoadedInputs } from "./load/inputs.js";
export { parseSource, locate, type SourceDocument } from "./load/source.js";
export { validateInputs, validateProject, runSemanticRules, type ValidationResult } from "./validate/index.js";
export { validateSchema } from "./validate/schema.js";
export { SEMANTIC_RULES, type SemanticRule } from "./validate/semantic/index.js";
export { runRules } from "./rules/run.js";
export type { Finding, Rule, RuleContext, RuleSeverity } from "./rules/rule.js";
export { unknownValueKeys } from "./validate/helm-values.js";
export { SUPPORT_MATRIX, checkCompatibility, admissionPolicyApi } from "./compat/versions.js";
export { kubernetesVersionOfK3sImage } from "./model/kubernetes-version.js";
export { COMPONENTS } from "./components/registry.js";
export { installedComponents, componentNamespaces } from "./components/installed.js";
export type { ComponentDescriptor, InstalledComponent } from "./components/component.js";
export type { PlatformModel, TeamModel, QueueModel, VolcanoQueue, Capacity } from "./model/platform-model.js";
export { parseQuantity, milliCPU, bytes, formatCPU, formatMemory } from "./model/quantity.js";
export { synthesize } from "./synth/index.js";
export { nameClaims, nameCollisions, platformClaims, type NameClaim } from "./synth/names.js";
export type { KubeObject, OutputFile, KustomizeBuild, Synthesis } from "./synth/object.js";
export { lintSynthesis } from "./lint/index.js";
export { renderTree, type FileTree } from "./emit/tree.js";
export { pathClashes } from "./lint/paths.js";
export { diffTree, writeTree, recoverInterruptedWrite, OUTPUT_DIRS, type TreeDiff } from "./write/output-dirs.js";
export { compile, compileInputs, type CompileOptions, type CompileResult, type CompiledObjects } from "./pipeline.js";
export { FORMATS, formatNames, type Formatter, type FormatName } from "./format/index.js";
export type { ReportContext, ResourceChange, FieldChange, CapacityLine, QueueShareLine, Allowance } from "./format/report.js";
export { POLICY_RULES, runPolicy, checkPolicy, policyOf, type PolicyRule, type PolicyContext, type PolicyResult } from "./policy/index.js";
export { reviewPlatform, reviewCompiled, diffResources, DESTRUCTIVE_CHECKS, type ReviewResult } from "./review/index.js";
export { scaffoldTeam, writeScaffold, type NewTeamOptions } from "./scaffold/new-team.js";
export * as picture from "./picture/index.js";
export type { Platform } from "./types/platform.js";
export type { Team } from "./types/team.js";
