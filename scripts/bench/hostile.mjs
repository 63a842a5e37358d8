/**
 * Hostile team files: what a pull request can put in `teams/` to make the
 * checks slow (issue: "Bounded cost"). Each case is the seed's project plus
 * one file; `validate` runs on it as a fresh process, as CI does. Parsing and
 * validation must stay linear, and a megabyte of unknown keys must be refused
 * in under a second (src/load/source.ts holds the limits that make it so).
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { measure } from "./process.mjs";
import { summarize } from "./stats.mjs";

const MiB = 1024 * 1024;

/** `count` lines of `unknown<i>: <i>` after alpha's own keys, or as many as fit in `bytes`. */
function unknownKeys(alpha, { count = Infinity, bytes = Infinity }) {
  const parts = [alpha];
  let size = Buffer.byteLength(alpha);
  for (let i = 0; i < count; i++) {
    const line = `unknown${i}: ${i}\n`;
    if (size + line.length > bytes) break;
    parts.push(line);
    size += line.length;
  }
  return parts.join("");
}

/** @type {Array<{ id: string, label: string, exitCode: number, text(alpha: string): string }>} */
export const HOSTILE_CASES = [
  { id: "1mib-keys", label: "1 MiB of unknown keys (46,000 lines)", exitCode: 1, text: (alpha) => unknownKeys(alpha, { bytes: MiB }) },
  { id: "30k-keys", label: "30,000 unknown keys", exitCode: 1, text: (alpha) => unknownKeys(alpha, { count: 30_000 }) },
  // Just under the limit of src/load/source.ts (2,000 pieces of syntax): about the largest file that is parsed and validated in full.
  { id: "600-keys", label: "600 unknown keys (about the most that is parsed; 100 reported)", exitCode: 1, text: (alpha) => unknownKeys(alpha, { count: 600 }) },
  { id: "seed", label: "alpha.yaml as it is (for comparison)", exitCode: 0, text: (alpha) => alpha },
  {
    id: "1mib-comment", label: "a valid team file filled to 1 MiB with comments (8,400 lines)", exitCode: 0,
    text: (alpha) => {
      const line = `# ${"a long comment line that fills the file up to one mebibyte ".repeat(2)}\n`;
      return line.repeat(Math.floor((MiB - Buffer.byteLength(alpha)) / line.length)) + alpha;
    },
  },
  { id: "deep", label: "10,000 nested brackets", exitCode: 1, text: (alpha) => `${alpha}zzz: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n` },
  { id: "comment-header", label: "40 comment lines above the keys (a regex took minutes)", exitCode: 0, text: (alpha) => `${"# a comment\n".repeat(40)}${alpha}` },
];

/**
 * Measures every case `reps` times, interleaved round by round. Returns
 * `{ [id]: summary }` (./stats.mjs) and stops with an error when a case does
 * not exit as expected: a hostile file must be refused, a legal one accepted.
 */
export async function benchHostile({ repo, cli, root, reps, log }) {
  const alpha = readFileSync(path.join(repo, "teams/alpha.yaml"), "utf8");
  const dirs = HOSTILE_CASES.map((c) => {
    const dir = path.join(root, `hostile-${c.id}`);
    mkdirSync(dir, { recursive: true });
    cpSync(path.join(repo, "platform.yaml"), path.join(dir, "platform.yaml"));
    cpSync(path.join(repo, "teams"), path.join(dir, "teams"), { recursive: true });
    const text = c.text(alpha);
    if (Buffer.byteLength(text) > MiB) throw new Error(`${c.id}: ${Buffer.byteLength(text)} bytes, more than the 1 MiB an input may have`);
    writeFileSync(path.join(dir, "teams/alpha.yaml"), text);
    return dir;
  });
  const samples = new Map(HOSTILE_CASES.map((c) => [c.id, []]));
  try {
    for (let round = 0; round < reps; round++) {
      for (const [i, c] of HOSTILE_CASES.entries()) {
        const result = await measure({ file: process.execPath, args: [cli, "validate", "--quiet", "--dir", dirs[i]] }, { timeoutMs: 120_000 });
        if (result.code !== c.exitCode && !result.timedOut) throw new Error(`hostile ${c.id}: validate exited ${result.code}, expected ${c.exitCode}:\n${result.stderr.slice(0, 2000)}`);
        samples.get(c.id).push({ ms: result.ms, cpuMs: result.cpuMs, rssMB: result.rssMB, timedOut: result.timedOut });
        log(`round ${round + 1}/${reps}  hostile ${c.id.padEnd(14)} ${(result.ms / 1000).toFixed(3)} s`);
      }
    }
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  return Object.fromEntries(HOSTILE_CASES.map((c) => [c.id, summarize(samples.get(c.id))]));
}

/** The goals of "Bounded cost": the megabyte of keys under a second, and every case with it. */
export function hostileGoals(results) {
  const keys = results["1mib-keys"];
  const slowest = HOSTILE_CASES.map((c) => ({ c, s: results[c.id] })).filter(({ s }) => s?.n).sort((a, b) => b.s.medianMs - a.s.medianMs)[0];
  return [
    ...(keys?.n ? [{ goal: "a 1 MiB team file of unknown keys refused under 1 s wall", met: !keys.lowerBound && keys.medianMs < 1000, value: `${(keys.medianMs / 1000).toFixed(2)} s` }] : []),
    ...(slowest ? [{ goal: "every hostile team file handled under 1 s wall", met: !slowest.s.lowerBound && slowest.s.medianMs < 1000, value: `slowest ${slowest.c.id} ${(slowest.s.medianMs / 1000).toFixed(2)} s` }] : []),
  ];
}

/** The cases as a Markdown table, then `goals` (when the main report does not show them). */
export function renderHostile(results, goals = []) {
  const lines = ["", "Hostile team files (`validate` on the seed with alpha.yaml replaced):", "", "| file | exit | time | CPU | peak RSS |", "| --- | ---: | ---: | ---: | ---: |"];
  for (const c of HOSTILE_CASES) {
    const s = results[c.id];
    if (!s?.n) continue;
    const time = s.lowerBound ? `> ${(s.medianMs / 1000).toFixed(1)} s (stopped)` : `${(s.medianMs / 1000).toFixed(2)} s (${(s.minMs / 1000).toFixed(2)}–${(s.maxMs / 1000).toFixed(2)}, n=${s.n})`;
    lines.push(`| ${c.label} | ${c.exitCode} | ${time} | ${s.cpuMs ? `${(s.cpuMs / 1000).toFixed(2)} s` : "–"} | ${s.rssMB ? `${Math.round(s.rssMB)} MB` : "–"} |`);
  }
  if (goals.length) lines.push("", "Goals:", "", ...goals.map((g) => `- ${g.met ? "✔" : "✖"} ${g.goal}: ${g.value}`));
  return lines.join("\n") + "\n";
}
