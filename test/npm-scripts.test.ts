/**
 * What `npm run <command>` does around the CLI (scripts/cli.mjs): it refuses
 * options npm took for itself (a forgotten `--` once turned
 * `npm run new-team zeta --dry-run` into a real run), and it compiles only
 * when the sources changed (scripts/compile.mjs).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without types
import { CompileError, ensureCompiled, isFresh } from "../scripts/compile.mjs";
// @ts-expect-error plain ESM script without types
import { OUR_OPTIONS, refusal, strayFormat, swallowedFlags } from "../scripts/npm-guard.mjs";
import { repoRoot } from "./support/paths.js";

const exec = promisify(execFile);
const scratch = mkdtempSync(path.join(os.tmpdir(), "npm-scripts-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The environment of a terminal: none of the npm variables of the `npm test` that runs this file. */
function terminalEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return { ...env, NO_COLOR: "1", ...extra };
}

async function npmRun(cwd: string, args: string[], extraEnv: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec("npm", ["run", ...args], { cwd, env: terminalEnv(extraEnv) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("options npm takes for itself", () => {
  // What npm records for `npm run <script> <flags>` (npm 7 and later), with nothing inherited and no npmrc.
  const none = { npmEnviron: () => new Map<string, string>(), npmrc: () => new Map<string, string[]>() };
  const flags = (env: Record<string, string>, sources = none) => swallowedFlags(env, sources).map((f: { flag: string }) => f.flag);

  it("reads back npm's own look-alikes and our options from npm's variables", () => {
    expect(flags({ npm_config_dry_run: "true" })).toEqual(["--dry-run"]);
    expect(flags({ npm_config_yes: "true", npm_config_json: "true", npm_config_loglevel: "warn" })).toEqual(["--yes", "--format json", "--quiet"]);
    // `--base=main` keeps its value; `--scheduler volcano` is recorded as "true", `--no-allow-invalid-base` as "".
    expect(flags({ npm_config_base: "main", npm_config_scheduler: "true", npm_config_allow_invalid_base: "" })).toEqual(["--base=main", "--allow-invalid-base", "--scheduler"]);
  });

  it("leaves alone what npm sets by default, and npm's flags for running scripts", () => {
    expect(flags({ npm_config_yes: "", npm_config_loglevel: "silent", npm_config_dry_run: "", npm_config_if_present: "true", npm_config_cache: "/root/.npm" })).toEqual([]);
  });

  it("does not count a setting npm inherited or read from an npmrc file as typed", () => {
    const inherited = { npmEnviron: () => new Map([["npm_config_yes", "true"]]), npmrc: () => new Map([["loglevel", ["notice", "warn"]]]) };
    expect(flags({ npm_config_yes: "true", npm_config_loglevel: "warn" }, inherited)).toEqual([]);
    // The npmrc says no, the command line says yes: typed.
    expect(flags({ npm_config_yes: "true" }, { ...none, npmrc: () => new Map([["yes", ["false"]]]) })).toEqual(["--yes"]);
  });

  it("refuses a dry run however npm was put in dry-run mode, and says where it was set", () => {
    const inherited = { ...none, npmEnviron: () => new Map([["npm_config_dry_run", "true"]]) };
    const found = swallowedFlags({ npm_config_dry_run: "true" }, inherited);
    expect(found).toEqual([{ flag: "--dry-run", origin: "your environment" }]);
    expect(swallowedFlags({ NPM_CONFIG_DRY_RUN: "true" }, none)).toEqual([{ flag: "--dry-run", origin: "your environment" }]);
    expect(refusal("new-team", ["zeta"], found)).toBe(
      "error: npm run new-team: npm is in dry-run mode (set in your environment), so nothing was run.\n" +
        "  for the command's own dry run: npm run new-team -- zeta --dry-run; for a real run, unset npm's dry-run there.\n",
    );
  });

  it("says the command to type, or where the value goes when npm moved it", () => {
    expect(refusal("new-team", ["zeta", "--owner", "a b@example.com"], [{ flag: "--dry-run" }])).toBe(
      "error: npm run new-team: npm took `--dry-run` for itself, so nothing was run.\n" +
        "  npm passes a script only what comes after `--`; the options before it are npm's.\n" +
        "  did you mean: npm run new-team -- zeta --owner 'a b@example.com' --dry-run\n",
    );
    expect(refusal("review", ["main"], [{ flag: "--base" }, { flag: "--quiet" }])).toBe(
      "error: npm run review: npm took `--base`, `--quiet` for itself, so nothing was run.\n" +
        "  npm passes a script only what comes after `--`; the options before it are npm's.\n" +
        "  fix: type the options after `--`: npm run review -- --base <value> --quiet\n" +
        "  (npm passed on `main` as arguments: a value among them belongs after its option)\n",
    );
  });

  it("recognises `--format <name>` that npm read as its own --format-package-lock by the name left behind", () => {
    expect(strayFormat("validate", ["json"])).toEqual({ flag: { flag: "--format json" }, args: [] });
    expect(strayFormat("review", ["--base", "main", "-q", "sarif"])).toEqual({ flag: { flag: "--format sarif" }, args: ["--base", "main", "-q"] });
    expect(strayFormat("review", ["--base", "json"])).toBeUndefined(); // the value of --base
    expect(strayFormat("validate", ["--format", "json"])).toBeUndefined();
    expect(strayFormat("new-team", ["json"])).toBeUndefined(); // a team may be called that
  });

  it("knows every option of the CLI's commands", () => {
    const sources = readdirSync(path.join(repoRoot, "src/cli"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    const options = new Set<string>();
    for (const file of sources) {
      const text = readFileSync(path.join(repoRoot, "src/cli", file), "utf8");
      for (const m of text.matchAll(/(?:\.option|\.requiredOption|new Option)\(\s*"[^"]*?--([a-z][a-z-]*)/g)) options.add(m[1]);
    }
    expect(options.size).toBeGreaterThan(10);
    expect([...options].filter((o) => !OUR_OPTIONS.includes(o))).toEqual([]);
  });

  it("npm run new-team zeta --dry-run (no `--`) writes nothing and says to use `--`", async () => {
    const project = path.join(scratch, "project");
    mkdirSync(path.join(project, "teams"), { recursive: true });
    writeFileSync(path.join(project, "platform.yaml"), readFileSync(path.join(repoRoot, "platform.yaml")));
    for (const team of readdirSync(path.join(repoRoot, "teams"))) writeFileSync(path.join(project, "teams", team), readFileSync(path.join(repoRoot, "teams", team)));
    const before = readdirSync(path.join(project, "teams")).sort();

    const result = await npmRun(repoRoot, ["-s", "new-team", "zeta", "--dry-run", "--", "--dir", project]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`did you mean: npm run new-team -- zeta --dir ${project} --dry-run\n`);
    expect(result.stdout).toBe("");
    expect(readdirSync(path.join(project, "teams")).sort()).toEqual(before);
    expect(existsSync(path.join(repoRoot, "teams/zeta.yaml"))).toBe(false);
  });

  describe("through npm, in a project whose script runs the guard", () => {
    const project = path.join(scratch, "guarded");
    mkdirSync(project, { recursive: true });
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "guarded", version: "1.0.0", private: true, scripts: { go: `node ${JSON.stringify(path.join(repoRoot, "scripts/cli.mjs"))} --guard && echo ran` } }));

    it("refuses `--yes` and `-q` typed before `--`, and runs with them after it", async () => {
      const yes = await npmRun(project, ["-s", "go", "--yes"]);
      expect([yes.code, yes.stdout]).toEqual([2, ""]);
      expect(yes.stderr).toContain("did you mean: npm run go -- --yes\n");
      const quiet = await npmRun(project, ["go", "-q"]);
      expect(quiet.code).toBe(2);
      expect(quiet.stderr).toContain("did you mean: npm run go -- --quiet\n");
      expect(await npmRun(project, ["-s", "go", "--", "--yes", "-q"])).toMatchObject({ code: 0, stdout: "ran --yes -q\n" });
    });

    it("runs when the setting comes from the environment npm started in, or from an npmrc file", async () => {
      expect(await npmRun(project, ["-s", "go"], { npm_config_yes: "true" })).toMatchObject({ code: 0, stdout: "ran\n" });
      writeFileSync(path.join(project, ".npmrc"), "loglevel = warn\n");
      try {
        expect(await npmRun(project, ["go"])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ran$/m) });
      } finally {
        rmSync(path.join(project, ".npmrc"));
      }
    });
  });
});

describe("compiling once, not on every command", () => {
  /** A small TypeScript project with the repository's TypeScript. */
  function tinyProject(): string {
    const root = mkdtempSync(path.join(scratch, "tiny-"));
    mkdirSync(path.join(root, "src"));
    mkdirSync(path.join(root, "schemas"));
    symlinkSync(path.join(repoRoot, "node_modules"), path.join(root, "node_modules"));
    writeFileSync(path.join(root, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", strict: true, outDir: "dist", rootDir: ".", types: [], skipLibCheck: true }, include: ["src/**/*.ts"] }));
    writeFileSync(path.join(root, "package.json"), '{ "type": "module" }\n');
    writeFileSync(path.join(root, "package-lock.json"), "{}\n");
    writeFileSync(path.join(root, "schemas/a.json"), "{}\n");
    writeFileSync(path.join(root, "src/a.ts"), "export const a: number = 1;\n");
    // Whole seconds, which utimes can set back exactly (a file system's own times have nanoseconds).
    for (const file of ["schemas/a.json", "tsconfig.json", "package.json", "package-lock.json"]) utimesSync(path.join(root, file), 1_700_000_000, 1_700_000_000);
    return root;
  }
  const compiled = (root: string, file: string) => readFileSync(path.join(root, "dist/src", file), "utf8");

  it("compiles when dist/ is missing or older than the sources, and only then", async () => {
    const root = tinyProject();
    const said: string[] = [];
    const say = (line: string) => said.push(line);
    expect(isFresh(root)).toBe(false);
    expect(await ensureCompiled({ root, say })).toBe(true);
    expect(compiled(root, "a.js")).toMatch(/\ba = 1;/);
    expect(await ensureCompiled({ root, say })).toBe(false); // fresh: tsc does not run

    writeFileSync(path.join(root, "src/a.ts"), "export const a: number = 22;\n"); // an edit
    expect(isFresh(root)).toBe(false);
    expect(await ensureCompiled({ root, say })).toBe(true);
    expect(compiled(root, "a.js")).toMatch(/\ba = 22;/);

    writeFileSync(path.join(root, "src/b.ts"), "export const b = 2;\n"); // a new file
    expect(isFresh(root)).toBe(false);
    expect(await ensureCompiled({ root, say })).toBe(true);
    expect(compiled(root, "b.js")).toMatch(/\bb = 2;/);
    rmSync(path.join(root, "src/b.ts")); // a file removed: its folder's time changes
    expect(isFresh(root)).toBe(false);
    expect(await ensureCompiled({ root, say })).toBe(true);
    expect(said).toEqual(["compiling src/ into dist/", ...Array(3).fill("compiling: the sources changed since dist/ was built")]);

    // Any other input, changed: stale; put back as it was, time included: fresh again (times are compared, not ordered).
    for (const file of ["schemas/a.json", "tsconfig.json", "package.json", "package-lock.json"]) {
      const before = { text: readFileSync(path.join(root, file)), time: statSync(path.join(root, file)).mtime };
      writeFileSync(path.join(root, file), Buffer.concat([before.text, Buffer.from("\n")]));
      expect(isFresh(root), file).toBe(false);
      writeFileSync(path.join(root, file), before.text);
      utimesSync(path.join(root, file), before.time, before.time);
      expect(isFresh(root), file).toBe(true);
    }
  }, 180_000);

  it("leaves dist/ stale after a compile error, so that the next command compiles again", async () => {
    const root = tinyProject();
    await ensureCompiled({ root });
    writeFileSync(path.join(root, "src/a.ts"), "export const a: number = 'one';\n");
    await expect(ensureCompiled({ root, tscOutput: "ignore" })).rejects.toBeInstanceOf(CompileError);
    expect(isFresh(root)).toBe(false);
    writeFileSync(path.join(root, "src/a.ts"), "export const a: number = 3;\n");
    expect(await ensureCompiled({ root })).toBe(true);
    expect(isFresh(root)).toBe(true);
  }, 180_000);

  it("compiles once when two commands start at once", async () => {
    const root = tinyProject();
    const script = `const { ensureCompiled } = await import(${JSON.stringify(path.join(repoRoot, "scripts/compile.mjs"))}); console.log(await ensureCompiled({ root: ${JSON.stringify(root)} }));`;
    const runs = await Promise.all([0, 1].map(() => exec(process.execPath, ["--input-type=module", "-e", script])));
    expect(runs.map((r) => r.stdout.trim()).sort()).toEqual(["false", "true"]);
    expect(existsSync(path.join(root, "dist/.compile-lock"))).toBe(false);
  }, 180_000);
});
