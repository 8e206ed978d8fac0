// What a benchmark server child reports once it serves the synthetic cluster (bench/sim-child.ts,
// bench/apiserver-child.ts): its size and the pod the playbook describes.
import type { SyntheticCluster } from '../test/simulator/synthetic.js';

export function readyMessage(cluster: SyntheticCluster, url: string) {
  const count = (kind: string) => cluster.objects.filter((o) => o.kind === kind).length;
  // The pod the playbook describes: an operand that is not running as it should (a validator, as in the seed).
  const brokenOperand = cluster.objects.find((o) => {
    const status = (o as { status?: { phase?: string; containerStatuses?: { ready?: boolean }[] } }).status;
    return o.kind === 'Pod' && o.metadata.namespace === 'gpu-operator' && status?.phase !== 'Succeeded' && !!status?.containerStatuses?.some((c) => !c.ready);
  });
  return {
    type: 'ready' as const,
    url,
    objects: cluster.objects.length,
    nodes: count('Node'),
    pods: count('Pod'),
    events: count('Event'),
    brokenNodes: cluster.broken.nodes.size,
    brokenPods: cluster.broken.pods.size,
    brokenPod: brokenOperand ? brokenOperand.metadata.name : undefined,
  };
}
