/**
 * The whole compiler as one call: validate → synthesize → lint → render.
 * Nothing here touches the disk except reading the inputs.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from "./diagnostics/diagnostic.js";
import { renderTree, type FileTree } from "./emit/tree.js";
import { lintSynthesis } from "./lint/index.js";
import type { PlatformModel } from "./model/platform-model.js";
import { synthesize } from "./synth/index.js";
import type { Synthesis } from "./synth/object.js";
import { validateProject } from "./validate/index.js";

export interface CompileResult {
  diagnostics: Diagnostic[];
  model?: PlatformModel;
  synthesis?: Synthesis;
  /** Present only when there are no errors. */
  tree?: FileTree;
}

export async function compile(root: string): Promise<CompileResult> {
  const { model, diagnostics } = await validateProject(root);
  if (!model || hasErrors(diagnostics)) return { diagnostics, model };
  const synthesis = synthesize(model);
  const lint = await lintSynthesis(synthesis);
  const all = sortDiagnostics([...diagnostics, ...lint]);
  if (hasErrors(all)) return { diagnostics: all, model, synthesis };
  return { diagnostics: all, model, synthesis, tree: renderTree(synthesis.files) };
}

export const objectCount = (synthesis: Synthesis): number =>
  synthesis.builds.reduce((n, b) => n + b.objects.length, 0) + synthesis.standalone.length;
