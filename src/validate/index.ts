/**
 * The validation library: load → schema-validate → build the model → semantic
 * checks. Every problem is reported at once.
 */
import { capPerFile, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { loadInputs, type LoadedInputs } from "../load/inputs.js";
import type { SourceDocument } from "../load/source.js";
import type { PlatformModel } from "../model/platform-model.js";
import { LOCAL_ENVIRONMENT } from "../model/environment.js";
import { environmentModels, mergeFindings } from "./environments.js";
import { validateQuantities } from "./quantities.js";
import { validateSchema, type InputKind } from "./schema.js";
import { runSemanticRules } from "./semantic/index.js";

export interface ValidationResult {
  /** local's, present when the inputs were well-formed enough to build a model (it may still have semantic errors). */
  model?: PlatformModel;
  /** Every other environment's (environments/<name>.yaml), present with `model`. */
  environments?: PlatformModel[];
  diagnostics: Diagnostic[];
  inputs: LoadedInputs;
}

export async function validateProject(root: string): Promise<ValidationResult> {
  return validateInputs(await loadInputs(root));
}

export function validateInputs(inputs: LoadedInputs): ValidationResult {
  const diagnostics = [...inputs.diagnostics];
  const platformErrors = inputs.platform ? wellFormed("platform", inputs.platform) : [];
  diagnostics.push(...platformErrors);
  const validTeams = inputs.teams.filter((team) => {
    const errors = wellFormed("team", team);
    diagnostics.push(...errors);
    return errors.length === 0;
  });
  if (!inputs.platform || platformErrors.length > 0) return { diagnostics: capPerFile(sortDiagnostics(diagnostics)), inputs };

  const validEnvironments = inputs.environments.filter((environment) => {
    const errors = wellFormed("environment", environment);
    diagnostics.push(...errors);
    return errors.length === 0;
  });

  const sources = new Map<string, SourceDocument>([inputs.platform, ...inputs.teams, ...inputs.environments].map((s) => [s.file, s]));
  const { models, diagnostics: environmentProblems } = environmentModels(inputs.platform, validTeams, validEnvironments, sources);
  diagnostics.push(...environmentProblems, ...mergeFindings(models, models.map(runSemanticRules)));
  const [model, ...environments] = models;
  if (!model || model.environment.name !== LOCAL_ENVIRONMENT) return { diagnostics: capPerFile(sortDiagnostics(diagnostics)), inputs };
  return { model, environments, diagnostics: capPerFile(sortDiagnostics(diagnostics)), inputs };
}

/** The schema, then the quantities it cannot bound: an input with errors here stays out of the model. */
function wellFormed(kind: InputKind, source: SourceDocument): Diagnostic[] {
  const errors = validateSchema(kind, source);
  return errors.length ? errors : validateQuantities(kind, source);
}

export { runSemanticRules };
