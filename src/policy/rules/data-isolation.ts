import { allBuckets, ARTIFACTS_BUCKET, dataPrincipal, HISTORY_IDENTITY, kafkaPrefix } from "../../model/data.js";
import { objectId } from "../../model/object-id.js";
import type { PlatformModel, TeamModel } from "../../model/platform-model.js";
import { LABELS, type KubeObject } from "../../synth/object.js";
import { docsAnchor, type PolicyRule } from "../rule.js";

interface Acl { type: string; resource: { type: string; name: string; patternType: string }; operations: string[] }
interface Identity { name: string; actions: string[]; deliverTo?: Array<{ namespace: string }> }

/** The team a principal (`team-<name>`) belongs to. */
const teamOfPrincipal = (model: PlatformModel, principal: string): TeamModel | undefined => model.teams.find((t) => dataPrincipal(t.name) === principal);

/** What is wrong with a KafkaUser's access: anything beyond its team's prefix. */
function kafkaUserProblems(user: KubeObject, team: TeamModel | undefined): string[] {
  if (!team) return [`${objectId(user, " ")} is no team's user`];
  const prefix = kafkaPrefix(team.name);
  const acls = ((user.spec as { authorization?: { acls?: Acl[] } }).authorization?.acls) ?? [];
  return acls.flatMap((acl) => {
    const { type, name, patternType } = acl.resource;
    if (acl.type !== "allow") return [];
    if (type !== "topic" && type !== "group") return [`${objectId(user, " ")} is allowed on a ${type}`];
    // A literal name inside the prefix, or the prefix itself (or a longer one): never a shorter prefix, which would reach other teams.
    return name.startsWith(prefix) ? [] : [`${objectId(user, " ")} is allowed on ${type} ${patternType === "prefix" ? "prefix " : ""}\`${name}\`, outside \`${prefix}\``];
  });
}

/** What is wrong with an S3 identity: a wildcard, or a bucket that is not its own. */
function identityProblems(model: PlatformModel, identity: Identity): string[] {
  const problems = identity.actions.filter((a) => /[*?]/.test(a)).map((a) => `S3 identity \`${identity.name}\` has the wildcard action \`${a}\``);
  const buckets = (allowed: string[], actions: string[]) =>
    identity.actions.filter((a) => !/[*?]/.test(a)).flatMap((a) => {
      const [action, bucket] = a.split(":");
      return bucket !== undefined && allowed.includes(bucket) && actions.includes(action) ? [] : [`S3 identity \`${identity.name}\` may \`${a}\``];
    });
  const team = teamOfPrincipal(model, identity.name);
  if (team) {
    problems.push(...buckets(allBuckets(team.data), ["Read", "Write", "List", "Tagging"]));
    for (const d of identity.deliverTo ?? []) if (d.namespace !== team.namespace) problems.push(`S3 identity \`${identity.name}\`'s keys go to namespace ${d.namespace}, not ${team.namespace}`);
  } else if (identity.name === HISTORY_IDENTITY.name) {
    problems.push(...buckets(model.teams.flatMap((t) => (t.data.eventLogBucket ? [t.data.eventLogBucket] : [])), ["Read", "List"]));
  } else if (identity.name === "anonymous") {
    problems.push(...buckets([ARTIFACTS_BUCKET], ["Read"]));
  } else {
    problems.push(`S3 identity \`${identity.name}\` belongs to no team and is not one of the platform's`);
  }
  return problems;
}

/**
 * No team reaches another's data, whatever the compiler generated: each
 * KafkaUser is allowed only on topics and groups under its team's prefix,
 * each S3 identity only on its team's buckets (and without wildcards, which
 * SeaweedFS matches against object keys too), the History Servers only read
 * event logs, and anonymous requests only read the public jars.
 */
export const dataIsolation: PolicyRule = {
  id: "data-isolation",
  defaultSeverity: "error",
  description: "Kafka ACLs and S3 identities never reach another team's topics, groups or buckets.",
  docs: docsAnchor("data-isolation"),
  check({ model, synthesis, report }) {
    const objects = synthesis.builds.flatMap((b) => b.objects);
    for (const user of objects.filter((o) => o.kind === "KafkaUser" && o.apiVersion.startsWith("kafka.strimzi.io/"))) {
      const team = teamOfPrincipal(model, user.metadata.name);
      const labelled = user.metadata.labels?.[LABELS.team];
      const problems = [...kafkaUserProblems(user, team), ...(team && labelled !== team.name ? [`${objectId(user, " ")} is labelled for team ${labelled ?? "(none)"}`] : [])];
      for (const message of problems) report({ file: team?.file ?? "platform.yaml", path: team ? "/data/topics" : "/components/kafka", message, hint: "KafkaUsers come from the generator (src/components/kafka.ts): fix it there." });
    }
    const config = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === "data-credentials-config");
    const text = (config?.data as Record<string, string> | undefined)?.["config.json"];
    const identities = text ? ((JSON.parse(text) as { objectStorage?: { identities: Identity[] } }).objectStorage?.identities ?? []) : [];
    for (const identity of identities) {
      const team = teamOfPrincipal(model, identity.name);
      for (const message of identityProblems(model, identity)) {
        report({ file: team?.file ?? "platform.yaml", path: team ? "/data/buckets" : "/components/objectStorage", message, hint: "S3 identities come from the generator (src/components/data-credentials.ts): fix it there." });
      }
    }
  },
};
