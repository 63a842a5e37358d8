// What the compiler's validation and policy rules predict for a variant of the
// seed (platform.yaml and teams/ copied to a temporary directory and edited),
// computed with the same functions `npm run build` and `npm run policy` use.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDocument, type Document } from "yaml";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { compile } from "../../src/pipeline.js";
import { policyOf } from "../../src/policy/index.js";
import type { KubeObject } from "../../src/synth/object.js";
import type { PlatformModel, TeamModel } from "../../src/model/platform-model.js";
import { repoRoot } from "../support/paths.js";

export interface Prediction {
  /** Errors and warnings of validation, then of the policy rules. */
  diagnostics: Diagnostic[];
  model?: PlatformModel;
  /** Every generated object (absent when validation fails). */
  objects: KubeObject[];
  codes(severity?: Diagnostic["severity"]): string[];
  team(name: string): TeamModel;
  object(kind: string, name: string, namespace?: string): KubeObject;
}

export interface VariantFiles {
  platform: Document;
  teams: Map<string, Document>;
}

/** Compiles a copy of the seed with `edit` applied, and runs the policy over it. */
export async function predict(edit: (files: VariantFiles) => void = () => undefined): Promise<Prediction> {
  const root = mkdtempSync(join(tmpdir(), "flow-variant-"));
  try {
    const files: VariantFiles = {
      platform: parseDocument(readFileSync(join(repoRoot, "platform.yaml"), "utf8")),
      teams: new Map(
        readdirSync(join(repoRoot, "teams"))
          .filter((f) => f.endsWith(".yaml"))
          .map((f) => [f.replace(/\.yaml$/, ""), parseDocument(readFileSync(join(repoRoot, "teams", f), "utf8"))]),
      ),
    };
    edit(files);
    cpSync(join(repoRoot, "schemas"), join(root, "schemas"), { recursive: true });
    writeFileSync(join(root, "platform.yaml"), files.platform.toString());
    mkdirSync(join(root, "teams"));
    for (const [name, doc] of files.teams) writeFileSync(join(root, "teams", `${name}.yaml`), doc.toString());

    const result = policyOf(await compile(root));
    const objects = result.synthesis ? [...result.synthesis.builds.flatMap((b) => b.objects), ...result.synthesis.standalone.map((s) => s.object)] : [];
    return {
      diagnostics: result.diagnostics,
      model: result.model,
      objects,
      codes: (severity) => [...new Set(result.diagnostics.filter((d) => !severity || d.severity === severity).map((d) => d.code))].sort(),
      team: (name) => {
        const team = result.model?.teams.find((t) => t.name === name);
        if (!team) throw new Error(`no team ${name} in the variant`);
        return team;
      },
      object: (kind, name, namespace) => {
        const found = objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
        if (!found) throw new Error(`the variant generates no ${kind} ${namespace ? `${namespace}/` : ""}${name}`);
        return found;
      },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Diagnostics of one rule about one team's file. */
export const findings = (prediction: Prediction, code: string, team?: string): Diagnostic[] =>
  prediction.diagnostics.filter((d) => d.code === code && (!team || d.file === `teams/${team}.yaml`));
