/**
 * The pictures of the platform: every number they show is recomputed here
 * from platform.yaml and teams/ (not from the model's own arithmetic); the
 * SVG is well-formed XML with nothing GitHub would refuse or fetch, and the
 * same bytes for the same input; names a team wrote cannot break out of
 * either; the Mermaid diagram stays small at 150 teams and before → after
 * marks exactly what changed. docs/platform.svg is the seed's picture
 * (`npx vitest run -u test/picture.test.ts` rewrites it).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { PlatformModel } from "../src/model/platform-model.js";
import { MAX_NODES, MAX_TEAMS, mermaid } from "../src/picture/mermaid.js";
import { MAX_QUEUE_ROWS, svg } from "../src/picture/svg.js";
import { validateProject } from "../src/validate/index.js";
import { repoRoot } from "./support/paths.js";
import { copyProject, teamLike } from "./support/project.js";

// ---------------------------------------------------------------- the inputs, read independently

const GI = 2 ** 30;
/** A quantity of the seed in cores or bytes (the seed writes whole cores and Gi). */
function quantity(value: string | number): number {
  const match = /^([0-9.]+)(Gi|Mi)?$/.exec(String(value));
  if (!match) throw new Error(`the test reads only cores, Gi and Mi: ${value}`);
  return Number(match[1]) * (match[2] === "Gi" ? GI : match[2] === "Mi" ? 2 ** 20 : 1);
}
interface Amount { cpu: number; memory: number }
const amountOf = (r: { cpu: string | number; memory: string | number }): Amount => ({ cpu: quantity(r.cpu), memory: quantity(r.memory) });
/** "4 CPU / 8Gi", for amounts the seed makes (whole or .5 cores, whole Gi). */
const shown = (a: Amount): string => `${a.cpu} CPU / ${a.memory / GI}Gi`;

const yaml = (file: string) => parse(readFileSync(path.join(repoRoot, file), "utf8"));
const platformYaml = yaml("platform.yaml");
const teamYaml = ["alpha", "beta", "delta", "theta"].map((name) => yaml(`teams/${name}.yaml`));

const { servers, agents } = platformYaml.cluster;
const cluster: Amount = {
  cpu: servers.count * quantity(servers.cpu) + agents.count * quantity(agents.cpu),
  memory: servers.count * quantity(servers.memory) + agents.count * quantity(agents.memory),
};
const workers: Amount = { cpu: agents.count * quantity(agents.cpu), memory: agents.count * quantity(agents.memory) };
const queuesYaml = [
  { name: "default", ...platformYaml.volcano.defaultQueue },
  ...teamYaml.filter((t) => t.scheduler === "volcano").map((t) => ({ name: t.name, ...t.queue })),
];
const totalWeight = queuesYaml.reduce((n, q) => n + q.weight, 0);
const totalGuarantee: Amount = {
  cpu: queuesYaml.reduce((n, q) => n + (q.guarantee ? quantity(q.guarantee.cpu) : 0), 0),
  memory: queuesYaml.reduce((n, q) => n + (q.guarantee ? quantity(q.guarantee.memory) : 0), 0),
};
/** Volcano's proportion plugin: min(cluster − all guarantees + own guarantee, capability). */
function reach(q: (typeof queuesYaml)[number]): Amount {
  const own = q.guarantee ? amountOf(q.guarantee) : { cpu: 0, memory: 0 };
  const room = { cpu: cluster.cpu - totalGuarantee.cpu + own.cpu, memory: cluster.memory - totalGuarantee.memory + own.memory };
  return q.capability ? { cpu: Math.min(room.cpu, quantity(q.capability.cpu)), memory: Math.min(room.memory, quantity(q.capability.memory)) } : room;
}

let seed: PlatformModel;
beforeAll(async () => {
  seed = (await validateProject(repoRoot)).model!;
});

async function modelOf(edit: (project: ReturnType<typeof copyProject>) => void): Promise<PlatformModel> {
  const project = copyProject();
  try {
    edit(project);
    const { model } = await validateProject(project.root);
    if (!model) throw new Error("the variant has no model");
    return model;
  } finally {
    project.cleanup();
  }
}

// ---------------------------------------------------------------- reading the Mermaid text

interface MermaidNode { id: string; lines: string[]; group?: string }
interface ParsedMermaid { nodes: Map<string, MermaidNode>; edges: string[]; classes: Record<string, string[]> }

/**
 * Every line of the diagram must be one of the few statements the renderer
 * writes, with labels holding no quote, bracket, brace, angle bracket (but
 * <br/>), backtick, asterisk, underscore or %%: what could end a label,
 * start a statement or become Markdown or HTML.
 */
function readMermaid(text: string): ParsedMermaid {
  const lines = text.split("\n");
  expect(lines.pop()).toBe("");
  expect(lines.shift()).toBe("flowchart LR");
  const nodes = new Map<string, MermaidNode>();
  const edges: string[] = [];
  const classes: Record<string, string[]> = {};
  let group: string | undefined;
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if ((m = /^  subgraph (\w+)\["([^"]*)"\]$/.exec(line))) {
      expect(group).toBeUndefined();
      group = m[1];
      safeLabel(m[2]);
    } else if (line === "  end") {
      expect(group).toBeDefined();
      group = undefined;
    } else if ((m = /^ {2,4}(\w+)\["([^"]*)"\]$/.exec(line))) {
      expect(nodes.has(m[1])).toBe(false);
      nodes.set(m[1], { id: m[1], lines: safeLabel(m[2]).split("<br/>"), group });
    } else if ((m = /^  (\w+) (-->|---) (\w+)$/.exec(line))) {
      edges.push(`${m[1]} ${m[2]} ${m[3]}`);
    } else if ((m = /^  classDef (changed|added|removed) [a-z0-9:#,. -]+$/.exec(line))) {
      // styles only
    } else if ((m = /^  class ([\w,]+) (changed|added|removed)$/.exec(line))) {
      classes[m[2]] = m[1].split(",");
    } else {
      throw new Error(`not a statement the renderer writes: ${JSON.stringify(line)}`);
    }
  }
  for (const edge of edges) for (const id of edge.split(/ --[->] /)) expect(nodes.has(id), edge).toBe(true);
  for (const ids of Object.values(classes)) for (const id of ids) expect(nodes.has(id), id).toBe(true);
  return { nodes, edges, classes };
}

function safeLabel(label: string): string {
  const bare = label.replaceAll("<br/>", "");
  expect(bare, label).not.toMatch(/["<>`*_[\]{}\\\n\r]|%%|:::/);
  return label;
}

/** Mermaid's entity codes (#35;) decoded: what the reader sees. */
const decoded = (text: string) => text.replace(/#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)));

const nodeNamed = (diagram: ParsedMermaid, first: string) => [...diagram.nodes.values()].find((n) => n.lines[0] === first);

// ---------------------------------------------------------------- reading the SVG: a strict XML parser

interface XmlElement { name: string; attributes: Record<string, string>; children: Array<XmlElement | string> }

/**
 * A strict parser for the XML the renderer writes: elements, double-quoted
 * attributes, text, comments and the predefined and numeric character
 * references. Anything else (a DOCTYPE, CDATA, a processing instruction, an
 * unknown entity, a raw < or & in text, a character XML forbids) throws, so
 * what it accepts is well-formed XML.
 */
function parseXml(source: string): XmlElement {
  const NAME = /[A-Za-z_][\w.:-]*/y;
  const forbidden = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
  if (forbidden.test(source)) throw new Error("a character XML forbids");
  let at = 0;
  const fail = (what: string): never => { throw new Error(`${what} at ${at}: ${JSON.stringify(source.slice(at, at + 40))}`); };
  const name = () => { NAME.lastIndex = at; const m = NAME.exec(source); if (!m) fail("a name"); at += m![0].length; return m![0]; };
  const space = () => { while (/\s/.test(source[at] ?? "")) at++; };
  const references = (raw: string) => {
    if (/[<]/.test(raw)) fail("a raw <");
    return raw.replace(/&([^;]*);|&/g, (all, ref: string | undefined) => {
      if (ref === undefined) return fail("a raw &");
      const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
      if (ref in named) return named[ref];
      const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
      if (!m) return fail(`an unknown entity ${all}`);
      const code = m[1] ? parseInt(m[1], 16) : Number(m[2]);
      if (forbidden.test(String.fromCodePoint(code)) || (code >= 0xd800 && code <= 0xdfff)) fail("a reference to a character XML forbids");
      return String.fromCodePoint(code);
    });
  };
  const misc = () => {
    for (;;) {
      space();
      if (!source.startsWith("<!--", at)) return;
      const end = source.indexOf("-->", at + 4);
      if (end < 0 || source.slice(at + 4, end).includes("--")) fail("a comment");
      at = end + 3;
    }
  };
  const element = (): XmlElement => {
    if (source[at] !== "<") fail("<");
    at++;
    const el: XmlElement = { name: name(), attributes: {}, children: [] };
    for (;;) {
      space();
      if (source.startsWith("/>", at)) { at += 2; return el; }
      if (source[at] === ">") { at++; break; }
      const attribute = name();
      if (attribute in el.attributes) fail(`a second ${attribute}`);
      if (source[at] !== "=" || source[at + 1] !== '"') fail('="');
      const end = source.indexOf('"', at + 2);
      if (end < 0) fail("the end of the attribute");
      el.attributes[attribute] = references(source.slice(at + 2, end));
      at = end + 1;
      if (!/[\s/>]/.test(source[at] ?? "")) fail("space after an attribute");
    }
    for (;;) {
      const next = source.indexOf("<", at);
      if (next < 0) fail("the end tag");
      if (next > at) el.children.push(references(source.slice(at, next)));
      at = next;
      if (source.startsWith("</", at)) {
        at += 2;
        if (name() !== el.name) fail(`</${el.name}>`);
        space();
        if (source[at] !== ">") fail(">");
        at++;
        return el;
      }
      if (source.startsWith("<!--", at)) { misc(); continue; }
      if (source.startsWith("<!", at) || source.startsWith("<?", at)) fail("no DOCTYPE, CDATA or processing instruction");
      el.children.push(element());
    }
  };
  misc();
  const root = element();
  misc();
  if (at !== source.length) fail("the end of the document");
  return root;
}

const elements = (root: XmlElement): XmlElement[] => [root, ...root.children.flatMap((c) => (typeof c === "string" ? [] : elements(c)))];
const textOf = (el: XmlElement): string => el.children.map((c) => (typeof c === "string" ? c : textOf(c))).join("");
const titleOf = (el: XmlElement): string | undefined => {
  const title = el.children.find((c): c is XmlElement => typeof c !== "string" && c.name === "title");
  return title && textOf(title);
};

/** The panel of one dimension ("CPU", "Memory"), its origin (x of 0) and its scale from the cluster line. */
function panelOf(root: XmlElement, title: string) {
  const panel = elements(root).find((e) => e.name === "g" && e.attributes["aria-label"] === title)!;
  expect(panel, title).toBeDefined();
  const all = elements(panel);
  const titled = (prefix: string) => all.filter((e) => (titleOf(e) ?? "").startsWith(prefix));
  const one = (exact: string) => {
    const found = all.filter((e) => titleOf(e) === exact);
    expect(found.map(titleOf), exact).toEqual([exact]);
    return found[0];
  };
  const origin = Number(titled("server-0:")[0].attributes.x);
  const lines = all.filter((e) => e.name === "line" && !titleOf(e));
  const clusterX = Number(lines.find((l) => l.attributes["stroke-dasharray"] === undefined)!.attributes.x1);
  const workersX = Number(lines.find((l) => l.attributes["stroke-dasharray"] !== undefined)!.attributes.x1);
  return { all, titled, one, origin, clusterX, workersX, texts: all.filter((e) => e.name === "text").map(textOf) };
}

// ---------------------------------------------------------------- the Mermaid diagram

describe("the Mermaid diagram of the seed", () => {
  it("shows each node, the cluster they make and the summed quotas, as platform.yaml and teams/ give them", () => {
    const diagram = readMermaid(mermaid(seed));
    const requests = teamYaml.reduce((s, t) => ({ cpu: s.cpu + quantity(t.quota.requests.cpu), memory: s.memory + quantity(t.quota.requests.memory) }), { cpu: 0, memory: 0 });
    const limits = teamYaml.reduce((s, t) => ({ cpu: s.cpu + quantity(t.quota.limits.cpu), memory: s.memory + quantity(t.quota.limits.memory) }), { cpu: 0, memory: 0 });
    expect(diagram.nodes.get("cluster")!.lines).toEqual([
      `cluster ${platformYaml.cluster.name}`,
      `${shown(cluster)} on ${servers.count + agents.count} nodes`,
      `quota requests ${shown(requests)}`,
      `quota limits ${shown(limits)}`,
    ]);
    expect(servers.count + agents.count).toBeLessThanOrEqual(2 * MAX_NODES);
    for (const [role, group] of [["server", servers], ["agent", agents]] as const) {
      for (let i = 0; i < group.count; i++) {
        const node = nodeNamed(diagram, `${role}-${i}`)!;
        expect(node.lines).toEqual([`${role}-${i}`, shown(amountOf(group))]);
        expect(node.group).toBe("nodes");
        expect(diagram.edges).toContain(`${node.id} --- cluster`);
      }
    }
  });

  it("shows each Volcano queue's weight, share of the cluster, guarantee, capability and what it can get, with its team under it", () => {
    const diagram = readMermaid(mermaid(seed));
    for (const q of queuesYaml) {
      const node = nodeNamed(diagram, `queue ${q.name}`)!;
      const share = q.weight / totalWeight;
      expect(node.lines).toEqual([
        `queue ${q.name}`,
        `weight ${q.weight} · share ${Number((share * 100).toFixed(1))} % = ${shown({ cpu: cluster.cpu * share, memory: cluster.memory * share })}`,
        q.guarantee ? `guarantee ${shown(amountOf(q.guarantee))}` : "no guarantee",
        `capability ${q.capability ? shown(amountOf(q.capability)) : "none"}`,
        `can get ${shown(reach(q))}`,
      ]);
      expect(node.group).toBe("volcano");
      expect(diagram.edges).toContain(`cluster --> ${node.id}`);
      if (q.name !== "default") expect(diagram.edges).toContain(`${node.id} --> ${nodeNamed(diagram, `team ${q.name}`)!.id}`);
    }
    // The seed's own warning: delta and theta can get 6 CPU, not the 8 their capability says.
    expect(nodeNamed(diagram, "queue delta")!.lines.at(-1)).toBe("can get 6 CPU / 12Gi");
  });

  it("shows each team's quota, Volcano teams under their queue and default-scheduler teams beside", () => {
    const diagram = readMermaid(mermaid(seed));
    for (const t of teamYaml) {
      const node = nodeNamed(diagram, `team ${t.name}`)!;
      expect(node.lines).toEqual([`team ${t.name}`, `requests ${shown(amountOf(t.quota.requests))}`, `limits ${shown(amountOf(t.quota.limits))}`]);
      expect(node.group).toBe(t.scheduler === "volcano" ? "volcano" : "kube");
      if (t.scheduler === "default") expect(diagram.edges).toContain(`cluster --> ${node.id}`);
    }
    expect(diagram.nodes.size).toBe(1 + servers.count + agents.count + queuesYaml.length + teamYaml.length);
  });

  it("marks nothing without a base, or against a base that is the same", async () => {
    const again = (await validateProject(repoRoot)).model!;
    expect(readMermaid(mermaid(seed)).classes).toEqual({});
    expect(readMermaid(mermaid(seed, again)).classes).toEqual({});
    expect(mermaid(seed, again)).toBe(mermaid(seed));
  });
});

describe("before → after", () => {
  let diagram: ParsedMermaid;
  beforeAll(async () => {
    const after = await modelOf((p) => {
      p.write("platform.yaml", p.read("platform.yaml").replace("agents: { count: 2,", "agents: { count: 3,"));
      p.write("teams/alpha.yaml", p.read("teams/alpha.yaml").replace('requests: { cpu: "4", memory: 8Gi }', 'requests: { cpu: "6", memory: 8Gi }'));
      p.write("teams/delta.yaml", p.read("teams/delta.yaml").replace("weight: 40", "weight: 30"));
      p.remove("teams/beta.yaml");
      p.write("teams/zeta.yaml", teamLike("theta", "zeta"));
    });
    diagram = readMermaid(mermaid(after, seed));
  });
  const id = (first: string) => nodeNamed(diagram, first)!.id;

  it("marks exactly the changed, added and removed nodes, queues and teams", () => {
    expect(diagram.classes).toEqual({
      changed: [id("cluster data-platform-cluster"), id("queue delta"), id("team alpha")].sort(),
      added: [id("agent-2"), id("queue zeta"), id("team zeta")],
      removed: [id("team beta (removed)")],
    });
  });

  it("labels each change before → after, a shared unit once", () => {
    const cpu = cluster.cpu + quantity(agents.cpu);
    expect(nodeNamed(diagram, "cluster data-platform-cluster")!.lines[1]).toBe(
      `${cluster.cpu} → ${cpu} CPU / ${cluster.memory / GI} → ${(cluster.memory + quantity(agents.memory)) / GI}Gi on 3 → 4 nodes`,
    );
    expect(nodeNamed(diagram, "team alpha")!.lines).toEqual(["team alpha", "requests 4 → 6 CPU / 8Gi", "limits 8 CPU / 16Gi"]);
    expect(nodeNamed(diagram, "queue delta")!.lines[1]).toMatch(/^weight 40 → 30 · share 40 → [0-9.]+ % = /);
    expect(nodeNamed(diagram, "team beta (removed)")!.lines).toEqual(["team beta (removed)", "requests 4 CPU / 8Gi", "limits 8 CPU / 16Gi"]);
    // Unchanged settings carry no arrow.
    expect(nodeNamed(diagram, "agent-0")!.lines).toEqual(["agent-0", "4 CPU / 8Gi"]);
    expect(nodeNamed(diagram, "team theta")!.lines.join(" ")).not.toContain("→");
  });
});

describe("at 150 teams", () => {
  let base: PlatformModel;
  let after: PlatformModel;
  const names = Array.from({ length: 146 }, (_, i) => `t${String(i).padStart(3, "0")}`);
  beforeAll(async () => {
    const add = (p: ReturnType<typeof copyProject>, requests: string) =>
      names.forEach((name, i) => p.write(`teams/${name}.yaml`, teamLike(i % 2 ? "theta" : "alpha", name).replace('requests: { cpu: "', `requests: { cpu: "${requests}`)));
    base = await modelOf((p) => add(p, ""));
    after = await modelOf((p) => add(p, "1"));
    expect(base.teams).toHaveLength(150);
  });

  it("draws the largest teams and counts the rest in one box per scheduler", () => {
    const text = mermaid(base);
    const diagram = readMermaid(text);
    const teams = [...diagram.nodes.values()].filter((n) => n.lines[0].startsWith("team "));
    expect(teams).toHaveLength(MAX_TEAMS);
    const more = [...diagram.nodes.values()].filter((n) => n.lines[0].startsWith("… "));
    const counted = more.reduce((n, m) => n + Number(/^… (\d+) more/.exec(m.lines[0])![1]), 0);
    expect(counted).toBe(150 - MAX_TEAMS);
    expect(text.length).toBeLessThan(6_000);
  });

  it("stays small when every team changed, and says how many of those not drawn changed", () => {
    const text = mermaid(after, base);
    const diagram = readMermaid(text);
    expect(diagram.classes.changed).toHaveLength(MAX_TEAMS);
    const more = [...diagram.nodes.values()].filter((n) => n.lines[0].startsWith("… "));
    const changed = more.reduce((n, m) => n + Number(/, (\d+) of them changed$/.exec(m.lines[0])![1]), 0);
    expect(changed).toBe(146 - MAX_TEAMS);
    expect(text.length).toBeLessThan(6_000);
  });

  it("keeps the SVG's queue rows bounded", () => {
    const root = parseXml(svg(base));
    const cpu = panelOf(root, "CPU");
    expect(cpu.texts.filter((t) => t.startsWith("queue ") && t !== "queue guarantees")).toHaveLength(MAX_QUEUE_ROWS);
    expect(cpu.texts).toContain(`… ${base.teams.filter((t) => t.scheduler === "volcano").length + 1 - MAX_QUEUE_ROWS} smaller queues, in the guarantees above and the quotas below`);
    expect(cpu.titled("team ").filter((e) => titleOf(e)!.includes("quota requests"))).toHaveLength(150);
  });
});

// ---------------------------------------------------------------- the SVG

describe("the SVG of the seed", () => {
  it("is well-formed XML with only plain SVG: no script, no event handler, no external reference, no style sheet", () => {
    const text = svg(seed);
    const root = parseXml(text);
    expect(root.name).toBe("svg");
    expect(root.attributes.xmlns).toBe("http://www.w3.org/2000/svg");
    const ids = new Set(elements(root).flatMap((e) => (e.attributes.id ? [e.attributes.id] : [])));
    for (const el of elements(root)) {
      expect(["svg", "title", "defs", "pattern", "rect", "line", "g", "text"]).toContain(el.name);
      for (const [name, value] of Object.entries(el.attributes)) {
        expect(name).not.toMatch(/^on|href$|^style$/i);
        for (const [, ref] of value.matchAll(/url\(([^)]*)\)/g)) expect(ids.has(ref.replace(/^#/, "")), ref).toBe(true);
        if (!(el === root && name === "xmlns")) expect(value).not.toMatch(/https?:|data:|javascript:|@import/i);
      }
    }
    expect(text).not.toMatch(/<script|<style|<image|<foreignObject|<use|xlink/i);
  });

  it("is byte-identical for the same input", async () => {
    const again = (await validateProject(repoRoot)).model!;
    expect(svg(again)).toBe(svg(seed));
  });

  it("draws every node, guarantee, queue and quota at its amount against the cluster", () => {
    const root = parseXml(svg(seed));
    for (const [title, d, unit] of [["CPU", "cpu", " CPU"], ["Memory", "memory", "Gi"]] as const) {
      const panel = panelOf(root, title);
      const per = (panel.clusterX - panel.origin) / cluster[d];
      const width = (e: XmlElement) => Number(e.attributes.width);
      const x = (e: XmlElement) => Number(e.attributes.x);
      const close = (actual: number, expected: number) => expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThan(0.02);
      const value = (a: number) => `${d === "cpu" ? a : a / GI}${unit}`;

      close(panel.workersX - panel.origin, workers[d] * per);
      expect(panel.texts).toContain(`cluster ${value(cluster[d])}`);
      expect(panel.texts).toContain(`workers ${value(workers[d])}`);
      let at = 0;
      for (const [role, group] of [["server", servers], ["agent", agents]] as const) {
        for (let i = 0; i < group.count; i++) {
          const node = panel.one(`${role}-${i}: ${value(amountOf(group)[d])}`);
          close(x(node) - panel.origin, at * per);
          close(width(node), amountOf(group)[d] * per);
          at += amountOf(group)[d];
        }
      }
      for (const q of queuesYaml) {
        const share = (q.weight / totalWeight) * cluster[d];
        const tick = panel.one(`queue ${q.name}: fair share ${Number(((q.weight / totalWeight) * 100).toFixed(1))} % = ${value(share)}`);
        close(Number(tick.attributes.x1) - panel.origin, share * per);
        const can = reach(q)[d];
        close(width(panel.one(`queue ${q.name}: can get at most ${value(can)}`)), can * per);
        if (q.guarantee) {
          const g = amountOf(q.guarantee)[d];
          expect(panel.titled(`queue ${q.name}: guarantee ${value(g)}`)).toHaveLength(2); // in the guarantees row and in its own
          for (const e of panel.titled(`queue ${q.name}: guarantee `)) close(width(e), g * per);
        }
        if (q.capability && amountOf(q.capability)[d] > can) {
          const beyond = amountOf(q.capability)[d] - can;
          const hatched = panel.one(`queue ${q.name}: capability ${value(amountOf(q.capability)[d])}, ${value(beyond)} of it beyond reach`);
          close(x(hatched) - panel.origin, can * per);
          close(width(hatched), beyond * per);
        }
      }
      for (const kind of ["requests", "limits"] as const) {
        let start = 0;
        // Default-scheduler teams, then Volcano teams, each by name.
        const order = (t: (typeof teamYaml)[number]) => `${t.scheduler === "default" ? 0 : 1} ${t.name}`;
        for (const t of [...teamYaml].sort((a, b) => (order(a) < order(b) ? -1 : 1))) {
          const amount = amountOf(t.quota[kind])[d];
          const segment = panel.one(`team ${t.name}: quota ${kind} ${value(amount)}`);
          close(x(segment) - panel.origin, start * per);
          close(width(segment), amount * per);
          expect(segment.attributes.fill).toBe(t.scheduler === "volcano" ? "#8250df" : "#bc4c00");
          start += amount;
        }
        expect(panel.texts).toContain(`${value(start)} = ${Number((start / workers[d]).toFixed(2))}× the workers`);
      }
    }
  });

  it("is docs/platform.svg as build writes it: the generated header, then the picture", () => {
    const written = readFileSync(path.join(repoRoot, "docs/platform.svg"), "utf8");
    const [header, ...rest] = written.split(/(?<=-->\n)/);
    expect(header).toMatch(/^<!-- Generated by spark-platform-gitops from platform\.yaml, teams\/\. Do not edit:\n[^]*-->\n$/);
    expect(rest.join("")).toBe(svg(seed));
  });
});

// ---------------------------------------------------------------- names that try to break out

const HOSTILE = [
  `x"]\n  click t0 href "javascript:alert(1)"\n  evil["`,
  "</text><script>alert(1)</script><text>",
  "%%{init: {'securityLevel': 'loose'}}%%",
  "<img src=x onerror=alert(1)> & ]]> `code` *bold* _it_ #quot; &amp;",
  "\u0000\u0007\u001b[31m\u2028\u202e\ud800 end",
];

/** The seed with one team's (and its queue's) name and the cluster's name replaced: what no validation would let through. */
function renamed(model: PlatformModel, team: string, name: string): PlatformModel {
  const teams = model.teams.map((t) =>
    t.name === team ? { ...t, name, queueName: t.queueName && name, spec: { ...t.spec, name }, queue: t.queue && { ...t.queue, name } } : t);
  const queues = model.queues.map((q) => (q.team?.name === team ? { ...q, name, team: teams.find((t) => t.name === name) } : q));
  return { ...model, platform: { ...model.platform, cluster: { ...model.platform.cluster, name } }, teams, queues };
}

describe("a name that tries to break out", () => {
  for (const name of HOSTILE) {
    it(`stays a label in the Mermaid diagram: ${JSON.stringify(name).slice(0, 40)}`, () => {
      for (const team of ["alpha", "delta"]) {
        const hostile = renamed(seed, team, name);
        const diagram = readMermaid(mermaid(hostile, seed));
        const seen = [...diagram.nodes.values()].map((n) => decoded(n.lines[0]));
        expect(seen).toContain(`team ${visibleOf(name)}`);
        expect(seen).toContain(`cluster data-platform-cluster → ${visibleOf(name)}`);
        // The old team (and queue) drawn as removed, the new one as added.
        expect(diagram.nodes.size).toBe(readMermaid(mermaid(seed)).nodes.size + (team === "delta" ? 2 : 1));
      }
    });

    it(`stays text in the SVG: ${JSON.stringify(name).slice(0, 40)}`, () => {
      const root = parseXml(svg(renamed(seed, "delta", name)));
      expect(elements(root).map((e) => e.name)).not.toContain("script");
      const texts = elements(root).filter((e) => e.name === "text" || e.name === "title").map(textOf);
      expect(texts).toContain(`Platform capacity: cluster ${visibleOf(name)}`);
      expect(texts).toContain(`team ${visibleOf(name)}: quota requests 6 CPU`);
    });
  }
});

/** What the escapes show of a name: hidden characters as \u escapes. */
function visibleOf(name: string): string {
  return name.replace(/[\x00-\x1f\x7f-\x9f\u2028-\u202e]|[\ud800-\udbff](?![\udc00-\udfff])/g, (c) =>
    ({ "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
