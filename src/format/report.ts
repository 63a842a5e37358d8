/**
 * What the formatters print besides diagnostics: what `policy` and `review`
 * computed (the rules that ran, the capacity, the Volcano queue shares, the
 * changes to the generated objects). The types live with the checks that
 * produce them; every formatter takes this as an optional third argument,
 * and the findings themselves are always the diagnostics.
 */
export type { ReviewReport as ReportContext } from "../review/report.js";
export type { RuleDescription } from "../rules/rule.js";
export type { Amount, CapacityLine, Dimension, EnvironmentReport, PolicyReport } from "../policy/report.js";
export type { QueueShareLine } from "../model/queue-shares.js";
export type { Allowance } from "../review/destructive.js";
export type { ChangeKind, FieldChange, ResourceChange } from "../review/diff.js";
export type { ChangedFile, Ownership } from "../review/ownership.js";
export { objectId as resourceId } from "../model/object-id.js";
