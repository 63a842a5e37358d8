import { defineConfig } from "vitest/config";

// `npm run test:cluster`: suites against a real kube-apiserver (and etcd)
// started per test file. globalSetup builds the binaries once (~5 min cold,
// cached in ~/.cache/spark-platform-gitops afterwards).
export default defineConfig({
  test: {
    include: ["test/cluster/**/*.test.ts"],
    globalSetup: ["test/cluster/global-setup.ts"],
    // One control plane at a time: they share two cores.
    fileParallelism: false,
    // Child processes (not worker threads), so that the harness's exit and
    // signal handlers run in the process that owns the daemons.
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
