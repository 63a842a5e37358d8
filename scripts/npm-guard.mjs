/**
 * Flags that npm took for itself. `npm run new-team zeta --dry-run` passes the
 * script only `zeta`: npm keeps every option before `--` and records it as an
 * environment variable (`npm_config_dry_run=true`), so the dry run became a
 * real run. npm 7 and later no longer say what was typed (`npm_config_argv` is
 * gone, and npm's process title lists only the positional arguments), so the
 * flags are read back from those variables:
 *
 * - npm's own flags that look like ours: `--dry-run`, `--yes`, `--json`,
 *   `-q`/`--quiet` (npm's log level `warn`);
 * - an option of one of our commands or scripts, which npm does not know and
 *   records as it is (`--base=main` → `npm_config_base=main`, `--scheduler` →
 *   `true`; the value after a space becomes an argument of the script).
 *
 * npm also exports what an npmrc file or the environment set, which nobody
 * typed: a variable that an npmrc file sets, or that npm itself inherited
 * (read from /proc/<npm>/environ where there is one), is not a typed flag.
 * A dry run is refused however it was set: npm is in dry-run mode, and the
 * command cannot know whether the person meant ours.
 *
 * npm records nothing for three options: `--format`, which npm reads as its
 * `--format-package-lock` (the format name left behind gives it away: see
 * strayFormat); `--description`, npm's own (for search), whose text new-team
 * then refuses as an extra argument; and bench's `--only`, npm's deprecated
 * option, which also takes the value (the whole benchmark runs).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** npm's own flags a person may have meant for the command, as npm records them. */
const NPM_LOOKALIKES = [
  { key: "dry_run", typed: (v) => v === "true", flag: "--dry-run" },
  { key: "yes", typed: (v) => v === "true", flag: "--yes" },
  { key: "json", typed: (v) => v === "true", flag: "--format json" },
  { key: "loglevel", typed: (v) => v === "warn", flag: "--quiet" }, // -q, --quiet
];

/**
 * The long options of our commands (the CLI's and those of bootstrap, teardown
 * and bench), which npm does not know. test/npm-scripts.test.ts checks that
 * every option of the CLI is here.
 */
export const OUR_OPTIONS = [
  // the CLI (spark-platform <command> --help)
  "dir", "format", "quiet", "base", "allow-destructive", "allowed-by", "allow-invalid-base",
  "scheduler", "language", "owner", "description", "contact", "dry-run", "diff", "repo-url", "revision",
  // scripts/bootstrap.sh, scripts/teardown.sh, scripts/gen-types.mjs
  "recreate", "timeout", "yes", "check",
  // scripts/bench/run.mjs
  "sizes", "reps", "only", "kustomize-timeout", "cli", "compare-cli", "keep", "save-baseline",
];

/**
 * The flags npm took from the command line of this npm script, each as the
 * person typed it (or the nearest spelling), with where else it may come from.
 * @param {NodeJS.ProcessEnv} env
 * @param {{ npmEnviron?: () => Map<string, string> | null, npmrc?: () => Map<string, string[]> }} [sources]
 *   what npm inherited (null: unknown) and what the npmrc files set; read only when a flag is suspected.
 * @returns {Array<{ flag: string, origin?: string }>}
 */
export function swallowedFlags(env, { npmEnviron = () => readNpmEnviron(env), npmrc = () => readNpmrc(env) } = {}) {
  const found = [];
  let inherited, settings;
  /** Where else the value comes from: what npm inherited, or an npmrc file. */
  const setElsewhere = (key) => {
    const name = `npm_config_${key}`;
    if (inherited === undefined) inherited = npmEnviron();
    if (inherited?.get(name) === env[name]) return "your environment";
    settings ??= npmrc();
    return settings.get(key)?.includes(env[name]) ? "an npmrc file" : undefined;
  };
  // npm reads its variables in any case; a dry run in any spelling means npm is in dry-run mode.
  const dryRun = Object.entries(env).find(([name, value]) => name.toLowerCase() === "npm_config_dry_run" && value === "true");
  if (dryRun) found.push({ flag: "--dry-run", origin: dryRun[0] === "npm_config_dry_run" ? setElsewhere("dry_run") : "your environment" });
  for (const { key, typed, flag } of NPM_LOOKALIKES) {
    if (key === "dry_run") continue;
    const value = env[`npm_config_${key}`];
    if (value !== undefined && typed(value) && !setElsewhere(key)) found.push({ flag });
  }
  for (const option of OUR_OPTIONS) {
    const key = option.replaceAll("-", "_");
    if (NPM_LOOKALIKES.some((l) => l.key === key)) continue;
    const value = env[`npm_config_${key}`];
    if (value === undefined || setElsewhere(key)) continue;
    // `--x` and `--no-x` are recorded as "true" and ""; `--x=v` keeps its value.
    found.push({ flag: value === "true" || value === "" ? `--${option}` : `--${option}=${value}` });
  }
  return found;
}

/** The CLI's commands that take no argument, and the names `--format` takes. */
const NO_ARGUMENTS = new Set(["validate", "build", "check", "policy", "review", "pre-commit"]);
const FORMATS = new Set(["text", "json", "markdown", "github", "sarif"]);

/**
 * `npm run validate --format json`: npm reads `--format` as its own
 * `--format-package-lock` (npm accepts the start of an option's name) and
 * records nothing, but passes `json` on as an argument. A format name as an
 * argument of a command that takes none, not the value of an option before
 * it, is that. Returns the flag, and the arguments without the stray value.
 * @returns {{ flag: { flag: string }, args: string[] } | undefined}
 */
export function strayFormat(command, args) {
  if (!NO_ARGUMENTS.has(command) || args.some((a) => a === "--format" || a.startsWith("--format="))) return undefined;
  const at = args.findIndex((a, i) => FORMATS.has(a) && (i === 0 || !args[i - 1].startsWith("-") || args[i - 1].includes("=") || BOOLEAN_OPTIONS.has(args[i - 1].replace(/^--?/, "")) || args[i - 1] === "-q"));
  if (at < 0) return undefined;
  return { flag: { flag: `--format ${args[at]}` }, args: args.filter((_, i) => i !== at) };
}

/**
 * The message for flags npm took: what happened, and the command with them after `--`.
 * @param {string} script the npm script (npm_lifecycle_event)
 * @param {string[]} args what npm passed the script
 * @param {Array<{ flag: string, origin?: string }>} flags
 */
export function refusal(script, args, flags) {
  const lines = [];
  const typed = flags.filter((f) => !f.origin);
  if (typed.length) {
    lines.push(`error: npm run ${script}: npm took ${typed.map((f) => `\`${f.flag.split(/[ =]/)[0]}\``).join(", ")} for itself, so nothing was run.`);
    lines.push("  npm passes a script only what comes after `--`; the options before it are npm's.");
    // A value typed after a space (`--base main`) reached the script as an argument, in a place we cannot know.
    const lost = typed.filter((f) => /^--[\w-]+$/.test(f.flag) && OUR_OPTIONS.includes(f.flag.slice(2)) && !BOOLEAN_OPTIONS.has(f.flag.slice(2)));
    if (!lost.length) lines.push(`  did you mean: ${["npm run", script, "--", ...args.map(quote), ...typed.map((f) => f.flag)].join(" ")}`);
    else {
      lines.push(`  fix: type the options after \`--\`: npm run ${script} -- ${typed.map((f) => (lost.includes(f) ? `${f.flag} <value>` : f.flag)).join(" ")}`);
      if (args.length) lines.push(`  (npm passed on ${args.map((a) => `\`${a}\``).join(" ")} as arguments: a value among them belongs after its option)`);
    }
  }
  for (const f of flags.filter((f) => f.origin)) {
    lines.push(`error: npm run ${script}: npm is in dry-run mode (set in ${f.origin}), so nothing was run.`);
    lines.push(`  for the command's own dry run: npm run ${script} -- ${[...args.map(quote), "--dry-run"].join(" ")}; for a real run, unset npm's dry-run there.`);
  }
  return lines.join("\n") + "\n";
}

/** Our options that take no value. */
const BOOLEAN_OPTIONS = new Set(["quiet", "allow-invalid-base", "dry-run", "recreate", "yes", "check", "diff", "keep", "save-baseline"]);

const quote = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);

/**
 * What the npm process running this script inherited, on systems with /proc:
 * the first ancestor (within three) whose command line is npm's.
 * @returns {Map<string, string> | null}
 */
function readNpmEnviron(env) {
  if (!existsSync("/proc/self/stat")) return null;
  try {
    let pid = process.pid;
    for (let depth = 0; depth < 3; depth++) {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!(pid > 1)) return null;
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      // npm sets its process title to "npm run <script> …", which replaces its argv.
      const isNpm = argv[0] === "npm" || argv[0].startsWith("npm ") || (env.npm_execpath && argv.includes(env.npm_execpath));
      if (!isNpm) continue;
      const entries = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
      return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
    }
  } catch {
    // another user's process, or one that has gone: unknown
  }
  return null;
}

/** The values the npmrc files (user, global, project, npm's own) give each key, with `-` read as `_`. */
function readNpmrc(env) {
  const files = [env.npm_config_userconfig, env.npm_config_globalconfig, env.npm_config_local_prefix && path.join(env.npm_config_local_prefix, ".npmrc"), env.npm_execpath && path.join(path.dirname(env.npm_execpath), "..", "npmrc")];
  const settings = new Map();
  for (const file of files) {
    if (!file || !existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
      const match = /^\s*([^#;=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
      const key = match?.[1].toLowerCase().replaceAll("-", "_");
      if (key) settings.set(key, [...(settings.get(key) ?? []), match[2]]);
    }
  }
  return settings;
}
