/** What platform.yaml makes of the registry: the components it installs, and where they run. */
import type { Component as ComponentSettings, Platform } from "../types/platform.js";
import { ARGOCD } from "./argocd.js";
import type { ComponentDescriptor, InstalledComponent } from "./component.js";
import { COMPONENTS } from "./registry.js";

/** The components platform.yaml installs, with their settings, in registry order. */
export function installedComponents(platform: Pick<Platform, "components">): InstalledComponent[] {
  const settings = new Map(Object.entries(platform.components) as Array<[string, ComponentSettings | undefined]>);
  return COMPONENTS.flatMap((descriptor) => {
    const mine = settings.get(descriptor.key);
    return mine ? [{ descriptor, settings: mine, pointer: `/components/${descriptor.key}` }] : [];
  });
}

/** The descriptor of a key under `components:`. */
export const componentOf = (key: string): ComponentDescriptor | undefined => COMPONENTS.find((c) => c.key === key);

/** The namespaces the platform's software runs in: Argo CD's first, then each installed component's. */
export function componentNamespaces(platform: Pick<Platform, "components">): string[] {
  return [ARGOCD.namespace, ...installedComponents(platform).map((c) => c.settings.namespace)];
}
