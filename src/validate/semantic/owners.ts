import { isCodeOwner } from "../../model/owners.js";
import { VALIDATION_DOCS, type SemanticRule } from "./rule.js";

export const teamOwnersAreCodeOwners: SemanticRule = {
  id: "team/owner-not-code-owner",
  defaultSeverity: "warn",
  description: "A team's owners are GitHub users, teams or e-mail addresses, so .github/CODEOWNERS can ask them to review the team's files.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    for (const team of model.teams) {
      team.spec.owners.forEach((owner, i) => {
        if (isCodeOwner(owner)) return;
        report({
          file: team.file, path: `/owners/${i}`,
          message: `owner ${JSON.stringify(owner)} is not a GitHub user (@name), team (@org/team) or e-mail address, so .github/CODEOWNERS leaves it out`,
          hint: "Write it as @name, @org/team or name@example.com. A team with no such owner has its files reviewed by the platform's owners.",
        });
      });
    }
  },
};
