/**
 * The inputs of the platform at a Git ref, extracted into a temporary
 * directory with `git archive` (one process, no checkout), and the files the
 * working tree changes since then: neither the working tree nor the index is
 * touched.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ENVIRONMENTS_DIR, PLATFORM_FILE, TEAMS_DIR } from "../load/inputs.js";
import { suggest } from "../validate/schema.js";

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitError";
  }
}

function git(root: string, args: string[], input?: Buffer): Buffer {
  const result = spawnSync("git", args, { cwd: root, input, maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw new GitError(`cannot run git: ${result.error.message}`);
  if (result.status !== 0) throw new GitError(`git ${args.join(" ")}: ${result.stderr.toString().trim() || `exit status ${result.status}`}`);
  return result.stdout;
}

/** The commit `ref` names, or undefined when it names none (`rev-parse --quiet` then says nothing). */
function commitOf(root: string, ref: string): string | undefined {
  const result = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: root });
  if (result.error) throw new GitError(`cannot run git: ${result.error.message}`);
  const stderr = result.stderr.toString().trim();
  // Not a repository, and the like: Git says why.
  if (result.status !== 0 && stderr) throw new GitError(`git rev-parse ${ref}: ${stderr}`);
  return result.status === 0 ? result.stdout.toString().trim() || undefined : undefined;
}

/** The branch or tag closest to a ref that names nothing, if one is close enough to be a typo. */
function nearestRef(root: string, ref: string): string | undefined {
  const result = spawnSync("git", ["for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/tags", "refs/remotes"], { cwd: root });
  if (result.status !== 0) return undefined;
  return suggest(ref, result.stdout.toString().split("\n").filter(Boolean));
}

export interface BaseInputs {
  /** The commit the ref names. */
  commit: string;
  /** A directory holding platform.yaml and teams/ as they are at that commit (missing when they were not there). */
  root: string;
  cleanup(): void;
}

/** Extracts platform.yaml and teams/ of `ref` for the project at `root` (which may be a subdirectory of the repository). */
export function inputsAtRef(root: string, ref: string): BaseInputs {
  if (ref.startsWith("-")) throw new GitError(`not a Git ref: ${ref}`);
  const commit = commitOf(root, ref);
  if (!commit) {
    const nearest = nearestRef(root, ref);
    throw new GitError(`unknown Git ref: ${ref}: no branch, tag or commit of this repository has that name${nearest ? `; did you mean \`${nearest}\`?` : ""}`);
  }
  // Paths below are relative to the project's tree at that commit, so git runs from the repository's top.
  const top = git(root, ["rev-parse", "--show-toplevel"]).toString().trim();
  const prefix = git(root, ["rev-parse", "--show-prefix"]).toString().trim().replace(/\/$/, "");
  const tree = prefix ? `${commit}:${prefix}` : commit;
  const present = git(top, ["ls-tree", "--name-only", tree, "--", PLATFORM_FILE, TEAMS_DIR, ENVIRONMENTS_DIR]).toString().split("\n").filter(Boolean);
  const dir = mkdtempSync(path.join(tmpdir(), "spark-platform-base-"));
  try {
    if (present.length) {
      const archive = git(top, ["archive", "--format=tar", tree, "--", ...present]);
      const tar = spawnSync("tar", ["-x", "-C", dir], { input: archive });
      if (tar.status !== 0) throw new GitError(`cannot extract the inputs of ${ref}: ${tar.stderr?.toString().trim() ?? tar.error?.message}`);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return { commit, root: dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Every file of the repository that differs between `commit` and the working
 * tree (staged or not, and new files Git does not ignore), relative to the
 * project at `root`: `../` leads to the repository's files outside it.
 */
export function changedFiles(root: string, commit: string): string[] {
  const top = git(root, ["rev-parse", "--show-toplevel"]).toString().trim();
  const prefix = git(root, ["rev-parse", "--show-prefix"]).toString().trim().replace(/\/$/, "");
  // -z: names exactly as Git stores them (a name may hold a newline); --no-renames: both sides of a rename.
  const names = (args: string[]) => git(top, args).toString().split("\0").filter(Boolean);
  const paths = [
    ...names(["diff", "--name-only", "-z", "--no-renames", "--no-relative", "--no-ext-diff", commit, "--"]),
    ...names(["ls-files", "-z", "--others", "--exclude-standard", "--full-name"]),
  ];
  return [...new Set(paths.map((p) => path.posix.relative(prefix, p)))].sort();
}

/** What `pre-commit` reviews against when no --base is given. */
export interface DefaultBase {
  /** The ref (a commit) to review against, or undefined when the repository has no commit yet. */
  ref?: string;
  /** What that is, for the summary line: "the merge-base with origin/main", "HEAD". */
  describe: string;
  /** Why it is not the merge-base: "no origin/main to find a merge-base with". */
  note?: string;
}

/**
 * Where a pull request from this checkout will be compared: the commit where
 * HEAD left the remote's default branch (origin/HEAD, else origin/main), as
 * CI's review compares with the pull request's target. Without such a branch
 * (a repository never pushed), the last commit, so that what the commit
 * changes is still reviewed; without a commit, nothing.
 */
export function defaultBase(root: string): DefaultBase {
  const head = commitOf(root, "HEAD");
  if (!head) return { describe: "nothing", note: "no commit yet" };
  const symbolic = spawnSync("git", ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], { cwd: root });
  const candidates = [symbolic.status === 0 ? symbolic.stdout.toString().trim() : "", "origin/main"].filter(Boolean);
  const upstream = candidates.find((ref) => commitOf(root, ref));
  if (!upstream) return { ref: head, describe: "HEAD", note: `no ${candidates.join(" or ")} to find a merge-base with` };
  const mergeBase = spawnSync("git", ["merge-base", "HEAD", upstream], { cwd: root });
  const commit = mergeBase.status === 0 ? mergeBase.stdout.toString().trim() : "";
  if (!commit) return { ref: head, describe: "HEAD", note: `no merge-base with ${upstream}` };
  return { ref: commit, describe: `the merge-base with ${upstream}` };
}
