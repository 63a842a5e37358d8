import { admissionPolicyApi, incompatibleComponents } from "../../compat/versions.js";
import { PLATFORM_FILE } from "../../load/inputs.js";
import { docsAnchor, type PolicyRule } from "../rule.js";

/**
 * The version matrix of src/compat/versions.ts, checked by the same function
 * validation uses (platform/version-incompatible refuses such inputs first),
 * and the API versions of the generated objects whose API depends on the
 * Kubernetes version.
 */
export const versionCompatibility: PolicyRule = {
  id: "version-compatibility",
  defaultSeverity: "error",
  description: "Argo CD, the Spark Operator and Volcano support the cluster's Kubernetes version, and generated objects use the API versions it serves.",
  docs: docsAnchor("version-compatibility"),
  check({ model, synthesis, report }) {
    for (const { path, reason, supported } of incompatibleComponents(model.platform, model.kubernetes)) {
      report({ file: PLATFORM_FILE, path, message: reason, hint: `Pick versions that overlap (${supported}); the cluster's version comes from cluster.k3sImage.` });
    }
    const expected = admissionPolicyApi(model.kubernetes).apiVersion;
    const policies = synthesis.builds.flatMap((b) => b.objects).filter((o) => o.kind.startsWith("ValidatingAdmissionPolicy"));
    for (const object of policies.filter((o) => o.apiVersion !== expected)) {
      report({
        file: PLATFORM_FILE, path: "/cluster/k3sImage",
        message: `${object.kind} ${object.metadata.name} uses ${object.apiVersion}, but Kubernetes ${model.kubernetes.gitVersion} serves it as ${expected}`,
        hint: "The generator picks the API from the k3s image (admissionPolicyApi in src/compat/versions.ts): rebuild, or report a bug.",
      });
    }
  },
};
