// Static checks of the bootstrap scripts and the e2e workflow: shellcheck,
// actionlint, bash syntax, and constructs that the bash 3.2 of macOS lacks.
//
// shellcheck (Debian: apt-get install -y shellcheck) and actionlint
// (go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12, as .ci/run does) are skipped
// with a message when missing, except under CI, where a missing linter fails.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/paths.js";

const inCI = Boolean(process.env.CI);

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function findActionlint(): string | undefined {
  const found = onPath("actionlint");
  if (found) return found;
  const dirs = [process.env.GOBIN, process.env.GOPATH && join(process.env.GOPATH, "bin"), join(homedir(), "go/bin")];
  if (onPath("go")) {
    try {
      dirs.push(join(execFileSync("go", ["env", "GOPATH"], { encoding: "utf8" }).trim(), "bin"));
    } catch {
      /* go without a GOPATH: nothing more to look at */
    }
  }
  return dirs.filter((d): d is string => Boolean(d)).map((d) => join(d, "actionlint")).find((p) => existsSync(p));
}

const shellFiles = [
  ...readdirSync(join(repoRoot, "scripts"))
    .filter((f) => f.endsWith(".sh"))
    .map((f) => `scripts/${f}`),
  ...readdirSync(join(repoRoot, "scripts/lib"))
    .filter((f) => f.endsWith(".sh"))
    .map((f) => `scripts/lib/${f}`),
  ...readdirSync(join(repoRoot, "scripts/ci"))
    .filter((f) => f.endsWith(".sh"))
    .map((f) => `scripts/ci/${f}`),
];
const workflowDir = join(repoRoot, ".github/workflows");
const workflows = existsSync(workflowDir)
  ? readdirSync(workflowDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => `.github/workflows/${f}`)
  : [];

function linter(name: string, path: string | undefined, install: string) {
  if (!path && !inCI) {
    console.warn(`SKIPPED: ${name} is not installed, so the ${name} test does not run here. Install it: ${install}`);
  }
  return { path, run: Boolean(path) || inCI, install };
}

const shellcheck = linter("shellcheck", onPath("shellcheck"), "apt-get install -y shellcheck");
const actionlint = linter("actionlint", findActionlint(), "go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12");

describe("linters", () => {
  it("the scripts exist", () => {
    expect(shellFiles).toEqual(expect.arrayContaining(["scripts/bootstrap.sh", "scripts/teardown.sh", "scripts/lib/common.sh"]));
    expect(workflows).toEqual(expect.arrayContaining([".github/workflows/e2e.yaml", ".github/workflows/pr.yaml", ".github/workflows/pr-comment.yaml"]));
  });

  it.runIf(shellcheck.run)("shellcheck finds nothing in scripts/*.sh, scripts/lib/*.sh and scripts/ci/*.sh", () => {
    if (!shellcheck.path) throw new Error(`shellcheck is not installed (CI needs it): ${shellcheck.install}`);
    const r = spawnSync(shellcheck.path, ["--severity=style", ...shellFiles], { cwd: repoRoot, encoding: "utf8" });
    expect(r.stdout + r.stderr, "shellcheck output").toBe("");
    expect(r.status).toBe(0);
  });

  it.runIf(actionlint.run)("actionlint finds nothing in .github/workflows/*.yaml (and shellchecks their run: steps)", () => {
    if (!actionlint.path) throw new Error(`actionlint is not installed (CI needs it): ${actionlint.install}`);
    const r = spawnSync(actionlint.path, ["-no-color", ...workflows], { cwd: repoRoot, encoding: "utf8" });
    expect(r.stdout + r.stderr, "actionlint output").toBe("");
    expect(r.status).toBe(0);
  });
});

describe("portability: macOS runs these with its own bash 3.2", () => {
  it("bash -n accepts every script", () => {
    for (const f of shellFiles) {
      const r = spawnSync("bash", ["-n", f], { cwd: repoRoot, encoding: "utf8" });
      expect(r.stderr, f).toBe("");
      expect(r.status, f).toBe(0);
    }
  });

  // Features newer than bash 3.2, and commands that macOS lacks or spells differently.
  const forbidden: [RegExp, string][] = [
    [/\b(declare|local|typeset)\s+-[a-zA-Z]*[An]/, "associative arrays / namerefs (bash 4)"],
    [/\b(mapfile|readarray|coproc)\b/, "mapfile/readarray/coproc (bash 4)"],
    [/\$\{[^}]*(,,|\^\^|@[QEPAa])\}/, "case modification / @-transformations (bash 4)"],
    [/\|&|&>>/, "|& and &>> (bash 4)"],
    [/\bEPOCH(REAL)?TIME|EPOCHSECONDS\b/, "EPOCHREALTIME/EPOCHSECONDS (bash 5)"],
    [/\bwait\s+-n\b/, "wait -n (bash 4.3)"],
    [/\[\s*-\d+\s*\]/, "negative array index (bash 4.3)"],
    [/\bshopt\s+-s\s+(globstar|lastpipe)/, "globstar/lastpipe (bash 4)"],
    [/(^|\$\(|[|;&]\s*)\s*timeout\s+\d/, "timeout(1) (not on macOS)"],
    [/\breadlink\s+-f\b/, "readlink -f (not on older macOS)"],
    [/\bsed\s+(-[a-zA-Z]*\s+)*-i\b/, "sed -i (differs on macOS)"],
    [/\bgrep\s+(-[a-zA-Z]*\s+)*-[a-zA-Z]*P/, "grep -P (not on macOS)"],
    [/\bbase64\s+-d\b/, "base64 -d (use --decode)"],
    [/<<<\s*"?\$\{?(REPO_TOKEN|GIT_TOKEN)/, "a here-string with the token (may be written to a temp file)"],
  ];

  for (const f of shellFiles) {
    it(`${f} uses nothing newer than bash 3.2 or missing on macOS`, () => {
      const lines = readFileSync(join(repoRoot, f), "utf8").split("\n");
      const hits: string[] = [];
      lines.forEach((text, i) => {
        if (/^\s*#/.test(text)) return;
        for (const [re, why] of forbidden) if (re.test(text)) hits.push(`${f}:${i + 1}: ${why}: ${text.trim()}`);
      });
      expect(hits).toEqual([]);
    });
  }

  it("the portability patterns do catch what they are meant to", () => {
    const samples = ["declare -A map", "mapfile -t lines", 'echo "${x,,}"', "cmd |& tee", "t=$EPOCHREALTIME", "timeout 5 cmd", "sed -i s/a/b/ f", "base64 -d"];
    for (const s of samples) expect(forbidden.some(([re]) => re.test(s)), s).toBe(true);
    for (const s of ['run kubectl wait "--timeout=${TIMEOUT}s"', 'info "waiting (timeout ${TIMEOUT}s)"', "base64 --decode"])
      expect(forbidden.some(([re]) => re.test(s)), s).toBe(false);
  });
});

describe("the token stays off the disk", () => {
  // bash writes here-documents and here-strings to temporary files (every
  // version before 5.1, and larger ones after): none may carry the token.
  const body = (text: string, fn: string) => {
    const start = text.indexOf(`${fn}() {`);
    expect(start, fn).toBeGreaterThanOrEqual(0);
    return text.slice(start, text.indexOf("\n}\n", start));
  };
  it("the functions that handle GIT_TOKEN use no here-document or here-string", () => {
    const text = readFileSync(join(repoRoot, "scripts/bootstrap.sh"), "utf8");
    for (const fn of ["json_string", "repo_secret_manifest", "repository_access", "check_remote_repository"]) expect(body(text, fn), fn).not.toMatch(/<<|(^|\s)\d?>>?\s*[$/"\w]/m);
    const common = readFileSync(join(repoRoot, "scripts/lib/common.sh"), "utf8");
    expect(body(common, "pipe_to").split("\n").filter((l) => /content/.test(l) && /<<|>\s*[^&\s]/.test(l))).toEqual([]);
  });
  it("GIT_TOKEN is expanded once, into a variable that is not exported, and then unset", () => {
    const lines = readFileSync(join(repoRoot, "scripts/bootstrap.sh"), "utf8").split("\n");
    const expansions = lines.filter((l) => /\$\{?GIT_TOKEN/.test(l)).map((l) => l.trim());
    expect(expansions).toEqual(["REPO_TOKEN=${GIT_TOKEN:-}"]);
    const read = lines.findIndex((l) => l.trim() === "REPO_TOKEN=${GIT_TOKEN:-}");
    const unset = lines.findIndex((l) => l.trim() === "unset GIT_TOKEN");
    expect(unset).toBeGreaterThan(read);
    // Nothing but comments, blank lines and the user name between them: no command has run yet.
    expect(lines.slice(read + 1, unset).filter((l) => l.trim() && !/^\s*#/.test(l) && !/^REPO_USERNAME=/.test(l))).toEqual([]);
    expect(lines.slice(0, read).some((l) => /^(\s*)(run|kubectl|k3d|docker|node)\b/.test(l))).toBe(false);
    expect(lines.some((l) => /export\s+REPO_TOKEN/.test(l))).toBe(false);
  });
});

describe("common.sh helpers", () => {
  const bash = (body: string) =>
    spawnSync("bash", ["-c", `set -euo pipefail; . scripts/lib/common.sh; ${body}`], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });

  it.each([
    ["1.28.3", "1.27.0", true],
    ["1.27.0", "1.27.0", true],
    ["1.26.15", "1.27.0", false],
    ["5.10.0", "5.6.0", true],
    ["5.5.9", "5.6.0", false],
    ["6.0.0", "5.6.0", true],
    ["4.99.99", "5.6.0", false],
  ])("version_ge %s %s is %s", (a, b, want) => {
    expect(bash(`version_ge ${a} ${b}`).status === 0).toBe(want);
  });

  it.each([
    ["k3d version v5.7.4", "5.7.4"],
    ["v1.32.4-dispatcher", "1.32.4"],
    ["v1.28.15+k3s1", "1.28.15"],
    ["Client Version: v1.29", "1.29.0"],
  ])("semver_in %j is %s", (text, want) => {
    expect(bash(`semver_in '${text}'`).stdout.trim()).toBe(want);
  });

  it("show_cmd quotes what a shell would need quoted, and nothing else", () => {
    expect(bash(`show_cmd kubectl -n argocd get '{{.x}}' "it's" ''`).stdout).toBe(`+ kubectl -n argocd get '{{.x}}' 'it'\\''s' ''\n`);
  });

  it("run prints and runs; with DRY_RUN=1 it only prints", () => {
    expect(bash("run echo hello").stdout).toBe("+ echo hello\nhello\n");
    expect(bash("DRY_RUN=1; run echo hello").stdout).toBe("+ echo hello\n");
  });

  it("pipe_to shows one text and feeds another on stdin", () => {
    const r = bash(`pipe_to 'shown' 'secret' cat`);
    expect(r.stdout).toBe("+ cat\n<<EOF\nshown\nEOF\nsecret\n");
  });
});
