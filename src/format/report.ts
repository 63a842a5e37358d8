/**
 * What `policy` and `review` report besides their diagnostics: the rules that
 * ran, the capacity of the platform, the Volcano queue shares and the changes
 * to the generated objects. Every formatter takes it as an optional third
 * argument; the findings themselves are always the diagnostics.
 */
import type { Capacity } from "../model/platform-model.js";

export interface ReportContext {
  /** e.g. "Policy" or "Review of the working tree against main". */
  title: string;
  /** The rules behind the diagnostics' codes, for links and SARIF metadata. */
  rules?: RuleDescription[];
  capacity?: CapacityLine[];
  queues?: QueueShareLine[];
  changes?: ResourceChange[];
  allowance?: Allowance;
  /** Whose files the change touches (review). */
  owners?: Ownership;
  /**
   * Why a person must read the change before it is merged, even without
   * errors (several owners' files, no base to compare with): the verdict names them.
   */
  attention?: string[];
}

export interface RuleDescription {
  id: string;
  description: string;
  defaultSeverity: "error" | "warn";
  /** Absolute URL of the rule's documentation, when known. */
  docs?: string;
}

export type Dimension = "cpu" | "memory" | "pods";

export interface Amount {
  /** Millicores, bytes or a count. */
  amount: number;
  /** What it is measured against, in the same unit (workers, cluster). */
  available?: number;
}

/** One row of the capacity table: a summed resource against what the nodes offer. */
export interface CapacityLine {
  /** e.g. "quota requests", "queue guarantees". */
  resource: string;
  dimension: Dimension;
  /** e.g. "workers", "all nodes". */
  against?: string;
  /** Largest acceptable ratio of amount to available. */
  threshold?: number;
  before?: Amount;
  after: Amount;
}

/** One Volcano queue, as the proportion plugin of Volcano 1.8.2 sees it. */
export interface QueueShareLine {
  queue: string;
  team?: string;
  weight: number;
  /** weight / the sum of all weights (0..1). */
  weightShare: number;
  /** That share of the cluster: what the queue deserves when every queue is busy. */
  share: Capacity;
  guarantee: Capacity;
  capability?: Capacity;
  /** min(cluster − all guarantees + own guarantee, capability): the most the queue can ever get. */
  realCapability: Capacity;
  /** The team's job (driver + executors), which must fit realCapability. */
  job?: Capacity;
}

export type ChangeKind = "added" | "removed" | "changed";

export interface FieldChange {
  /** Dotted path, with [n] for list items and ["a.b"] for keys with dots. */
  path: string;
  /** Absent when the field is added. */
  before?: unknown;
  /** Absent when the field is removed. */
  after?: unknown;
}

/** A generated object that the change adds, removes or changes. */
export interface ResourceChange {
  change: ChangeKind;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The team it belongs to; absent for the platform's own objects. */
  team?: string;
  /** Where it is generated (a Kustomize directory or a file). */
  source: string;
  /** For "changed" only. */
  fields?: FieldChange[];
}

/** A file the change adds, removes or modifies, and whose it is. */
export interface ChangedFile {
  /** Relative to the project root (`../` for the repository's files outside it). */
  path: string;
  /** A team's name, or `platform`. */
  owner: string;
}

export interface Ownership {
  /** Teams whose files change, sorted. */
  teams: string[];
  /** Whether files of the platform change (its inputs, code, CI or shared generated files). */
  platform: boolean;
  /** The files that count: inputs, code, and generated files the compiler's output does not explain. */
  files: ChangedFile[];
  /** Generated files that changed because the compiler's output did: they follow from the files above. */
  generated: number;
}

/** Destructive changes the pull request is explicitly allowed to make. */
export interface Allowance {
  /** Team names, `platform` for the platform's own objects, or `*`. */
  teams: string[];
  /** Where the allowance comes from, as shown in the report. */
  source: string;
}

export const resourceId = (r: { kind: string; name: string; namespace?: string }): string =>
  `${r.kind}/${r.namespace ? `${r.namespace}/` : ""}${r.name}`;
