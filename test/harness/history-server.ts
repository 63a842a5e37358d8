// Spark's own History Server, from the same pyspark install as the jobs
// (prepareSparkData), as the platform runs it: spark-class
// org.apache.spark.deploy.history.HistoryServer in the foreground, configured
// only through SPARK_HISTORY_OPTS (which the compiler generates), with the
// S3A jars on SPARK_DAEMON_CLASSPATH.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../support/ports.js";
import { prepareSparkData } from "./pyspark.js";
import { Daemon, run, waitUntil } from "./process.js";
import { Reaper } from "./reaper.js";

export interface HistoryServerOptions {
  /** -D options, as the generated Deployment's SPARK_HISTORY_OPTS. */
  historyOpts: string;
  /** Its environment beyond the harness's (e.g. the S3 keys of its identity). */
  env?: Readonly<Record<string, string>>;
  timeoutMs?: number;
}

/** One application as GET /api/v1/applications lists it. */
export interface HistoryApplication {
  id: string;
  name: string;
  attempts: { completed: boolean; sparkUser?: string; appSparkVersion?: string }[];
}

export interface HistoryServer {
  /** e.g. http://127.0.0.1:23456 */
  url: string;
  daemon: Daemon;
  /** GET <url>/api/v1/<path> as JSON. */
  get<T>(path: string): Promise<T>;
  applications(): Promise<HistoryApplication[]>;
  /** Stops the server and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the History Server on a free loopback port and waits until its REST
 * API answers. The one property the harness adds after the caller's options
 * (so it wins) is spark.history.ui.port.
 */
export async function startHistoryServer(options: HistoryServerOptions): Promise<HistoryServer> {
  const spark = await prepareSparkData();
  const workDir = mkdtempSync(join(tmpdir(), "spark-platform-history-server-"));
  const reaper = new Reaper(workDir);
  let daemon: Daemon | undefined;
  const stop = async (): Promise<void> => {
    await daemon?.stop();
    rmSync(workDir, { recursive: true, force: true });
    reaper.release();
  };
  try {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: "C.UTF-8",
      JAVA_HOME: spark.javaHome,
      SPARK_HOME: spark.sparkHome,
      SPARK_CONF_DIR: workDir,
      SPARK_LOCAL_IP: "127.0.0.1",
      SPARK_DAEMON_CLASSPATH: `${spark.jarsDir}/*`,
      SPARK_HISTORY_OPTS: `${options.historyOpts} -Dspark.history.ui.port=${port}`,
      ...options.env,
    };
    const started = Daemon.start(
      "history-server",
      join(spark.sparkHome, "bin/spark-class"),
      ["org.apache.spark.deploy.history.HistoryServer"],
      join(workDir, "history-server.log"),
      env,
    );
    daemon = started;
    reaper.track(started.pid);
    const url = `http://127.0.0.1:${port}`;
    const get = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${url}/api/v1/${path}`, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`GET ${url}/api/v1/${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    await waitUntil("the History Server's REST API", async () => (await get<unknown[]>("applications")) && true, {
      timeoutMs: options.timeoutMs ?? 90_000,
      intervalMs: 500,
      daemon: started,
    });
    return { url, daemon: started, get, applications: () => get<HistoryApplication[]>("applications"), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The events of one application's event log as JSON lines, decompressed and in
 * order. Spark 4.0 rolls event logs by default (a directory
 * eventlog_v2_<app id> of events_<n>_<app id>[.<codec>] files) and compresses
 * them with zstd (spark.eventLog.compress), so a text search on the raw files
 * finds nothing, secrets included. `path` is that directory or a single log file.
 */
export async function readEventLog(path: string): Promise<string> {
  const files = statSync(path).isDirectory()
    ? readdirSync(path)
        .filter((file) => file.startsWith("events_"))
        .sort((a, b) => Number(a.split("_")[1]) - Number(b.split("_")[1]))
        .map((file) => join(path, file))
    : [path];
  if (files.length === 0) throw new Error(`${path} holds no events_* file`);
  const texts: string[] = [];
  for (const file of files) {
    const codec = /\.(zstd|lz4|snappy|lzf)$/.exec(file)?.[1];
    if (codec === undefined) texts.push(readFileSync(file, "utf8"));
    else if (codec === "zstd") texts.push(await unzstd(file));
    else throw new Error(`${file}: the harness reads event logs compressed with zstd (Spark's default) or not at all, not ${codec}`);
  }
  return texts.join("");
}

async function unzstd(file: string): Promise<string> {
  try {
    return (await run("zstd", ["-q", "-d", "-c", file])).stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error(`zstd not found: reading Spark's compressed event logs needs it (\`apt-get install zstd\`)`);
    }
    throw error;
  }
}
