// The kube-apiserver flags that the generated k3d config gives every k3s
// server (--kube-apiserver-arg), on the real API server: it starts with them;
// DenyServiceExternalIPs refuses external IPs in every namespace, where the
// tenant guardrails (guardrails.test.ts) cover only the teams'; and
// NodeRestriction, which k3s turns on itself and the config must name again
// because its list replaces k3s's, stays on.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { generatedDir } from "../harness/platform-manifests.js";
import { messageOf } from "../harness/spark-driver.js";

const PREFIX = "--kube-apiserver-arg=";

const k3d = parse(readFileSync(join(generatedDir, "cluster/k3d.yaml"), "utf8")) as { options: { k3s: { extraArgs: Array<{ arg: string; nodeFilters: string[] }> } } };
const apiServerArgs = k3d.options.k3s.extraArgs.filter(({ arg }) => arg.startsWith(PREFIX));
/** The config's kube-apiserver flags, as kube-apiserver takes them. */
const flags = apiServerArgs.map(({ arg }) => `--${arg.slice(PREFIX.length)}`);
let cluster: Cluster;

beforeAll(async () => {
  // Appended after the harness's own flags: a second --enable-admission-plugins adds to the first.
  cluster = await startCluster({ apiServerArgs: flags });
});

afterAll(async () => {
  await cluster?.stop();
});

const service = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: "default" },
  spec: { ports: [{ port: 80, protocol: "TCP" }], ...spec },
});

describe("the k3d config's kube-apiserver flags on a real API server", () => {
  it("turn on DenyServiceExternalIPs and keep k3s's NodeRestriction, on every server", () => {
    expect(flags).toContain("--enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs");
    for (const { arg, nodeFilters } of apiServerArgs) expect(nodeFilters, arg).toEqual(["server:*"]);
  });

  it("refuse a Service with externalIPs outside the tenants' namespaces", async () => {
    const { status, body } = await cluster.api.post("/api/v1/namespaces/default/services", service("external-ips", { externalIPs: ["203.0.113.10"] }));
    expect(status, messageOf(body)).toBe(403);
    expect(messageOf(body)).toBe('services "external-ips" is forbidden: Use of external IPs is denied by admission control');
  });

  it("refuse externalIPs added by an UPDATE, and admit the Service without them", async () => {
    const created = await cluster.api.post<{ metadata: { resourceVersion: string } }>("/api/v1/namespaces/default/services", service("later-external-ips"));
    expect(created.status, messageOf(created.body)).toBe(201);
    const stored = await cluster.api.get<ReturnType<typeof service>>("/api/v1/namespaces/default/services/later-external-ips");
    const updated = await cluster.api.request("PUT", "/api/v1/namespaces/default/services/later-external-ips", { ...stored.body, spec: { ...stored.body.spec, externalIPs: ["203.0.113.10"] } });
    expect(updated.status, messageOf(updated.body)).toBe(403);
    expect(messageOf(updated.body)).toBe('services "later-external-ips" is forbidden: Use of external IPs is denied by admission control');
  });

  it("keep NodeRestriction: a node may create only mirror pods", async () => {
    // The ServiceAccount plugin, which runs first, needs the account kube-controller-manager would create.
    const account = await cluster.api.post("/api/v1/namespaces/default/serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } });
    expect([201, 409], messageOf(account.body)).toContain(account.status);
    // As a kubelet (impersonated; system:masters only so that RBAC lets the request reach admission).
    const asNode = { "Impersonate-User": "system:node:agent-0", "Impersonate-Group": ["system:nodes", "system:masters"] };
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "from-a-node", namespace: "default" }, spec: { nodeName: "agent-0", containers: [{ name: "main", image: "busybox" }] } };
    const { status, body } = await cluster.api.post("/api/v1/namespaces/default/pods?dryRun=All", pod, asNode);
    expect(status, messageOf(body)).toBe(403);
    expect(messageOf(body)).toContain('node "agent-0" can only create mirror pods');
  });
});
