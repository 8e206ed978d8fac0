import { defineCheck } from '../src/check.js';
import { describeHolder, gpuHolders, unscheduledForWantOfGpu } from '../src/facts/gpu-holders.js';
import { GPU_RESOURCE, gpuNodes, nodeAllocatableGpus, podGpuRequest } from '../src/facts/gpu.js';
import type { Node } from '../src/facts/kube.js';
import { podRef } from '../src/facts/pods.js';
import type { Issue } from '../src/model.js';

/** Per-node lines are enough to see the picture on a small cluster; a big one gets the busiest. */
const NODES_SHOWN = 8;
const FINISHED_SHOWN = 5;

export default defineCheck({
  id: 'GPU507',
  name: 'insufficient-gpu',
  category: 'operator',
  title: `Pending GPU pods fit the free ${GPU_RESOURCE}`,
  needs: ['Pod', 'Node'],
  ok: `no pod is Pending for want of ${GPU_RESOURCE}`,
  explain: {
    detects: `Pods left Pending by the scheduler with "0/N nodes are available: … Insufficient ${GPU_RESOURCE}" (their PodScheduled condition or FailedScheduling events); shows each GPU node's allocatable GPUs against the requests of the pods bound to it, and who holds them.`,
    why: 'The pods never start until a GPU frees up. Often the GPUs are held by pods nobody needs any more (finished test pods, idle notebooks) or the request is larger than any single node has.',
    fix: 'Free GPUs (delete finished or idle pods that hold them), add GPU nodes or GPUs, or lower the request to what one node can offer. If no node advertises GPUs at all, fix the device plugin first (no-device-plugin, gpu-not-allocatable).',
  },
  run(facts) {
    const pending = unscheduledForWantOfGpu(facts);
    if (pending.length === 0) return [];

    const nodes: Node[] = gpuNodes(facts);
    const usage = nodes
      .map((node) => {
        const holders = gpuHolders(facts, node.metadata.name);
        const requested = holders.reduce((sum, h) => sum + h.gpus, 0);
        return { node, allocatable: nodeAllocatableGpus(node), requested, holders };
      })
      .sort((a, b) => b.allocatable - a.allocatable);
    const largest = Math.max(0, ...usage.map((u) => u.allocatable));
    const totalFree = usage.reduce((sum, u) => sum + Math.max(0, u.allocatable - u.requested), 0);
    const usageLines = usage.slice(0, NODES_SHOWN).map(
      (u) =>
        `node ${u.node.metadata.name}: allocatable ${GPU_RESOURCE} ${u.allocatable}, requested ${u.requested}${
          u.holders.length ? ` by ${u.holders.map(describeHolder).join(', ')}` : ''
        }`,
    );
    if (usage.length > NODES_SHOWN) usageLines.push(`… and ${usage.length - NODES_SHOWN} more GPU nodes`);
    if (usage.length === 0) usageLines.push(`no node shows an NVIDIA GPU (see no-gpu-nodes)`);
    const finished = usage.flatMap((u) => u.holders.filter((h) => h.finished));
    // the same cleanup serves every Pending pod: a few commands, the rest is gpu-held-by-finished-pod's list
    const cleanup = finished
      .slice(0, FINISHED_SHOWN)
      .map((h) => `kubectl delete pod -n ${h.pod.metadata.namespace} ${h.pod.metadata.name}   # finished, still holds ${h.gpus} GPU`);
    const describeNodes = usage.slice(0, 3).map((u) => `kubectl describe node ${u.node.metadata.name} | grep -A 12 'Allocated resources'`);

    const issues: Issue[] = [];
    for (const { pod, failure } of pending) {
      const wants = podGpuRequest(pod);
      const ns = pod.metadata.namespace ?? 'default';
      // a request no single node can ever satisfy is an error; a full cluster is a warning
      const never = wants > largest;
      // With no allocatable GPU anywhere, lowering the request is no fix: the nodes must advertise GPUs first.
      const commands =
        largest === 0
          ? ['gpuctl doctor --checks gpu-not-allocatable,no-device-plugin,operand-unhealthy']
          : [
              ...cleanup,
              ...describeNodes,
              `kubectl get pod -n ${ns} ${pod.metadata.name} -o jsonpath='{.spec.containers[*].resources}'   # lower the request to at most ${largest}`,
            ];
      issues.push({
        severity: never ? 'error' : 'warning',
        subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
        message: largest === 0
          ? `Pod ${podRef(pod)} is Pending for ${wants} ${GPU_RESOURCE} but no node advertises any allocatable GPU`
          : never
          ? `Pod ${podRef(pod)} requests ${wants} ${GPU_RESOURCE} but no node has more than ${largest} allocatable: it can never be scheduled`
          : `Pod ${podRef(pod)} is Pending: ${wants} ${GPU_RESOURCE} requested, ${totalFree} free across ${usage.length} GPU node(s)`,
        evidence: [
          `scheduler (${failure.source}): ${failure.message}`,
          ...usageLines,
          ...(largest === 0 ? ['no node advertises allocatable nvidia.com/gpu: see no-device-plugin and gpu-not-allocatable'] : []),
          ...(finished.length ? [`${finished.length} finished pod(s) still hold GPUs: see gpu-held-by-finished-pod`] : []),
        ],
        fix: {
          summary: largest === 0
            ? 'Make the nodes advertise their GPUs first: a running, healthy device plugin (see no-device-plugin, gpu-not-allocatable, operand-unhealthy)'
            : never
            ? `Lower the request to at most ${largest} GPU(s) per pod, or add a node with more GPUs`
            : 'Free GPUs held by pods that no longer need them, add GPUs, or lower the request',
          commands,
        },
      });
    }
    return issues;
  },
});
