// The RBAC a Helm chart gives its own ServiceAccounts, read from the chart's
// source at its release tag (../shared/upstream/charts/<chart>-<version>/,
// never copied in) with the release's name and namespace filled in. No Helm
// runs here: a document is taken only when `.Release.Name` and
// `.Release.Namespace` are its only template actions, which holds for the
// ServiceAccount, ClusterRole and ClusterRoleBinding of Volcano 1.8.2's
// templates/admission.yaml; one that is not plain text is an error, never a guess.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { ChartRelease } from "./helm-values.js";
import { upstreamDir } from "../support/paths.js";

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [key: string]: unknown;
}

const RBAC_KINDS = ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"];

/** The chart's source at the release's version (Volcano's is packaged as 1.8.2 from the v1.8.2 tag). */
export function chartSourceDir(release: Pick<ChartRelease, "chart" | "version">): string {
  const dir = join(upstreamDir, "charts", `${release.chart}-${release.version}`);
  if (!existsSync(dir)) throw new Error(`${dir} not found: the chart's source at its tag (../shared/upstream/charts/SOURCE.txt)`);
  return dir;
}

/** The RBAC objects of one template of the chart, as Helm renders them for `release`. */
export function chartRbac(release: Pick<ChartRelease, "chart" | "version" | "releaseName" | "namespace">, template: string): KubeObject[] {
  const file = join(chartSourceDir(release), "templates", template);
  const text = readFileSync(file, "utf8");
  const objects: KubeObject[] = [];
  for (const document of text.split(/^---\s*$/m)) {
    const kind = /^kind:\s*(\S+)\s*$/m.exec(document)?.[1];
    if (!kind || !RBAC_KINDS.includes(kind)) continue;
    const filled = document.replaceAll(/\{\{-?\s*\.Release\.Name\s*-?\}\}/g, release.releaseName).replaceAll(/\{\{-?\s*\.Release\.Namespace\s*-?\}\}/g, release.namespace);
    if (filled.includes("{{")) throw new Error(`${file}: the ${kind} has template actions other than .Release.Name and .Release.Namespace; render it with Helm instead`);
    objects.push(parse(filled) as KubeObject);
  }
  if (objects.length === 0) throw new Error(`${file} holds no RBAC object`);
  return objects;
}
