/** Every command of the CLI. Adding one: a module here, one line in COMMANDS. */
import type { Command } from "commander";
import type { Io } from "../output.js";
import * as build from "./build.js";
import * as check from "./check.js";
import * as config from "./config.js";
import * as newTeam from "./new-team.js";
import * as policy from "./policy.js";
import * as review from "./review.js";
import * as validate from "./validate.js";

/** `register` adds the command to the program; its action writes to `io` and sets `io.exitCode`. */
export const COMMANDS: ReadonlyArray<{ register(cli: Command, io: Io): void }> = [build, check, validate, policy, review, newTeam, config];
