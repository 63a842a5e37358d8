/**
 * Every platform component, in the order the platform lists them (the
 * schema's keys, the AppProject's chart repositories, the tenant base's
 * rules and policies). Adding a component is a descriptor file and one line
 * here; ./installed.ts answers every question about them.
 */
import type { ComponentDescriptor } from "./component.js";
import { DATA_CREDENTIALS } from "./data-credentials.js";
import { KAFKA } from "./kafka.js";
import { OBJECT_STORAGE } from "./object-storage.js";
import { SPARK_HISTORY_SERVER } from "./spark-history-server.js";
import { SPARK_OPERATOR } from "./spark-operator.js";
import { VOLCANO } from "./volcano.js";

export const COMPONENTS: readonly ComponentDescriptor[] = [
  SPARK_OPERATOR,
  VOLCANO,
  KAFKA,
  OBJECT_STORAGE,
  SPARK_HISTORY_SERVER,
  DATA_CREDENTIALS,
];
