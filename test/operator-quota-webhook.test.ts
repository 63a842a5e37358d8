/**
 * Spark Operator 2.3.0's quota webhook counts memory twice
 * (https://github.com/kubeflow/spark-operator/pull/2866), so the compiler keeps
 * it off, and platform.yaml cannot turn it back on without being told why.
 * test/flow/job-flow.test.ts runs the real webhook and the real ResourceQuota.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { compile } from "../src/pipeline.js";
import { copyProject, type TestProject } from "./support/project.js";

const projects: TestProject[] = [];
afterEach(() => { for (const p of projects.splice(0)) p.cleanup(); });

async function compiled(edit: (platformYaml: string) => string = (s) => s) {
  const p = copyProject();
  projects.push(p);
  p.write("platform.yaml", edit(p.read("platform.yaml")));
  return compile(p.root, { lint: false });
}

const errors = (diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.severity === "error");

describe("the Spark Operator's quota webhook", () => {
  it("is off in the values the operator's Application deploys", async () => {
    const { synthesis } = await compiled();
    const app = synthesis!.builds.flatMap((b) => b.objects).find((o) => o.kind === "Application" && o.metadata.name === "spark-operator")!;
    const values = (app.spec as { source: { helm: { valuesObject: { webhook: Record<string, unknown> } } } }).source.helm.valuesObject;
    expect(values.webhook).toMatchObject({ enable: true, resourceQuotaEnforcement: { enable: false } });
  });

  it("cannot be turned on in platform.yaml: the error says why it is off", async () => {
    const { diagnostics, synthesis } = await compiled((s) => s.replace("        port: 9443\n", "        port: 9443\n        resourceQuotaEnforcement: { enable: true }\n"));
    const [error] = errors(diagnostics);
    expect(error).toMatchObject({ code: "platform/helm-values", file: "platform.yaml", line: 32 });
    expect(error.message).toMatch(/^`webhook\.resourceQuotaEnforcement` is set by the compiler: off: Spark Operator 2\.3\.0's quota check counts a job's memory twice/);
    expect(error.message).toContain("https://github.com/kubeflow/spark-operator/pull/2866");
    expect(synthesis, "nothing is generated").toBeUndefined();
  });
});
