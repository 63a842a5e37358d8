// Builds Kubernetes components from the k8s.io/kubernetes Go module at the
// version the platform targets, once per machine: binaries are cached by
// version outside the source tree, and a warm run builds nothing.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { cacheDir, kubernetesGoModule } from "./paths.js";
import { platformTarget } from "./platform.js";
import { run } from "./process.js";

/** Commands of k8s.io/kubernetes/cmd that the harness may run. */
export type KubernetesCommand = "kube-apiserver" | "kube-controller-manager" | "kube-scheduler";

const GO_MOD = join(kubernetesGoModule, "go.mod");
const MIN_GO = [1, 20] as const;

/** The version k8s.io/kubernetes is pinned to in the harness's go.mod. */
export function pinnedKubernetesVersion(): string {
  return kubernetesPinOf(readFileSync(GO_MOD, "utf8"));
}

/**
 * Reads the k8s.io/kubernetes pin from go.mod text and checks that every
 * k8s.io replace follows it (staging modules are published as v0.<minor>.<patch>
 * for Kubernetes v1.<minor>.<patch>).
 */
export function kubernetesPinOf(goMod: string): string {
  const pinned = /^\s*(?:require\s+)?k8s\.io\/kubernetes\s+(v1\.\S+)/m.exec(goMod)?.[1];
  if (!pinned) throw new Error(`${GO_MOD} does not require k8s.io/kubernetes v1.x`);
  const staging = `v0.${pinned.slice("v1.".length)}`;
  const stray = [...goMod.matchAll(/^\s*(?:replace\s+)?(k8s\.io\/\S+)\s+=>\s+\S+\s+(v\S+)/gm)].find(([, , version]) => version !== staging);
  if (stray) throw new Error(`${GO_MOD}: ${stray[1]} is replaced by ${stray[2]}, but k8s.io/kubernetes ${pinned} needs ${staging}`);
  return pinned;
}

/**
 * The Kubernetes version to build: the platform's k3s version, which go.mod
 * must pin. A mismatch fails instead of testing a different Kubernetes.
 */
export function targetKubernetesVersion(): string {
  return requireSamePin(platformTarget().kubernetes, pinnedKubernetesVersion());
}

export function requireSamePin(target: string, pinned: string): string {
  if (target !== pinned) {
    throw new Error(
      `platform.yaml targets Kubernetes ${target} (cluster.k3sImage) but ${GO_MOD} pins k8s.io/kubernetes ${pinned}. ` +
        `Bump go.mod: set k8s.io/kubernetes to ${target} and every k8s.io/* replace to v0.${target.slice("v1.".length)}, ` +
        `then run \`go mod tidy\` in ${kubernetesGoModule} and commit go.mod and go.sum.`,
    );
  }
  return target;
}

export function kubernetesBinDir(version: string): string {
  return join(cacheDir, "bin", `kubernetes-${version}`);
}

const builds = new Map<string, Promise<string>>();

/**
 * Path of the cached binary for `name` at the target version, building it
 * first if needed. Safe when several processes race: each builds to its own
 * temporary file and renames it into place atomically.
 */
export function buildKubernetesBinary(name: KubernetesCommand): Promise<string> {
  let build = builds.get(name);
  if (!build) {
    build = buildOnce(name);
    builds.set(name, build);
    build.catch(() => builds.delete(name));
  }
  return build;
}

async function buildOnce(name: KubernetesCommand): Promise<string> {
  const version = targetKubernetesVersion();
  const dir = kubernetesBinDir(version);
  const binary = join(dir, name);
  if (existsSync(binary)) return binary;

  const goVersion = await requireGo();
  mkdirSync(dir, { recursive: true });
  const partial = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const [major, minor] = version.slice(1).split(".");
  const ldflags = [
    `-X k8s.io/component-base/version.gitVersion=${version}`,
    `-X k8s.io/component-base/version.gitMajor=${major}`,
    `-X k8s.io/component-base/version.gitMinor=${minor}`,
    "-X k8s.io/component-base/version.gitTreeState=clean",
  ].join(" ");

  log(`building ${name} ${version} with ${goVersion} into ${dir} (cold: downloads ~1.5 GB of Go modules, 5-10 min on 2 cores; cached afterwards)`);
  const started = Date.now();
  let downloads = 0;
  const heartbeat = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    log(`still building ${name}: ${seconds} s${downloads ? `, ${downloads} modules downloaded` : ""}`);
  }, 30_000);
  try {
    await run("go", ["build", "-o", partial, "-ldflags", ldflags, `k8s.io/kubernetes/cmd/${name}`], {
      cwd: kubernetesGoModule,
      onStderr: (chunk) => (downloads += chunk.split("go: downloading").length - 1),
    });
    renameSync(partial, binary);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new Error(`building ${name} ${version} failed. ${(error as Error).message}`);
  } finally {
    clearInterval(heartbeat);
  }
  log(`built ${name} in ${Math.round((Date.now() - started) / 1000)} s`);
  return binary;
}

/** The Go toolchain's version; fails with what to install if it is missing or too old. */
async function requireGo(): Promise<string> {
  const install =
    `The cluster tests build kube-apiserver from source and need Go >= ${MIN_GO.join(".")} on PATH: ` +
    "install it from https://go.dev/dl/ (e.g. unpack to /usr/local/go and add /usr/local/go/bin to PATH).";
  let output: string;
  try {
    output = (await run("go", ["version"])).stdout;
  } catch {
    throw new Error(`Go toolchain not found. ${install}`);
  }
  const match = /go(\d+)\.(\d+)\S*/.exec(output);
  if (!match) throw new Error(`cannot read the Go version from "${output.trim()}". ${install}`);
  const [goMajor, goMinor] = [Number(match[1]), Number(match[2])];
  if (goMajor < MIN_GO[0] || (goMajor === MIN_GO[0] && goMinor < MIN_GO[1])) {
    throw new Error(`Go ${match[1]}.${match[2]} is too old. ${install}`);
  }
  return match[0];
}

function log(message: string): void {
  process.stderr.write(`[harness] ${message}\n`);
}
