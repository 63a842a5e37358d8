/**
 * The YAML writer's fast path (src/emit/fast-yaml.ts) prints, byte for byte,
 * what `yaml` prints with the writer's options: on random values built to
 * hit YAML's corner cases (keywords, numbers, indicators, multi-line
 * strings...), and on every document the seed compiles to. A value it does
 * not know it leaves to `yaml` (undefined).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { fastYaml } from "../src/emit/fast-yaml.js";
import { WRITER_OPTIONS } from "../src/emit/yaml.js";
import { compile } from "../src/pipeline.js";
import { repoRoot } from "./support/paths.js";

/** Counts of what the fast path printed, so a test sees that it took the cases it means to. */
interface Tally {
  fast: number;
  fallback: number;
  blocks: number;
  quoted: number;
}
const tally = (): Tally => ({ fast: 0, fallback: 0, blocks: 0, quoted: 0 });

/** The fast path's text for `value`, which must be `yaml`'s, or undefined (left to `yaml`). */
function expectSameAsYaml(value: unknown, counts: Tally, where = "random value"): void {
  const actual = fastYaml(value, WRITER_OPTIONS);
  if (actual === undefined) {
    counts.fallback++;
    return;
  }
  counts.fast++;
  if (/\|-?\n/.test(actual)) counts.blocks++;
  if (actual.includes('"')) counts.quoted++;
  expect(actual, `${where}: ${JSON.stringify(value)}`).toBe(stringify(value, WRITER_OPTIONS));
}

const TRICKY = ["yes", "No", "ON", "off", "y", "n", "~", "null", "Null", "true", "False", "0", "-1", "1.5", "0o14", "014", "0x1F", "0b101", "1e3", ".inf", "-.Inf", ".nan", "1_000", "190:20:30", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "<<", "=", "-", "?", ":", "---", "...", "%TAG", "#x", "a #b", "a: b", "a:b", "@x", "`x", "!x", "&x", "*x", "|", ">", "'q'", '"q"', "[x]", "{x}", "a,b", " lead", "trail ", "tab\t", "é", "\u0007", "\r", "x\ny", "x\n", "x\n\n", "\nx", " x\ny", "x\n y\n", "x \ny", "x\n\ny", "x\n  \ny", "x\n---\ny", "x\n#c", "x\ny ", "x\ny\t", "x\n "];
const text = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: fc.constantFrom(..."ab01 :#-?'\"\n\t.,[]{}&*!|>%@`~yYnN/=_"), maxLength: 12 }), fc.string({ maxLength: 8 }));
const lines = fc.array(fc.oneof(text, fc.constantFrom("", " ", "  x", "a: b", "- x")), { minLength: 2, maxLength: 4 }).map((l) => l.join("\n"));
/** Anything JSON-like, and (more often) what the fast path takes: strings, whole numbers, booleans. */
const anyScalar = fc.oneof(text, lines, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constant(-0));
const fastScalar = fc.oneof(text, text, lines, fc.integer(), fc.boolean());
const documents = (scalar: fc.Arbitrary<unknown>) => {
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("list"), tie("map")),
    list: fc.array(tie("tree"), { maxLength: 4 }),
    map: fc.dictionary(text, tie("tree"), { maxKeys: 4 }),
  }));
  return fc.oneof(fc.dictionary(text, tree, { maxKeys: 5 }), fc.array(tree, { maxLength: 5 }));
};

describe("the YAML writer's fast path", () => {
  it.each([
    ["any JSON-like value", anyScalar],
    ["values made of what it takes", fastScalar],
  ])("prints %s as yaml does", (_name, scalar) => {
    const counts = tally();
    fc.assert(fc.property(documents(scalar), (value) => expectSameAsYaml(value, counts)), { numRuns: 3000 });
    // The property reached the fast path, its `|` blocks and its quoted strings, and the fallback.
    expect(Object.entries(counts).filter(([, n]) => n === 0).map(([what]) => what)).toEqual([]);
  });

  it("prints every document of the seed's output, and the YAML patches inside them, as yaml does", async () => {
    const { synthesis } = await compile(repoRoot);
    const counts = tally();
    for (const file of synthesis!.files) {
      for (const doc of file.documents) {
        expectSameAsYaml(doc, counts, file.path);
        for (const patch of JSON.stringify(doc).matchAll(/"patch":("(?:[^"\\]|\\.)*")/g)) expectSameAsYaml(parse(JSON.parse(patch[1])), counts, `${file.path} patch`);
      }
    }
    // Nearly every generated object takes the fast path: it is why the path exists.
    expect(counts.fast).toBeGreaterThan(50);
  });
});
