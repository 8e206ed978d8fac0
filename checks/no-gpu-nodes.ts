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
