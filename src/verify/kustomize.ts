/**
 * The last word on what Argo CD will apply: every Kustomize directory the
 * compiler writes, built by the real Kustomize (`kubectl kustomize`, the same
 * Go code and YAML parser as Argo CD's repo server), must yield exactly the
 * objects the compiler meant. Our own model of Kustomize (synth/tenant/render.ts)
 * and our YAML writer are what an attacker would aim at; this check does not
 * trust either of them.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { FileTree } from "../emit/tree.js";
import { PLATFORM_FILE } from "../load/inputs.js";
import { objectId } from "../model/object-id.js";
import type { KubeObject, KustomizeBuild } from "../synth/object.js";

export const KUSTOMIZE_CODES = {
  mismatch: "kustomize/render-mismatch",
  failed: "kustomize/build-failed",
  unavailable: "kustomize/unavailable",
} as const;

export interface KustomizeCheckOptions {
  /** The kubectl to run (default: `kubectl` on PATH, or $KUBECTL). */
  kubectl?: string;
  /** A missing kubectl is an error rather than a warning (CI). */
  required?: boolean;
  /** How many builds run at once (default: the number of CPUs). */
  concurrency?: number;
}

/** How many differences one build reports before it stops listing them. */
const MAX_DIFFERENCES = 5;

/**
 * Builds `builds` from `tree` (written to a temporary directory, so what is
 * checked is what the compiler would commit, not what is on disk) and
 * compares each result with the build's objects.
 */
export async function checkWithKustomize(tree: FileTree, builds: KustomizeBuild[], options: KustomizeCheckOptions = {}): Promise<Diagnostic[]> {
  if (builds.length === 0) return [];
  const kubectl = options.kubectl ?? process.env.KUBECTL ?? "kubectl";
  const dir = mkdtempSync(path.join(tmpdir(), "spark-platform-kustomize-"));
  try {
    writeTreeTo(dir, tree);
    const diagnostics: Diagnostic[] = [];
    const queue = [...builds];
    let unavailable: Diagnostic | undefined;
    const worker = async () => {
      for (let build = queue.shift(); build && !unavailable; build = queue.shift()) {
        const result = await runKustomize(kubectl, path.join(dir, build.dir));
        if (result.kind === "ok") {
          diagnostics.push(...compareObjects(build, result.objects));
        } else if (result.kind === "unavailable") {
          unavailable = {
            severity: options.required ? "error" : "warning", code: KUSTOMIZE_CODES.unavailable, file: PLATFORM_FILE,
            message: `cannot run \`${kubectl} kustomize\` (${result.message}), so what Argo CD will apply was not checked against what the compiler meant`,
            hint: "Install kubectl 1.27 or newer (its Kustomize is the one checked against), or point $KUBECTL at it. CI must have it: there this is an error.",
          };
        } else {
          diagnostics.push({ ...attribution(build), severity: "error", code: KUSTOMIZE_CODES.failed, message: `\`kubectl kustomize ${build.dir}\` fails: ${result.message}`, hint: HINT });
        }
      }
    };
    const parallel = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), builds.length));
    await Promise.all(Array.from({ length: parallel }, worker));
    return unavailable ? [unavailable, ...diagnostics] : diagnostics;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const HINT = "What Argo CD would apply differs from what the compiler generated: do not merge. Either the compiler has a bug or an input was written to exploit one; report it with the input that causes it.";

/** Every build reads only its own directory and the files it refers to, all in the tree. */
function writeTreeTo(dir: string, tree: FileTree): void {
  const made = new Set<string>();
  for (const [file, content] of tree) {
    const parent = path.dirname(path.join(dir, file));
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    writeFileSync(path.join(dir, file), content);
  }
}

type KustomizeResult = { kind: "ok"; objects: unknown[] } | { kind: "failed" | "unavailable"; message: string };

function runKustomize(kubectl: string, dir: string): Promise<KustomizeResult> {
  return new Promise((resolve) => {
    // Kustomize's defaults, as Argo CD's: no plugins, no Helm, no files outside each kustomization's root.
    execFile(kubectl, ["kustomize", dir], { maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === "ENOENT") return resolve({ kind: "unavailable", message: "not found" });
      if (error) return resolve({ kind: "failed", message: firstLine(stderr || error.message) });
      const documents = parseAllDocuments(stdout);
      const broken = (Array.isArray(documents) ? documents : [documents]).find((d) => d.errors.length);
      if (broken) return resolve({ kind: "failed", message: `its output is not valid YAML: ${broken.errors[0].message.split("\n")[0]}` });
      resolve({ kind: "ok", objects: (Array.isArray(documents) ? documents : [documents]).map((d) => d.toJS()).filter((o) => o !== null) });
    });
  });
}

const firstLine = (text: string) => text.trim().split("\n").find((l) => l.trim())?.replace(/^Error: /, "") ?? "no output";

/** Kustomize's identity of an object: group/version, kind, namespace, name. */
const idOf = (o: Partial<KubeObject>) => `${o.apiVersion ?? "?"} ${objectId({ kind: o.kind ?? "?", name: o.metadata?.name ?? "?", namespace: o.metadata?.namespace }, " ")}`;

/** Diagnostics point at the team file a tenant build comes from, else at platform.yaml. */
function attribution(build: KustomizeBuild): Pick<Diagnostic, "file"> {
  const teamFiles = build.sources.filter((s) => s !== PLATFORM_FILE);
  return { file: teamFiles.length === 1 ? teamFiles[0] : PLATFORM_FILE };
}

export function compareObjects(build: KustomizeBuild, rendered: unknown[]): Diagnostic[] {
  const expected = new Map<string, unknown>();
  for (const object of build.objects) expected.set(idOf(object), normalize(object));
  const differences: string[] = [];
  const seen = new Set<string>();
  for (const object of rendered) {
    const id = idOf(object as Partial<KubeObject>);
    if (seen.has(id)) differences.push(`renders ${id} twice`);
    seen.add(id);
    if (!expected.has(id)) {
      differences.push(`renders ${id}, which the compiler did not generate`);
      continue;
    }
    const field = firstDifference(expected.get(id), object, "");
    if (field !== undefined) differences.push(`renders ${id} with ${field}`);
  }
  for (const id of expected.keys()) if (!seen.has(id)) differences.push(`does not render ${id}, which the compiler generated`);
  if (differences.length === 0) return [];
  const shown = differences.slice(0, MAX_DIFFERENCES);
  const more = differences.length - shown.length;
  return [{
    ...attribution(build), severity: "error", code: KUSTOMIZE_CODES.mismatch,
    message: `\`kubectl kustomize ${build.dir}\` ${shown.join("; ")}${more ? `; and ${more} more difference${more === 1 ? "" : "s"}` : ""}`,
    hint: HINT,
  }];
}

/** The objects as plain JSON data, as a YAML parser hands them back. */
const normalize = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** The first field where `actual` differs from `expected`, said as `field X = a (the compiler: b)`. */
function firstDifference(expected: unknown, actual: unknown, at: string): string | undefined {
  if (isMap(expected) && isMap(actual)) {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)].sort())) {
      const found = firstDifference(expected[key], actual[key], `${at}.${key}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const found = firstDifference(expected[i], actual[i], `${at}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (JSON.stringify(expected) === JSON.stringify(actual)) return undefined;
  return `${at.slice(1) || "(the object)"} = ${show(actual)} (the compiler: ${show(expected)})`;
}

const show = (value: unknown) => (value === undefined ? "(absent)" : truncate(JSON.stringify(value)));
const truncate = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}...` : text);
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The builds whose output can differ from the base's: those with a file that
 * changed in their directory or in a directory their kustomization refers to
 * (the tenant base and components), so a review builds only what it must.
 */
export function changedBuilds(base: FileTree | undefined, head: FileTree, builds: KustomizeBuild[]): KustomizeBuild[] {
  if (!base) return builds;
  const changed = new Set<string>();
  for (const [file, content] of head) if (base.get(file) !== content) changed.add(file);
  for (const file of base.keys()) if (!head.has(file)) changed.add(file);
  const dirsOf = (dir: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(dir)) return seen;
    seen.add(dir);
    for (const ref of referencedDirs(head.get(`${dir}/kustomization.yaml`))) dirsOf(path.posix.normalize(`${dir}/${ref}`), seen);
    return seen;
  };
  return builds.filter((build) => {
    const dirs = [...dirsOf(build.dir)];
    return [...changed].some((file) => dirs.some((dir) => file.startsWith(`${dir}/`)));
  });
}

/** The relative directories a kustomization lists as resources or components. */
function referencedDirs(kustomization: string | undefined): string[] {
  if (!kustomization) return [];
  const document = parseAllDocuments(kustomization);
  const data = (Array.isArray(document) ? document[0] : document)?.toJS() as { resources?: unknown[]; components?: unknown[] } | undefined;
  return [...(data?.resources ?? []), ...(data?.components ?? [])].filter((r): r is string => typeof r === "string" && !r.endsWith(".yaml") && !r.includes("://"));
}
