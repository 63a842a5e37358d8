/**
 * `review` of a renamed team: teams/<old>.yaml removed and teams/<new>.yaml
 * added with the same settings, in real Git repositories made in temporary
 * directories. A rename is one destructive finding on the removed file, which
 * says what happens to the old namespace and how to rename safely, in every
 * format; a removal beside an unrelated new team is no rename.
 */
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { FORMATS } from "../src/format/index.js";
import { asRenamed } from "../src/review/baseline.js";
import { reviewPlatform } from "../src/review/index.js";
import { where } from "./support/diagnostics.js";
import { runCli } from "./support/cli.js";
import { applyEdits, copyProject, replace, teamLike, type TestProject } from "./support/project.js";

const projects: TestProject[] = [];
afterEach(() => { for (const p of projects.splice(0)) p.cleanup(); });

/** The seed's inputs committed on `main` of a new repository. */
function seedRepo(): TestProject {
  const project = copyProject();
  const git = (...args: string[]) => execFileSync("git", args, { cwd: project.root, stdio: ["ignore", "pipe", "pipe"] });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.email=review@example.com", "-c", "user.name=review test", "commit", "-q", "-m", "seed");
  projects.push(project);
  return project;
}

/** `team`'s file under the name `to`: only `name` and the contact channel change, as a team renaming itself writes it. */
function rename(project: TestProject, team: string, to: string, edit: (text: string) => string = (t) => t): void {
  const text = project.read(`teams/${team}.yaml`);
  project.remove(`teams/${team}.yaml`);
  project.write(`teams/${to}.yaml`, edit(text.replace(`name: ${team}\n`, `name: ${to}\n`).replace(`"#team-${team}"`, `"#team-${to}"`)));
}

const review = (project: TestProject, allowDestructive?: string[]) => reviewPlatform({ root: project.root, base: "main", allowDestructive });
/** What the change itself introduces, by `where`: the review's own findings and the new policy findings. */
const introduced = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.baseline !== "unchanged").map(where);

const ALPHA_MESSAGE = "destructive rename of team `alpha` → `alpha2` (teams/alpha.yaml → teams/alpha2.yaml): Kubernetes cannot rename a namespace, so this removes the old team and adds a new one, and nothing moves: "
  + "Argo CD deletes Application argocd/tenant-alpha and, with its resources finalizer, what it deployed (LimitRange, 5 NetworkPolicies, ResourceQuota, Role, RoleBinding, ServiceAccount): Spark drivers that rely on these permissions fail, mid-job for running ones; "
  + "AppProject argocd/team-alpha is deleted; "
  + "Namespace team-alpha stays (Argo CD does not prune it: Prune=false), unmanaged, with what the team put in it (SparkApplications, pods, Secrets, ConfigMaps, PersistentVolumeClaims); "
  + "the Spark Operator stops watching team-alpha; team `alpha2` starts in a new, empty Namespace team-alpha2";
const ALPHA_HINT = "Rename in two pull requests: first add teams/alpha2.yaml beside teams/alpha.yaml (smaller, if the platform has no room for both) and move the jobs and data from team-alpha to team-alpha2; "
  + "then remove teams/alpha.yaml with the label `allow-destructive:alpha` (`--allow-destructive alpha`), and delete namespace team-alpha once it is empty. "
  + "To rename in one step anyway (jobs running in team-alpha fail, and its data stays there, unmanaged), allow it the same way.";

describe("renaming a team (alpha → alpha2, same settings)", () => {
  it("is one error on the removed file that says what happens to the old namespace and how to rename safely (exit 1)", async () => {
    const project = seedRepo();
    rename(project, "alpha", "alpha2");
    const result = await review(project);
    // Not four destructive errors, nor another team's quota or several owners: one rename. What the base
    // said about alpha (mixed-schedulers: "teams alpha, beta use the default scheduler") it says about
    // alpha2, so it is not new.
    expect(introduced(result.diagnostics)).toEqual(["error review/team-renamed teams/alpha.yaml"]);
    expect(result.diagnostics.find((d) => d.code === "mixed-schedulers")).toMatchObject({ baseline: "unchanged", message: expect.stringMatching(/^teams alpha2, beta use the default scheduler/) });
    const [renamed] = result.diagnostics.filter((d) => d.code === "review/team-renamed");
    expect(renamed.message).toBe(ALPHA_MESSAGE);
    expect(renamed.hint).toBe(ALPHA_HINT);
    expect(result.context.renames).toEqual([{ from: "alpha", fromFile: "teams/alpha.yaml", to: "alpha2", toFile: "teams/alpha2.yaml" }]);
    expect(result.context.attention).toBeUndefined();
    // The objects themselves are still listed, each as what Argo CD will do to it.
    expect(result.changes.filter((c) => c.change === "removed").map((c) => c.team)).toEqual(Array(14).fill("alpha"));
    expect(result.changes.filter((c) => c.change === "added").map((c) => c.team)).toEqual(Array(14).fill("alpha2"));
    expect((await runCli(["review", "--base", "main", "-C", project.root])).code).toBe(1);
  });

  it("names a Volcano team's queue and the ClusterRole that read it, and repeats none of the base's findings as new", async () => {
    const project = seedRepo();
    rename(project, "delta", "delta2");
    const result = await review(project);
    expect(introduced(result.diagnostics)).toEqual(["error review/team-renamed teams/delta.yaml"]);
    const [renamed] = result.diagnostics.filter((d) => d.code === "review/team-renamed");
    expect(renamed.message).toContain("; AppProject argocd/team-delta is deleted; Queue delta is deleted: Volcano leaves the PodGroups in a deleted queue Pending forever and refuses new pods that name it; "
      + "ClusterRole delta-queue-reader and ClusterRoleBinding delta-queue-reader are deleted; Namespace team-delta stays (Argo CD does not prune it: Prune=false), unmanaged");
    // delta's own warning, now delta2's, is the one the base had.
    expect(result.diagnostics.find((d) => d.file === "teams/delta2.yaml" && d.code === "volcano-guarantees")?.baseline).toBe("unchanged");
  });

  it("is a warning that names the allowance when the old team's destructive changes are allowed (exit 0)", async () => {
    const project = seedRepo();
    rename(project, "alpha", "alpha2");
    const result = await review(project, ["alpha"]);
    const renamed = result.diagnostics.filter((d) => d.code.startsWith("review/"));
    expect(renamed.map(where)).toEqual(["warning review/team-renamed teams/alpha.yaml"]);
    expect(renamed[0].message).toBe(`${ALPHA_MESSAGE} (allowed by --allow-destructive alpha)`);
    expect(renamed[0].hint).toBe("Allowed explicitly: make sure team `alpha` has moved its jobs and data to team-alpha2 before merging, and delete namespace team-alpha once it is empty.");
    const cli = await runCli(["review", "--base", "main", "--allow-destructive", "alpha", "-C", project.root]);
    expect(cli.code).toBe(0);

    // Allowing the new name allows nothing: the rename stays blocked, and the allowance says whom it was meant for.
    const wrong = await review(project, ["alpha2"]);
    expect(wrong.diagnostics.filter((d) => d.code.startsWith("review/")).map(where)).toEqual(["warning review/allowance-unused", "error review/team-renamed teams/alpha.yaml"]);
    expect((await runCli(["review", "--base", "main", "--allow-destructive", "alpha2", "-C", project.root])).code).toBe(1);
  });

  it("is counted as one rename in the summary line, not as its objects removed and added", async () => {
    const project = seedRepo();
    rename(project, "alpha", "alpha2");
    // And a new team beside it (other owners: no rename), whose objects still count as added.
    project.write("teams/zeta.yaml", teamLike("beta", "zeta"));
    const cli = await runCli(["review", "--base", "main", "--allow-destructive", "alpha", "-C", project.root]);
    const zeta = (await review(project, ["alpha"])).changes.filter((c) => c.team === "zeta");
    expect(zeta.length).toBeGreaterThan(0);
    expect(cli.stdout).toMatch(new RegExp(`→ working tree: 1 team renamed \\(alpha → alpha2\\), ${zeta.length} added, 0 removed, \\d+ changed;`));
  });
});

describe("what is not a rename", () => {
  const beta = ["error review/application-deleted teams/beta.yaml", "error review/appproject-deleted teams/beta.yaml", "error review/namespace-deleted teams/beta.yaml", "error review/rbac-removed teams/beta.yaml"];
  const reviewCodes = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.code.startsWith("review/")).map(where);

  it("a removed team beside an unrelated new one: the removal's errors and the other team's quota, as before", async () => {
    const project = seedRepo();
    project.remove("teams/beta.yaml");
    project.write("teams/epsilon.yaml", project.read("teams/alpha.yaml").replace("name: alpha\n", "name: epsilon\n").replace("alpha-lead@", "epsilon-lead@").replace('pods: 10', 'pods: 5'));
    const result = await review(project);
    expect(reviewCodes(result.diagnostics)).toEqual([
      "warning review/several-owners",
      ...beta,
      "error review/other-team-quota teams/epsilon.yaml:9:3",
    ]);
    expect(result.context.renames).toBeUndefined();
    expect(FORMATS.markdown(result.diagnostics, false, result.context)).not.toContain("Renamed");
  });

  it("a new name with other settings (a quota, the owners) is a removal and an addition", async () => {
    for (const edit of [replace('requests: { cpu: "4", memory: 8Gi }', 'requests: { cpu: "3", memory: 8Gi }'), replace("beta-lead@example.com", "someone-else@example.com")]) {
      const project = seedRepo();
      rename(project, "beta", "beta2", edit);
      const result = await review(project);
      expect(reviewCodes(result.diagnostics)).toEqual(["warning review/several-owners", ...beta, "error review/other-team-quota teams/beta2.yaml:9:3"]);
      expect(result.context.renames).toBeUndefined();
    }
  });

  it("two new teams with the old one's settings: which is the rename cannot be told, so neither is", async () => {
    const project = seedRepo();
    rename(project, "beta", "beta2");
    applyEdits(project, { "teams/beta3.yaml": project.read("teams/beta2.yaml").replace("name: beta2\n", "name: beta3\n") });
    const result = await review(project);
    expect(result.context.renames).toBeUndefined();
    expect(reviewCodes(result.diagnostics)).toEqual(expect.arrayContaining(beta));
  });

  it("the same settings written differently are the same (1 CPU is 1000m)", async () => {
    const project = seedRepo();
    rename(project, "alpha", "alpha2", replace('requests: { cpu: "4", memory: 8Gi }', 'requests: { cpu: 4000m, memory: 8192Mi }'));
    const result = await review(project);
    expect(result.context.renames).toEqual([{ from: "alpha", fromFile: "teams/alpha.yaml", to: "alpha2", toFile: "teams/alpha2.yaml" }]);
  });
});

describe("every format carries the rename", () => {
  it("text, Markdown (still short), JSON, GitHub annotations and SARIF", async () => {
    const project = seedRepo();
    rename(project, "alpha", "alpha2");
    const run = async (format: string) => {
      const cli = await runCli(["review", "--base", "main", "--format", format, "-C", project.root]);
      expect(cli.code, format).toBe(1);
      return cli.stdout;
    };
    const note = "team `alpha` → `alpha2` (teams/alpha.yaml → teams/alpha2.yaml): the old team is removed and a new one added, and nothing moves (`review/team-renamed`)";

    const text = await run("text");
    expect(text).toContain(`Renamed: ${note}`);
    expect(text).toContain(`teams/alpha.yaml  error  ${ALPHA_MESSAGE}  review/team-renamed\n    fix: ${ALPHA_HINT}`);

    const markdown = await run("markdown");
    const top = markdown.slice(0, markdown.indexOf("<details>"));
    expect(top.split("\n").filter(Boolean)).toEqual([
      "### ❌ Review against main: 1 error, 0 warnings. Not safe to merge as it is.",
      "**Changes:** 14 added, 14 removed, 1 changed",
      "**Renamed:** team `alpha` → `alpha2` (teams/alpha.yaml → teams/alpha2.yaml): the old team is removed and a new one added, and nothing moves (`review/team-renamed`)",
      "**Whose files:** teams `alpha` and `alpha2`",
      "| rule | severity | findings |",
      "| --- | --- | --- |",
      "| [`review/team-renamed`](https://github.com/example-org/spark-data-platform/blob/main/README.md#renaming-and-removing-a-team) | ❌ error | 1 |",
    ]);
    // One row for the rename, none for the four kinds of object it deletes.
    expect(markdown.match(/review\/team-renamed/g)!.length).toBeGreaterThan(1);
    expect(markdown).not.toMatch(/review\/(namespace|application|appproject)-deleted|review\/rbac-removed|review\/other-team-quota|review\/several-owners/);

    const json = JSON.parse(await run("json"));
    expect(json.renames).toEqual([{ from: "alpha", fromFile: "teams/alpha.yaml", to: "alpha2", toFile: "teams/alpha2.yaml" }]);
    expect(json.diagnostics.filter((d: Diagnostic) => d.code.startsWith("review/"))).toEqual([
      { severity: "error", code: "review/team-renamed", message: ALPHA_MESSAGE, hint: ALPHA_HINT, file: "teams/alpha.yaml", baseline: "new" },
    ]);

    const github = (await run("github")).split("\n").filter((l) => l.includes("review/"));
    expect(github).toEqual([`::error file=teams/alpha.yaml,title=review/team-renamed::${ALPHA_MESSAGE.replace(/%/g, "%25")}%0Afix: ${ALPHA_HINT}`]);

    const sarif = JSON.parse(await run("sarif"));
    const [sarifRun] = sarif.runs;
    const results = sarifRun.results.filter((r: { ruleId: string }) => r.ruleId.startsWith("review/"));
    expect(results.map((r: any) => [r.ruleId, r.level, r.locations[0].physicalLocation.artifactLocation.uri, r.message.text])).toEqual([
      ["review/team-renamed", "error", "teams/alpha.yaml", `${ALPHA_MESSAGE}. Fix: ${ALPHA_HINT}`],
    ]);
    const rule = sarifRun.tool.driver.rules[results[0].ruleIndex];
    expect(rule.id).toBe("review/team-renamed");
  });
});

describe("the base's findings under the new names", () => {
  it("rename the team wherever its name stands alone or in a derived name, the longest name first, and leave other words", () => {
    const renames = [
      { from: "a", fromFile: "teams/a.yaml", to: "x", toFile: "teams/x.yaml" },
      { from: "a-b", fromFile: "teams/a-b.yaml", to: "y", toFile: "teams/y.yaml" },
    ];
    const base: Diagnostic[] = [
      { severity: "warning", code: "c", file: "teams/a.yaml", message: "queue `a` of team-a (a-sa) beside a-b; scheduling.volcano.sh/v1beta1 names no team" },
      { severity: "warning", code: "c", file: "teams/a-b.yaml", message: "queue `a-b`" },
      { severity: "warning", code: "c", file: "platform.yaml", message: "teams a, b" },
    ];
    expect(asRenamed(base, renames).map((d) => [d.file, d.message])).toEqual([
      ["teams/x.yaml", "queue `x` of team-x (x-sa) beside y; scheduling.volcano.sh/v1beta1 names no team"],
      ["teams/y.yaml", "queue `y`"],
      ["platform.yaml", "teams x, b"],
    ]);
  });
});

describe("review --help", () => {
  it("says that a rename is one destructive change, allowed by the old name", async () => {
    const help = await runCli(["review", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, " ")).toContain("destructive changes (a renamed team as one rename)");
    expect(help.stdout.replace(/\s+/g, " ")).toContain("a renamed team by its old name");
  });
});
