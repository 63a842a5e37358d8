// Recovery without anyone's help: a child Application that is Degraded during
// the first sync fails the root's sync; the root retries (its syncPolicy.retry,
// the policy every Application of the platform has), the child recovers when
// its cause goes away, and the later waves follow. Nobody syncs, refreshes or
// touches an Application.
//
// The child is an extra wave-0 Application in the served repository whose
// Deployment cannot become available at first: its pod asks for a node label
// no node has yet, as a pod waits for a node pool that is still coming up. The
// platform's kube-controller-manager times the Deployment out progressing,
// which Argo CD calls Degraded; once the root's sync has failed, the test
// labels a node (the cause going away) and kube-scheduler places the pod. A
// platform of its own (the other file's shares one whose first sync must succeed).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { SYNC_RETRY, SYNC_WAVES } from "../../src/components/gitops.js";
import { AUTOMATED } from "../../src/synth/platform/applications.js";
import type { Application } from "../harness/argocd.js";
import {
  ARGOCD_NAMESPACE,
  BRANCH,
  isSyncedAndHealthy,
  rootManifests,
  startGitOpsPlatform,
  summarize,
  waitForApplication,
  waveOf,
  type GitOpsPlatform,
  type Manifest,
} from "./platform.js";

const ROOT = "root";
const CHILD = "slow-start";
const CHILD_PATH = "gitops-suite/slow-start";
/** Short, so that the Deployment is Degraded soon after it is created (the default is 600 s). */
const PROGRESS_DEADLINE_SECONDS = 15;
const TIMEOUT_MS = 10 * 60_000;
/** The node label the child's pod waits for. */
const NODE_LABEL = "spark-platform.io/gitops-suite-pool";

/** What the suite reads of an operation, beyond the harness's Application type. */
type Operation = { initiatedBy?: { automated?: boolean; username?: string }; retry?: unknown; sync?: { revision?: string } };
type OperationState = NonNullable<NonNullable<Application["status"]>["operationState"]> & { retryCount?: number; operation?: Operation };
const operationOf = (app: Application): OperationState | undefined => app.status?.operationState as OperationState | undefined;

let platform: GitOpsPlatform;
let seed: Manifest[];
let rootAppliedAt = 0;
const since = (start: number): string => `${((Date.now() - start) / 1000).toFixed(0)} s`;
const log = (line: string): boolean => process.stdout.write(`[gitops recovery] ${line}\n`);

/** The extra child: an Application of the platform project in wave 0, with the platform's sync policy. */
function childApplication(repoURL: string, revision: string): Manifest {
  const application = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: CHILD, namespace: ARGOCD_NAMESPACE, annotations: { "argocd.argoproj.io/sync-wave": String(SYNC_WAVES.infrastructure) } },
    spec: {
      project: "platform",
      source: { repoURL, targetRevision: revision, path: CHILD_PATH },
      destination: { server: "https://kubernetes.default.svc", namespace: CHILD },
      syncPolicy: { ...AUTOMATED, syncOptions: ["CreateNamespace=true"] },
    },
  };
  return application;
}

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: CHILD },
  spec: {
    replicas: 1,
    progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS,
    selector: { matchLabels: { app: CHILD } },
    template: {
      metadata: { labels: { app: CHILD } },
      spec: { automountServiceAccountToken: false, nodeSelector: { [NODE_LABEL]: "ready" }, containers: [{ name: "main", image: "registry.invalid/slow-start:1" }] },
    },
  },
};

beforeAll(async () => {
  platform = await startGitOpsPlatform();
  const { tree } = platform;
  const kustomization = "generated/applications/kustomization.yaml";
  const child = childApplication(platform.repoURL, BRANCH);
  tree.writeFile(`generated/applications/${CHILD}.yaml`, stringify(child));
  tree.writeFile(kustomization, `${readFileSync(join(tree.dir, kustomization), "utf8").trimEnd()}\n  - ${CHILD}.yaml\n`);
  tree.writeFile(`${CHILD_PATH}/deployment.yaml`, stringify(deployment));
  await platform.publish("gitops suite: a wave-0 Application whose Deployment cannot become available at first");
  // What the root syncs: the build's Applications and the extra child.
  seed = [...rootManifests(tree.dir), child];
  rootAppliedAt = await platform.applyRootApplication();
});

afterAll(async () => {
  await platform?.stop();
});

const laterWaves = (): Manifest[] => seed.filter((object) => object.kind === "Application" && waveOf(object) > SYNC_WAVES.infrastructure);

describe("a child Degraded during the first sync: the root retries and the rollout completes with no action", () => {
  let failedAt = 0;

  it("the child turns Degraded, the root's sync fails and is retried by its retry policy, and no later wave starts", async () => {
    expect(seed.some((object) => object.kind === "Application" && object.metadata.name === CHILD)).toBe(true);
    expect(laterWaves().length).toBeGreaterThan(3);
    const child = await waitForApplication(platform, CHILD, "to be Degraded (its Deployment timed out progressing)", (app) => app.status?.health?.status === "Degraded", TIMEOUT_MS);
    log(`${CHILD} Degraded ${since(rootAppliedAt)} after the root was applied: ${child.status?.health?.message ?? ""}`);
    const root = await waitForApplication(platform, ROOT, "to retry its failed sync", (app) => (operationOf(app)?.retryCount ?? 0) >= 1, TIMEOUT_MS);
    failedAt = Date.now();
    const state = operationOf(root)!;
    log(`root retrying ${since(rootAppliedAt)} after it was applied: ${summarize(root)}`);
    expect(state.phase).toBe("Running");
    expect(state.message).toMatch(/Retrying attempt #\d+ at /);
    // The retry is the root's own policy (SYNC_RETRY), not Argo CD's default of 5 retries from 5 s.
    expect(state.operation?.retry).toEqual(SYNC_RETRY);
    expect(state.operation?.initiatedBy?.automated).toBe(true);
    // The sync waves hold: nothing after wave 0 was created while the child was Degraded.
    const present = new Set((await platform.argocd.applications()).map((app) => app.metadata.name));
    expect(laterWaves().filter((object) => present.has(object.metadata.name)).map((object) => object.metadata.name)).toEqual([]);
  });

  it("once the cause is gone (a node gets the label its pod asks for), the child is Healthy and every later wave follows, Synced and Healthy, with no sync started by anyone", async () => {
    expect(failedAt, "the first case ran").toBeGreaterThan(0);
    const healedAt = Date.now();
    const { body: nodes } = await platform.cluster.api.get<{ items: { metadata: { name: string } }[] }>("/api/v1/nodes");
    await platform.cluster.kubectl(["label", "node", nodes.items[0].metadata.name, `${NODE_LABEL}=ready`]);
    await waitForApplication(platform, CHILD, "to be Healthy", (app) => app.status?.health?.status === "Healthy", TIMEOUT_MS);
    log(`${CHILD} Healthy ${since(healedAt)} after the node was labelled`);
    const root = await waitForApplication(platform, ROOT, "to finish its retried sync", isSyncedAndHealthy, TIMEOUT_MS);
    log(`root Synced and Healthy ${since(healedAt)} after the node was labelled (${since(rootAppliedAt)} after it was applied): ${summarize(root)}, retries: ${operationOf(root)?.retryCount ?? 0}`);
    const state = operationOf(root)!;
    expect(state.retryCount ?? 0).toBeGreaterThanOrEqual(1);
    expect(state.operation?.retry).toEqual(SYNC_RETRY);

    // Every Application, the charts' included.
    const applications = seed.filter((object) => object.kind === "Application").map((object) => object.metadata.name);
    for (const name of applications) {
      const app = await waitForApplication(platform, name, "to be Synced and Healthy", isSyncedAndHealthy, TIMEOUT_MS);
      expect(app.status?.conditions ?? [], `${name} has no conditions`).toEqual([]);
    }
    log(`every Application Synced and Healthy ${since(healedAt)} after the node was labelled`);
    const all = await platform.argocd.applications();
    for (const object of laterWaves()) expect(all.map((app) => app.metadata.name), `${object.metadata.name} created`).toContain(object.metadata.name);
    // Every operation Argo CD ran was its own automated sync: nobody called sync.
    for (const app of all) {
      const initiatedBy = operationOf(app)?.operation?.initiatedBy;
      if (initiatedBy) expect(initiatedBy, `${app.metadata.name}: who started its last sync`).toEqual({ automated: true });
    }
  });
});
