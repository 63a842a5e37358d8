/**
 * Quantities a team can write: every absurd one (an exponent, 16 digits or
 * more, Infinity, a negative, more than can be counted exactly) is an error
 * at the value's line and column with a fix, the input stays out of the
 * model, and neither `build` nor `review` crashes or writes anything.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { MAX_DIGITS, parseQuantity, quantityProblem, QuantityError, sparkMemoryBytes } from "../src/model/quantity.js";
import { DESTRUCTIVE_CHECKS } from "../src/review/index.js";
import { validateProject } from "../src/validate/index.js";
import { runCli } from "./support/cli.js";
import { copyProject } from "./support/project.js";

const REQUESTS = 'requests: { cpu: "4", memory: 8Gi }';
const QUANTITY_HINT = 'A Kubernetes resource quantity: at most 15 digits, with an optional decimal point and suffix (m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei), e.g. "500m", "4", "8Gi"; no sign, no exponent.';

const exact = (d: Diagnostic) => [d.severity, d.code, `${d.file}:${d.line}:${d.column}`, d.message, d.hint];

async function validated(file: string, from: string, to: string) {
  const project = copyProject();
  try {
    const old = project.read(file);
    if (!old.includes(from)) throw new Error(`edit does not apply: ${from}`);
    project.write(file, old.replace(from, to));
    return await validateProject(project.root);
  } finally {
    project.cleanup();
  }
}

describe("the parser", () => {
  it("reads the quantities people write, in base units", () => {
    expect(["500m", "4", "0.5", "8Gi", "1.5Gi", "2k", 3, 0.25].map(parseQuantity)).toEqual([0.5, 4, 0.5, 8 * 2 ** 30, 1.5 * 2 ** 30, 2000, 3, 0.25]);
    expect(sparkMemoryBytes("512m")).toBe(512 * 2 ** 20);
  });

  it("throws its own error, never returns Infinity or NaN", () => {
    for (const bad of ["1e21", "-4", "4.", ".5", "lots", "", Infinity, NaN, -1]) expect(() => parseQuantity(bad)).toThrow(QuantityError);
    expect(() => sparkMemoryBytes("2G")).toThrow(QuantityError);
  });

  it("says what is wrong with each absurd quantity, and nothing about a sane one", () => {
    const problems = (unit: "cpu" | "memory", values: unknown[]) => values.map((v) => quantityProblem(v, unit)?.message);
    expect(problems("cpu", ["4", "500m", 0.5, "999999999999m", "9007199254740"])).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(problems("cpu", [1e21, 1e-7, Infinity, -4, "9".repeat(MAX_DIGITS + 1), "9007199254741", "1e3", 0.12345678901234568])).toEqual([
      "is the number 1e+21, which is not a plain decimal quantity",
      "is the number 1e-7, which is not a plain decimal quantity",
      "is a number too large to represent",
      "is negative (-4)",
      "has 16 significant digits, more than the 15 a quantity may have",
      "is more CPU than can be counted exactly (at most 9007199254740991 millicores)",
      'is "1e3", which is not a Kubernetes quantity',
      "has 17 significant digits, more than the 15 a quantity may have",
    ]);
    expect(problems("memory", ["8Pi", "999999999999999Ei", "7Pi"])).toEqual([
      "is more memory than can be counted exactly (at most 9007199254740991 bytes)",
      "is more memory than can be counted exactly (at most 9007199254740991 bytes)",
      undefined,
    ]);
  });
});

describe("validation", () => {
  it.each([
    ["cpu: 1e21 (a YAML number)", "cpu: 1e21", ["error", "schema/maximum", "teams/alpha.yaml:9:20", "`quota.requests.cpu` is number 1e+21; it must be at most 999999999999999", `Use a value at most 999999999999999. ${QUANTITY_HINT}`]],
    ["a 401-digit number (Infinity to YAML)", `cpu: ${"9".repeat(401)}`, ["error", "schema/wrong-type", "teams/alpha.yaml:9:20", "`quota.requests.cpu` must be a string or a number, found a number too large to represent", QUANTITY_HINT]],
    ["a 401-digit string", `cpu: "${"9".repeat(401)}"`, ["error", "schema/bad-format", "teams/alpha.yaml:9:20", '`quota.requests.cpu` is "999999999999999999999999999999999999999…" (401 characters), which is not a valid Kubernetes quantity', QUANTITY_HINT]],
    ["16 digits", 'cpu: "1234567890123456"', ["error", "schema/bad-format", "teams/alpha.yaml:9:20", '`quota.requests.cpu` is "1234567890123456", which is not a valid Kubernetes quantity', QUANTITY_HINT]],
    ["16 digits across a decimal point", 'cpu: "1.234567890123456"', ["error", "schema/bad-format", "teams/alpha.yaml:9:20", '`quota.requests.cpu` is "1.234567890123456", which is not a valid Kubernetes quantity', QUANTITY_HINT]],
    ["an exponent in a string", 'cpu: "1e21"', ["error", "schema/bad-format", "teams/alpha.yaml:9:20", '`quota.requests.cpu` is "1e21", which is not a valid Kubernetes quantity', QUANTITY_HINT]],
    ["a negative number", "cpu: -4", ["error", "schema/minimum", "teams/alpha.yaml:9:20", "`quota.requests.cpu` is number -4; it must be at least 0", `Use a value at least 0. ${QUANTITY_HINT}`]],
    ["a number too small to print without an exponent", "cpu: 0.0000001", ["error", "schema/quantity-out-of-range", "teams/alpha.yaml:9:20", "`quota.requests.cpu` is the number 1e-7, which is not a plain decimal quantity", 'Write it as a string without an exponent, with a suffix if it is very small or very large, e.g. "4" or "500m".']],
    ["15 digits of CPU, beyond exact millicores", 'cpu: "999999999999999"', ["error", "schema/quantity-out-of-range", "teams/alpha.yaml:9:20", "`quota.requests.cpu` is more CPU than can be counted exactly (at most 9007199254740991 millicores)", 'No node or quota is that large: write the amount you mean, e.g. "4" or "500m".']],
  ])("refuses %s at the value", async (_name, cpu, expected) => {
    const result = await validated("teams/alpha.yaml", REQUESTS, REQUESTS.replace('cpu: "4"', cpu));
    expect(result.diagnostics.map(exact)).toEqual([expected]);
    // The team is left out of the model, as with any schema error: nothing later counts with the number.
    expect(result.model!.teams.map((t) => t.name)).toEqual(["beta", "delta", "theta"]);
  });

  it("refuses a pod count of 1e21, which is a whole number to the schema but would print as 1e+21", async () => {
    const result = await validated("teams/alpha.yaml", "pods: 10", "pods: 1e21");
    expect(result.diagnostics.map(exact)).toEqual([[
      "error", "schema/maximum", "teams/alpha.yaml:11:9", "`quota.pods` is number 1e+21; it must be at most 10000", "Use a value at most 10000. Maximum number of pods (at most 10000; a k3s node runs 110 by default).",
    ]]);
  });

  it("refuses 15 digits of exbibytes (10^33 bytes), which the schema's pattern lets through", async () => {
    const result = await validated("teams/alpha.yaml", REQUESTS, 'requests: { cpu: "4", memory: 999999999999999Ei }');
    expect(result.diagnostics.map(exact)).toEqual([[
      "error", "schema/quantity-out-of-range", "teams/alpha.yaml:9:33",
      "`quota.requests.memory` is more memory than can be counted exactly (at most 9007199254740991 bytes)",
      'No node or quota is that large: write the amount you mean, e.g. "8Gi" or "512Mi".',
    ]]);
  });

  it("refuses an absurd Spark heap by the schema", async () => {
    const result = await validated("teams/alpha.yaml", "driver: { cores: 1, memory: 512m }", "driver: { cores: 1, memory: 1000t }");
    expect(result.diagnostics.map(exact)).toEqual([[
      "error", "schema/bad-format", "teams/alpha.yaml:17:31", '`exampleJob.driver.memory` is "1000t", which is not in the expected format', 'JVM heap in Spark\'s notation, at most 999t, e.g. "512m" or "2g".',
    ]]);
  });

  it("checks platform.yaml's quantities the same way, and builds no model without it", async () => {
    const result = await validated("platform.yaml", 'agents: { count: 2, cpu: "4", memory: 8Gi }', 'agents: { count: 2, cpu: "4", memory: 9Pi }');
    expect(result.diagnostics.map(exact)).toEqual([[
      "error", "schema/quantity-out-of-range", "platform.yaml:9:41",
      "`cluster.agents.memory` is more memory than can be counted exactly (at most 9007199254740991 bytes)",
      'No node or quota is that large: write the amount you mean, e.g. "8Gi" or "512Mi".',
    ]]);
    expect(result.model).toBeUndefined();
  });
});

/** Every file under `dir`, with its content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const full = path.join(d, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out[path.relative(dir, full)] = readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return out;
}

describe("the review's destructive check", () => {
  const quota = (hard: Record<string, string>) => ({ id: "", source: "", object: { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q", namespace: "team-a" }, spec: { hard } } });
  const change = { change: "changed" as const, apiVersion: "v1", kind: "ResourceQuota", name: "q", namespace: "team-a", team: "a", source: "" };

  it("compares quota amounts, and shows rather than passes one it cannot read, without throwing", () => {
    const [quotaLowered] = DESTRUCTIVE_CHECKS.filter((c) => c.id === "review/quota-lowered");
    expect(quotaLowered.detect(change, quota({ "requests.cpu": "4", pods: "10" }), quota({ "requests.cpu": "4000m", pods: "11" }))).toEqual([]);
    expect(quotaLowered.detect(change, quota({ pods: "10" }), quota({ pods: "1e+21" })).map((d) => d.detail)).toEqual(["ResourceQuota team-a/q lowers pods from 10 to 1e+21"]);
  });
});

describe("the commands", () => {
  it.each([["cpu: 1e21", "cpu: 1e21"], ["a 401-digit quantity", `cpu: "${"9".repeat(401)}"`]])("build refuses %s with exit 1, no stack trace, and leaves generated/ and argocd/ as they were", async (_name, cpu) => {
    const project = copyProject({ withOutput: true });
    try {
      const before = { generated: snapshot(path.join(project.root, "generated")), argocd: snapshot(path.join(project.root, "argocd")) };
      project.write("teams/alpha.yaml", project.read("teams/alpha.yaml").replace(REQUESTS, REQUESTS.replace('cpu: "4"', cpu)));
      const build = await runCli(["build", "-C", project.root]);
      expect(build.code).toBe(1);
      expect(`${build.stdout}${build.stderr}`).toContain("teams/alpha.yaml:9:20");
      expect(`${build.stdout}${build.stderr}`).not.toMatch(/internal error|\n\s+at /);
      expect({ generated: snapshot(path.join(project.root, "generated")), argocd: snapshot(path.join(project.root, "argocd")) }).toEqual(before);
    } finally {
      project.cleanup();
    }
  });
});
