/**
 * Volcano 1.8.2's chart gives its admission ServiceAccount no read access to
 * Namespaces (https://github.com/volcano-sh/volcano/issues/4589), so the
 * platform grants it, for the chart versions without the rule only.
 * test/cluster/volcano-admission-rbac.test.ts asks the real API server what the
 * chart's RBAC allows with and without it; test/flow/job-flow.test.ts runs
 * Volcano's admission with that ServiceAccount's token.
 */
import { describe, expect, it } from "vitest";
import { VOLCANO } from "../src/components/volcano.js";
import { compile } from "../src/pipeline.js";
import { componentGrants } from "../src/synth/platform/grants.js";
import { repoRoot } from "./support/paths.js";
import { copyProject } from "./support/project.js";

const installed = (version: string) => ({
  descriptor: VOLCANO,
  settings: { chart: { ...VOLCANO.defaults.chart!, version }, namespace: "volcano-system" },
  pointer: "/components/volcano",
});

describe("the platform's grant to Volcano's admission", () => {
  it("is a ClusterRole reading Namespaces, bound to the chart's admission ServiceAccount, synced with the queues", async () => {
    const { synthesis } = await compile(repoRoot, { lint: false });
    const queues = synthesis!.builds.find((b) => b.dir === "generated/platform/queues")!.objects;
    const role = queues.find((o) => o.kind === "ClusterRole")!;
    const binding = queues.find((o) => o.kind === "ClusterRoleBinding")!;
    expect(role.metadata.name).toBe("volcano-admission-namespace-reader");
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"] }]);
    expect(role.metadata.annotations?.["kubernetes.io/description"]).toContain("https://github.com/volcano-sh/volcano/issues/4589");
    expect(binding).toMatchObject({
      roleRef: { kind: "ClusterRole", name: role.metadata.name },
      // The 1.8.2 chart's templates/admission.yaml: ServiceAccount {{ .Release.Name }}-admission in the release's namespace.
      subjects: [{ kind: "ServiceAccount", name: "volcano-admission", namespace: "volcano-system" }],
    });
  });

  it("follows the chart version: granted up to 1.12.2, not from 1.12.3 and 1.13.0, whose charts have the rule", () => {
    for (const version of ["1.8.2", "1.9.0", "1.11.2", "1.12.2"]) expect(componentGrants(installed(version)).map((o) => o.kind), version).toEqual(["ClusterRole", "ClusterRoleBinding"]);
    for (const version of ["1.12.3", "1.13.0", "1.14.1"]) expect(componentGrants(installed(version)), version).toEqual([]);
  });

  it("is not generated without Volcano", async () => {
    const p = copyProject();
    try {
      p.write("platform.yaml", p.read("platform.yaml").replace(/\n  volcano:\n    chart:\n(?:      .*\n)+    namespace: volcano-system\n    values: \{\}\n/, "\n"));
      for (const team of ["delta", "theta"]) p.write(`teams/${team}.yaml`, p.read(`teams/${team}.yaml`).replace("scheduler: volcano", "scheduler: default").replace(/\nqueue:\n(?:  .*\n)+/, "\n"));
      const { synthesis, diagnostics } = await compile(p.root, { lint: false });
      expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const objects = synthesis!.builds.flatMap((b) => b.objects);
      expect(objects.filter((o) => o.metadata.name === "volcano-admission-namespace-reader")).toEqual([]);
    } finally {
      p.cleanup();
    }
  });
});
