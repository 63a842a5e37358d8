// Runs once before the flow suite: checks every tool and builds (or finds
// cached) every binary, so that a missing prerequisite fails the run with
// what to install instead of skipping a test.
import { buildArgoCd } from "../harness/argocd-build.js";
import { buildComponent, GO_COMPONENTS } from "../harness/components.js";
import { lockHost } from "../harness/host-lock.js";
import { requireUnshare } from "../harness/in-cluster.js";
import { requireClusterPrerequisites } from "../harness/prerequisites.js";
import { isInstalled } from "../harness/process.js";
import { ensureSparkHome, requireJava } from "../harness/spark-home.js";
import { SPARK_VERSION } from "./simulation.js";

export default async function setup(): Promise<() => Promise<void>> {
  if (!(await isInstalled("openssl", ["version"]))) {
    throw new Error("openssl not found: the flow suite makes certificates with it (the chart repository's, Volcano's admission Secret): `apt-get install openssl`");
  }
  await requireJava();
  await requireUnshare();
  // The Helm that Argo CD bundles packages and renders the charts (harness/chart-repo.ts, simulation.ts).
  await buildArgoCd();
  await requireClusterPrerequisites(["kube-apiserver", "kube-controller-manager", "kube-scheduler"]);
  for (const component of GO_COMPONENTS) await buildComponent(component);
  await ensureSparkHome(SPARK_VERSION);
  return lockHost("flow");
}
