/**
 * The Spark the platform runs: one pinned image for the example jobs, the
 * History Servers and the platform's own small programs (python3 is in it),
 * so that a laptop pulls one image for all of them.
 */
export const SPARK_VERSION = "4.0.0";
export const SPARK_IMAGE = `docker.io/library/spark:${SPARK_VERSION}`;

/** Satisfies the `restricted` Pod Security level; uid 185 is the image's `spark` user. */
export const SECURITY_CONTEXT = {
  runAsUser: 185, runAsGroup: 185, runAsNonRoot: true, allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" },
};
