/**
 * What the output directories hold now. Reads are synchronous: a tree has
 * thousands of small files, each async call is a round trip through libuv's
 * thread pool (5× slower here), and the CLI has nothing to do meanwhile.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { FileTree } from "../emit/tree.js";

/** The directories the compiler owns. */
export const OUTPUT_DIRS = ["generated", "argocd"] as const;

export interface OnDisk {
  /** Regular files and their content. */
  files: FileTree;
  /** Anything else that is not a directory (a symlink...): never part of a tree. */
  others: string[];
  /** Every directory, the output directories included. */
  dirs: Set<string>;
}

/** Paths are relative to `root`, with forward slashes. */
export function readOnDisk(root: string): OnDisk {
  const found: OnDisk = { files: new Map(), others: [], dirs: new Set() };
  for (const dir of OUTPUT_DIRS) {
    let entries;
    try {
      entries = readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    found.dirs.add(dir);
    for (const entry of entries) {
      const file = path.relative(root, path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name)).split(path.sep).join("/");
      if (entry.isDirectory()) found.dirs.add(file);
      else if (entry.isFile()) found.files.set(file, readFileSync(path.join(root, file), "utf8"));
      else found.others.push(file);
    }
  }
  return found;
}
