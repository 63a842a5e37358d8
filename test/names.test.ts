/**
 * Names a team cannot take. Every name the synthesis gives out (objects in
 * the cluster, output paths, namespaces Applications deploy into) is checked
 * for collisions; the platform's own names are what it synthesizes with no
 * teams; `validate`, `build`, `review` and `new-team` report a taken name
 * alike, at the team file's `name:` line, and nothing is written.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DiagnosticError, hasErrors, type Diagnostic } from "../src/diagnostics/diagnostic.js";
import { renderTree } from "../src/emit/tree.js";
import { lintSynthesis } from "../src/lint/index.js";
import { loadInputs } from "../src/load/inputs.js";
import { compile, compileInputs, type CompiledObjects } from "../src/pipeline.js";
import { reviewPlatform } from "../src/review/index.js";
import { scaffoldTeam } from "../src/scaffold/new-team.js";
import { nameCollisions, platformClaims } from "../src/synth/names.js";
import { LABELS, type KubeObject, type Synthesis } from "../src/synth/object.js";
import { writeTree } from "../src/write/output-dirs.js";
import { runCli } from "./support/cli.js";
import { byId, copyProject, kustomize, teamLike, type TestProject } from "./support/project.js";

const projects: TestProject[] = [];
const project = (options: { withOutput?: boolean } = {}) => {
  const p = copyProject(options);
  projects.push(p);
  return p;
};
afterEach(() => { for (const p of projects.splice(0)) p.cleanup(); });

/** A team file like alpha's (default scheduler) or theta's (Volcano, without a guarantee, which the seed's cluster has no room for). */
const teamFile = (name: string, scheduler: "default" | "volcano") =>
  scheduler === "default" ? teamLike("alpha", name) : teamLike("theta", name).replace(/^ {2}guarantee: .*\n/m, "");

const errors = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.severity === "error")
  .map((d) => `${d.code} ${[d.file, d.line, d.column].filter((x) => x !== undefined).join(":")} ${d.message}`);

/** Every file under generated/ and argocd/, with a hash of its content. */
function outputState(root: string): Record<string, string> {
  const state: Record<string, string> = {};
  for (const dir of ["generated", "argocd"]) {
    for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      state[path.relative(root, file)] = createHash("sha256").update(readFileSync(file)).digest("hex");
    }
  }
  return state;
}

/** The inputs committed to a new Git repository, for `review`. */
function committed(p: TestProject): void {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: p.root, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("-c", "user.email=names@example.com", "-c", "user.name=names test", "commit", "-q", "--allow-empty", "-m", "empty");
  git("add", "platform.yaml", "teams");
  git("-c", "user.email=names@example.com", "-c", "user.name=names test", "commit", "-q", "-m", "seed");
}

const at = (name: string) => `teams/${name}.yaml:2:7`;

interface Taken {
  name: string;
  scheduler: "default" | "volcano";
  /** Every error, exactly: `code file:line:column message`. */
  errors: string[];
}

const TAKEN: Taken[] = [
  {
    name: "guardrails", scheduler: "default",
    errors: [`team/reserved-name ${at("guardrails")} team name \`guardrails\` makes Application \`tenant-guardrails\`, which is the platform's own Application (generated/applications/platform.yaml)`],
  },
  {
    // The platform's Application for the tenants' Namespaces: found, not listed.
    name: "namespaces", scheduler: "default",
    errors: [`team/reserved-name ${at("namespaces")} team name \`namespaces\` makes Application \`tenant-namespaces\`, which is the platform's own Application (generated/applications/platform.yaml)`],
  },
  {
    name: "kustomization", scheduler: "default",
    errors: [`team/reserved-name ${at("kustomization")} team name \`kustomization\` writes Namespace \`team-kustomization\` to generated/platform/namespaces/kustomization.yaml, where the platform writes its Kustomization`],
  },
  {
    name: "kustomization", scheduler: "volcano",
    errors: [
      `team/reserved-name ${at("kustomization")} team name \`kustomization\` writes Namespace \`team-kustomization\`, ClusterRole \`kustomization-queue-reader\`, ClusterRoleBinding \`kustomization-queue-reader\` to generated/platform/namespaces/kustomization.yaml, where the platform writes its Kustomization`,
      `team/reserved-name ${at("kustomization")} team name \`kustomization\` writes Queue \`kustomization\` to generated/platform/queues/kustomization.yaml, where the platform writes its Kustomization`,
    ],
  },
  {
    // Volcano's own queue, which the platform manages.
    name: "default", scheduler: "volcano",
    errors: [
      `team/reserved-name ${at("default")} team name \`default\` makes Queue \`default\`, which is the platform's own Queue (generated/platform/queues/default.yaml)`,
    ],
  },
];

describe("a team name that makes a name already taken", () => {
  it.each(TAKEN)("$name ($scheduler scheduler): the exact errors, from validation on", async ({ name, scheduler, errors: expected }) => {
    const p = project();
    p.write(`teams/${name}.yaml`, teamFile(name, scheduler));
    const result = compileInputs(await loadInputs(p.root));
    expect(errors(result.diagnostics)).toEqual(expected);
  });

  it.each(TAKEN)("$name ($scheduler scheduler): validate and build refuse it with the message, no stack trace, and generated/ stays as it was", async ({ name, scheduler, errors: expected }) => {
    const p = project({ withOutput: true });
    expect((await runCli(["build", "-C", p.root])).code).toBe(0);
    const before = outputState(p.root);
    p.write(`teams/${name}.yaml`, teamFile(name, scheduler));
    for (const command of ["validate", "build", "check"]) {
      const run = await runCli([command, "-C", p.root]);
      expect(run.code, `${command}: ${run.stderr}`).toBe(1);
      const output = run.stdout + run.stderr;
      for (const line of expected) expect(output).toContain(line.slice(line.indexOf("team name")));
      expect(output).not.toMatch(/internal error|^\s+at /m);
    }
    expect(outputState(p.root)).toEqual(before);
  });

  it.each(TAKEN)("$name ($scheduler scheduler): review reports the same errors, and never says safe to merge", async ({ name, scheduler, errors: expected }) => {
    const p = project();
    committed(p);
    p.write(`teams/${name}.yaml`, teamFile(name, scheduler));
    const review = await reviewPlatform({ root: p.root, base: "main" });
    expect(errors(review.diagnostics)).toEqual(expected);
    const comment = await runCli(["review", "--base", "main", "--format", "markdown", "-C", p.root]);
    expect(comment.code).toBe(1);
    expect(comment.stdout).not.toContain("Safe to merge");
    expect(comment.stdout).toContain("team/reserved-name");
    expect(comment.stdout).toContain(`teams/${name}.yaml`);
  });

  it.each(TAKEN)("$name ($scheduler scheduler): new-team refuses it up front, with the same errors", async ({ name, scheduler, errors: expected }) => {
    const p = project();
    const result = await scaffoldTeam(p.root, { name, scheduler, language: "pyspark" });
    expect(result.scaffold).toBeUndefined();
    expect(errors(result.diagnostics)).toEqual(expected);
  });
});

describe("a team name that only looks like the platform's", () => {
  // Each makes names of its own only (team-<name>, tenant-<name>, <name>-…); Kustomize
  // renders every build the team is part of with exactly the compiler's objects.
  it.each([
    ["platform", "default"], ["queues", "volcano"], ["queues", "default"], ["volcano", "volcano"], ["spark-operator", "default"],
    ["default", "default"], ["argocd", "default"], ["kube-system", "volcano"], ["root", "default"], ["tenants", "default"],
  ] as const)("%s (%s scheduler) is accepted and its Kustomize builds render without a duplicate", async (name, scheduler) => {
    const p = project();
    p.write(`teams/${name}.yaml`, teamFile(name, scheduler));
    const result = await compile(p.root);
    expect(errors(result.diagnostics)).toEqual([]);
    await writeTree(p.root, result.tree!);
    for (const build of result.synthesis!.builds.filter((b) => b.sources.includes(`teams/${name}.yaml`))) {
      const rendered = kustomize(path.join(p.root, build.dir)).map(byId).sort();
      expect(rendered, build.dir).toEqual(build.objects.map((o) => byId(o)).sort());
      expect(new Set(rendered).size).toBe(rendered.length);
    }
  });
});

/** The seed, compiled: a model and synthesis to change by hand. */
async function seed(): Promise<Required<CompiledObjects>> {
  const result = compileInputs(await loadInputs(project().root));
  expect(errors(result.diagnostics)).toEqual([]);
  return result as Required<CompiledObjects>;
}

const objectIn = (synthesis: Synthesis, test: (o: KubeObject) => boolean) => {
  const build = synthesis.builds.find((b) => b.objects.some(test))!;
  const object = build.objects.find(test)!;
  const file = synthesis.files.find((f) => f.documents.includes(object));
  return { build, object, file };
};

/** Adds an object to a build, and to a file of it when given. */
function add(synthesis: Synthesis, buildDir: string, object: KubeObject, filePath?: string) {
  synthesis.builds.find((b) => b.dir === buildDir)!.objects.push(object);
  if (filePath) synthesis.files.find((f) => f.path === filePath)!.documents.push(object);
}

describe("the reserved names follow the synthesis, not a list", () => {
  it("are what the platform synthesizes with no teams, and change with platform.yaml", async () => {
    const { model } = await seed();
    const keys = (claims: ReturnType<typeof platformClaims>) => new Set(claims.map((c) => c.key));
    const withVolcano = keys(platformClaims(model));
    expect(withVolcano).toContain("object argoproj.io/Application/argocd/tenant-guardrails");
    expect(withVolcano).toContain("object scheduling.volcano.sh/Queue//default");
    expect(withVolcano).toContain("path generated/platform/queues/kustomization.yaml");
    expect([...withVolcano].filter((k) => k.includes("alpha"))).toEqual([]);

    const { volcano: _, ...components } = model.platform.components;
    const withoutVolcano = keys(platformClaims({ ...model, platform: { ...model.platform, components }, volcanoEnabled: false }));
    expect(withoutVolcano).not.toContain("object scheduling.volcano.sh/Queue//default");
    expect(withoutVolcano).not.toContain("object argoproj.io/Application/argocd/volcano");
    expect(withoutVolcano).toContain("object argoproj.io/Application/argocd/tenant-guardrails");
  });

  it("a component installed into a team's namespace takes that team's name", async () => {
    const p = project();
    p.write("platform.yaml", p.read("platform.yaml").replace("    namespace: spark-operator\n", "    namespace: team-beta\n"));
    const result = compileInputs(await loadInputs(p.root));
    expect(errors(result.diagnostics)).toEqual([
      `team/reserved-name ${at("beta")} team name \`beta\` makes namespace \`team-beta\`, which is the platform's namespace (Application \`spark-operator\` deploys into it)`,
    ]);
  });

  it("an object the platform adds takes the name at once", async () => {
    const { model, synthesis } = await seed();
    const platformFile = synthesis.files.find((f) => f.documents.some((d) => (d as KubeObject).metadata?.name === "tenant-guardrails"))!;
    const applications = synthesis.builds.find((b) => b.objects.some((o) => o.metadata.name === "tenant-guardrails"))!;
    const guardrails = structuredClone(applications.objects.find((o) => o.metadata.name === "tenant-guardrails")!);
    guardrails.metadata.name = "tenant-alpha";
    add(synthesis, applications.dir, guardrails, platformFile.path);
    expect(errors(nameCollisions(model, synthesis))).toEqual([
      `team/reserved-name ${at("alpha")} team name \`alpha\` makes Application \`tenant-alpha\`, which is the platform's own Application (${platformFile.path})`,
    ]);
  });

  it("two platform objects with one name are the platform's error, at platform.yaml", async () => {
    const { model, synthesis } = await seed();
    const { build, object, file } = objectIn(synthesis, (o) => o.metadata.name === "tenant-guardrails");
    add(synthesis, build.dir, structuredClone(object), file!.path);
    expect(errors(nameCollisions(model, synthesis))).toEqual([
      `platform/name-collision platform.yaml the platform makes Application \`tenant-guardrails\` more than once (${file!.path}; ${file!.path})`,
    ]);
  });
});

describe("names that would collide between teams, or with Kubernetes", () => {
  it("a name two teams make is an error at both teams' `name:` lines", async () => {
    const { model, synthesis } = await seed();
    const delta = objectIn(synthesis, (o) => o.kind === "ClusterRole" && o.metadata.labels?.[LABELS.team] === "delta");
    const theta = objectIn(synthesis, (o) => o.kind === "ClusterRole" && o.metadata.labels?.[LABELS.team] === "theta");
    const copy = structuredClone(delta.object);
    copy.metadata.labels = { ...copy.metadata.labels, [LABELS.team]: "theta" };
    add(synthesis, theta.build.dir, copy, theta.file?.path);
    // Where each team's ClusterRole is: its file, or the Kustomize build that renders it.
    const where = ({ build, file }: ReturnType<typeof objectIn>) => file?.path ?? `the Kustomize build ${build.dir}/`;
    expect(errors(nameCollisions(model, synthesis))).toEqual([
      `team/name-collision ${at("delta")} team name \`delta\` makes ClusterRole \`${delta.object.metadata.name}\`, which team \`theta\` (teams/theta.yaml) makes too (${where(theta)})`,
      `team/name-collision ${at("theta")} team name \`theta\` makes ClusterRole \`${delta.object.metadata.name}\`, which team \`delta\` (teams/delta.yaml) makes too (${where(delta)})`,
    ]);
  });

  it("a team Namespace in Kubernetes' own kube-* names is refused", async () => {
    const { model, synthesis } = await seed();
    const { object } = objectIn(synthesis, (o) => o.kind === "Namespace" && o.metadata.name === "team-theta");
    object.metadata.name = "kube-theta";
    expect(errors(nameCollisions(model, synthesis))).toEqual([
      `team/reserved-name ${at("theta")} team name \`theta\` makes Namespace \`kube-theta\`, which is Kubernetes' own Namespace (Kubernetes keeps \`default\` and every \`kube-*\` namespace for itself)`,
    ]);
  });
});

describe("lint: one id per Kustomize build, one output per path, never a stack trace", () => {
  it("reports a duplicate id in one build", async () => {
    const { synthesis } = await seed();
    const { build, object } = objectIn(synthesis, (o) => o.kind === "Application" && o.metadata.name === "tenant-alpha");
    build.objects.push(structuredClone(object));
    const lint = (await lintSynthesis(synthesis)).filter((d) => d.code === "lint/duplicate-id");
    expect(lint.map((d) => `${d.file} ${d.message}`)).toEqual([
      `${build.dir}/ Application/argocd/tenant-alpha (argoproj.io/v1alpha1) is 2 resources in this Kustomize build; \`kubectl kustomize ${build.dir}\` fails on the duplicate id and nothing in it can sync`,
    ]);
  });

  it("reports two outputs for one path, and a file where a directory must be; rendering refuses them with diagnostics", async () => {
    const { synthesis } = await seed();
    const queue = synthesis.files.find((f) => f.path.endsWith("/default.yaml") && f.documents.some((d) => (d as KubeObject).kind === "Queue"))!;
    const dir = queue.path.slice(0, queue.path.lastIndexOf("/"));
    synthesis.files.push({ path: `${dir}/kustomization.yaml`, sources: ["teams/theta.yaml"], documents: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }] });
    synthesis.files.push({ path: `${queue.path}/nested.yaml`, sources: ["platform.yaml"], documents: [] });
    const lint = (await lintSynthesis(synthesis)).filter((d) => d.code === "lint/duplicate-path");
    expect(lint.map((d) => `${d.file} ${d.message}`)).toEqual([
      `${dir}/kustomization.yaml 2 outputs claim ${dir}/kustomization.yaml (Kustomization; ConfigMap x); only one could be written`,
      `${queue.path} ${queue.path}/nested.yaml (text) needs ${queue.path} to be a directory, but another output is a file there (Queue default)`,
    ]);
    let thrown: unknown;
    try { renderTree(synthesis.files); } catch (error) { thrown = error; }
    expect(thrown).toBeInstanceOf(DiagnosticError);
    expect((thrown as DiagnosticError).diagnostics).toEqual(lint);
  });

  it("a seed without collisions has no name or path findings", async () => {
    const result = await compile(project().root);
    expect(hasErrors(result.diagnostics)).toBe(false);
    expect(result.diagnostics.filter((d) => /name|duplicate/.test(d.code))).toEqual([]);
  });
});
