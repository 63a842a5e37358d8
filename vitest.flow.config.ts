import { defineConfig } from "vitest/config";

// `npm run test:flow`: the seed's Spark jobs on a simulated cluster (real
// kube-apiserver, kube-controller-manager, kube-scheduler, Volcano, Spark
// Operator and spark-submit; KWOK nodes). globalSetup builds every binary and
// fetches SPARK_HOME once (~15 min cold on 2 cores; cached in
// ~/.cache/spark-platform-gitops afterwards). See docs/job-flow.md.
export default defineConfig({
  test: {
    include: ["test/flow/**/*.test.ts"],
    globalSetup: ["test/flow/global-setup.ts"],
    fileParallelism: false,
    // Child processes, so the harness's exit and signal handlers run where the daemons are owned.
    pool: "forks",
    // Tests run in order: later cases change the cluster (quotas, queues, webhooks).
    sequence: { concurrent: false },
    testTimeout: 600_000,
    hookTimeout: 900_000,
  },
});
