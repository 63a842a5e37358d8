// Runs once before the gitops suite: checks every tool it needs (failing, never
// skipping, with what to install), builds or finds the cached binaries (Argo CD
// and Helm, Volcano, the Spark Operator, KWOK, SeaweedFS) and Spark, and
// compiles the compiler the suite runs on its served work tree.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { buildArgoCd } from "../harness/argocd-build.js";
import { buildComponent, GO_COMPONENTS } from "../harness/components.js";
import { ensureSparkHome, requireJava } from "../harness/spark-home.js";
import { SPARK_VERSION } from "../flow/simulation.js";
import { upstreamInstallYaml } from "../harness/argocd-layer.js";
import { lockHost } from "../harness/host-lock.js";
import { requireUnshare } from "../harness/in-cluster.js";
import { repoRoot } from "../support/paths.js";
import { platformTarget } from "../harness/platform.js";
import { requireClusterPrerequisites } from "../harness/prerequisites.js";
import { isInstalled, run } from "../harness/process.js";
import { requireRedis } from "../harness/redis.js";
import { prepareSeaweedfs } from "../harness/seaweedfs.js";

export default async function setup(): Promise<() => Promise<void>> {
  await requireClusterPrerequisites(["kube-apiserver", "kube-controller-manager", "kube-scheduler"]);
  if (!(await isInstalled("openssl", ["version"]))) {
    throw new Error("openssl not found: the gitops suite makes certificates with it (the chart repository's, Volcano's admission Secret): `apt-get install openssl`");
  }
  await requireJava();
  await requireRedis();
  await requireUnshare();
  const gitExecPath = (await isInstalled("git", ["version"])) ? (await run("git", ["--exec-path"])).stdout.trim() : "";
  if (!gitExecPath || !existsSync(join(gitExecPath, "git-daemon"))) {
    throw new Error("git with `git daemon` not found: install it with `apt-get install -y git` (Debian's git package includes git-daemon).");
  }
  upstreamInstallYaml(platformTarget().argocd);
  await buildArgoCd();
  // The charts' controllers and the nodes (chart-pods.ts, kwok.ts), and the Spark the operator submits with.
  for (const component of GO_COMPONENTS) await buildComponent(component);
  // The object store the platform's objectStorage component runs (about 10 min cold, shared with the data suite's cache).
  await prepareSeaweedfs();
  await ensureSparkHome(SPARK_VERSION);
  await run("npm", ["run", "-s", "compile"], { cwd: repoRoot });
  return lockHost("gitops");
}
