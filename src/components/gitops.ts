/**
 * What the platform's GitOps is built on, for every stage: Argo CD's names
 * (annotations, finalizer, namespace) and the sync waves in which it brings
 * the platform up. Component descriptors pick their wave from here.
 */

import { IN_CLUSTER_SERVER } from "../model/environment.js";

/** Argo CD annotations. */
export const ARGO = {
  syncWave: "argocd.argoproj.io/sync-wave",
  syncOptions: "argocd.argoproj.io/sync-options",
  compareOptions: "argocd.argoproj.io/compare-options",
  resourcesFinalizer: "resources-finalizer.argocd.argoproj.io",
  inCluster: IN_CLUSTER_SERVER,
  namespace: "argocd",
} as const;

/**
 * The order in which Argo CD brings the platform up: the platform's own
 * Applications, and the phases a component's descriptor picks its wave from
 * (src/components). Volcano's webhooks fail closed (no pod outside
 * volcano-system can start while they are down), so it is healthy before
 * anything else runs pods; its Queue CRD must exist before the queues; a
 * tenant's objects need its namespace; the Spark Operator's chart expects the
 * job namespaces to exist before it is installed.
 */
export const SYNC_WAVES = {
  projects: -1,
  /** Components that must be healthy before anything runs pods or uses their kinds. */
  infrastructure: 0,
  queues: 1,
  guardrails: 1,
  namespaces: 1,
  /** What the infrastructure's operators run: Kafka's cluster, topics and users. */
  dataServices: 1,
  tenants: 2,
  /** Delivers the data services' credentials into the tenants' namespaces. */
  credentials: 2,
  /** Components that need the tenants' namespaces to exist. */
  operators: 3,
  /** What reads the teams' data: the History Servers. */
  dataConsumers: 4,
  /** The other environments' Applications (local's app-of-apps of each): after everything of local's. */
  environments: 5,
} as const;

/**
 * How every Application of the platform, the root included, retries a failed
 * sync: after 10 s, 20 s, 40 s, ... at most 5 min apart, 10 times, about
 * 30 minutes in all. The root's sync waits for each wave's children to be
 * Healthy and fails when one is Degraded (a crash-looping Volcano scheduler
 * while its webhook starts, an image pull slower than a progress deadline);
 * once a sync of a commit has failed for good, Argo CD does not sync that
 * commit again by itself ("Skipping auto-sync: failed previous sync attempt",
 * https://github.com/argoproj/argo-cd/blob/v2.14.21/controller/appcontroller.go#L2123-L2127).
 * Without a policy of its own an automated sync gets 5 retries 5 s to 3 min
 * apart, about 2.5 minutes (same file, L2113; argoproj/argo-cd#3997), less
 * than a Deployment's default 10-minute progress deadline.
 *
 * The root gets no longer budget than its children, and not an unlimited
 * one: Argo CD 2.14 retries the commit the sync started with, so while the
 * root retries, a commit fixing the cause waits until the retries run out
 * (https://github.com/argoproj/argo-cd/issues/11494; `retry.refresh` came
 * later, in Argo CD 3, argoproj/argo-cd#23038). After that the bootstrap,
 * run again, starts a new sync (scripts/bootstrap.sh).
 */
export const SYNC_RETRY = {
  limit: 10,
  backoff: { duration: "10s", factor: 2, maxDuration: "5m" },
} as const;
