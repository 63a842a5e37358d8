/**
 * Outputs that cannot all be written: two for one path (one would silently
 * replace the other), or a file where another output needs a directory.
 * Lint reports them, and renderTree refuses to render them; the check of
 * names (src/synth/names.ts) says which team caused them.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { OutputFile } from "../synth/object.js";

export function pathClashes(files: readonly OutputFile[]): Diagnostic[] {
  const byPath = new Map<string, OutputFile[]>();
  for (const file of files) byPath.set(file.path, [...(byPath.get(file.path) ?? []), file]);
  const diagnostics: Diagnostic[] = [];
  const clash = (path: string, message: string) => diagnostics.push({
    severity: "error", code: "lint/duplicate-path", file: path, message,
    hint: "The generator gave two outputs one path: this is a bug in the compiler, please report it.",
  });
  for (const [path, claimants] of byPath) {
    if (claimants.length > 1) clash(path, `${claimants.length} outputs claim ${path} (${claimants.map(describe).join("; ")}); only one could be written`);
  }
  const reported = new Set<string>();
  for (const file of files) {
    const dir = ancestors(file.path).find((d) => byPath.has(d));
    if (dir && !reported.has(dir) && reported.add(dir)) clash(dir, `${file.path} (${describe(file)}) needs ${dir} to be a directory, but another output is a file there (${byPath.get(dir)!.map(describe).join("; ")})`);
  }
  return diagnostics;
}

function ancestors(path: string): string[] {
  const dirs: string[] = [];
  for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) dirs.push(path.slice(0, i));
  return dirs;
}

/** What an output holds, for messages: "Queue default, Kustomization". */
const describe = (file: OutputFile): string => file.documents.map((d) => {
  const o = d as { kind?: unknown; metadata?: { name?: unknown } };
  return [o.kind, o.metadata?.name].filter((x) => typeof x === "string").join(" ") || "a patch";
}).join(", ") || "text";
