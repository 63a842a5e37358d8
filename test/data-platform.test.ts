// The data components (Kafka, object storage, data-credentials) as the
// compiler generates them for teams that ask for buckets and topics: names no
// team can share, ACLs and identities that never cross teams, no secret value
// anywhere, the tenants' new egress paths and nothing else, the sync waves,
// the Strimzi objects against Strimzi 0.50.1's own CRDs, and validation of
// every way a team file can ask for too much.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../src/pipeline.js";
import type { KubeObject } from "../src/synth/object.js";
import { crdSchema, crdProblems } from "./support/crd.js";
import { withDataPlatform } from "./support/data-platform.js";
import { upstreamDir, upstreamMissing } from "./support/paths.js";
import { applyEdits, copyProject, replace, type TestProject } from "./support/project.js";

let project: TestProject;
let objects: KubeObject[];
const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;

beforeAll(async () => {
  project = withDataPlatform(copyProject());
  const result = await compile(project.root);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  objects = result.synthesis!.builds.flatMap((b) => b.objects);
});
afterAll(() => project.cleanup());

async function errorsOf(edits: Parameters<typeof applyEdits>[1]): Promise<Array<{ code: string; file?: string; path?: string; message: string; hint?: string }>> {
  const p = withDataPlatform(copyProject());
  try {
    applyEdits(p, edits);
    const { diagnostics } = await compile(p.root);
    return diagnostics.filter((d) => d.severity === "error");
  } finally {
    p.cleanup();
  }
}

describe("Kafka", () => {
  it("gives each team its prefixed topics and one user whose ACLs cover only its own prefix", () => {
    expect(ofKind("KafkaTopic").map((t) => t.metadata.name).sort()).toEqual(["alpha.events", "delta.clicks", "delta.events"]);
    expect(ofKind("KafkaUser").map((u) => u.metadata.name).sort()).toEqual(["team-alpha", "team-delta"]);
    for (const user of ofKind("KafkaUser")) {
      const team = user.metadata.name.replace(/^team-/, "");
      const acls = (user.spec as { authorization: { acls: Array<{ type: string; resource: { type: string; name: string; patternType: string } }> } }).authorization.acls;
      expect(acls.map((a) => [a.type, a.resource.type, a.resource.name, a.resource.patternType])).toEqual([
        ["allow", "topic", `${team}.`, "prefix"],
        ["allow", "group", `${team}.`, "prefix"],
      ]);
    }
    const events = named("KafkaTopic", "delta.events").spec as { partitions: number; config: Record<string, number> };
    expect(events.partitions).toBe(2);
    expect(events.config["retention.ms"]).toBe(3 * 86_400_000);
  });

  it.skipIf(upstreamMissing("charts/strimzi-kafka-operator-0.50.1"))("every Strimzi object is valid for Strimzi 0.50.1's CRDs (kafka.strimzi.io/v1)", () => {
    const crds = { Kafka: "040-Crd-kafka.yaml", KafkaTopic: "043-Crd-kafkatopic.yaml", KafkaUser: "044-Crd-kafkauser.yaml", KafkaNodePool: "045-Crd-kafkanodepool.yaml" };
    for (const [kind, file] of Object.entries(crds)) {
      const schema = crdSchema(path.join(upstreamDir, "charts/strimzi-kafka-operator-0.50.1/crds", file), "v1");
      expect(ofKind(kind).length).toBeGreaterThan(0);
      for (const object of ofKind(kind)) expect(crdProblems(schema, object), `${kind}/${object.metadata.name}`).toEqual([]);
    }
  });
});

describe("object storage and credentials", () => {
  const config = () => JSON.parse((named("ConfigMap", "data-credentials-config").data as Record<string, string>)["config.json"]);

  it("gives each team with buckets an identity on exactly its buckets, without wildcards, and delivers its keys to its namespace only", () => {
    const identities = config().objectStorage.identities as Array<{ name: string; actions: string[]; deliverTo?: Array<{ namespace: string }> }>;
    expect(identities.map((i) => i.name)).toEqual(["team-alpha", "team-delta", "spark-history", "anonymous"]);
    const alpha = identities[0];
    expect(new Set(alpha.actions.map((a) => a.split(":")[1]))).toEqual(new Set(["alpha-raw", "alpha-curated", "alpha-eventlog"]));
    for (const identity of identities) for (const action of identity.actions) expect(action).toMatch(/^(Read|Write|List|Tagging):[a-z0-9-]+$/);
    expect(alpha.deliverTo!.map((d) => d.namespace)).toEqual(["team-alpha"]);
    // The History Servers read the event logs and nothing else, and never write.
    expect(identities[2].actions).toEqual(["Read:alpha-eventlog", "List:alpha-eventlog", "Read:delta-eventlog", "List:delta-eventlog"]);
    expect(identities[3].actions).toEqual(["Read:platform-artifacts"]);
  });

  it("creates every team's buckets and the event-log bucket with the chart's hook, behind the identities", () => {
    const app = named("Application", "seaweedfs").spec as { source: { helm: { valuesObject: { allInOne: { s3: Record<string, unknown> } } } } };
    const s3 = app.source.helm.valuesObject.allInOne.s3;
    expect(s3.enableAuth).toBe(true);
    expect(s3.existingConfigSecret).toBe("seaweedfs-s3-config");
    expect((s3.createBuckets as Array<{ name: string }>).map((b) => b.name)).toEqual(["alpha-raw", "alpha-curated", "alpha-eventlog", "delta-raw", "delta-eventlog", "platform-artifacts"]);
  });

  it("gives every team bucket its quota with the store's own weed, named after what it sets", () => {
    const job = ofKind("Job").find((j) => j.metadata.name.startsWith("bucket-quotas-"))!;
    const [container] = (job.spec as { template: { spec: { containers: Array<{ image: string; command: string[]; env: Array<{ name: string; value: string }> }> } } }).template.spec.containers;
    const app = named("Application", "seaweedfs").spec as { source: { helm: { valuesObject: { image: { tag: string } } } } };
    expect(container.image).toBe(`chrislusf/seaweedfs:${app.source.helm.valuesObject.image.tag}`);
    expect(app.source.helm.valuesObject.image.tag).toBe("4.53");
    expect(container.command.slice(0, 2)).toEqual(["/bin/sh", "-ec"]);
    // Every team bucket, the event-log buckets included, and not the platform's (its jars are counted apart).
    expect([...container.command[2].matchAll(/-name=(\S+) -op=set -sizeMB=512'/g)].map((m) => m[1])).toEqual(["alpha-raw", "alpha-curated", "alpha-eventlog", "delta-raw", "delta-eventlog"]);
    expect(Object.fromEntries(container.env.map((e) => [e.name, e.value]))).toEqual({
      WEED_CLUSTER_DEFAULT: "sw",
      WEED_CLUSTER_SW_MASTER: "seaweedfs-all-in-one.object-storage:9333",
      WEED_CLUSTER_SW_FILER: "seaweedfs-all-in-one.object-storage:8888",
    });
  });

  it("puts no secret value into anything generated", () => {
    const text = JSON.stringify(objects);
    expect(text).not.toMatch(/"(secretKey|accessKey|password)"\s*:/i);
    expect(ofKind("Secret")).toEqual([]);
  });

  it("lets the provisioner read only the KafkaUsers' Secrets in the Kafka namespace", () => {
    const role = objects.find((o) => o.kind === "Role" && o.metadata.namespace === "kafka")! as unknown as { rules: Array<{ resources: string[]; verbs: string[]; resourceNames?: string[] }> };
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["team-alpha", "team-delta"] }]);
  });
});

describe("tenants and sync order", () => {
  it("opens the brokers' SCRAM listener and the S3 gateway to every team's pods, and no other port of them", () => {
    const policies = objects.filter((o) => o.kind === "NetworkPolicy" && o.metadata.namespace === "team-alpha");
    const to = (namespace: string) =>
      policies.flatMap((p) => ((p.spec as { egress?: Array<{ to: Array<{ namespaceSelector?: { matchLabels: Record<string, string> } }>; ports: Array<{ port: number }> }> }).egress ?? [])
        .filter((rule) => rule.to.some((peer) => peer.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === namespace))
        .flatMap((rule) => rule.ports.map((port) => port.port)));
    expect(to("kafka")).toEqual([9092]);
    expect(to("object-storage")).toEqual([8333]);
  });

  it("syncs Strimzi, then the Kafka cluster, then the credentials, then SeaweedFS", () => {
    const wave = (name: string) => named("Application", name).metadata.annotations!["argocd.argoproj.io/sync-wave"];
    expect([wave("strimzi-kafka-operator"), wave("kafka-cluster"), wave("data-credentials"), wave("seaweedfs")]).toEqual(["0", "1", "2", "3"]);
  });
});

describe("validation of a team's data", () => {
  it("refuses topics while Kafka is not installed, naming the fix", async () => {
    const errors = await errorsOf({ "platform.yaml": replace(/  kafka:\n(    .*\n)+/, "") });
    expect(errors.map((e) => [e.code, e.file, e.path])).toEqual([
      ["data/component-missing", "teams/alpha.yaml", "/data/topics"],
      ["data/component-missing", "teams/delta.yaml", "/data/topics"],
    ]);
    expect(errors[0].hint).toContain("components.kafka");
  });

  it("refuses the reserved event-log bucket, a name too long once prefixed, and a duplicate topic", async () => {
    const errors = await errorsOf({
      "teams/alpha.yaml": replace("buckets: [raw, curated]", `buckets: [raw, eventlog, ${"x".repeat(58)}]`),
      "teams/delta.yaml": replace("- { name: clicks }", "- { name: clicks }\n    - { name: events }"),
    });
    expect(errors.map((e) => [e.code, e.path])).toEqual([
      ["data/bucket-invalid", "/data/buckets/1"],
      ["data/bucket-invalid", "/data/buckets/2"],
      ["data/topic-invalid", "/data/topics/2/name"],
    ]);
    expect(errors[1].hint).toContain("57 characters or fewer");
  });

  it("refuses a schema-invalid name: a topic with '.' could reach another team's prefix", async () => {
    const errors = await errorsOf({ "teams/alpha.yaml": replace("name: events", "name: x.events") });
    expect(errors.map((e) => e.path)).toEqual(["/data/topics/0/name"]);
  });

  it("holds topics to the platform's limits and the broker's volume", async () => {
    const limits = await errorsOf({ "teams/alpha.yaml": replace("{ name: events, partitions: 3 }", "{ name: events, partitions: 13, retention: 31d }") });
    expect(limits.map((e) => [e.code, e.path])).toEqual([
      ["data/topic-invalid", "/data/topics/0/partitions"],
      ["data/topic-invalid", "/data/topics/0/retention"],
    ]);
    const storage = await errorsOf({ "platform.yaml": replace("    namespace: kafka\n", "    namespace: kafka\n    broker: { storage: 1Gi }\n") });
    expect(storage.map((e) => e.code)).toEqual(["data/kafka-storage"]);
    expect(storage[0].message).toContain("6 partitions × 256Mi");
  });

  it("holds buckets at their quota, with the platform's jars, to the store's volume, and the quota to what SeaweedFS can set", async () => {
    const full = await errorsOf({ "platform.yaml": replace("    namespace: object-storage\n", "    namespace: object-storage\n    storage: 2Gi\n    limits: { bucketQuota: 320Mi }\n") });
    expect(full.map((e) => [e.code, e.file, e.path])).toEqual([["data/bucket-storage", "teams/delta.yaml", "/data/buckets"]]);
    expect(full[0].message).toContain("5 buckets (event-log buckets included) × 320Mi quota each");
    const tiny = await errorsOf({ "platform.yaml": replace("    namespace: object-storage\n", "    namespace: object-storage\n    limits: { bucketQuota: 1000Ki }\n") });
    expect(tiny.map((e) => [e.code, e.path])).toEqual([["data/bucket-storage", "/components/objectStorage/limits/bucketQuota"]]);
  });

  it("refuses AWS keys in the store's environment: SeaweedFS would make them an identity allowed everything", async () => {
    const errors = await errorsOf({ "platform.yaml": replace("    namespace: object-storage\n", "    namespace: object-storage\n    values:\n      allInOne:\n        extraEnvironmentVars: { AWS_ACCESS_KEY_ID: admin, AWS_SECRET_ACCESS_KEY: admin }\n") });
    expect(errors.map((e) => [e.code, e.path])).toEqual([
      ["platform/helm-values", "/components/objectStorage/values/allInOne/extraEnvironmentVars/AWS_ACCESS_KEY_ID"],
      ["platform/helm-values", "/components/objectStorage/values/allInOne/extraEnvironmentVars/AWS_SECRET_ACCESS_KEY"],
    ]);
    expect(errors[0].message).toContain("allowed everything on every bucket");
  });
});
