/** Where the tests find the repository and the pinned upstream release files. */
import { existsSync } from "node:fs";
import path from "node:path";

/** The repository root (this file is test/support/paths.ts). */
export const repoRoot = path.resolve(import.meta.dirname, "../..");

/** Upstream release files (CRDs, charts' values, Argo CD's install.yaml, k3d's schema), shared between projects and never copied in. */
export const upstreamDir = path.resolve(process.env.SPARK_PLATFORM_UPSTREAM ?? path.join(repoRoot, "../shared/upstream"));

/**
 * Why checks against an upstream file cannot run here, for a visible skip
 * (`it.skipIf`, `context.skip(reason)`); undefined when the file is there.
 * Where the checks must run (.ci/run sets SPARK_PLATFORM_REQUIRE_UPSTREAM) a
 * missing file throws instead, so it fails rather than skips.
 */
export function upstreamMissing(file = ""): string | undefined {
  const wanted = path.join(upstreamDir, file);
  if (existsSync(wanted)) return undefined;
  const reason = `upstream file ${wanted} not found (set SPARK_PLATFORM_UPSTREAM to the pinned upstream data to run these checks)`;
  if (process.env.SPARK_PLATFORM_REQUIRE_UPSTREAM) throw new Error(`${reason}; SPARK_PLATFORM_REQUIRE_UPSTREAM is set, so they must run`);
  console.warn(`SKIPPED: ${reason}`);
  return reason;
}
