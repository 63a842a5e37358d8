/**
 * A corpus of bad inputs, each with the file, line and message it must
 * produce. Every case starts from the seed's inputs and breaks one thing.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { loadInputs } from "../src/load/inputs.js";
import { compileInputs } from "../src/pipeline.js";
import { validateProject } from "../src/validate/index.js";
import { copyProject, teamLike, type TestProject } from "./support/project.js";

interface Case {
  name: string;
  /** Changes to apply: file → new content (or a function of the old one). */
  edit: Record<string, string | ((old: string) => string)>;
  /** Fields the diagnostic must have; a RegExp matches, a string equals (message and hint: contains). */
  expect: { [K in keyof Diagnostic]?: Diagnostic[K] | RegExp } & { message: RegExp | string };
}

const replace = (from: string | RegExp, to: string) => (old: string) => {
  const next = old.replace(from, to);
  if (next === old) throw new Error(`case does not apply: ${from}`);
  return next;
};

const CASES: Case[] = [
  {
    name: "misspelt key gets a did-you-mean",
    edit: { "teams/alpha.yaml": replace("quota:", "quta:") },
    expect: { file: "teams/alpha.yaml", line: 8, column: 1, code: "schema/unknown-key", message: "unknown key `quta`", hint: /Did you mean `quota`\?/ },
  },
  {
    name: "a missing required key names the key and what it is for",
    edit: { "teams/beta.yaml": replace(/^scheduler: default\n/m, "") },
    expect: { file: "teams/beta.yaml", line: 2, code: "schema/missing-key", message: "missing required key `scheduler`", hint: /default scheduler, or Volcano/ },
  },
  {
    name: "an enum value lists the allowed values and suggests",
    edit: { "teams/alpha.yaml": replace("scheduler: default", "scheduler: volcan") },
    expect: { file: "teams/alpha.yaml", line: 7, column: 12, code: "schema/not-allowed", message: /not one of: default, volcano/, hint: "Did you mean `volcano`?" },
  },
  {
    name: "bad quantity syntax",
    edit: { "teams/alpha.yaml": replace('requests: { cpu: "4"', 'requests: { cpu: "lots"') },
    expect: { file: "teams/alpha.yaml", line: 9, column: 20, code: "schema/bad-format", message: /`quota.requests.cpu` is "lots", which is not a valid Kubernetes quantity/, hint: /500m/ },
  },
  {
    name: "a list where a mapping belongs",
    edit: { "teams/alpha.yaml": replace(/^quota:\n(  .*\n)+/m, "quota:\n  - 4\n  - 8Gi\n") },
    expect: { file: "teams/alpha.yaml", line: 9, code: "schema/wrong-type", message: "`quota` must be a mapping, found a list" },
  },
  {
    name: "YAML syntax error",
    edit: { "teams/alpha.yaml": replace("owners:\n", "owners: [\n") },
    expect: { file: "teams/alpha.yaml", code: /^yaml\//, message: /./ },
  },
  {
    name: "duplicate key",
    edit: { "teams/beta.yaml": (old) => old + "scheduler: volcano\n" },
    expect: { file: "teams/beta.yaml", code: "yaml/duplicate-key", message: /unique/, hint: /Remove one/ },
  },
  {
    name: "alias bomb",
    edit: { "teams/alpha.yaml": () => "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n" },
    expect: { file: "teams/alpha.yaml", line: 2, code: "yaml/alias", message: /alias \*a is not allowed/ },
  },
  {
    name: "empty file",
    edit: { "teams/alpha.yaml": () => "# yaml-language-server: $schema=../schemas/team.schema.json\n" },
    expect: { file: "teams/alpha.yaml", line: 1, code: "yaml/empty", message: "file is empty" },
  },
  {
    name: "a top-level list",
    edit: { "teams/alpha.yaml": () => "- name: alpha\n" },
    expect: { file: "teams/alpha.yaml", line: 1, code: "yaml/not-a-mapping", message: /found a list/ },
  },
  {
    name: "huge file",
    edit: { "teams/alpha.yaml": () => "description: " + "x".repeat(1100 * 1024) + "\n" },
    expect: { file: "teams/alpha.yaml", code: "yaml/too-large", message: /more than the 1 MiB/ },
  },
  {
    name: "file name and team name differ",
    edit: { "teams/alpha.yaml": replace("name: alpha", "name: alfa") },
    expect: { file: "teams/alpha.yaml", line: 2, column: 7, code: "team/name-matches-file", message: /does not match the file name/, hint: /teams\/alfa.yaml/ },
  },
  {
    name: "a team name that makes the platform's own Application",
    edit: { "teams/guardrails.yaml": () => teamLike("alpha", "guardrails") },
    expect: { file: "teams/guardrails.yaml", line: 2, column: 7, code: "team/reserved-name", message: "team name `guardrails` makes Application `tenant-guardrails`, which is the platform's own Application (generated/applications/platform.yaml)", hint: "Choose another team name, and rename teams/guardrails.yaml to match" },
  },
  {
    name: "a Volcano team named after Volcano's default queue",
    edit: { "teams/default.yaml": () => teamLike("theta", "default").replace(/^ {2}guarantee: .*\n/m, "") },
    expect: { file: "teams/default.yaml", line: 2, column: 7, code: "team/reserved-name", message: "team name `default` makes Queue `default`, which is the platform's own Queue (generated/platform/queues/default.yaml)" },
  },
  {
    name: "a Volcano team whose queue file would overwrite the queues' kustomization.yaml",
    edit: { "teams/kustomization.yaml": () => teamLike("theta", "kustomization").replace(/^ {2}guarantee: .*\n/m, "") },
    expect: { file: "teams/kustomization.yaml", line: 2, column: 7, code: "team/reserved-name", message: /^team name `kustomization` writes Queue `kustomization`(, .*)? to generated\/platform\/queues\/kustomization.yaml, where the platform writes its Kustomization$/ },
  },
  {
    name: "not a DNS-1123 name",
    edit: { "teams/Alpha_1.yaml": () => teamLike("alpha", "Alpha_1") },
    expect: { file: "teams/Alpha_1.yaml", line: 2, code: "schema/bad-format", message: /`name` is "Alpha_1", which is not a valid team name/, hint: /lower-case letters/ },
  },
  {
    name: "requests above limits",
    edit: { "teams/alpha.yaml": replace('requests: { cpu: "4"', 'requests: { cpu: "12"') },
    expect: { file: "teams/alpha.yaml", line: 9, column: 20, code: "quota/requests-exceed-limits", message: "quota requests.cpu (12 CPU) is more than limits.cpu (8 CPU)" },
  },
  {
    name: "a Volcano team without a queue",
    edit: { "teams/theta.yaml": replace(/^queue:\n(  .*\n)+/m, "") },
    expect: { file: "teams/theta.yaml", code: "team/queue-scheduler-mismatch", message: /uses Volcano but has no `queue`/ },
  },
  {
    name: "a default-scheduler team with a queue",
    edit: { "teams/alpha.yaml": (old) => old + "queue:\n  weight: 10\n  capability: { cpu: \"2\", memory: 4Gi }\n" },
    expect: { file: "teams/alpha.yaml", code: "team/queue-scheduler-mismatch", message: /ignores `queue`/ },
  },
  {
    name: "guarantee above capability",
    edit: { "teams/theta.yaml": replace('guarantee: { cpu: "4"', 'guarantee: { cpu: "9"') },
    expect: { file: "teams/theta.yaml", code: "queue/guarantee-exceeds-capability", message: "queue guarantee.cpu (9 CPU) is more than its capability.cpu (8 CPU)" },
  },
  {
    name: "guarantees above the cluster (theta copied to epsilon)",
    edit: { "teams/epsilon.yaml": () => teamLike("theta", "epsilon") },
    expect: { file: "teams/epsilon.yaml", code: "queue/guarantees-exceed-cluster", message: /delta 4 CPU \+ epsilon 4 CPU \+ theta 4 CPU = 12 CPU > 10 CPU.*panics/, hint: /at most 10 CPU \/ 20Gi/ },
  },
  {
    name: "Volcano used but not installed",
    edit: { "platform.yaml": replace(/^  volcano:\n(    .*\n)+/m, "") },
    expect: { file: "teams/delta.yaml", code: "platform/volcano-missing", message: /installs no Volcano/ },
  },
  {
    name: "incompatible Kubernetes version",
    edit: { "platform.yaml": replace("rancher/k3s:v1.28.15-k3s1", "rancher/k3s:v1.32.5-k3s1") },
    expect: { file: "platform.yaml", line: 38, column: 16, code: "platform/version-incompatible", message: /Volcano 1.8 supports Kubernetes 1.19–1.28, not v1.32.5/ },
  },
  {
    name: "Argo CD 3 on Kubernetes 1.28",
    edit: { "platform.yaml": replace("argocdVersion: v2.14.21", "argocdVersion: v3.1.0") },
    expect: { file: "platform.yaml", code: "platform/version-incompatible", message: /Argo CD 3.x supports Kubernetes 1.29/ },
  },
  {
    name: "misspelt Helm value",
    edit: { "platform.yaml": replace("workers: 10", "worker: 10") },
    expect: { file: "platform.yaml", line: 26, column: 17, code: "platform/helm-values", message: "`controller.worker` is not a value of the spark-operator 2.3.0 chart; Helm would ignore it", hint: "Did you mean `controller.workers`?" },
  },
  {
    name: "a value the compiler owns",
    edit: { "platform.yaml": replace("      webhook:\n", "      spark:\n        jobNamespaces: [default]\n      webhook:\n") },
    expect: { file: "platform.yaml", code: "platform/helm-values", message: /`spark.jobNamespaces` is set by the compiler/ },
  },
  {
    name: "Spark Operator webhook off while Volcano teams exist",
    edit: { "platform.yaml": replace("        enable: true\n        port: 9443", "        enable: false\n        port: 9443") },
    expect: { file: "platform.yaml", code: "platform/volcano-needs-operator-webhook", message: /only the webhook sets `schedulerName: volcano`/ },
  },
  {
    name: "a .yml team file is not silently ignored",
    edit: { "teams/epsilon.yml": () => teamLike("alpha", "epsilon") },
    expect: { file: "teams/epsilon.yml", code: "input/extension", message: "has the extension .yml, so it is not read", hint: "Rename it to teams/epsilon.yaml." },
  },
  {
    name: "a file without the schema line gets a warning",
    edit: { "teams/alpha.yaml": (old) => old.split("\n").slice(1).join("\n") },
    expect: { file: "teams/alpha.yaml", line: 1, severity: "warning", code: "input/schema-line", message: "does not start with its schema line", hint: "Make the first line: # yaml-language-server: $schema=../schemas/team.schema.json" },
  },
];

let project: TestProject | undefined;
afterEach(() => project?.cleanup());

describe("bad inputs", () => {
  it.each(CASES)("$name", async ({ edit, expect: expected }) => {
    project = copyProject();
    for (const [file, change] of Object.entries(edit)) {
      let old = "";
      try { old = project.read(file); } catch { /* new file */ }
      project.write(file, typeof change === "string" ? change : change(old));
    }
    const { diagnostics } = compileInputs(await loadInputs(project.root));
    const { message, hint, ...exact } = expected;
    const match = diagnostics.find((d) =>
      Object.entries(exact).every(([k, v]) => (v instanceof RegExp ? v.test(String(d[k as keyof Diagnostic])) : d[k as keyof Diagnostic] === v)) &&
      (message instanceof RegExp ? message.test(d.message) : d.message.includes(message)) &&
      (hint === undefined || (hint instanceof RegExp ? hint.test(d.hint ?? "") : (d.hint ?? "").includes(hint))));
    expect(match, `expected ${JSON.stringify(expected)} in:\n${JSON.stringify(diagnostics, null, 2)}`).toBeDefined();
    expect(match!.severity).toBe(expected.severity ?? "error");
  });

  it("reports every problem at once, across files", async () => {
    project = copyProject();
    project.write("teams/alpha.yaml", project.read("teams/alpha.yaml").replace("quota:", "quta:"));
    project.write("teams/beta.yaml", project.read("teams/beta.yaml").replace("scheduler: default", "scheduler: kube"));
    project.write("platform.yaml", project.read("platform.yaml").replace("workers: 10", "worker: 10"));
    const { diagnostics } = await validateProject(project.root);
    expect(new Set(diagnostics.map((d) => d.file))).toEqual(new Set(["teams/alpha.yaml", "teams/beta.yaml", "platform.yaml"]));
  });

  it("the seed's inputs are valid", async () => {
    project = copyProject();
    const { diagnostics, model } = await validateProject(project.root);
    expect(diagnostics).toEqual([]);
    expect(model!.teams.map((t) => t.name)).toEqual(["alpha", "beta", "delta", "theta"]);
  });
});
