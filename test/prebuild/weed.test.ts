// Builds SeaweedFS's weed ahead of the suites that run it (gitops, data).
// .ci/run starts this in the background at the lowest priority before the
// cluster and flow suites, which do not need it and leave CPU idle while they
// wait on their servers: with cold Go caches weed is about 10 minutes of
// building on two cores that would otherwise sit in the gitops suite's path.
// When the binary is cached it only checks the release, in seconds.
import { existsSync } from "node:fs";
import { expect, it } from "vitest";
import { prepareSeaweedfs } from "../harness/seaweedfs.js";

it("builds, or finds cached, the weed of the pinned SeaweedFS release that the gitops and data suites run", async () => {
  const weed = await prepareSeaweedfs();
  expect(existsSync(weed)).toBe(true);
});
