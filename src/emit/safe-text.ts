/**
 * Characters that a YAML reader other than ours may take for structure, or
 * refuse. Go's YAML parsers (go-yaml, which Kustomize, Argo CD and kubectl
 * use) break lines at U+0085, U+2028 and U+2029 and refuse C0/C1 controls,
 * DEL, U+FFFE/U+FFFF and lone surrogates, while `yaml` (YAML 1.2) writes them
 * raw: a string holding them could end a scalar and start new YAML. The
 * writer escapes every one of them inside double quotes, so the value reads
 * back unchanged in any parser. Invisible characters (BOM, zero-width,
 * bidirectional controls) are escaped too, so a reviewer sees them.
 */
const ASTRAL_NONCHARACTERS = Array.from({ length: 16 }, (_, plane) => `\\u{${(plane + 1).toString(16)}FFFE}\\u{${(plane + 1).toString(16)}FFFF}`).join("");
export const UNSAFE_CHAR = new RegExp(
  `[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\ufeff\\ufdd0-\\ufdef\\ufff9-\\ufffb\\ufffe\\uffff${ASTRAL_NONCHARACTERS}\\ud800-\\udfff]`,
  "u",
);
const UNSAFE_CHARS = new RegExp(UNSAFE_CHAR.source, "gu");

export const hasUnsafeChar = (s: string): boolean => UNSAFE_CHAR.test(s);

/** `\uXXXX` (or `\UXXXXXXXX`) for each unsafe character: valid in a YAML double-quoted scalar only. */
export function escapeUnsafe(s: string): string {
  return s.replace(UNSAFE_CHARS, (c) => {
    const code = c.codePointAt(0)!;
    return code > 0xffff ? `\\U${code.toString(16).toUpperCase().padStart(8, "0")}` : `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
  });
}
