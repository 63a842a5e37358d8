/**
 * The platform as a Mermaid flowchart for the pull request comment: the
 * nodes make the cluster, Volcano shares the cluster out among its queues,
 * each queue holds its team; teams on the default scheduler sit beside.
 * Given the base's model too, it shows before → after and marks what the
 * pull request changed.
 *
 * GitHub renders it in a sandbox with a subset of Mermaid: only flowchart
 * nodes, edges, subgraphs and classDef/class are used, every label is a
 * quoted string, and the only text a team wrote in it is names (never a
 * description), each character outside [A-Za-z0-9.-] written as Mermaid's
 * entity code (#35; for "#"), so no name can close a label, start a
 * statement, or be read as Markdown (GitHub turns Markdown strings on in
 * node labels: https://github.com/LoopKit/loopdocs/pull/867).
 */
import type { PlatformModel } from "../model/platform-model.js";
import { visible } from "../diagnostics/visible.js";
import { formatCapacity, sum, ZERO } from "../model/capacity.js";
import { formatPercent } from "../model/quantity.js";
import {
  byName, capacityChange, change, nodeName, platformPicture, sameCapacity,
  type NodeGroup, type PlatformPicture, type QueuePicture, type TeamPicture,
} from "./layout.js";

/** Teams drawn one by one; the rest are counted in one box, so the comment stays small at any size. */
export const MAX_TEAMS = 12;
/** Nodes of one role drawn one by one; more become one box. */
export const MAX_NODES = 3;

export type ChangeState = "changed" | "added" | "removed";

const CLASSES: Record<ChangeState, string> = {
  changed: "fill:#fff8c5,stroke:#9a6700,stroke-width:2px,color:#1f2328",
  added: "fill:#dafbe1,stroke:#1a7f37,stroke-width:2px,color:#1f2328",
  removed: "fill:#ffebe9,stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 3,color:#1f2328",
};

/** A name (team, queue, cluster) as label text: see the module's comment. */
export function mermaidName(name: string): string {
  return Array.from(visible(name), (c) => (/^[A-Za-z0-9.-]$/.test(c) ? c : `#${c.codePointAt(0)};`)).join("");
}

/** A node's label from lines this module wrote (names already through mermaidName). */
const label = (lines: string[]): string => `["${lines.join("<br/>")}"]`;

interface Diagram {
  lines: string[];
  marks: Record<ChangeState, string[]>;
}

export function mermaid(model: PlatformModel, before?: PlatformModel): string {
  const after = platformPicture(model);
  const base = before && platformPicture(before);
  const diagram: Diagram = { lines: ["flowchart LR"], marks: { changed: [], added: [], removed: [] } };
  const node = (id: string, lines: string[], state?: ChangeState, indent = "  ") => {
    diagram.lines.push(`${indent}${id}${label(lines)}`);
    if (state) diagram.marks[state].push(id);
  };

  node("cluster", clusterLabel(after, base), base && !sameCapacity(base.capacity, after.capacity) ? "changed" : undefined);
  drawNodes(diagram, node, after, base);
  drawTeams(diagram, node, after, base);

  for (const state of ["changed", "added", "removed"] as const) {
    if (diagram.marks[state].length === 0) continue;
    diagram.lines.push(`  classDef ${state} ${CLASSES[state]}`, `  class ${diagram.marks[state].join(",")} ${state}`);
  }
  return `${diagram.lines.join("\n")}\n`;
}

type Draw = (id: string, lines: string[], state?: ChangeState, indent?: string) => void;

function clusterLabel(after: PlatformPicture, base?: PlatformPicture): string[] {
  const nodes = (p: PlatformPicture) => String(p.nodes.reduce((n, g) => n + g.count, 0));
  return [
    `cluster ${change(base && mermaidName(base.cluster), mermaidName(after.cluster))}`,
    `${capacityChange(base?.capacity, after.capacity)} on ${change(base && nodes(base), nodes(after))} nodes`,
    `quota requests ${capacityChange(base?.totals.requests, after.totals.requests)}`,
    `quota limits ${capacityChange(base?.totals.limits, after.totals.limits)}`,
  ];
}

function drawNodes(diagram: Diagram, node: Draw, after: PlatformPicture, base?: PlatformPicture): void {
  diagram.lines.push(`  subgraph nodes["nodes"]`);
  const ids: string[] = [];
  for (const role of ["server", "agent"] as const) {
    const now = after.nodes.find((g) => g.role === role);
    const then = base?.nodes.find((g) => g.role === role);
    const count = Math.max(now?.count ?? 0, then?.count ?? 0);
    if (count === 0) continue;
    if (count <= MAX_NODES) {
      for (let i = 0; i < count; i++) {
        const [was, is] = [then && i < then.count ? then.each : undefined, now && i < now.count ? now.each : undefined];
        const id = `${role}${i}`;
        ids.push(id);
        if (!is) node(id, [nodeName(role, i), `${formatCapacity(was!)} (removed)`], "removed", "    ");
        else node(id, [nodeName(role, i), capacityChange(base ? was : undefined, is)], base && (!was ? "added" : sameCapacity(was, is) ? undefined : "changed"), "    ");
      }
    } else {
      const id = `${role}s`;
      ids.push(id);
      node(id, groupLabel(role, now, then, base !== undefined), base && !sameGroup(now, then) ? "changed" : undefined, "    ");
    }
  }
  diagram.lines.push("  end");
  for (const id of ids) diagram.lines.push(`  ${id} --- cluster`);
}

function groupLabel(role: NodeGroup["role"], now: NodeGroup | undefined, then: NodeGroup | undefined, diff: boolean): string[] {
  const count = (g?: NodeGroup) => String(g?.count ?? 0);
  const last = Math.max(now?.count ?? 0, then?.count ?? 0) - 1;
  return [
    `${nodeName(role, 0)} … ${nodeName(role, last)}`,
    `${change(diff ? count(then) : undefined, count(now))} × ${capacityChange(diff ? then?.each ?? ZERO : undefined, now?.each ?? ZERO)}`,
  ];
}

const sameGroup = (a?: NodeGroup, b?: NodeGroup): boolean => (a?.count ?? 0) === (b?.count ?? 0) && sameCapacity(a?.each ?? ZERO, b?.each ?? ZERO);

/** A team as it is after the change and as it was before, with its queue. */
interface Entry {
  name: string;
  team?: TeamPicture;
  was?: TeamPicture;
  queue?: QueuePicture;
  wasQueue?: QueuePicture;
  teamState?: ChangeState;
  queueState?: ChangeState;
}

function entries(after: PlatformPicture, base?: PlatformPicture): Entry[] {
  const byKey = <T>(items: T[] | undefined, key: (item: T) => string) => new Map((items ?? []).map((item) => [key(item), item]));
  const [teams, wasTeams] = [byKey(after.teams, (t) => t.name), byKey(base?.teams, (t) => t.name)];
  const [queues, wasQueues] = [byKey(after.queues, (q) => q.name), byKey(base?.queues, (q) => q.name)];
  return [...new Set([...teams.keys(), ...wasTeams.keys()])].map((name) => {
    const [team, was] = [teams.get(name), wasTeams.get(name)];
    const queue = team?.queue === undefined ? undefined : queues.get(team.queue);
    const wasQueue = was?.queue === undefined ? undefined : wasQueues.get(was.queue);
    return {
      name, team, was, queue, wasQueue,
      teamState: base && state(was, team, (a, b) => a.scheduler === b.scheduler && sameCapacity(a.requests, b.requests) && sameCapacity(a.limits, b.limits)),
      queueState: base && state(wasQueue, queue, sameQueue),
    };
  });
}

const sameQueue = (a: QueuePicture, b: QueuePicture): boolean => a.weight === b.weight && sameCapacity(a.guarantee, b.guarantee) && sameCapacity(a.capability, b.capability);

function state<T>(was: T | undefined, is: T | undefined, same: (a: T, b: T) => boolean): ChangeState | undefined {
  if (!was && !is) return undefined;
  if (!was) return "added";
  if (!is) return "removed";
  return same(was, is) ? undefined : "changed";
}

/** What the pull request changed first, then the largest quotas, then by name. */
function shown(all: Entry[]): { visible: Entry[]; hidden: Entry[] } {
  const changed = (e: Entry) => (e.teamState || e.queueState ? 0 : 1);
  const size = (e: Entry) => (e.team ?? e.was)!.requests;
  const order = [...all].sort((a, b) => changed(a) - changed(b) || size(b).cpu - size(a).cpu || size(b).memory - size(a).memory || byName(a.name, b.name));
  const visibleNames = new Set(order.slice(0, MAX_TEAMS).map((e) => e.name));
  return { visible: all.filter((e) => visibleNames.has(e.name)), hidden: all.filter((e) => !visibleNames.has(e.name)) };
}

function drawTeams(diagram: Diagram, node: Draw, after: PlatformPicture, base?: PlatformPicture): void {
  const all = entries(after, base).sort((a, b) => byName(a.name, b.name));
  const { visible, hidden } = shown(all);
  const onVolcano = (e: Entry) => (e.team ?? e.was)!.scheduler === "volcano";
  const ids = new Map(all.map((e, i) => [e.name, i]));
  const edges: string[] = [];
  const defaultQueue = after.queues.find((q) => q.team === undefined);
  const wasDefault = base?.queues.find((q) => q.team === undefined);
  // A team that leaves Volcano keeps its (removed) queue here and is drawn with the default scheduler's teams.
  const queued = visible.filter((e) => onVolcano(e) || e.wasQueue);
  const hiddenQueued = hidden.filter(onVolcano);

  if (defaultQueue || wasDefault || queued.length + hiddenQueued.length > 0) {
    diagram.lines.push(`  subgraph volcano["Volcano queues: weight, share of the cluster, guarantee, capability"]`);
    if (defaultQueue || wasDefault) {
      node("q_default", queueLabel(defaultQueue, wasDefault), base && state(wasDefault, defaultQueue, sameQueue), "    ");
      edges.push("  cluster --> q_default");
    }
    for (const entry of queued) {
      const n = ids.get(entry.name)!;
      const queue = entry.queue ?? entry.wasQueue;
      if (queue) {
        node(`q${n}`, queueLabel(entry.queue, entry.wasQueue), entry.queueState, "    ");
        edges.push(`  cluster --> q${n}`);
      }
      if (!onVolcano(entry)) continue;
      node(`t${n}`, teamLabel(entry), entry.teamState, "    ");
      edges.push(queue ? `  q${n} --> t${n}` : `  cluster --> t${n}`);
    }
    if (more(node, hiddenQueued, "q_more", "Volcano teams and their queues")) edges.push("  cluster --> q_more");
    diagram.lines.push("  end");
  }

  const onDefault = visible.filter((e) => !onVolcano(e));
  const hiddenDefault = hidden.filter((e) => !onVolcano(e));
  if (onDefault.length + hiddenDefault.length > 0) {
    diagram.lines.push(`  subgraph kube["default scheduler: quota only"]`);
    for (const entry of onDefault) {
      const n = ids.get(entry.name)!;
      node(`t${n}`, teamLabel(entry), entry.teamState, "    ");
      edges.push(`  cluster --> t${n}`);
    }
    if (more(node, hiddenDefault, "t_more", "teams")) edges.push("  cluster --> t_more");
    diagram.lines.push("  end");
  }
  diagram.lines.push(...edges);
}

/** A queue as it is (or was, if the change removes it), with before → after where both exist. */
function queueLabel(is: QueuePicture | undefined, was: QueuePicture | undefined): string[] {
  const queue = is ?? was!;
  const prior = is && was;
  const capability = (q: QueuePicture) => (q.capability ? formatCapacity(q.capability) : "none");
  const guaranteed = (q?: QueuePicture) => q !== undefined && (q.guarantee.cpu > 0 || q.guarantee.memory > 0);
  return [
    `queue ${mermaidName(queue.name)}${is ? "" : " (removed)"}`,
    `weight ${change(prior && String(prior.weight), String(queue.weight))} · share ${change(prior && formatPercent(prior.weightShare), formatPercent(queue.weightShare))} = ${capacityChange(prior?.share, queue.share)}`,
    guaranteed(queue) || guaranteed(prior) ? `guarantee ${capacityChange(prior?.guarantee, queue.guarantee)}` : "no guarantee",
    `capability ${change(prior && capability(prior), capability(queue))}`,
    `can get ${capacityChange(prior?.realCapability, queue.realCapability)}`,
  ];
}

function teamLabel(entry: Entry): string[] {
  const team = entry.team ?? entry.was!;
  const prior = entry.team && entry.was;
  return [
    `team ${mermaidName(entry.name)}${entry.team ? "" : " (removed)"}`,
    ...(prior && prior.scheduler !== team.scheduler ? [`scheduler ${prior.scheduler} → ${team.scheduler}`] : []),
    `requests ${capacityChange(prior?.requests, team.requests)}`,
    `limits ${capacityChange(prior?.limits, team.limits)}`,
  ];
}

/** One box for the teams not drawn: how many, how many of them changed, and what they add up to now. */
function more(draw: Draw, hidden: Entry[], id: string, what: string): boolean {
  if (hidden.length === 0) return false;
  const changed = hidden.filter((e) => e.teamState || e.queueState).length;
  const now = hidden.flatMap((e) => (e.team ? [e.team] : []));
  const queues = hidden.flatMap((e) => (e.queue ? [e.queue] : []));
  draw(id, [
    `… ${hidden.length} more ${what}${changed > 0 ? `, ${changed} of them changed` : ""}`,
    ...(queues.length > 0 ? [`guarantees ${formatCapacity(sum(queues.map((q) => q.guarantee)))}`] : []),
    `requests ${formatCapacity(sum(now.map((t) => t.requests)))}`,
    `limits ${formatCapacity(sum(now.map((t) => t.limits)))}`,
  ], undefined, "    ");
  return true;
}
