// The harness refuses to test a Kubernetes other than the one the platform targets.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kubernetesPinOf, requireSamePin } from "./build.js";
import { kubernetesGoModule } from "./paths.js";
import { kubernetesVersionOfK3sImage } from "../../src/model/kubernetes-version.js";
import { platformTarget } from "./platform.js";

const goMod = readFileSync(join(kubernetesGoModule, "go.mod"), "utf8");

describe("Kubernetes version of the harness", () => {
  it("targets the Kubernetes version the compiler reads from the k3s image (the one parser, src/model/kubernetes-version.ts)", () => {
    expect(kubernetesVersionOfK3sImage("rancher/k3s:v1.28.15-k3s1")?.gitVersion).toBe("v1.28.15");
    expect(kubernetesVersionOfK3sImage("registry.local/rancher/k3s:v1.31.2-k3s2")?.gitVersion).toBe("v1.31.2");
    expect(kubernetesVersionOfK3sImage("rancher/k3s:latest")).toBeUndefined();
    expect(platformTarget().kubernetes).toMatch(/^v\d+\.\d+\.\d+$/);
  });

  it("go.mod pins the version platform.yaml targets", () => {
    expect(kubernetesPinOf(goMod)).toBe(platformTarget().kubernetes);
  });

  it("go.mod replaces every staging module, endpointslice included", () => {
    const staging = `v0.${kubernetesPinOf(goMod).slice("v1.".length)}`;
    for (const module of ["api", "apiserver", "client-go", "component-base", "endpointslice", "kube-controller-manager"]) {
      expect(goMod).toContain(`k8s.io/${module} => k8s.io/${module} ${staging}`);
    }
  });

  it("rejects a go.mod whose replaces lag behind the pin", () => {
    const staging = `v0.${kubernetesPinOf(goMod).slice("v1.".length)}`;
    const lagging = goMod.replace(`k8s.io/client-go => k8s.io/client-go ${staging}`, "k8s.io/client-go => k8s.io/client-go v0.1.0");
    expect(() => kubernetesPinOf(lagging)).toThrow(/client-go is replaced by v0\.1\.0/);
  });

  it("says go.mod must be bumped when the platform moves to another Kubernetes", () => {
    expect(() => requireSamePin("v1.29.4", "v1.28.15")).toThrow(/targets Kubernetes v1\.29\.4.*pins k8s\.io\/kubernetes v1\.28\.15\. Bump go\.mod/);
  });
});
