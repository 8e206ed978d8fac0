import { capJoin, capMap } from '../src/bounded.js';
import { defineCheck } from '../src/check.js';
import { describeHolder, gpuHolders, unscheduledForWantOfGpu } from '../src/facts/gpu-holders.js';
import { GPU_RESOURCE, gpuNodes, nodeAllocatableGpus, podGpuRequest } from '../src/facts/gpu.js';
import type { Facts } from '../src/facts/facts.js';
import type { Node, Pod } from '../src/facts/kube.js';
import { isUnscheduled, matchesNodeSelector, mentionsUntoleratedTaint } from '../src/facts/scheduling.js';
import { podRef } from '../src/facts/pods.js';
import type { Issue } from '../src/model.js';
import { eitherOf } from '../src/model.js';

/** What makes the nodes advertise GPUs: the checks to read when none does. */
const ADVERTISING = ['no-device-plugin', 'gpu-not-allocatable', 'operand-unhealthy'] as const;

/** Pods named per node line. */
const HOLDERS_SHOWN = 10;
/** Per-node lines are enough to see the picture on a small cluster; a big one gets the busiest. */
const NODES_SHOWN = 8;
const FINISHED_SHOWN = 5;

/**
 * Pending GPU pods the scheduler's words were not read for (events expired, not collected) whose request
 * no node they may land on can ever meet: decided from the nodes' allocatable GPUs alone.
 */
function oversizedRequests(facts: Facts, explained: Set<Pod>): Issue[] {
  if (facts.unavailable('Node')) return [];
  const nodes = gpuNodes(facts);
  const issues: Issue[] = [];
  for (const pod of facts.pods) {
    if (explained.has(pod) || !isUnscheduled(pod)) continue;
    const wants = podGpuRequest(pod);
    if (wants === 0) continue;
    const fitting = nodes.filter((n) => matchesNodeSelector(pod, n));
    const largest = Math.max(0, ...fitting.map(nodeAllocatableGpus));
    // No allocatable GPU at all is the device plugin's story (no-device-plugin, gpu-not-allocatable).
    if (largest === 0 || wants <= largest) continue;
    const ns = pod.metadata.namespace ?? 'default';
    issues.push({
      severity: 'error',
      subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
      scope: { tags: ['oversized'] },
      message: `Pod ${podRef(pod)} requests ${wants} ${GPU_RESOURCE} but no node it may run on has more than ${largest} allocatable: it can never be scheduled`,
      evidence: [
        `pod ${podRef(pod)}: Pending, requests ${wants} ${GPU_RESOURCE}${Object.keys(pod.spec?.nodeSelector ?? {}).length ? `, nodeSelector ${Object.entries(pod.spec!.nodeSelector!).map(([k, v]) => `${k}=${v}`).join(',')}` : ''}`,
        ...capMap(fitting.sort((a, b) => nodeAllocatableGpus(b) - nodeAllocatableGpus(a)), NODES_SHOWN, (n) => `node ${n.metadata.name}: allocatable ${GPU_RESOURCE} ${nodeAllocatableGpus(n)}`, 'GPU nodes'),
        'judged from the nodes\' allocatable GPUs: no scheduler message about this pod was read',
      ],
      fix: {
        summary: `Lower the request to at most ${largest} GPU(s) per pod, or add a node with more GPUs`,
        commands: [`kubectl get pod -n ${ns} ${pod.metadata.name} -o jsonpath='{.spec.containers[*].resources}'   # lower the request to at most ${largest}`],
      },
    });
  }
  return issues;
}

export default defineCheck({
  name: 'insufficient-gpu',
  title: `Pending GPU pods fit the free ${GPU_RESOURCE}`,
  needs: ['Node', 'Pod', 'node-command:lspci'],
  ok: `no pod is Pending for want of ${GPU_RESOURCE}`,
  explain: {
    detects: `Pods left Pending by the scheduler with "0/N nodes are available: … Insufficient ${GPU_RESOURCE}" (their PodScheduled condition or FailedScheduling events), and Pending pods whose request no node they may land on can meet (decided from the nodes' allocatable GPUs when no scheduler message was read); shows each GPU node's allocatable GPUs against the requests of the pods bound to it, and who holds them.`,
    why: 'The pods never start until a GPU frees up. Often the GPUs are held by pods nobody needs any more (finished test pods, idle notebooks) or the request is larger than any single node has.',
    fix: 'Free GPUs (delete finished or idle pods that hold them), add GPU nodes or GPUs, or lower the request to what one node can offer. If no node advertises GPUs at all, fix the device plugin first (no-device-plugin, gpu-not-allocatable).',
  },
  zh: {
    title: 'Pending 的 GPU Pod 能被空闲的 nvidia.com/gpu 满足',
    ok: '没有 Pod 因缺少 nvidia.com/gpu 而 Pending',
    headline: 'Pod 因空闲的 nvidia.com/gpu 不足而 Pending',
    fixSummary: '先看调度器给出的原因：GPU 被占满时释放不再需要的 Pod 占用的 GPU、增加 GPU 或降低请求量；GPU 空闲时按其消息修正（污点、节点选择器）',
    explain: {
      detects:
        '被调度器以 "0/N nodes are available: … Insufficient nvidia.com/gpu" 留在 Pending 的 Pod（来自其 PodScheduled 条件或 FailedScheduling 事件）；列出每个 GPU 节点的可分配 GPU 与绑定在其上的 Pod 的请求量，以及占用它们的 Pod。',
      why: '在有 GPU 空出来之前，这些 Pod 永远不会启动。GPU 常常被不再需要的 Pod 占用（已结束的测试 Pod、闲置的 Notebook），或者请求量超过了任何单个节点拥有的数量。',
      fix: '释放 GPU（删除占用 GPU 的已结束或闲置 Pod），增加 GPU 节点或 GPU，或把请求量降到单个节点能提供的范围内。如果根本没有节点上报 GPU，先修复设备插件（no-device-plugin、gpu-not-allocatable）。',
    },
  },
  run(facts) {
    const pending = unscheduledForWantOfGpu(facts);
    const oversized = oversizedRequests(facts, new Set(pending.map((p) => p.pod)));
    if (pending.length === 0) return oversized;

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
    const mostFree = Math.max(0, ...usage.map((u) => u.allocatable - u.requested));
    const usageLines = capMap(
      usage,
      NODES_SHOWN,
      (u) => `node ${u.node.metadata.name}: allocatable ${GPU_RESOURCE} ${u.allocatable}, requested ${u.requested}${u.holders.length ? ` by ${capJoin(u.holders, HOLDERS_SHOWN, describeHolder)}` : ''}`,
      'GPU nodes',
    );
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
      // A node has the GPUs free, yet the scheduler keeps the pod off them: its own reason (a taint, a selector) is the fix.
      const fits = largest > 0 && !never && mostFree >= wants;
      const commands =
        largest === 0
          ? [`gpuctl doctor --checks ${eitherOf(ADVERTISING, ',')}`]
          : fits
          ? [`kubectl describe pod -n ${ns} ${pod.metadata.name} | grep -A 5 Events`]
          : [
              ...cleanup,
              ...describeNodes,
              `kubectl get pod -n ${ns} ${pod.metadata.name} -o jsonpath='{.spec.containers[*].resources}'   # lower the request to at most ${largest}`,
            ];
      issues.push({
        severity: never ? 'error' : 'warning',
        subject: { kind: 'Pod', name: pod.metadata.name, namespace: ns },
        scope: { tags: [largest === 0 ? 'none-advertised' : never ? 'oversized' : 'full'] },
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
            ? `Make the nodes advertise their GPUs first: a running, healthy device plugin (see ${eitherOf(ADVERTISING, ', ')})`
            : never
            ? `Lower the request to at most ${largest} GPU(s) per pod, or add a node with more GPUs`
            : fits
            ? `Enough GPUs are free: the scheduler keeps the pod off them for another reason its message names${mentionsUntoleratedTaint(failure.message) ? ' (an untolerated taint: see gpu-taint-untolerated)' : ' (a taint, a node selector, another resource)'}`
            : 'Free GPUs held by pods that no longer need them, add GPUs, or lower the request',
          commands,
        },
      });
    }
    return [...issues, ...oversized];
  },
});
