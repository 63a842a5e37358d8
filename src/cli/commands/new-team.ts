import { FORMATS } from "../../format/index.js";
import { scaffoldTeam, writeScaffold, type NewTeamOptions } from "../../scaffold/new-team.js";
import { EXIT, plural, problemsOnly, report, summary, withCommonOptions, type CommonOptions, type Io } from "../output.js";

interface NewTeamCommandOptions extends CommonOptions, Omit<NewTeamOptions, "name" | "owners"> {
  owner?: string[];
  dryRun?: boolean;
}

export async function newTeam(io: Io, name: string, options: NewTeamCommandOptions): Promise<number> {
  const root = io.root(options.dir);
  const result = await scaffoldTeam(root, { name, scheduler: options.scheduler, language: options.language, owners: options.owner, description: options.description, contact: options.contact });
  if (!result.scaffold) {
    report(io, result.diagnostics, options);
    summary(io, io.paint.red(`✖ teams/${name}.yaml was not written.`), options);
    return EXIT.invalid;
  }
  const { scaffold } = result;
  if (options.dryRun) {
    io.out(scaffold.text);
    return EXIT.ok;
  }
  try {
    await writeScaffold(root, scaffold);
  } catch (error) {
    io.err(`${io.paint.red("error")}  cannot write ${scaffold.file}: ${(error as Error).message}\n`);
    return EXIT.invalid;
  }
  const lines = [
    // "passes policy" means no policy error: with new warnings, it says so in the same breath.
    `${io.paint.green("✔")} wrote ${scaffold.file} (${options.scheduler} scheduler, ${options.language}); it passes validation and policy${scaffold.newWarnings.length ? `, with ${plural(scaffold.newWarnings.length, "new warning")} (below)` : ""}.`,
    ...scaffold.notes.map((n) => `  ${io.paint.cyan("note:")} ${n}`),
    ...(scaffold.newWarnings.length ? [`  ${io.paint.yellow("policy warnings with the new team:")}`, FORMATS.text(scaffold.newWarnings, io.color).replace(/^/gm, "    ")] : []),
    `  next: ${options.owner?.length ? "" : "set the owners, then "}npm run build, and commit ${scaffold.file} with generated/.`,
  ];
  // Quiet: no report, but the warnings the new team brings are problems, and still printed.
  if (problemsOnly(options) && scaffold.newWarnings.length) io.out(FORMATS.text(scaffold.newWarnings, io.color) + "\n");
  summary(io, lines.join("\n"), options);
  return EXIT.ok;
}
