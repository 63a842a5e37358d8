/**
 * SARIF against the SARIF 2.1.0 JSON schema (OASIS, vendored in
 * test/fixtures/sarif/ from oasis-tcs/sarif-spec, sarif-2.1/schema/) and
 * against what GitHub's code-scanning upload requires beyond it
 * (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
 * a tool version, and for every result a message, a location with a file
 * and a start line, and partialFingerprints. Checked on the policy report of
 * the seed, a review, `check` after a hand edit, and findings without a file.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { FORMATS } from "../src/format/index.js";
import { fingerprint, FINGERPRINT_KEY } from "../src/format/sarif.js";
import { compile } from "../src/pipeline.js";
import { policyOf } from "../src/policy/index.js";
import { reviewCompiled } from "../src/review/index.js";
import { runCli } from "./support/cli.js";
import { repoRoot } from "./support/paths.js";
import { builtProject, copyProject } from "./support/project.js";

const packageVersion = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

/** The schema is draft-04 (`id`, not `$id`): Ajv reads it as draft-07, which it equals in every keyword it uses. */
function sarifValidator() {
  const { $schema: _draft, id, ...schema } = JSON.parse(readFileSync(path.join(import.meta.dirname, "fixtures/sarif/sarif-schema-2.1.0.json"), "utf8"));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile({ ...schema, $id: id });
}

/** GitHub's rules for an upload, as a list of what is wrong (empty when it passes). */
function githubProblems(sarif: any): string[] {
  const problems: string[] = [];
  if (sarif.version !== "2.1.0") problems.push("version is not 2.1.0");
  for (const [r, run] of (sarif.runs as any[]).entries()) {
    const driver = run.tool?.driver;
    if (!driver?.name) problems.push(`run ${r}: no tool.driver.name`);
    if (!driver?.version) problems.push(`run ${r}: no tool.driver.version`);
    if (run.results.length > 25_000) problems.push(`run ${r}: more than 25,000 results`);
    for (const [i, result] of (run.results as any[]).entries()) {
      const at = `run ${r} result ${i} (${result.ruleId})`;
      if (!result.message?.text) problems.push(`${at}: no message.text`);
      if (!result.ruleId || driver.rules[result.ruleIndex]?.id !== result.ruleId) problems.push(`${at}: ruleIndex does not name its rule`);
      if (!result.locations?.length) problems.push(`${at}: no location`);
      if (result.locations?.length > 10) problems.push(`${at}: more than 10 locations`);
      for (const location of result.locations ?? []) {
        const physical = location.physicalLocation;
        if (!physical?.artifactLocation?.uri) problems.push(`${at}: a location without a file`);
        if (/^[a-z]+:|^\//i.test(physical?.artifactLocation?.uri ?? "")) problems.push(`${at}: ${physical.artifactLocation.uri} is not relative to the repository`);
        if (!Number.isInteger(physical?.region?.startLine) || physical.region.startLine < 1) problems.push(`${at}: a location without a start line`);
      }
      if (!result.partialFingerprints || Object.keys(result.partialFingerprints).length === 0) problems.push(`${at}: no partialFingerprints`);
    }
  }
  return problems;
}

const sarifs: Record<string, string> = {};
const validate = sarifValidator();

beforeAll(async () => {
  const seed = copyProject();
  const head = copyProject();
  const built = await builtProject();
  try {
    const policy = policyOf(await compile(seed.root));
    sarifs.policy = FORMATS.sarif(policy.diagnostics, false, policy.context);
    head.remove("teams/beta.yaml");
    head.write("teams/theta.yaml", head.read("teams/theta.yaml").replace('requests: { cpu: "6", memory: 12Gi }', 'requests: { cpu: "4", memory: 12Gi }'));
    const review = reviewCompiled(await compile(seed.root, { lint: false, render: false }), await compile(head.root, { lint: false, render: false }), "main");
    sarifs.review = FORMATS.sarif(review.diagnostics, false, review.context);
    // A hand edit, a stray file and a file no longer generated: what `check` finds in generated/.
    built.write("generated/platform/queues/delta.yaml", built.read("generated/platform/queues/delta.yaml").replace("weight: 40", "weight: 400"));
    built.write("generated/notes.txt", "mine\n");
    const check = await runCli(["check", "--format", "sarif", "-C", built.root]);
    expect(check.code).toBe(1);
    sarifs.check = check.stdout;
    const fileless: Diagnostic[] = [
      { severity: "warning", code: "review/allowance-unused", message: "the allowance for `zeta` allowed nothing" },
      { severity: "error", code: "output/stale-file", file: "generated/a b/ü.yaml", message: "differs" },
    ];
    sarifs.fileless = FORMATS.sarif(fileless, false);
  } finally {
    seed.cleanup();
    head.cleanup();
    built.cleanup();
  }
});

describe.each(["policy", "review", "check", "fileless"])("the SARIF of %s", (name) => {
  it("is valid SARIF 2.1.0", () => {
    const sarif = JSON.parse(sarifs[name]);
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
  });

  it("passes GitHub's upload rules", () => {
    const sarif = JSON.parse(sarifs[name]);
    expect(githubProblems(sarif)).toEqual([]);
    expect(sarif.runs[0].tool.driver.version).toBe(packageVersion);
  });
});

describe("SARIF locations and fingerprints", () => {
  it("place a finding about the whole platform on platform.yaml line 1, and one without a line on its file's line 1", () => {
    const results = JSON.parse(sarifs.fileless).runs[0].results;
    expect(results.map((r: any) => r.locations[0].physicalLocation)).toEqual([
      { artifactLocation: { uri: "platform.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } },
      { artifactLocation: { uri: "generated/a%20b/%C3%BC.yaml", uriBaseId: "%SRCROOT%" }, region: { startLine: 1 } },
    ]);
  });

  it("check's findings are results at the files concerned", () => {
    const results = JSON.parse(sarifs.check).runs[0].results;
    expect(results.map((r: any) => `${r.ruleId} ${r.locations[0].physicalLocation.artifactLocation.uri}`)).toEqual([
      "output/foreign-file generated/notes.txt",
      "output/out-of-date generated/platform/queues/delta.yaml",
    ]);
  });

  it("carry a review's comparison with its base as baselineState, on every result of the run or on none", () => {
    const states = (name: string) => JSON.parse(sarifs[name]).runs[0].results.map((r: any) => r.baselineState);
    // beta removed and theta lowered: the limits' overcommit is main's own, the capabilities moved, the rest is the change's.
    const review = states("review");
    expect(new Set(review)).toEqual(new Set(["new", "updated", "unchanged"]));
    for (const name of ["policy", "check", "fileless"]) expect(states(name).every((s: unknown) => s === undefined)).toBe(true);
    // SARIF §3.27.24: once one result has a state, all do; a finding nothing compared is the change's own.
    const mixed: Diagnostic[] = [
      { severity: "warning", code: "capacity-overcommit", file: "platform.yaml", line: 9, message: "m", baseline: "unchanged" },
      { severity: "error", code: "review/namespace-deleted", file: "teams/beta.yaml", message: "n" },
    ];
    const sarif = JSON.parse(FORMATS.sarif(mixed, false));
    expect(sarif.runs[0].results.map((r: any) => r.baselineState)).toEqual(["unchanged", "new"]);
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
  });

  it("keep a finding's fingerprint when its numbers or its line change, and tell rules and files apart", () => {
    const d = { code: "capacity-overcommit", file: "teams/alpha.yaml", message: "requests of 12 CPU exceed 2.5× of 10 CPU" };
    const results = JSON.parse(FORMATS.sarif([{ ...d, severity: "warning", line: 3 }], false)).runs[0].results;
    expect(results[0].partialFingerprints).toEqual({ [FINGERPRINT_KEY]: fingerprint(d) });
    expect(fingerprint(d)).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprint({ ...d, message: "requests of 14 CPU exceed 3.25× of 10 CPU" })).toBe(fingerprint(d));
    expect(fingerprint({ ...d, code: "capacity-guarantee" })).not.toBe(fingerprint(d));
    expect(fingerprint({ ...d, file: "teams/beta.yaml" })).not.toBe(fingerprint(d));
    expect(fingerprint({ ...d, message: "limits of 12 CPU exceed 2.5× of 10 CPU" })).not.toBe(fingerprint(d));
  });
});
