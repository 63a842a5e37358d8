import { defineConfig } from "vitest/config";

// `npm run servers:prebuild`: builds ahead what the later proof suites run
// (test/prebuild), so that .ci/run can do it in the background while earlier
// suites leave CPU idle. Cached in ~/.cache/spark-platform-gitops.
export default defineConfig({
  test: {
    include: ["test/prebuild/**/*.test.ts"],
    pool: "forks",
    testTimeout: 40 * 60_000,
  },
});
