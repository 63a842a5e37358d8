// Asking the API server's own authorizer what a subject may do.
import type { Cluster } from "./cluster.js";

export interface ServiceAccountRef {
  namespace: string;
  name: string;
}

export function serviceAccountUser({ namespace, name }: ServiceAccountRef): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The groups the API server gives a service account's token. */
export function serviceAccountGroups({ namespace }: ServiceAccountRef): string[] {
  return ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"];
}

export interface ResourceAttributes {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
  /** Omitted for cluster-scoped resources. */
  namespace?: string;
  name?: string;
}

/** One SubjectAccessReview: may this service account do this? */
export async function canServiceAccount(cluster: Cluster, account: ServiceAccountRef, attributes: ResourceAttributes): Promise<boolean> {
  const review = {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec: { user: serviceAccountUser(account), groups: serviceAccountGroups(account), resourceAttributes: attributes },
  };
  const { status, body } = await cluster.api.post<{ status?: { allowed?: boolean } }>(
    "/apis/authorization.k8s.io/v1/subjectaccessreviews",
    review,
  );
  if (status !== 201) throw new Error(`SubjectAccessReview failed with HTTP ${status}: ${JSON.stringify(body)}`);
  return body.status?.allowed === true;
}

/**
 * Every resource permission `user` has in `namespace` (cluster-wide grants
 * included), from a SelfSubjectRulesReview made while impersonating the user,
 * as sorted atoms "verb group/resource[name]" that compare as sets
 * (resources may carry a subresource: "get apps/deployments/scale").
 */
export async function resourcePermissions(cluster: Cluster, user: string, namespace: string): Promise<string[]> {
  const review = { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectRulesReview", spec: { namespace } };
  const { status, body } = await cluster.api.post<RulesReview>("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", review, {
    "Impersonate-User": user,
  });
  if (status !== 201) throw new Error(`SelfSubjectRulesReview as ${user} failed with HTTP ${status}: ${JSON.stringify(body)}`);
  // RBAC is the only authorizer, so the list is complete; anything else would make the comparison meaningless.
  if (body.status.incomplete) throw new Error(`incomplete rules review for ${user}: ${body.status.evaluationError}`);
  const atoms = new Set<string>();
  for (const rule of body.status.resourceRules ?? []) {
    for (const verb of rule.verbs) {
      for (const group of rule.apiGroups ?? [""]) {
        for (const resource of rule.resources ?? []) {
          const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
          for (const name of names) atoms.add(`${verb} ${group || "core"}/${resource}${name ? `[${name}]` : ""}`);
        }
      }
    }
  }
  return [...atoms].sort();
}

interface RulesReview {
  status: {
    resourceRules?: { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }[];
    incomplete: boolean;
    evaluationError?: string;
  };
}

/** Runs `tasks` with at most `limit` in flight (hundreds of reviews, one connection pool). */
export async function inBatches<T>(tasks: (() => Promise<T>)[], limit = 16): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
