/** The CLI run in this process, as a user would type it: no build of dist/, no process to start. */
import { run } from "../../src/cli/run.js";
import { repoRoot } from "./paths.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `spark-platform ...args` in `cwd`, without colours, with the environment the tests run in. */
export async function runCli(args: string[], cwd = repoRoot): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code, stdout, stderr };
}
