/**
 * The file system is ours to guard: what a pull request can commit besides
 * the team files (.spark-platform/, links, FIFOs, devices, files in the
 * compiler's place), two builds at once, and every kind of I/O failure. Each
 * case asserts the exact refusal and that generated/, argocd/ and
 * .github/CODEOWNERS are byte for byte what they were, and that nothing
 * outside the project was created or deleted.
 */
import { execFileSync, spawn } from "node:child_process";
import * as realFs from "node:fs";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DiagnosticError, type Diagnostic } from "../src/diagnostics/diagnostic.js";
import { compile } from "../src/pipeline.js";
import { validateProject } from "../src/validate/index.js";
import { isOwnedPath } from "../src/write/on-disk.js";
import { diffTree, recoverInterruptedWrite, writeTree } from "../src/write/output-dirs.js";
import { lockWorkDir } from "../src/write/work-dir.js";
import { repoRoot } from "./support/paths.js";
import { runCli, type CliResult } from "./support/cli.js";

// A switch to make one of the writer's fs calls fail like the kernel would.
interface Fault {
  call: "writeFileSync" | "renameSync" | "mkdirSync" | "rmSync" | "linkSync";
  code: string;
  /** Fail the n-th matching call (1-based), and every later one when `sticky`. */
  nth: number;
  sticky?: boolean;
  /** Only calls whose first path contains this. */
  match?: string;
}
const faults = vi.hoisted(() => ({ current: undefined as Fault | undefined, seen: 0 }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  const wrap = <F extends (...args: never[]) => unknown>(name: Fault["call"], real: F): F =>
    ((...args: Parameters<F>) => {
      const fault = faults.current;
      if (fault?.call === name && (!fault.match || String(args[0]).includes(fault.match))) {
        faults.seen++;
        if (faults.seen === fault.nth || (fault.sticky && faults.seen > fault.nth)) {
          const syscall = name.replace(/Sync$/, "").replace("writeFile", "open").replace("rm", "unlink");
          throw Object.assign(new Error(`${fault.code}: simulated, ${syscall} '${String(args[0])}'`), { code: fault.code, errno: -1, syscall, path: String(args[0]), ...(name === "renameSync" || name === "linkSync" ? { dest: String(args[1]) } : {}) });
        }
      }
      return real(...args);
    }) as F;
  const mocked = { ...fs };
  for (const name of ["writeFileSync", "renameSync", "mkdirSync", "rmSync", "linkSync"] as const) (mocked as Record<string, unknown>)[name] = wrap(name, fs[name] as never);
  return { ...mocked, default: mocked };
});

interface Project {
  root: string;
  /** A directory beside the project, inside the test's own temporary directory: what an escape would hit. */
  outside: string;
  cleanup(): void;
}

let project: Project;

/** A project two levels below a temporary directory, so `../../outside` stays in that directory. */
function newProject(): Project {
  const base = mkdtempSync(path.join(tmpdir(), "spark-platform-hostile-"));
  const root = path.join(base, "work", "project");
  mkdirSync(root, { recursive: true });
  cpSync(path.join(repoRoot, "platform.yaml"), path.join(root, "platform.yaml"));
  cpSync(path.join(repoRoot, "teams"), path.join(root, "teams"), { recursive: true });
  const outside = path.join(base, "outside");
  mkdirSync(path.join(outside, "dir"), { recursive: true });
  writeFileSync(path.join(outside, "dir", "precious.txt"), "keep me\n");
  return { root, outside, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

async function built(): Promise<Project> {
  project = newProject();
  await writeTree(project.root, (await compile(project.root)).tree!);
  return project;
}

/** Every file and link under the compiler's places and beside the project, with content (or target). */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  const base = path.dirname(path.dirname(project.root));
  for (const entry of readdirSync(base, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(base, full);
    if (rel.startsWith(path.join("work", "project", "teams")) || rel.startsWith(path.join("work", "project", ".spark-platform"))) continue;
    if (entry.isSymbolicLink()) out[rel] = `-> ${readlinkSync(full)}`;
    else if (entry.isFile()) out[rel] = readFileSync(full, "utf8");
    else if (!entry.isDirectory()) out[rel] = "(special)";
  }
  return out;
}

/** `check` and `build` both refuse with each of `lines` on stderr, no stack trace, and nothing written or deleted; returns their outputs. */
async function expectCheckAndBuildRefuse(...lines: string[]): Promise<CliResult[]> {
  const before = snapshot();
  const results: CliResult[] = [];
  for (const command of ["check", "build"]) {
    const result = await runCli([command, "--dir", project.root]);
    expect(result.code, command).toBe(1);
    for (const line of lines) expect(result.stderr, command).toContain(line);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    results.push(result);
  }
  expect(snapshot()).toEqual(before);
  return results;
}

const at = (file: string) => path.join(project.root, file);
const work = (file = "") => at(path.join(".spark-platform", file));

/** The one diagnostic of a DiagnosticError the promise rejects with. */
async function refusal(promise: Promise<unknown>): Promise<Diagnostic> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DiagnosticError);
  const { diagnostics } = error as DiagnosticError;
  expect(diagnostics).toHaveLength(1);
  return diagnostics[0];
}

const UNTRUSTED_HINT = "Delete .spark-platform/: it is not from a build in this checkout. Builds make it and remove it, and it is never committed (see .gitignore); if a pull request adds it, ask for it to be removed. Nothing was changed.";

/** The identity a lock made in .spark-platform/ now would carry. */
function identityOf(dir: string): string {
  const stat = lstatSync(dir, { bigint: true });
  return `${stat.dev}:${stat.ino}:${stat.birthtimeNs}`;
}

/** A pid that is not running: a child that has exited. */
function deadPid(): number {
  return Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }));
}

beforeEach(() => {
  faults.current = undefined;
  faults.seen = 0;
});
afterEach(() => project?.cleanup());

describe("a committed .spark-platform/", () => {
  const hostileJournal = { tool: "spark-platform-gitops", format: 1, runId: "00000000-0000-4000-8000-000000000000", added: [], newDirs: ["../../outside/dir"], changed: ["../x/evil.sh"], removed: [], emptied: [] };

  /** What a pull request can carry: a journal that deletes ../../outside/dir and writes ../x/evil.sh, with the file to write. */
  function commitHostileJournal(): void {
    mkdirSync(work("x"), { recursive: true });
    writeFileSync(work("x/evil.sh"), "#!/bin/sh\necho pwned\n");
    mkdirSync(work("previous/x"), { recursive: true });
    writeFileSync(work("previous/x/evil.sh"), "#!/bin/sh\necho pwned\n");
    writeFileSync(work("journal.json"), JSON.stringify(hostileJournal));
  }

  it("without a lock: check and build refuse, delete nothing outside and write nothing", async () => {
    await built();
    commitHostileJournal();
    const results = await expectCheckAndBuildRefuse(
      ".spark-platform/journal.json  error  .spark-platform/journal.json, .spark-platform/previous, .spark-platform/x are not from a build in this checkout (no lock of a build made here vouches for them)  workdir/untrusted",
      `fix: ${UNTRUSTED_HINT}`,
    );
    for (const result of results) expect(result.stdout).not.toContain("up to date");
    expect(existsSync(path.join(project.outside, "dir/precious.txt"))).toBe(true);
    expect(existsSync(path.resolve(project.root, "../x/evil.sh"))).toBe(false);
    expect(existsSync(work("journal.json"))).toBe(true); // not ours to delete either
  });

  it("with a forged lock (right format, dead pid, this host): refused, it was not made in this directory", async () => {
    await built();
    commitHostileJournal();
    writeFileSync(work("lock"), JSON.stringify({ tool: "spark-platform-gitops", format: 1, runId: hostileJournal.runId, pid: deadPid(), host: hostname(), dir: "2049:1234:0", startedAt: "2025-01-01T00:00:00.000Z" }));
    const before = snapshot();
    const d = await refusal(diffTree(project.root, (await compile(project.root)).tree!));
    expect(d).toEqual({ severity: "error", code: "workdir/untrusted", file: ".spark-platform/lock", message: ".spark-platform/lock was not made in this directory (it was copied or committed), so nothing in .spark-platform/ is from a build in this checkout", hint: UNTRUSTED_HINT });
    expect(snapshot()).toEqual(before);
  });

  it("with a genuine stale lock of this checkout: a journal of another run is refused", async () => {
    await built();
    const held = await lockWorkDir(project.root);
    held.release({ keepLock: true }); // what a killed build leaves
    writeFileSync(work("journal.json"), JSON.stringify(hostileJournal));
    const before = snapshot();
    const d = await refusal(writeTree(project.root, (await compile(project.root)).tree!));
    expect(d).toMatchObject({ code: "workdir/untrusted", file: ".spark-platform/journal.json", message: ".spark-platform/journal.json is not from the build that holds the lock, so it is not followed" });
    expect(snapshot()).toEqual(before);
  });

  it.each([
    ["a path out of the project", { newDirs: ["../../outside/dir"] }, "../../outside/dir"],
    ["a path that climbs out of generated/", { changed: ["generated/../../x/evil.sh"] }, "generated/../../x/evil.sh"],
    ["an absolute path", { removed: ["/etc/passwd"] }, "/etc/passwd"],
    ["backslashes", { added: ["generated\\..\\..\\x\\evil.sh"] }, "generated\\..\\..\\x\\evil.sh"],
    ["a file outside the output directories", { changed: ["package.json"] }, "package.json"],
    ["a non-normalized path", { added: ["generated/./a.yaml"] }, "generated/./a.yaml"],
    ["the owned file's directory as a new directory", { newDirs: [".github"] }, ".github"],
    ["CODEOWNERS as a directory to empty", { emptied: [".github/CODEOWNERS"] }, ".github/CODEOWNERS"],
  ])("with a genuine stale lock: a journal of its own run naming %s is refused", async (_name, lists, bad) => {
    await built();
    const held = await lockWorkDir(project.root);
    held.release({ keepLock: true });
    writeFileSync(work("journal.json"), JSON.stringify({ ...hostileJournal, newDirs: [], changed: [], runId: held.runId, ...lists }));
    const before = snapshot();
    const d = await refusal(recoverInterruptedWrite(project.root));
    expect(d).toEqual({ severity: "error", code: "workdir/untrusted", file: ".spark-platform/journal.json", message: `.spark-platform/journal.json names ${JSON.stringify(bad)}, which is not a path inside generated/ or argocd/, so it is not followed`, hint: UNTRUSTED_HINT });
    expect(snapshot()).toEqual(before);
  });

  it("with a genuine stale lock: a link put on the way of a journal path is not followed", async () => {
    await built();
    const held = await lockWorkDir(project.root);
    held.release({ keepLock: true });
    symlinkSync(path.join(project.outside, "dir"), at("generated/link"));
    writeFileSync(work("journal.json"), JSON.stringify({ ...hostileJournal, newDirs: [], changed: [], added: ["generated/link/precious.txt"], runId: held.runId }));
    const before = snapshot();
    const d = await refusal(recoverInterruptedWrite(project.root));
    expect(d).toMatchObject({ code: "output/not-a-directory", file: "generated/link", message: "generated/link is a symbolic link, not a directory, so the compiler does not write into it" });
    expect(snapshot()).toEqual(before);
    expect(readFileSync(path.join(project.outside, "dir/precious.txt"), "utf8")).toBe("keep me\n");
  });

  it.each([
    ["a regular file", () => writeFileSync(work(), "hello\n"), ".spark-platform is a regular file, not the directory a build makes, so it is not from a build in this checkout"],
    ["a link to a directory outside", () => symlinkSync(path.join(project.outside, "dir"), work()), ".spark-platform is a symbolic link, not the directory a build makes, so it is not from a build in this checkout"],
  ])(".spark-platform as %s is refused by check and build", async (_name, make, message) => {
    await built();
    make();
    await expectCheckAndBuildRefuse(`.spark-platform  error  ${message}  workdir/untrusted`);
  });

  it("an unknown file in .spark-platform/ is refused, and left", async () => {
    await built();
    mkdirSync(work());
    writeFileSync(work("notes.txt"), "mine\n");
    const d = await refusal(diffTree(project.root, (await compile(project.root)).tree!));
    expect(d).toEqual({ severity: "error", code: "workdir/untrusted", file: ".spark-platform/notes.txt", message: ".spark-platform/notes.txt is not from a build in this checkout (no lock of a build made here vouches for it)", hint: UNTRUSTED_HINT });
    expect(readdirSync(work())).toEqual(["notes.txt"]);
  });

  it("journal paths: only normalized relative paths inside the output directories, or an owned file", () => {
    const valid = ["generated/a.yaml", "argocd/kustomization.yaml", "generated/tenants/overlays/alpha/kustomization.yaml", ".github/CODEOWNERS"];
    const invalid = ["", "generated", "generated/", "/generated/a.yaml", "./generated/a.yaml", "generated//a.yaml", "generated/../a.yaml", "generated/..", "..", "../generated/a.yaml",
      "generated\\a.yaml", "generated/a\u0000.yaml", "generated/a\n.yaml", ".github/workflows/pr.yaml", ".github", "teams/alpha.yaml", "src/index.ts", "GENERATED/a.yaml", 42, null];
    for (const p of valid) expect(isOwnedPath(p), String(p)).toBe(true);
    for (const p of invalid) expect(isOwnedPath(p), JSON.stringify(p)).toBe(false);
    expect(isOwnedPath("generated", { dirs: true })).toBe(true);
  });
});

describe("a build killed in the middle", () => {
  it("is rolled back by the next check, which takes the dead build's lock over", async () => {
    await built();
    const before = snapshot();
    // The next build changes alpha and removes beta; the child dies at its third rename.
    writeFileSync(at("teams/alpha.yaml"), readFileSync(at("teams/alpha.yaml"), "utf8").replace("pods: 10", "pods: 12"));
    const beta = readFileSync(at("teams/beta.yaml"), "utf8");
    rmSync(at("teams/beta.yaml"));
    const child = spawnKilledBuild(project.root, 3);
    expect(await child).toBe("SIGKILL");
    expect(JSON.parse(readFileSync(work("lock"), "utf8"))).toMatchObject({ tool: "spark-platform-gitops", format: 1, host: hostname() });
    expect(existsSync(work("journal.json"))).toBe(true);
    expect(snapshot()).not.toEqual(before); // half-written
    writeFileSync(at("teams/alpha.yaml"), readFileSync(path.join(repoRoot, "teams/alpha.yaml"), "utf8"));
    writeFileSync(at("teams/beta.yaml"), beta);
    const check = await runCli(["check", "--dir", project.root]);
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
    expect(snapshot()).toEqual(before);
    expect(existsSync(work())).toBe(false);
  });
});

/** Runs a build in a child whose n-th rename kills it (SIGKILL, no cleanup); resolves with the signal. */
function spawnKilledBuild(root: string, nth: number): Promise<NodeJS.Signals | null> {
  const script = `
    import fs from "node:fs";
    import { syncBuiltinESMExports } from "node:module";
    const rename = fs.renameSync;
    let n = 0;
    fs.renameSync = (...args) => { if (++n === ${nth}) process.kill(process.pid, "SIGKILL"); return rename(...args); };
    syncBuiltinESMExports();
    const { compile } = await import(${JSON.stringify(path.join(repoRoot, "dist/src/pipeline.js"))});
    const { writeTree } = await import(${JSON.stringify(path.join(repoRoot, "dist/src/write/output-dirs.js"))});
    await writeTree(${JSON.stringify(root)}, (await compile(${JSON.stringify(root)})).tree);`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "ignore" });
  return new Promise((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
}

describe("two builds at once", () => {
  it("serialize on the lock: every one ends with the whole tree and no stack trace", async () => {
    project = newProject();
    const runs = await Promise.all([1, 2, 3].map(() => runCliAsync(["build", "--dir", project.root])));
    for (const run of runs) {
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/✔ 4 teams, \d+ objects, \d+ files \(\d+ written, 0 removed\)/);
    }
    // One wrote everything; the others, after waiting, found it up to date.
    expect(runs.map((r) => Number(/\((\d+) written/.exec(r.stdout)![1])).sort((a, b) => a - b).slice(0, 2)).toEqual([0, 0]);
    const expected = (await compile(project.root)).tree!;
    const diff = await diffTree(project.root, expected);
    expect(diff.changed.length + diff.added.length + diff.stale.length + diff.foreign.length + diff.irregular.length).toBe(0);
    expect(existsSync(work())).toBe(false);
  });

  it("a second one waits for the first, then fails clearly if it does not finish", async () => {
    await built();
    const holder = spawnLockHolder(project.root);
    const pid = await holder.ready;
    try {
      const before = snapshot();
      const d = await refusal(writeTree(project.root, (await compile(project.root)).tree!, { wait: 300 }));
      expect(d.code).toBe("workdir/locked");
      expect(d.file).toBe(".spark-platform/lock");
      expect(d.message).toMatch(new RegExp(`^another build is running \\(pid ${pid}, started \\d{4}-\\d\\d-\\d\\dT[^)]+\\) and did not finish in time$`));
      expect(d.hint).toBe(`Wait for it to finish, then run the command again. If no build is running (pid ${pid} is another program), delete .spark-platform/lock. Nothing was changed.`);
      expect(snapshot()).toEqual(before);
    } finally {
      holder.kill();
    }
    await holder.exited;
    // Its pid is gone now: the lock is stale and taken over.
    await writeTree(project.root, (await compile(project.root)).tree!, { wait: 0 });
    expect(existsSync(work())).toBe(false);
  });
});

/** A child process that takes the lock and holds it until killed. */
function spawnLockHolder(root: string): { ready: Promise<number>; exited: Promise<void>; kill(): void } {
  const script = `
    const { lockWorkDir } = await import(${JSON.stringify(path.join(repoRoot, "dist/src/write/work-dir.js"))});
    await lockWorkDir(${JSON.stringify(root)});
    process.stdout.write(String(process.pid));
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  return {
    ready: new Promise((resolve) => child.stdout.once("data", (d) => resolve(Number(String(d))))),
    exited: new Promise((resolve) => child.on("exit", () => resolve())),
    kill: () => child.kill("SIGKILL"),
  };
}

function runCliAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(repoRoot, "dist/src/cli/main.js"), ...args], { env: { ...process.env, NO_COLOR: "1" } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

describe("inputs that are not regular files of the repository", () => {
  const cases: Array<[string, () => void, Partial<Diagnostic>]> = [
    ["a link to /dev/zero", () => symlinkSync("/dev/zero", at("teams/zero.yaml")),
      { file: "teams/zero.yaml", code: "input/symlink", message: "teams/zero.yaml is a symbolic link, not a regular file, so it is not read" }],
    ["a link to /dev/stdin", () => symlinkSync("/dev/stdin", at("teams/stdin.yaml")),
      { file: "teams/stdin.yaml", code: "input/symlink", message: "teams/stdin.yaml is a symbolic link, not a regular file, so it is not read" }],
    ["a link out of the repository", () => { writeFileSync(path.join(project.outside, "team.yaml"), readFileSync(at("teams/alpha.yaml"))); symlinkSync(path.join(project.outside, "team.yaml"), at("teams/gamma.yaml")); },
      { file: "teams/gamma.yaml", code: "input/symlink" }],
    ["a link to another team file in the repository", () => symlinkSync("alpha.yaml", at("teams/gamma.yaml")),
      { file: "teams/gamma.yaml", code: "input/symlink", hint: "Replace the link with the file itself: inputs must be regular files in the repository (a link can point out of it, or at a device), so links are never followed." }],
    ["a FIFO", () => execFileSync("mkfifo", [at("teams/fifo.yaml")]),
      { file: "teams/fifo.yaml", code: "input/not-a-file", message: "teams/fifo.yaml is a named pipe (FIFO), not a regular file, so it is not read", hint: "Remove it and commit the YAML as a regular file." }],
    ["a directory named like a team file", () => mkdirSync(at("teams/dir.yaml")),
      { file: "teams/dir.yaml", code: "input/not-a-file", message: "teams/dir.yaml is a directory, not a regular file, so it is not read", hint: "Rename or remove the directory: team files are regular files teams/<name>.yaml." }],
    ["platform.yaml as a link", () => { writeFileSync(path.join(project.outside, "platform.yaml"), readFileSync(at("platform.yaml"))); rmSync(at("platform.yaml")); symlinkSync(path.join(project.outside, "platform.yaml"), at("platform.yaml")); },
      { file: "platform.yaml", code: "input/symlink", message: "platform.yaml is a symbolic link, not a regular file, so it is not read" }],
    ["teams/ as a link", () => { cpSync(at("teams"), path.join(project.outside, "teams"), { recursive: true }); rmSync(at("teams"), { recursive: true }); symlinkSync(path.join(project.outside, "teams"), at("teams")); },
      { file: "teams/", code: "input/symlink", message: "teams/ is a symbolic link, not a directory of the repository, so no team file is read", hint: "Make teams/ a directory holding the team files themselves." }],
    ["a sparse 10 GiB file", () => { writeFileSync(at("teams/huge.yaml"), ""); truncateSync(at("teams/huge.yaml"), 10 * 2 ** 30); },
      { file: "teams/huge.yaml", code: "yaml/too-large", message: "file is 10737418240 bytes, more than the 1 MiB an input may have" }],
  ];

  it.each(cases)("%s is a diagnostic, never followed or read", async (_name, make, expected) => {
    project = newProject();
    make();
    const start = performance.now();
    const { diagnostics } = await validateProject(project.root);
    expect(performance.now() - start).toBeLessThan(5000);
    const found = diagnostics.filter((d) => d.file === expected.file);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: "error", ...expected });
  });

  it("build on a link to /dev/stdin with an open stdin exits 1 at once, and writes nothing", async () => {
    project = newProject();
    symlinkSync("/dev/stdin", at("teams/stdin.yaml"));
    // stdin is a pipe that stays open: reading it would hang until the timeout.
    const child = spawn(process.execPath, [path.join(repoRoot, "dist/src/cli/main.js"), "build", "--dir", project.root], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const code = await new Promise((resolve) => child.on("close", resolve));
    clearTimeout(timer);
    child.stdin.destroy();
    expect(code).toBe(1);
    expect(stderr).toContain("teams/stdin.yaml:1:1  error  teams/stdin.yaml is a symbolic link, not a regular file, so it is not read  input/symlink");
    expect(existsSync(at("generated"))).toBe(false);
  });
});

describe("what is in the compiler's place", () => {
  it.each([
    ["a link in generated/", () => symlinkSync("/etc/passwd", at("generated/tenants/overlays/alpha/evil.yaml")), "generated/tenants/overlays/alpha/evil.yaml", "a symbolic link"],
    ["a FIFO in argocd/", () => execFileSync("mkfifo", [at("argocd/pipe.yaml")]), "argocd/pipe.yaml", "a named pipe (FIFO)"],
    ["a link where CODEOWNERS goes", () => { rmSync(at(".github/CODEOWNERS")); symlinkSync("/etc/passwd", at(".github/CODEOWNERS")); }, ".github/CODEOWNERS", "a symbolic link"],
    ["a directory where CODEOWNERS goes", () => { rmSync(at(".github/CODEOWNERS")); mkdirSync(at(".github/CODEOWNERS")); }, ".github/CODEOWNERS", "a directory"],
  ])("%s: check and build name it and exit 1, and build leaves it", async (_name, make, file, kind) => {
    await built();
    make();
    const before = snapshot();
    const check = await runCli(["check", "--dir", project.root]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`${file}  error  ${file} is ${kind}; the compiler writes only regular files here, so it neither follows nor deletes it  output/not-a-regular-file`);
    const build = await runCli(["build", "--dir", project.root]);
    expect(build.code).toBe(1);
    expect(build.stderr).toContain(`${file}  error  ${file} is ${kind}; the compiler writes only regular files here, so it neither follows nor deletes it  output/not-a-regular-file`);
    expect(build.stderr).toContain("fix: Delete it (Kustomize and Argo CD would follow a link or read a device), then run the build again.");
    expect(build.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(snapshot()).toEqual(before);
  });

  it.each([
    ["generated", "a symbolic link", () => { realFs.renameSync(at("generated"), path.join(project.outside, "generated")); symlinkSync(path.join(project.outside, "generated"), at("generated")); }],
    ["argocd", "a regular file", () => { rmSync(at("argocd"), { recursive: true }); writeFileSync(at("argocd"), "not a directory\n"); }],
    [".github", "a symbolic link", () => { realFs.renameSync(at(".github"), path.join(project.outside, "github")); symlinkSync(path.join(project.outside, "github"), at(".github")); }],
  ])("%s as %s: check and build refuse to write through it", async (dir, kind, make) => {
    await built();
    make();
    await expectCheckAndBuildRefuse(`${dir}  error  ${dir} is ${kind}, not a directory, so the compiler does not write into it  output/not-a-directory`);
  });

  it("a hand-written CODEOWNERS is neither replaced nor deleted", async () => {
    project = newProject();
    mkdirSync(at(".github"));
    writeFileSync(at(".github/CODEOWNERS"), "* @someone\n");
    const result = await runCli(["build", "--dir", project.root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(".github/CODEOWNERS  error  .github/CODEOWNERS was not written by the compiler (it has no generated header), so the build does not replace or delete it  output/foreign-file");
    expect(result.stderr).toContain("fix: The build writes .github/CODEOWNERS from platform.yaml (`owners`) and the team files' `owners`: move its rules there, delete it, and run the build again.");
    expect(readFileSync(at(".github/CODEOWNERS"), "utf8")).toBe("* @someone\n");
    expect(existsSync(at("generated"))).toBe(false);
  });

  it("the rest of .github/ is not the compiler's", async () => {
    project = newProject();
    mkdirSync(at(".github/workflows"), { recursive: true });
    writeFileSync(at(".github/workflows/ci.yaml"), "on: push\n");
    await writeTree(project.root, (await compile(project.root)).tree!);
    // A tree without CODEOWNERS removes the compiler's CODEOWNERS, and nothing else of .github/.
    const tree = new Map((await compile(project.root)).tree!);
    tree.delete(".github/CODEOWNERS");
    const diff = await writeTree(project.root, tree);
    expect(diff.stale).toEqual([".github/CODEOWNERS"]);
    expect(readdirSync(at(".github"), { recursive: true }).sort()).toEqual(["workflows", "workflows/ci.yaml"]);
  });
});

describe("I/O failures", () => {
  /** The seed built, then a change that writes, replaces and removes files: alpha changed, beta removed, epsilon added. */
  async function changing(): Promise<Map<string, string>> {
    await built();
    writeFileSync(at("teams/alpha.yaml"), readFileSync(at("teams/alpha.yaml"), "utf8").replace("pods: 10", "pods: 12"));
    rmSync(at("teams/beta.yaml"));
    writeFileSync(at("teams/epsilon.yaml"), readFileSync(at("teams/alpha.yaml"), "utf8").replaceAll("alpha", "epsilon"));
    const { tree, diagnostics } = await compile(project.root);
    expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    return tree!;
  }

  const NOTHING_CHANGED = "Nothing the compiler writes (generated/, argocd/, .github/CODEOWNERS, docs/platform.svg) was changed.";

  it.each([
    ["a full disk while staging", { call: "writeFileSync", code: "ENOSPC", nth: 1, match: "staged" }, "io/no-space", "no space left on the device", "Free some disk space, then run the command again."],
    ["a full disk while writing the journal", { call: "writeFileSync", code: "ENOSPC", nth: 1, match: "journal.tmp" }, "io/no-space", "no space left on the device", "Free some disk space, then run the command again."],
    ["a full disk for the committed mark, after every rename", { call: "writeFileSync", code: "ENOSPC", nth: 1, match: "committed" }, "io/no-space", "no space left on the device", "Free some disk space, then run the command again."],
    ["a permission error half-way through the renames", { call: "renameSync", code: "EACCES", nth: 4 }, "io/permission", "permission denied", "Make generated/, argocd/, .github/ and .spark-platform/ (and the project directory) writable by the user running the command"],
    ["EPERM moving a file aside", { call: "renameSync", code: "EPERM", nth: 2 }, "io/permission", "permission denied", "Make generated/"],
    ["a mount between the work directory and the tree", { call: "renameSync", code: "EXDEV", nth: 3 }, "io/cross-device", "are on different file systems", "Keep generated/, argocd/, .github/ and .spark-platform/ on the project's own file system (not separate mounts): files are moved into place by rename, which cannot cross file systems."],
    ["a file where a directory must be", { call: "mkdirSync", code: "ENOTDIR", nth: 1, match: "previous" }, "io/not-a-directory", "a file is where a directory must be", "Move away the file that is in the way"],
    ["a directory where a file must be", { call: "renameSync", code: "EISDIR", nth: 5 }, "io/is-a-directory", "a directory is where a file must be", "Move away the directory"],
    ["a read-only file system", { call: "mkdirSync", code: "EROFS", nth: 1 }, "io/read-only", "the file system is read-only", "Run the command in a writable checkout."],
  ] as Array<[string, Fault, string, string, string]>)("%s: a diagnostic with a fix, and the tree stays whole", async (_name, fault, code, message, fix) => {
    const tree = await changing();
    const before = snapshot();
    faults.current = fault;
    const d = await refusal(writeTree(project.root, tree));
    faults.current = undefined;
    expect(faults.seen).toBeGreaterThanOrEqual(fault.nth);
    expect(d.severity).toBe("error");
    expect(d.code).toBe(code);
    expect(d.message).toContain(message);
    expect(d.message).toContain(`: ${fault.code})`);
    expect(d.hint).toContain(fix);
    expect(d.hint!.endsWith(NOTHING_CHANGED)).toBe(true);
    expect(d.file).toMatch(/^(\.spark-platform|generated|argocd|\.github|docs)(\/|$)/);
    expect(snapshot()).toEqual(before);
    expect(existsSync(work())).toBe(false);
    // And the next build, with the fault gone, writes the new tree.
    await writeTree(project.root, tree);
    expect((await diffTree(project.root, tree)).unchanged).toHaveLength(tree.size);
  });

  it("a failure the rollback cannot undo yet keeps the journal and its lock; the next run puts the old tree back", async () => {
    const tree = await changing();
    const before = snapshot();
    // The disk stays full for renames: the rollback fails too.
    faults.current = { call: "renameSync", code: "ENOSPC", nth: 4, sticky: true };
    const d = await refusal(writeTree(project.root, tree));
    faults.current = undefined;
    expect(d.code).toBe("io/no-space");
    expect(d.hint).toBe("Free some disk space, then run the command again. The previous files could not all be put back yet: they are kept in .spark-platform/, and the next build or check puts them back first.");
    expect(existsSync(work("journal.json"))).toBe(true);
    expect(existsSync(work("lock"))).toBe(true);
    expect(await recoverInterruptedWrite(project.root)).toBe("rolled-back");
    expect(snapshot()).toEqual(before);
    expect(existsSync(work())).toBe(false);
  });

  it("the build command prints it as a diagnostic and exits 1", async () => {
    await changing();
    const before = snapshot();
    let result;
    try {
      faults.current = { call: "renameSync", code: "ENOSPC", nth: 3 };
      result = await runCli(["build", "--dir", project.root]);
    } finally {
      faults.current = undefined;
    }
    expect(result.code).toBe(1);
    const { stderr: printed, stdout: summary } = result;
    expect(printed).toMatch(/error {2}no space left on the device \(rename .+: ENOSPC\) {2}io\/no-space/);
    expect(printed).toContain(`fix: Free some disk space, then run the command again. ${NOTHING_CHANGED}`);
    expect(summary).toContain("✖ 1 error; the build did not complete");
    expect(snapshot()).toEqual(before);
  });
});
