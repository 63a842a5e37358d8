// The environments proof on the compiler's output: a copy of this working tree
// with environments/staging.yaml (cluster.server = the second API server, as
// Argo CD reaches it; quotaScale 2; the two webhook ports moved, see
// STAGING_WEBHOOK_PORTS) and team theta limited to `environments: [local]`,
// compiled by the real CLI and served by the git daemon; the root Application
// applied as bootstrap applies it, after `argocd cluster add … --name staging`
// (../harness/argocd-clusters.ts). Shows: every Application of both
// environments Synced and Healthy, local's in the local cluster and staging's
// (prefixed staging-) in staging's; staging's quotas scaled; theta in the local
// cluster only; staging's team AppProject refusing the local cluster.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Application } from "../harness/argocd.js";
import type { Cluster } from "../harness/cluster.js";
import { waitUntil } from "../harness/process.js";
import { LOCAL_ONLY_TEAM, localApplications, QUOTA_SCALE, STAGING, stagingApplications, startEnvironmentsWorld, type EnvironmentsWorld } from "./environments-world.js";

const IN_CLUSTER = "https://kubernetes.default.svc";
const TIMEOUT_MS = 8 * 60_000;

let world: EnvironmentsWorld;
const startedAt = Date.now();
const log = (line: string): boolean => process.stdout.write(`[gitops environments] ${line}\n`);
const since = (start: number): string => `${((Date.now() - start) / 1000).toFixed(1)} s`;

const isSyncedAndHealthy = (app: Application): boolean =>
  app.status?.sync?.status === "Synced" && app.status.health?.status === "Healthy" && app.status.operationState?.phase === "Succeeded";

async function waitForApplications(names: readonly string[], what: string, ready: (app: Application) => boolean): Promise<Application[]> {
  let last: Application[] = [];
  try {
    return await waitUntil(
      `Applications ${names.join(", ")} ${what}`,
      async () => {
        const all = await world.argocd.applications();
        last = names.map((name) => all.find((app) => app.metadata.name === name)).filter((app): app is Application => Boolean(app));
        return last.length === names.length && last.every(ready) ? last : undefined;
      },
      { timeoutMs: TIMEOUT_MS, intervalMs: 1_000, daemon: world.argocd.controller },
    );
  } catch (error) {
    const state = (await world.argocd.applications()).map((app) => `${app.metadata.name}: sync=${app.status?.sync?.status} health=${app.status?.health?.status} ${(app.status?.conditions ?? []).map((c) => c.message).join(" | ")} ${app.status?.operationState?.message ?? ""}`);
    throw new Error(`${(error as Error).message}\n${state.join("\n")}`);
  }
}

async function get<T>(cluster: Cluster, path: string): Promise<T | undefined> {
  const { status, body } = await cluster.api.get<T>(path);
  if (status === 404) return undefined;
  if (status !== 200) throw new Error(`GET ${path} from ${cluster.server}: HTTP ${status}`);
  return body;
}

beforeAll(async () => {
  world = await startEnvironmentsWorld();
  log(`world up: local ${world.local.server}, ${STAGING} ${world.staging.server} (${since(startedAt)})`);
});

afterAll(async () => {
  await world?.stop();
  log(`file's runtime: ${since(startedAt)}`);
});

describe("one Argo CD deploys every environment into its cluster", () => {
  it("the compiler's Applications: local's in-cluster, staging's prefixed and at staging's server", () => {
    const local = localApplications(world.tree.dir);
    const staging = stagingApplications(world.tree.dir);
    expect(local.filter((app) => app.spec.destination.server !== IN_CLUSTER).map((app) => app.metadata.name)).toEqual([]);
    expect(staging.length).toBeGreaterThan(0);
    for (const app of staging) {
      expect(app.metadata.name.startsWith(`${STAGING}-`), app.metadata.name).toBe(true);
      expect(app.spec.destination.server, app.metadata.name).toBe(world.staging.server);
    }
    expect(local.map((app) => app.metadata.name)).toContain(`environment-${STAGING}`);
    expect(local.map((app) => app.metadata.name)).toContain(`tenant-${LOCAL_ONLY_TEAM}`);
    expect(staging.map((app) => app.metadata.name)).not.toContain(`${STAGING}-tenant-${LOCAL_ONLY_TEAM}`);
  });

  it("bootstrap, then argocd cluster add: every Application of both environments Synced and Healthy", async () => {
    await world.registerStaging();
    const start = Date.now();
    await world.applyRootApplication();
    const names = ["root", ...localApplications(world.tree.dir).map((app) => app.metadata.name), ...stagingApplications(world.tree.dir).map((app) => app.metadata.name)];
    const apps = await waitForApplications(names, "to be Synced and Healthy", isSyncedAndHealthy);
    log(`root applied → ${names.length} Applications Synced and Healthy in ${since(start)}`);
    const served = await world.git.lsRemote("platform.git", "environments-suite");
    // A git-sourced Application synced the served commit; a Helm-sourced one its chart's version.
    for (const app of apps) expect(app.status?.sync?.revision, app.metadata.name).toBe(app.spec.source?.chart ? app.spec.source.targetRevision : served);
  });

  it("each environment's objects are in its own cluster: staging's quotas scaled, and the local-only team in the local cluster only", async () => {
    type Quota = { spec: { hard: Record<string, string> } };
    const localQuota = await get<Quota>(world.local, "/api/v1/namespaces/team-alpha/resourcequotas/quota");
    const stagingQuota = await get<Quota>(world.staging, "/api/v1/namespaces/team-alpha/resourcequotas/quota");
    expect(Number(stagingQuota?.spec.hard.pods)).toBe(QUOTA_SCALE * Number(localQuota?.spec.hard.pods));

    expect(await get(world.local, `/api/v1/namespaces/team-${LOCAL_ONLY_TEAM}`)).toBeDefined();
    expect(await get(world.staging, `/api/v1/namespaces/team-${LOCAL_ONLY_TEAM}`)).toBeUndefined();
    expect(await world.argocd.application(`${STAGING}-tenant-${LOCAL_ONLY_TEAM}`)).toBeUndefined();
    // Both clusters run the charts: Volcano's scheduler in each.
    for (const cluster of [world.local, world.staging]) {
      expect(await get(cluster, "/apis/apps/v1/namespaces/volcano-system/deployments/volcano-scheduler"), cluster.server).toBeDefined();
    }
  });
});

describe("AppProjects confine each team per cluster", () => {
  it("an Application of staging's AppProject for alpha aimed at the local cluster is refused by Argo CD", async () => {
    const name = "confinement-probe";
    const project = `${STAGING}-team-alpha`;
    const probe = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: { name, namespace: "argocd" },
      spec: {
        project,
        // What staging's tenant-alpha Application syncs, aimed at the other cluster.
        source: stagingApplications(world.tree.dir).find((app) => app.metadata.name === `${STAGING}-tenant-alpha`)!.spec.source,
        destination: { server: IN_CLUSTER, namespace: "team-alpha" },
        syncPolicy: { automated: { prune: true } },
      },
    };
    await world.local.kubectl(["apply", "--server-side", "--field-manager=environments-suite", "-f", "-"], { input: JSON.stringify(probe) });
    try {
      const [app] = await waitForApplications([name], "to be refused", (candidate) => (candidate.status?.conditions ?? []).some((condition) => condition.type === "InvalidSpecError"));
      // util/argo/argo.go (v2.14.21) lines 652-655.
      expect((app.status?.conditions ?? []).map((condition) => condition.message).join(" | ")).toContain(
        `application destination server '${IN_CLUSTER}' and namespace 'team-alpha' do not match any of the allowed destinations in project '${project}'`,
      );
      expect(app.status?.operationState).toBeUndefined();
    } finally {
      await world.local.kubectl(["-n", "argocd", "delete", "application", name, "--wait=false"]);
    }
  });
});

/** resourceVersion of every object every Application manages, read from the cluster it is in: what changes when anything is written. */
async function resourceVersions(): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  const clusters = new Map([[IN_CLUSTER, world.local], [world.staging.server, world.staging]]);
  for (const app of await world.argocd.applications()) {
    const cluster = clusters.get(app.spec.destination.server ?? "");
    if (!cluster) continue;
    for (const resource of app.status?.resources ?? []) {
      const base = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
      const plural = await pluralOf(cluster, resource.group ?? "", resource.version, resource.kind);
      const path = `${base}/${resource.namespace ? `namespaces/${resource.namespace}/` : ""}${plural}/${resource.name}`;
      const object = await get<{ metadata: { resourceVersion: string } }>(cluster, path);
      versions.set(`${cluster === world.local ? "local" : STAGING}: ${resource.kind}/${resource.namespace ?? ""}/${resource.name}`, object?.metadata.resourceVersion ?? "absent");
    }
  }
  return versions;
}

const plurals = new Map<string, string>();
async function pluralOf(cluster: Cluster, group: string, version: string, kind: string): Promise<string> {
  const key = `${cluster.server} ${group}/${version}/${kind}`;
  if (!plurals.has(key)) {
    const list = await get<{ resources: { name: string; kind: string }[] }>(cluster, group ? `/apis/${group}/${version}` : `/api/${version}`);
    for (const resource of list?.resources ?? []) if (!resource.name.includes("/")) plurals.set(`${cluster.server} ${group}/${version}/${resource.kind}`, resource.name);
  }
  const plural = plurals.get(key);
  if (!plural) throw new Error(`${cluster.server} serves no ${kind} in ${group || "core"}/${version}`);
  return plural;
}

function changedBetween(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((key) => before.get(key) !== after.get(key)).sort();
}
