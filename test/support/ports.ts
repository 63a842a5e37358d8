/** TCP ports for the servers tests start (stand-in API servers, Argo CD, git daemons, the bootstrap's host ports). */
import { createServer } from "node:net";

/** Ports handed out in this process: a server may not have bound its port yet when the next one is asked for. */
const given = new Set<number>();

/**
 * A free TCP port on loopback, picked below the kernel's ephemeral range
 * (32768+) so that other tests' listeners on port 0 cannot take it between
 * this check and the server that binds it, and never the same one twice in
 * a process.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (given.has(port)) continue;
    const free = await new Promise<boolean>((resolveFree) => {
      const server = createServer();
      server.once("error", () => resolveFree(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolveFree(true)));
    });
    if (free) {
      given.add(port);
      return port;
    }
  }
  throw new Error("no free port found in 20000-32000");
}
