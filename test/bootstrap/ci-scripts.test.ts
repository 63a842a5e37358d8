// The two scripts the e2e workflow runs besides bootstrap and teardown:
// scripts/ci/run-examples.sh (stand-in kubectl) and scripts/ci/serve-checkout.sh
// (real git and a real git daemon on loopback).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../support/paths.js";
import { freePort } from "../support/ports.js";
import { type Fixture, line, makeFixture, type Result, Sandbox } from "./harness.js";

let sandbox: Sandbox;
let fx: Fixture;
const daemonPidFiles: string[] = [];
beforeAll(async () => {
  sandbox = new Sandbox();
  fx = await makeFixture(sandbox.base);
});
afterAll(() => {
  // Stop only the git daemons these tests started, by their recorded pid.
  for (const f of daemonPidFiles) {
    if (!existsSync(f)) continue;
    try {
      process.kill(Number(readFileSync(f, "utf8").trim()), "SIGTERM");
    } catch {
      /* already gone */
    }
  }
  sandbox.cleanup();
});

const dump = (r: Result) => `stdout:\n${r.stdout}\nstderr:\n${r.stderr}\ncalls:\n${r.calls.map(line).join("\n")}`;

describe("run-examples.sh", () => {
  it("submits every team's example and succeeds once all have COMPLETED", async () => {
    const sparkStates = Object.fromEntries(
      fx.examples.map((e, i) => [`${e.namespace}/${e.name}`, ["", "SUBMITTED", "RUNNING", ...Array(i).fill("RUNNING"), "COMPLETED"]]),
    );
    const r = await sandbox.run("ci/run-examples.sh", ["--timeout", "30"], { fixture: fx, scenario: { sparkStates } });
    expect(r.exitCode, dump(r)).toBe(0);
    const applies = r.calls.filter((c) => c.args.includes("apply")).map(line);
    expect(fx.examples.map((e) => e.team)).toEqual(fx.teams);
    expect(applies).toEqual(fx.examples.map((e) => `kubectl --context k3d-data-platform-cluster apply -f ${fx.root}/${e.file}`));
    // Polled each until COMPLETED, and no further.
    for (const [i, e] of fx.examples.entries()) {
      const polls = r.calls.filter((c) => c.args.includes("sparkapplication") && c.args.includes(e.name) && c.args.includes(e.namespace));
      expect(polls.length, e.team).toBe(4 + i);
    }
    const last = fx.examples.at(-1)!;
    expect(r.stdout).toMatch(new RegExp(`${last.namespace}\\s+${last.name}\\s+COMPLETED`));
    expect(r.stdout).toContain("every example SparkApplication COMPLETED");
  });

  const example = (team: string) => fx.examples.find((e) => e.team === team)!;

  it("fails on FAILED, with the error, the events and the driver log", async () => {
    const beta = example("beta");
    const r = await sandbox.run("ci/run-examples.sh", ["--timeout", "30"], {
      fixture: fx,
      scenario: { sparkStates: { [`${beta.namespace}/${beta.name}`]: ["RUNNING", "FAILED"] } },
    });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("1 example(s) failed");
    expect(r.stderr).toContain(`--- ${beta.namespace}/${beta.name}: FAILED`);
    expect(r.stderr).toContain("driver container failed with ExitCode: 1");
    expect(r.stderr).toContain("SparkApplicationFailed");
    expect(r.stderr).toContain(`example failure in ${beta.name}-driver`);
    expect(r.stderr).not.toContain(`--- ${example("alpha").namespace}`);
  });

  it("fails at the timeout when a job never finishes", async () => {
    const theta = example("theta");
    const r = await sandbox.run("ci/run-examples.sh", ["--timeout", "1"], {
      fixture: fx,
      scenario: { sparkStates: { [`${theta.namespace}/${theta.name}`]: ["SUBMITTED"] } },
    });
    expect(r.exitCode, dump(r)).toBe(1);
    expect(r.stderr).toContain("1 example(s) did not finish within 1s");
    expect(r.stderr).toContain(`--- ${theta.namespace}/${theta.name}: SUBMITTED`);
  });
});

describe("serve-checkout.sh", () => {
  it("serves the checkout, rebuilt against the served URL, over git:// - from a shallow clone, leaving HEAD alone", async () => {
    const origin = join(sandbox.base, "origin");
    mkdirSync(origin);
    copyFileSync(join(repoRoot, "platform.yaml"), join(origin, "platform.yaml"));
    // The stand-in build: what `npm run build` does to generated/, in miniature.
    writeFileSync(
      join(origin, "build.mjs"),
      `import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
const url = /repoURL: (\\S+)/.exec(readFileSync("platform.yaml", "utf8").split("gitops:")[1])[1];
mkdirSync("generated", { recursive: true });
writeFileSync("generated/root-repo.txt", url);
`,
    );
    writeFileSync(join(origin, ".gitignore"), "ignored/\n");
    const git = (cwd: string, ...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", ...args], { cwd, encoding: "utf8" });
    git(origin, "init", "-q");
    git(origin, "add", "-A");
    git(origin, "commit", "-q", "-m", "one");
    writeFileSync(join(origin, "second.txt"), "2");
    git(origin, "add", "-A");
    git(origin, "commit", "-q", "-m", "two");
    const checkout = join(sandbox.base, "checkout");
    git(sandbox.base, "clone", "-q", "--depth", "1", `file://${origin}`, checkout);
    mkdirSync(join(checkout, "ignored"));
    writeFileSync(join(checkout, "ignored/junk"), "x");
    const head = git(checkout, "rev-parse", "HEAD").trim();

    const port = await freePort();
    const dir = join(sandbox.base, "served");
    daemonPidFiles.push(join(dir, "git-daemon.pid"));
    const r = await sandbox.run(
      "ci/serve-checkout.sh",
      ["--dir", dir, "--port", String(port), "--host", "127.0.0.1", "--listen", "127.0.0.1", "--branch", "e2e"],
      { fixture: { ...fx, root: checkout }, env: { E2E_BUILD_CMD: "node build.mjs" } },
    );
    expect(r.exitCode, dump(r)).toBe(0);
    const url = `git://127.0.0.1:${port}/platform.git`;
    expect(r.stdout.trim().split("\n").pop()).toBe(url);

    const served = join(sandbox.base, "served-clone");
    git(sandbox.base, "clone", "-q", "--branch", "e2e", url, served);
    const platform = readFileSync(join(served, "platform.yaml"), "utf8");
    expect(parse(platform).gitops).toMatchObject({ repoURL: url, targetRevision: "e2e" });
    expect(platform).toContain("# The platform:"); // comments kept
    expect(readFileSync(join(served, "generated/root-repo.txt"), "utf8")).toBe(url);
    expect(existsSync(join(served, "second.txt"))).toBe(true);
    expect(existsSync(join(served, "ignored"))).toBe(false);
    // The runner's checkout: same HEAD, same index; only the working tree changed.
    expect(git(checkout, "rev-parse", "HEAD").trim()).toBe(head);
    expect(git(checkout, "diff", "--cached", "--name-only")).toBe("");
  });
});
