/**
 * What the compiler's files on disk are now: the output directories, and the
 * few files it owns outside them. Reads are synchronous: a tree has thousands
 * of small files, each async call is a round trip through libuv's thread pool
 * (5× slower here), and the CLI has nothing to do meanwhile.
 *
 * Nothing here follows a symbolic link: an output directory, or the directory
 * of an owned file, that is not a real directory is an error, and a link or
 * any other file that is not a regular one inside them is reported, never read.
 */
import { lstatSync, readdirSync, readFileSync, type Dirent, type Stats } from "node:fs";
import path from "node:path";
import { DiagnosticError } from "../diagnostics/diagnostic.js";
import type { FileTree } from "../emit/tree.js";
import { kindOf } from "../load/file-kind.js";
import { CODEOWNERS_FILE } from "../synth/platform/codeowners.js";
import { PICTURE_FILE } from "../synth/platform/picture.js";

/** The directories the compiler owns, whole. */
export const OUTPUT_DIRS = ["generated", "argocd"] as const;
/** The files it owns outside them, and nothing else of their directories. */
export const OWNED_FILES: readonly string[] = [CODEOWNERS_FILE, PICTURE_FILE];
/** What to do with a hand-written file where the compiler writes one of OWNED_FILES. */
export const OWNED_FILE_ADVICE: Readonly<Record<string, string>> = {
  [CODEOWNERS_FILE]: "from platform.yaml (`owners`) and the team files' `owners`: move its rules there",
  [PICTURE_FILE]: "from platform.yaml and teams/ (the README shows it): keep a hand-drawn picture under another name",
};

export interface Irregular {
  file: string;
  /** "a symbolic link", "a directory", ... */
  kind: string;
}

export interface OnDisk {
  /** Regular files and their content. */
  files: FileTree;
  /** Anything else where the compiler's files are (a symlink, a FIFO, a directory where an owned file goes): never part of a tree. */
  others: Irregular[];
  /** Every directory in the output directories, the output directories included. */
  dirs: Set<string>;
}

/**
 * A path the writer may create, replace or remove, relative to the project
 * root: inside an output directory (or one itself, when `dirs`), or an owned
 * file; normalized, with forward slashes, no `.` or `..`, no backslash or
 * control character. Anything read back from disk (a journal) must pass this.
 */
export function isOwnedPath(file: unknown, { dirs = false } = {}): file is string {
  if (typeof file !== "string" || file.length === 0 || file.length > 4096) return false;
  if (OWNED_FILES.includes(file)) return true;
  const segments = file.split("/");
  if (!(OUTPUT_DIRS as readonly string[]).includes(segments[0]) || (segments.length === 1 && !dirs)) return false;
  return segments.every((s) => s !== "" && s !== "." && s !== ".." && !/[\\\u0000-\u001f\u007f]/.test(s));
}

/** Paths are relative to `root`, with forward slashes. */
export function readOnDisk(root: string): OnDisk {
  const found: OnDisk = { files: new Map(), others: [], dirs: new Set() };
  for (const dir of OUTPUT_DIRS) {
    if (!realDirectory(root, dir)) continue;
    found.dirs.add(dir);
    for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      const file = path.relative(root, path.join(parentOf(entry), entry.name)).split(path.sep).join("/");
      if (entry.isDirectory()) found.dirs.add(file);
      else if (entry.isFile()) found.files.set(file, readFileSync(path.join(root, file), "utf8"));
      else found.others.push({ file, kind: kindOf(entry) });
    }
  }
  for (const file of OWNED_FILES) {
    if (!realDirectory(root, path.posix.dirname(file))) continue;
    const stat = lstatOrUndefined(path.join(root, file));
    if (stat?.isFile()) found.files.set(file, readFileSync(path.join(root, file), "utf8"));
    else if (stat) found.others.push({ file, kind: kindOf(stat) });
  }
  return found;
}

/**
 * Whether `dir` (relative, each of its parts checked) is a real directory;
 * false when it does not exist. A link or a file in its place is an error:
 * writing through it would write somewhere else.
 */
export function realDirectory(root: string, dir: string): boolean {
  let at = "";
  for (const part of dir.split("/")) {
    at = at ? `${at}/${part}` : part;
    const stat = lstatOrUndefined(path.join(root, at));
    if (!stat) return false;
    if (!stat.isDirectory()) {
      throw new DiagnosticError([{
        severity: "error", code: "output/not-a-directory", file: at,
        message: `${at} is ${kindOf(stat)}, not a directory, so the compiler does not write into it`,
        hint: stat.isSymbolicLink()
          ? `Replace the link with a real directory (or delete it: a build makes ${at}/): files written through a link would land wherever it points.`
          : `Move ${at} away or delete it; the compiler makes ${at}/ itself.`,
      }]);
    }
  }
  return true;
}

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

const parentOf = (entry: Dirent): string => entry.parentPath ?? (entry as unknown as { path: string }).path;
