/**
 * Every validation rule (src/validate/semantic), in the manner of ESLint's
 * RuleTester: edits of the seed it must accept (the closest it comes to
 * firing: values at the boundary) and edits it must refuse, each with the
 * whole list of diagnostics the inputs then produce. A rule without cases
 * fails the last test. test/bad-inputs.test.ts holds the inputs that fail
 * before these rules run (YAML, the schema).
 */
import { afterEach, describe, expect, it } from "vitest";
import { loadInputs } from "../src/load/inputs.js";
import { compileInputs } from "../src/pipeline.js";
import { SEMANTIC_RULES } from "../src/validate/semantic/index.js";
import { sparkJarsBytes } from "../src/model/spark-artifacts.js";
import { expectDiagnostics, type ExpectedDiagnostic } from "./support/diagnostics.js";
import { installDataComponents, teamDataNeeds } from "./support/data-platform.js";
import { applyEdits, copyProject, replace, teamLike, type Edits, type TestProject } from "./support/project.js";

interface RuleCases {
  /** Edits the rule accepts: after each, the inputs have no diagnostic at all. */
  valid: Array<{ name: string; edit: Edits }>;
  /** Edits the rule refuses, with every diagnostic the inputs then have. */
  invalid: Array<{ name: string; edit: Edits; diagnostics: ExpectedDiagnostic[] }>;
}

/** platform.yaml with `lines` in place of the `ports:` line under `cluster:`. */
const clusterPorts = (lines: string) => replace(/^ {2}ports: .*\n/m, lines);
const network = (fields: string) => clusterPorts(`  ports: { http: 8080, https: 8443, api: 6443 }\n  network: { ${fields} }\n`);
/** Both Volcano teams on the default scheduler, without queues. */
const noVolcanoTeams: Edits = Object.fromEntries(["delta", "theta"].map((team) => [`teams/${team}.yaml`, (old: string) => replace(/^queue:\n( {2}.*\n)+/m, "")(replace("scheduler: volcano", "scheduler: default")(old))]));

/** The data components installed, with the Kafka broker's volume of this size. */
const kafkaVolume = (size: string): Edits => ({
  "platform.yaml": (old) => replace("    namespace: kafka\n", `    namespace: kafka\n    broker: { storage: ${size} }\n`)((installDataComponents["platform.yaml"] as (o: string) => string)(old)),
});

const storeVolume = (size: string): Edits => ({
  "platform.yaml": (old) => replace("    namespace: object-storage\n", `    namespace: object-storage\n    storage: ${size}\n`)((installDataComponents["platform.yaml"] as (o: string) => string)(old)),
});
// 5 team buckets × 512Mi, and the platform's jars (their bytes in src/model/spark-artifacts.ts)
const bucketsAndJars = 5 * 512 * 2 ** 20 + sparkJarsBytes();

const RULES: Record<string, RuleCases> = {
  "team/name-matches-file": {
    valid: [{ name: "a new team in its own file", edit: { "teams/alpha-2.yaml": () => teamLike("alpha", "alpha-2") } }],
    invalid: [{
      name: "a team name that is not the file's",
      edit: { "teams/alpha.yaml": replace("name: alpha", "name: alfa") },
      diagnostics: [{ file: "teams/alpha.yaml", line: 2, column: 7, code: "team/name-matches-file", message: "team name `alfa` does not match the file name teams/alpha.yaml", hint: "Rename the file to teams/alfa.yaml, or set `name: alpha`." }],
    }],
  },
  "team/unique": {
    valid: [{ name: "two teams whose names differ by a suffix", edit: { "teams/alpha-2.yaml": () => teamLike("alpha", "alpha-2") } }],
    invalid: [{
      // A copy under another file name (one that sorts after the original, which is read first): the name check fires too.
      name: "a second file for the same team",
      edit: { "teams/alpha2.yaml": () => teamLike("alpha", "alpha") },
      diagnostics: [
        { file: "teams/alpha2.yaml", line: 2, column: 7, code: "team/name-matches-file", message: "team name `alpha` does not match the file name teams/alpha2.yaml" },
        { file: "teams/alpha2.yaml", line: 2, column: 7, code: "team/unique", message: "team `alpha` is already defined in teams/alpha.yaml", hint: "Give each team its own name; the namespace and queue are derived from it." },
      ],
    }, {
      // A copy that sorts before the original: still reported on the copy, the file a pull request adds, not on teams/alpha.yaml.
      name: "a second file for the same team, read before the original",
      edit: { "teams/aardvark.yaml": () => teamLike("alpha", "alpha") },
      diagnostics: [
        { file: "teams/aardvark.yaml", line: 2, column: 7, code: "team/name-matches-file", message: "team name `alpha` does not match the file name teams/aardvark.yaml" },
        { file: "teams/aardvark.yaml", line: 2, column: 7, code: "team/unique", message: "team `alpha` is already defined in teams/alpha.yaml" },
      ],
    }],
  },
  "team/owner-not-code-owner": {
    valid: [{ name: "a GitHub team as owner", edit: { "teams/alpha.yaml": replace("  - alpha-lead@example.com", '  - "@example-org/alpha"') } }],
    invalid: [{
      name: "a bare name as owner",
      edit: { "teams/alpha.yaml": replace("  - alpha-lead@example.com", "  - alice") },
      diagnostics: [{ severity: "warning", file: "teams/alpha.yaml", line: 5, column: 5, code: "team/owner-not-code-owner", message: 'owner "alice" is not a GitHub user (@name), team (@org/team) or e-mail address, so .github/CODEOWNERS leaves it out' }],
    }],
  },
  "resources/zero": {
    valid: [{ name: "the smallest CPU request", edit: { "teams/alpha.yaml": replace('requests: { cpu: "4"', 'requests: { cpu: "1m"') } }],
    invalid: [
      {
        name: "a quota with no CPU to request",
        edit: { "teams/alpha.yaml": replace('requests: { cpu: "4"', 'requests: { cpu: "0"') },
        diagnostics: [{ file: "teams/alpha.yaml", line: 9, column: 20, code: "resources/zero", message: "quota.requests.cpu is zero, so nothing can run", hint: "Give cpu a size greater than zero." }],
      },
      {
        name: "a queue with no memory (and so less than its guarantee)",
        edit: { "teams/theta.yaml": replace('capability: { cpu: "8", memory: 16Gi }', 'capability: { cpu: "8", memory: "0" }') },
        diagnostics: [
          { file: "teams/theta.yaml", line: 17, column: 35, code: "resources/zero", message: "queue.capability.memory is zero, so nothing can run" },
          { file: "teams/theta.yaml", line: 18, column: 34, code: "queue/guarantee-exceeds-capability", message: "queue guarantee.memory (8Gi) is more than its capability.memory (0)" },
        ],
      },
    ],
  },
  "quota/requests-exceed-limits": {
    valid: [{ name: "requests equal to limits", edit: { "teams/alpha.yaml": replace('requests: { cpu: "4", memory: 8Gi }', 'requests: { cpu: "8", memory: 16Gi }') } }],
    invalid: [{
      name: "memory requests above the limits",
      edit: { "teams/alpha.yaml": replace('requests: { cpu: "4", memory: 8Gi }', 'requests: { cpu: "4", memory: 17Gi }') },
      diagnostics: [{ file: "teams/alpha.yaml", line: 9, column: 33, code: "quota/requests-exceed-limits", message: "quota requests.memory (17Gi) is more than limits.memory (16Gi)", hint: "Lower requests.memory to 16Gi or less, or raise limits.memory." }],
    }],
  },
  "limits/defaults-inconsistent": {
    valid: [{
      name: "a default request equal to the default limit, and a default limit equal to the quota",
      edit: { "teams/alpha.yaml": replace('defaultRequest: { cpu: 500m, memory: 1Gi }\n  default: { cpu: "2", memory: 2Gi }', 'defaultRequest: { cpu: "2", memory: 1Gi }\n  default: { cpu: "2", memory: 16Gi }') },
    }],
    invalid: [
      {
        name: "a default request above the default limit",
        edit: { "teams/alpha.yaml": replace("defaultRequest: { cpu: 500m", 'defaultRequest: { cpu: "3"') },
        diagnostics: [{ file: "teams/alpha.yaml", line: 13, column: 26, code: "limits/defaults-inconsistent", message: "limitRange defaultRequest.cpu (3 CPU) is more than default.cpu (2 CPU); Kubernetes would reject every defaulted container", hint: "Lower defaultRequest.cpu to 2 CPU or less." }],
      },
      {
        name: "a default limit above the whole quota",
        edit: { "teams/alpha.yaml": replace('default: { cpu: "2", memory: 2Gi }', 'default: { cpu: "2", memory: 17Gi }') },
        diagnostics: [{ file: "teams/alpha.yaml", line: 14, column: 32, code: "limits/defaults-inconsistent", message: "limitRange default.memory (17Gi) is more than the whole quota limits.memory (16Gi), so no defaulted pod could start", hint: "Lower default.memory to at most 16Gi." }],
      },
    ],
  },
  "team/queue-scheduler-mismatch": {
    valid: [{ name: "a Volcano team moved to the default scheduler without its queue", edit: { "teams/theta.yaml": (old) => replace(/^queue:\n( {2}.*\n)+/m, "")(replace("scheduler: volcano", "scheduler: default")(old)) } }],
    invalid: [
      {
        name: "a Volcano team without a queue",
        edit: { "teams/theta.yaml": replace(/^queue:\n( {2}.*\n)+/m, "") },
        diagnostics: [{ file: "teams/theta.yaml", line: 7, column: 12, code: "team/queue-scheduler-mismatch", message: "team `theta` uses Volcano but has no `queue`" }],
      },
      {
        name: "a default-scheduler team with a queue",
        edit: { "teams/theta.yaml": replace("scheduler: volcano", "scheduler: default") },
        diagnostics: [{ file: "teams/theta.yaml", line: 16, column: 3, code: "team/queue-scheduler-mismatch", message: "team `theta` uses the default scheduler, which ignores `queue`" }],
      },
    ],
  },
  "platform/volcano-missing": {
    valid: [{ name: "no Volcano, and no team that uses it", edit: { ...noVolcanoTeams, "platform.yaml": replace(/^ {2}volcano:\n( {4}.*\n)+/m, "") } }],
    invalid: [{
      name: "Volcano teams without Volcano",
      edit: { "platform.yaml": replace(/^ {2}volcano:\n( {4}.*\n)+/m, "") },
      diagnostics: ["delta", "theta"].map((team) => ({ file: `teams/${team}.yaml`, line: 7, column: 12, code: "platform/volcano-missing", message: `team \`${team}\` uses Volcano, but platform.yaml installs no Volcano` })),
    }],
  },
  "queue/guarantee-exceeds-capability": {
    valid: [{ name: "a guarantee equal to the capability", edit: { "teams/theta.yaml": replace('capability: { cpu: "8", memory: 16Gi }', 'capability: { cpu: "4", memory: 8Gi }') } }],
    invalid: [
      {
        name: "a team queue's guarantee above its capability",
        edit: { "teams/theta.yaml": replace('capability: { cpu: "8"', 'capability: { cpu: "3"') },
        diagnostics: [{ file: "teams/theta.yaml", line: 18, column: 21, code: "queue/guarantee-exceeds-capability", message: "queue guarantee.cpu (4 CPU) is more than its capability.cpu (3 CPU)", hint: "Lower guarantee.cpu to 3 CPU or less." }],
      },
      {
        name: "the default queue's guarantee above its capability",
        edit: { "platform.yaml": replace('    capability: { cpu: "4", memory: 8Gi }\n', '    capability: { cpu: "4", memory: 1Gi }\n    guarantee: { cpu: "1", memory: 2Gi }\n') },
        diagnostics: [{ file: "platform.yaml", line: 46, column: 36, code: "queue/guarantee-exceeds-capability", message: "queue guarantee.memory (2Gi) is more than its capability.memory (1Gi)" }],
      },
    ],
  },
  "queue/guarantees-exceed-cluster": {
    // The cluster: 2 + 2 × 4 = 10 CPU, 4Gi + 2 × 8Gi = 20Gi.
    valid: [{ name: "guarantees that add up to the whole cluster", edit: { "teams/theta.yaml": replace('guarantee: { cpu: "4", memory: 8Gi }', 'guarantee: { cpu: "6", memory: 12Gi }') } }],
    invalid: [{
      name: "one CPU more than the cluster",
      edit: { "teams/theta.yaml": replace('guarantee: { cpu: "4", memory: 8Gi }', 'guarantee: { cpu: "7", memory: 12Gi }') },
      diagnostics: ["delta", "theta"].map((team) => ({
        file: `teams/${team}.yaml`, line: 18, column: 14, code: "queue/guarantees-exceed-cluster",
        message: "Volcano queue guarantees add up to more than the cluster (10 CPU / 20Gi across all nodes): cpu: delta 4 CPU + theta 7 CPU = 11 CPU > 10 CPU. Volcano 1.8.2's scheduler panics on every cycle when guarantees exceed the cluster",
        hint: `Lower the guarantees (this one is ${team === "delta" ? "4 CPU / 8Gi" : "7 CPU / 12Gi"}) so that their sum is at most 10 CPU / 20Gi, drop \`guarantee\`, or add nodes in platform.yaml.`,
      })),
    }],
  },
  "platform/version-incompatible": {
    valid: [{ name: "another 1.28 patch release", edit: { "platform.yaml": replace("rancher/k3s:v1.28.15-k3s1", "rancher/k3s:v1.28.9-k3s1") } }],
    invalid: [{
      name: "Kubernetes 1.29 with Volcano 1.8",
      edit: { "platform.yaml": replace("rancher/k3s:v1.28.15-k3s1", "rancher/k3s:v1.29.15-k3s1") },
      diagnostics: [{ file: "platform.yaml", line: 38, column: 16, code: "platform/version-incompatible", message: /^Volcano 1.8 supports Kubernetes 1.19–1.28, not v1.29.15 / }],
    }],
  },
  "platform/helm-values": {
    valid: [{ name: "a value the chart has", edit: { "platform.yaml": replace("        workers: 10\n", "        workers: 10\n        replicas: 1\n") } }],
    invalid: [
      {
        name: "a misspelt value",
        edit: { "platform.yaml": replace("workers: 10", "worker: 10") },
        diagnostics: [{ file: "platform.yaml", line: 26, column: 17, code: "platform/helm-values", message: "`controller.worker` is not a value of the spark-operator 2.3.0 chart; Helm would ignore it", hint: "Did you mean `controller.workers`?" }],
      },
      {
        name: "a value the compiler owns",
        edit: { "platform.yaml": replace("      webhook:\n", "      spark:\n        jobNamespaces: [default]\n      webhook:\n") },
        diagnostics: [{ file: "platform.yaml", line: 30, column: 24, code: "platform/helm-values", message: "`spark.jobNamespaces` is set by the compiler: the namespaces of the teams, which the operator watches", hint: 'Remove it from platform.yaml; see README, "Who owns what".' }],
      },
    ],
  },
  "platform/volcano-needs-operator-webhook": {
    valid: [{ name: "the webhook off when no team uses Volcano", edit: { ...noVolcanoTeams, "platform.yaml": replace("        enable: true\n        port: 9443", "        enable: false\n        port: 9443") } }],
    invalid: [
      {
        name: "the webhook off",
        edit: { "platform.yaml": replace("        enable: true\n        port: 9443", "        enable: false\n        port: 9443") },
        diagnostics: [{ file: "platform.yaml", line: 30, column: 17, code: "platform/volcano-needs-operator-webhook", message: /^the Spark Operator webhook is off, but Volcano teams need it/, hint: "Set `webhook.enable: true`, or move every team to `scheduler: default`." }],
      },
      {
        name: "the batch scheduler support off",
        edit: { "platform.yaml": replace("batchScheduler: { enable: true }", "batchScheduler: { enable: false }") },
        diagnostics: [{ file: "platform.yaml", line: 26, column: 9, code: "platform/volcano-needs-operator-webhook", message: /^Volcano teams exist but the Spark Operator's batch scheduler support is not enabled/, hint: "Set `controller.batchScheduler.enable: true`." }],
      },
    ],
  },
  "data/component-missing": {
    valid: [{ name: "buckets and topics with object storage and Kafka installed", edit: { ...installDataComponents, ...teamDataNeeds } }],
    invalid: [{
      name: "buckets and topics on a platform without either",
      edit: teamDataNeeds,
      diagnostics: [
        { file: "teams/alpha.yaml", line: 20, column: 12, code: "data/component-missing", message: "team `alpha` declares buckets, which need Object storage (SeaweedFS), but platform.yaml does not install it" },
        { file: "teams/alpha.yaml", line: 22, column: 5, code: "data/component-missing", message: "team `alpha` declares topics, which need Kafka, but platform.yaml does not install it", hint: "Ask the platform team to add `components.kafka` to platform.yaml (README, \"Data platform\"), or remove `data.topics`." },
        { file: "teams/delta.yaml", line: 24, column: 12, code: "data/component-missing", message: /^team `delta` declares buckets/ },
        { file: "teams/delta.yaml", line: 26, column: 5, code: "data/component-missing", message: /^team `delta` declares topics/ },
      ],
    }],
  },
  "platform/component-requires": {
    valid: [{ name: "the History Server with object storage", edit: installDataComponents }],
    invalid: [{
      name: "the History Server without object storage",
      edit: { "platform.yaml": (old) => replace(/  objectStorage:\n( {4}.*\n)+/, "")((installDataComponents["platform.yaml"] as (o: string) => string)(old)) },
      diagnostics: [{ file: "platform.yaml", line: 48, column: 5, code: "platform/component-requires", message: "Spark History Server needs `components.objectStorage`, which platform.yaml does not install", hint: "Add `components.objectStorage`, or remove `components.sparkHistoryServer`." }],
    }],
  },
  "platform/kafka-version": {
    valid: [{ name: "Kafka 4.0.1, which Strimzi 0.50 runs", edit: { "platform.yaml": (old) => replace("    namespace: kafka\n", "    namespace: kafka\n    broker: { version: 4.0.1 }\n")((installDataComponents["platform.yaml"] as (o: string) => string)(old)) } }],
    invalid: [{
      name: "Kafka 3.9.0, which Strimzi 0.50 no longer runs",
      edit: { "platform.yaml": (old) => replace("    namespace: kafka\n", "    namespace: kafka\n    broker: { version: 3.9.0 }\n")((installDataComponents["platform.yaml"] as (o: string) => string)(old)) },
      diagnostics: [{ file: "platform.yaml", line: 47, column: 24, code: "platform/kafka-version", message: /^Strimzi 0.50 does not run Kafka 3.9.0: the Kafka resource would stay NotReady/, hint: "Use one of 4.0.0, 4.0.1, 4.1.0, 4.1.1." }],
    }],
  },
  "data/bucket-invalid": {
    valid: [{ name: "a bucket name of the longest length once prefixed", edit: { ...installDataComponents, ...teamDataNeeds, "teams/beta.yaml": (old) => `${old.trimEnd()}\ndata:\n  buckets: [${"b".repeat(58)}]\n` } }],
    invalid: [
      {
        name: "a name one character too long once prefixed",
        edit: { ...installDataComponents, "teams/beta.yaml": (old) => `${old.trimEnd()}\ndata:\n  buckets: [${"b".repeat(59)}]\n` },
        diagnostics: [{ file: "teams/beta.yaml", line: 20, column: 13, code: "data/bucket-invalid", message: "bucket `beta-" + "b".repeat(59) + "` is 64 characters long; S3 allows 63", hint: "Shorten `" + "b".repeat(59) + "` to 58 characters or fewer (the platform prefixes `beta-`)." }],
      },
      {
        name: "the reserved event-log bucket, more buckets than allowed",
        edit: { ...installDataComponents, "teams/beta.yaml": (old) => `${old.trimEnd()}\ndata:\n  buckets: [a, b, c, d, e, eventlog]\n` },
        diagnostics: [
          { file: "teams/beta.yaml", line: 20, column: 12, code: "data/bucket-invalid", message: "team `beta` declares 6 buckets; platform.yaml allows 5 per team (components.objectStorage.limits.maxBucketsPerTeam)" },
          { file: "teams/beta.yaml", line: 20, column: 28, code: "data/bucket-invalid", message: "bucket `eventlog` is reserved: the platform keeps team `beta`'s Spark event logs in `beta-eventlog`", hint: "Choose another name." },
        ],
      },
      {
        name: "the platform's own bucket, asked for by a team named platform",
        edit: { ...installDataComponents, "teams/platform.yaml": () => `${teamLike("alpha", "platform").trimEnd()}\ndata:\n  buckets: [artifacts]\n` },
        diagnostics: [{ file: "teams/platform.yaml", line: 20, column: 13, code: "data/bucket-invalid", message: "bucket `platform-artifacts` is the platform's own" }],
      },
    ],
  },
  "data/topic-invalid": {
    valid: [{ name: "topics at the limits: 12 partitions, 30 days", edit: { ...teamDataNeeds, ...kafkaVolume("8Gi"), "teams/beta.yaml": (old) => `${old.trimEnd()}\ndata:\n  topics:\n    - { name: a, partitions: 12, retention: 30d }\n    - { name: b, partitions: 12, retention: 720h }\n` } }],
    invalid: [
      {
        name: "a duplicate, too many partitions, too long a retention",
        edit: { ...kafkaVolume("8Gi"), "teams/beta.yaml": (old) => `${old.trimEnd()}\ndata:\n  topics:\n    - { name: a, partitions: 13 }\n    - { name: a, retention: 31d }\n    - { name: b, partitions: 12 }\n` },
        diagnostics: [
          { file: "teams/beta.yaml", line: 21, column: 5, code: "data/topic-invalid", message: "team `beta`'s topics have 26 partitions in all; platform.yaml allows 24 per team (components.kafka.limits.maxPartitionsPerTeam)" },
          { file: "teams/beta.yaml", line: 21, column: 30, code: "data/topic-invalid", message: "13 partitions exceed components.kafka.limits.maxPartitionsPerTopic (12) in platform.yaml", hint: "Use 12 or fewer, or ask the platform team to raise the limit." },
          { file: "teams/beta.yaml", line: 22, column: 15, code: "data/topic-invalid", message: "topic `a` is declared twice (also /data/topics/0)", hint: "Remove one of them." },
          { file: "teams/beta.yaml", line: 22, column: 29, code: "data/topic-invalid", message: "retention 31d exceeds components.kafka.limits.maxRetention (30d) in platform.yaml" },
        ],
      },
    ],
  },
  "data/kafka-storage": {
    // 6 partitions × 256Mi = 1.5Gi
    valid: [{ name: "all partitions' retention bytes exactly filling the broker's volume", edit: { ...teamDataNeeds, ...kafkaVolume("1536Mi") } }],
    invalid: [{
      name: "one MiB less",
      edit: { ...teamDataNeeds, ...kafkaVolume("1535Mi") },
      diagnostics: [{ file: "teams/delta.yaml", line: 26, column: 5, code: "data/kafka-storage", message: /^all teams' topics have 6 partitions × 256Mi retention each = 1.5Gi, more than the Kafka broker's volume \(1535Mi\)/ }],
    }],
  },
  "data/bucket-storage": {
    valid: [{ name: "all buckets at their quota, with the jars, exactly filling the store's volume", edit: { ...teamDataNeeds, ...storeVolume(String(bucketsAndJars)) } }],
    invalid: [{
      name: "one byte less",
      edit: { ...teamDataNeeds, ...storeVolume(String(bucketsAndJars - 1)) },
      diagnostics: [{ file: "teams/delta.yaml", line: 24, column: 12, code: "data/bucket-storage", message: /^all teams' 5 buckets \(event-log buckets included\) × 512Mi quota each, with the platform's jars \(542Mi\), make 3Gi, more than the object store's volume/ }],
    }],
  },
  // Every way a range can be wrong: test/cluster-network.test.ts.
  "platform/cluster-network": {
    valid: [{ name: "the defaults written out", edit: { "platform.yaml": network("subnet: 172.28.0.0/16, serviceCIDR: 10.43.0.0/16, clusterCIDR: 10.42.0.0/16") } }],
    invalid: [{
      name: "a network address with host bits set",
      edit: { "platform.yaml": network("subnet: 172.28.5.0/16") },
      diagnostics: [{ file: "platform.yaml", line: 11, column: 22, code: "platform/cluster-network", message: "cluster.network.subnet 172.28.5.0/16 is not a network address: its host bits are set", hint: "Write 172.28.0.0/16." }],
    }],
  },
  "platform/ports-exposed": {
    valid: [{ name: "another loopback address", edit: { "platform.yaml": clusterPorts('  ports: { http: 8080, https: 8443, api: 6443, bindAddress: "127.0.0.2" }\n') } }],
    invalid: [{
      name: "every interface",
      edit: { "platform.yaml": clusterPorts('  ports: { http: 8080, https: 8443, api: 6443, bindAddress: "0.0.0.0" }\n') },
      diagnostics: [{ severity: "warning", file: "platform.yaml", line: 10, column: 61, code: "platform/ports-exposed", message: "cluster.ports.bindAddress 0.0.0.0 publishes the Kubernetes API (port 6443) and the ingress (ports 8080, 8443) beyond this machine" }],
    }],
  },
  "input/schema-line": {
    valid: [{ name: "the schema line followed by a comment", edit: { "teams/alpha.yaml": replace("\nname: alpha\n", "\n# Alpha's batch jobs.\nname: alpha\n") } }],
    invalid: [
      {
        name: "a team file without it",
        edit: { "teams/alpha.yaml": (old) => old.split("\n").slice(1).join("\n") },
        diagnostics: [{ severity: "warning", file: "teams/alpha.yaml", line: 1, column: 1, code: "input/schema-line", message: "teams/alpha.yaml does not start with its schema line, so editors cannot check it as you type", hint: "Make the first line: # yaml-language-server: $schema=../schemas/team.schema.json" }],
      },
      {
        // The line is about the file's first line, not the first key under the comments (line 4).
        name: "platform.yaml with another first line",
        edit: { "platform.yaml": replace("# yaml-language-server: $schema=./schemas/platform.schema.json", "# The platform.") },
        diagnostics: [{ severity: "warning", file: "platform.yaml", line: 1, column: 1, code: "input/schema-line", message: "platform.yaml does not start with its schema line, so editors cannot check it as you type", hint: "Make the first line: # yaml-language-server: $schema=./schemas/platform.schema.json" }],
      },
    ],
  },
};

let project: TestProject | undefined;
afterEach(() => project?.cleanup());

async function diagnosticsAfter(edit: Edits) {
  project = copyProject();
  applyEdits(project, edit);
  return compileInputs(await loadInputs(project.root)).diagnostics;
}

describe.each(Object.entries(RULES))("%s", (code, { valid, invalid }) => {
  it.each(valid)("accepts $name", async ({ edit }) => {
    expectDiagnostics(await diagnosticsAfter(edit), []);
  });

  it.each(invalid)("reports $name", async ({ edit, diagnostics }) => {
    expect(diagnostics.map((d) => d.code), "a case of this rule expects its code").toContain(code);
    expectDiagnostics(await diagnosticsAfter(edit), diagnostics);
  });
});

it("has valid and invalid cases for every validation rule", () => {
  expect(Object.keys(RULES).sort()).toEqual(SEMANTIC_RULES.map((rule) => rule.id).sort());
  for (const [code, { valid, invalid }] of Object.entries(RULES)) expect([code, valid.length > 0, invalid.length > 0]).toEqual([code, true, true]);
});
