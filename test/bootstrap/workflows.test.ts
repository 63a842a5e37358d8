// The security rules of the GitHub workflows (actionlint, in lint.test.ts,
// checks their syntax): pull request code runs with a read-only token, and the
// comment is posted by a workflow_run workflow that runs none of it. Then the
// comment script itself, run as actions/github-script runs it, against an
// in-memory GitHub: which pull request it picks, what it refuses, the cap.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../support/paths.js";

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; name?: string };
type Job = { permissions?: unknown; steps?: Step[] };
type Workflow = { name?: string; on?: Record<string, unknown>; permissions?: unknown; jobs?: Record<string, Job> };

const workflowDir = join(repoRoot, ".github/workflows");
const files = readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f));
const text = (file: string) => readFileSync(join(workflowDir, file), "utf8");
const load = (file: string) => parse(text(file)) as Workflow;

const steps = (wf: Workflow) => Object.values(wf.jobs ?? {}).flatMap((job) => job.steps ?? []);

/** Every permission a workflow or one of its jobs asks to write. */
function writePermissions(wf: Workflow): string[] {
  const scopes = [wf.permissions, ...Object.values(wf.jobs ?? {}).map((job) => job.permissions)];
  return scopes.flatMap((p) => {
    if (p === undefined) return [];
    if (typeof p === "string") return p === "read-all" || p === "{}" ? [] : [p];
    return Object.entries(p as Record<string, string>)
      .filter(([, level]) => level !== "read" && level !== "none")
      .map(([scope, level]) => `${scope}: ${level}`);
  });
}

/**
 * Shell and JavaScript that a workflow runs and that contain a ${{ }}
 * expression: GitHub pastes the value into the code before it runs, so text
 * from a pull request, an event or an artifact would become code. Values go
 * through env: and are read as variables.
 */
function expressionsInCode(wf: Workflow): string[] {
  return steps(wf).flatMap((step) => {
    const code = [step.run, step.uses?.startsWith("actions/github-script@") ? step.with?.script : undefined];
    return code.filter((c): c is string => typeof c === "string" && c.includes("${{")).map(() => step.name ?? step.uses ?? "(a step)");
  });
}

describe("workflow rules", () => {
  it("the rules do catch what they are meant to", () => {
    const bad: Workflow = {
      permissions: { contents: "read" },
      jobs: {
        x: {
          permissions: { "pull-requests": "write" },
          steps: [
            { name: "greet", run: 'echo "${{ github.event.pull_request.title }}"' },
            { uses: "actions/github-script@v7", with: { script: "const n = ${{ github.event.number }};" } },
          ],
        },
      },
    };
    expect(writePermissions(bad)).toEqual(["pull-requests: write"]);
    expect(writePermissions({ permissions: "write-all" })).toEqual(["write-all"]);
    expect(expressionsInCode(bad)).toEqual(["greet", "actions/github-script@v7"]);
  });

  it("the workflows are pr.yaml, pr-comment.yaml and e2e.yaml", () => {
    expect(files).toEqual(expect.arrayContaining(["pr.yaml", "pr-comment.yaml", "e2e.yaml"]));
  });

  it.each(files)("%s pastes no ${{ }} expression into a run: script or a github-script script", (file) => {
    expect(expressionsInCode(load(file))).toEqual([]);
  });

  it.each(files)("%s is not triggered by pull_request_target", (file) => {
    expect(Object.keys(load(file).on ?? {})).not.toContain("pull_request_target");
  });

  it("no workflow but pr-comment.yaml asks for a write permission", () => {
    for (const file of files.filter((f) => f !== "pr-comment.yaml")) expect(writePermissions(load(file)), file).toEqual([]);
  });
});

describe("pr.yaml runs the pull request's code with a read-only token", () => {
  const wf = load("pr.yaml");

  it("runs on pull_request only, with contents: read and nothing else", () => {
    expect(Object.keys(wf.on ?? {})).toEqual(["pull_request"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    for (const [name, job] of Object.entries(wf.jobs ?? {})) expect(job.permissions, name).toBeUndefined();
  });

  it("uses no secret, and leaves no token in the checkout for the pull request's code", () => {
    expect(text("pr.yaml")).not.toMatch(/secrets\.|github\.token/);
    const checkouts = steps(wf).filter((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkouts.length).toBeGreaterThan(0);
    for (const s of checkouts) expect(s.with?.["persist-credentials"]).toBe(false);
  });

  it("removes the setup actions' problem matchers before anything prints team text", () => {
    for (const [name, job] of Object.entries(wf.jobs ?? {})) {
      const list = job.steps ?? [];
      const setups = list.map((s, i) => (/^actions\/setup-(node|go)@/.test(s.uses ?? "") ? i : -1)).filter((i) => i >= 0);
      if (!setups.length) continue;
      const removal = list.findIndex((s) => s.name === "No problem matchers on team text");
      expect(removal, name).toBeGreaterThan(Math.max(...setups));
      expect(list.slice(0, removal).every((s) => s.uses || !s.run)).toBe(true);
      for (const owner of ["tsc", "eslint-stylish", "eslint-compact", "go"]) expect(list[removal].run).toContain(`::remove-matcher owner=${owner}::`);
    }
  });

  it("uploads the review and the event's pull request number as the artifact pr-review", () => {
    const upload = steps(wf).find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.with).toMatchObject({ name: "pr-review", path: "${{ runner.temp }}/pr-review" });
    const record = steps(wf).find((s) => s.run?.includes("pull-request.json")) as Step & { env?: Record<string, string> };
    expect(record.env).toEqual({ PR_NUMBER: "${{ github.event.pull_request.number }}", HEAD_SHA: "${{ github.event.pull_request.head.sha }}" });
  });
});

describe("pr-comment.yaml posts with a write token and runs no pull request code", () => {
  const wf = load("pr-comment.yaml");

  it("is triggered only by the completion of the pull request workflow", () => {
    expect(wf.on).toEqual({ workflow_run: { workflows: [load("pr.yaml").name], types: ["completed"] } });
  });

  it("may read the run's artifacts and write pull request comments, nothing else", () => {
    expect(wf.permissions).toEqual({ actions: "read", "pull-requests": "write" });
    for (const [name, job] of Object.entries(wf.jobs ?? {})) expect(job.permissions, name).toBeUndefined();
  });

  it("checks nothing out and has no run: step", () => {
    expect(steps(wf).length).toBeGreaterThan(0);
    for (const s of steps(wf)) {
      expect(s.uses, JSON.stringify(s)).toBeDefined();
      expect(s.uses).not.toMatch(/^actions\/checkout@/);
      expect(s.run).toBeUndefined();
    }
  });

  it("pins every action to a full commit, with the version in a comment", () => {
    const uses = text("pr-comment.yaml")
      .split("\n")
      .filter((l) => /^\s*(-\s+)?uses:/.test(l));
    expect(uses.length).toBe(steps(wf).length);
    for (const l of uses) expect(l).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it("downloads the artifact of the run that triggered it", () => {
    const download = steps(wf).find((s) => s.uses?.startsWith("actions/download-artifact@"));
    expect(download?.with).toMatchObject({ name: "pr-review", "run-id": "${{ github.event.workflow_run.id }}" });
  });
});

// ---------------------------------------------------------------------------
// The comment script, run the way actions/github-script runs it.

const script = String(steps(load("pr-comment.yaml")).find((s) => s.uses?.startsWith("actions/github-script@"))?.with?.script);
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<void>;
const marker = "<!-- spark-platform-review -->";
const THIS_REPO = 1;
const FORK = 2;
const SHA = "a".repeat(40);

interface Pull {
  number: number;
  state: "open" | "closed";
  head: { sha: string; ref: string; repo: { id: number; owner: { login: string } } };
  changed_files: number;
  files: { filename: string; previous_filename?: string }[];
}
interface Comment {
  id: number;
  issue: number;
  user: { login: string; type: string };
  body: string;
}

/** GitHub's REST API as far as the script uses it, over in-memory pull requests and comments. */
class FakeGitHub {
  comments: Comment[] = [];
  calls: string[] = [];
  constructor(readonly pulls: Pull[]) {}
  private pull(n: number): Pull {
    const p = this.pulls.find((x) => x.number === n);
    if (!p) throw Object.assign(new Error("Not Found"), { status: 404 });
    return p;
  }
  paginate = async <P, T>(fn: (params: P) => Promise<{ data: T[] }>, params: P) => (await fn(params)).data;
  rest = {
    pulls: {
      get: async ({ pull_number }: { pull_number: number }) => {
        this.calls.push(`pulls.get ${pull_number}`);
        const { files: _files, ...data } = this.pull(pull_number);
        return { data: structuredClone(data) };
      },
      list: async ({ state, head }: { state: string; head: string }) => {
        this.calls.push(`pulls.list ${state} ${head}`);
        const data = this.pulls.filter((p) => p.state === state && `${p.head.repo.owner.login}:${p.head.ref}` === head);
        return { data: data.map(({ number, head }) => ({ number, head: structuredClone(head) })) };
      },
      listFiles: async ({ pull_number }: { pull_number: number }) => ({ data: structuredClone(this.pull(pull_number).files) }),
    },
    issues: {
      listComments: async ({ issue_number }: { issue_number: number }) => ({ data: structuredClone(this.comments.filter((c) => c.issue === issue_number)) }),
      createComment: async ({ issue_number, body }: { issue_number: number; body: string }) => {
        this.comments.push({ id: this.comments.length + 100, issue: issue_number, user: { login: "github-actions[bot]", type: "Bot" }, body });
        return { data: {} };
      },
      updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => {
        const c = this.comments.find((x) => x.id === comment_id);
        if (!c) throw new Error(`no comment ${comment_id}`);
        c.body = body;
        return { data: {} };
      },
    },
  };
}

function pull(number: number, over: Partial<Pull> = {}, fork = false): Pull {
  return {
    number,
    state: "open",
    head: fork ? { sha: SHA, ref: "main", repo: { id: FORK, owner: { login: "mallory" } } } : { sha: SHA, ref: "team-epsilon", repo: { id: THIS_REPO, owner: { login: "acme" } } },
    changed_files: 2,
    files: [{ filename: "teams/epsilon.yaml" }, { filename: "generated/tenants/overlays/epsilon/kustomization.yaml" }],
    ...over,
  };
}

let temp: string;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), "pr-comment-"));
  mkdirSync(join(temp, "pr-review"));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

function artifact(review: string | undefined, number: number | undefined) {
  if (review !== undefined) writeFileSync(join(temp, "pr-review/review.md"), review);
  if (number !== undefined) writeFileSync(join(temp, "pr-review/pull-request.json"), JSON.stringify({ number, head_sha: SHA }));
}

async function post(gh: FakeGitHub, run: { pull_requests?: unknown[]; conclusion?: string; fork?: boolean } = {}) {
  const headRepo = run.fork ? { id: FORK, full_name: "mallory/platform", owner: { login: "mallory" } } : { id: THIS_REPO, full_name: "acme/platform", owner: { login: "acme" } };
  const context = {
    repo: { owner: "acme", repo: "platform" },
    payload: {
      repository: { id: THIS_REPO, full_name: "acme/platform" },
      workflow_run: {
        id: 4242,
        event: "pull_request",
        conclusion: run.conclusion ?? "success",
        head_sha: SHA,
        head_branch: run.fork ? "main" : "team-epsilon",
        head_repository: headRepo,
        html_url: "https://github.com/acme/platform/actions/runs/4242",
        pull_requests: run.pull_requests ?? [],
      },
    },
  };
  const log: string[] = [];
  const core = {
    info: (m: string) => log.push(`info: ${m}`),
    notice: (m: string) => log.push(`notice: ${m}`),
    setFailed: (m: string) => log.push(`failed: ${m}`),
  };
  const fn = new AsyncFunction("github", "context", "core", "require", "process", script);
  await fn(gh, context, core, createRequire(import.meta.url), { env: { RUNNER_TEMP: temp } });
  return log;
}

const linked = (number: number, baseRepo = THIS_REPO) => ({ number, head: { sha: SHA }, base: { repo: { id: baseRepo } } });

describe("the comment script", () => {
  it("posts one comment on the pull request GitHub links to the run, and updates it on the next run", async () => {
    const gh = new FakeGitHub([pull(7)]);
    gh.comments.push({ id: 1, issue: 7, user: { login: "mallory", type: "User" }, body: `${marker}\n✅ forged` });
    artifact("### ✅ Review against main: no errors. Safe to merge.\n", 7);
    // A pull request of another repository with the same head branch is not ours.
    expect(await post(gh, { pull_requests: [linked(3, 99), linked(7)] })).toEqual([expect.stringMatching(/^info: Posted the review on pull request #7/)]);
    const ours = gh.comments.filter((c) => c.user.login === "github-actions[bot]");
    expect(ours.map((c) => c.issue)).toEqual([7]);
    expect(ours[0].body).toBe(`${marker}\n### ✅ Review against main: no errors. Safe to merge.\n\n<sub>Commit ${SHA.slice(0, 12)}, [run 4242](https://github.com/acme/platform/actions/runs/4242).</sub>`);

    artifact("### ❌ Review against main: 1 error.", 7);
    await post(gh, { pull_requests: [linked(7)], conclusion: "failure" });
    expect(gh.comments.filter((c) => c.user.login === "github-actions[bot]")).toHaveLength(1);
    expect(ours[0].body).toContain("### ❌ Review against main: 1 error.");
    expect(ours[0].body).toContain("The pull request workflow ended in `failure`");
    expect(gh.comments[0].body).toBe(`${marker}\n✅ forged`); // someone else's comment with the marker stays as it was
  });

  it("finds a fork's pull request by its head repository and branch, as GitHub links none", async () => {
    const gh = new FakeGitHub([pull(8, {}, true)]);
    artifact("### ✅ Review", 8);
    await post(gh, { fork: true, pull_requests: [] });
    expect(gh.calls).toContain("pulls.list open mallory:main");
    expect(gh.comments.map((c) => c.issue)).toEqual([8]);
  });

  it("refuses an artifact that names another pull request", async () => {
    const gh = new FakeGitHub([pull(7), pull(9)]);
    artifact("### ✅ Review", 9);
    const log = await post(gh, { pull_requests: [linked(7)] });
    expect(log).toEqual([expect.stringMatching(/^failed: The artifact names pull request 9, but run 4242 is for #7: not posting/)]);
    expect(gh.comments).toEqual([]);
  });

  it("posts nothing when the pull request has moved on to another commit", async () => {
    const gh = new FakeGitHub([pull(7, { head: { ...pull(7).head, sha: "b".repeat(40) } })]);
    artifact("### ✅ Review", 7);
    expect(await post(gh, { pull_requests: [linked(7)] })).toEqual([expect.stringMatching(/^notice: No pull request .* has a{40} as its head any more/)]);
    expect(gh.comments).toEqual([]);
  });

  it("says the review did not run when the artifact has none (nor a symlink's target)", async () => {
    const gh = new FakeGitHub([pull(7)]);
    symlinkSync(join(repoRoot, "README.md"), join(temp, "pr-review/review.md"));
    await post(gh, { pull_requests: [linked(7)], conclusion: "failure" });
    expect(gh.comments[0].body).toContain("### ❌ Review: the review did not run; see [the run's log](https://github.com/acme/platform/actions/runs/4242).");
  });

  it("warns above the review when the pull request changes code that CI runs, with its file names escaped", async () => {
    const hostile = "src/`x`\n<img src=x onerror=alert(1)>.ts";
    const gh = new FakeGitHub([pull(7, { changed_files: 4, files: [...pull(7).files, { filename: "src/cli/main.ts" }, { filename: hostile }] })]);
    artifact("### ✅ Review against main: no errors. Safe to merge.", 7);
    await post(gh, { pull_requests: [linked(7)] });
    const body = gh.comments[0].body;
    const warning = body.slice(body.indexOf("> [!WARNING]"), body.indexOf("### ✅"));
    expect(warning).toMatch(/^> \[!WARNING\]\n> This pull request changes code that CI runs \(<code>src\/cli\/main\.ts<\/code>, <code>src\/&#96;x&#96;&#10;&#60;img&#32;/);
    expect(warning.trimEnd().split("\n").every((l) => l.startsWith("> "))).toBe(true);
    expect(body).not.toContain("<img");
  });

  it("trusts no file list that GitHub cut short", async () => {
    const gh = new FakeGitHub([pull(7, { changed_files: 3001 })]);
    artifact("### ✅ Review", 7);
    await post(gh, { pull_requests: [linked(7)] });
    expect(gh.comments[0].body).toContain("This pull request changes more files than GitHub lists (3001)");
  });

  it("caps the comment below GitHub's 65,536 characters and never cuts a character in half", async () => {
    const section = (i: number) => `\n<details><summary>part ${i}</summary>\n\n${"| 🚀 | x |\n".repeat(400)}\n</details>\n`;
    // The emoji take two UTF-16 units: one of the two runs would end on half of one.
    for (const review of [Array.from({ length: 40 }, (_, i) => section(i)).join(""), "🚀".repeat(40_000), `x${"🚀".repeat(40_000)}`]) {
      const gh = new FakeGitHub([pull(7, { files: [{ filename: "src/x.ts" }], changed_files: 1 })]);
      artifact(review, 7);
      await post(gh, { pull_requests: [linked(7)], conclusion: "failure" });
      const body = gh.comments[0].body;
      expect(body.length).toBeLessThanOrEqual(65536);
      expect(body.length).toBeGreaterThan(60000);
      // The note points to the whole review, pr.yaml's review-report artifact, on the run's page (GitHub's URL, no text of the artifact).
      expect(body).toMatch(/… cut here: the whole review is in the review-report artifact of \[run 4242\]\(https:\/\/github\.com\/acme\/platform\/actions\/runs\/4242#artifacts\)\.\n\n<sub>Commit a{12}, \[run 4242\]\(.*\)\.<\/sub>$/);
      expect(steps(load("pr.yaml")).filter((s) => s.uses?.startsWith("actions/upload-artifact@")).map((s) => s.with?.name)).toContain("review-report");
      expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      // A review of collapsed sections is cut between two of them, so none is left open.
      if (review.includes("<details>")) expect(body.slice(0, body.indexOf("… cut here")).trimEnd()).toMatch(/<\/details>$/);
      rmSync(join(temp, "pr-review/review.md"));
    }
  });

  it("posts the review's text as data: expressions and shell in it stay text", async () => {
    const gh = new FakeGitHub([pull(7)]);
    const review = "### ✅ ${{ secrets.GITHUB_TOKEN }} $(touch /tmp/pwned) `id` </details> <!--";
    artifact(review, 7);
    await post(gh, { pull_requests: [linked(7)] });
    expect(gh.comments[0].body).toContain(review);
  });
});
