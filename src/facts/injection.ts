// What each GPU-sharing stack injects into a workload's environment, and how to tell which stack a pod uses.
import type { Injection, Requirement } from '../stacks/define.js';
import { injections } from '../stacks/derived.js';
import type { InjectionId } from '../stacks/index.js';
import type { Pod } from '../collection/kube.js';

/** `gpuctl exec-check --stack ID`: the injections of src/stacks/<id>.ts (the NVIDIA container toolkit's is `nvidia`). */
export type InjectionStackId = InjectionId;

export type { Requirement };
export type InjectionStack = Injection & { id: InjectionStackId };

/** Matched in this order: each stack's own markers first, plain nvidia.com/gpu last. */
export const INJECTION_STACKS = injections() as InjectionStack[];

export function stackById(id: InjectionStackId): InjectionStack {
  return INJECTION_STACKS.find((s) => s.id === id)!;
}

/** The stack whose markers a pod carries, most specific first; undefined for a pod that uses no GPU stack. */
export function detectPodStack(pod: Pod): { stack: InjectionStack; evidence: string } | undefined {
  // Asked of every running pod of the cluster: plain loops over the pod, nothing built until a match.
  const labels = pod.metadata.labels;
  const annotations = pod.metadata.annotations;
  const lists = [pod.spec?.containers ?? [], pod.spec?.initContainers ?? []];
  for (const stack of INJECTION_STACKS) {
    const { markers } = stack;
    const label = firstKeyWith(labels, markers.labels);
    if (label) return { stack, evidence: `label ${label}=${labels![label]}` };
    const annotation = firstKeyWith(annotations, markers.annotations);
    if (annotation) return { stack, evidence: `annotation ${annotation}=${annotations![annotation]}` };
    if (markers.resources.length) {
      for (const containers of lists) {
        for (const c of containers) {
          const resource = firstKeyWith(c.resources?.limits, markers.resources) ?? firstKeyWith(c.resources?.requests, markers.resources);
          if (resource) return { stack, evidence: `resource ${resource}` };
        }
      }
    }
    if (markers.env.length) {
      for (const containers of lists) {
        for (const c of containers) {
          const env = c.env?.find((e) => markers.env.some((m) => e.name.startsWith(m)));
          if (env) return { stack, evidence: `env ${env.name}` };
        }
      }
    }
  }
  return undefined;
}

/** The first key of `record` that starts with one of `prefixes`. */
function firstKeyWith(record: Record<string, unknown> | undefined, prefixes: readonly string[]): string | undefined {
  if (!record || prefixes.length === 0) return undefined;
  for (const key in record) if (prefixes.some((m) => key.startsWith(m))) return key;
  return undefined;
}
