/**
 * `new-team`: writes teams/<name>.yaml with defaults sized to the platform
 * as it is, so that the new team passes validation and policy, and
 * `npm run build` alone completes the onboarding. The file is checked by the
 * real pipeline (validation, synthesis, policy) before it is written.
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { loadInputs, TEAMS_DIR, type LoadedInputs } from "../load/inputs.js";
import { parseSource } from "../load/source.js";
import { exceeds, formatCapacity, minimum, type Capacity } from "../model/capacity.js";
import { jobShape, type PlatformModel } from "../model/platform-model.js";
import { formatRatio, quantityText } from "../model/quantity.js";
import { overcommitThresholds, quotaTotals, roomForNewQueue } from "../policy/capacity.js";
import { POLICY_RULES } from "../policy/index.js";
import { runPolicy } from "../policy/run.js";
import { compileInputs, type CompiledObjects } from "../pipeline.js";
import { NAME_CODES } from "../synth/names.js";

export interface NewTeamOptions {
  name: string;
  scheduler: "default" | "volcano";
  language: "pyspark" | "scala";
  owners?: string[];
  description?: string;
  contact?: string;
}

export interface TeamScaffold {
  /** teams/<name>.yaml */
  file: string;
  text: string;
  /** What was sized and why, for the person running the command. */
  notes: string[];
  /** Policy warnings the platform will have with the team that it did not have before. */
  newWarnings: Diagnostic[];
}

export type ScaffoldResult = { scaffold: TeamScaffold; diagnostics: Diagnostic[] } | { scaffold?: undefined; diagnostics: Diagnostic[] };

/** A tenant the size of the seed's default-scheduler teams. */
const STANDARD = { requests: { cpu: 4000, memory: 8 * 2 ** 30 }, pods: 10, weight: 20 };
const EXECUTORS = 2;
const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Rounds up to whole CPUs and whole GiB, as people write quotas. */
const roundUp = (c: Capacity): Capacity => ({ cpu: Math.ceil(c.cpu / 1000) * 1000, memory: Math.ceil(c.memory / 2 ** 30) * 2 ** 30 });
/** Rounds down to 100m and 256Mi: the most a bound may say without promising more than there is. */
const roundDown = (c: Capacity): Capacity => ({ cpu: Math.floor(c.cpu / 100) * 100, memory: Math.floor(c.memory / 2 ** 28) * 2 ** 28 });
const flow = (c: Capacity) => `{ cpu: "${quantityText("cpu", c.cpu)}", memory: ${quantityText("memory", c.memory)} }`;

const refusal = (message: string, hint: string, file?: string): Diagnostic => ({ severity: "error", code: "new-team/refused", message, hint, ...(file ? { file } : {}) });

interface Sizing {
  requests: Capacity;
  capability?: Capacity;
  instances: number;
  notes: string[];
}

/** The quota, queue and job: as large as the standard tenant, as small as the platform's room requires. */
function size(model: PlatformModel, options: NewTeamOptions): Sizing | Diagnostic {
  const notes: string[] = [];
  const thresholds = overcommitThresholds(model);
  const used = quotaTotals(model.teams).requests;
  const headroom = { cpu: thresholds.requests * model.workerCapacity.cpu - used.cpu, memory: thresholds.requests * model.workerCapacity.memory - used.memory };
  const room = options.scheduler === "volcano" ? roundDown(roomForNewQueue(model)) : undefined;
  const job = (instances: number) => jobShape({ language: options.language, executor: { instances } }).total;
  let instances = EXECUTORS;
  while (instances > 1 && room && exceeds(job(instances), room).length) instances--;
  if (room && exceeds(job(instances), room).length) {
    return refusal(
      `a new Volcano queue could get at most ${formatCapacity(room)}: the queues' guarantees reserve the rest of the cluster, and even a job of one driver and one executor needs ${formatCapacity(job(1))}`,
      "Lower the other queues' guarantees or add nodes in platform.yaml, or use --scheduler default.",
    );
  }
  if (instances < EXECUTORS) notes.push(`exampleJob has ${instances} executor${instances === 1 ? "" : "s"}: a new queue can get at most ${formatCapacity(room!)} (the cluster less the other queues' guarantees)`);
  const need = roundUp(job(instances));
  const fitting = minimum(STANDARD.requests, { cpu: Math.max(0, headroom.cpu), memory: Math.max(0, headroom.memory) });
  const requests = { cpu: Math.max(need.cpu, Math.floor(fitting.cpu / 1000) * 1000), memory: Math.max(need.memory, Math.floor(fitting.memory / 2 ** 30) * 2 ** 30) };
  if (exceeds(requests, fitting).length) {
    // The job's own need wins over the threshold: say where the sum lands, not that it stays within.
    const ratio = Math.max(...(["cpu", "memory"] as const).map((d) => (used[d] + requests[d]) / model.workerCapacity[d]));
    notes.push(`quota requests are ${formatCapacity(requests)}, the least the example job needs (${formatCapacity(job(instances))}); with them the teams' summed requests reach ${formatRatio(ratio)} the workers, over the threshold of ${formatRatio(thresholds.requests)} (policy.overcommit.requests)`);
  } else if (exceeds(STANDARD.requests, requests).length) {
    notes.push(`quota requests are ${formatCapacity(requests)}, below the standard ${formatCapacity(STANDARD.requests)}, to keep the teams' summed requests within ${formatRatio(thresholds.requests)} the workers (policy.overcommit.requests)`);
  }
  const capability = room ? minimum(requests, room) : undefined;
  // Said when the note on the executors named the room, which the capability then stays below.
  if (capability && room && instances < EXECUTORS && exceeds(room, capability).length) {
    notes.push(`queue capability is ${formatCapacity(capability)}: the team's quota requests, which are less than the ${formatCapacity(room)} a new queue can get; no guarantee (one would shrink every other queue)`);
  } else if (capability && exceeds(requests, capability).length) {
    notes.push(`queue capability is ${formatCapacity(capability)}: what the queue can get beside the other queues' guarantees; no guarantee (one would shrink every other queue)`);
  }
  return { requests, capability, instances, notes };
}

function render(options: NewTeamOptions, sizing: Sizing): string {
  const { name } = options;
  const limits = { cpu: sizing.requests.cpu * 2, memory: sizing.requests.memory * 2 };
  const owners = options.owners?.length ? options.owners : [`${name}-lead@example.com`];
  const lines = [
    "# yaml-language-server: $schema=../schemas/team.schema.json",
    `name: ${name}`,
    `description: ${JSON.stringify(options.description ?? `${options.language === "pyspark" ? "PySpark" : "Scala Spark"} jobs ${options.scheduler === "volcano" ? `in the Volcano queue ${name}` : "on the default scheduler"}.`)}`,
    ...(options.owners?.length ? [] : ["# Who answers for this tenant: replace with real people before merging."]),
    "owners:",
    ...owners.map((o) => `  - ${JSON.stringify(o)}`),
    `contact: ${JSON.stringify(options.contact ?? `#team-${name}`)}`,
    `scheduler: ${options.scheduler}`,
    "quota:",
    `  requests: ${flow(sizing.requests)}`,
    `  limits: ${flow(limits)}`,
    `  pods: ${STANDARD.pods}`,
    "limitRange:",
    '  defaultRequest: { cpu: 500m, memory: 1Gi }',
    '  default: { cpu: "2", memory: 2Gi }',
    ...(sizing.capability ? ["queue:", `  weight: ${STANDARD.weight}`, `  capability: ${flow(sizing.capability)}`] : []),
    "exampleJob:",
    `  language: ${options.language}`,
    "  driver: { cores: 1, memory: 512m }",
    `  executor: { cores: 1, memory: 512m, instances: ${sizing.instances} }`,
  ];
  return lines.join("\n") + "\n";
}

const key = (d: Diagnostic) => `${d.code}\0${d.file}\0${d.path}\0${d.message}`;

/** Sizes and renders the team file, then proves it with the real pipeline. Writes nothing. */
export async function scaffoldTeam(root: string, options: NewTeamOptions): Promise<ScaffoldResult> {
  const file = `${TEAMS_DIR}/${options.name}.yaml`;
  if (!NAME.test(options.name) || options.name.length > 40) {
    return { diagnostics: [refusal(`\`${options.name}\` is not a team name: lower-case letters, digits and '-', starting with a letter, 40 characters at most`, "Choose a name such as `data-science`.")] };
  }
  const inputs = await loadInputs(root);
  const current = compileInputs(inputs);
  if (!current.model || !current.synthesis || hasErrors(current.diagnostics)) {
    return { diagnostics: [...current.diagnostics.filter((d) => d.severity === "error"), refusal("the platform does not validate as it is, so a new team cannot be sized against it", "Fix the errors above first (npm run validate).")] };
  }
  const model = current.model;
  if (existsSync(path.join(root, file)) || model.teams.some((t) => t.name === options.name)) {
    return { diagnostics: [refusal(`team \`${options.name}\` already exists (${file})`, "Choose another name, or edit the existing file.", file)] };
  }
  // The name first, whatever the sizing: the names a team makes do not depend on its quota.
  const named = withTeam(inputs, file, render(options, { requests: STANDARD.requests, capability: options.scheduler === "volcano" ? STANDARD.requests : undefined, instances: EXECUTORS, notes: [] }));
  const taken = named.diagnostics.filter((d) => d.file === file && Object.values<string>(NAME_CODES).includes(d.code));
  if (taken.length) return { diagnostics: taken };

  const sizing = size(model, options);
  if ("severity" in sizing) return { diagnostics: [sizing] };
  const text = render(options, sizing);

  // The proof: the platform with this file added validates, synthesizes, checks its names and passes policy.
  const next = withTeam(inputs, file, text);
  if (!next.model || !next.synthesis || hasErrors(next.diagnostics)) return { diagnostics: next.diagnostics.filter((d) => d.severity === "error") };
  const findings = runPolicy(next.model, next.synthesis, POLICY_RULES, next.environments);
  if (hasErrors(findings)) return { diagnostics: findings.filter((d) => d.severity === "error") };
  const before = new Set(runPolicy(model, current.synthesis, POLICY_RULES, current.environments).map(key));
  return { scaffold: { file, text, notes: sizing.notes, newWarnings: findings.filter((d) => !before.has(key(d))) }, diagnostics: [] };
}

/** The platform's inputs with one more team file, through the same pipeline as `validate` and `review`. */
function withTeam(inputs: LoadedInputs, file: string, text: string): CompiledObjects {
  const parsed = parseSource(file, text);
  if (!parsed.source) return { diagnostics: parsed.diagnostics };
  return compileInputs({ ...inputs, teams: [...inputs.teams, parsed.source] });
}

/** Writes the scaffold, refusing to overwrite a file that appeared meanwhile. */
export async function writeScaffold(root: string, scaffold: TeamScaffold): Promise<void> {
  await writeFile(path.join(root, scaffold.file), scaffold.text, { flag: "wx" });
}
