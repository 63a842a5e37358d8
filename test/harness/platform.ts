// What the harness must match: the platform as the compiler validates and
// models it (platform.yaml), never a second reading of the file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { componentNamespaces } from "../../src/components/installed.js";
import { hasErrors } from "../../src/diagnostics/diagnostic.js";
import { PLATFORM_FILE } from "../../src/load/inputs.js";
import { parseSource } from "../../src/load/source.js";
import type { PlatformModel } from "../../src/model/platform-model.js";
import { validateInputs } from "../../src/validate/index.js";
import { repoRoot } from "../support/paths.js";

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

/**
 * Chart versions whose CRDs the harness installs for a component the platform
 * does not install: the harness serves every tenant kind.
 */
const CRDS_WITHOUT_COMPONENT = { sparkOperator: "2.3.0", volcano: "1.8.2" } as const;

/** platform.yaml as the compiler models it; throws with the compiler's diagnostics when it is invalid. */
export function platformModelOf(root = repoRoot): PlatformModel {
  const { source, diagnostics: parsed } = parseSource(PLATFORM_FILE, readFileSync(join(root, PLATFORM_FILE), "utf8"));
  const { model, diagnostics } = validateInputs({ root, platform: source, teams: [], environments: [], diagnostics: parsed });
  if (!model || hasErrors(diagnostics)) {
    const problems = diagnostics.map((d) => `${d.file}:${d.line ?? 0}:${d.column ?? 0}: ${d.message}`);
    throw new Error(`${join(root, PLATFORM_FILE)} is not valid (npm run validate):\n${problems.join("\n")}`);
  }
  return model;
}

export function platformTarget(): PlatformTarget {
  const model = platformModelOf();
  const { platform } = model;
  const { sparkOperator, volcano } = platform.components;
  return {
    kubernetes: model.kubernetes.gitVersion,
    sparkOperator: sparkOperator?.chart.version ?? CRDS_WITHOUT_COMPONENT.sparkOperator,
    volcano: volcano?.chart.version ?? CRDS_WITHOUT_COMPONENT.volcano,
    argocd: platform.gitops.argocdVersion,
    // The registry's reading of platform.yaml: Argo CD's namespace, then each installed component's.
    componentNamespaces: componentNamespaces(platform),
  };
}
