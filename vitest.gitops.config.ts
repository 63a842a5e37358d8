import { defineConfig } from "vitest/config";

// `npm run test:gitops`: a real Argo CD (repo server + application controller,
// built from Go modules) syncs this repository, served by a local git daemon,
// into a real kube-apiserver, offline. globalSetup builds Argo CD, kustomize
// and helm once (~5 min cold, cached in ~/.cache/spark-platform-gitops) and
// the Kubernetes binaries of the cluster harness.
export default defineConfig({
  test: {
    include: ["test/gitops/**/*.test.ts"],
    globalSetup: ["test/gitops/global-setup.ts"],
    // One control plane and one Argo CD at a time: they share two cores.
    fileParallelism: false,
    // Child processes, so that the harness's exit and signal handlers run in the process that owns the daemons.
    pool: "forks",
    // Waiting for Argo CD to notice a commit by polling takes minutes.
    testTimeout: 15 * 60_000,
    hookTimeout: 10 * 60_000,
  },
});
