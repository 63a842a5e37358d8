/**
 * The repository URL platform.yaml ships with names GitHub's example
 * organisation, which no one can push to. Until gitops.repoURL names a real
 * repository, Argo CD could not clone anything: the bootstrap then serves
 * this checkout to the cluster itself (local mode) instead.
 */
const PLACEHOLDER = /^https:\/\/github\.com\/example-org\//i;

/** True for the URL platform.yaml ships with: any repository under https://github.com/example-org/. */
export function isPlaceholderRepoURL(url: string): boolean {
  return PLACEHOLDER.test(url);
}
