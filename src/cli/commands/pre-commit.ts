/**
 * `pre-commit`: what the README's Git hook checks before a commit, in one
 * process on one compile of the working tree: the compiler's files are a
 * fresh build (`check`'s drift findings, without its lint of every object and
 * its Kustomize render, which CI's `check` runs), the policy passes, and the change against the commit a
 * pull request will be compared with introduces no error (`review`: a
 * destructive change not allowed, a new policy error). Problems only, then
 * one summary line.
 */
import { DiagnosticError, sortDiagnostics, type Diagnostic } from "../../diagnostics/diagnostic.js";
import { compile } from "../../pipeline.js";
import { policyOf } from "../../policy/check.js";
import { defaultBase, GitError, reviewPlatform, type DefaultBase } from "../../review/index.js";
import { driftOf } from "../../write/drift.js";
import { OUTPUT_DIRS } from "../../write/output-dirs.js";
import { countErrors, countWarnings, EXIT, plural, report, seconds, summary, type CommonOptions, type Io } from "../output.js";

interface PreCommitOptions extends CommonOptions {
  /** Git ref to review against; default: defaultBase(). */
  base?: string;
  allowDestructive?: string[];
  allowedBy?: string;
}

const OWNED_DIRS = OUTPUT_DIRS.map((d) => `${d}/`).join(" and ");

export async function preCommit(io: Io, options: PreCommitOptions): Promise<number> {
  const start = performance.now();
  const root = io.root(options.dir);
  const gitError = (error: unknown): number => {
    if (!(error instanceof GitError)) throw error;
    io.err(`${io.paint.red("error")}  ${error.message}\n    ${io.paint.cyan("fix:")} run it in a Git repository, or pass --base a branch, tag or commit of this repository.\n`);
    return EXIT.usage;
  };
  let base: DefaultBase;
  try {
    base = options.base ? { ref: options.base, describe: options.base } : defaultBase(root);
  } catch (error) {
    return gitError(error);
  }

  // Without lint and the Kustomize render: they prove the generator, not the change, and CI's check runs
  // both (lint alone would add a sixth of a second to every commit).
  const compiled = await compile(root, { lint: false });
  if (!compiled.tree || !compiled.model || !compiled.synthesis) {
    report(io, compiled.diagnostics, options);
    summary(io, io.paint.red(`✖ ${plural(countErrors(compiled.diagnostics), "error")} in the inputs; nothing else checked.`), options);
    return EXIT.invalid;
  }

  // 1. The compiler's files against this build; files that cannot be compared are findings too.
  let drift: Diagnostic[];
  try {
    drift = (await driftOf(root, compiled.tree)).diagnostics;
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    drift = error.diagnostics;
  }

  // 2 and 3. Review carries the policy's findings (the head's, each compared with the base's) and the
  // change's own; without a commit to compare with, the policy alone.
  let findings: Diagnostic[];
  let attention: string[] = [];
  let against = `not reviewed (${base.note})`;
  if (base.ref) {
    try {
      const result = await reviewPlatform({ root, base: base.ref, head: compiled, kustomize: false, allowDestructive: options.allowDestructive, allowedBy: options.allowedBy });
      findings = result.diagnostics;
      attention = result.context.attention ?? [];
      against = `against ${base.describe} (${[result.baseCommit.slice(0, 12), base.note].filter(Boolean).join("; ")})`;
    } catch (error) {
      return gitError(error);
    }
  } else {
    findings = policyOf(compiled).diagnostics;
  }

  // Every error fails the commit, as `policy` would; of the warnings, those the change brings.
  const shown = sortDiagnostics([...drift, ...findings.filter((d) => d.severity === "error" || d.baseline !== "unchanged")]);
  report(io, shown, options);
  const errors = countErrors(shown);
  const files = drift.length ? io.paint.red(`${plural(drift.length, "file")} out of date`) : `${OWNED_DIRS} up to date`;
  const already = findings.length - (shown.length - drift.length);
  const mark = errors ? io.paint.red("✖") : attention.length ? io.paint.yellow("⚠") : io.paint.green("✔");
  const read = !errors && attention.length ? `; a platform engineer must read it: ${attention.join("; ")}` : "";
  summary(io, `${mark} ${files} (lint and Kustomize left to CI's check); ${plural(errors, "error")}, ${plural(countWarnings(shown), "warning")}${already ? ` (and ${plural(already, "warning")} already there, not shown)` : ""} ${against}${read} in ${seconds(start)}`, options);
  return errors ? EXIT.invalid : EXIT.ok;
}
