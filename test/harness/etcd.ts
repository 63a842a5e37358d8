// A throw-away single-member etcd on loopback for one API server.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../support/ports.js";
import { Daemon, isInstalled, waitUntil } from "./process.js";

const ETCD = process.env.ETCD_BIN ?? "etcd";

export interface Etcd {
  daemon: Daemon;
  clientUrl: string;
}

export async function requireEtcd(): Promise<void> {
  if (!(await isInstalled(ETCD, ["--version"]))) {
    throw new Error(
      `etcd not found (looked for "${ETCD}"): the cluster tests need it as the API server's store. ` +
        "Install it with `apt-get install etcd-server` (Debian/Ubuntu), or set ETCD_BIN to an etcd 3.4+ binary.",
    );
  }
}

/** Starts etcd in `workDir/etcd` on free ports; Debian's package starts none by itself here. */
export async function startEtcd(workDir: string): Promise<Etcd> {
  await requireEtcd();
  const dataDir = join(workDir, "etcd");
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const daemon = Daemon.start(
    "etcd",
    ETCD,
    [
      "--name=harness",
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=harness=${peerUrl}`,
      "--initial-cluster-state=new",
      "--logger=zap",
      "--log-level=warn",
    ],
    join(workDir, "etcd.log"),
  );
  return { daemon, clientUrl };
}

export async function waitForEtcd(etcd: Etcd): Promise<void> {
  await waitUntil(
    "etcd /health",
    async () => {
      const response = await fetch(`${etcd.clientUrl}/health`);
      const body = (await response.json()) as { health?: string };
      return body.health === "true" ? true : undefined;
    },
    { timeoutMs: 30_000, daemon: etcd.daemon },
  );
}
