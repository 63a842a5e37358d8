// The upstream CRDs the platform's manifests use, at the versions platform.yaml pins.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Cluster } from "./cluster.js";
import { upstreamDir } from "../support/paths.js";
import { platformTarget } from "./platform.js";

interface CrdSource {
  /** Directory under the upstream folder, e.g. volcano-v1.8.2. */
  dir: string;
  /** Which files in it are CRDs (the folders also hold values.yaml, Chart.yaml, configs). */
  select: (file: string) => boolean;
  /** How many CRD files the release has, so that a missing file fails loudly. */
  count: number;
}

export function upstreamCrdSources(): CrdSource[] {
  const versions = platformTarget();
  const argoCrds = new Set(["application-crd.yaml", "appproject-crd.yaml", "applicationset-crd.yaml"]);
  return [
    {
      dir: `spark-operator-v${versions.sparkOperator}`,
      select: (file) => /^sparkoperator\.k8s\.io_[a-z]+\.yaml$/.test(file),
      count: 3,
    },
    { dir: `volcano-v${versions.volcano}`, select: (file) => /^[a-z]+\.volcano\.sh_[a-z]+\.yaml$/.test(file), count: 7 },
    { dir: `argo-cd-${versions.argocd}`, select: (file) => argoCrds.has(file), count: 3 },
  ];
}

/** Absolute paths of every upstream CRD file; fails if the upstream folder lacks one. */
export function upstreamCrdFiles(): string[] {
  return upstreamCrdSources().flatMap(({ dir, select, count }) => {
    const path = join(upstreamDir, dir);
    if (!existsSync(path)) {
      throw new Error(`${path} not found: the cluster tests read upstream CRDs from ${upstreamDir} (set SPARK_PLATFORM_UPSTREAM to move it)`);
    }
    const files = readdirSync(path).filter(select).sort();
    if (files.length !== count) {
      throw new Error(`expected ${count} CRD files in ${path}, found ${files.length}: ${files.join(", ")}`);
    }
    return files.map((file) => join(path, file));
  });
}

/**
 * Installs the CRDs with server-side apply (Volcano's jobtemplates CRD is too
 * large for the client-side last-applied annotation) and waits until the API
 * server serves them. Returns the CRD names.
 */
export async function installUpstreamCrds(cluster: Cluster): Promise<string[]> {
  const fileArgs = upstreamCrdFiles().flatMap((file) => ["-f", file]);
  const applied = await cluster.kubectl(["apply", "--server-side", "-o", "name", ...fileArgs]);
  const names = applied.stdout.split("\n").filter(Boolean);
  // kubectl 1.32 fails at once ("conditions accessor error: <nil>") instead of
  // waiting when a CRD has no status yet: ask again until the deadline.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await cluster.kubectl(["wait", "--for=condition=Established", "--timeout=60s", ...names]);
      break;
    } catch (error) {
      if (Date.now() > deadline || !/accessor error/.test(String((error as Error).message))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return names.map((name) => name.replace(/^customresourcedefinition\.apiextensions\.k8s\.io\//, ""));
}
