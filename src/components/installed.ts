/** What platform.yaml makes of the registry: the components it installs, and where they run. */
import type { Platform } from "../types/platform.js";
import { ARGOCD } from "./argocd.js";
import type { ChartSettings, ComponentDescriptor, ComponentSettings, InstalledComponent } from "./component.js";
import { COMPONENTS } from "./registry.js";

/**
 * The components platform.yaml installs, with their settings, in registry
 * order; with them, those the platform installs because of them (`impliedBy`),
 * with their defaults.
 */
export function installedComponents(platform: Pick<Platform, "components">): InstalledComponent[] {
  const settings = new Map(Object.entries(platform.components) as Array<[string, ComponentSettings | undefined]>);
  return COMPONENTS.flatMap((descriptor): InstalledComponent[] => {
    const mine = settings.get(descriptor.key);
    if (mine) return [{ descriptor, settings: mine, pointer: `/components/${descriptor.key}` }];
    const implying = descriptor.impliedBy?.find((key) => settings.get(key));
    // It runs beside the component that brings it.
    return implying ? [{ descriptor, settings: { namespace: settings.get(implying)!.namespace }, pointer: `/components/${implying}` }] : [];
  });
}

/** The installed components that come from a Helm chart. */
export const chartComponents = (platform: Pick<Platform, "components">): Array<InstalledComponent & { settings: ChartSettings }> =>
  installedComponents(platform).filter((c): c is InstalledComponent & { settings: ChartSettings } => c.settings.chart !== undefined);

/** The descriptor of a key under `components:`. */
export const componentOf = (key: string): ComponentDescriptor | undefined => COMPONENTS.find((c) => c.key === key);

/** The namespaces the platform's software runs in: Argo CD's first, then each installed component's. */
export function componentNamespaces(platform: Pick<Platform, "components">): string[] {
  return [ARGOCD.namespace, ...installedComponents(platform).map((c) => c.settings.namespace)];
}
