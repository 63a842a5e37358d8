// Runs once before the cluster suites: checks tools and builds (or finds
// cached) Kubernetes binaries, so each test file only starts processes.
import { requireClusterPrerequisites } from "../harness/prerequisites.js";

export default async function setup(): Promise<void> {
  await requireClusterPrerequisites(["kube-apiserver", "kube-controller-manager"]);
}
