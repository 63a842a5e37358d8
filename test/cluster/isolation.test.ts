// The isolation matrix. The API server's own authorizer,
// asked about the generated RBAC, shows that each team's service account can
// do what a Spark driver needs in its namespace, nothing in any other team's,
// and cannot change what the platform owns anywhere.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { startControllerManager } from "../harness/controller-manager.js";
import { applyPlatform, tenantTeams } from "../harness/platform-manifests.js";
import { platformTarget } from "../harness/platform.js";
import { waitUntil } from "../harness/process.js";
import { readTenant, type Tenant } from "../harness/tenants.js";
import {
  canServiceAccount,
  inBatches,
  resourcePermissions,
  serviceAccountUser,
  type ResourceAttributes,
} from "../harness/rbac.js";

/**
 * What a Spark driver does with its service account: it creates, watches and
 * deletes its executor pods, a ConfigMap with the executors' configuration,
 * and on-demand PersistentVolumeClaims. (The driver pod, its Service and its
 * ConfigMap are created by spark-submit under the operator's account.)
 */
const SPARK_DRIVER_NEEDS: ResourceAttributes[] = [
  ...["get", "list", "watch", "create", "delete"].map((verb) => ({ verb, resource: "pods" })),
  ...["get", "list", "create", "delete"].map((verb) => ({ verb, resource: "configmaps" })),
  ...["get", "list", "create", "delete"].map((verb) => ({ verb, resource: "persistentvolumeclaims" })),
];

const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"];

/** Objects the platform owns: a tenant must not change them in any namespace. */
const PLATFORM_OWNED_NAMESPACED = [
  { group: "", resource: "resourcequotas" },
  { group: "", resource: "limitranges" },
  { group: "networking.k8s.io", resource: "networkpolicies" },
  { group: "rbac.authorization.k8s.io", resource: "roles", extraVerbs: ["bind", "escalate"] },
  { group: "rbac.authorization.k8s.io", resource: "rolebindings" },
];
const PLATFORM_OWNED_CLUSTER = [
  { group: "", resource: "namespaces" },
  { group: "scheduling.volcano.sh", resource: "queues" },
  { group: "rbac.authorization.k8s.io", resource: "clusterroles", extraVerbs: ["bind", "escalate"] },
  { group: "rbac.authorization.k8s.io", resource: "clusterrolebindings" },
];

/** A namespace nobody is bound in: rules there are a subject's cluster-wide grants. */
const UNBOUND_NAMESPACE = "isolation-probe-unbound";
/** A service account with no bindings: what every service account may do anyway (discovery, self-reviews). */
const NOBODY = serviceAccountUser({ namespace: UNBOUND_NAMESPACE, name: "nobody" });

interface TenantFindings {
  missingDriverPermissions: string[];
  /** Permissions in its own namespace beyond the account's cluster-wide ones. */
  ownNamespace: string[];
  /** Per other team's namespace: permissions beyond the account's cluster-wide ones. */
  leaks: Record<string, string[]>;
  /** Cluster-wide permissions beyond those of every service account. */
  clusterWide: string[];
  platformWrites: string[];
}

const teams = tenantTeams();
let cluster: Cluster;
let tenants: Tenant[];
const findings = new Map<string, TenantFindings>();

beforeAll(async () => {
  cluster = await startCluster();
  // Aggregated ClusterRoles (admin, edit, view) have no rules until this
  // controller fills them: without it a binding to one would look harmless.
  await startControllerManager(cluster, { controllers: ["clusterrole-aggregation"] });
  await applyPlatform(cluster);
  tenants = await Promise.all(teams.map((team) => readTenant(cluster, team)));
  await Promise.all(tenants.map(rbacCacheHasBindings));
  const baseline = await resourcePermissions(cluster, NOBODY, UNBOUND_NAMESPACE);
  for (const tenant of tenants) findings.set(tenant.team, await examine(tenant, baseline));
  console.log(renderMatrix());
});

afterAll(async () => {
  await cluster?.stop();
});

describe("tenant isolation on a real API server", () => {
  it("finds a tenant namespace and service account for every team", () => {
    expect(tenants.map((tenant) => tenant.team)).toEqual(teams);
    expect(tenants.length).toBeGreaterThanOrEqual(2);
  });

  it("lets each team's service account do what a Spark driver needs in its own namespace", () => {
    for (const tenant of tenants) expect(findings.get(tenant.team)?.missingDriverPermissions, tenant.team).toEqual([]);
  });

  it("gives no team's service account anything in another team's namespace", () => {
    for (const tenant of tenants) {
      // The rules review sees the team's own RoleBinding, so an empty difference elsewhere means something.
      expect(findings.get(tenant.team)?.ownNamespace, `${tenant.team} in its own namespace`).toContain("create core/pods");
      const { leaks } = findings.get(tenant.team)!;
      expect(Object.keys(leaks).sort(), `${tenant.team} checked every other namespace`).toEqual(
        tenants.filter((other) => other !== tenant).map((other) => other.namespace).sort(),
      );
      for (const [namespace, extra] of Object.entries(leaks)) expect(extra, `${tenant.team} in ${namespace}`).toEqual([]);
    }
  });

  it("lets each team's service account run batch Jobs in its own namespace (their pods meet the same admission as bare pods), but no CronJobs", () => {
    for (const tenant of tenants) {
      const own = findings.get(tenant.team)!.ownNamespace;
      expect(own, tenant.team).toEqual(expect.arrayContaining(["create batch/jobs", "delete batch/jobs", "get batch/jobs/status"]));
      expect(own.filter((permission) => permission.includes("batch/cronjobs")), tenant.team).toEqual([]);
    }
  });

  it("grants nothing cluster-wide beyond reading a Volcano team's own queue", () => {
    for (const tenant of tenants) {
      const queueRead = tenant.queue ? ["get", "list", "watch"].map((verb) => `${verb} scheduling.volcano.sh/queues[${tenant.queue}]`) : [];
      expect(findings.get(tenant.team)?.clusterWide, tenant.team).toEqual(queueRead.sort());
    }
  });

  it("lets no team change quotas, limit ranges, RBAC, network policies, namespaces or queues anywhere", () => {
    for (const tenant of tenants) expect(findings.get(tenant.team)?.platformWrites, tenant.team).toEqual([]);
  });

  it("lets a Volcano team read its own queue and no other", async () => {
    const queues = tenants.flatMap((tenant) => (tenant.queue ? [tenant.queue] : []));
    expect(queues.length, "no Volcano team to check").toBeGreaterThan(0);
    for (const tenant of tenants) {
      for (const queue of queues) {
        const allowed = await canServiceAccount(cluster, tenant.account, {
          verb: "get",
          group: "scheduling.volcano.sh",
          resource: "queues",
          name: queue,
        });
        expect(allowed, `${tenant.team} reads queue ${queue}`).toBe(queue === tenant.queue);
      }
    }
  });
});

/**
 * The authorizer reads RBAC from an informer cache that trails the writes by
 * a moment. A tenant that never gets its driver permissions is reported by the
 * tests below, so a timeout here is not an error.
 */
async function rbacCacheHasBindings(tenant: Tenant): Promise<void> {
  const createPods = { verb: "create", resource: "pods", namespace: tenant.namespace };
  await waitUntil(`RBAC of ${tenant.team}`, async () => ((await canServiceAccount(cluster, tenant.account, createPods)) ? true : undefined), {
    timeoutMs: 5_000,
  }).catch(() => undefined);
}

async function examine(tenant: Tenant, baseline: string[]): Promise<TenantFindings> {
  const user = serviceAccountUser(tenant.account);
  const driverChecks = await inBatches(SPARK_DRIVER_NEEDS.map((need) => () => canServiceAccount(cluster, tenant.account, { ...need, namespace: tenant.namespace })));
  const missingDriverPermissions = SPARK_DRIVER_NEEDS.filter((_, index) => !driverChecks[index]).map(permissionText);

  const clusterWideAll = await resourcePermissions(cluster, user, UNBOUND_NAMESPACE);
  const ownNamespace = (await resourcePermissions(cluster, user, tenant.namespace)).filter((permission) => !clusterWideAll.includes(permission));
  const leaks: Record<string, string[]> = {};
  for (const other of tenants.filter((candidate) => candidate !== tenant)) {
    const there = await resourcePermissions(cluster, user, other.namespace);
    leaks[other.namespace] = there.filter((permission) => !clusterWideAll.includes(permission));
  }

  const namespaces = [...tenants.map((t) => t.namespace), ...platformTarget().componentNamespaces];
  const writes: ResourceAttributes[] = [
    ...namespaces.flatMap((namespace) =>
      PLATFORM_OWNED_NAMESPACED.flatMap(({ group, resource, extraVerbs = [] }) =>
        [...WRITE_VERBS, ...extraVerbs].map((verb) => ({ verb, group, resource, namespace })),
      ),
    ),
    ...PLATFORM_OWNED_CLUSTER.flatMap(({ group, resource, extraVerbs = [] }) =>
      [...WRITE_VERBS, ...extraVerbs].map((verb) => ({ verb, group, resource })),
    ),
  ];
  const allowed = await inBatches(writes.map((write) => () => canServiceAccount(cluster, tenant.account, write)));

  return {
    missingDriverPermissions,
    ownNamespace,
    leaks,
    clusterWide: clusterWideAll.filter((permission) => !baseline.includes(permission)),
    platformWrites: writes.filter((_, index) => allowed[index]).map(permissionText),
  };
}

function permissionText({ verb, group, resource, namespace, name }: ResourceAttributes): string {
  return `${verb} ${group || "core"}/${resource}${name ? `[${name}]` : ""}${namespace ? ` in ${namespace}` : ""}`;
}

/** Rows: service accounts; columns: team namespaces and cluster scope. */
function renderMatrix(): string {
  const columns = [...tenants.map((tenant) => tenant.namespace), "cluster-wide", "platform-owned writes"];
  const rows = tenants.map((tenant) => {
    const found = findings.get(tenant.team)!;
    const cells = tenants.map((other) => {
      if (other === tenant) return found.missingDriverPermissions.length ? `✗ missing ${found.missingDriverPermissions.length}` : "✓ driver";
      const leak = found.leaks[other.namespace] ?? [];
      return leak.length ? `✗ ${leak.length} grants` : "✓ none";
    });
    const clusterWide = found.clusterWide.length ? summarize(found.clusterWide) : "none";
    const writes = found.platformWrites.length ? `✗ ${found.platformWrites.length} allowed` : `✓ none`;
    return [`${tenant.account.namespace}:${tenant.account.name}`, ...cells, clusterWide, writes];
  });
  const table = [["service account", ...columns], ...rows];
  const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
  const lines = table.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join(" | "));
  return ["Isolation matrix (SubjectAccessReview / SelfSubjectRulesReview on the real API server):", ...lines].join("\n");
}

/** ["get g/queues[x]", "list g/queues[x]"] -> "get,list queues[x]" */
function summarize(permissions: string[]): string {
  const verbsByTarget = new Map<string, string[]>();
  for (const permission of permissions) {
    const [verb, target] = permission.split(" ");
    const shortTarget = target.slice(target.indexOf("/") + 1);
    verbsByTarget.set(shortTarget, [...(verbsByTarget.get(shortTarget) ?? []), verb]);
  }
  return [...verbsByTarget].map(([target, verbs]) => `${verbs.join(",")} ${target}`).join("; ");
}
