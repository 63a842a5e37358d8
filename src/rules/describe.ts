/** Rules as reports describe them: id, default severity, description and a link to their documentation. */
import type { PlatformModel } from "../model/platform-model.js";
import type { Rule, RuleDescription } from "./rule.js";

/**
 * The absolute URL of a README anchor, in the repository Argo CD syncs from
 * (gitops.repoURL), when it is on GitHub; undefined otherwise.
 */
export function docsUrl(model: PlatformModel | undefined, anchor: string): string | undefined {
  const match = model && /^(?:https:\/\/|git@)github\.com[/:]([^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(model.platform.gitops.repoURL);
  if (!match) return undefined;
  const [file, fragment] = anchor.split("#");
  return `https://github.com/${match[1]}/blob/${model!.platform.gitops.targetRevision}/${file}${fragment ? `#${fragment}` : ""}`;
}

type Described = Pick<Rule<never>, "id" | "description" | "defaultSeverity" | "docs">;

export function ruleDescriptions(rules: readonly Described[], model?: PlatformModel): RuleDescription[] {
  return rules.map((r) => ({ id: r.id, description: r.description, defaultSeverity: r.defaultSeverity, docs: docsUrl(model, r.docs) }));
}
