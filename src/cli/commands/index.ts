/**
 * Every command of the CLI: its name, arguments and options (all that parsing
 * and `--help` need) here, its implementation in a module of its own, loaded
 * only when that command runs. A command's module pulls in its stages
 * (`review` Git and the diff, `build` the writer and lint, …), so loading all
 * of them for every command cost more than `validate` itself takes.
 * Adding a command: its module here, one entry in COMMANDS.
 */
import { Option, type Command } from "commander";
import { withCommonOptions, type Io } from "../output.js";

/** Adds a command to the program; its action writes to `io` and sets `io.exitCode`. */
export type Register = (cli: Command, io: Io) => void;

const list = (value: string, previous: string[] = []) => [...previous, ...value.split(",").map((s) => s.trim()).filter(Boolean)];
const repeated = (value: string, previous: string[] = []) => [...previous, value];

const build: Register = (cli, io) => {
  withCommonOptions(cli.command("build").description("validate the inputs, then generate and lint generated/ and argocd/"))
    .action(async (options) => { io.exitCode = await (await import("./build.js")).build(io, options); });
};

const check: Register = (cli, io) => {
  withCommonOptions(cli.command("check").description("fail if generated/ or argocd/ differ from a fresh build (for CI)"))
    .option("--diff", "show how each out-of-date file differs from a fresh build (a unified diff: - on disk, + a build)")
    .action(async (options) => { io.exitCode = await (await import("./check.js")).check(io, options); });
};

const validate: Register = (cli, io) => {
  withCommonOptions(cli.command("validate").description("validate platform.yaml and teams/*.yaml only; write nothing"))
    .action(async (options) => { io.exitCode = await (await import("./validate.js")).validate(io, options); });
};

const policy: Register = (cli, io) => {
  withCommonOptions(cli.command("policy").description("check the platform against the policy rules (capacity, Volcano queues, RBAC, versions, naming); exit 1 on errors"))
    .action(async (options) => { io.exitCode = await (await import("./policy.js")).policy(io, options); });
};

const review: Register = (cli, io) => {
  withCommonOptions(cli.command("review").description("compare the platform at a Git ref with the working tree: changed objects, destructive changes (a renamed team as one rename), policy, capacity; exit 1 on errors"))
    .requiredOption("--base <ref>", "Git ref to compare against (e.g. origin/main)")
    .option("--allow-destructive <teams>", "allow destructive changes to these teams (comma-separated; a renamed team by its old name; `platform` for the platform's own objects, `*` for all)", list)
    .option("--allowed-by <text>", "where the allowance comes from, as the report shows it (e.g. the pull request label)")
    .option("--allow-invalid-base", "when the base does not build, review the working tree alone (a warning) instead of failing (for a platform's first pull request, or to repair a broken base)")
    .action(async (options) => { io.exitCode = await (await import("./review.js")).review(io, options); });
};

const preCommit: Register = (cli, io) => {
  withCommonOptions(cli.command("pre-commit")
    .summary("a Git pre-commit hook's checks in one process: drift (without lint and Kustomize, which CI's check runs), policy errors, and the errors the change brings against the merge-base with origin/main; exit 1 on errors")
    .description("what a Git pre-commit hook checks, in one process: generated/, argocd/ and the owned files are a fresh build (as check, but without its lint of every generated object and the real Kustomize render, which CI's check runs), the policy has no error, and the change against the merge-base with origin/main introduces no error (as review: destructive changes not allowed, new errors); problems only, one summary line; exit 1 on errors"))
    .option("--base <ref>", "Git ref to review against (default: the merge-base of HEAD with origin/HEAD or origin/main; without one, HEAD)")
    .option("--allow-destructive <teams>", "allow destructive changes to these teams, as review does", list)
    .option("--allowed-by <text>", "where the allowance comes from, as the report shows it")
    .action(async (options) => { io.exitCode = await (await import("./pre-commit.js")).preCommit(io, options); });
};

const newTeam: Register = (cli, io) => {
  withCommonOptions(cli.command("new-team").description("write teams/<name>.yaml with defaults that pass validation and policy on this platform").argument("<name>", "team name (namespace team-<name>)"))
    .addOption(new Option("--scheduler <scheduler>", "who schedules the team's Spark pods").choices(["default", "volcano"]).default("default"))
    .addOption(new Option("--language <language>", "the example job's language").choices(["pyspark", "scala"]).default("pyspark"))
    .option("--owner <email>", "an owner of the tenant (repeat for several)", repeated)
    .option("--description <text>", "what the team runs")
    .option("--contact <text>", "where to reach the team (default #team-<name>)")
    .option("--dry-run", "print the file instead of writing it")
    .action(async (name: string, options) => { io.exitCode = await (await import("./new-team.js")).newTeam(io, name, options); });
};

const promote: Register = (cli, io) => {
  withCommonOptions(cli.command("promote").description("write into <to>'s environment file what <from> runs (its components, volcano and policy settings, and its teams), for a pull request").argument("<from>", "the environment promoted, e.g. local").argument("<to>", "the next environment, e.g. staging"))
    .option("--dry-run", "print the files instead of writing them")
    .action(async (from: string, to: string, options) => { io.exitCode = await (await import("./promote.js")).promoteCommand(io, from, to, options); });
};

const config: Register = (cli, io) => {
  cli.command("config")
    .description("print the names, ports and URLs the bootstrap scripts use, from the validated platform (writes nothing)")
    .argument("[key]", "one value, e.g. cluster.name; all of them without")
    .option("-C, --dir <path>", "project root (where platform.yaml is)", ".")
    .addOption(new Option("--format <format>", "value: the value alone; env: shell assignments; json").choices(["value", "env", "json"]).default("value"))
    .option("--repo-url <url>", "the repository the root Application syncs from, instead of gitops.repoURL")
    .option("--revision <rev>", "the revision the root Application follows, instead of gitops.targetRevision")
    // Without a key, "value" means all of them, as JSON.
    .action(async (key: string | undefined, options) => { io.exitCode = await (await import("./config.js")).config(io, key, options); });
};

/** In the order `--help` lists them. */
export const COMMANDS: readonly Register[] = [build, check, validate, policy, review, preCommit, newTeam, promote, config];
