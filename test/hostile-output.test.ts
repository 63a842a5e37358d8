/**
 * Hostile text in every output format. Keys, values and file names that try
 * to end a line, to start a GitHub workflow command (`::error::`,
 * `::add-mask::`, the legacy `##[…]`), or to write Markdown or HTML into the
 * pull request comment (`</details>`, `<!--`, a heading, an image, a `|` or
 * backticks in a table cell, U+2028) must show as data, escaped for where they
 * land. First each formatter's exact output for one finding that holds them
 * all; then the real commands on a throwaway project: validate and policy
 * (the compiled CLI, in every format), review (the function the CLI calls),
 * and the CLI when its reader goes away.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { FORMATS, formatNames, type FormatName } from "../src/format/index.js";
import { reviewPlatform } from "../src/review/index.js";
import { repoRoot } from "./support/paths.js";
import { runCli } from "./support/cli.js";
import { copyProject, type TestProject } from "./support/project.js";

let project: TestProject | undefined;
afterEach(() => project?.cleanup());

/** One finding with every kind of hostile text in its message, file and hint. */
const FINDING: Diagnostic = {
  severity: "error", code: "schema/unknown-key",
  file: "teams/x\n::error::f.yaml", line: 3, column: 1,
  message: "unknown key `a\n::add-mask::s\u2028</details><!--|`` in the file",
  hint: "# heading ![img](http://x) @org/admins ##[error]x",
};

describe("each format escapes what a team wrote, exactly", () => {
  it("text: hidden characters as escapes, and no line a runner takes for a command", () => {
    expect(FORMATS.text([FINDING], false)).toBe([
      "teams/x\\n::error::f.yaml:3:1  error  unknown key `a\\n::add-mask::s\\u2028</details><!--|`` in the file  schema/unknown-key",
      "    fix: # heading ![img](http://x) @org/admins ##\\[error]x",
    ].join("\n"));
    // A file name that starts with `::` would start the line.
    expect(FORMATS.text([{ ...FINDING, file: "::warning::x" }], false).split("\n")[0]).toMatch(/^\\::warning::x:3:1 {2}error/);
  });

  it("github: one annotation line, GitHub's escaping in every field", () => {
    expect(FORMATS.github([FINDING], false)).toBe(
      "::error file=teams/x\\n%3A%3Aerror%3A%3Af.yaml,line=3,col=1,title=schema/unknown-key::" +
        "unknown key `a\\n::add-mask::s\\u2028</details><!--|`` in the file%0Afix: # heading ![img](http://x) @org/admins ##[error]x",
    );
  });

  it("markdown: the file as a code span, the finding as text with every markup character escaped", () => {
    const lines = FORMATS.markdown([FINDING], false).split("\n");
    expect(lines[0]).toBe("### ❌ spark-platform: 1 error, 0 warnings. Not safe to merge as it is.");
    expect(lines).toContain(
      "| ❌ error | `teams/x\\n::error::f.yaml:3:1` | unknown key \\`a\\\\n::add-mask::s\\\\u2028&lt;/details&gt;&lt;\\!--\\|\\`\\` in the file" +
        "<br>fix: \\# heading \\!\\[img\\](http://x) @&#8203;org/admins \\#\\#\\[error\\]x | `schema/unknown-key` |",
    );
  });

  it("markdown: a code span is fenced longer than the backticks inside, and `|` is escaped in it", () => {
    const row = FORMATS.markdown([{ ...FINDING, file: "teams/`a``|b.yaml" }], false).split("\n").find((l) => l.startsWith("| ❌ error |"))!;
    expect(row.split(" | ")[1]).toBe("```teams/`a``\\|b.yaml:3:1```");
    expect(FORMATS.markdown([{ ...FINDING, file: "`a` " }], false)).toContain("| `` `a` :3:1 `` |");
  });

  it.each(["json", "sarif"] as const)("%s: the raw text as data, nothing hidden or runnable in the bytes", (format) => {
    const out = FORMATS[format]([FINDING], false);
    expect(out).not.toMatch(/[\u2028\u2029\u0085]|##\[/);
    expect(out.split("\n").some((l) => /^\s*::/.test(l))).toBe(false);
    const parsed = JSON.parse(out);
    if (format === "json") {
      expect(parsed.diagnostics).toEqual([FINDING]);
    } else {
      const [result] = parsed.runs[0].results;
      expect(result.message.text).toBe(`${FINDING.message}. Fix: ${FINDING.hint}`);
      expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe("teams/x%0A%3A%3Aerror%3A%3Af.yaml");
      expect(decodeURIComponent(result.locations[0].physicalLocation.artifactLocation.uri)).toBe(FINDING.file);
    }
  });
});

/** Unknown keys, each a hostile string (as a YAML double-quoted key, so that `\n` and `\u2028` are the characters). */
const HOSTILE_KEYS = [
  "a\n::error file=teams/alpha.yaml,line=1::pwned",
  "::add-mask::${{ secrets.TOKEN }}",
  "legacy ##[warning]pwned",
  "</details><details open><summary>✅ Safe to merge</summary>",
  "<!-- the rest is hidden",
  "# heading",
  "![img](http://x/pixel.png)",
  "a|b|c",
  "`code` and ``more``",
  "line\u2028::error::separated",
  "right-to-left \u202eoverride",
  "@org/admins",
];

/** Checks that apply to any output: no line a team controls that a runner could take for a command. */
function expectNoCommandLines(out: string, format: FormatName) {
  for (const line of out.split("\n")) {
    if (format === "github") expect(line).toMatch(/^::(error|warning) (file=[^,:\n]*,line=\d+,col=\d+,)?title=[^,:\n]*::/);
    else expect(line).not.toMatch(/^[\s\u0085]*::/);
    if (format !== "github") expect(line).not.toContain("##[");
    expect(line).not.toMatch(/[\u2028\u2029\u0085\u202e]/);
  }
}

/** Markdown outside code spans: only our own HTML, and no image, link, heading, comment or mention a team wrote. */
function expectInertMarkdown(markdown: string) {
  // The review's diagram is a fenced block of names src/picture/mermaid.ts escaped: no backtick can close it early.
  const diagrams = [...markdown.matchAll(/^```mermaid\n([^]*?)\n```$/gm)];
  for (const [, diagram] of diagrams) expect(diagram).not.toContain("`");
  markdown = markdown.replace(/^```mermaid\n[^]*?\n```$/gm, "");
  const lines = markdown.split("\n");
  expect(lines.filter((l) => l.startsWith("#"))).toEqual([lines[0]]);
  // Our links to a rule's documentation have a code span for a label; a team's `[` is escaped, so it cannot make one.
  const prose = markdown.replace(/\[(`+)[^`\n]+\1\]\(https:\/\/[^\s)]+\)/g, "").replace(/(`+)(?!`)[^\n]*?(?<!`)\1(?!`)/g, "");
  expect(prose).not.toMatch(/<!--|(?<!\\)!\[|(?<!\\)\]\(|@org/);
  const tags = prose.match(/<\/?[a-z][^>]*>/gi) ?? [];
  for (const tag of tags) expect(["<details>", "</details>", "<summary>", "</summary>", "<br>", "<code>", "</code>"]).toContain(tag);
  expect(tags.filter((t) => t === "<details>").length).toBe(tags.filter((t) => t === "</details>").length);
  // Every row of a table has as many cells as its header: GitHub splits a row only at a `|` without a backslash before it.
  const cells = (row: string) => row.split(/(?<!\\)\|/).length;
  for (const [i, line] of lines.entries()) {
    if (line.startsWith("| ") && !lines[i - 1]?.startsWith("| ")) {
      const table = lines.slice(i, lines.findIndex((l, j) => j > i && !l.startsWith("| ")));
      expect(table.map(cells)).toEqual(table.map(() => cells(table[0])));
    }
  }
}

describe("validate and policy, through the compiled CLI", () => {
  it.each(formatNames)("--format %s: every hostile key and file name reported, escaped", async (format) => {
    project = copyProject();
    const keys = HOSTILE_KEYS.map((k) => `${JSON.stringify(k)}: 1`).join("\n");
    project.write("teams/alpha.yaml", `${project.read("teams/alpha.yaml")}${keys}\n`);
    // A file name is the pull request's to choose: a .yml file is named in its diagnostic.
    const strayName = "teams/x\n::error::named.yml";
    writeFileSync(path.join(project.root, strayName), "name: x\n");

    const { code, stdout, stderr } = await runCli(["validate", "-C", project.root, "--format", format]);
    expect(code).toBe(1);
    const out = format === "text" ? stderr : stdout;
    expectNoCommandLines(out.trimEnd(), format);

    // policy reports the same findings (the platform does not compile), on stdout in every format.
    const policy = await runCli(["policy", "-C", project.root, "--format", format, "--quiet"]);
    expect(policy.code).toBe(1);
    expect(policy.stderr).toBe("");
    expectNoCommandLines(policy.stdout.trimEnd(), format);
    if (format === "markdown") expectInertMarkdown(policy.stdout);

    const json = JSON.parse((await runCli(["validate", "-C", project.root, "--format", "json"])).stdout) as { diagnostics: Diagnostic[] };
    const unknown = json.diagnostics.filter((d) => d.code === "schema/unknown-key").map((d) => d.message);
    expect(unknown).toEqual(HOSTILE_KEYS.map((k) => `unknown key \`${k}\` in the file`));
    expect(json.diagnostics.find((d) => d.code === "input/extension")?.file).toBe(strayName);

    if (format === "text") {
      expect(out).toContain("unknown key `a\\n::error file=teams/alpha.yaml,line=1::pwned` in the file");
      expect(out).toContain("unknown key `legacy ##\\[warning]pwned` in the file");
      expect(out).toContain("unknown key `line\\u2028::error::separated` in the file");
      expect(out).toContain("unknown key `right-to-left \\u202eoverride` in the file");
      expect(out).toContain("teams/x\\n::error::named.yml:1:1  error  teams/x\\n::error::named.yml has the extension .yml");
    }
    if (format === "github") expect(out.trimEnd().split("\n")).toHaveLength(json.diagnostics.length);
    if (format === "markdown") {
      expectInertMarkdown(out);
      // Our sentences quote a key in backticks: a code span, where HTML is text.
      expect(out).toContain("unknown key `</details><details open><summary>✅ Safe to merge</summary>` in the file");
      expect(out).toContain("unknown key \\`\\`code\\` and \\`\\`more\\`\\`\\` in the file");
      expect(out).toContain("`teams/x\\n::error::named.yml:1:1`");
    }
    if (format === "sarif") {
      const results = JSON.parse(out).runs[0].results as Array<{ message: { text: string }; locations: any[] }>;
      for (const key of HOSTILE_KEYS) expect(results.some((r) => r.message.text.startsWith(`unknown key \`${key}\` in the file`))).toBe(true);
      expect(results.map((r) => decodeURIComponent(r.locations[0].physicalLocation.artifactLocation.uri))).toContain(strayName);
    }
  });
});

describe("review, through the function the CLI calls", () => {
  it("shows a hostile contact and a hostile file name as data in every format", async () => {
    project = copyProject();
    const git = (...args: string[]) => execFileSync("git", args, { cwd: project!.root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    git("init", "-q", "-b", "main");
    git("config", "user.email", "review@example.com");
    git("config", "user.name", "review test");
    git("add", "-A");
    git("commit", "-q", "-m", "seed");
    // A contact the schema allows (one line of printable text), and a stray file whose name is not.
    const contact = "</details> <!-- # x ![i](http://x) a|b `c` ##[error]x @org/admins";
    project.write("teams/alpha.yaml", project.read("teams/alpha.yaml").replace('contact: "#team-alpha"', `contact: ${JSON.stringify(contact)}`));
    mkdirSync(path.join(project.root, "notes"));
    const stray = "notes/a\n::error::b|<!-- <details> ##[x].md";
    writeFileSync(path.join(project.root, stray), "x\n");
    git("add", "-A");

    const result = await reviewPlatform({ root: project.root, base: "main" });
    const field = 'metadata.annotations["spark-platform.io/contact"]';
    expect(result.changes.find((c) => c.kind === "Namespace")?.fields).toEqual([{ path: field, before: "#team-alpha", after: contact }]);
    expect(result.context.owners?.files.map((f) => f.path)).toContain(stray);

    for (const format of formatNames) {
      const out = FORMATS[format](result.diagnostics, false, result.context);
      expectNoCommandLines(out, format);
      if (format === "markdown") {
        expectInertMarkdown(out);
        // Not a code span: it could not escape the `##[` (the report may be printed to a CI log).
        expect(out).toContain(
          "| \\~ | `Namespace/team-alpha` | alpha | `generated/platform/namespaces` | " +
            'metadata.annotations\\["spark-platform.io/contact"\\]: "\\#team-alpha" → "&lt;/details&gt; &lt;\\!-- \\# x \\!\\[i\\](http://x) a\\|b \\`c\\` \\#\\#\\[error\\]x @&#8203;org/admins" |',
        );
      }
      if (format === "text") {
        expect(out).toContain(`${field}: "#team-alpha" → ${JSON.stringify(contact).replace("##[", "##\\[")}`);
        expect(out).toContain(JSON.stringify(stray).replace("##[", "##\\["));
      }
      if (format === "json") {
        const json = JSON.parse(out);
        expect(json.changes.find((c: { kind: string }) => c.kind === "Namespace").fields[0].after).toBe(contact);
        expect(json.owners.files.map((f: { path: string }) => f.path)).toContain(stray);
      }
    }
  });
});

describe("the CLI, when the reader of its output goes away", () => {
  /** `cli … | head -n`: head's output, the CLI's exit code and its stderr. */
  function pipeToHead(args: string[], lines: number, cwd: string) {
    const cli = path.join(repoRoot, "dist/src/cli/main.js");
    const script = `"${process.execPath}" "${cli}" "$@" 2>"$ERR" | head -n ${lines}; echo "exit=\${PIPESTATUS[0]}"`;
    const dir = mkdtempSync(path.join(tmpdir(), "spark-platform-stderr-"));
    try {
      const err = path.join(dir, "stderr.txt");
      const stdout = execFileSync("bash", ["-c", script, "bash", ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ERR: err } });
      return { stdout, stderr: readFileSync(err, "utf8") };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("policy | head -1: ends quietly with the exit code policy has", () => {
    project = copyProject();
    const { stdout, stderr } = pipeToHead(["policy", "-C", project.root], 1, project.root);
    expect(stdout).toBe("Policy\nexit=0\n");
    expect(stderr).toBe("");

    // With an error, exit 1 all the same.
    project.write("teams/alpha.yaml", project.read("teams/alpha.yaml").replace('requests: { cpu: "4"', 'requests: { cpu: "9"'));
    const failing = pipeToHead(["policy", "-C", project.root], 1, project.root);
    expect(failing.stdout).toMatch(/^teams\/alpha\.yaml:.*\nexit=1\n$/);
    expect(failing.stderr).toBe("");
  });

  it("review | head -2: ends quietly too", () => {
    project = copyProject();
    const git = (...args: string[]) => execFileSync("git", args, { cwd: project!.root, stdio: "ignore" });
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("-c", "user.email=r@example.com", "-c", "user.name=r", "commit", "-q", "-m", "seed");
    const { stdout, stderr } = pipeToHead(["review", "-C", project.root, "--base", "main"], 2, project.root);
    expect(stdout).toBe("Review against main\n\nexit=0\n");
    expect(stderr).toBe("");
  });

  it("a closed stdout is not a crash for any format", () => {
    project = copyProject();
    for (const format of formatNames) {
      const { stdout, stderr } = pipeToHead(["policy", "-C", project.root, "--format", format], 0, project.root);
      expect(stdout).toBe("exit=0\n");
      expect(stderr).toBe("");
    }
  });
});
