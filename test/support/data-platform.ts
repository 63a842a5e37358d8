/**
 * The seed platform with its data components installed and two teams asking
 * for buckets and topics (one on each scheduler): the input of the data-flow
 * tests, written as a platform team and a team would write it.
 */
import { applyEdits, replace, type Edits, type TestProject } from "./project.js";

export const DATA_COMPONENTS_YAML = `  kafka:
    chart:
      repoURL: https://strimzi.io/charts/
      name: strimzi-kafka-operator
      version: 0.50.1
    namespace: kafka
  objectStorage:
    chart:
      repoURL: https://seaweedfs.github.io/seaweedfs/helm
      name: seaweedfs
      version: 4.53.0
    namespace: object-storage
  sparkHistoryServer:
    namespace: spark-history
`;

/** `data:` of each team that asks for some. */
export const TEAM_DATA: Record<string, string> = {
  alpha: "data:\n  buckets: [raw, curated]\n  topics:\n    - { name: events, partitions: 3 }\n",
  delta: "data:\n  buckets: [raw]\n  topics:\n    - { name: events, partitions: 2, retention: 3d }\n    - { name: clicks }\n",
};

/** platform.yaml installing the data components. */
export const installDataComponents: Edits = { "platform.yaml": replace(/\nvolcano:\n/, `${DATA_COMPONENTS_YAML}\nvolcano:\n`) };
/** The teams' `data:` blocks, appended to their files. */
export const teamDataNeeds: Edits = Object.fromEntries(Object.entries(TEAM_DATA).map(([team, data]) => [`teams/${team}.yaml`, (old: string) => `${old.trimEnd()}\n${data}`]));

export function withDataPlatform(project: TestProject): TestProject {
  applyEdits(project, { ...installDataComponents, ...teamDataNeeds });
  return project;
}
