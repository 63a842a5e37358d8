/**
 * Output formats: the policy report of the seed and a review report
 * (beta removed, theta's quota lowered, epsilon added), each compared whole
 * with its fixture in test/fixtures/reports/, and the same findings in
 * every format. Regenerate the fixtures with `npx vitest run test/format.test.ts -u`
 * and read the diff.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { markdownProse } from "../src/format/escape.js";
import { FORMATS, formatNames, type FormatName } from "../src/format/index.js";
import type { ReportContext } from "../src/format/report.js";
import { compile } from "../src/pipeline.js";
import { policyOf } from "../src/policy/index.js";
import { reviewCompiled } from "../src/review/index.js";
import { copyProject, teamLike } from "./support/project.js";

const EXTENSION: Record<FormatName, string> = { text: "txt", json: "json", markdown: "md", github: "github.txt", sarif: "sarif" };

interface Report {
  diagnostics: Diagnostic[];
  context: ReportContext;
}

const reports: Record<"policy" | "review", Report> = {} as never;

beforeAll(async () => {
  const seed = copyProject();
  const head = copyProject();
  try {
    const policy = policyOf(await compile(seed.root));
    reports.policy = { diagnostics: policy.diagnostics, context: policy.context! };
    head.remove("teams/beta.yaml");
    head.write("teams/theta.yaml", head.read("teams/theta.yaml").replace('requests: { cpu: "6", memory: 12Gi }', 'requests: { cpu: "4", memory: 12Gi }'));
    head.write("teams/epsilon.yaml", teamLike("theta", "epsilon").replace('guarantee: { cpu: "4", memory: 8Gi }', 'guarantee: { cpu: "1", memory: 2Gi }').replace("instances: 2", "instances: 1"));
    const review = reviewCompiled(await compile(seed.root, { lint: false, render: false }), await compile(head.root, { lint: false, render: false }), "main");
    reports.review = { diagnostics: review.diagnostics, context: review.context };
  } finally {
    seed.cleanup();
    head.cleanup();
  }
});

describe.each(["policy", "review"] as const)("the %s report", (name) => {
  it.each(formatNames)("in %s equals its fixture", async (format) => {
    const { diagnostics, context } = reports[name];
    await expect(FORMATS[format](diagnostics, false, context) + "\n").toMatchFileSnapshot(`fixtures/reports/${name}.${EXTENSION[format]}`);
  });

  it("has the same findings in every format", () => {
    const { diagnostics, context } = reports[name];
    const key = (d: { code: string; file?: string; line?: number; column?: number; severity: string }) => `${d.severity} ${d.code} ${d.file ?? ""}:${d.line ?? ""}:${d.column ?? ""}`;
    const expected = diagnostics.map(key);
    expect(expected.length).toBeGreaterThan(0);

    const json = JSON.parse(FORMATS.json(diagnostics, false, context)) as { diagnostics: Diagnostic[] };
    expect(json.diagnostics).toEqual(diagnostics);

    // SARIF has a location for every result (./sarif.test.ts): a finding without a line is on line 1, one without a file on platform.yaml's.
    const sarif = JSON.parse(FORMATS.sarif(diagnostics, false, context));
    const rules = sarif.runs[0].tool.driver.rules as Array<{ id: string }>;
    expect(sarif.runs[0].results.map((r: any) => {
      const location = r.locations?.[0]?.physicalLocation;
      expect(rules[r.ruleIndex].id).toBe(r.ruleId);
      return key({ severity: r.level, code: r.ruleId, file: location?.artifactLocation.uri, line: location?.region?.startLine, column: location?.region?.startColumn });
    })).toEqual(diagnostics.map((d) => key({ ...d, ...(d.file === undefined || d.line === undefined ? { file: d.file ?? "platform.yaml", line: 1, column: undefined } : {}) })));

    const annotations = FORMATS.github(diagnostics, false, context).split("\n");
    expect(annotations.map((line) => {
      const [, level, props] = /^::(error|warning) ([^:]*)::/.exec(line)!;
      const p = Object.fromEntries(props.split(",").map((kv) => kv.split("=")));
      return key({ severity: level, code: p.title, file: p.file, line: p.line && Number(p.line), column: p.col && Number(p.col) });
    })).toEqual(expected);

    const text = FORMATS.text(diagnostics, false, context);
    const markdown = FORMATS.markdown(diagnostics, false, context);
    for (const d of diagnostics) {
      expect(text).toContain(d.message);
      expect(markdown).toContain(markdownProse(d.message).replace(/\|/g, "\\|"));
    }

    // What a review compared with its base: JSON's baseline is SARIF's baselineState, on every result or none.
    expect(sarif.runs[0].results.map((r: any) => r.baselineState)).toEqual(diagnostics.map((d) => d.baseline));
  });
});

describe("the review in the terminal", () => {
  const block = (text: string, heading: RegExp) => {
    const lines = text.split("\n");
    const start = lines.findIndex((l) => heading.test(l));
    const end = lines.indexOf("", start);
    return start < 0 ? undefined : lines.slice(start, end < 0 ? undefined : end);
  };
  const findingLines = (lines: string[] | undefined) => (lines ?? []).filter((l) => /  (error|warning)  /.test(l));

  it("lists what the change introduces or alters first, then what main already had under a heading of its own", () => {
    const { diagnostics, context } = reports.review;
    const text = FORMATS.text(diagnostics, false, context);
    const fresh = diagnostics.filter((d) => d.baseline !== "unchanged");
    const already = diagnostics.filter((d) => d.baseline === "unchanged");
    expect(already.map((d) => `${d.code} ${d.file}:${d.line}`)).toEqual(["capacity-overcommit platform.yaml:9"]);
    expect(fresh.some((d) => d.baseline === "updated")).toBe(true);

    const findings = block(text, /^Findings \(/)!;
    const before = block(text, /^Already on /)!;
    expect(findings[0]).toBe("Findings (14)");
    expect(before[0]).toBe("Already on main (1)");
    expect(text.indexOf("Findings (14)")).toBeLessThan(text.indexOf("Already on main (1)"));
    // Each finding in its group, once, in the order of the list.
    expect(findingLines(findings).map((l) => l.split("  ")[2])).toEqual(fresh.map((d) => d.message));
    expect(findingLines(before).map((l) => l.split("  ")[2])).toEqual(already.map((d) => d.message));
    expect(text.split(already[0].message)).toHaveLength(2);
    // The same counts as the comment's, whose verdict and the exit code count the first group alone.
    const markdown = FORMATS.markdown(diagnostics, false, context);
    expect(markdown).toContain("<details><summary>Findings (14)</summary>");
    expect(markdown).toContain("<details><summary>Already on main (1)</summary>");
    expect(markdown.split("\n")[0]).toMatch(/^### ❌ Review against main: 7 errors, 7 warnings\./);
  });

  it("says there is nothing new when everything was already on the base", () => {
    const { diagnostics, context } = reports.review;
    const unchanged = diagnostics.map((d) => ({ ...d, baseline: "unchanged" as const }));
    const text = FORMATS.text(unchanged, false, context);
    expect(text).not.toMatch(/^Findings/m);
    expect(text).toContain(`No new findings.\n\nAlready on main (${diagnostics.length})\n`);
    expect(findingLines(block(text, /^Already on /))).toHaveLength(diagnostics.length);
  });

  it("is one list of problems when the base had none of them (as review --quiet prints what the change brings)", () => {
    const { diagnostics, context } = reports.review;
    const fresh = diagnostics.filter((d) => d.baseline !== "unchanged");
    const text = FORMATS.text(fresh, false, context);
    expect(text).not.toMatch(/^(Findings \(|Already on |No new findings)/m);
    expect(findingLines(text.split("\n\n").at(-1)!.split("\n")).map((l) => l.split("  ")[2])).toEqual(fresh.map((d) => d.message));
    expect(FORMATS.text(fresh, false)).toBe(text.split("\n\n").at(-1));
  });

  it("is as it was outside a review: no findings compared, no headings", () => {
    const { diagnostics, context } = reports.review;
    const plain = diagnostics.map(({ baseline: _, ...d }) => d);
    const text = FORMATS.text(plain, false, context);
    expect(text).not.toMatch(/^(Findings \(|Already on |No new findings)/m);
    // The findings are the report's last block, one after another in their sorted order.
    const last = text.split("\n\n").at(-1)!;
    expect(findingLines(last.split("\n")).map((l) => l.split("  ")[2])).toEqual(plain.map((d) => d.message));
    expect(FORMATS.text(plain, false)).toBe(last);
    expect(FORMATS.text(reports.policy.diagnostics, false, reports.policy.context)).not.toMatch(/^(Findings \(|Already on )/m);
  });
});

describe("the Markdown comment", () => {
  it("starts with the verdict, then a summary table, with the details collapsed", () => {
    const { diagnostics, context } = reports.review;
    const lines = FORMATS.markdown(diagnostics, false, context).split("\n");
    // Three teams' files change at once: the verdict says so, and each changed quota is an error of its own.
    expect(lines[0]).toBe("### ❌ Review against main: 7 errors, 7 warnings. Not safe to merge as it is; it changes the files of teams `beta`, `epsilon` and `theta`.");
    expect(lines).toContain("**Whose files:** teams `beta`, `epsilon` and `theta`");
    expect(lines).toContain("| rule | severity | findings |");
    expect(lines.filter((l) => l.startsWith("<details><summary>"))).toEqual([
      "<details><summary>Findings (14)</summary>",
      // The limits' overcommit on platform.yaml is the base's own: the same word for word on main.
      "<details><summary>Already on main (1)</summary>",
      "<details><summary>Picture of the platform: capacity changes (before → after)</summary>",
      "<details><summary>Changes by resource (33)</summary>",
      "<details><summary>Files by owner (3)</summary>",
      "<details><summary>Capacity before → after</summary>",
      "<details><summary>Volcano queues (the proportion plugin of Volcano 1.8.2)</summary>",
    ]);
  });
});

describe("the terminal", () => {
  it("is coloured only when asked to", () => {
    const { diagnostics, context } = reports.policy;
    expect(FORMATS.text(diagnostics, true, context)).toMatch(/\x1b\[/);
    expect(FORMATS.text(diagnostics, false, context)).not.toMatch(/\x1b\[/);
  });
});

describe("GitHub annotations", () => {
  it("escape what would end a property or the message", () => {
    const out = FORMATS.github([{ severity: "error", code: "x/y", file: "teams/a,b.yaml", line: 3, column: 1, message: "50% of 2:\nnext", hint: "fix it" }], false);
    // A line break in a message shows as `\n`; the one before the fix is ours, and GitHub's %0A.
    expect(out).toBe("::error file=teams/a%2Cb.yaml,line=3,col=1,title=x/y::50%25 of 2:\\nnext%0Afix: fix it");
  });

  it("leave out the file when a finding has none", () => {
    expect(FORMATS.github([{ severity: "warning", code: "review/allowance-unused", message: "m" }], false)).toBe("::warning title=review/allowance-unused::m");
  });
});

describe("SARIF", () => {
  it("is version 2.1.0 and describes every rule that has a finding", () => {
    const { diagnostics, context } = reports.review;
    const sarif = JSON.parse(FORMATS.sarif(diagnostics, false, context));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
    const rules = new Map((sarif.runs[0].tool.driver.rules as Array<{ id: string; shortDescription?: unknown; helpUri?: string }>).map((r) => [r.id, r]));
    for (const d of diagnostics) expect(rules.get(d.code)?.shortDescription).toBeDefined();
    expect(rules.get("capacity-overcommit")!.helpUri).toBe("https://github.com/example-org/spark-data-platform/blob/main/README.md#capacity-overcommit");
  });
});
