/** The benchmark's report as Markdown: one table, the scaling, the goals. */
import { linearity, ratio, show } from "./stats.mjs";

export function renderReport(report, ratios, baseline) {
  const { sizes } = report.options;
  const ids = Object.keys(report.measures);
  const detailed = new Set(report.detailed ?? []); // measures shown with CPU time and peak memory
  const lines = [];
  const m = report.machine;
  lines.push(`${report.date.slice(0, 10)} · ${m.cpus} × ${m.cpuModel} · ${m.memoryGB} GB · ${m.node} · load ${m.loadBefore.join(" ")} → ${m.loadAfter.join(" ")} · ${m.commit ?? "?"}${m.dirty ? " (uncommitted changes)" : ""}`, "");

  const head = ["teams", ...ids.flatMap((id) => (detailed.has(id) ? [id, `${id} CPU`, `${id} peak RSS`] : [id])), ...ratios.map(([a, b]) => `${a} / ${b}`)];
  lines.push(row(head), row(head.map((_, i) => (i === 0 ? "---:" : "---:"))));
  for (const size of sizes) {
    const r = report.results[size];
    const cells = ids.flatMap((id) => (detailed.has(id) ? [time(r[id]), cpu(r[id]), memory(r[id])] : [time(r[id])]));
    lines.push(row([size.toLocaleString("en-US"), ...cells, ...ratios.map(([a, b]) => show(ratio(r[a], r[b])))]));
  }
  lines.push("", "Time: wall-clock median of n runs (min–max), each a fresh process. CPU: median user + system time.");

  const pairs = sizes.slice(1).map((large, i) => [sizes[i], large]);
  if (pairs.length) {
    lines.push("", "Scaling (median time at the larger size / at the smaller):", "");
    for (const [small, large] of pairs) {
      lines.push(`- ${small} → ${large} teams (×${(large / small).toFixed(0)}): ${ids.map((id) => `${id} ${show(linearity(report, id, small, large), "×")}`).join(", ")}`);
    }
  }
  if (report.goals.length) {
    lines.push("", "Goals:", "");
    for (const g of report.goals) lines.push(`- ${g.met ? "✔" : "✖"} ${g.goal}: ${g.value}`);
  }
  if (baseline?.results) {
    lines.push("", `Build against scripts/bench/baseline.json (${baseline.date.slice(0, 10)}, ${baseline.machine?.commit ?? "?"}):`, "");
    for (const size of sizes) {
      const before = baseline.results[size]?.build;
      const now = report.results[size]?.build;
      if (!before?.n || !now?.n) continue;
      lines.push(`- ${size} teams: ${seconds(before.medianMs)} → ${seconds(now.medianMs)} (${signed((now.medianMs / before.medianMs - 1) * 100)} %)`);
    }
  }
  return lines.join("\n") + "\n";
}

function time(s) {
  if (!s?.n) return "–";
  if (s.lowerBound) return `> ${seconds(s.medianMs)} (stopped)`;
  return `${seconds(s.medianMs)} (${(s.minMs / 1000).toFixed(2)}–${(s.maxMs / 1000).toFixed(2)}, n=${s.n})`;
}

const cpu = (s) => (s?.cpuMs ? seconds(s.cpuMs) : "–");
const memory = (s) => (s?.rssMB ? `${Math.round(s.rssMB)} MB` : "–");
const seconds = (ms) => `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
const signed = (n) => `${n > 0 ? "+" : n < 0 ? "−" : ""}${Math.abs(n).toFixed(0)}`;
const row = (cells) => `| ${cells.join(" | ")} |`;
