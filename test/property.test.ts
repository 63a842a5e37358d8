/**
 * Property: any valid team file (random names, sizes, schedulers and job
 * shapes that fit the cluster) compiles to lint-clean output that the real
 * Kustomize builds into exactly the objects the compiler meant.
 */
import path from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { compile } from "../src/pipeline.js";
import { writeTree } from "../src/write/output-dirs.js";
import { copyProject, kustomize, sortObjects } from "./support/project.js";

const name = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/).filter((n) => !["default", "platform", "root", "argocd", "system", "volcano", "alpha", "beta", "theta", "delta"].includes(n));
const cpu = fc.integer({ min: 1, max: 16 });
const gi = fc.integer({ min: 1, max: 32 });

const team = fc.record({ name, volcano: fc.boolean(), reqCpu: cpu, extraCpu: cpu, reqMem: gi, extraMem: gi, pods: fc.integer({ min: 1, max: 50 }), weight: fc.integer({ min: 1, max: 100 }), language: fc.constantFrom("pyspark", "scala"), executors: fc.integer({ min: 1, max: 8 }), withGuarantee: fc.boolean() })
  .map((t) => ({
    name: t.name,
    owners: [`${t.name}@example.com`],
    scheduler: t.volcano ? "volcano" : "default",
    quota: { requests: { cpu: String(t.reqCpu), memory: `${t.reqMem}Gi` }, limits: { cpu: String(t.reqCpu + t.extraCpu), memory: `${t.reqMem + t.extraMem}Gi` }, pods: t.pods },
    limitRange: { defaultRequest: { cpu: "250m", memory: "512Mi" }, default: { cpu: "1", memory: "1Gi" } },
    ...(t.volcano ? { queue: { weight: t.weight, capability: { cpu: String(t.reqCpu), memory: `${t.reqMem}Gi` }, ...(t.withGuarantee ? { guarantee: { cpu: "500m", memory: "1Gi" } } : {}) } } : {}),
    exampleJob: { language: t.language, executor: { instances: t.executors } },
  }));

describe("random valid teams", () => {
  it("compile cleanly and build with Kustomize to what was meant", async () => {
    await fc.assert(
      fc.asyncProperty(team, async (spec) => {
        const project = copyProject();
        try {
          project.write(`teams/${spec.name}.yaml`, `# yaml-language-server: $schema=../schemas/team.schema.json\n${stringify(spec)}`);
          const result = await compile(project.root);
          expect(result.diagnostics).toEqual([]);
          await writeTree(project.root, result.tree!);
          const dir = `generated/tenants/overlays/${spec.name}`;
          const expected = result.synthesis!.builds.find((b) => b.dir === dir)!.objects;
          expect(sortObjects(kustomize(path.join(project.root, dir)))).toEqual(sortObjects(JSON.parse(JSON.stringify(expected))));
        } finally {
          project.cleanup();
        }
      }),
      { numRuns: 25, seed: Number(process.env.FC_SEED ?? 20261125) },
    );
  }, 120_000);
});
