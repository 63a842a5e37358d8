/**
 * Policy rules: each fed the seed (valid, or the seed's known warnings) and
 * variants that break it, with the exact code, severity, file and line.
 * Variants start from a copy of the seed's inputs; the RBAC, naming and
 * version rules also get synthesized objects mutated in the test, since no
 * team file can ask for such objects.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import { compile, type CompileResult } from "../src/pipeline.js";
import { POLICY_RULES, runPolicy, UNKNOWN_RULE } from "../src/policy/index.js";
import { installDataComponents, teamDataNeeds } from "./support/data-platform.js";
import { queueShares } from "../src/model/queue-shares.js";
import { roomForNewQueue } from "../src/policy/capacity.js";
import type { KubeObject, Synthesis } from "../src/synth/object.js";
import { SEED_WARNINGS, where } from "./support/diagnostics.js";
import { repoRoot } from "./support/paths.js";
import { applyEdits, copyProject, replace, teamLike, type Edits } from "./support/project.js";

/** The seed with `edit` applied, compiled (no error allowed: policy runs on valid platforms). */
async function variant(edit: Edits = {}): Promise<Required<Pick<CompileResult, "model" | "synthesis">>> {
  const project = copyProject();
  try {
    applyEdits(project, edit);
    const result = await compile(project.root);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    return { model: result.model!, synthesis: result.synthesis! };
  } finally {
    project.cleanup();
  }
}

const policy = (c: { model: CompileResult["model"]; synthesis: CompileResult["synthesis"] }) => runPolicy(c.model!, c.synthesis!, POLICY_RULES);
const of = (code: string, diagnostics: Diagnostic[]) => diagnostics.filter((d) => d.code === code);

let seed: Awaited<ReturnType<typeof variant>>;
const seeded = async () => (seed ??= await variant());

describe("the registry", () => {
  it("has unique kebab-case ids, a description, a default severity and a README anchor per rule", () => {
    const ids = POLICY_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of POLICY_RULES) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.description.length).toBeGreaterThan(20);
      expect(["error", "warn"]).toContain(rule.defaultSeverity);
      expect(rule.docs).toBe(`README.md#${rule.id}`);
    }
  });
});

describe("the documentation", () => {
  it("lists every rule with its default severity and description, under a heading that is its docs anchor", () => {
    const docs = readFileSync(path.join(repoRoot, "README.md"), "utf8");
    for (const rule of POLICY_RULES) {
      expect(docs).toContain(`| [\`${rule.id}\`](#${rule.id}) | ${rule.defaultSeverity} | ${rule.description} |`);
      expect(docs).toMatch(new RegExp(`^#+ ${rule.id}$`, "m"));
    }
  });
});

describe("the seed", () => {
  it("has exactly its known warnings, with their positions", async () => {
    expect(policy(await seeded()).map(where)).toEqual(SEED_WARNINGS);
  });

  it("reports the requests overcommit with its numbers: 20 CPU of requests on 8 worker CPUs", async () => {
    const [requests, limits] = of("capacity-overcommit", policy(await seeded()));
    expect(requests.message).toContain("quota requests add up to 2.5×");
    expect(requests.message).toContain("CPU 20 CPU / 8 CPU = 2.5×, memory 40Gi / 16Gi = 2.5×");
    expect(requests.message).toContain("within the threshold of 3×");
    expect(limits.message).toContain("CPU 32 CPU / 8 CPU = 4×, memory 64Gi / 16Gi = 4×");
  });

  it("says once that default-scheduler pods eat into Volcano's guarantees, with the numbers", async () => {
    const [mixed] = of("mixed-schedulers", policy(await seeded()));
    expect(mixed.message).toContain("teams alpha, beta use the default scheduler and teams delta, theta use Volcano");
    expect(mixed.message).toContain("up to 8 CPU / 16Gi");
    expect(mixed.message).toContain("can fall short by 6 CPU / 12Gi");
  });

  it("computes Volcano's real capabilities as min(cluster − guarantees + own guarantee, capability)", async () => {
    const { model } = await seeded();
    const shares = queueShares(model);
    expect(shares.cluster).toEqual({ cpu: 10_000, memory: 20 * 2 ** 30 });
    expect(shares.totalGuarantee).toEqual({ cpu: 8000, memory: 16 * 2 ** 30 });
    expect(shares.queues.map((q) => [q.queue.name, q.weightShare, q.realCapability.cpu, q.realCapability.memory / 2 ** 30])).toEqual([
      ["default", 0.2, 2000, 4],
      ["delta", 0.4, 6000, 12],
      ["theta", 0.4, 6000, 12],
    ]);
    expect(roomForNewQueue(model)).toEqual({ cpu: 2000, memory: 4 * 2 ** 30 });
  });
});

describe("severities come from platform.yaml", () => {
  it("turns a rule off, raises another to error, and refuses an unknown id with a suggestion", async () => {
    const result = policy(await variant({
      "platform.yaml": replace("  overcommit: { requests: 3, limits: 4 }\n", "  overcommit: { requests: 3, limits: 4 }\n  rules: { mixed-schedulers: off, volcano-guarantees: error, capacity-overcomit: warn }\n"),
    }));
    expect(of("mixed-schedulers", result)).toEqual([]);
    expect(of("volcano-guarantees", result).map((d) => d.severity)).toEqual(["error", "error", "error"]);
    const [unknown] = of(UNKNOWN_RULE, result);
    expect(where(unknown)).toBe("error policy/unknown-rule platform.yaml:49:82");
    expect(unknown.hint).toContain("Did you mean `capacity-overcommit`?");
  });
});

describe("capacity-threshold", () => {
  it("reports when the summed limits exceed policy.overcommit.limits, at the threshold in platform.yaml", async () => {
    const result = policy(await variant({ "teams/gamma.yaml": teamLike("alpha", "gamma") }));
    const [limits] = of("capacity-threshold", result);
    expect(where(limits)).toBe("warning capacity-threshold platform.yaml:48:38");
    expect(limits.message).toContain("CPU 40 CPU / 8 CPU = 5×, memory 80Gi / 16Gi = 5×");
    expect(of("capacity-overcommit", result).map((d) => d.message.slice(0, 40))).toEqual(["the teams' quota requests add up to 3× w"]);
  });

  it("stays quiet when the platform has room", async () => {
    const result = policy(await variant({ "platform.yaml": replace('agents: { count: 2, cpu: "4", memory: 8Gi }', 'agents: { count: 8, cpu: "4", memory: 8Gi }') }));
    expect(of("capacity-threshold", result)).toEqual([]);
    expect(of("capacity-overcommit", result)).toEqual([]);
  });
});

describe("quota-within-cluster", () => {
  // The seed's cluster: 1 server of 2 CPU / 4Gi and 2 agents of 4 CPU / 8Gi = 10 CPU / 20Gi.
  it("refuses one team's quota of 1000 CPU on a 10 CPU cluster, at each value's line, with the cluster's size and the fix", async () => {
    const result = policy(await variant({
      "teams/alpha.yaml": (old) => replace('requests: { cpu: "4", memory: 8Gi }', 'requests: { cpu: "1000", memory: 8Gi }')(replace('limits: { cpu: "8", memory: 16Gi }', 'limits: { cpu: "1000", memory: 21Gi }')(old)),
    }));
    const findings = of("quota-within-cluster", result);
    expect(findings.map(where)).toEqual([
      "error quota-within-cluster teams/alpha.yaml:9:20",
      "error quota-within-cluster teams/alpha.yaml:10:18",
      "error quota-within-cluster teams/alpha.yaml:10:34",
    ]);
    expect(findings.map((d) => [d.message, d.hint])).toEqual([
      [
        "teams/alpha.yaml: team `alpha`'s quota requests.cpu of 1000 CPU is more than the whole cluster can allocate (10 CPU of cpu: 1 server of 2 CPU / 4Gi and 2 agents of 4 CPU / 8Gi), so it limits nothing and the team could take every node from the other teams",
        "Lower quota.requests.cpu in teams/alpha.yaml to at most 10 CPU (what the team really needs is usually far less), or add nodes to the cluster in platform.yaml first.",
      ],
      [
        "teams/alpha.yaml: team `alpha`'s quota limits.cpu of 1000 CPU is more than the whole cluster can allocate (10 CPU of cpu: 1 server of 2 CPU / 4Gi and 2 agents of 4 CPU / 8Gi), so it limits nothing and the team could take every node from the other teams",
        "Lower quota.limits.cpu in teams/alpha.yaml to at most 10 CPU (what the team really needs is usually far less), or add nodes to the cluster in platform.yaml first.",
      ],
      [
        "teams/alpha.yaml: team `alpha`'s quota limits.memory of 21Gi is more than the whole cluster can allocate (20Gi of memory: 1 server of 2 CPU / 4Gi and 2 agents of 4 CPU / 8Gi), so it limits nothing and the team could take every node from the other teams",
        "Lower quota.limits.memory in teams/alpha.yaml to at most 20Gi (what the team really needs is usually far less), or add nodes to the cluster in platform.yaml first.",
      ],
    ]);
  });

  it("lets a quota equal the whole cluster, and counts the servers in it", async () => {
    const result = policy(await variant({ "teams/alpha.yaml": replace('limits: { cpu: "8", memory: 16Gi }', 'limits: { cpu: "10", memory: 20Gi }') }));
    expect(of("quota-within-cluster", result)).toEqual([]);
  });

  it("follows the cluster: more agents make room for the same quota", async () => {
    const big = (old: string) => replace('limits: { cpu: "8", memory: 16Gi }', 'limits: { cpu: "16", memory: 16Gi }')(old);
    expect(of("quota-within-cluster", policy(await variant({ "teams/alpha.yaml": big }))).map(where)).toEqual(["error quota-within-cluster teams/alpha.yaml:10:18"]);
    const grown = await variant({ "teams/alpha.yaml": big, "platform.yaml": replace('agents: { count: 2, cpu: "4", memory: 8Gi }', 'agents: { count: 4, cpu: "4", memory: 8Gi }') });
    expect(of("quota-within-cluster", policy(grown))).toEqual([]);
  });
});

describe("volcano-guarantees", () => {
  it("is quiet without guarantees", async () => {
    const drop = replace(/^  guarantee: .*\n/m, "");
    const result = policy(await variant({ "teams/theta.yaml": drop, "teams/delta.yaml": drop }));
    expect(of("volcano-guarantees", result)).toEqual([]);
  });
});

describe("queue-guarantee-within-quota", () => {
  it("refuses a guarantee the quota cannot hold", async () => {
    const result = policy(await variant({ "teams/theta.yaml": replace('requests: { cpu: "6", memory: 12Gi }', 'requests: { cpu: "3", memory: 12Gi }') }));
    const [finding] = of("queue-guarantee-within-quota", result);
    expect(where(finding)).toBe("error queue-guarantee-within-quota teams/theta.yaml:18:21");
    expect(finding.message).toContain("guarantees 4 CPU of cpu, more than the quota lets team `theta` request (3 CPU)");
  });
});

describe("job-fits-quota and quota-pods-fit-job", () => {
  it("refuses a job larger than the quota, in CPU and pods", async () => {
    const result = policy(await variant({
      "teams/alpha.yaml": (old) => replace("instances: 2", "instances: 5")(replace("pods: 10", "pods: 4")(old)),
    }));
    expect(of("job-fits-quota", result).map(where)).toEqual(["error job-fits-quota teams/alpha.yaml:9:20"]);
    expect(of("job-fits-quota", result)[0].message).toContain("needs 6 CPU of cpu (driver 1 CPU / 896Mi + 5 executors × 1 CPU / 896Mi = 6 CPU / 5.25Gi), more than its quota requests.cpu of 4 CPU: the ResourceQuota would refuse some of its pods");
    expect(of("quota-pods-fit-job", result).map(where)).toEqual(["error quota-pods-fit-job teams/alpha.yaml:11:9"]);
    expect(of("quota-pods-fit-job", result)[0].message).toBe("quota.pods is 4, but team `alpha`'s job runs 6 pods (1 driver + 5 executors)");
  });
});

describe("job-fits-queue", () => {
  it("refuses a job larger than the queue's capability", async () => {
    const tight = policy(await variant({
      "teams/theta.yaml": (old) => replace('capability: { cpu: "8", memory: 16Gi }', 'capability: { cpu: "2", memory: 16Gi }')(replace('guarantee: { cpu: "4", memory: 8Gi }', 'guarantee: { cpu: "2", memory: 8Gi }')(old)),
    }));
    expect(of("job-fits-queue", tight).map(where)).toEqual(["error job-fits-queue teams/theta.yaml:20:3"]);
    expect(of("job-fits-queue", tight)[0].message).toContain("can get at most 2 CPU / 12Gi (its capability)");
  });

  it("refuses a job that the other queues' guarantees leave no room for", async () => {
    const epsilon = teamLike("theta", "epsilon").replace('guarantee: { cpu: "4", memory: 8Gi }', 'guarantee: { cpu: "1", memory: 2Gi }');
    const result = policy(await variant({ "teams/epsilon.yaml": epsilon }));
    expect(of("job-fits-queue", result).map(where)).toEqual(["error job-fits-queue teams/epsilon.yaml:20:3"]);
    expect(of("job-fits-queue", result)[0].message).toContain(
      "team `epsilon`'s job needs 3 CPU / 2688Mi at once (driver 1 CPU / 896Mi + 2 executors × 1 CPU / 896Mi = 3 CPU / 2688Mi), but queue `epsilon` can get at most 2 CPU / 4Gi (its capability, less the other queues' guarantees)",
    );
    const small = policy(await variant({ "teams/epsilon.yaml": epsilon.replace("instances: 2", "instances: 1") }));
    expect(of("job-fits-queue", small)).toEqual([]);
  });
});

describe("mixed-schedulers", () => {
  // The seed: 10 CPU / 20Gi in all, guarantees 8 CPU / 16Gi, so 2 CPU / 4Gi beside them; beta requests 4 CPU / 8Gi.
  const withAlpha = (requests: string) => variant({ "teams/alpha.yaml": replace('requests: { cpu: "4", memory: 8Gi }\n  limits: { cpu: "8", memory: 16Gi }', `requests: ${requests}\n  limits: { cpu: "16", memory: 32Gi }`) });

  it("says by how much the guarantees can fall short: what default-scheduler pods may request less the room beside the guarantees", async () => {
    // alpha 5 CPU / 10Gi + beta 4 CPU / 8Gi = 9 CPU / 18Gi; 9 − 2 = 7 CPU, 18 − 4 = 14Gi of the 8 CPU / 16Gi.
    const [mixed] = of("mixed-schedulers", policy(await withAlpha('{ cpu: "5", memory: 10Gi }')));
    expect(mixed.message).toMatch(/which the quotas of teams alpha, beta let request up to 9 CPU \/ 18Gi; when they do, the queues' guarantees \(8 CPU \/ 16Gi\) can fall short by 7 CPU \/ 14Gi$/);
  });

  it("never says the guarantees fall short by more than they are", async () => {
    // alpha 8 CPU / 16Gi + beta = 12 CPU / 24Gi, more than the 10 CPU / 20Gi there are: the pods can take the cluster, so all 8 CPU / 16Gi.
    const [mixed] = of("mixed-schedulers", policy(await withAlpha('{ cpu: "8", memory: 16Gi }')));
    expect(mixed.message).toMatch(/let request up to 12 CPU \/ 24Gi; when they do, nothing is left of the queues' guarantees \(8 CPU \/ 16Gi\)$/);
  });

  it("is quiet when every team uses Volcano", async () => {
    const result = policy(await variantWithout(["alpha", "beta"]));
    expect(of("mixed-schedulers", result)).toEqual([]);
  });
});

async function variantWithout(teams: string[]) {
  const project = copyProject();
  try {
    for (const t of teams) project.remove(`teams/${t}.yaml`);
    const result = await compile(project.root);
    return { model: result.model!, synthesis: result.synthesis! };
  } finally {
    project.cleanup();
  }
}

/** The seed's synthesis with one object changed in place. */
async function mutated(dir: string, kind: string, change: (o: KubeObject) => void): Promise<{ model: CompileResult["model"]; synthesis: Synthesis }> {
  const { model, synthesis } = await variant();
  const object = synthesis.builds.find((b) => b.dir === dir)!.objects.find((o) => o.kind === kind)!;
  change(object);
  return { model, synthesis };
}

describe("rbac-least-privilege (no team file can widen RBAC: the schema has no RBAC, so the objects are mutated)", () => {
  const overlay = "generated/tenants/overlays/theta";
  const rules = (o: KubeObject) => o.rules as Array<Record<string, string[]>>;

  it("finds nothing in the seed", async () => {
    expect(of("rbac-least-privilege", policy(await seeded()))).toEqual([]);
  });

  it.each([
    ["write to secrets", (o: KubeObject) => rules(o).push({ apiGroups: [""], resources: ["secrets"], verbs: ["get", "create"] }), "Role theta-spark-driver grants write access to secrets"],
    ["a wildcard", (o: KubeObject) => rules(o).push({ apiGroups: ["batch"], resources: ["*"], verbs: ["get"] }), "Role theta-spark-driver grants a wildcard in resources"],
    ["escalate", (o: KubeObject) => rules(o).push({ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["escalate", "bind"] }), "Role theta-spark-driver grants the escalate, bind verbs"],
    ["its own namespace", (o: KubeObject) => rules(o).push({ apiGroups: [""], resources: ["namespaces"], verbs: ["patch"] }), "Role theta-spark-driver grants write to cluster-scoped namespaces"],
  ])("refuses a Role with %s", async (_name, change, message) => {
    const result = of("rbac-least-privilege", policy(await mutated(overlay, "Role", change)));
    expect(result.map(where)).toEqual(["error rbac-least-privilege teams/theta.yaml:2:7"]);
    expect(result[0].message).toBe(`tenant \`theta\`: ${message}`);
  });

  it("refuses cluster-wide write, a binding to a role not the team's own, and an open AppProject", async () => {
    const wide = await variant();
    rules(wide.synthesis.builds.find((b) => b.dir === "generated/platform/namespaces")!.objects.find((o) => o.metadata.name === "theta-queue-reader")!)[0].verbs = ["get", "update"];
    expect(of("rbac-least-privilege", policy(wide)).map((d) => d.message)).toEqual(["tenant `theta`: ClusterRole theta-queue-reader grants cluster-wide write (update on queues)"]);
    const bound = await mutated(overlay, "RoleBinding", (o) => { o.roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" }; });
    expect(of("rbac-least-privilege", policy(bound)).map((d) => d.message)).toEqual([
      "tenant `theta`: RoleBinding theta-spark-driver binds ClusterRole admin, which is not the team's own (its permissions are not checked here and may be broad)",
    ]);
    const open = await variant();
    const project = open.synthesis.builds.find((b) => b.dir === "generated/applications")!.objects.find((o) => o.metadata.name === "team-theta")!;
    Object.assign(project.spec as object, { clusterResourceWhitelist: [{ group: "*", kind: "*" }], sourceRepos: ["*"] });
    (project.spec as { namespaceResourceWhitelist: unknown[] }).namespaceResourceWhitelist.push({ group: "", kind: "Secret" });
    expect(of("rbac-least-privilege", policy(open)).map((d) => d.message)).toEqual([
      "tenant `theta`: AppProject team-theta lets the team's Application create cluster-scoped objects (clusterResourceWhitelist is not empty)",
      "tenant `theta`: AppProject team-theta lets the team's Application deploy from any repository",
      "tenant `theta`: AppProject team-theta allows core/Secret, which the team's overlay does not render",
    ]);
    delete (project.spec as { namespaceResourceWhitelist?: unknown }).namespaceResourceWhitelist;
    expect(of("rbac-least-privilege", policy(open)).map((d) => d.message)).toContain("tenant `theta`: AppProject team-theta lets the team's Application create any namespaced kind (no namespaceResourceWhitelist)");
  });
});

describe("data-isolation (the schema cannot widen a team's access, so the generated objects are mutated)", () => {
  const dataPlatform = () => variant({ ...installDataComponents, ...teamDataNeeds });

  it("passes what the compiler generates for teams with buckets and topics", async () => {
    expect(of("data-isolation", policy(await dataPlatform()))).toEqual([]);
  });

  it("refuses a KafkaUser allowed beyond its team's prefix", async () => {
    const c = await dataPlatform();
    const user = c.synthesis.builds.flatMap((b) => b.objects).find((o) => o.kind === "KafkaUser" && o.metadata.name === "team-alpha")!;
    const acls = (user.spec as { authorization: { acls: Array<{ resource: { name: string } }> } }).authorization.acls;
    acls[0].resource.name = "alpha";
    acls[1].resource.name = "delta.";
    expect(of("data-isolation", policy(c)).map((d) => `${d.file} ${d.message}`)).toEqual([
      "teams/alpha.yaml KafkaUser kafka/team-alpha is allowed on topic prefix `alpha`, outside `alpha.`",
      "teams/alpha.yaml KafkaUser kafka/team-alpha is allowed on group prefix `delta.`, outside `alpha.`",
    ]);
  });

  it("refuses an S3 identity with a wildcard, another team's bucket, or keys sent to another namespace", async () => {
    const c = await dataPlatform();
    const config = c.synthesis.builds.flatMap((b) => b.objects).find((o) => o.metadata.name === "data-credentials-config")!;
    const data = config.data as Record<string, string>;
    const parsed = JSON.parse(data["config.json"]) as { objectStorage: { identities: Array<{ name: string; actions: string[]; deliverTo?: Array<{ namespace: string }> }> } };
    const alpha = parsed.objectStorage.identities.find((i) => i.name === "team-alpha")!;
    alpha.actions.push("Read:alpha-raw*", "Read:delta-raw");
    alpha.deliverTo![0].namespace = "team-delta";
    parsed.objectStorage.identities.find((i) => i.name === "spark-history")!.actions.push("Write:alpha-eventlog");
    data["config.json"] = JSON.stringify(parsed);
    expect(of("data-isolation", policy(c)).map((d) => `${d.file} ${d.message}`)).toEqual([
      "platform.yaml S3 identity `spark-history` may `Write:alpha-eventlog`",
      "teams/alpha.yaml S3 identity `team-alpha` has the wildcard action `Read:alpha-raw*`",
      "teams/alpha.yaml S3 identity `team-alpha` may `Read:delta-raw`",
      "teams/alpha.yaml S3 identity `team-alpha`'s keys go to namespace team-delta, not team-alpha",
    ]);
  });
});

describe("naming-labels", () => {
  it("refuses a tenant object without its team's prefix and labels, outside its namespace", async () => {
    const result = policy(await mutated("generated/tenants/overlays/alpha", "ServiceAccount", (o) => {
      o.metadata.name = "sa";
      o.metadata.namespace = "default";
      delete o.metadata.labels!["spark-platform.io/team"];
    }));
    expect(of("naming-labels", result).map(where)).toEqual(["error naming-labels teams/alpha.yaml:2:7"]);
    expect(of("naming-labels", result)[0].message).toBe(
      "ServiceAccount default/sa (generated/tenants/overlays/alpha): label spark-platform.io/team is not alpha; its name does not start with alpha-; it is not in namespace team-alpha",
    );
  });

  it("refuses a platform object without the platform's labels, and an invalid name", async () => {
    const result = policy(await mutated("generated/platform/queues", "Queue", (o) => {
      o.metadata.name = "Default_Queue";
      delete o.metadata.labels!["app.kubernetes.io/part-of"];
    }));
    expect(of("naming-labels", result).map((d) => `${d.file} ${d.message}`)).toEqual([
      "platform.yaml Queue Default_Queue (generated/platform/queues): its name is not a valid DNS-1123 subdomain; label app.kubernetes.io/part-of is not spark-platform",
    ]);
  });
});

describe("version-compatibility", () => {
  it("shares the version matrix with validation, and checks the admission policies' API version", async () => {
    const { model, synthesis } = await variant();
    expect(of("version-compatibility", policy({ model, synthesis }))).toEqual([]);
    model!.kubernetes = { major: 1, minor: 31, patch: 0, gitVersion: "v1.31.0" };
    const result = of("version-compatibility", policy({ model, synthesis }));
    expect(result.find((d) => d.path === "/components/volcano/chart/version")!.message).toMatch(/^Volcano 1.8 supports Kubernetes 1.19–1.28, not v1.31.0/);
    const policies = synthesis.builds.flatMap((b) => b.objects).filter((o) => o.kind === "ValidatingAdmissionPolicy");
    expect(policies.length).toBeGreaterThanOrEqual(4);
    expect(result.filter((d) => d.message.includes("ValidatingAdmissionPolicy ")).length).toBe(policies.length);
    expect(result.find((d) => d.message.includes("ValidatingAdmissionPolicy "))!.message).toContain("uses admissionregistration.k8s.io/v1beta1, but Kubernetes v1.31.0 serves it as admissionregistration.k8s.io/v1");
  });
});
