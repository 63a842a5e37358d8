/**
 * The cluster's address plan (cluster.network, cluster.ports.bindAddress in
 * platform.yaml): what the k3d config and the tenants' NetworkPolicy make of
 * it, and the diagnostics for ranges that cannot work.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { canonicalText, clusterNetwork, isPrivate, overlaps, parseCidr, parseIpv4 } from "../src/model/network.js";
import { compile } from "../src/pipeline.js";
import { validateProject } from "../src/validate/index.js";
import { expectDiagnostics, type ExpectedDiagnostic } from "./support/diagnostics.js";
import { copyProject, type TestProject } from "./support/project.js";

let project: TestProject | undefined;
afterEach(() => project?.cleanup());

/** The seed's platform.yaml with these lines added under `cluster:`. */
async function withCluster(lines: string): Promise<TestProject> {
  project = copyProject();
  const platform = project.read("platform.yaml");
  const next = platform.replace(/^(  ports: .*\n)/m, lines);
  if (next === platform) throw new Error("platform.yaml has no `  ports:` line under cluster");
  project.write("platform.yaml", next);
  return project;
}

async function generated(root: string) {
  const { synthesis } = await compile(root);
  if (!synthesis) throw new Error("the project did not compile");
  const k3d = synthesis.files.find((f) => f.path === "generated/cluster/k3d.yaml")!.documents[0] as Record<string, any>;
  const policies = synthesis.builds.flatMap((b) => b.objects).filter((o) => o.kind === "NetworkPolicy" && o.metadata.name.endsWith("allow-apiserver")) as Array<Record<string, any>>;
  return { k3d, policies };
}

async function diagnosticsFor(lines: string): Promise<Diagnostic[]> {
  const { diagnostics } = await validateProject((await withCluster(lines)).root);
  return diagnostics;
}

describe("IPv4 arithmetic", () => {
  it("parses addresses and networks, and refuses what is not one", () => {
    expect(parseIpv4("10.43.0.1")).toBe(0x0a2b0001);
    expect(parseIpv4("255.255.255.255")).toBe(2 ** 32 - 1);
    for (const bad of ["10.43.0", "256.0.0.1", "10.43.0.1.2", "a.b.c.d", ""]) expect(parseIpv4(bad), bad).toBeUndefined();
    expect(parseCidr("172.28.0.0/16")).toEqual({ text: "172.28.0.0/16", address: 0xac1c0000, prefix: 16 });
    for (const bad of ["172.28.0.0", "172.28.0.0/33", "172.28.0.0/16/1", "172.28.0.0/"]) expect(parseCidr(bad), bad).toBeUndefined();
  });

  it("finds network addresses, overlaps and private ranges", () => {
    expect(canonicalText(parseCidr("10.43.7.9/16")!)).toBe("10.43.0.0/16");
    expect(overlaps(parseCidr("10.42.0.0/16")!, parseCidr("10.43.0.0/16")!)).toBe(false);
    expect(overlaps(parseCidr("10.0.0.0/8")!, parseCidr("10.43.0.0/16")!)).toBe(true);
    expect(overlaps(parseCidr("10.43.255.0/24")!, parseCidr("10.43.0.0/16")!)).toBe(true);
    expect(isPrivate(parseCidr("172.28.0.0/16")!)).toBe(true);
    expect(isPrivate(parseCidr("172.32.0.0/16")!)).toBe(false);
    expect(isPrivate(parseCidr("172.0.0.0/8")!)).toBe(false);
    expect(isPrivate(parseCidr("100.64.0.0/10")!)).toBe(true);
  });

  it("derives the host's gateway and the API server's ClusterIP from the ranges", () => {
    expect(clusterNetwork(undefined)).toMatchObject({ gateway: "172.28.0.1", apiServerServiceIP: "10.43.0.1" });
    expect(clusterNetwork({ subnet: "192.168.77.0/24", serviceCIDR: "10.96.0.0/12" })).toMatchObject({ gateway: "192.168.77.1", apiServerServiceIP: "10.96.0.1" });
  });
});

describe("the generated k3d config and NetworkPolicy", () => {
  it("by default: ports on 127.0.0.1, pinned ranges, the API server's addresses only", async () => {
    project = copyProject();
    const { k3d, policies } = await generated(project.root);
    expect(k3d.kubeAPI).toEqual({ hostIP: "127.0.0.1", hostPort: "6443" });
    expect(k3d.ports.map((p: { port: string }) => p.port)).toEqual(["127.0.0.1:8080:80", "127.0.0.1:8443:443"]);
    expect(k3d.subnet).toBe("172.28.0.0/16");
    const args = k3d.options.k3s.extraArgs.map((a: { arg: string; nodeFilters: string[] }) => `${a.arg} @${a.nodeFilters.join(",")}`);
    expect(args).toEqual([
      "--service-cidr=10.43.0.0/16 @server:*",
      "--cluster-cidr=10.42.0.0/16 @server:*",
      "--kube-apiserver-arg=enable-admission-plugins=NodeRestriction,DenyServiceExternalIPs @server:*",
      "--kube-apiserver-arg=feature-gates=ValidatingAdmissionPolicy=true @server:*",
      "--kube-apiserver-arg=runtime-config=admissionregistration.k8s.io/v1beta1=true @server:*",
    ]);
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) {
      expect(policy.spec).toEqual({
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          { to: [{ ipBlock: { cidr: "172.28.0.0/16", except: ["172.28.0.1/32"] } }], ports: [{ protocol: "TCP", port: 6443 }] },
          { to: [{ ipBlock: { cidr: "10.43.0.1/32" } }], ports: [{ protocol: "TCP", port: 443 }] },
        ],
      });
    }
  });

  it("follows platform.yaml's ranges and bind address", async () => {
    await withCluster('  ports: { http: 8080, https: 8443, api: 6443, bindAddress: "0.0.0.0" }\n  network: { subnet: 192.168.77.0/24, serviceCIDR: 10.96.0.0/16, clusterCIDR: 10.244.0.0/16 }\n');
    const { k3d, policies } = await generated(project!.root);
    expect(k3d.kubeAPI.hostIP).toBe("0.0.0.0");
    expect(k3d.ports.map((p: { port: string }) => p.port)).toEqual(["0.0.0.0:8080:80", "0.0.0.0:8443:443"]);
    expect(k3d.subnet).toBe("192.168.77.0/24");
    expect(k3d.options.k3s.extraArgs.slice(0, 2).map((a: { arg: string }) => a.arg)).toEqual(["--service-cidr=10.96.0.0/16", "--cluster-cidr=10.244.0.0/16"]);
    expect(policies[0].spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: "192.168.77.0/24", except: ["192.168.77.1/32"] } }], ports: [{ protocol: "TCP", port: 6443 }] },
      { to: [{ ipBlock: { cidr: "10.96.0.1/32" } }], ports: [{ protocol: "TCP", port: 443 }] },
    ]);
  });
});

describe("diagnostics for the address plan", () => {
  const network = (fields: string) => `  ports: { http: 8080, https: 8443, api: 6443 }\n  network: { ${fields} }\n`;
  const at = (line: number, column: number, code: string, message: string | RegExp, hint?: string | RegExp): ExpectedDiagnostic => ({ file: "platform.yaml", line, column, code, message, ...(hint !== undefined && { hint }) });
  const cases: Array<[string, string, ExpectedDiagnostic[]]> = [
    ["host bits set", network("subnet: 172.28.5.0/16"), [at(11, 22, "platform/cluster-network", "cluster.network.subnet 172.28.5.0/16 is not a network address: its host bits are set", "Write 172.28.0.0/16.")]],
    ["a public subnet", network("subnet: 8.8.0.0/16"), [at(11, 22, "platform/cluster-network", "cluster.network.subnet 8.8.0.0/16 is not a private range, so its addresses may belong to hosts on the internet", "Use a range inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10.")]],
    ["a subnet too small for the nodes", network("subnet: 192.168.77.0/30"), [at(11, 22, "platform/cluster-network", "cluster.network.subnet 192.168.77.0/30 has 4 addresses; k3d needs 8 (3 nodes, the gateway, its tools and load balancer, the network and broadcast addresses)", "Use a larger range, e.g. a /24.")]],
    ["a service range kube-apiserver refuses (and that holds the default pod range)", network("serviceCIDR: 10.0.0.0/8"), [
      at(11, 27, "platform/cluster-network", "cluster.network.serviceCIDR 10.0.0.0/8 is larger than kube-apiserver accepts", "Use a prefix length from /12 to /28; k3s's default is 10.43.0.0/16."),
      at(11, 27, "platform/cluster-network", "cluster.network.clusterCIDR 10.42.0.0/16 overlaps cluster.network.serviceCIDR 10.0.0.0/8"),
    ]],
    ["a service range without room for CoreDNS", network("serviceCIDR: 10.43.0.0/29"), [at(11, 27, "platform/cluster-network", "cluster.network.serviceCIDR 10.43.0.0/29 is too small for CoreDNS's address (its tenth)")]],
    ["a pod range smaller than a node's share", network("clusterCIDR: 10.42.0.0/25"), [at(11, 27, "platform/cluster-network", "cluster.network.clusterCIDR 10.42.0.0/25 cannot give each of the 3 nodes its /24 of pod addresses", "Use a prefix length of /22 or shorter; k3s's default is 10.42.0.0/16.")]],
    ["overlapping ranges", network("clusterCIDR: 10.43.0.0/16"), [at(11, 27, "platform/cluster-network", "cluster.network.clusterCIDR 10.43.0.0/16 overlaps cluster.network.serviceCIDR 10.43.0.0/16", "Pick ranges that do not overlap: nodes, Services and pods each need their own.")]],
    ["an overlap with a default points at the written range", network("subnet: 10.42.0.0/16"), [at(11, 22, "platform/cluster-network", "cluster.network.clusterCIDR 10.42.0.0/16 overlaps cluster.network.subnet 10.42.0.0/16")]],
    ["not a CIDR", network("subnet: 172.28.0.0"), [at(11, 22, "schema/bad-format", '`cluster.network.subnet` is "172.28.0.0", which is not a valid IPv4 CIDR')]],
    ["not an address", '  ports: { http: 8080, https: 8443, api: 6443, bindAddress: localhost }\n', [at(10, 61, "schema/bad-format", '`cluster.ports.bindAddress` is "localhost", which is not a valid IPv4 address')]],
    ["an unknown key", network("podCIDR: 10.42.0.0/16"), [at(11, 14, "schema/unknown-key", "unknown key `podCIDR` in `cluster.network`", "Allowed keys: subnet, serviceCIDR, clusterCIDR.")]],
  ];
  it.each(cases)("%s", async (_, lines, expected) => {
    expectDiagnostics(await diagnosticsFor(lines), expected);
  });

  it("warns when the ports are published beyond this machine, and names them", async () => {
    const diagnostics = await diagnosticsFor('  ports: { http: 8080, https: 8443, api: 6443, bindAddress: "0.0.0.0" }\n');
    expectDiagnostics(diagnostics, [{
      severity: "warning", code: "platform/ports-exposed", file: "platform.yaml", line: 10, column: 61,
      message: "cluster.ports.bindAddress 0.0.0.0 publishes the Kubernetes API (port 6443) and the ingress (ports 8080, 8443) beyond this machine",
    }]);
  });

  it("accepts the defaults written out", async () => {
    expectDiagnostics(await diagnosticsFor(network("subnet: 172.28.0.0/16, serviceCIDR: 10.43.0.0/16, clusterCIDR: 10.42.0.0/16")), []);
  });
});
