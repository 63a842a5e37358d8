// One server suite on this machine at a time. The GitOps suite (and whatever
// else runs the charts' controllers through chart-pods.ts) gives the charts'
// pods this machine's address, where their webhooks listen on the charts' own
// ports (8443, 9443): two runs at once would collide there. A suite's global
// setup takes this lock (flock(1), held by a child process until teardown, so
// it is released by the kernel however the run ends) and waits, saying so, while
// another run holds it.
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const HOST_LOCK = process.env.SPARK_PLATFORM_HOST_LOCK ?? join(tmpdir(), "spark-platform-host-ports.lock");

/** Takes the lock; resolves with its release once held. */
export function lockHost(suite: string, file = HOST_LOCK): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const holder = spawn("flock", ["--exclusive", file, "sh", "-c", "echo locked; exec cat >/dev/null"], { stdio: ["pipe", "pipe", "inherit"] });
    const waiting = setTimeout(() => process.stderr.write(`[harness] ${suite}: waiting for another run of a server suite on this machine to finish (lock ${file})\n`), 2_000);
    holder.on("error", (error) => {
      clearTimeout(waiting);
      reject(new Error(`flock not found (util-linux): the ${suite} suite takes ${file} so that two runs do not share the charts' ports. ${error.message}`));
    });
    holder.stdout.once("data", () => {
      clearTimeout(waiting);
      resolve(
        () =>
          new Promise<void>((done) => {
            holder.once("exit", () => done());
            holder.stdin.end();
          }),
      );
    });
    holder.once("exit", (code) => {
      clearTimeout(waiting);
      reject(new Error(`flock ${file} exited with ${code} before taking the lock`));
    });
  });
}
