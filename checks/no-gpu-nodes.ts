import { defineCheck } from '../src/check.js';
import { podsSaid, rowsOf, saidLine } from '../src/facts/said.js';
import { gpuNodes, NFD_NVIDIA_LABELS } from '../src/facts/gpu.js';
import { hasStack } from '../src/facts/stacks.js';

export default defineCheck({
  name: 'no-gpu-nodes',
  title: 'At least one node shows an NVIDIA GPU',
  needs: ['Node', 'node-command:lspci', 'Pod', 'logs:stack', 'logs:workloads', 'Event'],
  ok: 'NVIDIA GPUs found on nodes',
  explain: {
    detects:
      'No node carries any sign of an NVIDIA GPU: no NFD PCI label for vendor 10de, no GFD nvidia.com/gpu.* label, no nvidia.com/gpu capacity, and no NVIDIA device in lspci where the node was probed.',
    why: 'Without a visible GPU nothing above it can work: the GPU Operator deploys no operands, the device plugin advertises nothing, and GPU pods stay Pending.',
    fix: 'Check that the card is seated and passed through (lspci -nn | grep 10de on the host), and that Node Feature Discovery runs and labels the node.',
  },
  zh: {
    title: '至少有一个节点显示有 NVIDIA GPU',
    ok: '已在节点上找到 NVIDIA GPU',
    headline: '没有任何节点显示有 NVIDIA GPU',
    fixSummary: '先在 GPU 主机上确认硬件，再确认 NFD 为节点打上了标签',
    explain: {
      detects:
        '没有任何节点带有 NVIDIA GPU 的迹象：没有厂商 10de 的 NFD PCI 标签，没有 GFD 的 nvidia.com/gpu.* 标签，没有 nvidia.com/gpu 容量；在已探测的节点上，lspci 中也没有 NVIDIA 设备。',
      why: '看不到 GPU，上层的一切都无法工作：GPU Operator 不部署任何 operand，设备插件不上报任何资源，GPU Pod 一直处于 Pending。',
      fix: '确认显卡已插好并已直通（在主机上执行 lspci -nn | grep 10de），并确认 Node Feature Discovery（NFD）正在运行并为节点打上了标签。',
    },
  },
  run(facts) {
    if (facts.nodes.length === 0) return { skip: 'no Node objects to look at' };
    if (gpuNodes(facts).length > 0) return [];
    // Bitfusion's GPUs sit on remote servers: its nodes need none of their own.
    const remote = hasStack(facts, 'bitfusion');
    return [
      {
        severity: remote ? 'info' : 'error',
        subject: { kind: 'Cluster', name: facts.clusterName },
        message: `None of the ${facts.nodes.length} nodes shows an NVIDIA GPU${remote ? ': expected with VMware Bitfusion, whose GPUs are on its remote servers' : ''}`,
        evidence: [
          `looked for labels ${NFD_NVIDIA_LABELS.join(', ')}, nvidia.com/gpu.product and nvidia.com/gpu capacity`,
          ...facts.nodes.slice(0, 5).map((n) => `node ${n.metadata.name}: no NVIDIA evidence`),
          // the GPU Operator's controller saying it found no NFD labels to discover GPU nodes by
          ...(facts.unavailable('Pod') ? [] : podsSaid(facts, rowsOf('no-gpu-nodes')).slice(0, 2).map(saidLine)),
        ],
        fix: {
          summary: 'Confirm the hardware on a GPU host, then make sure NFD labels it',
          commands: [
            'lspci -nn | grep -i 10de',
            'kubectl get pods -A -l app.kubernetes.io/name=node-feature-discovery',
            "kubectl get nodes -o json | jq '.items[].metadata.labels' | grep 10de",
          ],
        },
      },
    ];
  },
});
