/**
 * Synthetic platforms for the benchmark. The seed is the repository's own
 * platform.yaml and teams/; larger platforms are cut from the seed's teams
 * (half default scheduler, half Volcano) on a cluster big enough to stay valid:
 * the synthetic Volcano teams keep only a token guarantee, so the sum of the
 * guarantees fits the cluster at any size.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";

/** Big enough for 1,000 token guarantees (schema: at most 50 nodes a group). */
const CLUSTER = { servers: { count: 3, cpu: "16", memory: "64Gi" }, agents: { count: 50, cpu: "64", memory: "256Gi" } };
const TOKEN_GUARANTEE = { cpu: "100m", memory: "128Mi" };

/** Writes a project of `teams` teams under `dir` and returns the team names. */
export function writePlatform(repo, dir, teams) {
  mkdirSync(path.join(dir, "teams"), { recursive: true });
  const seeds = readdirSync(path.join(repo, "teams")).filter((f) => f.endsWith(".yaml")).sort().map((f) => f.slice(0, -".yaml".length));
  if (teams === seeds.length) {
    cpSync(path.join(repo, "platform.yaml"), path.join(dir, "platform.yaml"));
    for (const seed of seeds) cpSync(path.join(repo, "teams", `${seed}.yaml`), path.join(dir, "teams", `${seed}.yaml`));
    return seeds;
  }
  const platform = parseDocument(readFileSync(path.join(repo, "platform.yaml"), "utf8"));
  for (const [group, size] of Object.entries(CLUSTER)) {
    for (const [key, value] of Object.entries(size)) platform.setIn(["cluster", group, key], value);
  }
  writeFileSync(path.join(dir, "platform.yaml"), platform.toString());

  const width = String(teams).length;
  const names = [];
  for (let i = 0; i < teams; i++) {
    const seed = seeds[i % seeds.length];
    const name = `${seed}-${String(i).padStart(width, "0")}`;
    const team = parseDocument(readFileSync(path.join(repo, "teams", `${seed}.yaml`), "utf8").replaceAll(seed, name));
    if (team.hasIn(["queue", "guarantee"])) team.setIn(["queue", "guarantee"], team.createNode(TOKEN_GUARANTEE, { flow: true }));
    writeFileSync(path.join(dir, "teams", `${name}.yaml`), team.toString());
    names.push(name);
  }
  return names;
}

/**
 * One kustomization at the project root listing every directory the compiler
 * writes for Kustomize: what `kubectl kustomize` renders in one invocation.
 */
export function writeAggregateKustomization(dir, names) {
  const resources = [
    ...names.map((name) => `generated/tenants/overlays/${name}`),
    "generated/platform/queues",
    "generated/platform/guardrails",
    "generated/applications",
  ];
  const text = ["apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization", "resources:", ...resources.map((r) => `  - ${r}`), ""].join("\n");
  writeFileSync(path.join(dir, "kustomization.yaml"), text);
}

/**
 * What a user does before a build: edit one team (its pod quota, toggled
 * between two values), so that the build has files to rewrite.
 */
export function editOneTeam(dir, team) {
  const file = path.join(dir, "teams", `${team}.yaml`);
  const text = readFileSync(file, "utf8");
  writeFileSync(file, text.replace(/^(\s*pods:\s*)(\d+)/m, (_, key, n) => `${key}${Number(n) % 2 ? Number(n) - 1 : Number(n) + 1}`));
}

/** Makes the project a Git repository whose HEAD is the project as it is now (the base of a pull request). */
export function commitBase(dir) {
  if (existsSync(path.join(dir, ".git"))) return;
  const git = (...args) => execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
}
