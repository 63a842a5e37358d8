// Java libraries from Maven Central for the data-flow suite (the Kafka broker,
// Spark's Kafka source and S3A connector): Maven resolves the dependencies of
// a throw-away pom and copies the runtime jars into
// ${SPARK_PLATFORM_CACHE}/maven/<name>/<hash of the coordinates>/, which a
// classpath takes as `<dir>/*`. Staged and renamed into place, so a directory
// that exists is complete; a warm run starts no Maven.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheDir } from "./paths.js";
import { run } from "./process.js";

export interface MavenArtifact {
  group: string;
  artifact: string;
  version: string;
}

export interface MavenJarsOptions {
  /** Copy only these artifact ids (Maven's -DincludeArtifactIds), e.g. one connector without its transitive jars. */
  includeArtifactIds?: string[];
}

// Pinned, so that the same coordinates always resolve the same way (an unpinned
// `dependency:` prefix takes whatever Maven Central's metadata says is newest).
const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";
const MVN = process.env.MVN ?? "mvn";

export function mavenJarsDir(name: string, dependencies: readonly MavenArtifact[], options: MavenJarsOptions = {}): string {
  const key = JSON.stringify({
    dependencies: dependencies.map(({ group, artifact, version }) => [group, artifact, version]),
    include: options.includeArtifactIds ?? null,
  });
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 16);
  return join(cacheDir, "maven", name, hash);
}

const fetches = new Map<string, Promise<string>>();

/**
 * The directory holding the runtime jars of `dependencies` (and their
 * transitive dependencies), fetched once with Maven into the cache.
 */
export function ensureMavenJars(name: string, dependencies: MavenArtifact[], options: MavenJarsOptions = {}): Promise<string> {
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) throw new Error(`Maven jar set name "${name}" must be lower-case letters, digits, '.', '_' or '-'`);
  if (dependencies.length === 0) throw new Error(`Maven jar set "${name}" lists no dependencies`);
  const dir = mavenJarsDir(name, dependencies, options);
  let fetch = fetches.get(dir);
  if (!fetch) {
    fetch = fetchOnce(name, dir, dependencies, options);
    fetches.set(dir, fetch);
    fetch.catch(() => fetches.delete(dir));
  }
  return fetch;
}

async function fetchOnce(name: string, dir: string, dependencies: MavenArtifact[], options: MavenJarsOptions): Promise<string> {
  if (existsSync(dir)) return dir;

  const parent = join(cacheDir, "maven", name);
  mkdirSync(parent, { recursive: true });
  // Staged next to its final place (same filesystem, so the rename is atomic); the pom outside the cache.
  const staging = join(parent, `.staging.${process.pid}.${randomBytes(4).toString("hex")}`);
  const project = mkdtempSync(join(tmpdir(), `spark-platform-maven-${name}-`));
  const shown = dependencies.map(({ group, artifact, version }) => `${group}:${artifact}:${version}`).join(", ");
  log(`fetching ${shown} and their runtime dependencies from Maven Central into ${dir} (once)`);
  const started = Date.now();
  try {
    writeFileSync(join(project, "pom.xml"), pom(name, dependencies));
    const args = [
      "-q",
      "-B",
      "-f",
      join(project, "pom.xml"),
      `${DEPENDENCY_PLUGIN}:copy-dependencies`,
      `-DoutputDirectory=${staging}`,
      "-DincludeScope=runtime",
    ];
    if (options.includeArtifactIds?.length) args.push(`-DincludeArtifactIds=${options.includeArtifactIds.join(",")}`);
    try {
      await run(MVN, args, { cwd: project });
    } catch (error) {
      const message = (error as Error).message;
      const hint = /ENOENT/.test(message)
        ? `Maven (${MVN}) not found: install it with \`apt-get install maven\` (with Java 17: \`apt-get install openjdk-17-jdk-headless\`), or set MVN.`
        : `Maven Central (https://repo.maven.apache.org/maven2) must be reachable for the first run, with Java 17 for Maven (\`apt-get install maven openjdk-17-jdk-headless\`).`;
      throw new Error(`fetching the ${name} jars (${shown}) with Maven failed. ${hint} ${message}`);
    }
    const jars = existsSync(staging) ? readdirSync(staging).filter((file) => file.endsWith(".jar")) : [];
    if (jars.length === 0) throw new Error(`Maven copied no jar for ${name} (${shown}) into ${staging}`);
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another process finished first: its directory is as good as ours.
      if (!existsSync(dir)) throw error;
    }
    log(`fetched ${jars.length} jars for ${name} in ${Math.round((Date.now() - started) / 1000)} s`);
    return dir;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  }
}

function pom(name: string, dependencies: readonly MavenArtifact[]): string {
  const xml = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const deps = dependencies
    .map(
      ({ group, artifact, version }) =>
        `    <dependency><groupId>${xml(group)}</groupId><artifactId>${xml(artifact)}</artifactId><version>${xml(version)}</version></dependency>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.spark-platform.harness</groupId>
  <artifactId>${xml(name)}</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
${deps}
  </dependencies>
</project>
`;
}

function log(message: string): void {
  process.stderr.write(`[harness] ${message}\n`);
}
