/**
 * The seed's output is what is committed in generated/, argocd/ and
 * .github/CODEOWNERS, byte for byte (the one golden copy: the same check CI
 * runs with `npm run check`), and has the seed's numbers.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { pinnedArtefactsMarkdown, versionMatrixMarkdown } from "../src/compat/versions.js";
import { compile } from "../src/pipeline.js";
import { diffTree } from "../src/write/output-dirs.js";
import { repoRoot } from "./support/paths.js";

describe("the seed's platform", () => {
  it("is what is committed in generated/, argocd/ and .github/CODEOWNERS, every file byte for byte", async () => {
    const { tree } = await compile(repoRoot);
    const diff = await diffTree(repoRoot, tree!);
    expect({ ...diff, unchanged: diff.unchanged.length }).toEqual({ added: [], changed: [], unchanged: tree!.size, stale: [], foreign: [], irregular: [] });
  });

  it("has the seed's numbers", async () => {
    const theta = readFileSync(path.join(repoRoot, "generated/platform/queues/theta.yaml"), "utf8");
    expect(theta).toContain("weight: 40");
    const { model } = await compile(repoRoot);
    expect(model!.teams.map((t) => [t.name, t.scheduler, t.spec.quota.requests.cpu, t.spec.quota.limits.memory, t.spec.quota.pods])).toEqual([
      ["alpha", "default", "4", "16Gi", 10], ["beta", "default", "4", "16Gi", 10], ["delta", "volcano", "6", "16Gi", 15], ["theta", "volcano", "6", "16Gi", 15],
    ]);
  });

  it("README's version matrix is the one in src/compat/versions.ts", () => {
    const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const embedded = /<!-- version-matrix:start -->\n([\s\S]*?)\n<!-- version-matrix:end -->/.exec(readme)?.[1];
    expect(embedded).toBe(versionMatrixMarkdown());
  });

  it("README's pinned data-flow artefacts are the ones in the code", () => {
    const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const embedded = /<!-- pinned-artefacts:start -->\n([\s\S]*?)\n<!-- pinned-artefacts:end -->/.exec(readme)?.[1];
    expect(embedded).toBe(pinnedArtefactsMarkdown());
  });

  it("has current generated types (src/types from schemas/)", () => {
    expect(() => execFileSync(process.execPath, ["scripts/gen-types.mjs", "--check"], { cwd: repoRoot, stdio: "pipe" })).not.toThrow();
  });
});
