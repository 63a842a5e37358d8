#!/usr/bin/env node
// Before the bootstrap points Argo CD at a real repository: does the URL
// answer, does it have the revision, and does that revision hold the build on
// this machine? Argo CD syncs what was pushed, not this checkout, so a
// missing push would otherwise show up as Applications that never appear, or
// as a cluster quietly running an older platform.
//
//   remote-check.mjs --root DIR --url URL --revision REV
//
// GIT_TOKEN (and GIT_USERNAME) from the environment reach git through
// GIT_ASKPASS (git-askpass.sh), never a command line, a URL or a file.
// Exit status: 0 the revision holds this build; 1 it does not, or the URL
// does not answer (the message says what to do); 2 bad usage.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { exitWith, git, LocalRepoError } from "./local-repo.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
/** What Argo CD reads from the repository (and what the bootstrap applies from this checkout). */
const COMPARED = ["generated", "argocd"];
const NETWORK_TIMEOUT_MS = 60_000;
const SHOWN = 10;

/** The environment git runs in: never prompts; a token only through GIT_ASKPASS. */
export function remoteEnv(env = process.env) {
  const out = { ...env, GIT_TERMINAL_PROMPT: "0" };
  // ssh must not ask for a passphrase or a host key on a terminal the user cannot see.
  if (!out.GIT_SSH_COMMAND) out.GIT_SSH_COMMAND = "ssh -o BatchMode=yes -o ConnectTimeout=15";
  if (env.GIT_TOKEN) out.GIT_ASKPASS = join(HERE, "git-askpass.sh");
  else delete out.GIT_TOKEN;
  return out;
}

/** A token replaces whatever credential helper the user has, so that it is neither stored nor shadowed. */
const credentialArgs = (env) => (env.GIT_TOKEN ? ["-c", "credential.helper="] : []);

const fixes = (extra = []) => [...extra, "or serve this checkout to the cluster instead, with nothing to push: npm run bootstrap -- --local"];

/** The ref to fetch for `revision`, and the commit it names, from `git ls-remote`. */
export async function resolveRevision(url, revision, env) {
  let listing;
  try {
    listing = await git([...credentialArgs(env), "ls-remote", url, revision], { env, timeout: NETWORK_TIMEOUT_MS });
  } catch (error) {
    const timedOut = error.code === null || /timed out|ETIMEDOUT/.test(error.message);
    throw new LocalRepoError(`the repository ${url} does not answer: ${timedOut ? `no answer within ${NETWORK_TIMEOUT_MS / 1000}s` : error.message}`, fixes([
      "check the URL: gitops.repoURL in platform.yaml (then npm run build), or --repo-url",
      env.GIT_TOKEN ? "check that GIT_TOKEN may read the repository" : "for a private repository: export GIT_TOKEN=<token> (and GIT_USERNAME if not 'git')",
    ]));
  }
  const refs = new Map(listing.split("\n").filter(Boolean).map((line) => line.split("\t").reverse()));
  for (const ref of [`refs/heads/${revision}`, `refs/tags/${revision}^{}`, `refs/tags/${revision}`, revision]) {
    if (refs.has(ref)) return { ref: ref.replace(/\^\{\}$/, ""), commit: refs.get(ref) };
  }
  // A commit is not listed by name; the fetch says whether it exists.
  if (/^[0-9a-f]{7,40}$/i.test(revision)) return { ref: revision, commit: undefined };
  throw new LocalRepoError(`${url} has no branch or tag named ${revision}: Argo CD would find nothing to sync.`, fixes([
    `push it: git push origin ${revision}`,
    "or follow another revision: gitops.targetRevision in platform.yaml (then npm run build), or --revision",
  ]));
}

/** Where `root` is inside its git checkout ("" when it is the top, or no checkout at all). */
async function prefixOf(root) {
  try {
    return (await git(["-C", root, "rev-parse", "--show-prefix"])).trim();
  } catch {
    return "";
  }
}

/**
 * Fetches `revision` of `url` shallowly into a temporary repository and
 * compares its generated/ and argocd/ with the files under `root`, as git
 * would commit them. Returns the commit; throws with the differing files.
 */
export async function checkRemote({ root, url, revision, env = remoteEnv() }) {
  const { ref, commit } = await resolveRevision(url, revision, env);
  const scratch = mkdtempSync(join(tmpdir(), "spark-platform-remote-"));
  try {
    const local = { ...env, GIT_DIR: scratch, GIT_INDEX_FILE: join(scratch, "compare-index") };
    await git(["init", "-q", "--bare", scratch]);
    try {
      await git([...credentialArgs(env), "fetch", "-q", "--depth", "1", "--no-tags", url, ref], { env: local, timeout: NETWORK_TIMEOUT_MS });
    } catch (error) {
      throw new LocalRepoError(`could not fetch ${revision} from ${url}: ${error.message}`, fixes([`check that ${revision} was pushed: git push origin ${revision}`]));
    }
    const fetched = (await git(["rev-parse", "FETCH_HEAD^{commit}"], { env: local })).trim();
    const prefix = await prefixOf(root);
    // This checkout's generated/ and argocd/ as a tree, through a private index (the checkout's own is never touched).
    await git(["--work-tree", resolve(root), "add", "--all", "--", ...COMPARED], { env: local, cwd: resolve(root) });
    const mine = (await git(["write-tree"], { env: local })).trim();
    let theirs;
    try {
      theirs = (await git(["rev-parse", `${fetched}:${prefix}`], { env: local })).trim();
    } catch {
      theirs = (await git(["hash-object", "-t", "tree", "-w", "/dev/null"], { env: local })).trim(); // the directory is not there at all
    }
    const diff = (await git(["diff-tree", "-r", "--name-status", theirs, mine, "--", ...COMPARED], { env: local })).split("\n").filter(Boolean);
    if (diff.length > 0) {
      const what = { A: "not pushed", D: "only in the pushed revision", M: "differs" };
      const lines = diff.slice(0, SHOWN).map((line) => {
        const [status, file] = line.split("\t");
        return `  ${prefix}${file}: ${what[status[0]] ?? status}`;
      });
      if (diff.length > SHOWN) lines.push(`  … and ${diff.length - SHOWN} more`);
      throw new LocalRepoError(
        `${url} @ ${revision} (commit ${fetched.slice(0, 12)}) does not hold this build: ${diff.length} file(s) of ${COMPARED.map((d) => `${d}/`).join(" and ")} differ, and Argo CD syncs what was pushed, not this checkout.\n${lines.join("\n")}`,
        fixes([`commit and push the build: git add ${COMPARED.map((d) => `${prefix}${d}`).join(" ")} && git commit -m 'build' && git push origin ${revision}`]),
      );
    }
    return { commit: commit ?? fetched, fetched };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main() {
  const { values } = parseArgs({ options: { root: { type: "string" }, url: { type: "string" }, revision: { type: "string" } } });
  if (!values.root || !values.url || !values.revision) throw Object.assign(new LocalRepoError("remote-check.mjs needs --root, --url and --revision"), { usage: true });
  const { fetched } = await checkRemote({ root: values.root, url: values.url, revision: values.revision });
  process.stdout.write(`    ✓ ${values.url} answers; ${values.revision} is commit ${fetched.slice(0, 12)}, and its generated/ and argocd/ are this build\n`);
  return 0;
}

exitWith(main());
