/**
 * Lint, fed bad objects: one case per kind it validates, each expecting the
 * exact list of diagnostics (so a lint that returned nothing, or too much,
 * fails), and proof that it reaches every document of every generated file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { lintSynthesis } from "../src/lint/index.js";
import { documentKind, JSON_PATCH, validatedKinds } from "../src/lint/validators.js";
import { compile } from "../src/pipeline.js";
import type { KubeObject, OutputFile, Synthesis } from "../src/synth/object.js";
import { withDataPlatform } from "./support/data-platform.js";
import { copyProject } from "./support/project.js";

let seed: Synthesis;
/** The seed with the data components installed: the kinds only they generate (Strimzi's, a Deployment). */
let data: Synthesis;
beforeAll(async () => {
  for (const [project, keep] of [[copyProject(), (s: Synthesis) => (seed = s)], [withDataPlatform(copyProject()), (s: Synthesis) => (data = s)]] as const) {
    try {
      keep((await compile(project.root, { lint: false, render: false })).synthesis!);
    } finally {
      project.cleanup();
    }
  }
});

const INVALID_HINT = "The generator produced an invalid object: this is a bug in the compiler, please report it.";
const FILE = "generated/bad.yaml";

/** A copy of the first document of this kind the seed (or, for the data components' kinds, the data platform) generates, in its files or its builds. */
function sample(kind: string): any {
  const documents = [seed, data].flatMap((s) => [...s.files.flatMap((f) => f.documents), ...s.builds.flatMap((b) => b.objects)]);
  const found = documents.find((d) => documentKind(d) === kind);
  if (found) return structuredClone(found);
  // The seed's Kubernetes version takes the v1beta1 admission policies; v1 has the same fields.
  const beta = documents.find((d) => documentKind(d) === kind.replace("/v1/", "/v1beta1/"));
  return { ...structuredClone(beta), apiVersion: (beta as KubeObject).apiVersion.replace("v1beta1", "v1") };
}

const alone = (document: unknown, path = FILE): Synthesis => ({ files: [{ path, sources: ["platform.yaml"], documents: [document as object] }], builds: [], standalone: [] });
const invalid = (file: string, message: string | ReturnType<typeof expect.stringMatching>): Diagnostic => ({ severity: "error", code: "lint/invalid-object", file, message, hint: INVALID_HINT });

/** Each kind lint validates, a generator bug in it, and what lint must say: all of it. */
/** A message is its text, or a matcher for text with a hash in it. */
const CASES: Record<string, { breaks: (d: any) => void; messages: Array<string | ReturnType<typeof expect.stringMatching>> }> = {
  "v1/Namespace": { breaks: (d) => { d.metadata.labels = { team: 7 }; }, messages: ["Namespace/argocd: /metadata/labels/team must be string"] },
  "v1/ResourceQuota": { breaks: (d) => { d.spec.hard = ["pods"]; }, messages: ["ResourceQuota/quota: /spec/hard must be object"] },
  "v1/LimitRange": { breaks: (d) => { delete d.spec.limits[0].type; }, messages: ["LimitRange/limits: /spec/limits/0 must have required property type"] },
  "v1/ServiceAccount": { breaks: (d) => { d.automountServiceAccountToken = "yes"; }, messages: ["ServiceAccount/sa: /automountServiceAccountToken must be boolean"] },
  "v1/ConfigMap": { breaks: (d) => { d.data["resource.customizations.health.argoproj.io_Application"] = 1; }, messages: ["ConfigMap/argocd-cm: /data/resource.customizations.health.argoproj.io_Application must be string"] },
  "rbac.authorization.k8s.io/v1/Role": { breaks: (d) => { delete d.rules[0].verbs; }, messages: ["Role/spark-driver: /rules/0 must have required property verbs"] },
  "rbac.authorization.k8s.io/v1/RoleBinding": { breaks: (d) => { delete d.roleRef; }, messages: ["RoleBinding/spark-driver: / must have required property roleRef"] },
  "rbac.authorization.k8s.io/v1/ClusterRole": { breaks: (d) => { d.rules[0].verbs = "get"; }, messages: ["ClusterRole/delta-queue-reader: /rules/0/verbs must be array"] },
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": { breaks: (d) => { delete d.subjects[0].kind; }, messages: ["ClusterRoleBinding/delta-queue-reader: /subjects/0 must have required property kind"] },
  "networking.k8s.io/v1/NetworkPolicy": { breaks: (d) => { d.spec.policyTypes = "Ingress"; }, messages: ["NetworkPolicy/default-deny: /spec/policyTypes must be array"] },
  "admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicy": { breaks: (d) => { d.spec.validations[0].expression = true; }, messages: ["ValidatingAdmissionPolicy/spark-platform-sparkapplication-scheduler: /spec/validations/0/expression must be string"] },
  "admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicyBinding": { breaks: (d) => { d.spec.validationActions = "Deny"; }, messages: ["ValidatingAdmissionPolicyBinding/spark-platform-sparkapplication-scheduler: /spec/validationActions must be array"] },
  "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy": { breaks: (d) => { d.spec.validations[0].expression = true; }, messages: ["ValidatingAdmissionPolicy/spark-platform-sparkapplication-scheduler: /spec/validations/0/expression must be string"] },
  "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding": { breaks: (d) => { d.spec.validationActions = "Deny"; }, messages: ["ValidatingAdmissionPolicyBinding/spark-platform-sparkapplication-scheduler: /spec/validationActions must be array"] },
  "argoproj.io/v1alpha1/Application": { breaks: (d) => { delete d.spec.destination; }, messages: ["Application/argocd/root: /spec must have required property destination"] },
  "argoproj.io/v1alpha1/AppProject": { breaks: (d) => { d.spec.sourceRepos = "*"; }, messages: ["AppProject/argocd/platform: /spec/sourceRepos must be array"] },
  "scheduling.volcano.sh/v1beta1/Queue": { breaks: (d) => { d.spec.deserved = { cpu: "1" }; }, messages: ["Queue/default: /spec must NOT have additional properties (deserved)"] },
  "sparkoperator.k8s.io/v1beta2/SparkApplication": { breaks: (d) => { d.spec.type = "python"; }, messages: ["SparkApplication/team-alpha/pyspark-pi: /spec/type must be equal to one of the allowed values (\"Java\", \"Python\", \"Scala\", \"R\")"] },
  "kustomize.config.k8s.io/v1beta1/Kustomization": { breaks: (d) => { d.resource = d.resources; delete d.resources; }, messages: ["Kustomization: / must NOT have additional properties (resource)"] },
  "kustomize.config.k8s.io/v1alpha1/Component": { breaks: (d) => { delete d.patches[0].path; }, messages: ["Component: /patches/0 must have required property 'path'"] },
  [JSON_PATCH]: { breaks: (d) => { d[0].op = "append"; }, messages: ["JSON patch: /0/op must be equal to one of the allowed values (\"add\", \"remove\", \"replace\", \"move\", \"copy\", \"test\")"] },
  "k3d.io/v1alpha5/Simple": { breaks: (d) => { d.servers = 0; }, messages: ["Simple/data-platform-cluster: /servers must be >= 1"] },
  "apps/v1/Deployment": { breaks: (d) => { d.spec.replicas = "one"; }, messages: ["Deployment/object-storage/data-credentials: /spec/replicas must be integer"] },
  "batch/v1/Job": { breaks: (d) => { d.spec.backoffLimit = "six"; }, messages: [expect.stringMatching(/^Job\/object-storage\/platform-artifacts-[0-9a-f]{10}: \/spec\/backoffLimit must be integer$/)] },
  "v1/Service": { breaks: (d) => { d.spec.ports[0].port = "http"; }, messages: ["Service/spark-history/history-alpha: /spec/ports/0/port must be integer"] },
  "kafka.strimzi.io/v1/Kafka": { breaks: (d) => { d.spec.kafka.listeners[0].type = "nodeport"; }, messages: ["Kafka/kafka/platform: /spec/kafka/listeners/0/type must be equal to one of the allowed values (\"internal\")"] },
  "kafka.strimzi.io/v1/KafkaNodePool": { breaks: (d) => { d.spec.roles = ["zookeeper"]; }, messages: ["KafkaNodePool/kafka/dual-role: /spec/roles/0 must be equal to one of the allowed values (\"controller\", \"broker\")"] },
  "kafka.strimzi.io/v1/KafkaTopic": { breaks: (d) => { d.spec.partition = 3; }, messages: ["KafkaTopic/kafka/alpha.events: /spec must NOT have additional properties (partition)"] },
  "kafka.strimzi.io/v1/KafkaUser": { breaks: (d) => { d.spec.authorization.acls[0].resource.patternType = "wildcard"; }, messages: ["KafkaUser/kafka/team-alpha: /spec/authorization/acls/0/resource/patternType must be equal to one of the allowed values (\"literal\", \"prefix\")"] },
};

describe("lint, fed a bad object of each kind it validates", () => {
  it("has a case for every kind it validates", () => {
    expect(Object.keys(CASES).sort()).toEqual(validatedKinds());
  });

  it("passes every document the seed generates", async () => {
    expect(await lintSynthesis(seed)).toEqual([]);
  });

  for (const [kind, { breaks, messages }] of Object.entries(CASES)) {
    it(kind, async () => {
      const document = sample(kind);
      expect(await lintSynthesis(alone(document)), "the document as generated").toEqual([]);
      breaks(document);
      expect(await lintSynthesis(alone(document))).toEqual(messages.map((m) => invalid(FILE, m)));
    });
  }

  it("a Component under a Kustomization's apiVersion", async () => {
    const document = sample("kustomize.config.k8s.io/v1alpha1/Component");
    document.apiVersion = "kustomize.config.k8s.io/v1beta1";
    // Its kind picks the schema, which holds the kind to its own apiVersion.
    expect(await lintSynthesis(alone(document))).toEqual([{ severity: "error", code: "lint/unknown-kind", file: FILE, message: "Component: no validator for kustomize.config.k8s.io/v1beta1/Component", hint: `Add one in src/lint/validators.ts (known: ${validatedKinds().join(", ")}).` }]);
  });
});

describe("lint reaches every generated document", () => {
  const unknown = { apiVersion: "example.com/v1", kind: "Unknown", metadata: { name: "stray" } };

  it("every document of every file, argocd/ and the k3d config included", async () => {
    const files = seed.files.filter((f) => f.documents.length);
    expect(files.map((f) => f.path)).toEqual(expect.arrayContaining(["argocd/argocd-cm.patch.yaml", "argocd/kustomization.yaml", "argocd/namespace.yaml", "argocd/root-application.yaml", "generated/cluster/k3d.yaml"]));
    for (const file of files) {
      for (let i = 0; i < file.documents.length; i++) {
        const documents = file.documents.map((d, j) => (j === i ? unknown : d));
        const synthesis: Synthesis = { ...seed, files: seed.files.map((f): OutputFile => (f === file ? { ...f, documents } : f)) };
        const found = await lintSynthesis(synthesis);
        expect(found.map((d) => `${d.code} ${d.file} ${d.message}`), `${file.path}, document ${i + 1}`).toEqual([`lint/unknown-kind ${file.path} Unknown/stray: no validator for example.com/v1/Unknown`]);
      }
    }
  });

  it("every object a build renders, at its build's directory", async () => {
    const build = seed.builds.find((b) => b.dir === "generated/tenants/overlays/alpha")!;
    const quota = structuredClone(build.objects.find((o) => o.kind === "ResourceQuota")!);
    (quota.spec as any).hard = ["pods"];
    const synthesis: Synthesis = { ...seed, builds: seed.builds.map((b) => (b === build ? { ...b, objects: b.objects.map((o) => (o.kind === "ResourceQuota" ? quota : o)) } : b)) };
    expect(await lintSynthesis(synthesis)).toEqual([invalid("generated/tenants/overlays/alpha/", "ResourceQuota/team-alpha/alpha-quota: /spec/hard must be object")]);
  });
});

describe("lint of what no single object shows", () => {
  it("two outputs for one path", async () => {
    const file = seed.files.find((f) => f.path === "argocd/namespace.yaml")!;
    expect(await lintSynthesis({ ...seed, files: [...seed.files, { ...file }] })).toEqual([{
      severity: "error", code: "lint/duplicate-path", file: "argocd/namespace.yaml",
      message: "2 outputs claim argocd/namespace.yaml (Namespace argocd; Namespace argocd); only one could be written",
      hint: "The generator gave two outputs one path: this is a bug in the compiler, please report it.",
    }]);
  });

  it("one id twice in a Kustomize build", async () => {
    const build = seed.builds.find((b) => b.dir === "generated/platform/queues")!;
    const synthesis: Synthesis = { ...seed, builds: seed.builds.map((b) => (b === build ? { ...b, objects: [...b.objects, build.objects[0]] } : b)) };
    expect(await lintSynthesis(synthesis)).toEqual([{
      severity: "error", code: "lint/duplicate-id", file: "generated/platform/queues/",
      message: "Queue/default (scheduling.volcano.sh/v1beta1) is 2 resources in this Kustomize build; `kubectl kustomize generated/platform/queues` fails on the duplicate id and nothing in it can sync",
      hint: "The generator produced one id twice: this is a bug in the compiler, please report it.",
    }]);
  });

  it("a Helm value the chart does not have", async () => {
    const file = seed.files.find((f) => f.path === "generated/applications/platform.yaml")!;
    const volcano = structuredClone(file.documents.find((d) => (d as KubeObject).kind === "Application" && (d as any).spec.source?.chart === "volcano")) as any;
    volcano.spec.source.helm.valuesObject = { ...volcano.spec.source.helm.valuesObject, custom: { scheduler_name: "x" } };
    const found = await lintSynthesis(alone(volcano, "generated/applications/platform.yaml"));
    expect(found).toEqual([{
      severity: "error", code: "lint/helm-values", file: "generated/applications/platform.yaml",
      message: `Application/argocd/volcano: \`custom.scheduler_name\` is not a value of chart volcano ${volcano.spec.source.targetRevision}`,
      hint: "Did you mean `scheduler_enable`?",
    }]);
  });
});
