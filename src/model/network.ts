/**
 * The cluster's address plan: the Docker network k3d puts the nodes on, and
 * k3s's Service and pod ranges. Pinned (not left to k3d and k3s to choose) so
 * that the tenants' NetworkPolicy can name the API server's addresses.
 */
import type { Platform } from "../types/platform.js";

/** An IPv4 network, e.g. 172.28.0.0/16. */
export interface Ipv4Cidr {
  /** As written in platform.yaml. */
  text: string;
  /** The address part, as a 32-bit unsigned number. */
  address: number;
  prefix: number;
}

export interface NetworkPlan {
  /** The nodes' Docker network (k3d `subnet`). */
  subnet: Ipv4Cidr;
  /** k3s --service-cidr. */
  serviceCIDR: Ipv4Cidr;
  /** k3s --cluster-cidr: pod addresses. */
  clusterCIDR: Ipv4Cidr;
  /**
   * The Docker network's gateway, which is the host itself: k3d creates the
   * network with the subnet's second address as its gateway
   * (k3d-io/k3d v5.9.0 pkg/runtimes/docker/network.go, CreateNetworkIfNotPresent).
   */
  gateway: string;
  /** The `kubernetes` Service's ClusterIP: the API server always takes the service range's first address. */
  apiServerServiceIP: string;
}

export const NETWORK_DEFAULTS = {
  subnet: "172.28.0.0/16",
  serviceCIDR: "10.43.0.0/16",
  clusterCIDR: "10.42.0.0/16",
} as const;

/** Where k3s's kube-apiserver listens on every server node (the `kubernetes` Service's target port). */
export const API_SERVER_PORT = 6443;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** 10.43.0.1 → 0x0a2b0001; undefined unless four octets of 0–255. */
export function parseIpv4(text: string): number | undefined {
  const match = IPV4.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((n, o) => n * 256 + o, 0);
}

export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

export function parseCidr(text: string): Ipv4Cidr | undefined {
  const [ip, prefixText, ...rest] = text.split("/");
  const address = parseIpv4(ip);
  if (address === undefined || rest.length > 0 || !/^\d{1,2}$/.test(prefixText ?? "")) return undefined;
  const prefix = Number(prefixText);
  return prefix <= 32 ? { text, address, prefix } : undefined;
}

export const sizeOf = (cidr: Ipv4Cidr): number => 2 ** (32 - cidr.prefix);
/** The network address: the address with its host bits cleared. */
export const networkOf = (cidr: Ipv4Cidr): number => cidr.address - (cidr.address % sizeOf(cidr));
export const isCanonical = (cidr: Ipv4Cidr): boolean => networkOf(cidr) === cidr.address;
export const canonicalText = (cidr: Ipv4Cidr): string => `${formatIpv4(networkOf(cidr))}/${cidr.prefix}`;

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const [startA, startB] = [networkOf(a), networkOf(b)];
  return startA < startB + sizeOf(b) && startB < startA + sizeOf(a);
}

export const contains = (outer: Ipv4Cidr, inner: Ipv4Cidr): boolean =>
  outer.prefix <= inner.prefix && networkOf(outer) === networkOf({ ...inner, prefix: outer.prefix });

/** RFC 1918 private networks and RFC 6598 shared address space: never routed on the internet. */
export const PRIVATE_RANGES: readonly Ipv4Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map((text) => parseCidr(text)!);

export const isPrivate = (cidr: Ipv4Cidr): boolean => PRIVATE_RANGES.some((range) => contains(range, cidr));

/**
 * The address plan with defaults filled in. The schema has already checked
 * the syntax, so a range that does not parse here is a bug.
 */
export function clusterNetwork(network: Platform["cluster"]["network"]): NetworkPlan {
  const cidr = (key: keyof typeof NETWORK_DEFAULTS): Ipv4Cidr => {
    const text = network?.[key] ?? NETWORK_DEFAULTS[key];
    const parsed = parseCidr(text);
    if (!parsed) throw new Error(`cluster.network.${key} ${JSON.stringify(text)} is not an IPv4 CIDR (the schema should have refused it)`);
    return parsed;
  };
  const [subnet, serviceCIDR, clusterCIDR] = [cidr("subnet"), cidr("serviceCIDR"), cidr("clusterCIDR")];
  return {
    subnet,
    serviceCIDR,
    clusterCIDR,
    gateway: formatIpv4(networkOf(subnet) + 1),
    apiServerServiceIP: formatIpv4(networkOf(serviceCIDR) + 1),
  };
}
