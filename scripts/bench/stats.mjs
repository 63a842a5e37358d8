/** Medians, spreads and the issue's goals, from raw samples. */

/** A sample that timed out makes the result a lower bound ("> t"). */
export function summarize(samples) {
  if (samples.length === 0) return { n: 0 };
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const rss = samples.map((s) => s.rssMB).filter((r) => r !== null).sort((a, b) => a - b);
  const cpu = samples.map((s) => s.cpuMs).filter((c) => c !== null && c !== undefined).sort((a, b) => a - b);
  const medianMs = median(ms);
  return {
    n: samples.length,
    medianMs: round(medianMs),
    minMs: round(ms[0]),
    maxMs: round(ms.at(-1)),
    spreadPct: round(((ms.at(-1) - ms[0]) / medianMs) * 100),
    ...(samples.some((s) => s.timedOut) ? { lowerBound: true } : {}),
    cpuMs: cpu.length ? round(median(cpu)) : null,
    rssMB: rss.length ? round(median(rss)) : null,
    rssMaxMB: rss.length ? round(rss.at(-1)) : null,
    samples,
  };
}

/** a / b, with what it means when either side is only a lower bound. */
export function ratio(a, b) {
  if (!a?.n || !b?.n) return undefined;
  const value = a.medianMs / b.medianMs;
  if (a.lowerBound && b.lowerBound) return { value, unknown: true };
  if (b.lowerBound) return { value, atMost: true };
  if (a.lowerBound) return { value, atLeast: true };
  return { value };
}

/** The issue's goals, for the sizes that were measured. */
export function evaluateGoals(report) {
  const at = (size, id) => report.results[size]?.[id];
  const goals = [];
  if (at(4, "build")?.n) {
    const b = at(4, "build");
    goals.push({ goal: "seed (4 teams) build under 1 s wall", met: b.medianMs < 1000, value: `${(b.medianMs / 1000).toFixed(2)} s${b.cpuMs ? ` (CPU ${(b.cpuMs / 1000).toFixed(2)} s)` : ""}` });
  }
  const largest = Math.max(...report.options.sizes);
  if (largest >= 1000) {
    const vsKustomize = ratio(at(largest, "build"), at(largest, "kustomize"));
    if (vsKustomize) goals.push({ goal: `${largest} teams: no slower than Kustomize`, met: vsKustomize.value <= 1 && !vsKustomize.atLeast, value: show(vsKustomize) });
    const vsFloor = ratio(at(largest, "build"), at(largest, "floor"));
    if (vsFloor) goals.push({ goal: `${largest} teams: within 3× the YAML floor`, met: vsFloor.value <= 3 && !vsFloor.atLeast, value: show(vsFloor) });
  }
  const scale = linearity(report, "build", 100, 1000);
  if (scale) goals.push({ goal: "linear: 100 → 1,000 teams at most ×11", met: scale.value <= 11, value: show(scale) });
  return goals;
}

/** How much `id` grows from `small` to `large` teams. */
export function linearity(report, id, small, large) {
  return ratio(report.results[large]?.[id], report.results[small]?.[id]);
}

/** A ratio for people: "0.42", "< 0.36" when the denominator is a lower bound, "> …" for the numerator. */
export function show(r, unit = "") {
  if (!r) return "–";
  if (r.unknown) return "?";
  const x = `${unit}${r.value.toFixed(r.value < 10 ? 2 : 1)}`;
  return r.atMost ? `< ${x}` : r.atLeast ? `> ${x}` : x;
}

function median(sorted) {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (n) => Math.round(n * 10) / 10;
