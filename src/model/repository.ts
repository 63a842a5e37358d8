/**
 * The repository URL platform.yaml ships with names GitHub's example
 * organisation, which no one can push to. Until gitops.repoURL names a real
 * repository, Argo CD could not clone anything: the bootstrap then serves
 * this checkout to the cluster itself (local mode) instead.
 */
const PLACEHOLDER = /^(?:https:\/\/|ssh:\/\/git@|git@)github\.com[/:]example-org\//i;

/** True for a repository URL under github.com/example-org (https, ssh or scp-like). */
export function isPlaceholderRepoURL(url: string): boolean {
  return PLACEHOLDER.test(url);
}
