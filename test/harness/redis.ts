// A throw-away Redis on loopback (Argo CD's cache), with a password as
// install.yaml's argocd-redis-secret-init Job would set, and no persistence.
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { Daemon } from "./process.js";
import { freePort } from "../support/ports.js";
import { isInstalled, waitUntil } from "./process.js";

const REDIS = process.env.REDIS_SERVER_BIN ?? "redis-server";

export interface Redis {
  daemon: Daemon;
  address: string;
  password: string;
}

export type Spawn = (name: string, command: string, args: readonly string[], env?: NodeJS.ProcessEnv) => Daemon;

export async function requireRedis(): Promise<void> {
  if (!(await isInstalled(REDIS, ["--version"]))) {
    throw new Error(
      `redis-server not found (looked for "${REDIS}"): the gitops suite runs Argo CD's cache on it. ` +
        "Install it with `apt-get install -y redis-server` (Debian/Ubuntu; the package starts no server here without an init system), or set REDIS_SERVER_BIN.",
    );
  }
}

/** Starts redis-server in `dir` on a free loopback port; `spawn` ties its life to the cluster's. */
export async function startRedis(spawn: Spawn, dir: string): Promise<Redis> {
  await requireRedis();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const port = await freePort();
  const password = randomBytes(16).toString("hex");
  // The password goes in a config file, not on the command line (ps would show it).
  const config = join(dir, "redis.conf");
  writeFileSync(
    config,
    [`bind 127.0.0.1`, `port ${port}`, `dir ${dir}`, `requirepass ${password}`, `save ""`, "appendonly no", "protected-mode yes", "daemonize no", ""].join("\n"),
    { mode: 0o600 },
  );
  const daemon = spawn("redis", REDIS, [config]);
  const address = `127.0.0.1:${port}`;
  await waitUntil("redis PING", async () => ((await ping(port, password)) ? true : undefined), { timeoutMs: 20_000, daemon });
  return { daemon, address, password };
}

function ping(port: number, password: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let reply = "";
    socket.setTimeout(2_000, () => socket.destroy());
    socket.on("error", () => resolve(false));
    socket.on("close", () => resolve(reply.includes("+PONG")));
    socket.on("connect", () => socket.write(`AUTH ${password}\r\nPING\r\nQUIT\r\n`));
    socket.on("data", (chunk) => (reply += chunk.toString("utf8")));
  });
}
