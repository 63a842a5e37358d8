// A team's tenancy as the cluster sees it, read back from the applied objects.
import { namespaceOf, serviceAccountOf } from "../../src/model/platform-model.js";
import type { Cluster } from "./cluster.js";
import type { ServiceAccountRef } from "./rbac.js";

export interface Tenant {
  team: string;
  namespace: string;
  /** The service account Spark drivers and executors run as. */
  account: ServiceAccountRef;
  /** The Volcano queue named on the namespace; absent for default-scheduler teams. */
  queue?: string;
}

/** Reads the team's namespace and service account, named as the model names them; fails if the platform did not create them. */
export async function readTenant(cluster: Cluster, team: string): Promise<Tenant> {
  const namespace = namespaceOf(team);
  const account = { namespace, name: serviceAccountOf(team) };
  const { status, body } = await cluster.api.get<{ metadata: { annotations?: Record<string, string> } }>(`/api/v1/namespaces/${namespace}`);
  if (status !== 200) throw new Error(`namespace ${namespace} of team ${team} not found (HTTP ${status})`);
  const serviceAccount = await cluster.api.get(`/api/v1/namespaces/${namespace}/serviceaccounts/${account.name}`);
  if (serviceAccount.status !== 200) throw new Error(`service account ${namespace}/${account.name} not found`);
  return { team, namespace, account, queue: body.metadata.annotations?.["scheduling.volcano.sh/queue-name"] };
}
