#!/usr/bin/env node
/**
 * `npm run bench`: our build (and review) against Kustomize and the YAML floor on
 * synthetic platforms of 4 (the seed), 100 and 1,000 teams; the time every
 * user-facing command takes to answer on the seed (./commands.mjs); hostile
 * team files (./hostile.mjs). Every command is a fresh process; repetitions
 * are interleaved (round by round, in a rotating order) so that load from
 * elsewhere on the machine spreads over all of them. Prints the tables and
 * writes .bench/latest.json (see docs/benchmark.md).
 *
 *   node scripts/bench/run.mjs [--sizes 4,100,1000] [--reps 5,3,3] [--only build,floor,commands,hostile]
 *                              [--kustomize-timeout 60] [--compare-cli <other main.js>]
 *                              [--keep] [--save-baseline]
 * --compare-cli also measures another build of the CLI (e.g. of an older
 * commit), interleaved with this one, so that both see the same load.
 * Environment: BENCH_SIZES, BENCH_REPS, BENCH_KUSTOMIZE_TIMEOUT (seconds).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { CompileError, ensureCompiled } from "../compile.mjs";
import { benchCommands, commandGoals, renderCommands } from "./commands.mjs";
import { writeAggregateKustomization, writePlatform } from "./fixtures.mjs";
import { benchHostile, hostileGoals, renderHostile } from "./hostile.mjs";
import { MEASURES, RATIOS } from "./measures.mjs";
import { measure, usageSource } from "./process.mjs";
import { evaluateGoals, summarize } from "./stats.mjs";
import { renderReport } from "./table.mjs";

process.on("uncaughtException", (error) => {
  log(error.bench ? error.message : error.stack);
  process.exit(1);
});

const REPO = path.resolve(import.meta.dirname, "../..");
const LATEST = path.join(REPO, ".bench/latest.json");
const BASELINE = path.join(REPO, "scripts/bench/baseline.json"); // committed: the reference for later runs

const { values: flags } = parseArgs({
  options: {
    sizes: { type: "string", default: process.env.BENCH_SIZES ?? "4,100,1000" },
    reps: { type: "string", default: process.env.BENCH_REPS ?? "5,3,3" },
    only: { type: "string" },
    "kustomize-timeout": { type: "string", default: process.env.BENCH_KUSTOMIZE_TIMEOUT ?? "60" },
    cli: { type: "string", default: path.join(REPO, "dist/src/cli/main.js") },
    "compare-cli": { type: "string" },
    keep: { type: "boolean", default: false },
    "save-baseline": { type: "boolean", default: false },
  },
});

const wanted = flags.only ? new Set(flags.only.split(",")) : undefined;
// `--only commands,hostile`: those tables alone, on the seed, no synthetic platforms.
const SEED_ONLY = ["commands", "hostile"];
const seedOnly = wanted !== undefined && [...wanted].every((id) => SEED_ONLY.includes(id));
const runHostile = !wanted || wanted.has("hostile");
const runCommands = !wanted || wanted.has("commands");
const sizes = seedOnly ? [] : numbers(flags.sizes);
const repsList = numbers(flags.reps);
const repsFor = (i) => repsList[Math.min(i, repsList.length - 1)];
const options = { kustomizeTimeout: Number(flags["kustomize-timeout"]) };
const cli = path.resolve(flags.cli);
try {
  await ensureCompiled({ say: log }); // the commands below include this checkout's launcher and CLI
} catch (error) {
  fail(error instanceof CompileError ? error.message : String(error));
}
if (!existsSync(cli)) fail(`${cli} not found`);

const ratios = [...RATIOS];
const all = [...MEASURES];
if (flags["compare-cli"]) {
  const other = path.resolve(flags["compare-cli"]);
  if (!existsSync(other)) fail(`${other} not found`);
  const build = MEASURES.find((m) => m.id === "build");
  all.splice(1, 0, { ...build, id: "compare", label: `the same with ${path.relative(REPO, other)}`, command: (ctx) => build.command({ ...ctx, cli: other }) });
  ratios.push(["build", "compare"]);
}
const measures = all.filter((m) => !wanted || wanted.has(m.id)).filter((m) => {
  const available = m.available?.() ?? true;
  if (available !== true) log(`skipping ${m.id}: ${available}`);
  return available === true;
});

const started = Date.now();
const machine = machineInfo();
const root = mkdtempSync(path.join(os.tmpdir(), "spark-platform-bench-"));
try {
  // Fixtures, and one warm-up build each: writes the tree Kustomize and the floor read,
  // fills the file cache, and proves the synthetic platform is valid.
  const contexts = sizes.map((teams) => {
    const dir = path.join(root, String(teams));
    const names = writePlatform(REPO, dir, teams);
    writeAggregateKustomization(dir, names);
    return { dir, cli, teams: names, options };
  });
  for (const ctx of contexts) {
    const result = await measure(MEASURES.find((m) => m.id === "build").command(ctx));
    if (result.code !== 0) fail(`the warm-up build of ${ctx.teams.length} teams failed:\n${result.stderr}`);
    log(`${ctx.teams.length} teams ready (warm-up build ${(result.ms / 1000).toFixed(2)} s)`);
  }

  const samples = new Map(); // `${size}/${id}` → sample[]
  const rounds = Math.max(...sizes.map((_, i) => repsFor(i)));
  for (let round = 0; round < rounds; round++) {
    const order = rotate(measures, round);
    for (const [i, ctx] of contexts.entries()) {
      if (round >= repsFor(i)) continue;
      for (const m of order) {
        const key = `${sizes[i]}/${m.id}`;
        const done = samples.get(key) ?? [];
        if (done.some((s) => s.timedOut)) continue; // a lower bound is all there is to learn
        m.prepare?.(ctx);
        const result = await measure(m.command(ctx), { timeoutMs: m.timeoutMs?.(ctx) });
        if (!(m.exitCodes ?? [0]).includes(result.code) && !result.timedOut) fail(`${m.id} at ${sizes[i]} teams exited ${result.code}:\n${result.stderr}`);
        samples.set(key, [...done, { ms: result.ms, cpuMs: result.cpuMs, rssMB: result.rssMB, timedOut: result.timedOut }]);
        log(`round ${round + 1}/${rounds}  ${String(sizes[i]).padStart(5)} teams  ${m.id.padEnd(10)} ${result.timedOut ? `> ${(result.ms / 1000).toFixed(0)} s (stopped)` : `${(result.ms / 1000).toFixed(3)} s`}`);
      }
    }
  }

  const results = Object.fromEntries(sizes.map((size) => [size, Object.fromEntries(measures.map((m) => [m.id, summarize(samples.get(`${size}/${m.id}`) ?? [])]))]));
  const commands = runCommands ? await benchCommands({ repo: REPO, cli, root, reps: repsFor(0), log }) : undefined;
  const hostile = runHostile ? await benchHostile({ repo: REPO, cli, root, reps: repsFor(0), log }) : undefined;
  const report = {
    date: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 1000),
    machine: { ...machine, loadAfter: os.loadavg().map((l) => +l.toFixed(2)) },
    usageSource,
    options: { sizes, reps: sizes.map((_, i) => repsFor(i)), kustomizeTimeoutS: options.kustomizeTimeout },
    measures: Object.fromEntries(measures.map((m) => [m.id, m.label])),
    detailed: measures.filter((m) => m.detailed).map((m) => m.id),
    results,
    ...(commands ? { commands } : {}),
    ...(hostile ? { hostile } : {}),
  };
  report.goals = [...evaluateGoals(report), ...(commands ? commandGoals(commands) : []), ...(hostile ? hostileGoals(hostile) : [])];
  const baseline = existsSync(BASELINE) ? JSON.parse(readFileSync(BASELINE, "utf8")) : undefined;
  if (!seedOnly) process.stdout.write(renderReport(report, ratios, baseline));
  if (commands) process.stdout.write(renderCommands(commands, seedOnly && !hostile ? report.goals : [], report.machine));
  if (hostile) process.stdout.write(renderHostile(hostile, seedOnly ? report.goals : []));

  mkdirSync(path.dirname(LATEST), { recursive: true });
  writeFileSync(LATEST, JSON.stringify(report, null, 2) + "\n");
  log(`wrote ${path.relative(REPO, LATEST)}`);
  if (flags["save-baseline"]) {
    mkdirSync(path.dirname(BASELINE), { recursive: true });
    writeFileSync(BASELINE, JSON.stringify(report, null, 2) + "\n");
    log(`wrote ${path.relative(REPO, BASELINE)}`);
  }
} finally {
  if (flags.keep) log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}

function machineInfo() {
  const cpus = os.cpus();
  const git = (...args) => {
    try {
      return execFileSync("git", args, { cwd: REPO, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return undefined;
    }
  };
  const kubectl = (() => {
    try {
      return execFileSync("kubectl", ["version", "--client"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split("\n").join("; ");
    } catch {
      return undefined;
    }
  })();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    memoryGB: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    kubectl,
    commit: git("rev-parse", "--short", "HEAD"),
    dirty: Boolean(git("status", "--porcelain", "--untracked-files=no")),
    loadBefore: os.loadavg().map((l) => +l.toFixed(2)),
  };
}

function numbers(list) {
  const out = list.split(",").map((s) => Number(s.trim()));
  if (out.some((n) => !Number.isInteger(n) || n < 1)) fail(`expected a comma-separated list of positive integers, got "${list}"`);
  return out;
}

function rotate(list, by) {
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

function log(line) {
  process.stderr.write(`bench: ${line}\n`);
}

/** Stops the run; the temporary projects are removed on the way out. */
function fail(message) {
  throw Object.assign(new Error(message), { bench: true });
}
