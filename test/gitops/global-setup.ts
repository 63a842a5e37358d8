// Runs once before the gitops suite: checks every tool it needs (failing, never
// skipping, with what to install), builds or finds the cached binaries, and
// compiles the compiler the suite runs on its served work tree.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { buildArgoCd } from "../harness/argocd-build.js";
import { upstreamInstallYaml } from "../harness/argocd-layer.js";
import { requireUnshare } from "../harness/argocd.js";
import { repoRoot } from "../support/paths.js";
import { platformTarget } from "../harness/platform.js";
import { requireClusterPrerequisites } from "../harness/prerequisites.js";
import { isInstalled, run } from "../harness/process.js";
import { requireRedis } from "../harness/redis.js";

export default async function setup(): Promise<void> {
  await requireClusterPrerequisites(["kube-apiserver", "kube-controller-manager"]);
  await requireRedis();
  await requireUnshare();
  const gitExecPath = (await isInstalled("git", ["version"])) ? (await run("git", ["--exec-path"])).stdout.trim() : "";
  if (!gitExecPath || !existsSync(join(gitExecPath, "git-daemon"))) {
    throw new Error("git with `git daemon` not found: install it with `apt-get install -y git` (Debian's git package includes git-daemon).");
  }
  upstreamInstallYaml(platformTarget().argocd);
  await buildArgoCd();
  await run("npm", ["run", "-s", "compile"], { cwd: repoRoot });
}
