// Builds the non-Kubernetes programs of the job-flow simulation (Volcano,
// the Spark Operator, KWOK) from their upstream Go modules, pinned in
// test/harness/go/<component>/go.mod, into the same cache as the Kubernetes
// binaries: ${SPARK_PLATFORM_CACHE}/bin/<component>-<version>/<command>.
// Nothing built is ever written into the source tree; a warm run builds nothing.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { repoRoot } from "../support/paths.js";
import { cacheDir } from "./paths.js";
import { platformTarget } from "./platform.js";
import { run } from "./process.js";

export interface GoComponent {
  /** Directory under test/harness/go and prefix of the cache directory. */
  name: "volcano" | "spark-operator" | "kwok" | "seaweedfs";
  /** The upstream Go module that go.mod requires. */
  module: string;
  /** Commands of that module: binary name -> package path. */
  commands: Record<string, string>;
  /** The version platform.yaml deploys, when it decides it (KWOK is the harness's own choice). */
  target?: () => string;
  /** Extra `go build` flags, e.g. to strip a large binary. */
  buildFlags?: readonly string[];
  /** How long a cold build takes here, for the progress message. */
  coldBuild?: string;
}

export const VOLCANO: GoComponent = {
  name: "volcano",
  module: "volcano.sh/volcano",
  commands: {
    "vc-scheduler": "volcano.sh/volcano/cmd/scheduler",
    "vc-controller-manager": "volcano.sh/volcano/cmd/controller-manager",
    "vc-webhook-manager": "volcano.sh/volcano/cmd/webhook-manager",
  },
  target: () => `v${platformTarget().volcano}`,
};

export const SPARK_OPERATOR: GoComponent = {
  name: "spark-operator",
  module: "github.com/kubeflow/spark-operator/v2",
  commands: { "spark-operator": "github.com/kubeflow/spark-operator/v2/cmd/operator" },
  target: () => `v${platformTarget().sparkOperator}`,
};

export const KWOK: GoComponent = {
  name: "kwok",
  module: "sigs.k8s.io/kwok",
  commands: { kwok: "sigs.k8s.io/kwok/cmd/kwok" },
};

export const GO_COMPONENTS = [VOLCANO, SPARK_OPERATOR, KWOK] as const;

/**
 * SeaweedFS (the object store) for the data-flow suite only, so not in
 * GO_COMPONENTS: the job-flow suite does not need it. The module proxy serves
 * release 4.53 as a pseudo-version, so there is no target to compare with the
 * pin; test/harness/seaweedfs.ts checks the built `weed version` against the
 * chart's appVersion instead.
 */
export const SEAWEEDFS: GoComponent = {
  name: "seaweedfs",
  module: "github.com/seaweedfs/seaweedfs",
  commands: { weed: "github.com/seaweedfs/seaweedfs/weed" },
  // Reproducible (no local paths in the binary) and stripped of debug symbols (164 MB).
  buildFlags: ["-trimpath", "-ldflags=-s -w"],
  coldBuild: "6-10 min and about 2 GB of memory",
};

export function componentGoModule(component: GoComponent): string {
  return join(repoRoot, "test/harness/go", component.name);
}

/** The version go.mod pins for the component's module. */
export function pinnedComponentVersion(component: GoComponent): string {
  const file = join(componentGoModule(component), "go.mod");
  return componentPinOf(readFileSync(file, "utf8"), component.module, file);
}

export function componentPinOf(goMod: string, module: string, file = "go.mod"): string {
  const escaped = module.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const pinned = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, "m").exec(goMod)?.[1];
  if (!pinned) throw new Error(`${file} does not require ${module}`);
  return pinned;
}

/**
 * The version to build: the one platform.yaml deploys, which go.mod must pin.
 * A mismatch fails instead of simulating another release than the platform runs.
 */
export function componentVersion(component: GoComponent): string {
  const pinned = pinnedComponentVersion(component);
  const target = component.target?.();
  if (target && target !== pinned) {
    throw new Error(
      `platform.yaml deploys ${component.name} ${target}, but test/harness/go/${component.name}/go.mod pins ${component.module} ${pinned}. ` +
        `Set the require line to ${target}, copy that release's own replace block from its go.mod into ours (replace directives only apply in the main module), ` +
        `then run \`go mod tidy\` in test/harness/go/${component.name} and commit go.mod and go.sum.`,
    );
  }
  return pinned;
}

export function componentBinDir(component: GoComponent, version = componentVersion(component)): string {
  return join(cacheDir, "bin", `${component.name}-${version}`);
}

const builds = new Map<string, Promise<string>>();

/** Path of the cached binary, building it first if needed (atomic rename, so racing processes are safe). */
export function buildComponentBinary(component: GoComponent, command: string): Promise<string> {
  const key = `${component.name}/${command}`;
  let build = builds.get(key);
  if (!build) {
    build = buildOnce(component, command);
    builds.set(key, build);
    build.catch(() => builds.delete(key));
  }
  return build;
}

/** Every binary of the component, one build after the other (they share two cores). */
export async function buildComponent(component: GoComponent): Promise<Record<string, string>> {
  const paths: Record<string, string> = {};
  for (const command of Object.keys(component.commands)) paths[command] = await buildComponentBinary(component, command);
  return paths;
}

async function buildOnce(component: GoComponent, command: string): Promise<string> {
  const pkg = component.commands[command];
  if (!pkg) throw new Error(`${component.name} has no command ${command}`);
  const version = componentVersion(component);
  const dir = componentBinDir(component, version);
  const binary = join(dir, command);
  if (existsSync(binary)) return binary;

  mkdirSync(dir, { recursive: true });
  const partial = join(dir, `.${command}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const cold = component.coldBuild ?? "Volcano ~3 min, the operator ~1 min, KWOK ~2 min";
  log(`building ${command} (${component.module} ${version}) into ${dir} (cold: ${cold} on 2 cores; cached afterwards)`);
  const started = Date.now();
  const heartbeat = setInterval(() => log(`still building ${command}: ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
  try {
    // CGO off: static binaries, no C toolchain needed (Volcano's plugin loading, which needs cgo, is not used).
    await run("go", ["build", ...(component.buildFlags ?? []), "-o", partial, pkg], {
      cwd: componentGoModule(component),
      env: { ...process.env, CGO_ENABLED: "0" },
    });
    renameSync(partial, binary);
  } catch (error) {
    rmSync(partial, { force: true });
    const message = (error as Error).message;
    const hint = /executable file not found|ENOENT/.test(message)
      ? " Install Go >= 1.24 (https://go.dev/dl/) and put it on PATH."
      : " The Go module proxy must be reachable for the first build.";
    throw new Error(`building ${command} (${component.module} ${version}) failed.${hint} ${message}`);
  } finally {
    clearInterval(heartbeat);
  }
  log(`built ${command} in ${Math.round((Date.now() - started) / 1000)} s`);
  return binary;
}

function log(message: string): void {
  process.stderr.write(`[harness] ${message}\n`);
}
