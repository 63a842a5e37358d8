/**
 * The tenant base and the schedulers' Kustomize Components: what every team
 * namespace has in common, and what a team scheduled by Volcano adds. Names here are before the overlay's `namePrefix: <team>-`, and
 * namespaced objects get their namespace from the overlay, so one base serves
 * every team. Subjects name the namespace `default`, which Kustomize's
 * namespace transformer rewrites to the team's namespace.
 */
import type { ComponentDescriptor, NetworkPath } from "../../components/component.js";
import { installedComponents } from "../../components/installed.js";
import { SERVICE_ACCOUNT_SUFFIX, type PlatformModel } from "../../model/platform-model.js";
import type { KubeObject } from "../object.js";

export const BASE_NAMES = {
  quota: "quota",
  limits: "limits",
  serviceAccount: SERVICE_ACCOUNT_SUFFIX,
  driverRole: "spark-driver",
} as const;

/** A base file and the objects in it. */
export interface BaseFile {
  name: string;
  objects: KubeObject[];
}

const CRUD = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
const READ = ["get", "list", "watch"];

export function tenantBase(model: PlatformModel): BaseFile[] {
  const components = installedComponents(model.platform);
  return [
    {
      name: "resource-quota.yaml",
      objects: [{
        apiVersion: "v1", kind: "ResourceQuota",
        metadata: { name: BASE_NAMES.quota },
        // Zero until the overlay sizes it: a base applied on its own admits nothing.
        spec: { hard: { "requests.cpu": "0", "requests.memory": "0", "limits.cpu": "0", "limits.memory": "0", pods: "0" } },
      }],
    },
    {
      name: "limit-range.yaml",
      objects: [{
        apiVersion: "v1", kind: "LimitRange",
        metadata: { name: BASE_NAMES.limits },
        spec: { limits: [{ type: "Container" }] },
      }],
    },
    {
      name: "service-account.yaml",
      objects: [{
        apiVersion: "v1", kind: "ServiceAccount",
        metadata: { name: BASE_NAMES.serviceAccount },
        // Spark drivers call the API server to create their executors.
        automountServiceAccountToken: true,
      }],
    },
    {
      name: "rbac.yaml",
      objects: [
        {
          apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role",
          metadata: { name: BASE_NAMES.driverRole },
          rules: [
            { apiGroups: [""], resources: ["pods", "services", "configmaps", "persistentvolumeclaims"], verbs: CRUD },
            { apiGroups: [""], resources: ["pods/log", "events"], verbs: READ },
            // Plain batch Jobs (a load test, a data copy, a debug run). The job
            // controller creates their pods in this namespace, where the quota,
            // LimitRange, Pod Security and the pod guardrails hold them exactly
            // as they hold a bare pod, which the team may already create: no
            // new power. CronJobs are left out: nothing the platform documents
            // needs them, and recurring Spark work has ScheduledSparkApplications,
            // which keep the Spark guardrails (queue, service account).
            { apiGroups: ["batch"], resources: ["jobs"], verbs: CRUD },
            { apiGroups: ["batch"], resources: ["jobs/status"], verbs: READ },
            // What each component lets the teams use of it (its descriptor's `tenants.rbac`).
            ...components.flatMap((c) => structuredClone(c.descriptor.tenants.rbac ?? [])),
          ],
        },
        {
          apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding",
          metadata: { name: BASE_NAMES.driverRole },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: BASE_NAMES.driverRole },
          subjects: [{ kind: "ServiceAccount", name: BASE_NAMES.serviceAccount, namespace: "default" }],
        },
      ],
    },
    {
      name: "network-policies.yaml",
      objects: [
        networkPolicy("default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
        // Driver and executors talk to each other (RPC, block manager, shuffle).
        networkPolicy("allow-same-namespace", {
          podSelector: {}, policyTypes: ["Ingress", "Egress"],
          ingress: [{ from: [{ podSelector: {} }] }],
          egress: [{ to: [{ podSelector: {} }] }],
        }),
        networkPolicy("allow-dns", {
          podSelector: {}, policyTypes: ["Egress"],
          egress: [{
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
          }],
        }),
        allowApiServer(model),
        // The paths each component opens to or from the teams' pods (its descriptor's `tenants.network`).
        ...components.flatMap((c) => (c.descriptor.tenants.network ?? []).map((path) => componentPath(path, c.settings.namespace))),
      ],
    },
  ];
}

function networkPolicy(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name }, spec };
}

/** A component's path through the default deny: its namespace (and pods) on the other end, on its ports only. */
function componentPath(path: NetworkPath, namespace: string): KubeObject {
  const peer = {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
    ...(path.componentPods ? { podSelector: { matchLabels: path.componentPods } } : {}),
  };
  const podSelector = path.teamPods ? { matchLabels: path.teamPods } : {};
  return path.direction === "ingress"
    ? networkPolicy(path.name, { podSelector, policyTypes: ["Ingress"], ingress: [{ from: [peer], ports: structuredClone(path.ports) }] })
    : networkPolicy(path.name, { podSelector, policyTypes: ["Egress"], egress: [{ to: [peer], ports: structuredClone(path.ports) }] });
}

/**
 * The driver creates and watches its executors through the API server, and
 * nothing else may be reached on its ports (not the internet, not the host).
 *
 * k3s enforces NetworkPolicy with kube-router's controller, which sends a
 * pod's outgoing packets through the pod's rules from the filter table's
 * INPUT, FORWARD and OUTPUT chains (cloudnativelabs/kube-router
 * pkg/controllers/netpol/pod.go, interceptPodOutboundTraffic): after
 * kube-proxy's DNAT, so a connection to `kubernetes.default.svc`
 * (the service range's first address, port 443) is judged by where it really
 * goes, a k3s server's address in the k3d subnet, port 6443. The server
 * nodes' exact addresses are k3d's to hand out; the subnet holds only the
 * cluster's own containers, of which only the servers and k3d's load balancer
 * in front of them listen on 6443. Its gateway is the host, and is left out.
 * The ClusterIP on 443 is for a data path that filters before translating.
 */
function allowApiServer(model: PlatformModel): KubeObject {
  const { endpoints, serviceIP } = model.apiServer;
  return networkPolicy("allow-apiserver", {
    podSelector: {}, policyTypes: ["Egress"],
    egress: [
      ...endpoints.map(({ cidr, except, port }) => ({ to: [{ ipBlock: { cidr, ...(except ? { except } : {}) } }], ports: [{ protocol: "TCP", port }] })),
      { to: [{ ipBlock: { cidr: `${serviceIP}/32` } }], ports: [{ protocol: "TCP", port: 443 }] },
    ],
  });
}

/**
 * A Kustomize Component (kind Component, not a platform component): what a
 * team scheduled by a scheduling component adds to its namespace, e.g. read
 * access to its PodGroups for a Volcano team (its Queue, and who may read it,
 * are the platform's: ../platform/queues.ts).
 */
export interface KustomizeComponent {
  resources: BaseFile[];
  /** RFC 6902 patches: Kustomize applies them to the base's objects. */
  patches: Array<{ target: { kind: string; name: string }; ops: Array<{ op: "add"; path: string; value: unknown }> }>;
}

export function schedulerComponent(descriptor: ComponentDescriptor): KustomizeComponent {
  const rules = descriptor.tenants.scheduledTeamRbac ?? [];
  return {
    resources: [],
    patches: rules.length ? [{ target: { kind: "Role", name: BASE_NAMES.driverRole }, ops: rules.map((rule) => ({ op: "add" as const, path: "/rules/-", value: structuredClone(rule) })) }] : [],
  };
}
