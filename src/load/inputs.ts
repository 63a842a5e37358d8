/**
 * Finds and reads the inputs: platform.yaml, one file per team in teams/ and
 * one per environment in environments/ (optional).
 *
 * Inputs come from pull requests, so they are regular files of the
 * repository or nothing: a symbolic link is never followed (it can point
 * out of the repository, or at /dev/stdin, which hangs, or /dev/zero, which
 * never ends), and a FIFO, socket, device or directory is named, not read.
 * The kind is checked before opening, and again on the open file, which is
 * opened without following links and without blocking, so nothing swapped
 * in between can make a read hang or leave the repository.
 */
import { constants } from "node:fs";
import { lstat, open, readdir, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { kindOf } from "./file-kind.js";
import { MAX_INPUT_BYTES, parseSource, type SourceDocument } from "./source.js";

export const PLATFORM_FILE = "platform.yaml";
export const TEAMS_DIR = "teams";
export const ENVIRONMENTS_DIR = "environments";

export interface LoadedInputs {
  root: string;
  platform?: SourceDocument;
  teams: SourceDocument[];
  /** environments/<name>.yaml, in name order; none without the directory (the one environment `local`). */
  environments: SourceDocument[];
  diagnostics: Diagnostic[];
}

/** O_NOFOLLOW and O_NONBLOCK do not exist on Windows, where links and FIFOs are not a concern of Git checkouts. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** How many input files are open at once: enough to overlap the reads, far below any limit on open files. */
const CONCURRENT_READS = 16;

export async function loadInputs(root: string): Promise<LoadedInputs> {
  // The files are read concurrently, then parsed in order, so that the diagnostics come in the same
  // order as when each was read in turn: platform.yaml, teams/ and each team file, then environments/.
  const listing: Diagnostic[] = [];
  const [platformText, entries, environmentEntries] = await Promise.all([
    readInput(root, PLATFORM_FILE),
    dirEntries(root, TEAMS_DIR, "team", listing),
    dirEntries(root, ENVIRONMENTS_DIR, "environment", listing),
  ]);
  const inputFiles = [
    ...entries.filter((e) => e.name.endsWith(".yaml")).map((e) => `${TEAMS_DIR}/${e.name}`),
    ...environmentEntries.filter((e) => e.name.endsWith(".yaml")).map((e) => `${ENVIRONMENTS_DIR}/${e.name}`),
  ];
  const texts = new Map(await mapConcurrently(inputFiles, CONCURRENT_READS, async (file) => [file, await readInput(root, file)] as const));

  const diagnostics: Diagnostic[] = [];
  const parse = (file: string, text: string | Diagnostic): SourceDocument | undefined => {
    if (typeof text !== "string") {
      diagnostics.push(text);
      return undefined;
    }
    const { source, diagnostics: found } = parseSource(file, text);
    diagnostics.push(...found);
    return source;
  };

  const platform = parse(PLATFORM_FILE, platformText);
  diagnostics.push(...listing);
  const documentsIn = (dir: string, dirEntries: Array<{ name: string; isDir: boolean }>): SourceDocument[] => {
    const documents: SourceDocument[] = [];
    for (const { name, isDir } of dirEntries) {
      const file = `${dir}/${name}`;
      if (name.endsWith(".yaml")) {
        const document = parse(file, texts.get(file)!);
        if (document) documents.push(document);
      } else if (name.endsWith(".yml") && !isDir) {
        diagnostics.push({ severity: "error", code: "input/extension", file, line: 1, column: 1, message: `${file} has the extension .yml, so it is not read`, hint: `Rename it to ${file.replace(/\.yml$/, ".yaml")}.` });
      }
    }
    return documents;
  };
  const teams = documentsIn(TEAMS_DIR, entries);
  const environments = documentsIn(ENVIRONMENTS_DIR, environmentEntries);
  return { root, platform, teams, environments, diagnostics };
}

/** `fn` of every item, at most `limit` at a time; the results in the items' order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The entries of teams/ or environments/ (hidden ones aside), sorted; none when it does not exist. */
async function dirEntries(root: string, name: string, what: string, diagnostics: Diagnostic[]): Promise<Array<{ name: string; isDir: boolean }>> {
  const dir = `${name}/`;
  try {
    const stat = await lstat(path.join(root, name));
    if (!stat.isDirectory()) {
      diagnostics.push({
        severity: "error", code: stat.isSymbolicLink() ? "input/symlink" : "input/not-a-directory", file: dir,
        message: `${dir} is ${kindOf(stat)}, not a directory of the repository, so no ${what} file is read`,
        hint: `Make ${dir} a directory holding the ${what} files themselves.`,
      });
      return [];
    }
    const entries = await readdir(path.join(root, name), { withFileTypes: true });
    return entries
      .filter((e) => !e.name.startsWith("."))
      .map((e) => ({ name: e.name, isDir: e.isDirectory() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") diagnostics.push(unreadable(dir, error));
    return [];
  }
}

/** The text of a regular input file, or the diagnostic that says why not. */
async function readInput(root: string, file: string): Promise<string | Diagnostic> {
  const full = path.join(root, file);
  try {
    const before = await lstat(full);
    if (!before.isFile()) return notRegular(file, kindOf(before));
    if (before.size > MAX_INPUT_BYTES) return tooLarge(file, before.size);
    const handle = await open(full, OPEN_FLAGS);
    try {
      const opened = await handle.stat();
      if (!opened.isFile()) return notRegular(file, kindOf(opened));
      const bytes = await readCapped(handle, opened.size);
      if (bytes.length > MAX_INPUT_BYTES) return tooLarge(file, Math.max(bytes.length, opened.size));
      return bytes.toString("utf8");
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      return { severity: "error", code: "input/missing", file, message: `${file} not found in ${root}`, hint: "Run the command from the project root, or pass --dir <project root>." };
    }
    // O_NOFOLLOW refuses a link put in place between the lstat and the open.
    if (code === "ELOOP") return notRegular(file, "a symbolic link");
    return unreadable(file, error);
  }
}

/**
 * The file's bytes, up to one byte past the cap, so that a file that grew
 * after the stat is still caught. The buffer starts at the size the stat
 * gave (not at the cap: many files are read at once) and grows if the file did.
 */
async function readCapped(handle: FileHandle, size: number): Promise<Buffer> {
  let buffer = Buffer.allocUnsafe(Math.min(size, MAX_INPUT_BYTES) + 1);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > MAX_INPUT_BYTES) break;
      const larger = Buffer.allocUnsafe(Math.min(2 * length, MAX_INPUT_BYTES + 1));
      buffer.copy(larger, 0, 0, length);
      buffer = larger;
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return buffer.subarray(0, length);
}

function notRegular(file: string, kind: string): Diagnostic {
  const link = kind === "a symbolic link";
  return {
    severity: "error", code: link ? "input/symlink" : "input/not-a-file", file, line: 1, column: 1,
    message: `${file} is ${kind}, not a regular file, so it is not read`,
    hint: link
      ? "Replace the link with the file itself: inputs must be regular files in the repository (a link can point out of it, or at a device), so links are never followed."
      : kind === "a directory"
        ? file.startsWith(`${ENVIRONMENTS_DIR}/`)
          ? `Rename or remove the directory: environment files are regular files ${ENVIRONMENTS_DIR}/<name>.yaml.`
          : `Rename or remove the directory: team files are regular files ${TEAMS_DIR}/<name>.yaml.`
        : "Remove it and commit the YAML as a regular file.",
  };
}

function tooLarge(file: string, bytes: number): Diagnostic {
  return { severity: "error", code: "yaml/too-large", file, line: 1, column: 1, message: `file is ${bytes} bytes, more than the 1 MiB an input may have`, hint: "Split it, or check that the right file is in place." };
}

function unreadable(file: string, error: unknown): Diagnostic {
  const { code } = error as NodeJS.ErrnoException;
  return {
    severity: "error", code: "input/unreadable", file,
    message: `cannot read ${file}: ${code ?? (error as Error).message}`,
    hint: code === "EACCES" || code === "EPERM" ? "Check the file's permissions." : "Check that the file can be read, then run the command again.",
  };
}
