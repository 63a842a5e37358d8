/**
 * Promotion: what one environment runs, written into the next one's file, for
 * a pull request. What the first changes of platform.yaml (`components`,
 * `volcano`, `policy`) is merged over the next one's own changes, key by key;
 * teams present in the first become present in the next. Never its cluster, capacity or quotaScale: those are the cluster's.
 * The result goes through the whole pipeline before anything is written.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { isMap, parseDocument } from "yaml";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { ENVIRONMENTS_DIR, loadInputs, type LoadedInputs } from "../load/inputs.js";
import { parseSource, type SourceDocument } from "../load/source.js";
import { LOCAL_ENVIRONMENT } from "../model/environment.js";
import { mergeOver } from "../model/merge.js";
import { compileInputs } from "../pipeline.js";
import type { Team } from "../types/team.js";

/** What an environment may change of platform.yaml, and so what promotion carries. */
export const PROMOTED_KEYS = ["components", "volcano", "policy"] as const;

export interface Promotion {
  /** Each file to write and its new text, in path order; none when the next environment has it all already. */
  files: Array<{ file: string; text: string }>;
}

const refuse = (message: string, hint: string, file?: string): { diagnostics: Diagnostic[] } => ({ diagnostics: [{ severity: "error", code: "promote/refused", message, hint, ...(file ? { file } : {}) }] });

export async function promote(root: string, from: string, to: string): Promise<{ promotion?: Promotion; diagnostics: Diagnostic[] }> {
  const inputs = await loadInputs(root);
  const current = compileInputs(inputs);
  if (!current.model || hasErrors(current.diagnostics)) return { diagnostics: current.diagnostics.filter((d) => d.severity === "error") };
  const names = [current.model, ...(current.environments ?? [])].map((m) => m.environment.name);
  for (const name of [from, to]) {
    if (!names.includes(name)) return refuse(`there is no environment \`${name}\``, `The environments: ${names.join(", ")}.`);
  }
  if (from === to) return refuse(`\`${from}\` is promoted to itself`, "Name two environments: promote <from> <to>.");
  if (to === LOCAL_ENVIRONMENT) return refuse("local is where changes start, not where they are promoted to", "Promote from local to the next environment, e.g. promote local staging.");

  const fileOf = (name: string) => `${ENVIRONMENTS_DIR}/${name}.yaml`;
  const source = (name: string) => inputs.environments.find((s) => s.file === fileOf(name));
  const target = source(to)!;
  const document = parseDocument(target.text);
  const origin = source(from);
  // Merged over the next environment's own differences, which stay (a port only it needs, its hostnames):
  // promotion moves the change, and does not flatten one environment into the other.
  const written = (target.data ?? {}) as Record<string, unknown>;
  const promoted = (origin?.data ?? {}) as Record<string, unknown>;
  for (const key of PROMOTED_KEYS) {
    if (promoted[key] === undefined) continue;
    const merged = mergeOver(written[key], promoted[key]);
    // Rewritten only when it changes: the file keeps its own layout otherwise.
    if (JSON.stringify(merged) !== JSON.stringify(written[key])) document.set(key, document.createNode(merged));
  }
  const files = new Map<string, string>([[target.file, document.toString()]]);

  // Teams listed in `from` and not in `to` are listed in both.
  for (const team of inputs.teams) {
    const listed = (team.data as Team).environments;
    if (!listed || !listed.includes(from) || listed.includes(to)) continue;
    const teamDocument = parseDocument(team.text);
    const sequence = teamDocument.get("environments", true);
    if (!isMap(teamDocument.contents) || !sequence) continue;
    (sequence as { add(value: unknown): void }).add(teamDocument.createNode(to));
    files.set(team.file, teamDocument.toString());
  }

  const changed = [...files].filter(([file, text]) => text !== (inputs.environments.find((s) => s.file === file) ?? inputs.teams.find((s) => s.file === file))!.text);
  if (changed.length === 0) return { promotion: { files: [] }, diagnostics: [] };
  const next = withFiles(inputs, new Map(changed));
  if (!next.ok) return { diagnostics: next.diagnostics };
  return { promotion: { files: changed.map(([file, text]) => ({ file, text })).sort((a, b) => a.file.localeCompare(b.file)) }, diagnostics: [] };
}

/** The inputs with some files' new texts, through the whole pipeline: what would be written must build. */
function withFiles(inputs: LoadedInputs, texts: Map<string, string>): { ok: boolean; diagnostics: Diagnostic[] } {
  const replace = (sources: SourceDocument[]): SourceDocument[] | Diagnostic[] => {
    const out: SourceDocument[] = [];
    for (const s of sources) {
      const text = texts.get(s.file);
      if (text === undefined) {
        out.push(s);
        continue;
      }
      const parsed = parseSource(s.file, text);
      if (!parsed.source) return parsed.diagnostics;
      out.push(parsed.source);
    }
    return out;
  };
  const teams = replace(inputs.teams);
  const environments = replace(inputs.environments);
  if (!isSources(teams) || !isSources(environments)) return { ok: false, diagnostics: [...(isSources(teams) ? [] : teams), ...(isSources(environments) ? [] : environments)] };
  const compiled = compileInputs({ ...inputs, teams, environments });
  const errors = compiled.diagnostics.filter((d) => d.severity === "error");
  return { ok: errors.length === 0 && compiled.model !== undefined, diagnostics: errors };
}

const isSources = (list: SourceDocument[] | Diagnostic[]): list is SourceDocument[] => list.every((item) => "doc" in item);

/** Writes the promotion's files. */
export async function writePromotion(root: string, promotion: Promotion): Promise<void> {
  for (const { file, text } of promotion.files) await writeFile(path.join(root, file), text);
}
