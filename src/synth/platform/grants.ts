/**
 * What the platform grants a component's own ServiceAccounts where its chart
 * falls short (each descriptor's `grants`): a ClusterRole and a
 * ClusterRoleBinding to the chart's ServiceAccount, for the chart versions
 * that lack the access. The platform owns them, so they are gone when the
 * component is, or when a version whose chart grants it is pinned.
 */
import type { InstalledComponent } from "../../components/component.js";
import { LABELS, MANAGED_BY, PART_OF, type KubeObject } from "../object.js";

const RBAC_API = "rbac.authorization.k8s.io/v1";
/** The annotation `kubectl describe` shows as the object's description. */
const DESCRIPTION = "kubernetes.io/description";

export function componentGrants({ descriptor, settings }: InstalledComponent): KubeObject[] {
  const release = descriptor.application;
  return (descriptor.grants ?? [])
    .filter((grant) => settings.chart !== undefined && grant.versions.test(settings.chart.version))
    .flatMap((grant) => {
      const name = `${release}-${grant.name}`;
      const metadata = () => ({ name, labels: { [LABELS.managedBy]: MANAGED_BY, [LABELS.partOf]: PART_OF }, annotations: { [DESCRIPTION]: grant.why } });
      return [
        { apiVersion: RBAC_API, kind: "ClusterRole", metadata: metadata(), rules: grant.rules.map((r) => ({ apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs })) },
        {
          apiVersion: RBAC_API, kind: "ClusterRoleBinding", metadata: metadata(),
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
          subjects: [{ kind: "ServiceAccount", name: grant.serviceAccount(release), namespace: settings.namespace }],
        },
      ];
    });
}
