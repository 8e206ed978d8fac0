// The shape of a GPU stack's definition (one module per stack under src/stacks/, listed in index.ts).
// A definition is data plus pure predicates over Kubernetes objects: no I/O, no Facts. Detection runs
// its rules in src/facts/stacks.ts; everything else gpuctl knows about stacks is derived from the list.
import type { KubeObject } from '../collection/kube.js';
import type { ResourceType } from '../collection/resources.js';
import type { InstallProfile } from './install.js';
import type { StackPlaybook } from './playbook.js';

/** What the detection gives each rule besides the object. */
export interface DetectionContext {
  /** The workload a pod belongs to (its controller's name, without ReplicaSet hash); other objects: their name. */
  workloadName(o: KubeObject): string;
  /** Namespaces of a stack detected earlier in the list (stacks are detected in the list's order). */
  namespacesOf(stack: string): ReadonlySet<string>;
}

export interface DetectionRule {
  /** The kinds of objects the rule looks at: they must be in the live resource list (core or the stack's own). */
  kinds: readonly string[];
  /** Said after the objects in the evidence line: why they count. */
  why: string;
  test(o: KubeObject, ctx: DetectionContext): boolean;
}

export interface Requirement {
  variable: string;
  /** The variable must contain this text (a path or library name). */
  contains: string;
  /** HAMi may preload through /etc/ld.so.preload instead of LD_PRELOAD. */
  satisfiedByPreloadFile?: boolean;
}

/** What a stack injects into a workload's GPU process, and the marks its workloads carry. */
export interface Injection {
  /** `gpuctl exec-check --stack ID`; two stacks may share one injection (the NVIDIA container toolkit). */
  id: string;
  name: string;
  requirements: readonly Requirement[];
  /** Pod labels/annotations, container resources and env variables (prefix match) that mark a workload of this stack. */
  markers: { labels: readonly string[]; annotations: readonly string[]; resources: readonly string[]; env: readonly string[] };
  /** A pod annotation naming (comma-separated) the containers the stack injects into. */
  containerAnnotation?: string;
  /**
   * Its markers are also on other stacks' workloads (plain nvidia.com/gpu): a pod is matched against the
   * other injections first.
   */
  generic?: boolean;
  /** Why `nvidia-smi -L` in the container listing no GPU is expected with this stack, where it is. */
  emptyGpuListing?: string;
  fix: string;
}

/** A report category of the stack's own checks (`--checks ID` selects them). */
export interface StackCategory {
  id: string;
  /** The category as the Chinese report names it. */
  zh: string;
}

/**
 * What the live collection reads, besides the lists and logs, only where a stack that asks for it is
 * detected (other clusters see no extra request or process): `prometheus`, the metric queries of its
 * verification (src/facts/prometheus.ts); `local-commands`, the commands run on this machine
 * (src/collection/local-commands.ts: `helm version`).
 */
export type StackCollected = 'prometheus' | 'local-commands';

export interface StackDefinition {
  /** Stable id: JSON `stacks[].id`, checks' `stacks:`, the report header. */
  id: string;
  /** The name in the report header and messages. */
  name: string;
  /** The short name in "no … objects" of the header, in English and Chinese. */
  short: { en: string; zh: string };
  /** How it is told from the cluster's objects; every rule that matches adds one evidence line. */
  detect: readonly DetectionRule[];
  /** Namespaces its components run in by default: their pods' logs are collected (log scope `stack`). */
  namespaces: readonly string[];
  /** kube-system pods of the stack installed by hand, told by name or label value: their logs are collected too. */
  kubeSystemPods?: RegExp;
  /** The resource types only this stack needs listed (its CRDs, its secrets…), as the live source lists them. */
  resources?: readonly ResourceType[];
  /** The further inputs the live collection reads where this stack is detected (StackCollected). */
  collects?: readonly StackCollected[];
  injection?: Injection;
  category?: StackCategory;
  /** How to troubleshoot it by hand, step by step (`gpuctl playbook --stack ID`, the doctor's last section). */
  playbook?: StackPlaybook;
  /** `gpuctl install --profile` for this stack, where gpuctl installs it. */
  install?: InstallProfile;
  /**
   * The stack hands out GPUs without the nvidia.com/gpu resource (why, in a few words): a GPU node that
   * advertises none is then only a note (gpu-not-allocatable).
   */
  allocatesGpusItself?: string;
}

/** One stack's definition, literal types kept (ids, resource kinds) so unions can be derived from the list. */
export function defineStack<const D extends StackDefinition>(definition: D): D {
  return definition;
}
