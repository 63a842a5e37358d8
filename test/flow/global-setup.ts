// Runs once before the flow suite: checks every tool and builds (or finds
// cached) every binary, so that a missing prerequisite fails the run with
// what to install instead of skipping a test.
import { buildComponent, GO_COMPONENTS } from "../harness/components.js";
import { requireClusterPrerequisites } from "../harness/prerequisites.js";
import { isInstalled } from "../harness/process.js";
import { ensureSparkHome, requireJava } from "../harness/spark-home.js";
import { SPARK_VERSION } from "./simulation.js";

export default async function setup(): Promise<void> {
  if (!(await isInstalled("openssl", ["version"]))) {
    throw new Error("openssl not found: the flow suite makes the Volcano webhook's serving certificate with it (`apt-get install openssl`)");
  }
  await requireJava();
  await requireClusterPrerequisites(["kube-apiserver", "kube-controller-manager", "kube-scheduler"]);
  for (const component of GO_COMPONENTS) await buildComponent(component);
  await ensureSparkHome(SPARK_VERSION);
}
