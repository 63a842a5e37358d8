// Builds Argo CD (one multi-call binary) at the release platform.yaml pins,
// and the kustomize and helm that this release bundles (its
// hack/tool-versions.sh), from Go modules. Binaries are cached by Argo CD
// version outside the source tree; a warm run builds nothing and runs no `go`.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../support/paths.js";
import { cacheDir } from "./paths.js";
import { platformTarget } from "./platform.js";
import { run } from "./process.js";

/** Go module of our own that requires github.com/argoproj/argo-cd/v2 with Argo CD's replace block. */
export const argoCdGoModule = join(repoRoot, "test/harness/go/argocd");
const GO_MOD = join(argoCdGoModule, "go.mod");
const ARGO_MODULE = "github.com/argoproj/argo-cd/v2";

export interface ArgoCdBinaries {
  version: string;
  /** The multi-call binary: acts as argocd-repo-server, argocd-application-controller, ... by the name it runs under. */
  argocd: string;
  kustomize: string;
  helm: string;
  /** Versions of the bundled tools, read from Argo CD's hack/tool-versions.sh at build time. */
  tools: { kustomize: string; helm: string };
}

/** The Argo CD release that the harness's go.mod pins, e.g. v2.14.21. */
export function pinnedArgoCdVersion(goMod = readFileSync(GO_MOD, "utf8")): string {
  const pinned = /^\s*(?:require\s+)?github\.com\/argoproj\/argo-cd\/v2\s+(v2\.\S+)/m.exec(goMod)?.[1];
  if (!pinned) throw new Error(`${GO_MOD} does not require ${ARGO_MODULE} v2.x`);
  return pinned;
}

/** gitops.argocdVersion of platform.yaml, which go.mod must pin: a mismatch fails instead of testing another Argo CD. */
export function targetArgoCdVersion(): string {
  const target = platformTarget().argocd;
  const pinned = pinnedArgoCdVersion();
  if (target !== pinned) {
    throw new Error(
      `platform.yaml pins Argo CD ${target} (gitops.argocdVersion) but ${GO_MOD} requires ${ARGO_MODULE} ${pinned}. ` +
        `Bump go.mod: set the require to ${target}, copy the replace block of Argo CD's own go.mod at ${target}, ` +
        `run \`go mod tidy\` in ${argoCdGoModule}, and commit go.mod and go.sum.`,
    );
  }
  return target;
}

export function argoCdBinDir(version: string): string {
  return join(cacheDir, "bin", `argocd-${version}`);
}

let pending: Promise<ArgoCdBinaries> | undefined;

/** Cached binaries for the pinned Argo CD, building what is missing (cold: ~5 min on 2 cores). */
export function buildArgoCd(): Promise<ArgoCdBinaries> {
  if (!pending) {
    pending = buildAll();
    pending.catch(() => (pending = undefined));
  }
  return pending;
}

async function buildAll(): Promise<ArgoCdBinaries> {
  const version = targetArgoCdVersion();
  const dir = argoCdBinDir(version);
  const paths = { argocd: join(dir, "argocd"), kustomize: join(dir, "kustomize"), helm: join(dir, "helm") };
  const toolsFile = join(dir, "tool-versions.json");
  if (Object.values(paths).every((path) => existsSync(path)) && existsSync(toolsFile)) {
    return { version, ...paths, tools: JSON.parse(readFileSync(toolsFile, "utf8")) as ArgoCdBinaries["tools"] };
  }

  await requireGo(goDirective());
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  log(`building Argo CD ${version} into ${dir} (cold: downloads ~1 GB of Go modules, about 5 min on 2 cores; cached afterwards)`);

  if (!existsSync(paths.argocd)) {
    const plain = version.replace(/^v/, "");
    const ldflags = [`-X ${ARGO_MODULE}/common.version=${plain}`, `-X ${ARGO_MODULE}/common.gitTag=${version}`, `-X ${ARGO_MODULE}/common.gitTreeState=clean`].join(" ");
    await goBuild("argocd", paths.argocd, ["build", "-ldflags", ldflags, "-o", "{out}", `${ARGO_MODULE}/cmd`], argoCdGoModule);
  }

  const tools = await bundledToolVersions();
  if (!existsSync(paths.kustomize)) {
    await goInstall("kustomize", paths.kustomize, `sigs.k8s.io/kustomize/kustomize/v5@v${tools.kustomize}`, []);
  }
  if (!existsSync(paths.helm)) {
    const ldflags = `-X helm.sh/helm/v3/internal/version.version=v${tools.helm} -X helm.sh/helm/v3/internal/version.gitTreeState=clean`;
    await goInstall("helm", paths.helm, `helm.sh/helm/v3/cmd/helm@v${tools.helm}`, ["-ldflags", ldflags]);
  }
  writeFileSync(toolsFile, `${JSON.stringify(tools)}\n`);
  log(`Argo CD ${version}, kustomize ${tools.kustomize} and helm ${tools.helm} ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return { version, ...paths, tools };
}

/** kustomize and helm versions of this Argo CD release, from hack/tool-versions.sh in its module. */
async function bundledToolVersions(): Promise<{ kustomize: string; helm: string }> {
  const dir = (await run("go", ["list", "-m", "-f", "{{.Dir}}", ARGO_MODULE], { cwd: argoCdGoModule, env: goEnv() })).stdout.trim();
  const file = join(dir, "hack/tool-versions.sh");
  const text = readFileSync(file, "utf8");
  const read = (key: string): string => {
    const value = new RegExp(`^${key}=(\\S+)`, "m").exec(text)?.[1];
    if (!value) throw new Error(`${file} does not set ${key}`);
    return value;
  };
  return { kustomize: read("kustomize5_version"), helm: read("helm3_version") };
}

/** `go build` into a temporary file in the cache directory, renamed into place (safe when runs race). */
async function goBuild(name: string, target: string, args: string[], cwd: string): Promise<void> {
  const partial = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await withHeartbeat(name, async () => {
    try {
      await run("go", args.map((arg) => (arg === "{out}" ? partial : arg)), { cwd, env: goEnv() });
      renameSync(partial, target);
    } catch (error) {
      rmSync(partial, { force: true });
      throw new Error(`building ${name} failed. ${(error as Error).message}`);
    }
  });
}

/**
 * `go install module/cmd@version`: built with the tool's own go.mod and go.sum,
 * as its release is (neither has replace directives), outside any module.
 */
async function goInstall(name: string, target: string, pkg: string, flags: string[]): Promise<void> {
  const gobin = mkdtempSync(join(tmpdir(), `gobin-${name}-`));
  try {
    await withHeartbeat(name, async () => {
      try {
        await run("go", ["install", ...flags, pkg], { cwd: gobin, env: { ...goEnv(), GOBIN: gobin } });
      } catch (error) {
        throw new Error(`building ${name} (${pkg}) failed. ${(error as Error).message}`);
      }
    });
    const partial = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    writeFileSync(partial, readFileSync(join(gobin, name)), { mode: 0o755 });
    renameSync(partial, target);
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
}

async function withHeartbeat(name: string, body: () => Promise<void>): Promise<void> {
  const started = Date.now();
  log(`building ${name}`);
  const heartbeat = setInterval(() => log(`still building ${name}: ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
  try {
    await body();
  } finally {
    clearInterval(heartbeat);
  }
  log(`built ${name} in ${Math.round((Date.now() - started) / 1000)} s`);
}

function goEnv(): NodeJS.ProcessEnv {
  // GOWORK=off: a go.work above the checkout must not change what is built.
  return { ...process.env, GOWORK: "off" };
}

/** The `go` directive of the module: Argo CD 2.14 needs Go 1.24.6 or newer. */
function goDirective(): [number, number, number] {
  const match = /^go\s+(\d+)\.(\d+)(?:\.(\d+))?/m.exec(readFileSync(GO_MOD, "utf8"));
  if (!match) throw new Error(`${GO_MOD} has no go directive`);
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

async function requireGo(min: [number, number, number]): Promise<void> {
  const wanted = min.join(".");
  const install = `The gitops suite builds Argo CD from source and needs Go >= ${wanted} on PATH: install it from https://go.dev/dl/ (e.g. unpack to /usr/local/go and add /usr/local/go/bin to PATH).`;
  let output: string;
  try {
    // GOTOOLCHAIN=local: report the installed Go, never download another one.
    output = (await run("go", ["env", "GOVERSION"], { env: { ...goEnv(), GOTOOLCHAIN: "local" } })).stdout.trim();
  } catch {
    throw new Error(`Go toolchain not found. ${install}`);
  }
  const match = /^go(\d+)\.(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) throw new Error(`cannot read the Go version from "${output}". ${install}`);
  const have = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  for (let i = 0; i < 3; i++) {
    if (have[i] > min[i]) return;
    if (have[i] < min[i]) throw new Error(`Go ${have.join(".")} is too old. ${install}`);
  }
}

function log(message: string): void {
  process.stderr.write(`[gitops] ${message}\n`);
}
