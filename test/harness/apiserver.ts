// kube-apiserver on loopback with the settings the platform's k3s uses where
// they matter to the tests: RBAC, service-account tokens, the admission
// plugins that enforce tenancy, and ValidatingAdmissionPolicy.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ApiClient } from "./api.js";
import { freePort } from "../support/ports.js";
import { Daemon, waitUntil } from "./process.js";

/**
 * Admission plugins the tests rely on. The API server's default set stays on
 * as well (as in k3s); naming these makes the dependency explicit.
 */
export const ADMISSION_PLUGINS = [
  "NamespaceLifecycle",
  "LimitRanger",
  "ServiceAccount",
  "ResourceQuota",
  "ValidatingAdmissionPolicy",
];

/**
 * ValidatingAdmissionPolicy is beta before Kubernetes 1.30: it needs its
 * feature gate and the v1beta1 API. The generated k3d config passes the same
 * flags to k3s (--kube-apiserver-arg), so the tests see what the cluster sees.
 */
export function admissionPolicyFlags(version: string): string[] {
  const minor = Number(version.split(".")[1]);
  if (minor >= 30) return [];
  return ["--feature-gates=ValidatingAdmissionPolicy=true", "--runtime-config=admissionregistration.k8s.io/v1beta1=true"];
}

/** k3s's default service CIDR. */
const SERVICE_CLUSTER_IP_RANGE = "10.43.0.0/16";

export interface ApiServer {
  daemon: Daemon;
  server: string;
  /** Bearer token of a static user in system:masters. */
  token: string;
  /** CA bundle for the self-signed serving certificate (the API server writes it at start). */
  caFile: string;
  /** Private key that signs service-account tokens (kube-controller-manager needs it). */
  serviceAccountKeyFile: string;
}

export interface ApiServerOptions {
  binary: string;
  version: string;
  workDir: string;
  etcdUrl: string;
  /** Appended last, so later suites can add or override flags. */
  extraArgs?: readonly string[];
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { workDir } = options;
  const certDir = join(workDir, "pki");
  mkdirSync(certDir, { recursive: true, mode: 0o700 });

  const serviceAccountKeyFile = join(certDir, "sa.key");
  const serviceAccountPubFile = join(certDir, "sa.pub");
  const keys = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  writeFileSync(serviceAccountKeyFile, keys.privateKey, { mode: 0o600 });
  writeFileSync(serviceAccountPubFile, keys.publicKey);

  const token = randomBytes(24).toString("hex");
  const tokenFile = join(certDir, "tokens.csv");
  writeFileSync(tokenFile, `${token},harness-admin,harness-admin,"system:masters"\n`, { mode: 0o600 });

  const port = await freePort();
  const args = [
    `--etcd-servers=${options.etcdUrl}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${port}`,
    // Without certificate flags it makes a self-signed CA and serving certificate here.
    `--cert-dir=${certDir}`,
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${serviceAccountPubFile}`,
    `--service-account-signing-key-file=${serviceAccountKeyFile}`,
    `--token-auth-file=${tokenFile}`,
    "--authorization-mode=RBAC",
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    `--enable-admission-plugins=${ADMISSION_PLUGINS.join(",")}`,
    ...admissionPolicyFlags(options.version),
    "--allow-privileged=true",
    "--profiling=false",
    ...(options.extraArgs ?? []),
  ];
  const daemon = Daemon.start("kube-apiserver", options.binary, args, join(workDir, "kube-apiserver.log"));
  return {
    daemon,
    server: `https://127.0.0.1:${port}`,
    token,
    caFile: join(certDir, "apiserver.crt"),
    serviceAccountKeyFile,
  };
}

/** Waits until /readyz answers ok: etcd reachable, RBAC bootstrap roles and CRD informers ready. */
export async function waitForApiServer(apiServer: ApiServer, api: ApiClient): Promise<void> {
  await waitUntil(
    "kube-apiserver /readyz",
    async () => {
      const { status, body } = await api.get<string>("/readyz");
      return status === 200 && body === "ok" ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 500, daemon: apiServer.daemon },
  );
}
