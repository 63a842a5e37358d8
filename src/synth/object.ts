/**
 * The in-memory form of everything the compiler produces: Kubernetes objects
 * first (validated by lint), files second (written last).
 */
import type { KubeObject } from "../model/kube-object.js";

export type { KubeObject, ObjectMeta } from "../model/kube-object.js";
export { LABELS, MANAGED_BY, PART_OF } from "../model/kube-object.js";

/** A file to write: YAML, made of one or more documents, or (`text`) one that is not YAML. */
export interface OutputFile {
  /** Relative to the project root: generated/... or argocd/... (or .github/CODEOWNERS) */
  path: string;
  /** Input files it is derived from, named in its header. */
  sources: string[];
  /** Empty for a file that is not YAML. */
  documents: object[];
  /** The body of a file that is not YAML (CODEOWNERS), after the header; its lines are built from validated names only. */
  text?: string;
  /** Extra header lines: how to use the file. */
  usage?: string[];
}

/** A directory that `kubectl kustomize` builds, and the objects it must produce. */
export interface KustomizeBuild {
  dir: string;
  /** The team whose tenant overlay this is; absent for the platform's builds. */
  team?: string;
  objects: KubeObject[];
  /** Input files the build derives from. */
  sources: string[];
}

export interface Synthesis {
  files: OutputFile[];
  builds: KustomizeBuild[];
  /** Objects applied without Kustomize (examples), validated by lint like the rest. */
  standalone: Array<{ file: string; object: KubeObject }>;
}

export { objectId } from "../model/object-id.js";
