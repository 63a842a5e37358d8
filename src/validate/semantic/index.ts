/** Every semantic rule, in the order they run. Adding a rule: one module, one line here. */
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { PlatformModel } from "../../model/platform-model.js";
import { runRules } from "../../rules/run.js";
import { clusterNetworkValid, portsOnLoopback } from "./cluster-network.js";
import { helmValuesKnown, sparkOperatorReadyForVolcano, versionsCompatible } from "./components.js";
import { bucketsFitStore, bucketsValid, componentRequirementsMet, dataComponentsInstalled, kafkaVersionSupported, topicsFitBroker, topicsValid } from "./data.js";
import { teamOwnersAreCodeOwners } from "./owners.js";
import { guaranteesFitCluster, guaranteeWithinCapability, schedulerHasQueue, volcanoInstalledWhenUsed } from "./queues.js";
import { limitRangeConsistent, quantitiesPositive, quotaRequestsWithinLimits } from "./resources.js";
import type { SemanticRule } from "./rule.js";
import { inputNamesItsSchema } from "./schema-line.js";
import { teamNameMatchesFile, teamNamesUnique } from "./team-identity.js";

export const SEMANTIC_RULES: readonly SemanticRule[] = [
  teamNameMatchesFile,
  teamNamesUnique,
  teamOwnersAreCodeOwners,
  quantitiesPositive,
  quotaRequestsWithinLimits,
  limitRangeConsistent,
  schedulerHasQueue,
  volcanoInstalledWhenUsed,
  guaranteeWithinCapability,
  guaranteesFitCluster,
  versionsCompatible,
  helmValuesKnown,
  sparkOperatorReadyForVolcano,
  componentRequirementsMet,
  dataComponentsInstalled,
  bucketsValid,
  topicsValid,
  topicsFitBroker,
  bucketsFitStore,
  kafkaVersionSupported,
  clusterNetworkValid,
  portsOnLoopback,
  inputNamesItsSchema,
];

/** Validation's severities are the rules' own: a check that guards the running platform cannot be configured away. */
export const runSemanticRules = (model: PlatformModel): Diagnostic[] => runRules(SEMANTIC_RULES, { model }, { sources: model.sources });

export type { SemanticRule, ValidationSubject } from "./rule.js";
