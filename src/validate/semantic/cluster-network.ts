import { PLATFORM_FILE } from "../../load/inputs.js";
import { canonicalText, isCanonical, isPrivate, NETWORK_DEFAULTS, overlaps, PRIVATE_RANGES, sizeOf, type Ipv4Cidr } from "../../model/network.js";
import { VALIDATION_DOCS, type SemanticRule } from "./rule.js";

type RangeKey = keyof typeof NETWORK_DEFAULTS;
const RANGES: readonly RangeKey[] = ["subnet", "serviceCIDR", "clusterCIDR"];
const pathOf = (key: RangeKey) => `/cluster/network/${key}`;

/**
 * k3s gives every node a /24 of the pod range (kube-controller-manager's
 * --node-cidr-mask-size, k3s's default); kube-apiserver refuses a service
 * range of more than 2^20 addresses (--service-cluster-ip-range, "the mask
 * must be >= 12"); CoreDNS takes the service range's tenth address.
 */
const NODE_POD_PREFIX = 24;
const SERVICE_MIN_PREFIX = 12;
const SERVICE_MIN_SIZE = 11;
/** Besides the nodes, the subnet holds its network and broadcast addresses, the gateway, the address k3d reserves for its tools, and k3d's load balancer. */
const SUBNET_OVERHEAD = 5;

export const clusterNetworkValid: SemanticRule = {
  id: "platform/cluster-network",
  defaultSeverity: "error",
  description: "The cluster's subnet, service and pod ranges are private, written as networks, large enough, and do not overlap.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    // The laptop's k3d cluster: a registered one's network is its own (environments/<name>.yaml).
    if (!model.k3d) return;
    const { network } = model.k3d;
    const written = model.platform.cluster.network ?? {};
    const nodes = model.k3d.nodes.servers.count + model.k3d.nodes.agents.count;
    const error = (key: RangeKey, message: string, hint: string) => report({ file: PLATFORM_FILE, path: pathOf(key), message, hint });

    for (const key of RANGES) {
      if (written[key] === undefined) continue; // the defaults are valid
      const range: Ipv4Cidr = network[key];
      const field = `cluster.network.${key} ${range.text}`;
      if (!isCanonical(range)) {
        error(key, `${field} is not a network address: its host bits are set`, `Write ${canonicalText(range)}.`);
      }
      if (!isPrivate(range)) {
        error(key, `${field} is not a private range, so its addresses may belong to hosts on the internet`, `Use a range inside ${PRIVATE_RANGES.map((r) => r.text).join(", ")}.`);
      }
      if (key === "subnet" && sizeOf(range) < nodes + SUBNET_OVERHEAD) {
        error(key, `${field} has ${sizeOf(range)} addresses; k3d needs ${nodes + SUBNET_OVERHEAD} (${nodes} nodes, the gateway, its tools and load balancer, the network and broadcast addresses)`, "Use a larger range, e.g. a /24.");
      }
      if (key === "serviceCIDR" && (range.prefix < SERVICE_MIN_PREFIX || sizeOf(range) < SERVICE_MIN_SIZE)) {
        error(key, `${field} is ${range.prefix < SERVICE_MIN_PREFIX ? "larger than kube-apiserver accepts" : "too small for CoreDNS's address (its tenth)"}`, `Use a prefix length from /${SERVICE_MIN_PREFIX} to /28; k3s's default is ${NETWORK_DEFAULTS.serviceCIDR}.`);
      }
      if (key === "clusterCIDR" && (range.prefix > NODE_POD_PREFIX || 2 ** (NODE_POD_PREFIX - range.prefix) < nodes)) {
        error(key, `${field} cannot give each of the ${nodes} nodes its /${NODE_POD_PREFIX} of pod addresses`, `Use a prefix length of /${NODE_POD_PREFIX - Math.ceil(Math.log2(Math.max(nodes, 2)))} or shorter; k3s's default is ${NETWORK_DEFAULTS.clusterCIDR}.`);
      }
    }

    RANGES.forEach((key, i) => {
      for (const other of RANGES.slice(i + 1)) {
        if (!overlaps(network[key], network[other])) continue;
        // Point at a range the file sets: two defaults never overlap.
        const at = written[other] !== undefined ? other : key;
        error(at, `cluster.network.${other} ${network[other].text} overlaps cluster.network.${key} ${network[key].text}`, "Pick ranges that do not overlap: nodes, Services and pods each need their own.");
      }
    });
  },
};

export const portsOnLoopback: SemanticRule = {
  id: "platform/ports-exposed",
  defaultSeverity: "warn",
  description: "The API server and the ingress are published on this machine only, unless platform.yaml chooses otherwise.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    // The laptop's k3d cluster only: a registered cluster publishes nothing on this machine.
    if (!model.k3d) return;
    const ports = model.k3d.hostPorts;
    const address = ports.bindAddress;
    if (address.startsWith("127.")) return;
    report({
      file: PLATFORM_FILE,
      path: "/cluster/ports/bindAddress",
      message: `cluster.ports.bindAddress ${address} publishes the Kubernetes API (port ${ports.api}) and the ingress (ports ${ports.http}, ${ports.https}) beyond this machine`,
      hint: "Keep 127.0.0.1 unless other machines must reach the cluster, and then restrict who can reach those ports with a firewall.",
    });
  },
};
