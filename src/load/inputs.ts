/**
 * Finds and reads the inputs: platform.yaml and one file per team in teams/.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { glob } from "glob";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { parseSource, type SourceDocument } from "./source.js";

export const PLATFORM_FILE = "platform.yaml";
export const TEAMS_DIR = "teams";

export interface LoadedInputs {
  root: string;
  platform?: SourceDocument;
  teams: SourceDocument[];
  diagnostics: Diagnostic[];
}

export async function loadInputs(root: string): Promise<LoadedInputs> {
  const diagnostics: Diagnostic[] = [];
  const read = async (file: string): Promise<SourceDocument | undefined> => {
    let text: string;
    try {
      text = await readFile(path.join(root, file), "utf8");
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
      diagnostics.push({
        severity: "error", code: missing ? "input/missing" : "input/unreadable", file,
        message: missing ? `${file} not found in ${root}` : `cannot read ${file}: ${(error as Error).message}`,
        hint: missing ? "Run the command from the project root, or pass --dir <project root>." : "Check the file's permissions.",
      });
      return undefined;
    }
    const { source, diagnostics: found } = parseSource(file, text);
    diagnostics.push(...found);
    return source;
  };

  const platform = await read(PLATFORM_FILE);
  const entries = (await glob(`${TEAMS_DIR}/*`, { cwd: root, nodir: true, posix: true })).sort();
  const teams: SourceDocument[] = [];
  for (const file of entries) {
    if (file.endsWith(".yaml")) {
      const team = await read(file);
      if (team) teams.push(team);
    } else if (file.endsWith(".yml")) {
      diagnostics.push({ severity: "error", code: "input/extension", file, line: 1, column: 1, message: `${file} has the extension .yml, so it is not read`, hint: `Rename it to ${file.replace(/\.yml$/, ".yaml")}.` });
    }
  }
  return { root, platform, teams, diagnostics };
}
