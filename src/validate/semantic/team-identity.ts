import path from "node:path";
import { namespaceOf } from "../../model/platform-model.js";
import type { SemanticRule } from "./rule.js";

export const teamNameMatchesFile: SemanticRule = {
  code: "team/name-matches-file",
  description: "A team file is named after its team, so there is one file per team and one team per file.",
  check(model, report) {
    for (const team of model.teams) {
      const expected = path.posix.basename(team.file, ".yaml");
      if (team.name !== expected) {
        report({ file: team.file, path: "/name", message: `team name \`${team.name}\` does not match the file name ${team.file}`, hint: `Rename the file to teams/${team.name}.yaml, or set \`name: ${expected}\`.` });
      }
    }
  },
};

export const teamNamesUnique: SemanticRule = {
  code: "team/unique",
  description: "Team names, and so namespaces and queues, are unique.",
  check(model, report) {
    const seen = new Map<string, string>();
    for (const team of model.teams) {
      const first = seen.get(team.name);
      if (first) report({ file: team.file, path: "/name", message: `team \`${team.name}\` is already defined in ${first}`, hint: "Give each team its own name; the namespace and queue are derived from it." });
      else seen.set(team.name, team.file);
    }
  },
};

/** Names that would collide with the platform's own objects. */
export function reservedNames(model: { platform: { components: { sparkOperator: { namespace: string }; volcano?: { namespace: string } } } }): Map<string, string> {
  const reserved = new Map<string, string>([
    ["default", "the Volcano queue and the namespace named default"],
    ["platform", "the platform's Argo CD AppProject"],
    ["root", "the root Argo CD Application"],
    ["argocd", "Argo CD's namespace"],
    ["system", "Kubernetes' system: prefix"],
  ]);
  const { sparkOperator, volcano } = model.platform.components;
  reserved.set(sparkOperator.namespace, "the Spark Operator's namespace");
  reserved.set("spark-operator", "the Spark Operator Application");
  reserved.set("volcano", "the Volcano Application");
  reserved.set("volcano-queues", "the Volcano queues Application");
  if (volcano) reserved.set(volcano.namespace, "Volcano's namespace");
  return reserved;
}

export const teamNameNotReserved: SemanticRule = {
  code: "team/reserved-name",
  description: "Team names must not take a name the platform uses itself (default, kube-*, argocd, component namespaces).",
  check(model, report) {
    const reserved = reservedNames(model);
    for (const team of model.teams) {
      const why = team.name.startsWith("kube-") ? "Kubernetes' own kube-* names" : reserved.get(team.name) ?? (reserved.has(namespaceOf(team.name)) ? reserved.get(namespaceOf(team.name)) : undefined);
      if (why) report({ file: team.file, path: "/name", message: `team name \`${team.name}\` is reserved for ${why}`, hint: "Choose another name for the team (and its file)." });
    }
  },
};
