/**
 * Dependencies point one way: the README's source map lists the stages in
 * order, and no module of a stage imports from a stage listed after it (type
 * imports included). A new folder under src/ must take its place in that list.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./support/paths.js";

const src = path.join(repoRoot, "src");

function stagesInReadme(): string[] {
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Layout of the source"));
  const block = section.slice(section.indexOf("```\n") + 4, section.indexOf("\n```", section.indexOf("```\n") + 4));
  return [...block.matchAll(/^src\/([a-z-]+)\//gm)].map((m) => m[1]);
}

function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? modules(full) : entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** The stage a relative import lands in, or undefined outside src/'s folders (src/index.ts, schemas/…). */
function stageOf(file: string): string | undefined {
  const parts = path.relative(src, file).split(path.sep);
  return parts.length > 1 && parts[0] !== ".." ? parts[0] : undefined;
}

describe("the stages of src/", () => {
  const stages = stagesInReadme();

  it("are every folder of src/, each listed once", () => {
    const folders = readdirSync(src, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect([...stages].sort()).toEqual([...new Set(folders)].sort());
    expect(new Set(stages).size).toBe(stages.length);
  });

  it("import only from themselves and the stages above them in the README", () => {
    const backwards: string[] = [];
    for (const file of modules(src)) {
      const from = stageOf(file);
      if (!from) continue; // src/index.ts and src/pipeline.ts put the stages together
      const text = readFileSync(file, "utf8");
      for (const [, target] of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
        const to = stageOf(path.resolve(path.dirname(file), target));
        if (to && stages.indexOf(to) > stages.indexOf(from)) backwards.push(`${path.relative(repoRoot, file)} → ${target}`);
      }
    }
    expect(backwards).toEqual([]);
  });
});
