/**
 * The whole compiler as one call: validate → synthesize → check names → lint → render.
 * Nothing here touches the disk except reading the inputs.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from "./diagnostics/diagnostic.js";
import type { FileTree } from "./emit/tree.js";
import { loadInputs, type LoadedInputs } from "./load/inputs.js";
import type { PlatformModel } from "./model/platform-model.js";
import { environmentPart, synthesize } from "./synth/index.js";
import { argoNameCollisions, nameCollisions } from "./synth/names.js";
import type { Synthesis } from "./synth/object.js";
import { validateInputs } from "./validate/index.js";
import { mergeFindings } from "./validate/environments.js";

export interface CompileResult {
  diagnostics: Diagnostic[];
  /** local's. */
  model?: PlatformModel;
  /** Every other environment's (environments/<name>.yaml). */
  environments?: PlatformModel[];
  synthesis?: Synthesis;
  /** Present only when there are no errors. */
  tree?: FileTree;
}

export type CompiledObjects = Pick<CompileResult, "diagnostics" | "model" | "environments" | "synthesis">;

/**
 * validate → synthesize → every generated name checked for collisions: the
 * objects, without lint or YAML text. `validate`, `review` and `new-team`
 * stop here, so they report a name a team may not take exactly as `build` does.
 */
export function compileInputs(inputs: LoadedInputs): CompiledObjects {
  const { model, environments = [], diagnostics } = validateInputs(inputs);
  if (!model || hasErrors(diagnostics)) return { diagnostics, model, environments };
  const synthesis = synthesize(model, environments);
  // Names are unique per cluster, and Argo CD's objects across every environment (one Argo CD holds them all).
  const all = [model, ...environments];
  const collisions = [...mergeFindings(all, all.map((m) => nameCollisions(m, environmentPart(synthesis, m.environment)))), ...argoNameCollisions(all, synthesis)];
  return { diagnostics: sortDiagnostics([...diagnostics, ...collisions]), model, environments, synthesis };
}

export interface CompileOptions {
  /**
   * Validate every generated object (default true). `review` skips it: lint
   * proves the generator, not the change, and `build` and `check` run it.
   */
  lint?: boolean;
  /** Render the YAML text of every file (default true); without it, `tree` is absent. */
  render?: boolean;
}

/** Every stage up to the file tree, each one only if the stages before it found no error. */
export async function compile(root: string, options: CompileOptions = {}): Promise<CompileResult> {
  const { lint = true, render = true } = options;
  const objects = compileInputs(await loadInputs(root));
  const { model, environments, synthesis, diagnostics } = objects;
  if (!model || !synthesis || hasErrors(diagnostics)) return objects;
  // Lint (with the generated kinds' validators) and the YAML writer are loaded only by the commands that
  // use them: `validate`, `policy`, `review` and `new-team` start faster without them.
  const all = lint ? sortDiagnostics([...diagnostics, ...(await (await import("./lint/index.js")).lintSynthesis(synthesis))]) : diagnostics;
  if (!render || hasErrors(all)) return { diagnostics: all, model, environments, synthesis };
  const { renderTree } = await import("./emit/tree.js");
  return { diagnostics: all, model, environments, synthesis, tree: renderTree(synthesis.files) };
}

export const objectCount = (synthesis: Synthesis): number =>
  synthesis.builds.reduce((n, b) => n + b.objects.length, 0) + synthesis.standalone.length;
