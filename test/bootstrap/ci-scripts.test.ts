// The script the e2e workflow runs besides bootstrap and teardown:
// scripts/ci/run-examples.sh, against a stand-in kubectl. (The workflow serves
// the commit under test with the bootstrap's local mode: local-mode.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Fixture, line, makeFixture, type Result, Sandbox } from "./harness.js";

let sandbox: Sandbox;
let fx: Fixture;
beforeAll(async () => {
  sandbox = new Sandbox();
  fx = await makeFixture(sandbox.base);
});
afterAll(() => sandbox.cleanup());

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
