// The pure parts of the job-flow harness (no server): the Go pins follow
// platform.yaml, Helm values merge as Helm merges them, and the simulated
// driver builds executors the way Spark does.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { componentGoModule, componentPinOf, componentVersion, GO_COMPONENTS, SPARK_OPERATOR, VOLCANO } from "./components.js";
import { mergeValues } from "./helm-values.js";
import { nodeObject, platformNodes } from "./kwok.js";
import { executorPod, executorPodMiB, parseJavaProperties, sparkMiB, type Pod } from "./spark-driver.js";
import { platformTarget } from "./platform.js";

describe("Go modules of the simulated components", () => {
  it("pin the Volcano and Spark Operator releases platform.yaml deploys", () => {
    expect(componentVersion(VOLCANO)).toBe(`v${platformTarget().volcano}`);
    expect(componentVersion(SPARK_OPERATOR)).toBe(`v${platformTarget().sparkOperator}`);
  });

  it("carry each upstream release's own replace block (replace only applies in the main module)", () => {
    const volcano = readFileSync(join(componentGoModule(VOLCANO), "go.mod"), "utf8");
    expect(volcano).toContain("k8s.io/client-go => k8s.io/client-go v0.27.2");
    const operator = readFileSync(join(componentGoModule(SPARK_OPERATOR), "go.mod"), "utf8");
    expect(operator).toContain("k8s.io/client-go => k8s.io/client-go v0.32.5");
    for (const component of GO_COMPONENTS) expect(readFileSync(join(componentGoModule(component), "go.sum"), "utf8").length).toBeGreaterThan(0);
  });

  it("reads a pin and refuses a go.mod without it", () => {
    expect(componentPinOf("module x\n\nrequire volcano.sh/volcano v1.9.0\n", "volcano.sh/volcano")).toBe("v1.9.0");
    expect(() => componentPinOf("module x\n", "volcano.sh/volcano")).toThrow(/does not require volcano\.sh\/volcano/);
  });
});

describe("KWOK nodes", () => {
  it("are the nodes platform.yaml declares, named as k3d names them, with their sizes", () => {
    const nodes = platformNodes();
    expect(nodes.map((n) => `${n.name} ${n.cpu}/${n.memory}`)).toEqual([
      "k3d-data-platform-cluster-server-0 2/4Gi",
      "k3d-data-platform-cluster-agent-0 4/8Gi",
      "k3d-data-platform-cluster-agent-1 4/8Gi",
    ]);
    expect(nodeObject(nodes[0])).toMatchObject({
      metadata: { annotations: { "kwok.x-k8s.io/node": "fake" }, labels: { "node-role.kubernetes.io/control-plane": "true" } },
      status: { allocatable: { cpu: "2", memory: "4Gi" } },
    });
  });
});

describe("Helm values", () => {
  it("merge values as Helm does: maps key by key, lists replaced", () => {
    expect(mergeValues({ a: { b: 1, c: [1] }, d: 1 }, { a: { c: [2] } })).toEqual({ a: { b: 1, c: [2] }, d: 1 });
  });
});

describe("the simulated driver", () => {
  const conf = parseJavaProperties(
    [
      "#Java properties",
      "spark.app.id=spark-0123abcd",
      "spark.executor.instances=2",
      "spark.executor.cores=1",
      "spark.kubernetes.executor.limit.cores=1",
      "spark.executor.memory=512m",
      "spark.kubernetes.executor.podNamePrefix=pi-0a1b",
      "spark.kubernetes.authenticate.executor.serviceAccountName=alpha-sa",
      "spark.kubernetes.executor.label.sparkoperator.k8s.io/app-name=pi",
      "spark.kubernetes.executor.annotation.scheduling.k8s.io/group-name=spark-pi-pg",
      "spark.kubernetes.container.image=docker.io/library/spark\\:4.0.0",
      "",
    ].join("\n"),
  );

  it("reads Java properties as Properties.store writes them", () => {
    expect(conf["spark.kubernetes.container.image"]).toBe("docker.io/library/spark:4.0.0");
    expect(parseJavaProperties("a\\=b = c\\\n  d\nk:v")).toEqual({ "a=b": "cd", k: "v" });
  });

  it("sizes executors as Spark does: heap + max(10 %, 384 MiB)", () => {
    expect(sparkMiB("2g")).toBe(2048);
    expect(executorPodMiB(conf)).toBe(896);
    expect(executorPodMiB({ ...conf, "spark.executor.memory": "8g" })).toBe(8192 + 819);
    expect(executorPodMiB({ ...conf, "spark.executor.memory": "8g", "spark.kubernetes.memoryOverheadFactor": "0.4" })).toBe(8192 + 3276);
  });

  it("builds executor pods with Spark's labels, the driver as owner and the driver's configuration", () => {
    const driver: Pod = { metadata: { name: "pi-driver", namespace: "team-alpha", uid: "u1", labels: { "spark-app-selector": "spark-0123abcd" } }, spec: { containers: [] } };
    const pod = executorPod(driver, conf, 2, "spark-exec-conf-map");
    expect(pod.metadata).toMatchObject({
      name: "pi-0a1b-exec-2",
      labels: { "spark-role": "executor", "spark-exec-id": "2", "spark-app-selector": "spark-0123abcd", "sparkoperator.k8s.io/app-name": "pi" },
      annotations: { "scheduling.k8s.io/group-name": "spark-pi-pg" },
      ownerReferences: [{ kind: "Pod", name: "pi-driver", uid: "u1", controller: true }],
    });
    expect(pod.spec.serviceAccountName).toBe("alpha-sa");
    expect(pod.spec.containers[0].resources).toEqual({ requests: { cpu: "1", memory: "896Mi" }, limits: { cpu: "1", memory: "896Mi" } });
  });
});
