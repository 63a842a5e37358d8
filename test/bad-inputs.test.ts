/**
 * A corpus of bad inputs, each with every diagnostic it must produce (file,
 * line, column, code, and what it says): an extra or a duplicate diagnostic
 * fails as surely as a missing one. Every case starts from the seed's inputs
 * and breaks one thing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { loadInputs } from "../src/load/inputs.js";
import { compileInputs } from "../src/pipeline.js";
import { validateProject } from "../src/validate/index.js";
import { expectDiagnostics, type ExpectedDiagnostic } from "./support/diagnostics.js";
import { applyEdits, copyProject, replace, teamLike, type Edits, type TestProject } from "./support/project.js";

interface Case {
  name: string;
  edit: Edits;
  /** Every diagnostic the edit causes. */
  diagnostics: ExpectedDiagnostic[];
}

const CASES: Case[] = [
  {
    name: "misspelt key gets a did-you-mean",
    edit: { "teams/alpha.yaml": replace("quota:", "quta:") },
    // One mistake, one error: the unknown key says which required key it misses.
    diagnostics: [
      { file: "teams/alpha.yaml", line: 8, column: 1, code: "schema/unknown-key", message: "unknown key `quta` in the file, and the required key `quota` is missing", hint: /^Did you mean `quota`\?/ },
    ],
  },
  {
    name: "a missing required key names the key and what it is for",
    edit: { "teams/beta.yaml": replace(/^scheduler: default\n/m, "") },
    diagnostics: [{ file: "teams/beta.yaml", line: 2, column: 1, code: "schema/missing-key", message: "missing required key `scheduler` in the file", hint: /default scheduler, or Volcano/ }],
  },
  {
    name: "an enum value lists the allowed values and suggests",
    edit: { "teams/alpha.yaml": replace("scheduler: default", "scheduler: volcan") },
    diagnostics: [{ file: "teams/alpha.yaml", line: 7, column: 12, code: "schema/not-allowed", message: '`scheduler` is "volcan", which is not one of: default, volcano', hint: "Did you mean `volcano`?" }],
  },
  {
    name: "bad quantity syntax",
    edit: { "teams/alpha.yaml": replace('requests: { cpu: "4"', 'requests: { cpu: "lots"') },
    diagnostics: [{ file: "teams/alpha.yaml", line: 9, column: 20, code: "schema/bad-format", message: '`quota.requests.cpu` is "lots", which is not a valid Kubernetes quantity', hint: /"500m"/ }],
  },
  {
    name: "an empty string, in words rather than Ajv's",
    edit: { "teams/alpha.yaml": replace('contact: "#team-alpha"', 'contact: ""') },
    diagnostics: [{ file: "teams/alpha.yaml", line: 6, column: 10, code: "schema/minLength", message: "`contact` is empty", hint: /^Write a value\. Where to reach the team/ }],
  },
  {
    name: "a string too long, with its length",
    edit: { "teams/alpha.yaml": replace('contact: "#team-alpha"', `contact: "${"x".repeat(201)}"`) },
    diagnostics: [{ file: "teams/alpha.yaml", line: 6, column: 10, code: "schema/maxLength", message: "`contact` is 201 characters long, more than 200", hint: /^Shorten it to at most 200 characters\. / }],
  },
  {
    name: "a list where a mapping belongs",
    edit: { "teams/alpha.yaml": replace(/^quota:\n(  .*\n)+/m, "quota:\n  - 4\n  - 8Gi\n") },
    diagnostics: [{ file: "teams/alpha.yaml", line: 9, column: 3, code: "schema/wrong-type", message: "`quota` must be a mapping, found a list" }],
  },
  // YAML syntax: each error where the parser finds it, never at 1:1.
  {
    name: "an unclosed flow sequence",
    edit: { "teams/alpha.yaml": replace("owners:\n", "owners: [\n") },
    diagnostics: [
      { file: "teams/alpha.yaml", line: 5, column: 3, code: "yaml/block-in-flow", message: "Block collections are not allowed within flow collections" },
      { file: "teams/alpha.yaml", line: 6, column: 1, code: "yaml/bad-indent", message: "Flow sequence in block collection must be sufficiently indented and end with a ]", hint: "Check the indentation and punctuation on this line and the one above." },
    ],
  },
  {
    name: "an unclosed flow mapping",
    edit: { "teams/alpha.yaml": replace('requests: { cpu: "4", memory: 8Gi }', 'requests: { cpu: "4", memory: 8Gi') },
    diagnostics: [{ file: "teams/alpha.yaml", line: 10, column: 3, code: "yaml/bad-indent", message: "Flow map in block collection must be sufficiently indented and end with a }" }],
  },
  {
    name: "bad indentation",
    edit: { "teams/alpha.yaml": replace("  limits: {", "   limits: {") },
    diagnostics: [{ file: "teams/alpha.yaml", line: 10, column: 1, code: "yaml/bad-indent", message: "All mapping items must start at the same column" }],
  },
  {
    name: "a tab as indentation",
    edit: { "teams/alpha.yaml": replace("  pods: 10", "\tpods: 10") },
    diagnostics: [{ file: "teams/alpha.yaml", line: 11, column: 1, code: "yaml/tab-as-indent", message: "Tabs are not allowed as indentation", hint: "Indent with spaces, not tabs." }],
  },
  {
    name: "an unclosed quoted string",
    edit: { "teams/alpha.yaml": replace('contact: "#team-alpha"', 'contact: "#team-alpha') },
    diagnostics: [{ file: "teams/alpha.yaml", line: 6, column: 22, code: "yaml/missing-char", message: 'Missing closing "quote' }],
  },
  {
    name: "two documents in one file",
    edit: { "teams/alpha.yaml": (old) => old + "---\nname: alpha\n" },
    diagnostics: [{ file: "teams/alpha.yaml", line: 19, column: 1, code: "yaml/multiple-docs", message: /^Source contains multiple documents/, hint: "Keep one document per file (remove the `---` separator)." }],
  },
  {
    name: "duplicate key",
    edit: { "teams/beta.yaml": (old) => old + "scheduler: volcano\n" },
    diagnostics: [{ file: "teams/beta.yaml", line: 19, column: 1, code: "yaml/duplicate-key", message: "duplicate key `scheduler`: keys must be unique within a mapping", hint: "Remove one of the two entries; YAML keeps only one of them." }],
  },
  {
    name: "duplicate key in a flow mapping",
    edit: { "teams/beta.yaml": replace('limits: { cpu: "8", memory: 16Gi }', 'limits: { cpu: "8", memory: 16Gi, cpu: "9" }') },
    diagnostics: [{ file: "teams/beta.yaml", line: 10, column: 37, code: "yaml/duplicate-key", message: "duplicate key `cpu`: keys must be unique within a mapping" }],
  },
  {
    name: "alias bomb: every alias is refused, where it is",
    edit: { "teams/alpha.yaml": () => "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n" },
    diagnostics: [
      ...[8, 12, 16, 20, 24, 28, 32, 36].map((column) => ({ file: "teams/alpha.yaml", line: 2, column, code: "yaml/alias", message: "alias *a is not allowed in platform inputs" })),
      ...[8, 12, 16, 20, 24, 28, 32, 36].map((column) => ({ file: "teams/alpha.yaml", line: 3, column, code: "yaml/alias", message: "alias *b is not allowed in platform inputs" })),
      ...[5, 9, 13, 17, 21, 25, 29, 33].map((column) => ({ file: "teams/alpha.yaml", line: 4, column, code: "yaml/alias", message: "alias *c is not allowed in platform inputs" })),
    ],
  },
  {
    name: "empty file",
    edit: { "teams/alpha.yaml": () => "# yaml-language-server: $schema=../schemas/team.schema.json\n" },
    diagnostics: [{ file: "teams/alpha.yaml", line: 1, column: 1, code: "yaml/empty", message: "file is empty" }],
  },
  {
    name: "a top-level list",
    edit: { "teams/alpha.yaml": () => "- name: alpha\n" },
    diagnostics: [{ file: "teams/alpha.yaml", line: 1, column: 1, code: "yaml/not-a-mapping", message: "expected key: value pairs at the top level, found a list" }],
  },
  {
    name: "huge file",
    edit: { "teams/alpha.yaml": () => "description: " + "x".repeat(1100 * 1024) + "\n" },
    diagnostics: [{ file: "teams/alpha.yaml", line: 1, column: 1, code: "yaml/too-large", message: "file is 1126414 bytes, more than the 1 MiB an input may have" }],
  },
  {
    name: "file name and team name differ",
    edit: { "teams/alpha.yaml": replace("name: alpha", "name: alfa") },
    diagnostics: [{ file: "teams/alpha.yaml", line: 2, column: 7, code: "team/name-matches-file", message: "team name `alfa` does not match the file name teams/alpha.yaml", hint: "Rename the file to teams/alfa.yaml, or set `name: alpha`." }],
  },
  {
    name: "a team name that makes the platform's own Application",
    edit: { "teams/guardrails.yaml": () => teamLike("alpha", "guardrails") },
    diagnostics: [{ file: "teams/guardrails.yaml", line: 2, column: 7, code: "team/reserved-name", message: "team name `guardrails` makes Application `tenant-guardrails`, which is the platform's own Application (generated/applications/platform.yaml)", hint: /^Choose another team name, and rename teams\/guardrails.yaml to match/ }],
  },
  {
    // One finding: the Queue takes the platform's Queue and, with it, its file (said once).
    name: "a Volcano team named after Volcano's default queue",
    edit: { "teams/default.yaml": () => teamLike("theta", "default").replace(/^ {2}guarantee: .*\n/m, "") },
    diagnostics: [
      { file: "teams/default.yaml", line: 2, column: 7, code: "team/reserved-name", message: "team name `default` makes Queue `default`, which is the platform's own Queue (generated/platform/queues/default.yaml)" },
    ],
  },
  {
    name: "a Volcano team whose namespace and queue files would overwrite the platform's kustomization.yaml",
    edit: { "teams/kustomization.yaml": () => teamLike("theta", "kustomization").replace(/^ {2}guarantee: .*\n/m, "") },
    diagnostics: [
      { file: "teams/kustomization.yaml", line: 2, column: 7, code: "team/reserved-name", message: /^team name `kustomization` writes Namespace `team-kustomization`, .* to generated\/platform\/namespaces\/kustomization.yaml, where the platform writes its Kustomization$/ },
      { file: "teams/kustomization.yaml", line: 2, column: 7, code: "team/reserved-name", message: "team name `kustomization` writes Queue `kustomization` to generated/platform/queues/kustomization.yaml, where the platform writes its Kustomization" },
    ],
  },
  {
    name: "not a DNS-1123 name",
    edit: { "teams/Alpha_1.yaml": () => teamLike("alpha", "Alpha_1") },
    diagnostics: [{ file: "teams/Alpha_1.yaml", line: 2, column: 7, code: "schema/bad-format", message: '`name` is "Alpha_1", which is not a valid team name', hint: /lower-case letters/ }],
  },
  {
    name: "requests above limits",
    edit: { "teams/alpha.yaml": replace('requests: { cpu: "4"', 'requests: { cpu: "12"') },
    diagnostics: [{ file: "teams/alpha.yaml", line: 9, column: 20, code: "quota/requests-exceed-limits", message: "quota requests.cpu (12 CPU) is more than limits.cpu (8 CPU)", hint: "Lower requests.cpu to 8 CPU or less, or raise limits.cpu." }],
  },
  {
    name: "a Volcano team without a queue",
    edit: { "teams/theta.yaml": replace(/^queue:\n(  .*\n)+/m, "") },
    diagnostics: [{ file: "teams/theta.yaml", line: 7, column: 12, code: "team/queue-scheduler-mismatch", message: "team `theta` uses Volcano but has no `queue`" }],
  },
  {
    name: "a default-scheduler team with a queue",
    edit: { "teams/alpha.yaml": (old) => old + "queue:\n  weight: 10\n  capability: { cpu: \"2\", memory: 4Gi }\n" },
    diagnostics: [{ file: "teams/alpha.yaml", line: 20, column: 3, code: "team/queue-scheduler-mismatch", message: "team `alpha` uses the default scheduler, which ignores `queue`" }],
  },
  {
    name: "guarantee above capability",
    edit: { "teams/theta.yaml": replace('capability: { cpu: "8"', 'capability: { cpu: "3"') },
    diagnostics: [{ file: "teams/theta.yaml", line: 18, column: 21, code: "queue/guarantee-exceeds-capability", message: "queue guarantee.cpu (4 CPU) is more than its capability.cpu (3 CPU)", hint: "Lower guarantee.cpu to 3 CPU or less." }],
  },
  {
    name: "guarantees above the cluster (theta copied to epsilon)",
    edit: { "teams/epsilon.yaml": () => teamLike("theta", "epsilon") },
    diagnostics: ["delta", "epsilon", "theta"].map((team) => ({
      file: `teams/${team}.yaml`, line: 18, column: 14, code: "queue/guarantees-exceed-cluster",
      message: /^Volcano queue guarantees add up to more than the cluster \(10 CPU \/ 20Gi across all nodes\): cpu: delta 4 CPU \+ epsilon 4 CPU \+ theta 4 CPU = 12 CPU > 10 CPU; memory: delta 8Gi \+ epsilon 8Gi \+ theta 8Gi = 24Gi > 20Gi\. .*panics/,
      hint: /at most 10 CPU \/ 20Gi/,
    })),
  },
  {
    name: "Volcano used but not installed",
    edit: { "platform.yaml": replace(/^  volcano:\n(    .*\n)+/m, "") },
    diagnostics: ["delta", "theta"].map((team) => ({ file: `teams/${team}.yaml`, line: 7, column: 12, code: "platform/volcano-missing", message: `team \`${team}\` uses Volcano, but platform.yaml installs no Volcano` })),
  },
  {
    name: "incompatible Kubernetes version",
    edit: { "platform.yaml": replace("rancher/k3s:v1.28.15-k3s1", "rancher/k3s:v1.32.5-k3s1") },
    diagnostics: [
      { file: "platform.yaml", line: 15, column: 18, code: "platform/version-incompatible", message: /^Argo CD 2.14 supports Kubernetes 1.28–1.31, not v1.32.5 / },
      { file: "platform.yaml", line: 38, column: 16, code: "platform/version-incompatible", message: /^Volcano 1.8 supports Kubernetes 1.19–1.28, not v1.32.5 / },
    ],
  },
  {
    name: "Argo CD 3 on Kubernetes 1.28",
    edit: { "platform.yaml": replace("argocdVersion: v2.14.21", "argocdVersion: v3.1.0") },
    diagnostics: [{ file: "platform.yaml", line: 15, column: 18, code: "platform/version-incompatible", message: /^Argo CD 3.x supports Kubernetes 1.29–1.34, not v1.28.15 / }],
  },
  {
    name: "misspelt Helm value",
    edit: { "platform.yaml": replace("workers: 10", "worker: 10") },
    diagnostics: [{ file: "platform.yaml", line: 26, column: 17, code: "platform/helm-values", message: "`controller.worker` is not a value of the spark-operator 2.3.0 chart; Helm would ignore it", hint: "Did you mean `controller.workers`?" }],
  },
  {
    name: "a value the compiler owns",
    edit: { "platform.yaml": replace("      webhook:\n", "      spark:\n        jobNamespaces: [default]\n      webhook:\n") },
    diagnostics: [{ file: "platform.yaml", line: 30, column: 24, code: "platform/helm-values", message: "`spark.jobNamespaces` is set by the compiler: the namespaces of the teams, which the operator watches" }],
  },
  {
    name: "Spark Operator webhook off while Volcano teams exist",
    edit: { "platform.yaml": replace("        enable: true\n        port: 9443", "        enable: false\n        port: 9443") },
    diagnostics: [{ file: "platform.yaml", line: 30, column: 17, code: "platform/volcano-needs-operator-webhook", message: /only the webhook sets `schedulerName: volcano`/ }],
  },
  {
    name: "a .yml team file is not silently ignored",
    edit: { "teams/epsilon.yml": () => teamLike("alpha", "epsilon") },
    diagnostics: [{ file: "teams/epsilon.yml", line: 1, column: 1, code: "input/extension", message: "teams/epsilon.yml has the extension .yml, so it is not read", hint: "Rename it to teams/epsilon.yaml." }],
  },
  {
    name: "a file without the schema line gets a warning",
    edit: { "teams/alpha.yaml": (old) => old.split("\n").slice(1).join("\n") },
    diagnostics: [{ file: "teams/alpha.yaml", line: 1, column: 1, severity: "warning", code: "input/schema-line", message: "teams/alpha.yaml does not start with its schema line, so editors cannot check it as you type", hint: "Make the first line: # yaml-language-server: $schema=../schemas/team.schema.json" }],
  },
];

let project: TestProject | undefined;
afterEach(() => project?.cleanup());

describe("bad inputs", () => {
  it.each(CASES)("$name", async ({ edit, diagnostics: expected }) => {
    project = copyProject();
    applyEdits(project, edit);
    const { diagnostics } = compileInputs(await loadInputs(project.root));
    expectDiagnostics(diagnostics, expected);
  });

  it("reports every problem at once, across files", async () => {
    project = copyProject();
    applyEdits(project, {
      "teams/alpha.yaml": replace("quota:", "quta:"),
      "teams/beta.yaml": replace("scheduler: default", "scheduler: kube"),
      "platform.yaml": replace("workers: 10", "worker: 10"),
    });
    const { diagnostics } = await validateProject(project.root);
    expectDiagnostics(diagnostics, [
      "error platform/helm-values platform.yaml:26:17",
      "error schema/unknown-key teams/alpha.yaml:8:1",
      "error schema/not-allowed teams/beta.yaml:7:12",
    ]);
  });

  it("the seed's inputs are valid", async () => {
    project = copyProject();
    const { diagnostics, model } = await validateProject(project.root);
    expectDiagnostics(diagnostics, []);
    expect(model!.teams.map((t) => t.name)).toEqual(["alpha", "beta", "delta", "theta"]);
  });
});
