/**
 * The README's tables about components, made from the registry (a test keeps
 * the README equal to them).
 */
import { COMPONENTS } from "./registry.js";

/** "Who owns what": each Helm value the compiler sets, and why. */
export function ownedValuesMarkdown(): string {
  const rows = COMPONENTS.flatMap((c) => c.ownedValues.map((v) => `| ${c.title} | \`${v.pointer.slice(1).replace(/\//g, ".")}\` | ${v.why} |`));
  return ["| component | value | why the compiler sets it |", "| --- | --- | --- |", ...rows].join("\n");
}
