// Real Spark for the data-flow suite: PyPI's pyspark at the examples' Spark
// version in a virtualenv, and the jars of src/model/spark-artifacts.ts from
// Maven Central, both cached under ${SPARK_PLATFORM_CACHE}. runSparkJob runs a
// team's PySpark program with spark-submit in local mode, with the Spark
// properties the generated SparkApplication carries; the harness changes only
// what local mode needs (harnessSparkConf below).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SPARK_ARTIFACTS_SPARK_VERSION, SPARK_JARS, sparkJarFileName, sparkJarFileNames } from "../../src/model/spark-artifacts.js";
import { ensureMavenJars } from "./maven.js";
import { cacheDir } from "./paths.js";
import { killGroup, run } from "./process.js";
import { Reaper } from "./reaper.js";
import { ensureSparkHome, requireJava } from "./spark-home.js";

const PYTHON = process.env.PYTHON ?? "python3";

export interface PySpark {
  /** The virtualenv's interpreter, with pyspark importable. */
  python: string;
  /** The pip-installed pyspark package: a whole Spark distribution (bin/, jars/). */
  sparkHome: string;
  javaHome: string;
  /** The directory holding exactly the jars of SPARK_JARS (a class path takes it as `<dir>/*`). */
  jarsDir: string;
  /** Their local paths, in table order. */
  jars: string[];
}

export function pysparkVenvDir(version: string = SPARK_ARTIFACTS_SPARK_VERSION): string {
  return join(cacheDir, `pyspark-venv-${version}`);
}

let prepared: Promise<PySpark> | undefined;

/** The venv and the jars, fetched once into the cache (a warm run installs and downloads nothing). */
export function prepareSparkData(): Promise<PySpark> {
  prepared ??= prepare();
  prepared.catch(() => (prepared = undefined));
  return prepared;
}

async function prepare(): Promise<PySpark> {
  const javaHome = await requireJava();
  const { python, sparkHome } = await ensurePySparkVenv(SPARK_ARTIFACTS_SPARK_VERSION);
  const { jarsDir, jars } = await ensureSparkJars();
  return { python, sparkHome, javaHome, jarsDir, jars };
}

/**
 * A virtualenv with pyspark installed from the sdist that ensureSparkHome
 * downloads (one download for both). Built in a staging directory and renamed
 * into place, so a venv that exists is complete. Only `bin/python` is used:
 * the venv's other scripts carry the staging path in their #! lines.
 */
export async function ensurePySparkVenv(version: string): Promise<{ python: string; sparkHome: string }> {
  const venv = pysparkVenvDir(version);
  const found = await installedPySpark(venv, version);
  if (found) return found;

  await ensureSparkHome(version);
  // Where ensureSparkHome's pip download leaves the sdist.
  const archive = join(cacheDir, "downloads", `pyspark-${version}.tar.gz`);
  if (!existsSync(archive)) throw new Error(`ensureSparkHome(${version}) left no ${archive}`);

  const staging = `${venv}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  process.stderr.write(`[harness] installing pyspark ${version} into ${venv} (once; about 100 s, 530 MB)\n`);
  const started = Date.now();
  try {
    await run(PYTHON, ["-m", "venv", staging]);
    await run(join(staging, "bin/python"), ["-m", "pip", "install", "--quiet", "--no-cache-dir", "--disable-pip-version-check", archive]);
    rmSync(venv, { recursive: true, force: true });
    renameSync(staging, venv);
  } catch (error) {
    throw new Error(
      `cannot install pyspark ${version} into a virtualenv (${PYTHON} -m venv, then pip install ${archive}): ` +
        `the data suite runs the teams' jobs with it. Install Python 3 with venv and pip (\`apt-get install python3-venv\`) and reach PyPI (py4j). ${(error as Error).message}`,
    );
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const installed = await installedPySpark(venv, version);
  if (!installed) throw new Error(`pyspark ${version} does not import from ${venv} after installing it`);
  process.stderr.write(`[harness] installed pyspark ${version} in ${Math.round((Date.now() - started) / 1000)} s\n`);
  return installed;
}

async function installedPySpark(venv: string, version: string): Promise<{ python: string; sparkHome: string } | undefined> {
  const python = join(venv, "bin/python");
  if (!existsSync(python)) return undefined;
  const probe = await run(python, ["-c", "import os, pyspark; print(pyspark.__version__); print(os.path.dirname(pyspark.__file__))"], { reject: false }).catch(
    () => undefined,
  );
  const [found, sparkHome] = probe?.exitCode === 0 ? probe.stdout.trim().split("\n") : [];
  if (found !== version || !sparkHome || !existsSync(join(sparkHome, "bin/spark-class"))) return undefined;
  return { python, sparkHome };
}

/** The jars of SPARK_JARS from Maven Central, each checked against the table's SHA-1. */
export async function ensureSparkJars(): Promise<{ jarsDir: string; jars: string[] }> {
  const jarsDir = await ensureMavenJars(
    "spark-data",
    SPARK_JARS.map(({ group, artifact, version }) => ({ group, artifact, version })),
    { includeArtifactIds: SPARK_JARS.map((jar) => jar.artifact) },
  );
  const expected = sparkJarFileNames();
  const present = readdirSync(jarsDir).filter((file) => file.endsWith(".jar"));
  const missing = expected.filter((file) => !present.includes(file));
  const extra = present.filter((file) => !expected.includes(file));
  if (missing.length || extra.length) {
    throw new Error(
      `${jarsDir} should hold exactly the jars of src/model/spark-artifacts.ts: missing ${missing.join(", ") || "none"}, unexpected ${extra.join(", ") || "none"}. ` +
        "A version in the table that Maven resolved differently (a transitive pin) shows here; fix the table.",
    );
  }
  for (const jar of SPARK_JARS) {
    const path = join(jarsDir, sparkJarFileName(jar));
    const sha1 = await sha1Of(path);
    if (sha1 !== jar.sha1) {
      throw new Error(`${path} has SHA-1 ${sha1}, but src/model/spark-artifacts.ts pins ${jar.group}:${jar.artifact}:${jar.version} at ${jar.sha1} (Maven Central's .sha1). Delete ${jarsDir} to fetch it again.`);
    }
  }
  return { jarsDir, jars: expected.map((file) => join(jarsDir, file)) };
}

export function sha1Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha1");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}

/**
 * Everything the harness changes in a job's Spark properties, in one place:
 * local mode instead of Kubernetes, the jars from the cache instead of the
 * cluster's artefacts bucket, the driver on loopback, and no UI port.
 */
export function harnessSparkConf(jars: readonly string[]): Record<string, string> {
  return {
    "spark.master": "local[2]",
    "spark.jars": jars.join(","),
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.enabled": "false",
  };
}

export interface SparkJob {
  /** Path of the PySpark program. */
  script: string;
  args?: readonly string[];
  /** The job's Spark properties, as the SparkApplication carries them. */
  sparkConf: Readonly<Record<string, string>>;
  /** The job's environment, as the pod would get it (credentials); nothing else of this process's leaks in. */
  env?: Readonly<Record<string, string>>;
  timeoutMs?: number;
}

export interface SparkJobResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Wall time of spark-submit, in milliseconds. */
  ms: number;
  /** The Spark properties the job ran with: the given ones with harnessSparkConf applied. */
  sparkConf: Record<string, string>;
}

/**
 * Runs `script` with the venv's spark-submit in local[2] mode and waits for it.
 * The process group is killed however this ends (timeout, error, the test
 * process dying), and its scratch directory (the job's working directory) removed.
 */
export async function runSparkJob(job: SparkJob): Promise<SparkJobResult> {
  const spark = await prepareSparkData();
  const sparkConf = { ...job.sparkConf, ...harnessSparkConf(spark.jars) };
  const workDir = mkdtempSync(join(tmpdir(), "spark-platform-spark-job-"));
  const reaper = new Reaper(workDir);
  // An empty conf dir: no spark-defaults.conf adds properties the job did not ask for.
  const confDir = join(workDir, "conf");
  mkdirSync(confDir);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: "C.UTF-8",
    TMPDIR: workDir,
    JAVA_HOME: spark.javaHome,
    SPARK_HOME: spark.sparkHome,
    SPARK_CONF_DIR: confDir,
    // Without it Spark warns that the host name resolves to loopback and picks another address.
    SPARK_LOCAL_IP: "127.0.0.1",
    PYSPARK_PYTHON: spark.python,
    PYSPARK_DRIVER_PYTHON: spark.python,
    ...job.env,
  };
  const args = [...Object.entries(sparkConf).flatMap(([key, value]) => ["--conf", `${key}=${value}`]), job.script, ...(job.args ?? [])];
  const started = Date.now();
  try {
    const result = await runGroup(join(spark.sparkHome, "bin/spark-submit"), args, { cwd: workDir, env, timeoutMs: job.timeoutMs ?? 5 * 60_000, reaper });
    return { ...result, ms: Date.now() - started, sparkConf };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    reaper.release();
  }
}

/** Runs a command in its own process group, collects its output, and kills the group when it ends or times out. */
function runGroup(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; reaper: Reaper },
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    if (child.pid === undefined) {
      child.on("error", reject);
      return;
    }
    const pgid = child.pid;
    options.reaper.track(pgid);
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(pgid, "SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      // The driver's JVM and Python worker go with the group, even if spark-submit left them behind.
      killGroup(pgid, "SIGKILL");
      if (timedOut) stderr += `\n[harness] killed after ${options.timeoutMs} ms\n`;
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}
