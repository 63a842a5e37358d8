/**
 * Team files are untrusted: every byte of teams/*.yaml is written by someone
 * who may want more than their own namespace. Each case here is an attack
 * with the exact refusal it must meet, and a check that nothing in
 * generated/ or argocd/ changed. The last cases go behind validation, as if
 * it had been fooled, and show that the writer and the Kustomize check still
 * hold: what Argo CD would apply is what the compiler meant.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { renderTree } from "../src/emit/tree.js";
import { compile } from "../src/pipeline.js";
import { synthesize } from "../src/synth/index.js";
import { validateProject } from "../src/validate/index.js";
import { checkWithKustomize, KUSTOMIZE_CODES } from "../src/verify/kustomize.js";
import { runCli } from "./support/cli.js";
import { copyProject, kustomize, teamLike, type TestProject } from "./support/project.js";

/** The contact value of the reported attack: a U+2028 that Go's YAML parser reads as a line break, then a patch making the driver's RoleBinding a ClusterRoleBinding to cluster-admin. */
const CLUSTER_ADMIN_BREAKOUT = `slack team-mallory\u2028  - {"target":{"kind":"RoleBinding","name":"spark-driver"},"patch":'[{"op":"replace","path":"/roleRef/kind","value":"ClusterRole"},{"op":"replace","path":"/roleRef/name","value":"cluster-admin"},{"op":"replace","path":"/kind","value":"ClusterRoleBinding"}]'}`;

let project: TestProject | undefined;
afterEach(() => project?.cleanup());

/** Every file under generated/ and argocd/, with its content. */
function outputOf(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(root, dir))) {
      const file = `${dir}/${name}`;
      if (statSync(path.join(root, file)).isDirectory()) walk(file);
      else files.set(file, readFileSync(path.join(root, file), "utf8"));
    }
  };
  for (const dir of ["generated", "argocd"]) walk(dir);
  return files;
}

/** A built project with team `mallory` (like alpha), whose file `edit` then changes. */
async function malloryProject(edit: (text: string) => string): Promise<TestProject> {
  project = copyProject();
  project.write("teams/mallory.yaml", teamLike("alpha", "mallory").replace(/cpu: "4", memory: 8Gi \}/, 'cpu: "1", memory: 2Gi }'));
  expect((await runCli(["build", "-C", project.root])).code).toBe(0);
  project.write("teams/mallory.yaml", edit(project.read("teams/mallory.yaml")));
  return project;
}

/** Runs validate, build and check; all must refuse with `expected` (file:line:column code), and the output stays as it was. */
async function expectRefused(p: TestProject, expected: string[]) {
  const before = outputOf(p.root);
  for (const command of ["validate", "build", "check"]) {
    const run = await runCli([command, "-C", p.root, "--format", "json"]);
    expect(run.code, `${command}: ${run.stderr}`).toBe(1);
    const findings = (firstJson(run.stdout) as Array<{ file: string; line: number; column: number; code: string; severity: string }>)
      .filter((d) => d.severity === "error").map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`);
    expect(findings, command).toEqual(expected);
  }
  expect(outputOf(p.root)).toEqual(before);
}

/** The findings in a command's `--format json` output. */
function firstJson(text: string): unknown {
  const document = JSON.parse(text) as unknown[] | { diagnostics: unknown[] };
  return Array.isArray(document) ? document : document.diagnostics;
}

const yamlString = (s: string) => JSON.stringify(s).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029").replace(/\u0085/g, "\\u0085");

describe("free text cannot carry structure", () => {
  it("refuses the cluster-admin breakout through `contact` (U+2028)", async () => {
    const p = await malloryProject((t) => t.replace(/^contact: .*$/m, `contact: ${yamlString(CLUSTER_ADMIN_BREAKOUT)}`));
    await expectRefused(p, ["teams/mallory.yaml:6:10 schema/bad-format", "teams/mallory.yaml:6:10 schema/maxLength"]);
  });

  it.each([
    ["U+2028", "\u2028"], ["U+2029", "\u2029"], ["U+0085", "\u0085"], ["a BOM", "\ufeff"], ["U+FFFE", "\ufffe"],
    ["a C1 control", "\u009b"], ["a right-to-left override", "\u202e"], ["a zero-width space", "\u200b"], ["a carriage return", "\r"],
  ])("refuses %s in `contact`", async (_what, char) => {
    const p = await malloryProject((t) => t.replace(/^contact: .*$/m, `contact: ${yamlString(`#team${char}mallory`)}`));
    await expectRefused(p, ["teams/mallory.yaml:6:10 schema/bad-format"]);
  });

  it("refuses an owner with a line break, a comma or a space", async () => {
    const p = await malloryProject((t) => t.replace(/^owners:\n.*$/m, `owners:\n  - ${yamlString("a@example.com\u2028b")}\n  - "a@example.com,root@example.com"\n  - "Jane Doe"`));
    await expectRefused(p, ["teams/mallory.yaml:5:5 schema/bad-format", "teams/mallory.yaml:6:5 schema/bad-format", "teams/mallory.yaml:7:5 schema/bad-format"]);
  });

  it("refuses a description with hidden characters, and one longer than 500 characters", async () => {
    const p = await malloryProject((t) => t.replace(/^description: .*$/m, `description: ${yamlString("PySpark\u202e jobs")}`));
    await expectRefused(p, ["teams/mallory.yaml:3:14 schema/bad-format"]);
    p.write("teams/mallory.yaml", p.read("teams/mallory.yaml").replace(/^description: .*$/m, `description: "${"x".repeat(501)}"`));
    await expectRefused(p, ["teams/mallory.yaml:3:14 schema/maxLength"]);
  });

  it("keeps what people really write: unicode names, emoji, quotes, a multi-line description", async () => {
    const p = await malloryProject((t) => t
      .replace(/^contact: .*$/m, `contact: "#équipe-mallory 🚀 'ops' \\"on call\\" <ops@example.com>"`)
      .replace(/^description: .*$/m, "description: |\n  Données de Zoë: PySpark jobs.\n  Second line: `code`, *stars*, [links](x)."));
    expect((await runCli(["build", "-C", p.root])).code).toBe(0);
    const namespace = kustomize(path.join(p.root, "generated/platform/namespaces")).find((o) => o.metadata.name === "team-mallory")!;
    expect(namespace.metadata.annotations["spark-platform.io/contact"]).toBe(`#équipe-mallory 🚀 'ops' "on call" <ops@example.com>`);
    expect((await runCli(["check", "-C", p.root])).code).toBe(0);
  });

  it("new-team refuses a contact that would not validate", async () => {
    project = copyProject();
    const run = await runCli(["new-team", "zeta", "-C", project.root, "--contact", CLUSTER_ADMIN_BREAKOUT.slice(0, 60)]);
    expect(run.code).toBe(1);
    expect(run.stderr + run.stdout).toContain("schema/bad-format");
    expect(() => project!.read("teams/zeta.yaml")).toThrow();
  });
});

describe("behind validation: the writer and the Kustomize check", () => {
  /** The seed with alpha's free text replaced, as if validation had let anything through. */
  async function fooled(contact: string, owners: string[]) {
    project = copyProject();
    const { model } = await validateProject(project.root);
    const alpha = model!.teams.find((t) => t.name === "alpha")!;
    alpha.spec.contact = contact;
    alpha.spec.owners = owners as [string, ...string[]];
    const synthesis = synthesize(model!);
    return { synthesis, tree: renderTree(synthesis.files) };
  }

  it("writes the breakout as one escaped string, which Kustomize reads back as one string", async () => {
    const { synthesis, tree } = await fooled(CLUSTER_ADMIN_BREAKOUT, ["alpha-lead@example.com"]);
    expect(tree.get("generated/platform/namespaces/alpha.yaml")).toContain("\\u2028");
    expect(await checkWithKustomize(tree, synthesis.builds, { required: true })).toEqual([]);
  });

  it("any string in the free-text fields is refused by validation or rendered by the real Kustomize exactly as meant", async () => {
    const hostile = fc.oneof(
      fc.string({ unit: "grapheme-composite", maxLength: 40 }),
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.string({ unit: fc.constantFrom("\u2028", "\u2029", "\u0085", "\ufeff", "\ufffe", "\uffff", "\r", "\n", "\t", "\0", "\x1b", "\x7f", "\u202e", ":", "#", "-", " ", "'", '"', "\\", "|", ">", "{", "}", "[", "]", "&", "*", "!", "%", "@", "`", "---", "...", "a", "é", "😀", "\ud800", ","), maxLength: 30 }),
      fc.constantFrom("yes", "no", "on", "off", "y", "n", "~", "null", "true", "0x1f", "0o14", "014", "1e3", ".inf", "-.nan", "2001-12-14", "<<", "=", "!!str", "&a", "*a", "? x", "- x", "x: y", "x #y", "%YAML"),
    );
    await fc.assert(
      fc.asyncProperty(hostile, fc.array(hostile, { minLength: 1, maxLength: 3 }), hostile, async (contact, owners, description) => {
        project = copyProject();
        try {
          const spec = parse(teamLike("alpha", "mallory").replace(/cpu: "4", memory: 8Gi \}/, 'cpu: "1", memory: 2Gi }'));
          Object.assign(spec, { contact, owners, description });
          project.write("teams/mallory.yaml", `# yaml-language-server: $schema=../schemas/team.schema.json\n${stringify(spec)}`);
          const result = await compile(project.root);
          const errors = result.diagnostics.filter((d) => d.severity === "error");
          if (errors.length) {
            // Refused: only for the free-text fields, each at its own line.
            for (const error of errors) expect([error.file, error.path?.split("/")[1], error.code.split("/")[0]]).toEqual(["teams/mallory.yaml", expect.stringMatching(/^(contact|owners|description)$/), "schema"]);
            return;
          }
          expect(await checkWithKustomize(result.tree!, result.synthesis!.builds.filter((b) => b.dir === "generated/platform/namespaces"), { required: true })).toEqual([]);
        } finally {
          project.cleanup();
        }
      }),
      { numRuns: 60, seed: Number(process.env.FC_SEED ?? 20261201) },
    );
  }, 600_000);

  it("a lone surrogate (no UTF-8 form, so no parser can read it back) is caught, not written as something else", async () => {
    const { synthesis, tree } = await fooled("#team\ud800alpha", ["alpha-lead@example.com"]);
    const found = await checkWithKustomize(tree, synthesis.builds.filter((b) => b.dir === "generated/platform/namespaces"), { required: true });
    expect(found.map((d) => [d.code, d.file])).toEqual([[KUSTOMIZE_CODES.failed, "platform.yaml"]]);
  });

  it("reports an overlay that Kustomize renders differently, naming the object and the team file", async () => {
    const { synthesis, tree } = await fooled("#team-alpha", ["alpha-lead@example.com"]);
    const overlay = "generated/tenants/overlays/alpha/kustomization.yaml";
    // What the reported attack made our writer produce: an extra inline patch.
    tree.set(overlay, `${tree.get(overlay)}  - target: { kind: RoleBinding, name: spark-driver }\n    patch: '[{"op":"replace","path":"/roleRef/kind","value":"ClusterRole"},{"op":"replace","path":"/roleRef/name","value":"cluster-admin"},{"op":"replace","path":"/kind","value":"ClusterRoleBinding"}]'\n`);
    const found = await checkWithKustomize(tree, synthesis.builds, { required: true });
    expect(found).toEqual([expect.objectContaining({ severity: "error", code: KUSTOMIZE_CODES.mismatch, file: "teams/alpha.yaml" })]);
    expect(found[0].message).toBe(
      "`kubectl kustomize generated/tenants/overlays/alpha` renders rbac.authorization.k8s.io/v1 ClusterRoleBinding alpha-spark-driver, which the compiler did not generate; " +
      "does not render rbac.authorization.k8s.io/v1 RoleBinding team-alpha/alpha-spark-driver, which the compiler generated",
    );
  });

  it("reports a build that Kustomize refuses", async () => {
    const { synthesis, tree } = await fooled("#team-alpha", ["alpha-lead@example.com"]);
    tree.set("generated/tenants/overlays/alpha/kustomization.yaml", `${tree.get("generated/tenants/overlays/alpha/kustomization.yaml")}  - path: /etc/passwd\n`);
    const found = await checkWithKustomize(tree, synthesis.builds, { required: true });
    expect(found.map((d) => [d.code, d.file])).toEqual([[KUSTOMIZE_CODES.failed, "teams/alpha.yaml"]]);
    expect(found[0].message).toMatch(/^`kubectl kustomize generated\/tenants\/overlays\/alpha` fails: /);
  });

  it("without kubectl: an error where it is required (CI), a warning elsewhere", async () => {
    const { synthesis, tree } = await fooled("#team-alpha", ["alpha-lead@example.com"]);
    const missing = { kubectl: "/nonexistent/kubectl" };
    expect((await checkWithKustomize(tree, synthesis.builds, { ...missing, required: true })).map((d) => [d.severity, d.code])).toEqual([["error", KUSTOMIZE_CODES.unavailable]]);
    expect((await checkWithKustomize(tree, synthesis.builds, missing)).map((d) => [d.severity, d.code])).toEqual([["warning", KUSTOMIZE_CODES.unavailable]]);
  });

  it("check runs it: the seed's every build renders as meant", async () => {
    project = copyProject();
    const result = await compile(project.root);
    expect(await checkWithKustomize(result.tree!, result.synthesis!.builds, { required: true })).toEqual([]);
  });
});
