// What the NVIDIA container toolkit injects into a container given nvidia.com/gpu: shared by the GPU
// Operator and the standalone device plugin (not a stack of its own: nothing in the cluster names it).
import type { Injection } from './define.js';

export const NVIDIA_TOOLKIT = {
  id: 'nvidia',
  name: 'NVIDIA container toolkit',
  requirements: [{ variable: 'NVIDIA_VISIBLE_DEVICES', contains: '' }],
  markers: { labels: [], annotations: [], resources: ['nvidia.com/gpu'], env: ['NVIDIA_VISIBLE_DEVICES'] },
  generic: true,
  fix: 'Do not clear NVIDIA_VISIBLE_DEVICES before the GPU process starts',
} as const satisfies Injection;
