// A throw-away SeaweedFS on loopback for the data-flow suite: the `weed`
// binary built from the Go module the chart's release comes from
// (test/harness/go/seaweedfs), run as `weed server` (master, volume, filer and
// S3 gateway in one process), which is what the chart's all-in-one Deployment
// runs. Buckets are created with the chart's bucket-hook commands, and the S3
// identities come from a `-s3.config` file, as the chart mounts it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { upstreamDir } from "../support/paths.js";
import { freePort } from "../support/ports.js";
import { SEAWEEDFS, buildComponentBinary, componentGoModule, pinnedComponentVersion } from "./components.js";
import { Daemon, run, waitUntil, type RunResult } from "./process.js";
import { Reaper } from "./reaper.js";

/** The chart the objectStorage component deploys (its default), under ../shared/upstream/charts. */
export const SEAWEEDFS_CHART = "seaweedfs-4.53.0";

/** `appVersion` of the chart, which is also its image tag (values.yaml `image.tag: ""` falls back to it). */
export function chartAppVersion(chartDir = join(upstreamDir, "charts", SEAWEEDFS_CHART)): string {
  const file = join(chartDir, "Chart.yaml");
  const appVersion = /^appVersion:\s*["']?([^"'\s]+)["']?\s*$/m.exec(readFileSync(file, "utf8"))?.[1];
  if (!appVersion) throw new Error(`${file} has no appVersion`);
  return appVersion;
}

/** The release in `weed version` output, e.g. "4.53" from "version 30GB 4.53 linux amd64". */
export function weedRelease(versionOutput: string): string {
  const release = /\bversion\s+\d+[A-Z]*B\s+(\d+\.\d+)\b/.exec(versionOutput)?.[1];
  if (!release) throw new Error(`cannot read a release from \`weed version\` output: ${JSON.stringify(versionOutput.trim())}`);
  return release;
}

/**
 * Fails when the built server is not the release the chart deploys: the test
 * would prove another server than the cluster runs. The module proxy names
 * SeaweedFS releases only by pseudo-version, so the binary itself is asked.
 */
export function checkSeaweedfsRelease(appVersion: string, versionOutput: string, module = SEAWEEDFS.module, pinned = "?"): void {
  const built = weedRelease(versionOutput);
  if (built === appVersion) return;
  throw new Error(
    `chart ${SEAWEEDFS_CHART} deploys SeaweedFS ${appVersion} (Chart.yaml appVersion, the image tag), but the weed built from ` +
      `test/harness/go/seaweedfs/go.mod (${module} ${pinned}) is ${built}. Pin the module version of the chart's release: the chart ` +
      `lives in that module under k8s/charts/seaweedfs, so its Chart.yaml there must say appVersion "${appVersion}"; set the require ` +
      `line to that pseudo-version, copy the release's replace directives from its go.mod, run \`go mod tidy\` in test/harness/go/seaweedfs, ` +
      `and commit go.mod and go.sum.`,
  );
}

/** `version` of a Chart.yaml. */
export function chartVersion(chartDir: string): string {
  const file = join(chartDir, "Chart.yaml");
  const version = /^version:\s*["']?([^"'\s]+)["']?\s*$/m.exec(readFileSync(file, "utf8"))?.[1];
  if (!version) throw new Error(`${file} has no version`);
  return version;
}

/**
 * Builds `weed` (cached: a warm run builds nothing) and checks that it is the
 * chart's release, and that the chart is the one in the pinned module
 * (k8s/charts/seaweedfs: chart and server are released together). Returns the binary's path.
 */
export async function prepareSeaweedfs(): Promise<string> {
  const weed = await buildComponentBinary(SEAWEEDFS, "weed");
  const pinned = pinnedComponentVersion(SEAWEEDFS);
  const { stdout } = await run(weed, ["version"]);
  checkSeaweedfsRelease(chartAppVersion(), stdout, SEAWEEDFS.module, pinned);
  const listed = await run("go", ["list", "-m", "-f", "{{.Dir}}", SEAWEEDFS.module], { cwd: componentGoModule(SEAWEEDFS), reject: false });
  const moduleDir = listed.exitCode === 0 ? listed.stdout.trim() : "";
  // None when only the binary is cached, not the module source: `weed version` above has checked the release.
  if (!moduleDir) return weed;
  const inModule = chartVersion(join(moduleDir, "k8s/charts/seaweedfs"));
  const deployed = chartVersion(join(upstreamDir, "charts", SEAWEEDFS_CHART));
  if (inModule !== deployed) {
    throw new Error(
      `${SEAWEEDFS.module} ${pinned} carries chart seaweedfs ${inModule} (k8s/charts/seaweedfs), but the platform deploys ${deployed}: ` +
        `pin the module version whose k8s/charts/seaweedfs/Chart.yaml says version ${deployed} in test/harness/go/seaweedfs/go.mod.`,
    );
  }
  return weed;
}

export interface SeaweedfsOptions {
  /** The `-s3.config` JSON (identities and their actions), as the chart mounts it from the Secret. */
  s3Config: string;
  /** Buckets to create once the server is up, with the chart's hook commands. */
  buckets?: readonly string[];
}

export interface Seaweedfs {
  /** http://127.0.0.1:<port> of the S3 gateway (path-style). */
  s3Endpoint: string;
  /** host:port.grpcPort of the master, as `weed shell -master` takes it. */
  masterAddress: string;
  /** host:port.grpcPort of the filer. */
  filerAddress: string;
  daemon: Daemon;
  /** Creates the buckets that do not exist yet, as the chart's post-install hook does. */
  createBuckets(names: readonly string[]): Promise<void>;
  /** Replaces the `-s3.config` file (without reloading it). */
  writeConfig(text: string): void;
  /** SIGHUP: the S3 gateway re-reads its `-s3.config` file (weed/s3api/s3api_server.go, grace.OnReload). */
  reload(): Promise<void>;
  /** Output of a `weed shell` script run against this server. */
  shell(script: string): Promise<string>;
  /** A container's `/bin/sh -ec` script that calls /usr/bin/weed, run against this server (runWeedScript). */
  runScript(script: string, env?: Record<string, string>): Promise<RunResult>;
  /** SIGTERM, SIGKILL after 3 s (see below), then removes the data directory and the /tmp sockets. */
  stop(): Promise<void>;
}

/** Starts `weed server` on free loopback ports with the given identities; resolves once S3 answers. */
export async function startSeaweedfs(options: SeaweedfsOptions): Promise<Seaweedfs> {
  const weed = await prepareSeaweedfs();
  const workDir = mkdtempSync(join(tmpdir(), "seaweedfs-"));
  const reaper = new Reaper(workDir);
  const dataDir = join(workDir, "data");
  mkdirSync(dataDir);
  const configFile = join(workDir, "s3-config.json");
  const writeConfig = (text: string): void => writeFileSync(configFile, text, { mode: 0o600 });
  writeConfig(options.s3Config);

  // Every port chosen free, gRPC ones too (weed's default is port + 10000): weed names
  // its gRPC unix sockets in /tmp after the port (/tmp/seaweedfs-<service>-grpc-<port>.sock,
  // whatever -dir says) and removes an existing one before listening, so two servers on
  // one port pair would take each other's sockets.
  const port = { master: 0, masterGrpc: 0, volume: 0, volumeGrpc: 0, filer: 0, filerGrpc: 0, s3: 0, s3Grpc: 0 };
  for (const key of Object.keys(port) as (keyof typeof port)[]) port[key] = await freePort();
  const grpcPorts = { master: port.masterGrpc, volume: port.volumeGrpc, filer: port.filerGrpc, s3: port.s3Grpc };
  const masterAddress = `127.0.0.1:${port.master}.${port.masterGrpc}`;
  const filerAddress = `127.0.0.1:${port.filer}.${port.filerGrpc}`;
  const args = [
    // -v=1: the S3 gateway logs a reloaded -s3.config only at verbosity 1 (reload() waits for that line).
    "-v=1",
    "server",
    "-ip=127.0.0.1",
    "-ip.bind=127.0.0.1",
    `-dir=${dataDir}`,
    `-master.port=${port.master}`,
    `-master.port.grpc=${port.masterGrpc}`,
    // Offline and a test: no anonymous usage report to telemetry.seaweedfs.com (on by default).
    "-master.telemetry=false",
    "-master.volumeSizeLimitMB=64",
    `-volume.port=${port.volume}`,
    `-volume.port.grpc=${port.volumeGrpc}`,
    // 0: as many volumes as the disk allows (the chart's default maxVolumes); the default 8 runs out after a few buckets.
    "-volume.max=0",
    // The volume server waits this long after its last heartbeat before stopping (default 10 s).
    "-volume.preStopSeconds=1",
    "-filer",
    `-filer.port=${port.filer}`,
    `-filer.port.grpc=${port.filerGrpc}`,
    `-filer.localSocket=${join(workDir, "filer.sock")}`,
    "-s3",
    `-s3.port=${port.s3}`,
    `-s3.port.grpc=${port.s3Grpc}`,
    `-s3.localSocket=${join(workDir, "s3.sock")}`,
    `-s3.config=${configFile}`,
    // The Iceberg REST catalog (8181) and Lance namespace server (9101) are on by default; nothing here uses them.
    "-s3.port.iceberg=0",
    "-s3.port.lance=0",
  ];
  const daemon = Daemon.start("weed", weed, args, join(workDir, "weed.log"), weedEnv());
  reaper.track(daemon.pid);
  const s3Endpoint = `http://127.0.0.1:${port.s3}`;

  const shell = async (script: string): Promise<string> => {
    // As the hook runs it: the cluster's master and filer from WEED_CLUSTER_* (the chart's env), the script on stdin.
    const env = { ...weedEnv(), WEED_CLUSTER_DEFAULT: "sw", WEED_CLUSTER_SW_MASTER: masterAddress, WEED_CLUSTER_SW_FILER: filerAddress };
    const result = await run(weed, ["shell"], { input: `${script}\n`, env, cwd: workDir });
    return result.stdout;
  };

  const seaweedfs: Seaweedfs = {
    s3Endpoint,
    masterAddress,
    filerAddress,
    daemon,
    shell,
    runScript: (script, env = {}) => runWeedScript(script, { env, master: masterAddress, filer: filerAddress, home: workDir }),
    writeConfig,
    async createBuckets(names) {
      // templates/shared/post-install-bucket-hook.yaml: create each bucket that `s3.bucket.list` does not
      // list yet (idempotent, as the hook runs on every upgrade), one `weed shell` per command. The hook
      // lists before each bucket; listing once is the same here, where nothing else creates buckets.
      const listed = (output: string): Set<string> => new Set(output.split("\n").map((line) => line.trim().split(/\s+/)[0] ?? ""));
      const existing = listed(await shell("s3.bucket.list"));
      const missing = names.filter((name) => !existing.has(name));
      // A refused command (e.g. an invalid name) makes weed shell exit 1, so run() throws with its message.
      for (const name of missing) await shell(`s3.bucket.create --name ${name}`);
    },
    async reload() {
      const before = logLength(daemon);
      process.kill(daemon.pid, "SIGHUP");
      // The reload runs in a signal goroutine; wait for its log line so that the next request sees the new identities.
      // (That line is logged at -v=1, hence the flag.) A file weed cannot read or parse keeps the identities it had.
      const outcome = await waitUntil(
        "weed to re-read its -s3.config after SIGHUP",
        async () => /Loaded \d+ identities from config file|fail to load config file.*/.exec(logSince(daemon, before))?.[0],
        { timeoutMs: 10_000, intervalMs: 100, daemon },
      );
      if (outcome.startsWith("fail")) throw new Error(`weed kept its previous identities: ${outcome}`);
    },
    async stop() {
      // On SIGTERM `weed server` stops its volume server first (1 s, -volume.preStopSeconds), and then its
      // filer spends 15 s trying to flush its metadata log to a volume that is gone
      // (weed/filer/filer_notify.go shutdownMetadataLogFlushBudget). The data is thrown away here, so the
      // group is killed after 3 s, and the gRPC sockets weed would have removed are removed here.
      await daemon.stop(3_000);
      for (const [service, grpcPort] of Object.entries(grpcPorts)) rmSync(`/tmp/seaweedfs-${service}-grpc-${grpcPort}.sock`, { force: true });
      rmSync(workDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      reaper.release();
    },
  };

  try {
    // Any HTTP answer means the gateway listens (anonymous GET / is refused with 403).
    await waitUntil("SeaweedFS S3 gateway", async () => ((await fetch(`${s3Endpoint}/`).catch(() => undefined))?.status ? true : undefined), {
      timeoutMs: 60_000,
      daemon,
    });
    if (options.buckets?.length) await seaweedfs.createBuckets(options.buckets);
  } catch (error) {
    await seaweedfs.stop();
    throw error;
  }
  return seaweedfs;
}

/**
 * A chart pod's `/bin/sh -ec` script that calls /usr/bin/weed (the chart's bucket hook, the platform's
 * bucket-quota Job), run as written: bash for the image's /bin/sh (BusyBox ash; this machine's dash lacks
 * `set -o pipefail`, which the hook uses), the built weed for /usr/bin/weed, and the pod's env with the
 * cluster's master and filer (WEED_CLUSTER_SW_*, Service names) at the running server's addresses.
 */
export async function runWeedScript(script: string, options: { env: Record<string, string>; master: string; filer: string; home: string }): Promise<RunResult> {
  const weed = await prepareSeaweedfs();
  // The chart's cluster alias (WEED_CLUSTER_DEFAULT), unless the script's env names another.
  const env: NodeJS.ProcessEnv = { WEED_CLUSTER_DEFAULT: "sw", ...options.env, PATH: process.env.PATH, HOME: options.home, WEED_CLUSTER_SW_MASTER: options.master, WEED_CLUSTER_SW_FILER: options.filer };
  return run("bash", ["-ec", script.replaceAll("/usr/bin/weed", weed)], { env, cwd: options.home, reject: false });
}

/** Each bucket's quota in bytes (0: none), from `s3.bucket.list` (weed/shell/command_s3_bucket_list.go: name, then tab-separated key:value). */
export function bucketQuotas(listOutput: string): Record<string, number> {
  const quotas: Record<string, number> = {};
  for (const line of listOutput.split("\n")) {
    const [name, ...fields] = line.trim().split("\t");
    if (!name || !fields.some((f) => f.startsWith("size:"))) continue;
    quotas[name] = Number(fields.find((f) => f.startsWith("quota:"))?.slice("quota:".length) ?? 0);
  }
  return quotas;
}

/**
 * The environment weed runs with: PATH and HOME only, plus one master.toml key.
 * AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in weed's environment would become an
 * extra admin identity (s3api/auth_credentials.go loadEnvironmentVariableCredentials),
 * and WEED_* variables override its configuration, so none is passed through.
 */
function weedEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // Each bucket is a collection whose first write grows 7 volumes by default (master.toml
    // [master.volume_growth] copy_1); one is plenty here. The objectStorage component sets the same.
    WEED_MASTER_VOLUME_GROWTH_COPY_1: "1",
  };
}

function logLength(daemon: Daemon): number {
  return readLog(daemon).length;
}

function logSince(daemon: Daemon, offset: number): string {
  return readLog(daemon).subarray(offset).toString("utf8");
}

function readLog(daemon: Daemon): Buffer {
  try {
    return readFileSync(daemon.logFile);
  } catch {
    return Buffer.alloc(0);
  }
}
