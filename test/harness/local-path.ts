// The storage a k3d cluster brings: k3s installs Rancher's local-path
// provisioner and its StorageClass `local-path` as the default class
// (WaitForFirstConsumer), so a chart's PersistentVolumeClaim without a class
// gets a directory on the node its pod is scheduled to. This plays the
// provisioner: for each claim of that class the scheduler has picked a node
// for (annotation volume.kubernetes.io/selected-node), it creates the
// hostPath PersistentVolume local-path would, pre-bound to the claim, under
// the cluster's work directory; kube-controller-manager's PV controller binds
// them and kube-scheduler places the pod. Deleting a volume is not played:
// the directory goes with the work directory.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Cluster } from "./cluster.js";

export const LOCAL_PATH_CLASS = "local-path";
const PROVISIONER = "rancher.io/local-path";
const SELECTED_NODE = "volume.kubernetes.io/selected-node";

/** k3s's StorageClass (manifests/local-storage.yaml). */
const STORAGE_CLASS = {
  apiVersion: "storage.k8s.io/v1",
  kind: "StorageClass",
  metadata: { name: LOCAL_PATH_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
  provisioner: PROVISIONER,
  volumeBindingMode: "WaitForFirstConsumer",
  reclaimPolicy: "Delete",
};

interface Claim {
  metadata: { name: string; namespace: string; uid: string; annotations?: Record<string, string> };
  spec: { storageClassName?: string; volumeName?: string; accessModes?: string[]; resources?: { requests?: { storage?: string } } };
  status?: { phase?: string };
}

export interface LocalPathProvisioner {
  /** Claims provisioned so far, as namespace/name → the directory of their volume. */
  readonly provisioned: ReadonlyMap<string, string>;
  stop(): void;
}

/** The directory local-path gives a claim: <root>/pvc-<uid>_<namespace>_<name>. */
export const localPathDir = (cluster: Cluster, claim: { uid: string; namespace: string; name: string }): string =>
  join(cluster.workDir, "local-path", `pvc-${claim.uid}_${claim.namespace}_${claim.name}`);

/** Creates the StorageClass (before any claim, so that the DefaultStorageClass admission fills it in) and starts provisioning. */
export async function startLocalPathProvisioner(cluster: Cluster): Promise<LocalPathProvisioner> {
  await cluster.kubectl(["apply", "--server-side", "-f", "-"], { input: JSON.stringify(STORAGE_CLASS) });
  const provisioned = new Map<string, string>();
  let stopped = false;
  const tick = async (): Promise<void> => {
    const { body } = await cluster.api.get<{ items: Claim[] }>("/api/v1/persistentvolumeclaims");
    for (const claim of body.items) {
      const { name, namespace, uid } = claim.metadata;
      const node = claim.metadata.annotations?.[SELECTED_NODE];
      if (claim.spec.storageClassName !== LOCAL_PATH_CLASS || claim.spec.volumeName || !node || provisioned.has(`${namespace}/${name}`)) continue;
      const path = localPathDir(cluster, { uid, namespace, name });
      mkdirSync(path, { recursive: true, mode: 0o777 });
      const volume = {
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: `pvc-${uid}`, annotations: { "pv.kubernetes.io/provisioned-by": PROVISIONER, "local.path.provisioner/selected-node": node } },
        spec: {
          capacity: { storage: claim.spec.resources?.requests?.storage ?? "1Gi" },
          accessModes: claim.spec.accessModes ?? ["ReadWriteOnce"],
          persistentVolumeReclaimPolicy: "Delete",
          storageClassName: LOCAL_PATH_CLASS,
          claimRef: { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace, name, uid },
          hostPath: { path, type: "DirectoryOrCreate" },
          nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [node] }] }] } },
        },
      };
      await cluster.kubectl(["apply", "--server-side", "--field-manager=local-path-provisioner", "-f", "-"], { input: JSON.stringify(volume) });
      provisioned.set(`${namespace}/${name}`, path);
      process.stderr.write(`[harness] local-path: PersistentVolume pvc-${uid} for claim ${namespace}/${name} on ${node} at ${path}\n`);
    }
  };
  void (async () => {
    while (!stopped) {
      try {
        await tick();
      } catch (error) {
        if (!stopped) process.stderr.write(`[harness] local-path: ${(error as Error).message}\n`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  })();
  return {
    provisioned,
    stop: () => {
      stopped = true;
    },
  };
}
