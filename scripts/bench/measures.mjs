/**
 * What the benchmark measures. Each entry is one command run as a fresh
 * process per repetition, against a synthetic project directory (`ctx.dir`)
 * whose generated/ and argocd/ were written by a warm-up build.
 * Measuring another command (e.g. `review`): add one entry.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { commitBase, editOneTeam } from "./fixtures.mjs";

const HERE = import.meta.dirname;

function hasCommand(file, args) {
  try {
    execFileSync(file, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * @typedef {{ dir: string, cli: string, teams: string[], options: Record<string, any> }} Context
 * @typedef {{
 *   id: string, label: string,
 *   detailed?: boolean, // shown with CPU time and peak memory
 *   command(ctx: Context): { file: string, args: string[] },
 *   prepare?(ctx: Context): void, // before each run, not timed
 *   available?(): boolean | string,
 *   exitCodes?: number[], // that mean the command did its work (default [0])
 *   timeoutMs?(ctx: Context): number | undefined,
 * }} Measure
 */

/** @type {Measure[]} */
export const MEASURES = [
  {
    id: "build",
    label: "our build after one team's file was edited (node dist/src/cli/main.js build)",
    detailed: true,
    prepare: (ctx) => editOneTeam(ctx.dir, ctx.teams[0]),
    command: (ctx) => ({ file: process.execPath, args: [ctx.cli, "build", "--quiet", "--dir", ctx.dir] }),
  },
  {
    id: "review",
    label: "our review of a pull request editing two teams (review --base HEAD)",
    prepare: (ctx) => {
      if (ctx.reviewBase) return;
      commitBase(ctx.dir);
      editOneTeam(ctx.dir, ctx.teams[1]); // the build's edits (teams[0]) come and go
      ctx.reviewBase = true;
    },
    command: (ctx) => ({ file: process.execPath, args: [ctx.cli, "review", "--base", "HEAD", "--quiet", "--dir", ctx.dir] }),
    available: () => hasCommand("git", ["--version"]) || "git not on PATH",
    exitCodes: [0, 1], // 1: the review found errors, a finished review all the same
  },
  {
    id: "kustomize",
    label: "kubectl kustomize, one kustomization over every overlay",
    command: (ctx) => ({ file: "kubectl", args: ["kustomize", ctx.dir] }),
    available: () => hasCommand("kubectl", ["version", "--client"]) || "kubectl not on PATH",
    // Kustomize grows much faster than linearly with overlays in one build
    // (about ×5 per doubling here): past the limit it is reported as "> limit".
    timeoutMs: (ctx) => ctx.options.kustomizeTimeout * 1000,
  },
  {
    id: "floor",
    label: "YAML floor: parse + serialize the output with `yaml` only",
    command: (ctx) => ({ file: process.execPath, args: [path.join(HERE, "yaml-floor.mjs"), ctx.dir] }),
  },
];

/** The ratios the table reports: [numerator, denominator]. */
export const RATIOS = [
  ["build", "kustomize"],
  ["build", "floor"],
];
