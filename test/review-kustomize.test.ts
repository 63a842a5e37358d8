/**
 * `review` renders what the change touches with the real Kustomize. Without
 * kubectl that is a warning on a laptop and an error in CI (the CLI's `CI`,
 * as `check` has it): a review that says "safe" in CI has seen what Argo CD
 * will apply.
 */
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { KUSTOMIZE_CODES } from "../src/verify/kustomize.js";
import { runCli } from "./support/cli.js";
import { applyEdits, copyProject, replace, type TestProject } from "./support/project.js";

const projects: TestProject[] = [];
const saved = { CI: process.env.CI, KUBECTL: process.env.KUBECTL };
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup();
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

function changedRepo(): TestProject {
  const p = copyProject();
  projects.push(p);
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.email=k@example.com", "-c", "user.name=k", ...args], { cwd: p.root, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "seed");
  // A change the tenant overlay carries (more pods), so that Kustomize has a build to render.
  applyEdits(p, { "teams/alpha.yaml": replace("  pods: 10", "  pods: 12") });
  return p;
}

describe("review without kubectl", () => {
  it("on a laptop: a warning, and the change is still judged", async () => {
    const p = changedRepo();
    delete process.env.CI;
    process.env.KUBECTL = "/nonexistent/kubectl";
    const result = await runCli(["review", "--base", "main", "--format", "json", "-C", p.root]);
    const codes = (JSON.parse(result.stdout) as { diagnostics: { severity: string; code: string }[] }).diagnostics.filter((d) => d.code === KUSTOMIZE_CODES.unavailable);
    expect(codes.map((d) => d.severity)).toEqual(["warning"]);
    expect(result.code).toBe(0);
  });

  it("in CI: an error, and the review fails", async () => {
    const p = changedRepo();
    process.env.CI = "true";
    process.env.KUBECTL = "/nonexistent/kubectl";
    const result = await runCli(["review", "--base", "main", "--format", "json", "-C", p.root]);
    const codes = (JSON.parse(result.stdout) as { diagnostics: { severity: string; code: string }[] }).diagnostics.filter((d) => d.code === KUSTOMIZE_CODES.unavailable);
    expect(codes.map((d) => d.severity)).toEqual(["error"]);
    expect(result.code).toBe(1);
  });
});
