/**
 * argocd/: what the bootstrap script applies once. Argo CD's own install
 * manifest at the pinned version, with the health check app-of-apps needs,
 * and the root Application that hands everything else to Argo CD.
 */
import type { PlatformModel } from "../../model/platform-model.js";
import { LABELS, MANAGED_BY, PART_OF, type KubeObject } from "../object.js";
import { ARGO } from "../../components/gitops.js";
import { ARGO_API, AUTOMATED, PATHS } from "../platform/applications.js";

export const installManifestURL = (version: string): string =>
  `https://raw.githubusercontent.com/argoproj/argo-cd/${version}/manifests/install.yaml`;

/**
 * Since Argo CD 1.8 an Application has no health of its own, so a parent
 * would not wait for a child Application of an earlier sync wave to become
 * Healthy. This restores it (Argo CD's documented app-of-apps health check),
 * with one rule more: a child that is OutOfSync is Progressing, not Healthy.
 * Since Argo CD 2.1 (argoproj/argo-cd#6446) a missing object of a kind without
 * a health check (Namespace, ResourceQuota, RBAC, NetworkPolicy, Volcano Queue)
 * does not count in its Application's health, so a tenant Application that has
 * not created anything yet reports Healthy, and the documented check let the
 * root start wave 3 (spark-operator) before the wave-2 namespaces existed
 * (found by the gitops suite, test/gitops/). A child whose manifests cannot be
 * loaded (sync Unknown, e.g. an unreachable chart repository) keeps the health
 * Argo CD gives it.
 */
export const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
  if hs.status == "Healthy" and obj.status.sync ~= nil and obj.status.sync.status == "OutOfSync" then
    hs.status = "Progressing"
    hs.message = "waiting for the Application to sync"
  end
end
return hs
`;

export function argocdNamespace(): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name: ARGO.namespace } };
}

/** A patch of install.yaml's argocd-cm, which has no namespace until the kustomization sets it. */
export function argocdConfigPatch(): KubeObject {
  return {
    apiVersion: "v1", kind: "ConfigMap",
    metadata: { name: "argocd-cm" },
    data: { "resource.customizations.health.argoproj.io_Application": APPLICATION_HEALTH_LUA },
  };
}

export function argocdKustomization(model: PlatformModel, patchFile: string): Record<string, unknown> {
  return {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    namespace: ARGO.namespace,
    resources: ["namespace.yaml", installManifestURL(model.platform.gitops.argocdVersion)],
    patches: [{ path: patchFile }],
  };
}

export function rootApplication(model: PlatformModel): KubeObject {
  return {
    apiVersion: ARGO_API, kind: "Application",
    metadata: { name: "root", namespace: ARGO.namespace, labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF } },
    spec: {
      project: "default",
      source: { repoURL: model.platform.gitops.repoURL, targetRevision: model.platform.gitops.targetRevision, path: PATHS.applications },
      destination: { server: ARGO.inCluster, namespace: ARGO.namespace },
      syncPolicy: AUTOMATED,
    },
  };
}
