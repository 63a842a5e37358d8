// Runs once before the data-flow suite: checks every tool and fetches or builds
// (or finds cached) every program, so that a missing prerequisite fails the run
// with what to install instead of skipping a test.
import { prepareKafka } from "../harness/kafka.js";
import { prepareSparkData } from "../harness/pyspark.js";
import { requireJava } from "../harness/spark-home.js";
import { prepareSeaweedfs } from "../harness/seaweedfs.js";

export default async function setup(): Promise<void> {
  await requireJava();
  await prepareKafka();
  await prepareSparkData();
  await prepareSeaweedfs();
}
