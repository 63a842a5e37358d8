// SPARK_HOME for the Spark Operator's spark-submit, from PyPI's pyspark at the
// Spark version of the examples: the sdist holds a complete Spark distribution
// in deps/ (bin/spark-submit, jars/ with spark-kubernetes). Downloaded once
// with pip into the cache (~434 MB), extracted to
// ${SPARK_PLATFORM_CACHE}/spark-<version>/; a warm run downloads nothing.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "./paths.js";
import { run } from "./process.js";

export function sparkHomeDir(version: string): string {
  return join(cacheDir, `spark-${version}`);
}

const PYTHON = process.env.PYTHON ?? "python3";

export async function ensureSparkHome(version: string): Promise<string> {
  const home = sparkHomeDir(version);
  if (existsSync(join(home, "bin/spark-submit")) && existsSync(join(home, `jars/spark-core_2.13-${version}.jar`))) return home;

  const downloads = join(cacheDir, "downloads");
  mkdirSync(downloads, { recursive: true });
  const archive = join(downloads, `pyspark-${version}.tar.gz`);
  if (!existsSync(archive)) {
    process.stderr.write(`[harness] downloading pyspark==${version} from PyPI into ${downloads} (~434 MB, once)\n`);
    try {
      // The source archive is what PyPI serves for pyspark; --no-deps: only Spark itself is needed.
      await run(PYTHON, ["-m", "pip", "download", "--no-deps", "--no-binary", ":all:", `pyspark==${version}`, "-d", downloads]);
    } catch (error) {
      throw new Error(
        `cannot download pyspark==${version} with pip (${PYTHON} -m pip): the simulation takes SPARK_HOME from it. ` +
          `Install Python 3 with pip and reach PyPI, or set SPARK_PLATFORM_CACHE to a cache that has ${home}. ${(error as Error).message}`,
      );
    }
    if (!existsSync(archive)) throw new Error(`pip did not leave ${archive}: found ${readdirSync(downloads).join(", ")}`);
  }
  const staging = `${home}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await run("tar", ["xzf", archive, "-C", staging, `pyspark-${version}/deps`]);
    rmSync(home, { recursive: true, force: true });
    renameSync(join(staging, `pyspark-${version}/deps`), home);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  if (!existsSync(join(home, "bin/spark-submit"))) throw new Error(`pyspark-${version}'s deps/ has no bin/spark-submit`);
  return home;
}

/** JAVA_HOME of the machine's Java 17+ (spark-submit 4.0 needs 17), or a message saying what to install. */
export async function requireJava(): Promise<string> {
  const install = "Spark 4.0's spark-submit needs Java 17 or newer: `apt-get install openjdk-17-jre-headless` (or set JAVA_HOME).";
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, "bin/java") : "java";
  let output: string;
  try {
    const result = await run(java, ["-XshowSettings:properties", "-version"]);
    output = result.stderr + result.stdout;
  } catch {
    throw new Error(`java not found (${java}). ${install}`);
  }
  const major = Number(/java\.specification\.version = (\d+)/.exec(output)?.[1] ?? 0);
  const home = /java\.home = (.+)/.exec(output)?.[1]?.trim();
  if (major < 17 || !home) throw new Error(`Java ${major || "?"} found at ${java}. ${install}`);
  return home;
}
