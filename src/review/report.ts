/** What `review` reports besides its diagnostics: the policy's report, and what the change does. */
import type { PolicyReport } from "../policy/report.js";
import type { Allowance } from "./destructive.js";
import type { ResourceChange } from "./diff.js";
import type { Ownership } from "./ownership.js";
import type { TeamRename } from "./renames.js";

export interface ReviewReport extends PolicyReport {
  /**
   * The base ref the findings are compared with, when it builds: each
   * diagnostic then carries its `baseline`, and what was already there is
   * shown apart from what the change introduces.
   */
  base?: string;
  changes?: ResourceChange[];
  allowance?: Allowance;
  /** The platform as a Mermaid diagram, marking what the change does to nodes, queues and quotas. */
  picture?: string;
  /** Whose files the change touches. */
  owners?: Ownership;
  /** Teams the change renames: a team file removed and one with the same settings added (./renames.ts). */
  renames?: TeamRename[];
  /**
   * Why a person must read the change before it is merged, even without
   * errors (several owners' files, no base to compare with): the verdict names them.
   */
  attention?: string[];
}
