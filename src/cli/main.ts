#!/usr/bin/env node
/** The `spark-platform` executable: the command line (./run.ts) with this process's streams. */
import { endQuietlyWhenTheReaderGoes } from "./output.js";
import { run } from "./run.js";

endQuietlyWhenTheReaderGoes([process.stdout, process.stderr]);
process.exitCode = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env });
