/**
 * The platform as bars, for docs/ and the README: for CPU and for memory, the
 * nodes that make the cluster, the Volcano queues' guarantees, what each
 * queue can get and its fair share, and the teams' summed quotas, all on one
 * scale with the cluster and the workers drawn across as lines, so
 * overcommitment shows as bars that run past them.
 *
 * Plain SVG 1.1 that GitHub shows as an image: no script, no external
 * reference (fonts, images, styles), an opaque background for dark mode. The
 * same model gives the same bytes: nothing depends on time, locale or
 * chance, and every number is rounded the same way. Names are the only text
 * a team wrote that it holds, escaped for XML.
 */
import type { PlatformModel } from "../model/platform-model.js";
import { visible } from "../diagnostics/visible.js";
import { formatCapacity } from "../model/capacity.js";
import { formatApproximate, formatPercent, formatRatio } from "../model/quantity.js";
import { byName, nodeName, platformPicture, type PlatformPicture, type QueuePicture, type TeamPicture } from "./layout.js";

/** Queues drawn one row each; more are counted on one line. */
export const MAX_QUEUE_ROWS = 10;

const WIDTH = 1000;
const LEFT = 16;
const BAR_X = 170;
const BAR_WIDTH = 560;
const NOTE_X = BAR_X + BAR_WIDTH + 12;
const ROW = 18;
const GAP = 8;
const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'Noto Sans', Helvetica, Arial, sans-serif";
/** Width of a character at the 11px of labels, a little over the average so that a label that is drawn fits. */
const CHAR_WIDTH = 6.6;

export const COLORS = {
  text: "#1f2328",
  muted: "#59636e",
  node: "#8c959f",
  guarantee: "#0969da",
  reach: "#b6e3ff",
  volcanoTeam: "#8250df",
  defaultTeam: "#bc4c00",
  cluster: "#cf222e",
  workers: "#1f2328",
} as const;

type Dimension = "cpu" | "memory";
const DIMENSIONS: Array<{ dimension: Dimension; title: string }> = [
  { dimension: "cpu", title: "CPU" },
  { dimension: "memory", title: "Memory" },
];

/** XML text and attribute values: hidden characters made visible (XML forbids most controls), then the five specials. */
export function xml(text: string): string {
  return visible(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A coordinate or length, to two decimals, the same on every machine. */
const num = (value: number): string => String(Math.round(value * 100) / 100 + 0);

type Attributes = Record<string, string | number | undefined>;

function element(name: string, attributes: Attributes, children: string[] | string = []): string {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === "number" ? num(v) : xml(v!)}"`)
    .join("");
  // One element a line, so that a change to the picture is a readable diff.
  const content = typeof children === "string" ? xml(children) : children.map((c) => `\n${c}`).join("") + (children.length ? "\n" : "");
  return content === "" ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;
}

const text = (x: number, y: number, content: string, attributes: Attributes = {}): string =>
  element("text", { x, y, ...attributes }, content);

/** A segment of a bar, with its exact amount as a tooltip. */
function segment(x: number, y: number, width: number, fill: string, title: string, name: string, attributes: Attributes = {}): string[] {
  const out = [element("rect", { x, y, width: Math.max(width, 0), height: ROW, fill, ...attributes }, [element("title", {}, title)])];
  // The name inside the segment when it fits; the tooltip has it anyway.
  if (name !== "" && name.length * CHAR_WIDTH + 6 <= width) {
    out.push(text(x + 3, y + ROW - 5, name, { fill: fill === COLORS.reach ? COLORS.text : "#ffffff" }));
  }
  return out;
}

/** A white edge between segments of one bar, on those wide enough to keep their colour. */
const separated = (width: number): Attributes => (width >= 6 ? { stroke: "#ffffff" } : {});

interface Panel {
  dimension: Dimension;
  /** Pixels per unit (millicore or byte). */
  scale: number;
  top: number;
}

export function svg(model: PlatformModel): string {
  const picture = platformPicture(model);
  const body: string[] = [];
  let y = 28;
  body.push(text(LEFT, y, `Platform capacity: cluster ${picture.cluster}`, { "font-size": 16, "font-weight": "bold" }));
  y += 20;
  const cluster = `${picture.volcano ? "Volcano shares out" : "The cluster is"} every node (${formatCapacity(picture.capacity)})`;
  body.push(text(LEFT, y, `${cluster}; quotas are measured against the workers (${formatCapacity(picture.workers)}).`, { fill: COLORS.muted }));
  y += 16;
  for (const { dimension, title } of DIMENSIONS) y = panel(body, picture, dimension, title, y + 20);
  y = legend(body, y + 24, picture.volcano);
  const height = y + 16;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${num(height)}" viewBox="0 0 ${WIDTH} ${num(height)}" role="img" aria-labelledby="title">`,
    element("title", { id: "title" }, `Capacity of ${picture.cluster}: nodes, Volcano queues and team quotas`),
    element("defs", {}, [
      element("pattern", { id: "beyond-reach", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, [
        element("rect", { width: 6, height: 6, fill: "#ffffff" }),
        element("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: COLORS.guarantee, "stroke-width": 2 }),
      ]),
    ]),
    element("rect", { width: "100%", height: "100%", fill: "#ffffff" }),
    element("g", { "font-family": FONT, "font-size": 11, fill: COLORS.text }, body),
    "</svg>",
    "",
  ].join("\n");
}

/** The default queue, then the others by weight, guarantee and name: the rows worth a line when there are many. */
function largestQueues(picture: PlatformPicture): QueuePicture[] {
  const [first, ...rest] = picture.queues;
  const order = (a: QueuePicture, b: QueuePicture) =>
    b.weight - a.weight || b.guarantee.cpu - a.guarantee.cpu || b.guarantee.memory - a.guarantee.memory || byName(a.name, b.name);
  return first ? [first, ...rest.sort(order)] : [];
}

/** Default-scheduler teams, then Volcano teams, each by name: one block of colour each, however many teams. */
const bySchedulers = (teams: TeamPicture[]): TeamPicture[] =>
  [...teams.filter((t) => t.scheduler === "default"), ...teams.filter((t) => t.scheduler === "volcano")];

/** Everything the panel must fit on its scale. */
function largest(picture: PlatformPicture, d: Dimension): number {
  return Math.max(
    picture.capacity[d],
    picture.totals.requests[d],
    picture.totals.limits[d],
    picture.totals.guarantee[d],
    ...picture.queues.map((q) => Math.max(q.capability?.[d] ?? 0, q.realCapability[d])),
  );
}

function panel(body: string[], picture: PlatformPicture, dimension: Dimension, title: string, top: number): number {
  const most = largest(picture, dimension);
  const p: Panel = { dimension, scale: most > 0 ? BAR_WIDTH / most : 0, top };
  const fmt = (amount: number) => formatApproximate(dimension, amount);
  const x = (amount: number) => BAR_X + amount * p.scale;
  const rows: string[] = [];
  let y = top + 18;

  // Nodes: servers first, as k3d numbers them.
  let at = 0;
  for (const group of picture.nodes) {
    for (let i = 0; i < group.count; i++) {
      const name = nodeName(group.role, i);
      rows.push(...segment(x(at), y, group.each[dimension] * p.scale, COLORS.node, `${name}: ${fmt(group.each[dimension])}`, name, separated(group.each[dimension] * p.scale)));
      at += group.each[dimension];
    }
  }
  const nodes = picture.nodes.reduce((n, g) => n + g.count, 0);
  row(rows, y, "nodes", `${nodes} node${nodes === 1 ? "" : "s"} = ${fmt(picture.capacity[dimension])}`);
  y += ROW + GAP;

  if (picture.volcano) {
    at = 0;
    for (const queue of picture.queues.filter((q) => q.guarantee[dimension] > 0)) {
      const share = queue.guarantee[dimension];
      rows.push(...segment(x(at), y, share * p.scale, COLORS.guarantee, `queue ${queue.name}: guarantee ${fmt(share)}`, queue.name, separated(share * p.scale)));
      at += share;
    }
    const guaranteed = picture.totals.guarantee[dimension];
    row(rows, y, "queue guarantees", `${fmt(guaranteed)} = ${picture.capacity[dimension] > 0 ? formatPercent(guaranteed / picture.capacity[dimension]) : "–"} of the cluster`);
    y += ROW + GAP;

    for (const queue of largestQueues(picture).slice(0, MAX_QUEUE_ROWS)) {
      queueRow(rows, queue, p, fmt, y);
      y += ROW + GAP;
    }
    const rest = picture.queues.length - MAX_QUEUE_ROWS;
    if (rest > 0) {
      rows.push(text(BAR_X, y + ROW - 5, `… ${rest} smaller queue${rest === 1 ? "" : "s"}, in the guarantees above and the quotas below`, { fill: COLORS.muted }));
      y += ROW + GAP;
    }
  }

  for (const kind of ["requests", "limits"] as const) {
    at = 0;
    for (const team of bySchedulers(picture.teams)) {
      const share = team[kind][dimension];
      const fill = team.scheduler === "volcano" ? COLORS.volcanoTeam : COLORS.defaultTeam;
      rows.push(...segment(x(at), y, share * p.scale, fill, `team ${team.name}: quota ${kind} ${fmt(share)}`, team.name, separated(share * p.scale)));
      at += share;
    }
    const total = picture.totals[kind][dimension];
    const workers = picture.workers[dimension];
    row(rows, y, `quota ${kind}`, `${fmt(total)} = ${workers > 0 ? formatRatio(total / workers) : "∞×"} the workers`);
    y += ROW + GAP;
  }

  // The cluster and the workers across every row, labelled above them.
  const bottom = y - GAP + 4;
  const lineTop = top + 10;
  const workersX = x(picture.workers[dimension]);
  const clusterX = x(picture.capacity[dimension]);
  return finish(body, rows, title, top, [
    element("line", { x1: workersX, y1: lineTop, x2: workersX, y2: bottom, stroke: COLORS.workers, "stroke-width": 1.5, "stroke-dasharray": "4 3" }),
    text(workersX - 3, top + 8, `workers ${fmt(picture.workers[dimension])}`, { "text-anchor": "end" }),
    element("line", { x1: clusterX, y1: lineTop, x2: clusterX, y2: bottom, stroke: COLORS.cluster, "stroke-width": 2 }),
    text(clusterX + 3, top + 8, `cluster ${fmt(picture.capacity[dimension])}`, { fill: COLORS.cluster }),
  ], bottom);
}

function finish(body: string[], rows: string[], title: string, top: number, lines: string[], bottom: number): number {
  body.push(
    element("g", { "aria-label": title }, [
      text(LEFT, top + 8, title, { "font-size": 13, "font-weight": "bold" }),
      element("rect", { x: BAR_X, y: top + 12, width: BAR_WIDTH, height: bottom - top - 12, fill: "#f6f8fa" }),
      ...rows,
      ...lines,
    ]),
  );
  return bottom;
}

/** The row's name at the left and a note at the right. */
function row(rows: string[], y: number, name: string, note: string): void {
  rows.push(text(LEFT, y + ROW - 5, name), text(NOTE_X, y + ROW - 5, note, { fill: COLORS.muted }));
}

/**
 * A queue: what it can get (light), the part of its capability beyond that
 * (hatched: the guarantees of the others take it), its guarantee (dark) and
 * its fair share by weight (a tick).
 */
function queueRow(rows: string[], queue: QueuePicture, p: Panel, fmt: (n: number) => string, y: number): void {
  const d = p.dimension;
  const x = (amount: number) => BAR_X + amount * p.scale;
  const capability = queue.capability?.[d];
  rows.push(...segment(x(0), y, queue.realCapability[d] * p.scale, COLORS.reach, `queue ${queue.name}: can get at most ${fmt(queue.realCapability[d])}`, ""));
  if (capability !== undefined && capability > queue.realCapability[d]) {
    rows.push(...segment(x(queue.realCapability[d]), y, (capability - queue.realCapability[d]) * p.scale, "url(#beyond-reach)",
      `queue ${queue.name}: capability ${fmt(capability)}, ${fmt(capability - queue.realCapability[d])} of it beyond reach`, ""));
  }
  if (queue.guarantee[d] > 0) rows.push(...segment(x(0), y, queue.guarantee[d] * p.scale, COLORS.guarantee, `queue ${queue.name}: guarantee ${fmt(queue.guarantee[d])}`, ""));
  const shareX = x(queue.share[d]);
  rows.push(element("line", { x1: shareX, y1: y - 3, x2: shareX, y2: y + ROW + 3, stroke: COLORS.text, "stroke-width": 2 }, [
    element("title", {}, `queue ${queue.name}: fair share ${formatPercent(queue.weightShare)} = ${fmt(queue.share[d])}`),
  ]));
  const reach = capability === undefined ? fmt(queue.realCapability[d]) : `${fmt(queue.realCapability[d])} of ${fmt(capability)}`;
  row(rows, y, `queue ${queue.name}`, `weight ${queue.weight} (${formatPercent(queue.weightShare)}) · can get ${reach}`);
}

/** What each colour and line means; the queues' only when there is Volcano. */
function legend(body: string[], top: number, volcano: boolean): number {
  const queues: Array<[string, string]> = [
    [element("rect", { width: 14, height: 10, fill: COLORS.guarantee }), "queue guarantee"],
    [element("rect", { width: 14, height: 10, fill: COLORS.reach }), "most a queue can get"],
    [element("rect", { width: 14, height: 10, fill: "url(#beyond-reach)", stroke: COLORS.guarantee, "stroke-width": 0.5 }), "capability beyond reach"],
    [element("line", { x1: 7, y1: -2, x2: 7, y2: 12, stroke: COLORS.text, "stroke-width": 2 }), "fair share by weight"],
    [element("rect", { width: 14, height: 10, fill: COLORS.volcanoTeam }), "quota of a Volcano team"],
  ];
  const items: Array<[string, string]> = [
    [element("rect", { width: 14, height: 10, fill: COLORS.node }), "node"],
    ...(volcano ? queues : []),
    [element("rect", { width: 14, height: 10, fill: COLORS.defaultTeam }), "quota of a default-scheduler team"],
    [element("line", { x1: 7, y1: -2, x2: 7, y2: 12, stroke: COLORS.cluster, "stroke-width": 2 }), "cluster (every node)"],
    [element("line", { x1: 7, y1: -2, x2: 7, y2: 12, stroke: COLORS.workers, "stroke-width": 1.5, "stroke-dasharray": "4 3" }), "workers (agents)"],
  ];
  const out: string[] = [];
  let [x, y] = [LEFT, top];
  for (const [swatch, name] of items) {
    const width = 20 + name.length * CHAR_WIDTH + 18;
    if (x + width > WIDTH - LEFT) [x, y] = [LEFT, y + 20];
    out.push(element("g", { transform: `translate(${num(x)} ${num(y)})` }, [swatch, text(20, 10, name)]));
    x += width;
  }
  body.push(element("g", { "aria-label": "legend" }, out));
  return y + 12;
}

