// Runs once before the data-flow suite: checks every tool and fetches or builds
// (or finds cached) every program, so that a missing prerequisite fails the run
// with what to install instead of skipping a test.
import { requireUnshare } from "../harness/in-cluster.js";
import { prepareKafka } from "../harness/kafka.js";
import { requireClusterPrerequisites } from "../harness/prerequisites.js";
import { isInstalled } from "../harness/process.js";
import { prepareSparkData } from "../harness/pyspark.js";
import { requireJava } from "../harness/spark-home.js";
import { prepareSeaweedfs } from "../harness/seaweedfs.js";

export default async function setup(): Promise<void> {
  await requireJava();
  if (!(await isInstalled("zstd", ["--version"]))) throw new Error("zstd not found: Spark 4 compresses its event logs with it, and the suite reads them: `apt-get install zstd`");
  if (!(await isInstalled("python3", ["--version"]))) throw new Error("python3 not found: the suite runs the platform's programs (programs/*.py) with it. Install Python 3.");
  // data-credentials runs against a real API server, as its ServiceAccount.
  await requireUnshare();
  await requireClusterPrerequisites(["kube-apiserver"]);
  await prepareKafka();
  await prepareSparkData();
  await prepareSeaweedfs();
}
