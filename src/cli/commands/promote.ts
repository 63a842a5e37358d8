import { promote, writePromotion } from "../../scaffold/promote.js";
import { EXIT, plural, report, summary, type CommonOptions, type Io } from "../output.js";

interface PromoteOptions extends CommonOptions {
  dryRun?: boolean;
}

export async function promoteCommand(io: Io, from: string, to: string, options: PromoteOptions): Promise<number> {
  const root = io.root(options.dir);
  const result = await promote(root, from, to);
  if (!result.promotion) {
    report(io, result.diagnostics, options);
    summary(io, io.paint.red(`✖ nothing was written: ${from} was not promoted to ${to}.`), options);
    return EXIT.invalid;
  }
  const { files } = result.promotion;
  if (files.length === 0) {
    summary(io, `${io.paint.green("✔")} ${to} already runs what ${from} runs; nothing to write.`, options);
    return EXIT.ok;
  }
  if (options.dryRun) {
    for (const { file, text } of files) io.out(`# ${file}\n${text}`);
    return EXIT.ok;
  }
  try {
    await writePromotion(root, result.promotion);
  } catch (error) {
    io.err(`${io.paint.red("error")}  cannot write: ${(error as Error).message}\n`);
    return EXIT.invalid;
  }
  summary(io, [
    `${io.paint.green("✔")} promoted ${from} to ${to}: wrote ${plural(files.length, "file")} (${files.map((f) => f.file).join(", ")}); the platform with them validates.`,
    `  next: npm run build (${to}'s files change, and CODEOWNERS when a team joins it), and open a pull request with them.`,
  ].join("\n"), options);
  return EXIT.ok;
}
