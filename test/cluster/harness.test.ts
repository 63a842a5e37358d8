// The harness itself: the control plane is the version the platform targets,
// enforces RBAC with real service-account tokens, serves the upstream CRDs and
// the admission-policy API, and leaves nothing behind when stopped.
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targetKubernetesVersion } from "../harness/build.js";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { installUpstreamCrds, upstreamCrdFiles } from "../harness/crds.js";

let cluster: Cluster;
let crdNames: string[];

beforeAll(async () => {
  cluster = await startCluster();
  crdNames = await installUpstreamCrds(cluster);
});

afterAll(async () => {
  await cluster?.stop();
});

describe("a real kube-apiserver", () => {
  it("runs the Kubernetes version of the platform's k3s image", async () => {
    const { stdout } = await cluster.kubectl(["version", "-o", "json"]);
    const serverVersion = JSON.parse(stdout).serverVersion;
    expect(serverVersion.gitVersion).toBe(targetKubernetesVersion());
    expect(`v${serverVersion.major}.${serverVersion.minor}`).toBe(targetKubernetesVersion().replace(/\.\d+$/, ""));
  });

  it("serves every upstream CRD as Established", async () => {
    expect(crdNames).toHaveLength(upstreamCrdFiles().length);
    const { stdout } = await cluster.kubectl(["get", "crd", "-o", "json"]);
    const established = new Set(
      (JSON.parse(stdout).items as Crd[])
        .filter((crd) => crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True"))
        .map((crd) => crd.metadata.name),
    );
    expect(crdNames.filter((name) => !established.has(name))).toEqual([]);
    for (const resource of ["sparkapplications.sparkoperator.k8s.io", "queues.scheduling.volcano.sh", "applications.argoproj.io"]) {
      expect(crdNames).toContain(resource);
    }
  });

  it("accepts custom resources of the installed CRDs", async () => {
    const queue = {
      apiVersion: "scheduling.volcano.sh/v1beta1",
      kind: "Queue",
      metadata: { name: "harness-probe" },
      spec: { weight: 1 },
    };
    const { stdout } = await cluster.kubectl(["apply", "--server-side", "--dry-run=server", "-o", "name", "-f", "-"], {
      input: JSON.stringify(queue),
    });
    expect(stdout.trim()).toBe("queue.scheduling.volcano.sh/harness-probe");
  });

  it("serves the ValidatingAdmissionPolicy API the platform's guardrails use", async () => {
    const { stdout } = await cluster.kubectl(["api-resources", "--api-group=admissionregistration.k8s.io", "-o", "name"]);
    expect(stdout).toContain("validatingadmissionpolicies.admissionregistration.k8s.io");
    expect(stdout).toContain("validatingadmissionpolicybindings.admissionregistration.k8s.io");
  });

  it("authorizes with RBAC: SubjectAccessReview and a real service-account token agree", async () => {
    await cluster.kubectl(["apply", "-f", "-"], { input: probeRbac });
    const reader = "system:serviceaccount:probe-a:reader";
    expect(await canI(reader, "probe-a", "list", "pods")).toBe(true);
    expect(await canI(reader, "probe-a", "delete", "pods")).toBe(false);
    expect(await canI(reader, "probe-b", "list", "pods")).toBe(false);

    // A token from the TokenRequest API proves that tokens are signed and verified.
    const token = (await cluster.kubectl(["create", "token", "reader", "-n", "probe-a"])).stdout.trim();
    const asReader = (namespace: string) =>
      cluster.kubectl(["--token", token, "auth", "can-i", "list", "pods", "-n", namespace], { reject: false });
    expect((await asReader("probe-a")).stdout.trim()).toBe("yes");
    expect((await asReader("probe-b")).stdout.trim()).toBe("no");
  });

  it("stops: processes gone, ports closed, work directory removed", async () => {
    const ports = [new URL(cluster.server).port, new URL(cluster.etcdUrl).port].map(Number);
    const { workDir } = cluster;
    expect(existsSync(workDir)).toBe(true);
    expect(await Promise.all(ports.map(isListening))).toEqual([true, true]);

    await cluster.stop();

    expect(await Promise.all(ports.map(isListening))).toEqual([false, false]);
    expect(existsSync(workDir)).toBe(false);
  });
});

async function canI(user: string, namespace: string, verb: string, resource: string): Promise<boolean> {
  const review = {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec: { user, groups: ["system:serviceaccounts", "system:authenticated"], resourceAttributes: { namespace, verb, resource } },
  };
  const { status, body } = await cluster.api.post<{ status: { allowed: boolean } }>(
    "/apis/authorization.k8s.io/v1/subjectaccessreviews",
    review,
  );
  expect(status).toBe(201);
  return body.status.allowed;
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

interface Crd {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string }[] };
}

const probeRbac = `
apiVersion: v1
kind: Namespace
metadata: { name: probe-a }
---
apiVersion: v1
kind: Namespace
metadata: { name: probe-b }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: reader, namespace: probe-a }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pod-reader, namespace: probe-a }
rules:
  - { apiGroups: [""], resources: [pods], verbs: [get, list, watch] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: reader, namespace: probe-a }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader }
subjects:
  - { kind: ServiceAccount, name: reader, namespace: probe-a }
`;
