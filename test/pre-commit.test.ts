/**
 * `pre-commit`, the README's Git hook as one command, in real Git
 * repositories made in temporary directories holding the seed and its built
 * files: the seed passes quietly; a stale generated file, a policy error
 * (even one the last commit already had) and a destructive change not
 * allowed each fail with their finding, in every format; what it reviewed
 * against is said on the summary line.
 */
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { compile } from "../src/pipeline.js";
import { writeTree } from "../src/write/output-dirs.js";
import { runCli } from "./support/cli.js";
import { applyEdits, copyProject, replace, type Edits, type TestProject } from "./support/project.js";

const projects: TestProject[] = [];
afterEach(() => { for (const p of projects.splice(0)) p.cleanup(); });

const git = (project: TestProject, ...args: string[]) =>
  execFileSync("git", ["-c", "user.email=hook@example.com", "-c", "user.name=hook test", ...args], { cwd: project.root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/** The inputs with `edits`, and the files a build writes for them. */
async function build(project: TestProject, edits: Edits = {}): Promise<void> {
  applyEdits(project, edits);
  await writeTree(project.root, (await compile(project.root)).tree!);
}

/** The built seed, committed on `main` of a new repository (`commit: false`: a repository with no commit yet). */
async function seedRepo({ commit = true } = {}): Promise<TestProject> {
  const project = copyProject();
  projects.push(project);
  await build(project);
  git(project, "init", "-q", "-b", "main");
  if (commit) {
    git(project, "add", "-A");
    git(project, "commit", "-q", "-m", "seed");
  }
  return project;
}

const preCommit = (project: TestProject, ...args: string[]) => runCli(["pre-commit", "-C", project.root, ...args]);
/** `file:line:column  severity  …  code` lines of the text format, as `severity code file`. */
const problems = (text: string) => text.split("\n").flatMap((l) => {
  const m = /^(\S+?)(?::\d+)*\s{2}(error|warning)\s{2}.*\s{2}(\S+)$/.exec(l);
  return m ? [`${m[2]} ${m[3]} ${m[1]}`] : [];
});

/** beta's quota of pods lowered from 10 to 5: a destructive change (pods beyond it are refused) that breaks nothing else. */
const FEWER_PODS = { "teams/beta.yaml": replace("pods: 10", "pods: 5") };

describe("pre-commit on the seed", () => {
  it("passes, prints no problem (the seed's warnings are already there) and one summary line naming what it compared with", async () => {
    const project = await seedRepo();
    const head = git(project, "rev-parse", "HEAD");
    const result = await preCommit(project);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^✔ generated/ and argocd/ up to date \\(lint and Kustomize left to CI's check\\); 0 errors, 0 warnings \\(and 6 warnings already there, not shown\\) against HEAD \\(${head.slice(0, 12)}; no origin/main to find a merge-base with\\) in \\d+\\.\\d\\ds$`));
    // --quiet: nothing at all when nothing is wrong.
    expect(await preCommit(project, "--quiet")).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("reviews against the merge-base with origin/main: a commit already made on the branch is still reviewed", async () => {
    const project = await seedRepo();
    const fork = git(project, "rev-parse", "HEAD");
    git(project, "update-ref", "refs/remotes/origin/main", fork);
    await build(project, FEWER_PODS);
    git(project, "commit", "-q", "-am", "beta: fewer pods");
    const result = await preCommit(project);
    expect(result.code).toBe(1);
    expect(problems(result.stderr)).toEqual(["error review/quota-lowered teams/beta.yaml"]);
    expect(result.stdout).toContain(`against the merge-base with origin/main (${fork.slice(0, 12)})`);
    // --base overrides it: against the branch's own last commit, nothing is new.
    expect((await preCommit(project, "--base", "HEAD")).code).toBe(0);
  });

  it("without a commit yet, checks the files and the policy and says it reviewed nothing", async () => {
    const project = await seedRepo({ commit: false });
    const result = await preCommit(project);
    expect(result.code).toBe(0);
    expect(problems(result.stderr)).toHaveLength(6); // the policy's warnings: with no base, none is known to be old
    expect(result.stdout).toMatch(/; 0 errors, 6 warnings not reviewed \(no commit yet\) in /);
  });

  it("outside a Git repository, is a usage error that says why", async () => {
    const project = copyProject();
    projects.push(project);
    const result = await preCommit(project);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error {2}git rev-parse HEAD: fatal: not a git repository/);
  });
});

describe("pre-commit fails on", () => {
  it("a stale generated file, at its first differing line", async () => {
    const project = await seedRepo();
    const file = "generated/tenants/overlays/alpha/resource-quota.patch.yaml";
    const text = project.read(file);
    project.write(file, text.replace("pods: \"10\"", "pods: \"11\""));
    const result = await preCommit(project);
    expect(result.code).toBe(1);
    expect(problems(result.stderr)).toEqual([`error output/out-of-date ${file}`]);
    expect(result.stderr).toContain(`${file}:${text.split("\n").findIndex((l) => l.includes("pods: \"10\"")) + 1}  error`);
    expect(result.stdout).toMatch(/^✖ 1 file out of date /);
  });

  it("a policy error, even one the last commit already had", async () => {
    const project = await seedRepo();
    // Three pods (a driver, two executors) in a quota of one: the job can never run.
    await build(project, { "teams/beta.yaml": replace("pods: 10", "pods: 1") });
    git(project, "commit", "-q", "-am", "beta: one pod");
    const result = await preCommit(project);
    expect(result.code).toBe(1);
    expect(problems(result.stderr)).toEqual(["error quota-pods-fit-job teams/beta.yaml"]);
    expect(result.stdout).toMatch(/^✖ generated\/ and argocd\/ up to date .*; 1 error, 0 warnings /);
  });

  it("a destructive change not allowed, and passes once it is allowed", async () => {
    const project = await seedRepo();
    await build(project, FEWER_PODS);
    const result = await preCommit(project);
    expect(result.code).toBe(1);
    expect(problems(result.stderr)).toEqual(["error review/quota-lowered teams/beta.yaml"]);
    const allowed = await preCommit(project, "--allow-destructive", "beta");
    expect(allowed.code).toBe(0);
    expect(problems(allowed.stderr)).toEqual(["warning review/quota-lowered teams/beta.yaml"]);
  });
});

describe("pre-commit in every format", () => {
  it("reports the same finding as one document, and no summary line", async () => {
    const project = await seedRepo();
    project.write("generated/tenants/overlays/alpha/resource-quota.patch.yaml", project.read("generated/tenants/overlays/alpha/resource-quota.patch.yaml").replace("pods: \"10\"", "pods: \"11\""));
    const file = "generated/tenants/overlays/alpha/resource-quota.patch.yaml";

    const json = await preCommit(project, "--format", "json");
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout);
    expect(JSON.stringify(document)).toContain("output/out-of-date");
    expect(JSON.stringify(document)).toContain(file);

    const sarif = await preCommit(project, "--format", "sarif");
    expect(sarif.code).toBe(1);
    const results = JSON.parse(sarif.stdout).runs[0].results;
    expect(results.map((r: any) => [r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri])).toEqual([["output/out-of-date", file]]);

    const markdown = await preCommit(project, "--format", "markdown");
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toContain("output/out-of-date");
    expect(markdown.stdout).toMatch(/^### ❌ .* Not safe to merge/);

    const github = await preCommit(project, "--format", "github");
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(new RegExp(`^::error file=${file},line=\\d+`, "m"));
    for (const r of [json, sarif, markdown, github]) expect(r.stderr).toBe("");
  });
});

describe("pre-commit --help", () => {
  it("says what it leaves to CI and what it compares with", async () => {
    const help = (await runCli(["pre-commit", "--help"])).stdout.replace(/\s+/g, " ");
    expect(help).toContain("without its lint of every generated object and the real Kustomize render, which CI's check runs");
    expect(help).toContain("merge-base of HEAD with origin/HEAD or origin/main; without one, HEAD");
  });
});
