import { defineCheck } from '../src/check.js';
import { podsSaid, rowsOf, saidLine } from '../src/facts/said.js';
import { isUnscheduled } from '../src/facts/scheduling.js';
import { GPU_PRESENT_LABEL, gpuEvidence } from '../src/facts/gpu.js';

export default defineCheck({
  name: 'gpu-node-unlabeled',
  title: `GPU nodes carry ${GPU_PRESENT_LABEL}=true`,
  needs: ['Node', 'node-command:lspci', 'Pod'],
  ok: `every node with an NVIDIA GPU is labelled ${GPU_PRESENT_LABEL}=true`,
  explain: {
    detects: `A node shows NVIDIA evidence (NFD PCI label, GFD labels, GPU capacity or lspci) but lacks the label ${GPU_PRESENT_LABEL}=true.`,
    why: 'TensorFusion, the GPU Operator and many charts select GPU nodes on this label; without it their DaemonSets never land on the node and it looks as if it had no GPU.',
    fix: 'Label the node (or let GPU Feature Discovery do it); on autoscaled clusters put the label into the node group template or userdata so new nodes have it.',
  },
  zh: {
    title: 'GPU 节点带有 nvidia.com/gpu.present=true 标签',
    ok: '每个有 NVIDIA GPU 的节点都带有 nvidia.com/gpu.present=true 标签',
    headline: '节点有 NVIDIA GPU，但缺少 nvidia.com/gpu.present=true 标签',
    fixSummary: '为节点打上标签；对于节点组，把标签写进模板，让新节点也带上',
    explain: {
      detects: '节点显示有 NVIDIA GPU 的迹象（NFD PCI 标签、GFD 标签、GPU 容量或 lspci），却没有 nvidia.com/gpu.present=true 标签。',
      why: 'TensorFusion、GPU Operator 和许多 Helm Chart 都按这个标签选择 GPU 节点；缺少它，它们的 DaemonSet 不会调度到该节点，节点看起来就像没有 GPU。',
      fix: '为节点打上标签（或交给 GPU Feature Discovery）；在自动扩缩容的集群中，把标签写进节点组模板或 userdata（IaC 代码），让新节点自动带上。',
    },
  },
  run(facts) {
    // Pods the scheduler left Pending because they select the label: its words belong with the node.
    const selecting = facts.pods.filter((p) => isUnscheduled(p) && p.spec?.nodeSelector?.[GPU_PRESENT_LABEL] === 'true');
    const said = podsSaid(facts, rowsOf('gpu-node-unlabeled'), selecting).slice(0, 3).map(saidLine);
    return facts.nodes
      .filter((node) => node.metadata.labels?.[GPU_PRESENT_LABEL] !== 'true')
      .map((node) => ({ node, evidence: gpuEvidence(node, facts) }))
      .filter(({ evidence }) => evidence.length > 0)
      .map(({ node, evidence }) => ({
        severity: 'warning' as const,
        subject: { kind: 'Node', name: node.metadata.name },
        message: `Node ${node.metadata.name} has an NVIDIA GPU but no ${GPU_PRESENT_LABEL}=true label`,
        evidence: [
          ...evidence,
          `label ${GPU_PRESENT_LABEL}: ${node.metadata.labels?.[GPU_PRESENT_LABEL] ?? 'absent'}`,
          ...said.map((line) => `pod selecting ${GPU_PRESENT_LABEL}=true: ${line}`),
        ],
        fix: {
          summary: 'Label the node; for node groups add it to the template so new nodes get it too',
          commands: [`kubectl label node ${node.metadata.name} ${GPU_PRESENT_LABEL}=true --overwrite`],
        },
      }));
  },
});
