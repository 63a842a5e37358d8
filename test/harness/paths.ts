// Where the harness finds the project, the shared upstream files and its cache.
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file is test/harness/paths.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Go module that pins the Kubernetes components the harness builds. */
export const kubernetesGoModule = join(repoRoot, "test/harness/go/kubernetes");

/** Upstream release files (CRDs, Argo CD install.yaml), shared between projects and never copied in. */
export const upstreamDir = resolve(process.env.SPARK_PLATFORM_UPSTREAM ?? join(repoRoot, "../shared/upstream"));

/** Built binaries live outside the source tree so that nothing built is ever committed. */
export const cacheDir = resolve(process.env.SPARK_PLATFORM_CACHE ?? join(homedir(), ".cache/spark-platform-gitops"));
