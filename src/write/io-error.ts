/**
 * A failed file-system call, as a Diagnostic: what failed, on which path, and
 * what to do. A full disk, a permission, a mount or a file in the way is the
 * user's to fix, never a stack trace.
 */
import path from "node:path";
import type { Diagnostic } from "../diagnostics/diagnostic.js";

export const isErrnoError = (error: unknown): error is NodeJS.ErrnoException =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string" && typeof (error as NodeJS.ErrnoException).syscall === "string";

/** `outcome`: what state the files were left in, said after the fix. */
export function ioDiagnostic(error: NodeJS.ErrnoException, root: string, outcome: string): Diagnostic {
  const relative = (p: string) => {
    const r = path.relative(root, p);
    return r.startsWith("..") || path.isAbsolute(r) ? p : r.split(path.sep).join("/");
  };
  const file = error.path === undefined ? undefined : relative(String(error.path));
  const dest = (error as { dest?: string }).dest === undefined ? undefined : relative(String((error as { dest?: string }).dest));
  const call = `${error.syscall}${file ? ` ${file}` : ""}${dest ? ` → ${dest}` : ""}`;
  const at = (code: string, message: string, fix: string): Diagnostic => ({
    severity: "error", code, file, message: `${message} (${call}: ${error.code})`, hint: `${fix} ${outcome}`,
  });
  switch (error.code) {
    case "ENOSPC":
    case "EDQUOT":
      return at("io/no-space", "no space left on the device", "Free some disk space, then run the command again.");
    case "EACCES":
    case "EPERM":
      return at("io/permission", "permission denied",
        `Make generated/, argocd/, .github/ and .spark-platform/ (and the project directory) writable by the user running the command${process.getuid ? ` (uid ${process.getuid()})` : ""}, then run it again.`);
    case "EROFS":
      return at("io/read-only", "the file system is read-only", "Run the command in a writable checkout.");
    case "EXDEV":
      return at("io/cross-device", `${file ?? "a file"} and ${dest ?? "its destination"} are on different file systems`,
        "Keep generated/, argocd/, .github/ and .spark-platform/ on the project's own file system (not separate mounts): files are moved into place by rename, which cannot cross file systems.");
    case "ENOTDIR":
      return at("io/not-a-directory", "a file is where a directory must be",
        `Move away the file that is in the way on ${file ?? "the path"} (a directory goes there), then run the command again.`);
    case "EEXIST":
    case "EISDIR":
    case "ENOTEMPTY":
      return error.syscall === "mkdir"
        ? at("io/not-a-directory", "a file is where a directory must be", `Move away ${file ?? "the file"} (a directory goes there), then run the command again.`)
        : at("io/is-a-directory", "a directory is where a file must be", `Move away the directory ${dest ?? file ?? ""} (a file goes there), then run the command again.`);
    default:
      return at("io/failed", "a file-system call failed", "Fix the cause, then run the command again.");
  }
}
