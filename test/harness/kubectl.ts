// kubectl bound to one cluster's kubeconfig.
import { run, type RunOptions, type RunResult } from "./process.js";

export type KubectlOptions = Pick<RunOptions, "input" | "reject" | "cwd">;
export type Kubectl = (args: readonly string[], options?: KubectlOptions) => Promise<RunResult>;

export function kubectlFor(kubeconfig: string): Kubectl {
  // --kubeconfig keeps the user's own ~/.kube/config out of the tests.
  return (args, options = {}) => run("kubectl", ["--kubeconfig", kubeconfig, ...args], options);
}
