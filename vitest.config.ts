import { defineConfig } from "vitest/config";

// `npm test`: everything that needs no server. The suites that start a real
// API server or Argo CD have their own configs and npm scripts.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/cluster/**", "test/gitops/**", "test/flow/**", "test/data/**", "test/prebuild/**", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
