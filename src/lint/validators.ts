/**
 * Which validator checks which kind of generated document: core kinds with
 * kubernetes-models, Argo CD kinds with @kubernetes-models/argo-cd, Volcano
 * and Spark Operator kinds, Kustomize's own files and JSON patches with strict
 * schemas of our own, the k3d config with k3d's schema. Models are imported
 * per kind, on first use, to keep start-up cheap. Adding a kind: one line.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import jsonPatchSchema from "../../schemas/kinds/json-patch.schema.json" with { type: "json" };
import k3dSimpleSchema from "../../schemas/kinds/k3d-simple.schema.json" with { type: "json" };
import kustomizationSchema from "../../schemas/kinds/kustomization.schema.json" with { type: "json" };
import queueSchema from "../../schemas/kinds/queue.schema.json" with { type: "json" };
import sparkApplicationSchema from "../../schemas/kinds/sparkapplication.schema.json" with { type: "json" };
import strimziKafkaSchema from "../../schemas/kinds/strimzi-kafka.schema.json" with { type: "json" };
import strimziKafkaNodePoolSchema from "../../schemas/kinds/strimzi-kafkanodepool.schema.json" with { type: "json" };
import strimziKafkaTopicSchema from "../../schemas/kinds/strimzi-kafkatopic.schema.json" with { type: "json" };
import strimziKafkaUserSchema from "../../schemas/kinds/strimzi-kafkauser.schema.json" with { type: "json" };
import { currentValidators } from "../precompiled/current.js";

/** Returns problems as "path: message" strings; empty when valid. */
export type ObjectValidator = (object: unknown) => string[];

type ModelClass = new (data: never) => { validate(): void };

const fromModel = (load: () => Promise<Record<string, unknown>>, kind: string, validateAs?: string) => async (): Promise<ObjectValidator> => {
  const Model = (await load())[kind] as ModelClass;
  return (object) => {
    try {
      const data = validateAs ? { ...(object as object), apiVersion: validateAs } : object;
      new Model(data as never).validate();
      return [];
    } catch (error) {
      const errors = (error as { errors?: Array<{ instancePath: string; message?: string }> }).errors;
      return errors ? errors.map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`) : [String((error as Error).message)];
    }
  };
};

/** Our own kind schemas, precompiled (scripts/gen-validators.mjs) and loaded on first use. */
const OWN_SCHEMAS = {
  queue: queueSchema, sparkApplication: sparkApplicationSchema, kustomization: kustomizationSchema, jsonPatch: jsonPatchSchema, k3dSimple: k3dSimpleSchema,
  strimziKafka: strimziKafkaSchema, strimziKafkaNodePool: strimziKafkaNodePoolSchema, strimziKafkaTopic: strimziKafkaTopicSchema, strimziKafkaUser: strimziKafkaUserSchema,
};
let ownValidators: Promise<Record<keyof typeof OWN_SCHEMAS, ValidateFunction>> | undefined;

const fromSchema = (name: keyof typeof OWN_SCHEMAS) => async (): Promise<ObjectValidator> => {
  ownValidators ??= import("../precompiled/kind-validators.js").then((precompiled) => currentValidators(precompiled, [], OWN_SCHEMAS));
  const validate = (await ownValidators)[name];
  return (object) => (validate(object) ? [] : (validate.errors ?? []).filter((e) => e.keyword !== "if").map((e) => `${e.instancePath || "/"} ${e.message}${detail(e)}`));
};

/** The key of a document that is a list of JSON patch operations (a Kustomize patch file), not an object. */
export const JSON_PATCH = "JSON patch";

/** Which validator a document needs: `apiVersion/kind`, or JSON_PATCH for a list. */
export const documentKind = (document: unknown): string =>
  Array.isArray(document) ? JSON_PATCH : `${(document as { apiVersion?: unknown }).apiVersion}/${(document as { kind?: unknown }).kind}`;

/** What ajv's message leaves out: the field that is not allowed, the values that are. */
function detail(error: ErrorObject): string {
  if (error.keyword === "additionalProperties") return ` (${String(error.params.additionalProperty)})`;
  if (error.keyword === "enum") return ` (${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")})`;
  if (error.keyword === "const") return ` (${JSON.stringify(error.params.allowedValue)})`;
  return "";
}

const VALIDATORS: Record<string, () => Promise<ObjectValidator>> = {
  "v1/Namespace": fromModel(() => import("kubernetes-models/v1/Namespace"), "Namespace"),
  "v1/ResourceQuota": fromModel(() => import("kubernetes-models/v1/ResourceQuota"), "ResourceQuota"),
  "v1/LimitRange": fromModel(() => import("kubernetes-models/v1/LimitRange"), "LimitRange"),
  "v1/ServiceAccount": fromModel(() => import("kubernetes-models/v1/ServiceAccount"), "ServiceAccount"),
  "v1/ConfigMap": fromModel(() => import("kubernetes-models/v1/ConfigMap"), "ConfigMap"),
  "apps/v1/Deployment": fromModel(() => import("kubernetes-models/apps/v1/Deployment"), "Deployment"),
  "batch/v1/Job": fromModel(() => import("kubernetes-models/batch/v1/Job"), "Job"),
  "v1/Service": fromModel(() => import("kubernetes-models/v1/Service"), "Service"),
  "rbac.authorization.k8s.io/v1/Role": fromModel(() => import("kubernetes-models/rbac.authorization.k8s.io/v1/Role"), "Role"),
  "rbac.authorization.k8s.io/v1/RoleBinding": fromModel(() => import("kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding"), "RoleBinding"),
  "rbac.authorization.k8s.io/v1/ClusterRole": fromModel(() => import("kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole"), "ClusterRole"),
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": fromModel(() => import("kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding"), "ClusterRoleBinding"),
  "networking.k8s.io/v1/NetworkPolicy": fromModel(() => import("kubernetes-models/networking.k8s.io/v1/NetworkPolicy"), "NetworkPolicy"),
  // kubernetes-models 4.5 (Kubernetes 1.33) no longer has the v1beta1 policy
  // types; their fields are the v1 fields, so v1beta1 objects are checked as v1.
  "admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicy": fromModel(() => import("kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy"), "ValidatingAdmissionPolicy", "admissionregistration.k8s.io/v1"),
  "admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicyBinding": fromModel(() => import("kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding"), "ValidatingAdmissionPolicyBinding", "admissionregistration.k8s.io/v1"),
  "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy": fromModel(() => import("kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy"), "ValidatingAdmissionPolicy"),
  "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding": fromModel(() => import("kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding"), "ValidatingAdmissionPolicyBinding"),
  "argoproj.io/v1alpha1/Application": fromModel(() => import("@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application"), "Application"),
  "argoproj.io/v1alpha1/AppProject": fromModel(() => import("@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject"), "AppProject"),
  "scheduling.volcano.sh/v1beta1/Queue": fromSchema("queue"),
  "sparkoperator.k8s.io/v1beta2/SparkApplication": fromSchema("sparkApplication"),
  "kustomize.config.k8s.io/v1beta1/Kustomization": fromSchema("kustomization"),
  "kustomize.config.k8s.io/v1alpha1/Component": fromSchema("kustomization"),
  [JSON_PATCH]: fromSchema("jsonPatch"),
  "k3d.io/v1alpha5/Simple": fromSchema("k3dSimple"),
  "kafka.strimzi.io/v1/Kafka": fromSchema("strimziKafka"),
  "kafka.strimzi.io/v1/KafkaNodePool": fromSchema("strimziKafkaNodePool"),
  "kafka.strimzi.io/v1/KafkaTopic": fromSchema("strimziKafkaTopic"),
  "kafka.strimzi.io/v1/KafkaUser": fromSchema("strimziKafkaUser"),
};

const loaded = new Map<string, Promise<ObjectValidator>>();

/** `key`: a documentKind. `undefined` when no validator knows the kind (itself a lint error). */
export function validatorFor(key: string): Promise<ObjectValidator> | undefined {
  const load = VALIDATORS[key];
  if (!load) return undefined;
  if (!loaded.has(key)) loaded.set(key, load());
  return loaded.get(key);
}

export const validatedKinds = (): string[] => Object.keys(VALIDATORS).sort();
