// Plays the Kubernetes side of Strimzi's operators for the GitOps suite. The
// Cluster Operator runs only as a Java container image (quay.io/strimzi/operator),
// which nothing here can pull or run, so its pod is inert (chart-pods.ts) and
// this module writes what its operators would write back, which is what Argo
// CD's health checks for Kafka, KafkaTopic and KafkaUser read
// (resource_customizations/kafka.strimzi.io/*/health.lua in Argo CD v2.14.21:
// Healthy on a condition Ready=True, Degraded on NotReady=True, otherwise
// Progressing):
// - the Cluster Operator, once its Deployment is Available: the Kafka's status
//   (Ready, observedGeneration, the Kafka version, the listeners' bootstrap address);
// - the Topic Operator, once that Kafka is Ready: each KafkaTopic's status;
// - the User Operator, once that Kafka is Ready: each KafkaUser's Secret in the
//   Kafka's namespace (keys password and sasl.jaas.config, the emulator's
//   shape, the password kept once written) and its status.
// No broker runs here: the topics, users and ACLs on a real broker are
// npm run test:data's (strimzi-emulator.ts). Objects of another cluster (label
// strimzi.io/cluster) are left alone, as the operators leave them.
import type { Cluster } from "./cluster.js";
import { kafkaUserSecret, STRIMZI_API_VERSION } from "./strimzi-emulator.js";

interface StrimziObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid: string; generation?: number; labels?: Record<string, string> };
  spec?: { kafka?: { version?: string; listeners?: { name: string; port: number }[] }; topicName?: string };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] };
}

export interface StrimziPlayer {
  /** What the player has done so far, e.g. "Kafka kafka/platform Ready", in order. */
  readonly log: readonly string[];
  stop(): void;
}

const API = `/apis/${STRIMZI_API_VERSION}`;

const isReady = (object: StrimziObject): boolean =>
  object.status?.observedGeneration === object.metadata.generation && Boolean(object.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));

/** Starts playing Strimzi's operators for the Kafka clusters in `namespace` (the one the platform's Cluster Operator watches). */
export function startStrimziPlayer(cluster: Cluster, options: { namespace: string; operatorDeployment: string }): StrimziPlayer {
  const { namespace } = options;
  const log: string[] = [];
  let stopped = false;
  const note = (line: string): void => {
    log.push(line);
    process.stderr.write(`[harness] Strimzi player: ${line}\n`);
  };

  const list = async (plural: string): Promise<StrimziObject[]> => {
    const { status, body } = await cluster.api.get<{ items?: StrimziObject[] }>(`${API}/namespaces/${namespace}/${plural}`);
    // 404 until the chart's CRDs are installed.
    return status === 200 ? (body.items ?? []) : [];
  };

  const setStatus = async (plural: string, object: StrimziObject, status: Record<string, unknown>): Promise<void> => {
    const now = new Date().toISOString();
    const body = { status: { ...status, observedGeneration: object.metadata.generation, conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }] } };
    const path = `${API}/namespaces/${namespace}/${plural}/${object.metadata.name}/status`;
    const { status: code, body: answer } = await cluster.api.request("PATCH", path, body, { "content-type": "application/merge-patch+json" });
    if (code !== 200) throw new Error(`PATCH ${path}: HTTP ${code}: ${JSON.stringify(answer)}`);
    note(`${object.kind} ${namespace}/${object.metadata.name} Ready (generation ${object.metadata.generation})`);
  };

  const operatorAvailable = async (): Promise<boolean> => {
    const { status, body } = await cluster.api.get<{ status?: { conditions?: { type: string; status: string }[] } }>(
      `/apis/apps/v1/namespaces/${namespace}/deployments/${options.operatorDeployment}`,
    );
    return status === 200 && Boolean(body.status?.conditions?.some((c) => c.type === "Available" && c.status === "True"));
  };

  /** The User Operator's Secret for `user`: written once, its password kept afterwards (as the operator keeps an existing one). */
  const ensureUserSecret = async (user: StrimziObject): Promise<void> => {
    const path = `/api/v1/namespaces/${namespace}/secrets/${user.metadata.name}`;
    if ((await cluster.api.get(path)).status === 200) return;
    const secret = kafkaUserSecret(user);
    const owned = {
      ...secret,
      metadata: {
        ...secret.metadata,
        namespace,
        ownerReferences: [{ apiVersion: STRIMZI_API_VERSION, kind: "KafkaUser", name: user.metadata.name, uid: user.metadata.uid, controller: false, blockOwnerDeletion: false }],
      },
    };
    const { status, body } = await cluster.api.post(`/api/v1/namespaces/${namespace}/secrets`, owned);
    if (status !== 201 && status !== 409) throw new Error(`creating Secret ${namespace}/${user.metadata.name}: HTTP ${status}: ${JSON.stringify(body)}`);
    note(`Secret ${namespace}/${user.metadata.name} written (keys ${Object.keys(secret.data).join(", ")})`);
  };

  const tick = async (): Promise<void> => {
    const kafkas = await list("kafkas");
    if (!kafkas.length || !(await operatorAvailable())) return;
    for (const kafka of kafkas) {
      if (isReady(kafka)) continue;
      const listeners = (kafka.spec?.kafka?.listeners ?? []).map((l) => ({
        name: l.name,
        bootstrapServers: `${kafka.metadata.name}-kafka-bootstrap.${namespace}.svc:${l.port}`,
      }));
      await setStatus("kafkas", kafka, { kafkaVersion: kafka.spec?.kafka?.version, listeners });
    }
    const ready = new Set(kafkas.filter(isReady).map((k) => k.metadata.name));
    const ofReadyCluster = (object: StrimziObject): boolean => ready.has(object.metadata.labels?.["strimzi.io/cluster"] ?? "");
    for (const topic of (await list("kafkatopics")).filter(ofReadyCluster)) {
      if (!isReady(topic)) await setStatus("kafkatopics", topic, { topicName: topic.spec?.topicName ?? topic.metadata.name });
    }
    for (const user of (await list("kafkausers")).filter(ofReadyCluster)) {
      await ensureUserSecret(user);
      if (!isReady(user)) await setStatus("kafkausers", user, { username: user.metadata.name, secret: user.metadata.name });
    }
  };

  void (async () => {
    while (!stopped) {
      try {
        await tick();
      } catch (error) {
        if (!stopped) process.stderr.write(`[harness] Strimzi player: ${(error as Error).message}\n`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  })();

  return {
    log,
    stop: () => {
      stopped = true;
    },
  };
}
