// Serving certificates for admission webhooks run as local processes: a
// throw-away CA and a server certificate for the Service DNS names the API
// server verifies (<service>.<namespace>.svc), as Volcano's
// gen-admission-secret.sh makes them in a cluster. Made with openssl (Node's
// crypto can make keys but cannot sign X.509 certificates).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { run } from "./process.js";

export interface ServingCertificate {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** PEM of the CA, for a webhook configuration's caBundle (base64 of it). */
  caPem: string;
}

/** The names a webhook behind Service <name> in <namespace> is called by. */
export function serviceDnsNames(name: string, namespace: string): string[] {
  return [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
}

export async function makeServingCertificate(dir: string, dnsNames: readonly string[], days = 1): Promise<ServingCertificate> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caKey = join(dir, "ca.key");
  const caFile = join(dir, "ca.crt");
  const keyFile = join(dir, "tls.key");
  const csr = join(dir, "tls.csr");
  const certFile = join(dir, "tls.crt");
  const ext = join(dir, "tls.ext");
  const openssl = async (args: string[]): Promise<void> => {
    try {
      await run("openssl", args);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new Error("openssl not found: the webhook certificates are made with it; install it (`apt-get install openssl`)");
      }
      throw error;
    }
  };
  await openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", caFile, "-days", String(days), "-subj", "/CN=spark-platform-harness-webhook-ca"]);
  await openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", csr, "-subj", `/CN=${dnsNames[dnsNames.length - 1] ?? "localhost"}`]);
  writeFileSync(
    ext,
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      // An address (a server on 127.0.0.1) is verified against an IP entry, never a DNS one.
      `subjectAltName=${dnsNames.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(",")}`,
      "",
    ].join("\n"),
  );
  await openssl(["x509", "-req", "-in", csr, "-CA", caFile, "-CAkey", caKey, "-CAcreateserial", "-out", certFile, "-days", String(days), "-extfile", ext]);
  return { caFile, certFile, keyFile, caPem: readFileSync(caFile, "utf8") };
}
