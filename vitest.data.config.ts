import { defineConfig } from "vitest/config";

// `npm run test:data`: the data flow Kafka → Spark → object storage, each link
// with the real program: Apache Kafka from Maven Central (KRaft, SASL/SCRAM,
// ACLs), SeaweedFS built from the Go module proxy, PySpark from PyPI and Spark's
// History Server, configured from what the compiler generates. globalSetup
// fetches and builds them once (cached in ~/.cache/spark-platform-gitops).
export default defineConfig({
  test: {
    include: ["test/data/**/*.test.ts"],
    globalSetup: ["test/data/global-setup.ts"],
    // One broker, one object store and one Spark at a time: they share two cores.
    fileParallelism: false,
    // Child processes, so that the harness's exit and signal handlers run where the daemons are owned.
    pool: "forks",
    sequence: { concurrent: false },
    testTimeout: 10 * 60_000,
    hookTimeout: 20 * 60_000,
  },
});
