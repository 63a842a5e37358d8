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
    const byName = new Map<string, Array<(typeof model.teams)[number]>>();
    for (const team of model.teams) byName.set(team.name, [...(byName.get(team.name) ?? []), team]);
    for (const [name, teams] of byName) {
      if (teams.length < 2) continue;
      // The team is defined where its file is named after it (teams/<name>.yaml);
      // the error goes to the others, which a pull request adding one has touched.
      const owner = teams.find((t) => path.posix.basename(t.file, ".yaml") === name) ?? teams[0];
      for (const team of teams) {
        if (team !== owner) report({ file: team.file, path: "/name", message: `team \`${name}\` is already defined in ${owner.file}`, hint: "Give each team its own name; the namespace and queue are derived from it." });
      }
    }
  },
};
