/**
 * A review with environments: each environment compared with itself, as the
 * cluster it is. The same object (a team's Namespace, its Queue) exists once
 * per cluster with one identity, so the two sides are paired by environment
 * before they are diffed: a change to local's copy can never hide behind
 * staging's unchanged one, and the report says which cluster gets what.
 */
import type { CompileResult } from "../pipeline.js";
import type { PlatformModel } from "../model/platform-model.js";
import { queueShares } from "../model/queue-shares.js";
import { environmentPart } from "../synth/index.js";
import type { Synthesis } from "../synth/object.js";
import type { Allowance, ChangeSubject } from "./destructive.js";
import { diffResources, type ResourceChange } from "./diff.js";
import { renamedTeams } from "./renames.js";
import { resourcesOf } from "./resources.js";

type Compiled = Pick<CompileResult, "model" | "environments" | "synthesis">;

/** One environment's model and its own part of the synthesis. */
export interface EnvironmentSide {
  model: PlatformModel;
  synthesis: Synthesis;
}

/** One environment on both sides of a change: absent on the base when the change adds it, on the head when it removes it. */
export interface EnvironmentPair {
  name: string;
  base?: EnvironmentSide;
  head?: EnvironmentSide;
}

/** What the change does in one environment: the damage checks' subject. */
export interface EnvironmentChange extends EnvironmentPair {
  subject: ChangeSubject;
  /** The model whose files its findings point into: the head's, or the base's for an environment the change removes. */
  model: PlatformModel;
}

function sidesOf(compiled: Compiled | undefined): EnvironmentSide[] {
  if (!compiled?.model || !compiled.synthesis) return [];
  const synthesis = compiled.synthesis;
  return [compiled.model, ...(compiled.environments ?? [])].map((model) => ({ model, synthesis: environmentPart(synthesis, model.environment) }));
}

/** Every environment of either side, the head's in its order (local first), then those the change removes. */
export function pairEnvironments(base: Compiled | undefined, head: Compiled): EnvironmentPair[] {
  const before = new Map(sidesOf(base).map((side) => [side.model.environment.name, side]));
  const after = sidesOf(head);
  const names = new Set(after.map((side) => side.model.environment.name));
  return [
    ...after.map((side) => ({ name: side.model.environment.name, head: side, ...(before.has(side.model.environment.name) ? { base: before.get(side.model.environment.name)! } : {}) })),
    ...[...before.values()].filter((side) => !names.has(side.model.environment.name)).map((side) => ({ name: side.model.environment.name, base: side })),
  ];
}

/**
 * The change in one environment: its objects diffed with its own base, each
 * change naming the environment when there are several, with what the damage
 * checks weigh it against (the base's queue reach, the teams renamed there).
 */
export function environmentChange(pair: EnvironmentPair, allowance: Allowance | undefined, several: boolean): EnvironmentChange {
  const before = pair.base ? resourcesOf(pair.base.synthesis) : new Map();
  const after = pair.head ? resourcesOf(pair.head.synthesis) : new Map();
  const changes: ResourceChange[] = diffResources(before, after).map((c) => (several ? { ...c, environment: pair.name } : c));
  const reach = pair.base ? new Map(queueShares(pair.base.model).queues.map((q) => [q.queue.name, q.realCapability])) : undefined;
  const renames = pair.base && pair.head ? renamedTeams(pair.base.model, pair.head.model) : [];
  return { ...pair, model: (pair.head ?? pair.base)!.model, subject: { changes, before, after, allowance, reach, renames } };
}
