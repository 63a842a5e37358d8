/**
 * Every platform component, in the order the platform lists them (the
 * schema's keys, the AppProject's chart repositories, the tenant base's
 * rules and policies). Adding a component is a descriptor file and one line
 * here; ./installed.ts answers every question about them.
 */
import type { ComponentDescriptor } from "./component.js";
import { SPARK_OPERATOR } from "./spark-operator.js";
import { VOLCANO } from "./volcano.js";

export const COMPONENTS: readonly ComponentDescriptor[] = [
  SPARK_OPERATOR,
  VOLCANO,
];
