// A Spark pod's memory request as Spark on Kubernetes 4.0 writes it: what the
// quota and queue checks add up. 11468Mi for the 8g PySpark driver is what the
// job-flow suite saw spark-submit ask for.
import { describe, expect, it } from "vitest";
import { jobShape, sparkPodMemory } from "../src/model/platform-model.js";

const MiB = 2 ** 20;

describe("sparkPodMemory", () => {
  it.each([
    ["512m", "scala", 512 + 384], // 0.1 × 512 = 51 < 384
    ["512m", "pyspark", 512 + 384], // 0.4 × 512 = 204 < 384
    ["2g", "scala", 2048 + 384], // 204 < 384
    ["2g", "pyspark", 2048 + 819], // floor(0.4 × 2048 = 819.2)
    ["8g", "scala", 8192 + 819], // floor(0.1 × 8192 = 819.2)
    ["8g", "pyspark", 8192 + 3276], // floor(0.4 × 8192 = 3276.8): 11468Mi
    ["1500k", "scala", 1 + 384], // the heap in whole MiB: 1500 KiB is 1 MiB
  ] as const)("%s, %s: %i MiB", (heap, language, mib) => {
    expect(sparkPodMemory(heap, language)).toBe(mib * MiB);
  });

  it("a job: driver plus executors, each with its overhead", () => {
    // Theta's Scala job with 2g pods fits a 12Gi quota at 3 × 2432 = 7,296 MiB; the same job in PySpark needs 3 × 2867 = 8,601 MiB.
    const job = (language: "scala" | "pyspark") => jobShape({ language, driver: { memory: "2g" }, executor: { memory: "2g", instances: 2 } });
    expect(job("scala").total.memory).toBe(7296 * MiB);
    expect(job("pyspark").total.memory).toBe(8601 * MiB);
  });
});
