// A webhook Service that leads the API server to a process on this machine's
// loopback.
//
// The obvious shape, a Service with Endpoints at 127.0.0.1, is refused by the
// API server: Endpoints (and EndpointSlices) "may not be in the loopback range
// (127.0.0.0/8, ::1/128)" (ValidateNonSpecialIP). And by default the API server
// resolves a webhook's Service to its ClusterIP, not its endpoints (only
// --enable-aggregator-routing switches to endpoints), and no ClusterIP is
// reachable without kube-proxy.
//
// What works, and keeps every webhook configuration exactly in the chart's
// shape (clientConfig.service name, namespace and path, TLS verified against
// caBundle with the server name <service>.<namespace>.svc): an ExternalName
// Service pointing at `localhost`. The API server's ClusterIP resolver sends
// an ExternalName Service to <externalName>:<the webhook's port>, so the
// webhook's clientConfig.service.port must be the local process's port (the
// chart's only number that changes). clientConfig.url https://127.0.0.1:<port>
// would work too, but it changes the configuration's shape, and the Spark
// Operator's own certificate (which it makes itself, for
// <service>.<namespace>.svc and localhost) would not match an IP.
import type { Cluster } from "./cluster.js";

export interface LoopbackService {
  name: string;
  namespace: string;
  /** The port the local process listens on, on 127.0.0.1. */
  port: number;
}

export function loopbackServiceObject(service: LoopbackService): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: service.name, namespace: service.namespace, labels: { "spark-platform.io/harness": "loopback-webhook" } },
    spec: { type: "ExternalName", externalName: "localhost", ports: [{ name: "https", port: service.port, protocol: "TCP" }] },
  };
}

export async function loopbackWebhookService(cluster: Cluster, service: LoopbackService): Promise<void> {
  await cluster.kubectl(["apply", "--server-side", "-f", "-"], { input: JSON.stringify(loopbackServiceObject(service)) });
}

/** The Endpoints the obvious approach would need; the API server refuses them (the flow suite shows it). */
export function loopbackEndpointsObject(service: LoopbackService): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: service.name, namespace: service.namespace },
    subsets: [{ addresses: [{ ip: "127.0.0.1" }], ports: [{ name: "https", port: service.port, protocol: "TCP" }] }],
  };
}
