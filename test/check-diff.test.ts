/**
 * `check --diff`: the unified diff of each out-of-date file, against GNU
 * diff's own `diff -u` on the same pair of texts; and `check` end to end after
 * a hand edit, with the finding at the first line that differs.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../src/format/unified-diff.js";
import { runCli } from "./support/cli.js";
import { builtProject } from "./support/project.js";

function gnuDiff(before: string, after: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "diff-"));
  try {
    writeFileSync(path.join(dir, "a"), before);
    writeFileSync(path.join(dir, "b"), after);
    execFileSync("diff", ["-u", "a", "b"], { cwd: dir });
    return "";
  } catch (error) {
    return String((error as { stdout: Buffer }).stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The hunks alone: GNU diff's file header carries times. */
const hunks = (diff: string) => diff.split("\n").filter((line) => !line.startsWith("--- ") && !line.startsWith("+++ ")).join("\n");
const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

describe("unifiedDiff", () => {
  const cases: Record<string, [string[], string[]]> = {
    "a line changed and one added at the end": [numbered(11), numbered(11).map((l, i) => (i === 2 ? "X" : l)).concat("l")],
    "a line added at the top": [["a", "b"], ["x", "a", "b"]],
    "a line removed": [["a", "b", "c"], ["a", "c"]],
    "two changes far apart: two hunks": [numbered(16), numbered(16).map((l, i) => (i === 2 ? "X" : i === 12 ? "Y" : l))],
    "two changes close together: one hunk": [numbered(16), numbered(16).map((l, i) => (i === 2 ? "X" : i === 8 ? "Y" : l))],
    "lines moved": [["a", "b", "c", "d", "e"], ["c", "d", "a", "b", "e"]],
    "everything replaced": [numbered(5), ["x", "y"]],
  };
  it.each(Object.keys(cases))("%s: as diff -u prints it", (name) => {
    const [before, after] = cases[name].map((lines) => lines.join("\n") + "\n");
    const ours = unifiedDiff("generated/x.yaml", before, after);
    expect(ours.split("\n").slice(0, 2)).toEqual(["--- a/generated/x.yaml", "+++ b/generated/x.yaml"]);
    expect(hunks(ours)).toBe(hunks(gnuDiff(before, after)));
  });

  it("is empty for equal texts, and shows hidden characters as escapes, one line per line", () => {
    expect(unifiedDiff("f", "a\n", "a\n")).toBe("");
    const diff = unifiedDiff("f", "a: 1\n", "a: 1\u001b[2J\r\n");
    expect(diff).toContain("+a: 1\\u001b[2J\\r");
    expect(diff.split("\n")).toHaveLength(6);
  });
});

describe("check after a hand edit", () => {
  it("fails with the file and the first line that differs, and --diff shows the difference", async () => {
    const project = await builtProject();
    try {
      const file = "generated/platform/queues/delta.yaml";
      const built = project.read(file);
      project.write(file, built.replace("weight: 40", "weight: 400"));
      const line = built.split("\n").findIndex((l) => l.includes("weight: 40")) + 1;

      const plain = await runCli(["check", "-C", project.root]);
      expect(plain.code).toBe(1);
      expect(plain.stderr).toContain(`${file}:${line}  error  ${file} differs from a fresh build`);
      expect(plain.stdout).not.toContain("@@");

      const withDiff = await runCli(["check", "--diff", "-C", project.root]);
      expect(withDiff.code).toBe(1);
      expect(withDiff.stdout).toContain(`--- a/${file}\n+++ b/${file}\n`);
      expect(withDiff.stdout).toContain("\n-  weight: 400\n+  weight: 40\n");

      // Another format keeps stdout one document: the diff goes to stderr.
      const json = await runCli(["check", "--diff", "--format", "json", "-C", project.root]);
      expect(JSON.parse(json.stdout).diagnostics.map((d: { code: string; file: string }) => `${d.code} ${d.file}`)).toEqual([`output/out-of-date ${file}`]);
      expect(json.stderr).toContain("+  weight: 40\n");
    } finally {
      project.cleanup();
    }
  });
});
