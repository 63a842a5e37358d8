/**
 * Time to answer: every user-facing command on the seed, as a person types it
 * (`npm run <command>`), through the launcher that script runs
 * (`node scripts/cli.mjs`, which checks dist/ is current) and as the compiled
 * CLI alone (`node dist/src/cli/main.js`), plus the README's pre-commit hook as Git runs it.
 * `config` has no npm script (the bootstrap scripts run the launcher).
 * The differences are npm's own start-up and the launcher's check.
 * Each command has its own copy of the seed, so that one's edits do not change
 * what another sees.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { commitBase, editOneTeam, writePlatform } from "./fixtures.mjs";
import { measure } from "./process.mjs";
import { summarize } from "./stats.mjs";

/**
 * @type {Array<{ id: string, args: string[], setup?(dir: string, tools: { build(dir: string): Promise<void> }): void | Promise<void>, prepare?(dir: string): void, exitCodes?: number[], noNpmScript?: boolean }>}
 */
export const COMMANDS = [
  { id: "validate", args: ["validate"] },
  { id: "build", args: ["build"], prepare: (dir) => editOneTeam(dir, "alpha") }, // one team's file edited, as before a commit
  { id: "check", args: ["check"] },
  { id: "policy", args: ["policy"] },
  {
    id: "review", args: ["review", "--base", "HEAD"],
    setup: (dir) => { commitBase(dir); editOneTeam(dir, "beta"); }, // a pull request that edits one team
    exitCodes: [0, 1], // 1: the review found errors, a finished review all the same
  },
  {
    id: "pre-commit", args: ["pre-commit"],
    // A commit in the making: one team's file edited and built since the last commit.
    setup: async (dir, { build }) => { commitBase(dir); editOneTeam(dir, "beta"); await build(dir); },
  },
  { id: "new-team", args: ["new-team", "zeta", "--dry-run"] },
  { id: "config", args: ["config", "cluster.name"], noNpmScript: true },
];

const startedWay = (command, way) => !(way.id === "npm" && command.noNpmScript);

/** The ways a command is started. */
export const WAYS = [
  { id: "npm", label: "npm run", command: (repo, args, dir) => ({ file: "npm", args: ["run", "-s", args[0], "--", ...args.slice(1), "--dir", dir] }) },
  { id: "launcher", label: "node scripts/cli.mjs", command: (repo, args, dir) => ({ file: process.execPath, args: [path.join(repo, "scripts/cli.mjs"), ...args, "--dir", dir] }) },
  { id: "cli", label: "node dist/src/cli/main.js", command: (repo, args, dir) => ({ file: process.execPath, args: [path.join(repo, "dist/src/cli/main.js"), ...args, "--dir", dir] }) },
];

/** The README's pre-commit hook (one command, `pre-commit`), run by sh in a project with nothing to commit. */
const hook = (repo) => `exec node ${JSON.stringify(path.join(repo, "scripts/cli.mjs"))} pre-commit`;

/** A terminal's environment: none of the variables of the `npm run bench` that started us. */
const terminalEnv = () => Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

/**
 * Measures every command every way `reps` times, interleaved round by round.
 * Returns `{ [command]: { [way]: summary } }` and `hook`, and stops with an
 * error when a command does not exit as it should.
 */
export async function benchCommands({ repo, cli, root, reps, log }) {
  const env = terminalEnv();
  const buildOnce = async (dir) => {
    const result = await measure({ file: process.execPath, args: [cli, "build", "--quiet", "--dir", dir] }, { env });
    if (result.code !== 0) throw new Error(`the warm-up build in ${dir} failed:\n${result.stderr}`);
  };
  const dirs = new Map();
  for (const c of COMMANDS) {
    const dir = path.join(root, `command-${c.id}`);
    writePlatform(repo, dir, 4);
    await buildOnce(dir); // generated/ current, as in a checkout
    await c.setup?.(dir, { build: buildOnce });
    dirs.set(c.id, dir);
  }
  const hookDir = path.join(root, "command-hook");
  writePlatform(repo, hookDir, 4);
  await buildOnce(hookDir);
  commitBase(hookDir);
  writeFileSync(path.join(hookDir, "pre-commit"), hook(repo) + "\n");

  const runs = [
    ...COMMANDS.flatMap((c) => WAYS.filter((w) => startedWay(c, w)).map((w) => ({ key: `${c.id}/${w.id}`, exitCodes: c.exitCodes ?? [0], prepare: () => c.prepare?.(dirs.get(c.id)), command: w.command(repo, c.args, dirs.get(c.id)) }))),
    { key: "hook/launcher", exitCodes: [0], command: { file: "sh", args: ["pre-commit"] }, cwd: hookDir },
  ];
  const samples = new Map(runs.map((r) => [r.key, []]));
  for (let round = 0; round < reps; round++) {
    for (const r of rotate(runs, round)) {
      r.prepare?.();
      const result = await measure(r.command, { env, cwd: r.cwd ?? repo, timeoutMs: 120_000 });
      if (!r.exitCodes.includes(result.code) && !result.timedOut) throw new Error(`${r.key} exited ${result.code}:\n${result.stderr.slice(0, 2000)}`);
      samples.get(r.key).push({ ms: result.ms, cpuMs: result.cpuMs, rssMB: result.rssMB, timedOut: result.timedOut });
      log(`round ${round + 1}/${reps}  ${r.key.padEnd(20)} ${(result.ms / 1000).toFixed(3)} s`);
    }
  }
  const results = {};
  for (const [key, list] of samples) {
    const [command, way] = key.split("/");
    (results[command] ??= {})[way] = summarize(list);
  }
  return results;
}

/** The goals of "fast commands": npm run validate on the seed, and the README's pre-commit hook, well under a second. */
export function commandGoals(results) {
  const goals = [];
  const validate = results.validate?.npm;
  if (validate?.n) goals.push({ goal: "npm run validate on the seed under 1 s wall", met: !validate.lowerBound && validate.medianMs < 1000, value: describe(validate) });
  const hook = results.hook?.launcher;
  if (hook?.n) goals.push({ goal: "the README's pre-commit hook (sh, then pre-commit: drift, policy, review) under 1 s wall", met: !hook.lowerBound && hook.medianMs < 1000, value: describe(hook) });
  return goals;
}

const describe = (s) => `${seconds(s.medianMs)}${s.cpuMs ? ` (CPU ${seconds(s.cpuMs)})` : ""}`;

/**
 * The commands as a Markdown table, then `goals` (when the main report does not show them).
 * `machine`: the report's, for the load average around the run (wall times stretch with it).
 */
export function renderCommands(results, goals = [], machine = undefined) {
  const load = machine?.loadBefore && machine?.loadAfter ? ` Load average (1, 5, 15 min) ${machine.loadBefore.join(", ")} before, ${machine.loadAfter.join(", ")} after, on ${machine.cpus} CPUs.` : "";
  const lines = [
    "",
    `Time to answer on the seed (4 teams): median wall time (CPU time), each a fresh process.${load}`,
    "",
    `| command | ${WAYS.map((w) => w.label).join(" | ")} |`,
    `| --- | ${WAYS.map(() => "---:").join(" | ")} |`,
  ];
  for (const c of COMMANDS) {
    const r = results[c.id];
    if (r) lines.push(`| ${c.args.join(" ")} | ${WAYS.map((w) => cell(r[w.id])).join(" | ")} |`);
  }
  if (results.hook) lines.push(`| the README's pre-commit hook (sh, pre-commit) | – | ${cell(results.hook.launcher)} | – |`);
  if (goals.length) lines.push("", "Goals:", "", ...goals.map((g) => `- ${g.met ? "✔" : "✖"} ${g.goal}: ${g.value}`));
  return lines.join("\n") + "\n";
}

function cell(s) {
  if (!s?.n) return "–";
  if (s.lowerBound) return `> ${seconds(s.medianMs)} (stopped)`;
  return `${seconds(s.medianMs)}${s.cpuMs ? ` (${seconds(s.cpuMs)})` : ""}`;
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;

function rotate(list, by) {
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}
