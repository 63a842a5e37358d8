/**
 * Bounded cost: what keeps a hostile team file from making validation slow
 * or its report endless. The limits refuse a file before it is parsed, and
 * at most MAX_PROBLEMS_PER_FILE problems of a file are reported, with one
 * more that counts the rest. How fast is measured by `npm run bench` (the
 * `hostile` measures), not here: these tests check what is reported.
 */
import { afterEach, describe, expect, it } from "vitest";
import { capPerFile, MAX_PROBLEMS_PER_FILE, type Diagnostic } from "../src/diagnostics/diagnostic.js";
import { FORMATS } from "../src/format/index.js";
import { MAX_INPUT_BYTES, MAX_INPUT_DEPTH, MAX_INPUT_LINES, MAX_INPUT_SYNTAX, parseSource } from "../src/load/source.js";
import { validateProject } from "../src/validate/index.js";
import { repoRoot } from "./support/paths.js";
import { runCli } from "./support/cli.js";
import { copyProject, type TestProject } from "./support/project.js";
import { readFileSync } from "node:fs";
import path from "node:path";

const ALPHA = readFileSync(path.join(repoRoot, "teams/alpha.yaml"), "utf8");
const ALPHA_LINES = ALPHA.split("\n").length - 1;

/** alpha.yaml with `n` unknown keys after its own. */
const unknownKeys = (n: number) => ALPHA + Array.from({ length: n }, (_, i) => `unknown${i}: ${i}\n`).join("");

let project: TestProject | undefined;
afterEach(() => project?.cleanup());

describe("limits checked before the file is parsed", () => {
  it("refuse a megabyte of unknown keys with one diagnostic, where the limit is passed", () => {
    const lines = [ALPHA];
    for (let i = 0, size = ALPHA.length; size < MAX_INPUT_BYTES - 40; i++) size += lines[lines.push(`unknown${i}: ${i}\n`) - 1].length;
    const text = lines.join("");
    expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(MAX_INPUT_BYTES - 40);
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_INPUT_BYTES);
    const { source, diagnostics } = parseSource("teams/alpha.yaml", text);
    expect(source).toBeUndefined();
    // Stopped early: each `key: value` line is three pieces of syntax.
    const line = diagnostics[0].line!;
    expect(diagnostics).toEqual([{
      severity: "error", code: "yaml/too-long", file: "teams/alpha.yaml", line, column: 1,
      message: `file has more than ${MAX_INPUT_SYNTAX.toLocaleString("en")} keys, values and YAML indicators (\`:\`, \`-\`, \`,\`, brackets, anchors, tags)`,
      hint: "An input needs a few hundred: check that the right file is in place.",
    }]);
    expect(line).toBeGreaterThan(ALPHA_LINES);
    expect(line).toBeLessThanOrEqual(ALPHA_LINES + MAX_INPUT_SYNTAX / 3 + 1);
  });

  it("count flow collections, commas, anchors and tags, which a line-by-line count would miss", () => {
    for (const text of [`a: [${"1,".repeat(MAX_INPUT_SYNTAX)}]\n`, `a: ${"&x ".repeat(MAX_INPUT_SYNTAX)}1\n`, `a: ${"!t ".repeat(MAX_INPUT_SYNTAX)}1\n`]) {
      expect(parseSource("teams/x.yaml", text).diagnostics.map((d) => [d.code, d.line])).toEqual([["yaml/too-long", 1]]);
    }
  });

  it("refuse more lines than an input needs, comments included, at the first line too many", () => {
    const text = "# a comment\n".repeat(MAX_INPUT_LINES + 5) + "name: x\n";
    expect(parseSource("teams/x.yaml", text).diagnostics).toMatchObject([{ code: "yaml/too-long", message: `file has more than ${MAX_INPUT_LINES.toLocaleString("en")} lines`, line: MAX_INPUT_LINES + 1 }]);
  });

  it("refuse deep nesting in flow style before parsing, and in block style after", () => {
    const flow = parseSource("teams/x.yaml", `a: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`).diagnostics;
    expect(flow).toEqual([{ severity: "error", code: "yaml/too-deep", file: "teams/x.yaml", line: 1, column: 4 + MAX_INPUT_DEPTH, message: `values are nested more than ${MAX_INPUT_DEPTH} levels deep`, hint: expect.stringMatching(/brackets and the indentation/) }]);
    const block = parseSource("teams/x.yaml", `a:\n  ${"- ".repeat(MAX_INPUT_DEPTH + 1)}x\n`).diagnostics;
    expect(block.map((d) => d.code)).toEqual(["yaml/too-deep"]);
    // Just within the limit: parsed.
    expect(parseSource("teams/x.yaml", `a: ${"[".repeat(MAX_INPUT_DEPTH - 1)}${"]".repeat(MAX_INPUT_DEPTH - 1)}\n`).diagnostics).toEqual([]);
  });

  it("find every duplicate key, each at its second occurrence", () => {
    const { diagnostics } = parseSource("teams/x.yaml", "a: 1\nb: 2\na: 3\nc: {d: 1, d: 2}\n1: x\n'1': y\n");
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ["yaml/duplicate-key", 3, 1, "duplicate key `a`: keys must be unique within a mapping"],
      ["yaml/duplicate-key", 4, 11, "duplicate key `d`: keys must be unique within a mapping"],
      // Different in YAML, one key once read: the second would silently replace the first.
      ["yaml/duplicate-key", 6, 1, "duplicate key `1`: keys must be unique within a mapping"],
    ]);
  });

  it("read a team file with a long comment above its keys (a backtracking check took minutes)", () => {
    const { source, diagnostics } = parseSource("teams/alpha.yaml", "# a comment\n".repeat(40) + ALPHA);
    expect(diagnostics).toEqual([]);
    expect((source!.data as { name: string }).name).toBe("alpha");
  });

  it("still call an input of comments and blank lines empty", () => {
    expect(parseSource("teams/x.yaml", "# only\n\n   \n# comments\n").diagnostics.map((d) => d.code)).toEqual(["yaml/empty"]);
  });
});

describe(`at most ${MAX_PROBLEMS_PER_FILE} problems of a file`, () => {
  it("are reported, then one that counts the rest; the summary line counts them all", async () => {
    project = copyProject();
    project.write("teams/alpha.yaml", unknownKeys(250));
    const { diagnostics } = await validateProject(project.root);
    const alpha = diagnostics.filter((d) => d.file === "teams/alpha.yaml");
    expect(alpha).toHaveLength(MAX_PROBLEMS_PER_FILE + 1);
    expect(alpha.slice(0, MAX_PROBLEMS_PER_FILE).map((d) => [d.code, d.line])).toEqual(
      Array.from({ length: MAX_PROBLEMS_PER_FILE }, (_, i) => ["schema/unknown-key", ALPHA_LINES + 1 + i]),
    );
    expect(alpha[MAX_PROBLEMS_PER_FILE]).toEqual({
      severity: "error", code: "input/more-problems", file: "teams/alpha.yaml", line: ALPHA_LINES + 1 + MAX_PROBLEMS_PER_FILE, column: 1,
      message: "…and 150 more errors in this file, not shown",
      hint: `Only the first ${MAX_PROBLEMS_PER_FILE} problems of a file are reported: fix these and run again.`,
      omitted: 150,
    });

    const cli = await runCli(["validate", "-C", project.root]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe("✖ 250 errors.\n");
    const lines = cli.stderr.trimEnd().split("\n");
    expect(lines.filter((l) => l.startsWith("teams/alpha.yaml:"))).toHaveLength(MAX_PROBLEMS_PER_FILE + 1);
    expect(lines.slice(-2)).toEqual([
      `teams/alpha.yaml:${ALPHA_LINES + 1 + MAX_PROBLEMS_PER_FILE}:1  error  …and 150 more errors in this file, not shown  input/more-problems`,
      `    fix: Only the first ${MAX_PROBLEMS_PER_FILE} problems of a file are reported: fix these and run again.`,
    ]);
    expect(FORMATS.markdown(diagnostics, false).split("\n")[0]).toBe("### ❌ spark-platform: 250 errors, 0 warnings. Not safe to merge as it is.");
  });

  it("are counted per file and per severity, and the count comes after the file's problems in any order", () => {
    const at = (file: string, line: number, severity: Diagnostic["severity"] = "error"): Diagnostic => ({ severity, code: "x/y", message: "m", file, line, column: 1 });
    const diagnostics = [
      ...Array.from({ length: 5 }, (_, i) => at("a.yaml", i + 1)),
      ...Array.from({ length: 3 }, (_, i) => at("b.yaml", i + 1, i === 2 ? "warning" : "error")),
      at("b.yaml", 9, "warning"),
    ];
    const capped = capPerFile(diagnostics, 2);
    expect(capped.map((d) => `${d.file}:${d.line} ${d.severity} ${d.omitted ?? ""}`)).toEqual([
      "a.yaml:1 error ", "a.yaml:2 error ", "a.yaml:3 error 3",
      "b.yaml:1 error ", "b.yaml:2 error ", "b.yaml:3 warning 2",
    ]);
    expect(capPerFile(diagnostics, 5)).toBe(diagnostics);
  });
});
