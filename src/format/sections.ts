/**
 * The report's tables (changes, capacity, Volcano queues) as plain rows of
 * text, computed once and drawn by the text and Markdown formatters alike.
 */
import { describeOwners, shownPath } from "../review/ownership.js";
import { formatAmount, formatCapacity, formatPercent, formatRatio } from "./amounts.js";
import { visible } from "../diagnostics/visible.js";
import { resourceId, type CapacityLine, type FieldChange, type Ownership, type QueueShareLine, type ReportContext, type ResourceChange } from "./report.js";

export interface Section {
  /** Short name, e.g. "changes"; the JSON formatter ignores sections. */
  id: "changes" | "owners" | "capacity" | "queues";
  title: string;
  columns: string[];
  /** Cells may hold several lines, each of them free of line breaks of its own (./escape.ts `visible`). */
  rows: string[][];
  /** The columns of names, paths and values, which Markdown shows as code. */
  code?: number[];
  /** What the reader must know to read the table right, shown with it (text with `code` spans, no line breaks). */
  note?: string;
}

export const CHANGE_MARK: Record<ResourceChange["change"], string> = { added: "+", removed: "-", changed: "~" };

/** A field's value in one short line: `"4"`, `["a","b"]`, `(none)`. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export const formatField = (f: FieldChange): string => `${f.path}: ${formatValue(f.before)} → ${formatValue(f.after)}`;

export function countChanges(changes: readonly ResourceChange[]): Record<ResourceChange["change"], number> {
  const counts = { added: 0, removed: 0, changed: 0 };
  for (const c of changes) counts[c.change]++;
  return counts;
}

function changesSection(changes: ResourceChange[]): Section {
  const counts = countChanges(changes);
  return {
    id: "changes",
    title: `Changes by resource: ${counts.added} added, ${counts.removed} removed, ${counts.changed} changed`,
    columns: ["", "resource", "team", "generated in", "changed fields"],
    rows: changes.map((c) => [CHANGE_MARK[c.change], visible(resourceId(c)), visible(c.team ?? "(platform)"), visible(c.source), (c.fields ?? []).map((f) => visible(formatField(f))).join("\n")]),
    code: [1, 3, 4],
  };
}

function ownersSection(owners: Ownership): Section {
  const generated = owners.generated ? ` (and ${owners.generated} generated file${owners.generated === 1 ? "" : "s"} that follow from them)` : "";
  return {
    id: "owners",
    title: `Files by owner: ${describeOwners(owners)}${generated}`,
    columns: ["owner", "file"],
    rows: owners.files.map((f) => [f.owner, shownPath(f.path)]),
  };
}

const amount = (line: CapacityLine, which: "before" | "after") => {
  const a = line[which];
  return a ? formatAmount(line.dimension, a.amount) : "";
};
const ratio = (line: CapacityLine, which: "before" | "after") => {
  const a = line[which];
  return a?.available ? formatRatio(a.amount / a.available) : "";
};
const available = (line: CapacityLine) => (line.after.available !== undefined ? `${line.against ?? ""} ${formatAmount(line.dimension, line.after.available)}`.trim() : "");

/**
 * The capacity is that of the nodes platform.yaml declares, which k3d does
 * not enforce (src/model/host-requirements.ts; README, What k3d cannot
 * enforce): the report says so where its numbers are.
 */
export const CAPACITY_NOTE =
  "Of the nodes as platform.yaml declares them, which k3d does not enforce: each node reports all of the Docker VM's CPUs and advertises its declared memory without reserving it. `npm run bootstrap` refuses a VM with fewer CPUs than a node declares or too little memory, and warns when it has less memory than the nodes advertise.";

function capacitySection(lines: CapacityLine[]): Section {
  const withBefore = lines.some((l) => l.before);
  const arrow = (l: CapacityLine, f: (l: CapacityLine, w: "before" | "after") => string) =>
    withBefore && f(l, "before") !== f(l, "after") ? `${f(l, "before")} → ${f(l, "after")}` : f(l, "after");
  return {
    id: "capacity",
    title: withBefore ? "Capacity before → after" : "Capacity",
    note: CAPACITY_NOTE,
    columns: ["resource", withBefore ? "before → after" : "total", "of", "ratio", "threshold"],
    rows: lines.map((l) => [
      `${l.resource} ${l.dimension === "pods" ? "" : l.dimension}`.trim(),
      arrow(l, amount),
      available(l),
      arrow(l, ratio),
      l.threshold !== undefined ? `${formatRatio(l.threshold)}${l.crossed ? " ⚠ crossed by this change" : ""}` : "",
    ]),
  };
}

function queuesSection(queues: QueueShareLine[]): Section {
  return {
    id: "queues",
    title: "Volcano queues (the proportion plugin of Volcano 1.8.2)",
    columns: ["queue", "weight", "weight share", "share of the cluster", "guarantee", "capability", "can get at most", "job"],
    rows: queues.map((q) => [
      q.queue, String(q.weight), formatPercent(q.weightShare), formatCapacity(q.share), q.guarantee.cpu || q.guarantee.memory ? formatCapacity(q.guarantee) : "(none)",
      q.capability ? formatCapacity(q.capability) : "(none)", formatCapacity(q.realCapability), q.job ? formatCapacity(q.job) : "",
    ]),
  };
}

export function reportSections(context: ReportContext): Section[] {
  return [
    ...(context.changes ? [changesSection(context.changes)] : []),
    ...(context.owners ? [ownersSection(context.owners)] : []),
    ...(context.capacity?.length ? [capacitySection(context.capacity)] : []),
    ...(context.queues?.length ? [queuesSection(context.queues)] : []),
  ];
}
