/**
 * A team's service account may run plain batch Jobs in its namespace: the job
 * controller creates their pods there, under the same quota, LimitRange, Pod
 * Security and pod guardrails as a bare pod, which the team may already
 * create (rbac-least-privilege passes with it: test/policy.test.ts).
 * test/cluster/tenant-jobs.test.ts shows it on a real API server.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { compile } from "../src/pipeline.js";
import type { KubeObject } from "../src/synth/object.js";
import { repoRoot } from "./support/paths.js";

interface RbacRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const CRUD = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];

let compiled: Awaited<ReturnType<typeof compile>>;
let objects: KubeObject[];

beforeAll(async () => {
  compiled = await compile(repoRoot, { lint: false });
  objects = compiled.synthesis!.builds.flatMap((b) => b.objects);
});

const batchRules = (role: KubeObject) => (role.rules as RbacRule[]).filter((rule) => rule.apiGroups.includes("batch"));

describe("the tenant Role and batch Jobs", () => {
  it("lets every team's service account manage Jobs and read their status in its own namespace, and nothing else in batch", () => {
    const teams = compiled.model!.teams;
    expect(teams.length).toBeGreaterThanOrEqual(2);
    for (const team of teams) {
      const role = objects.find((o) => o.kind === "Role" && o.metadata.namespace === team.namespace)!;
      expect(role, team.name).toBeDefined();
      expect(batchRules(role), team.name).toEqual([
        { apiGroups: ["batch"], resources: ["jobs"], verbs: CRUD },
        { apiGroups: ["batch"], resources: ["jobs/status"], verbs: ["get", "list", "watch"] },
      ]);
      const binding = objects.find((o) => o.kind === "RoleBinding" && o.metadata.namespace === team.namespace)!;
      expect(binding).toMatchObject({
        roleRef: { kind: "Role", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: team.serviceAccount, namespace: team.namespace }],
      });
    }
  });

  it("grants no CronJobs: recurring work is a ScheduledSparkApplication, which the Spark guardrails check", () => {
    const roles = objects.filter((o) => o.kind === "Role");
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) {
      const resources = (role.rules as RbacRule[]).flatMap((rule) => rule.resources);
      expect(resources.filter((r) => r.startsWith("cronjobs")), role.metadata.name).toEqual([]);
      expect(resources, role.metadata.name).toContain("scheduledsparkapplications");
    }
  });

  it("keeps Argo CD from syncing Jobs into a team's namespace: the AppProjects allow only what the overlays render", () => {
    const teams = compiled.model!.teams;
    for (const team of teams) {
      const project = objects.find((o) => o.kind === "AppProject" && o.metadata.name === team.project)!;
      const kinds = (project.spec as { namespaceResourceWhitelist: { group: string; kind: string }[] }).namespaceResourceWhitelist;
      expect(kinds.length, team.name).toBeGreaterThan(0);
      expect(kinds.filter((k) => k.group === "batch"), team.name).toEqual([]);
    }
  });
});
