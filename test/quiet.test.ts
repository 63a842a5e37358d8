/**
 * `--quiet` prints problems only: no report tables, no summary line, so that
 * a script that runs policy and review with it prints, for a change that
 * brings no problem, the seed's known warnings once (policy) and nothing else.
 * (The README's pre-commit hook runs `pre-commit`: test/pre-commit.test.ts.)
 */
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { SEED_WARNINGS } from "./support/diagnostics.js";
import { applyEdits, copyProject, replace, type TestProject } from "./support/project.js";

const projects: TestProject[] = [];
afterEach(() => { for (const p of projects.splice(0)) p.cleanup(); });

function seedRepo(): TestProject {
  const p = copyProject();
  projects.push(p);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: p.root, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("-c", "user.email=q@example.com", "-c", "user.name=q", "add", "-A");
  git("-c", "user.email=q@example.com", "-c", "user.name=q", "commit", "-q", "-m", "seed");
  return p;
}

/** Lines that start a problem in the text format: `file:line:column  severity  …`. */
const problemLines = (out: string) => out.split("\n").filter((l) => /^\S+\s{2}(error|warning)\s{2}/.test(l));

describe("--quiet", () => {
  it("policy -q prints the seed's warnings with their fixes, and nothing else", async () => {
    const p = seedRepo();
    const quiet = await runCli(["policy", "-q", "-C", p.root]);
    expect(quiet.code).toBe(0);
    const lines = quiet.stdout.trimEnd().split("\n");
    // One line per problem and one for its fix: no title, tables or summary.
    expect(lines.length).toBe(2 * SEED_WARNINGS.length);
    expect(problemLines(quiet.stdout).length).toBe(SEED_WARNINGS.length);
    expect(lines.filter((l) => l.startsWith("    fix: ")).length).toBe(SEED_WARNINGS.length);
    const loud = await runCli(["policy", "-C", p.root]);
    expect(loud.stdout).toContain("Capacity");
    expect(quiet.stdout).not.toContain("Capacity");
  });

  it("review -q prints nothing for a change that brings no problem, and the new problems alone for one that does", async () => {
    const p = seedRepo();
    applyEdits(p, { "teams/alpha.yaml": replace("description: PySpark batch jobs on the default scheduler.", "description: PySpark jobs.") });
    const clean = await runCli(["review", "--base", "main", "-q", "-C", p.root]);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe("");

    applyEdits(p, { "teams/theta.yaml": replace('requests: { cpu: "6", memory: 12Gi }', 'requests: { cpu: "4", memory: 12Gi }') });
    const lowered = await runCli(["review", "--base", "main", "-q", "-C", p.root]);
    expect(lowered.code).toBe(1);
    expect(problemLines(lowered.stdout).map((l) => l.split("  ")[0] + " " + l.trimEnd().split(/\s+/).at(-1))).toEqual([
      "(platform) review/several-owners",
      // The summed requests moved (20 → 18 CPU): the overcommit warning is the change's doing, with its new numbers.
      "platform.yaml:9:11 capacity-overcommit",
      "teams/theta.yaml:9:20 review/other-team-quota",
      "teams/theta.yaml:9:20 review/quota-lowered",
    ]);
  });

  it("new-team -q prints the warnings the new team brings, without the notes and next steps", async () => {
    const p = seedRepo();
    const quiet = await runCli(["new-team", "zeta", "-q", "-C", p.root]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toContain("wrote teams/zeta.yaml");
    expect(quiet.stdout).not.toContain("next:");
    expect(problemLines(quiet.stdout).length).toBeGreaterThan(0);
    expect(problemLines(quiet.stdout).every((l) => /\s{2}warning\s{2}/.test(l))).toBe(true);
  });
});
