// What the harness must match, read from the platform definition (platform.yaml).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Platform } from "../../src/types/platform.js";
import { repoRoot } from "./paths.js";

const PLATFORM_FILE = join(repoRoot, "platform.yaml");

export interface PlatformTarget {
  /** Kubernetes version of the k3s image, e.g. v1.28.15. */
  kubernetes: string;
  /** Spark Operator chart version, e.g. 2.3.0. */
  sparkOperator: string;
  /** Volcano chart version, e.g. 1.8.2. */
  volcano: string;
  /** Argo CD release, e.g. v2.14.21. */
  argocd: string;
  /** Namespaces the platform's components are installed into (Argo CD's first). */
  componentNamespaces: string[];
}

/** Used only while platform.yaml does not exist yet (bootstrapping the project). */
const FALLBACK: PlatformTarget = {
  kubernetes: "v1.28.15",
  sparkOperator: "2.3.0",
  volcano: "1.8.2",
  argocd: "v2.14.21",
  componentNamespaces: ["argocd", "spark-operator", "volcano-system"],
};

export function platformTarget(): PlatformTarget {
  if (!existsSync(PLATFORM_FILE)) {
    console.warn(`[harness] ${PLATFORM_FILE} not found: assuming Kubernetes ${FALLBACK.kubernetes}`);
    return FALLBACK;
  }
  const platform = parse(readFileSync(PLATFORM_FILE, "utf8")) as Partial<Platform> | null;
  const k3sImage = platform?.cluster?.k3sImage;
  if (typeof k3sImage !== "string") throw new Error(`${PLATFORM_FILE}: cluster.k3sImage is missing`);
  const { sparkOperator, volcano } = platform?.components ?? {};
  return {
    kubernetes: kubernetesVersionOfK3sImage(k3sImage),
    sparkOperator: sparkOperator?.chart.version ?? FALLBACK.sparkOperator,
    // The CRDs are installed even when a platform runs without Volcano: the harness serves every tenant kind.
    volcano: volcano?.chart.version ?? FALLBACK.volcano,
    argocd: platform?.gitops?.argocdVersion ?? FALLBACK.argocd,
    componentNamespaces: ["argocd", ...[sparkOperator, volcano].flatMap((component) => (component ? [component.namespace] : []))],
  };
}

/** rancher/k3s:v1.28.15-k3s1 -> v1.28.15 */
export function kubernetesVersionOfK3sImage(image: string): string {
  const match = /:(v\d+\.\d+\.\d+)(?:[-+].*)?$/.exec(image);
  if (!match) throw new Error(`cannot read a Kubernetes version vX.Y.Z from k3s image "${image}"`);
  return match[1];
}
