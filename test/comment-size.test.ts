/**
 * The pull request comment stays under GitHub's 65,536 characters
 * (src/format/budget.ts): a change to all 150 teams of a platform renders a
 * report several times that long, and the comment keeps the verdict, the
 * summary and the first findings, and says where the whole report is.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { COMMENT_BUDGET, FULL_REPORT, withinBudget } from "../src/format/budget.js";
import { FORMATS } from "../src/format/index.js";
import { compile } from "../src/pipeline.js";
import { reviewCompiled } from "../src/review/index.js";
import { copyProject, teamLike } from "./support/project.js";

const GITHUB_LIMIT = 65_536;
const TEAMS = 150;

describe("withinBudget", () => {
  const table = (rows: number) => `<details><summary>Findings (${rows})</summary>\n\n| a | b |\n| --- | --- |\n${Array.from({ length: rows }, (_, i) => `| row ${i} | ${"x".repeat(40)} |`).join("\n")}\n\n</details>`;

  it("leaves a report that fits as it is", () => {
    const parts = ["### ✅ verdict", "summary", table(3)];
    expect(withinBudget(parts, 2, 10_000)).toBe(parts.join("\n\n"));
  });

  it("keeps the first parts whole, cuts a table to the rows that fit, leaves out what is left, and says so", () => {
    const parts = ["### ❌ verdict", "summary", table(500), `<details><summary>Picture</summary>\n\n${"y".repeat(5_000)}\n\n</details>`, "<details><summary>small</summary>\n\nz\n\n</details>"];
    const out = withinBudget(parts, 2, 4_000);
    expect(out.length).toBeLessThanOrEqual(4_000);
    expect(out.startsWith("### ❌ verdict\n\nsummary\n\n<details><summary>Findings (500)</summary>")).toBe(true);
    const kept = out.match(/^\| row \d+ /gm)!.length;
    expect(kept).toBeGreaterThan(10);
    expect(out).toContain(`| row 0 |`);
    expect(out).toContain(`…and ${500 - kept} more, in the full report.\n\n</details>`);
    expect(out).not.toContain("Picture");
    // The first findings take the room that is left, before later blocks.
    expect(out).not.toContain("<summary>small</summary>");
    expect(out.endsWith(`3 of its blocks are left out or cut short here. The whole of it is in ${FULL_REPORT}.`)).toBe(true);
  });
});

describe(`the review comment of a change to ${TEAMS} teams`, () => {
  let full: string;
  let comment: string;

  beforeAll(async () => {
    const base = copyProject();
    const head = copyProject();
    try {
      for (const project of [base, head]) {
        for (let i = 0; i < TEAMS; i++) project.write(`teams/team${String(i).padStart(3, "0")}.yaml`, teamLike("alpha", `team${String(i).padStart(3, "0")}`));
      }
      // Platform-wide: every team's quota lowered (destructive: an error each) and its pods raised.
      for (let i = 0; i < TEAMS; i++) {
        const file = `teams/team${String(i).padStart(3, "0")}.yaml`;
        head.write(file, head.read(file).replace('requests: { cpu: "4", memory: 8Gi }', 'requests: { cpu: "3", memory: 6Gi }').replace("pods: 10", "pods: 12"));
      }
      const review = reviewCompiled(await compile(base.root, { lint: false, render: false }), await compile(head.root, { lint: false, render: false }), "main");
      comment = FORMATS.markdown(review.diagnostics, false, review.context);
      full = FORMATS.text(review.diagnostics, false, review.context);
    } finally {
      base.cleanup();
      head.cleanup();
    }
  }, 120_000);

  it("would be far longer than a comment takes, whole", () => {
    expect(full.length).toBeGreaterThan(2 * GITHUB_LIMIT);
  });

  it("stays within the budget, keeping the verdict, the summary table and the first findings, and names the full report", () => {
    expect(comment.length).toBeLessThanOrEqual(COMMENT_BUDGET);
    expect(COMMENT_BUDGET).toBeLessThan(GITHUB_LIMIT);
    const lines = comment.split("\n");
    expect(lines[0]).toMatch(/^### ❌ Review against main: \d+ errors/);
    expect(lines).toContain("| rule | severity | findings |");
    expect(comment).toMatch(/<details><summary>Findings \(\d+\)<\/summary>\n\n\| {2}\| where \| finding \| rule \|\n\| --- \| --- \| --- \| --- \|\n\| (❌ error|⚠️ warning) \| `[^`]+` \|/);
    expect(comment).toMatch(/\n\n…and \d+ more, in the full report\.\n\n<\/details>/);
    expect(comment).toContain(`The whole of it is in ${FULL_REPORT}.`);
    // Every collapsed block that was opened is closed: the cut never leaves the rest of the comment inside one.
    expect(comment.match(/<details>/g)!.length).toBe(comment.match(/<\/details>/g)!.length);
  });
});
