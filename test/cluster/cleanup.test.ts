// A test process that dies without calling stop() must leave no etcd, no
// kube-apiserver and no temporary directory behind.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/paths.js";
import { run, waitUntil } from "../harness/process.js";

const reportDir = mkdtempSync(join(tmpdir(), "abandoned-cluster-"));
afterAll(() => rmSync(reportDir, { recursive: true, force: true }));

describe("an abandoned cluster is reaped", () => {
  it.each(["exit", "sigkill"])("when the test process ends by %s", async (abandonBy) => {
    const reportFile = join(reportDir, `${abandonBy}.json`);
    await run(join(repoRoot, "node_modules/.bin/vitest"), ["run", "--config", "test/cluster/fixtures/vitest.config.ts"], {
      cwd: repoRoot,
      env: { ...parentEnvWithoutVitest(), ABANDON_BY: abandonBy, ABANDONED_CLUSTER_REPORT: reportFile },
      // A SIGKILLed worker fails the child run; what matters is what it left behind.
      reject: false,
    });
    const report = JSON.parse(readFileSync(reportFile, "utf8")) as { workDir: string; pgids: number[] };
    expect(report.pgids.length).toBeGreaterThanOrEqual(2);

    // The guardian polls once a second.
    await waitUntil("the abandoned cluster to be reaped", async () => (report.pgids.some(groupAlive) || existsSync(report.workDir) ? undefined : true), {
      timeoutMs: 15_000,
    });
    expect(report.pgids.filter(groupAlive)).toEqual([]);
    expect(existsSync(report.workDir)).toBe(false);
  });
});

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The child vitest must not mistake itself for one of our workers. */
function parentEnvWithoutVitest(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST")));
}
