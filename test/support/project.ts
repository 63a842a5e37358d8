/** Test projects: a copy of the repository's inputs in a temporary directory. */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { compile } from "../../src/pipeline.js";
import { writeTree } from "../../src/write/output-dirs.js";
import { repoRoot } from "./paths.js";

export interface TestProject {
  root: string;
  read(file: string): string;
  write(file: string, content: string): void;
  remove(file: string): void;
  cleanup(): void;
}

/** A copy of platform.yaml and teams/ (and optionally generated/ and argocd/). */
export function copyProject(options: { withOutput?: boolean } = {}): TestProject {
  const root = mkdtempSync(path.join(tmpdir(), "spark-platform-"));
  cpSync(path.join(repoRoot, "platform.yaml"), path.join(root, "platform.yaml"));
  cpSync(path.join(repoRoot, "teams"), path.join(root, "teams"), { recursive: true });
  if (options.withOutput) {
    for (const dir of ["generated", "argocd"]) cpSync(path.join(repoRoot, dir), path.join(root, dir), { recursive: true });
  }
  return {
    root,
    read: (file) => readFileSync(path.join(root, file), "utf8"),
    write: (file, content) => writeFileSync(path.join(root, file), content),
    remove: (file) => rmSync(path.join(root, file), { force: true }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A copy of the inputs with the compiler's output written by the library, as `build` would. */
export async function builtProject(): Promise<TestProject> {
  const project = copyProject();
  await writeTree(project.root, (await compile(project.root)).tree!);
  return project;
}

/** Changes to a project's files: file → new content, or a function of the old content ("" for a new file). */
export type Edits = Record<string, string | ((old: string) => string)>;

export function applyEdits(project: TestProject, edits: Edits): void {
  for (const [file, change] of Object.entries(edits)) {
    if (typeof change === "string") project.write(file, change);
    else project.write(file, change(existsSync(path.join(project.root, file)) ? project.read(file) : ""));
  }
}

/** An edit that replaces `from` with `to`, and throws when `from` is not there (a test that no longer breaks what it means to). */
export const replace = (from: string | RegExp, to: string) => (old: string): string => {
  const next = old.replace(from, to);
  if (next === old) throw new Error(`edit does not apply: ${from}`);
  return next;
};

/** A seed team's file with every name changed to `name`. */
export function teamLike(source: string, name: string): string {
  return readFileSync(path.join(repoRoot, "teams", `${source}.yaml`), "utf8").replaceAll(source, name);
}

/** `kubectl kustomize dir`, parsed. */
export function kustomize(dir: string, extraArgs: string[] = []): Array<Record<string, any>> {
  const out = execFileSync("kubectl", ["kustomize", ...extraArgs, dir], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return out.split(/^---$/m).map((d) => parse(d)).filter(Boolean);
}

export const byId = (o: Record<string, any>) => `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
export const sortObjects = <T extends Record<string, any>>(objects: T[]): T[] => [...objects].sort((a, b) => byId(a).localeCompare(byId(b)));
