// Pure predicates the stack definitions share: labels, API groups, workload names, key prefixes.
import type { KubeObject } from '../collection/kube.js';

export const labelOf = (o: KubeObject, key: string): string | undefined => o.metadata.labels?.[key];
export const groupOf = (o: KubeObject): string => (o.apiVersion?.includes('/') ? o.apiVersion.split('/')[0]! : '');
export const hasKeyWithPrefix = (record: Record<string, unknown> | undefined, prefix: string): boolean =>
  Object.keys(record ?? {}).some((k) => k.startsWith(prefix));

/** Deployments, DaemonSets and their pods: where a stack's components show. */
export const WORKLOADS = ['DaemonSet', 'Deployment', 'Pod'] as const;

/**
 * The workload a pod belongs to: its controller's name (a Deployment's, through its ReplicaSet's
 * pod-template-hash), or its own name without the generated suffix. Other objects: their name.
 */
export function workloadName(o: KubeObject): string {
  if (o.kind !== 'Pod') return o.metadata.name;
  const refs = o.metadata.ownerReferences;
  const owner = refs?.find((r) => r.controller)?.name ?? refs?.[0]?.name;
  if (!owner) return o.metadata.name.replace(/-[a-z0-9]{5}$/, '');
  const hash = labelOf(o, 'pod-template-hash');
  // owner ends with "-<hash>": compared in place, as this runs for every pod under several rules.
  const cut = hash ? owner.length - hash.length - 1 : -1;
  return cut > 0 && owner.charCodeAt(cut) === 45 /* - */ && owner.endsWith(hash!) ? owner.slice(0, cut) : owner;
}
