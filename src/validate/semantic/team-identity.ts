import path from "node:path";
import { VALIDATION_DOCS, type SemanticRule } from "./rule.js";

// Which names a team may take is decided after synthesis, from every name the
// platform and the other teams generate: src/synth/names.ts.

export const teamNameMatchesFile: SemanticRule = {
  id: "team/name-matches-file",
  defaultSeverity: "error",
  description: "A team file is named after its team, so there is one file per team and one team per file.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    for (const team of model.teams) {
      const expected = path.posix.basename(team.file, ".yaml");
      if (team.name !== expected) {
        report({ file: team.file, path: "/name", message: `team name \`${team.name}\` does not match the file name ${team.file}`, hint: `Rename the file to teams/${team.name}.yaml, or set \`name: ${expected}\`.` });
      }
    }
  },
};

export const teamNamesUnique: SemanticRule = {
  id: "team/unique",
  defaultSeverity: "error",
  description: "Team names, and so namespaces and queues, are unique.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    const seen = new Map<string, string>();
    for (const team of model.teams) {
      const first = seen.get(team.name);
      if (first) report({ file: team.file, path: "/name", message: `team \`${team.name}\` is already defined in ${first}`, hint: "Give each team its own name; the namespace and queue are derived from it." });
      else seen.set(team.name, team.file);
    }
  },
};
