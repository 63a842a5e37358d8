/**
 * The README's tables about components, made from the registry (a test keeps
 * the README equal to them).
 */
import { COMPONENTS } from "./registry.js";

/** "Who owns what": each Helm value the compiler sets, and why. */
export function ownedValuesMarkdown(): string {
  const rows = COMPONENTS.flatMap((c) => c.ownedValues.map((v) => `| ${c.title} | \`${v.pointer.slice(1).replace(/\//g, ".")}\` | ${v.why} |`));
  // Refused values sharing a reason make one row.
  const refused = COMPONENTS.flatMap((c) => {
    const byReason = new Map<string, string[]>();
    for (const v of c.refusedValues ?? []) byReason.set(v.why, [...(byReason.get(v.why) ?? []), `\`${v.pointer.slice(1).replace(/\//g, ".")}\``]);
    return [...byReason].map(([why, values]) => `| ${c.title} | ${values.join(", ")} | refused: ${why} |`);
  });
  return ["| component | value | why the compiler owns it |", "| --- | --- | --- |", ...rows, ...refused].join("\n");
}
