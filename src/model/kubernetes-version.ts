/** The cluster's Kubernetes version, read from its k3s image: the matrix in src/compat checks components against it. */
export interface KubernetesVersion {
  major: number;
  minor: number;
  patch: number;
  /** e.g. v1.28.15 */
  gitVersion: string;
}

/** rancher/k3s:v1.28.15-k3s1 → 1.28.15 */
export function kubernetesVersionOfK3sImage(image: string): KubernetesVersion | undefined {
  const match = /:v(\d+)\.(\d+)\.(\d+)-k3s\d+$/.exec(image);
  if (!match) return undefined;
  const [major, minor, patch] = match.slice(1).map(Number);
  return { major, minor, patch, gitVersion: `v${major}.${minor}.${patch}` };
}

/** "1.28", as an environment file declares a registered cluster's version → 1.28 (its patch unknown: 0). */
export function kubernetesVersionOfMinor(version: string): KubernetesVersion | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(version);
  if (!match) return undefined;
  const [major, minor] = match.slice(1).map(Number);
  return { major, minor, patch: 0, gitVersion: `v${major}.${minor}` };
}
