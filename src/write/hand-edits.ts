/**
 * Which of the files a build just rewrote held a hand edit: a file whose
 * content on disk differed from the fresh build, while the fresh build equals
 * the copy committed at HEAD. Nothing but an uncommitted change to that file
 * (an edit, or a paste) can explain such a difference, and the build put the
 * committed copy back over it: worth a note, since the edit is gone.
 *
 * A file whose inputs changed too is not recognised (the new content is not
 * the committed one, and a difference from it is what an input change
 * makes); neither is anything outside a Git work tree. A note is advice, so
 * when Git cannot answer there is none.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { FileTree } from "../emit/tree.js";
import { OUTPUT_DIRS, OWNED_FILES } from "./on-disk.js";

/** Git's object id of a blob with this content, in the repository's hash (SHA-1, or SHA-256 when its ids are 64 digits long). */
function blobId(content: string, algorithm: "sha1" | "sha256"): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash(algorithm).update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** path → blob id at HEAD of the compiler's files, relative to `root` (which may be a subdirectory of the repository); empty without Git. */
function committedBlobs(root: string): Map<string, string> {
  const result = spawnSync("git", ["ls-tree", "-r", "-z", "HEAD", "--", ...OUTPUT_DIRS, ...OWNED_FILES], { cwd: root, maxBuffer: 256 * 1024 * 1024 });
  const blobs = new Map<string, string>();
  if (result.error || result.status !== 0) return blobs;
  for (const entry of result.stdout.toString("utf8").split("\0")) {
    // <mode> SP <type> SP <object> TAB <path>
    const match = /^\d+ blob ([0-9a-f]+)\t(.+)$/s.exec(entry);
    if (match) blobs.set(match[2], match[1]);
  }
  return blobs;
}

/** Of `changed` (files whose content on disk differed from `tree`, now written), those that held an uncommitted edit. */
export function overwrittenEdits(root: string, changed: readonly string[], tree: FileTree): string[] {
  if (changed.length === 0) return [];
  const committed = committedBlobs(root);
  return changed.filter((file) => {
    const id = committed.get(file);
    return id !== undefined && id === blobId(tree.get(file) ?? "", id.length === 64 ? "sha256" : "sha1");
  });
}

/** The note `build` prints for each. */
export const overwroteEdit = (file: string): Diagnostic => ({
  severity: "warning", code: "output/overwrote-edit", file,
  message: `overwrote your edit of ${file}: it differed from the committed copy, which a build of these inputs writes`,
  hint: "A change to a generated file belongs in platform.yaml or teams/; the edit itself is gone from the working tree (`git diff` no longer shows it; your editor's undo may).",
});
