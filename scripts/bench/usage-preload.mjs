/** Preloaded with `node --import` when GNU time is absent: writes "<max RSS KB> <user s> <system s>" at exit, as GNU time would. */
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_USAGE_FILE;
if (file) {
  process.on("exit", () => {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    writeFileSync(file, `${maxRSS} ${userCPUTime / 1e6} ${systemCPUTime / 1e6}`);
  });
}
