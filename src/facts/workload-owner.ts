// The workload whose pod template made a pod: what a fix patches (a Deployment through its ReplicaSet's
// pod-template-hash, a StatefulSet, DaemonSet or bare ReplicaSet). Jobs and bare pods have no template to patch.
import type { Pod } from '../collection/kube.js';

export function templateOwner(pod: Pod): { kind: 'deployment' | 'statefulset' | 'daemonset' | 'replicaset'; name: string } | undefined {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner) return undefined;
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) return { kind: 'deployment', name: owner.name.slice(0, -hash.length - 1) };
  if (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet') return { kind: owner.kind.toLowerCase() as 'replicaset' | 'statefulset' | 'daemonset', name: owner.name };
  return undefined;
}
