/**
 * The report's tables (changes, capacity, Volcano queues) as plain rows of
 * text, computed once and drawn by the text and Markdown formatters alike.
 */
import { describeOwners, shownPath } from "../review/ownership.js";
import { formatAmount, formatCapacity, formatPercent, formatRatio } from "./amounts.js";
import { visible } from "../diagnostics/visible.js";
import { countChanges } from "../review/diff.js";
import { PLATFORM_FILE } from "../load/inputs.js";
import { resourceId, type CapacityLine, type EnvironmentReport, type FieldChange, type Ownership, type QueueShareLine, type ReportContext, type ResourceChange } from "./report.js";

export interface Section {
  /** Short name, e.g. "changes"; the JSON formatter ignores sections. */
  id: "environments" | "changes" | "owners" | "capacity" | "queues";
  title: string;
  columns: string[];
  /** Cells may hold several lines, each of them free of line breaks of its own (./escape.ts `visible`). */
  rows: string[][];
  /** The columns of names, paths and values, which Markdown shows as code. */
  code?: number[];
  /** What the reader must know to read the table right, shown with it (text with `code` spans, no line breaks). */
  note?: string;
}

export { countChanges };

export const CHANGE_MARK: Record<ResourceChange["change"], string> = { added: "+", removed: "-", changed: "~" };

/** A field's value in one short line: `"4"`, `["a","b"]`, `(none)`. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "(none)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export const formatField = (f: FieldChange): string => `${f.path}: ${formatValue(f.before)} → ${formatValue(f.after)}`;

export const describeCounts = (counts: Record<ResourceChange["change"], number>): string => `${counts.added} added, ${counts.removed} removed, ${counts.changed} changed`;

function changesSection(changes: ResourceChange[]): Section {
  // With several environments, the one each change is in (the same object exists in each cluster).
  const several = changes.some((c) => c.environment !== undefined);
  return {
    id: "changes",
    title: `Changes by resource: ${describeCounts(countChanges(changes))}`,
    columns: ["", ...(several ? ["environment"] : []), "resource", "team", "generated in", "changed fields"],
    rows: changes.map((c) => [
      CHANGE_MARK[c.change], ...(several ? [visible(c.environment ?? "")] : []), visible(resourceId(c)), visible(c.team ?? "(platform)"), visible(c.source),
      (c.fields ?? []).map((f) => visible(formatField(f))).join("\n"),
    ]),
    code: several ? [2, 4, 5] : [1, 3, 4],
  };
}

/** What the change does in each environment, or what each environment is: the line a reviewer reads to see that staging gets it and production does not yet. */
export function environmentChangeText(e: EnvironmentReport): string {
  if (e.change) return e.change === "added" ? "the change adds this environment" : "the change removes this environment";
  if (!e.changes) return "";
  const total = e.changes.added + e.changes.removed + e.changes.changed;
  return total ? describeCounts(e.changes) : "no change";
}

function environmentsSection(environments: EnvironmentReport[], review: boolean): Section {
  return {
    id: "environments",
    title: review ? "Environments: what the change does in each cluster" : "Environments",
    columns: ["environment", "cluster", ...(review ? ["change"] : [])],
    rows: environments.map((e) => [visible(e.name), visible(e.cluster), ...(review ? [environmentChangeText(e)] : [])]),
    code: [0, 1],
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

/** A registered cluster's nodes are real: what its file declares is only as true as the file. */
const registeredNote = (file: string): string =>
  `Of the node pools as ${file} declares them (\`count\`, not \`maxCount\`: an autoscaler may add nodes, but quotas must fit what is there). Keep it in step with the cluster.`;

function capacitySection(lines: CapacityLine[], environment?: EnvironmentReport): Section {
  const withBefore = lines.some((l) => l.before);
  const arrow = (l: CapacityLine, f: (l: CapacityLine, w: "before" | "after") => string) =>
    withBefore && f(l, "before") !== f(l, "after") ? `${f(l, "before")} → ${f(l, "after")}` : f(l, "after");
  return {
    id: "capacity",
    title: `${withBefore ? "Capacity before → after" : "Capacity"}${environment ? ` in ${environment.name}` : ""}`,
    note: environment && environment.nodesFrom !== PLATFORM_FILE ? registeredNote(environment.nodesFrom) : CAPACITY_NOTE,
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

function queuesSection(queues: QueueShareLine[], environment?: EnvironmentReport): Section {
  return {
    id: "queues",
    title: `Volcano queues${environment ? ` in ${environment.name}` : ""} (the proportion plugin of Volcano 1.8.2)`,
    columns: ["queue", "weight", "weight share", "share of the cluster", "guarantee", "capability", "can get at most", "job"],
    rows: queues.map((q) => [
      q.queue, String(q.weight), formatPercent(q.weightShare), formatCapacity(q.share), q.guarantee.cpu || q.guarantee.memory ? formatCapacity(q.guarantee) : "(none)",
      q.capability ? formatCapacity(q.capability) : "(none)", formatCapacity(q.realCapability), q.job ? formatCapacity(q.job) : "",
    ]),
  };
}

export function reportSections(context: ReportContext): Section[] {
  return [
    // Which clusters a change reaches comes first: staging gets it, production not yet.
    ...(context.environments ? [environmentsSection(context.environments, context.changes !== undefined)] : []),
    ...(context.changes ? [changesSection(context.changes)] : []),
    ...(context.owners ? [ownersSection(context.owners)] : []),
    ...(context.environments
      ? [
        ...context.environments.flatMap((e) => [
          ...(e.capacity?.length ? [capacitySection(e.capacity, e)] : []),
          ...(e.queues?.length ? [queuesSection(e.queues, e)] : []),
        ]),
      ]
      : [
        ...(context.capacity?.length ? [capacitySection(context.capacity)] : []),
        ...(context.queues?.length ? [queuesSection(context.queues)] : []),
      ]),
  ];
}
