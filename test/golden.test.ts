/**
 * Golden snapshot of the seed's output, and the committed tree is current
 * (the same check CI runs with `npm run check`).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { versionMatrixMarkdown } from "../src/compat/versions.js";
import { compile } from "../src/pipeline.js";
import { diffTree } from "../src/write/output-dirs.js";
import { REPO } from "./support/project.js";

describe("the seed's platform", () => {
  it("matches the golden snapshot", async () => {
    const { tree } = await compile(REPO);
    await expect(Object.fromEntries(tree!)).toMatchFileSnapshot("__snapshots__/seed-output.json.snap");
  });

  it("is what is committed in generated/ and argocd/", async () => {
    const { tree } = await compile(REPO);
    const diff = await diffTree(REPO, tree!);
    expect({ added: diff.added, changed: diff.changed, stale: diff.stale, foreign: diff.foreign }).toEqual({ added: [], changed: [], stale: [], foreign: [] });
  });

  it("has the seed's numbers", async () => {
    const theta = readFileSync(path.join(REPO, "generated/platform/queues/theta.yaml"), "utf8");
    expect(theta).toContain("weight: 40");
    const { model } = await compile(REPO);
    expect(model!.teams.map((t) => [t.name, t.scheduler, t.spec.quota.requests.cpu, t.spec.quota.limits.memory, t.spec.quota.pods])).toEqual([
      ["alpha", "default", "4", "16Gi", 10], ["beta", "default", "4", "16Gi", 10], ["delta", "volcano", "6", "16Gi", 15], ["theta", "volcano", "6", "16Gi", 15],
    ]);
  });

  it("README's version matrix is the one in src/compat/versions.ts", () => {
    const readme = readFileSync(path.join(REPO, "README.md"), "utf8");
    const embedded = /<!-- version-matrix:start -->\n([\s\S]*?)\n<!-- version-matrix:end -->/.exec(readme)?.[1];
    expect(embedded).toBe(versionMatrixMarkdown());
  });

  it("has current generated types (src/types from schemas/)", () => {
    expect(() => execFileSync(process.execPath, ["scripts/gen-types.mjs", "--check"], { cwd: REPO, stdio: "pipe" })).not.toThrow();
  });
});
