// The argocd/ layer as scripts/bootstrap.sh applies it (`kubectl apply
// --server-side -k argocd/`), offline: its remote base, Argo CD's install.yaml
// on GitHub, is swapped for the same release file in the shared upstream folder.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { kustomize } from "./platform-manifests.js";
import { upstreamDir } from "../support/paths.js";

/** Argo CD's install.yaml of `version` in the upstream folder; fails with what is missing. */
export function upstreamInstallYaml(version: string): string {
  const local = join(upstreamDir, `argo-cd-${version}`, "install.yaml");
  if (!existsSync(local)) throw new Error(`${local} not found: the offline Argo CD layer needs install.yaml of Argo CD ${version}`);
  return local;
}

/**
 * Renders `argocdDir` (an argocd/ directory the compiler wrote) with
 * `kubectl kustomize`, after pointing a copy of it at the local install.yaml.
 * The kustomization must use exactly the release of `version`.
 */
export async function renderArgoCdLayer(argocdDir: string, version: string): Promise<string> {
  const remote = `https://raw.githubusercontent.com/argoproj/argo-cd/${version}/manifests/install.yaml`;
  const local = upstreamInstallYaml(version);
  const copy = mkdtempSync(join(tmpdir(), "gitops-argocd-layer-"));
  try {
    cpSync(argocdDir, copy, { recursive: true });
    const file = join(copy, "kustomization.yaml");
    const text = readFileSync(file, "utf8");
    const resources = ((parse(text) as { resources?: string[] } | null)?.resources ?? []).filter((resource) => /^https?:/.test(resource));
    if (resources.length !== 1 || resources[0] !== remote) {
      throw new Error(`${argocdDir}/kustomization.yaml should have exactly one remote resource, ${remote} (Argo CD ${version}); it has: ${resources.join(", ") || "none"}`);
    }
    writeFileSync(file, text.replaceAll(remote, local));
    return await kustomize(copy, ["--load-restrictor", "LoadRestrictionsNone"]);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
