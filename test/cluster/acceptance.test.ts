// A real API server accepts every generated object, first as
// a server-side dry run, then for real, in the order a cluster receives them.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../harness/cluster.js";
import { installUpstreamCrds } from "../harness/crds.js";
import { repoRoot } from "../support/paths.js";
import { applyServerSide, manifestObjects, namespacesFirst, platformLayers, tenantTeams } from "../harness/platform-manifests.js";

// Discovered when the file is collected: a missing generated/ fails the file with what to run.
const layers = platformLayers();
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
  await installUpstreamCrds(cluster);
});

afterAll(async () => {
  await cluster?.stop();
});

describe("the generated platform on a real API server", () => {
  it("has a tenant overlay for every team in teams/", () => {
    const teams = readdirSync(join(repoRoot, "teams"))
      .filter((file) => file.endsWith(".yaml"))
      .map((file) => file.replace(/\.yaml$/, ""))
      .sort();
    expect(tenantTeams()).toEqual(teams);
  });

  // Sequential on purpose: each layer needs the namespaces and kinds of the ones before it.
  for (const layer of layers) {
    it(`accepts ${layer.name} (${layer.source})`, async () => {
      const yaml = await layer.render();
      const expected = manifestObjects(yaml)
        .map((object) => object.name)
        .sort();
      expect(expected.length, "the layer renders no objects").toBeGreaterThan(0);

      for (const stage of namespacesFirst(yaml)) {
        const stageNames = manifestObjects(stage).map((object) => object.name).sort();
        for (const dryRun of [true, false]) {
          const result = await applyServerSide(cluster, stage, { dryRun });
          const phase = dryRun ? "server-side dry run" : "server-side apply";
          expect(result.rejections, `${phase} rejected objects`).toEqual([]);
          expect(result.accepted.map(nameOf).sort(), `${phase} accepted`).toEqual(stageNames);
        }
      }

      // Stored, not merely answered: every object reads back.
      const stored = await cluster.kubectl(["get", "-f", "-", "-o", "name"], { input: yaml });
      expect(stored.stdout.split("\n").filter(Boolean).map(nameOf).sort()).toEqual(expected);
    });
  }
});

/** "role.rbac.authorization.k8s.io/alpha-spark-driver" -> "alpha-spark-driver" */
function nameOf(kubectlName: string): string {
  return kubectlName.slice(kubectlName.indexOf("/") + 1);
}
