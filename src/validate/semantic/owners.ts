import { isCodeOwner } from "../../model/owners.js";
import type { SemanticRule } from "./rule.js";

export const teamOwnersAreCodeOwners: SemanticRule = {
  code: "team/owner-not-code-owner",
  description: "A team's owners are GitHub users, teams or e-mail addresses, so .github/CODEOWNERS can ask them to review the team's files.",
  check(model, report) {
    for (const team of model.teams) {
      team.spec.owners.forEach((owner, i) => {
        if (isCodeOwner(owner)) return;
        report({
          severity: "warning", file: team.file, path: `/owners/${i}`,
          message: `owner ${JSON.stringify(owner)} is not a GitHub user (@name), team (@org/team) or e-mail address, so .github/CODEOWNERS leaves it out`,
          hint: "Write it as @name, @org/team or name@example.com. A team with no such owner has its files reviewed by the platform's owners.",
        });
      });
    }
  },
};
