// Everything the cluster suites need before any test starts, checked and
// built once per run (vitest globalSetup), so that a missing tool fails the
// run with what to install instead of skipping tests.
import { buildKubernetesBinary, type KubernetesCommand } from "./build.js";
import { upstreamCrdFiles } from "./crds.js";
import { requireEtcd } from "./etcd.js";
import { isInstalled } from "./process.js";

export async function requireClusterPrerequisites(binaries: readonly KubernetesCommand[]): Promise<void> {
  if (!(await isInstalled("kubectl", ["version", "--client"]))) {
    throw new Error("kubectl not found on PATH: install kubectl (1.27 or newer, e.g. https://dl.k8s.io/release/v1.32.4/bin/linux/amd64/kubectl)");
  }
  await requireEtcd();
  upstreamCrdFiles();
  // One after the other: concurrent Go builds only compete for the same cores.
  for (const binary of binaries) await buildKubernetesBinary(binary);
}
