// Where the harness keeps what it builds. The repository and the upstream
// files are in ../support/paths.ts, shared by every suite.
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { repoRoot } from "../support/paths.js";

/** Go module that pins the Kubernetes components the harness builds. */
export const kubernetesGoModule = join(repoRoot, "test/harness/go/kubernetes");

/** Built binaries live outside the source tree so that nothing built is ever committed. */
export const cacheDir = resolve(process.env.SPARK_PLATFORM_CACHE ?? join(homedir(), ".cache/spark-platform-gitops"));
