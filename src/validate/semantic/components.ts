import { incompatibleComponents } from "../../compat/versions.js";
import { chartComponents, componentOf } from "../../components/installed.js";
import { PLATFORM_FILE } from "../../load/inputs.js";
import { knownChartVersions, unknownValueKeys } from "../helm-values.js";
import { VALIDATION_DOCS, type SemanticRule } from "./rule.js";

export const versionsCompatible: SemanticRule = {
  id: "platform/version-incompatible",
  defaultSeverity: "error",
  description: "Volcano, the Spark Operator and Argo CD support the cluster's Kubernetes version.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    for (const { path, reason, supported } of incompatibleComponents(model.platform, model.kubernetes)) {
      const cluster = model.environment.local ? "a k3s image (cluster.k3sImage)" : `the cluster's version (cluster.kubernetesVersion in ${model.environment.file})`;
      report({ file: PLATFORM_FILE, path, message: reason, hint: `Pick ${cluster} and component versions that overlap (${supported}).` });
    }
  },
};

/** Values the compiler sets (each component's descriptor lists its own); a hand-set value would fight it. */
const compilerOwnedValues = (key: string) => componentOf(key)?.ownedValues ?? [];

export const helmValuesKnown: SemanticRule = {
  id: "platform/helm-values",
  defaultSeverity: "error",
  description: "Helm values use keys the chart really has, and leave the compiler's own keys alone.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    for (const { descriptor, settings: component, pointer: base } of chartComponents(model.platform)) {
      const name = descriptor.key;
      const unknown = unknownValueKeys(component.chart.name, component.chart.version, component.values ?? {});
      if (!unknown) {
        report({ file: PLATFORM_FILE, path: `${base}/chart/version`, message: `no key list for chart ${component.chart.name} ${component.chart.version}, so its values cannot be checked`, hint: `Known charts: ${knownChartVersions().join(", ")}. Add one with: node scripts/chart-keys.mjs <values.yaml> ${component.chart.name}@${component.chart.version} > schemas/charts/${component.chart.name}-${component.chart.version}.keys.json, and list it in the component's descriptor (src/components/, \`chartKeys\`).` });
        continue;
      }
      for (const key of unknown) {
        report({ file: PLATFORM_FILE, path: `${base}/values${key.pointer}`, message: `\`${key.dotted}\` is not a value of the ${component.chart.name} ${component.chart.version} chart; Helm would ignore it`, hint: key.suggestion ? `Did you mean \`${key.dotted.replace(/[^.]+$/, key.suggestion)}\`?` : "Check the chart's values.yaml for the right key." });
      }
      for (const owned of compilerOwnedValues(name)) {
        if (valueAt(component.values, owned.pointer) !== undefined) {
          report({ file: PLATFORM_FILE, path: `${base}/values${owned.pointer}`, message: `\`${owned.pointer.slice(1).replace(/\//g, ".")}\` is set by the compiler: ${owned.why}`, hint: "Remove it from platform.yaml; see README, \"Who owns what\"." });
        }
      }
      for (const refused of componentOf(name)?.refusedValues ?? []) {
        if (valueAt(component.values, refused.pointer) !== undefined) {
          report({ file: PLATFORM_FILE, path: `${base}/values${refused.pointer}`, message: `\`${refused.pointer.slice(1).replace(/\//g, ".")}\` is refused: ${refused.why}`, hint: "Remove it from platform.yaml; see README, \"Who owns what\"." });
        }
      }
    }
  },
};

const valueAt = (values: unknown, pointer: string): unknown =>
  pointer.split("/").slice(1).reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), values);

/**
 * With Spark Operator 2.3.0 only its mutating webhook writes `schedulerName`
 * into driver and executor pods; without it, Volcano teams silently run on the
 * default scheduler and bypass their queues.
 */
export const sparkOperatorReadyForVolcano: SemanticRule = {
  id: "platform/volcano-needs-operator-webhook",
  defaultSeverity: "error",
  description: "When a team uses Volcano, the Spark Operator's webhook and batch scheduler support stay on.",
  docs: VALIDATION_DOCS,
  check({ model, report }) {
    if (!model.teams.some((t) => t.scheduler === "volcano")) return;
    const values = model.platform.components.sparkOperator.values ?? {};
    if (valueAt(values, "/webhook/enable") === false) {
      report({ file: PLATFORM_FILE, path: "/components/sparkOperator/values/webhook/enable", message: "the Spark Operator webhook is off, but Volcano teams need it: in Spark Operator 2.3.0 only the webhook sets `schedulerName: volcano` on Spark pods, so their jobs would bypass their queues", hint: "Set `webhook.enable: true`, or move every team to `scheduler: default`." });
    }
    if (valueAt(values, "/controller/batchScheduler/enable") !== true) {
      report({ file: PLATFORM_FILE, path: "/components/sparkOperator/values/controller", message: "Volcano teams exist but the Spark Operator's batch scheduler support is not enabled, so no PodGroup is created for their jobs", hint: "Set `controller.batchScheduler.enable: true`." });
    }
  },
};
