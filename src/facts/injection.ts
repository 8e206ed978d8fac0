// What each GPU-sharing stack injects into a workload's environment, and how to tell which stack a pod uses.
import type { Pod } from '../collection/kube.js';

export type InjectionStackId = 'tensor-fusion' | 'hami' | 'bitfusion' | 'nvidia';

export interface Requirement {
  variable: string;
  /** The variable must contain this text (a path or library name). */
  contains: string;
  /** HAMi may preload through /etc/ld.so.preload instead of LD_PRELOAD. */
  satisfiedByPreloadFile?: boolean;
}

export interface InjectionStack {
  id: InjectionStackId;
  name: string;
  requirements: Requirement[];
  /** Pod annotations/labels (prefix match) and resources that mark a workload of this stack. */
  markers: { labels: string[]; annotations: string[]; resources: string[]; env: string[] };
  fix: string;
}

export const INJECTION_STACKS: InjectionStack[] = [
  {
    id: 'tensor-fusion',
    name: 'TensorFusion',
    requirements: [
      { variable: 'PATH', contains: '/tensor-fusion' },
      { variable: 'LD_LIBRARY_PATH', contains: '/tensor-fusion' },
      { variable: 'LD_PRELOAD', contains: '/tensor-fusion' },
    ],
    markers: { labels: ['tensor-fusion.ai/'], annotations: ['tensor-fusion.ai/'], resources: [], env: [] },
    fix: 'Start the workload so that PATH, LD_LIBRARY_PATH and LD_PRELOAD reach the GPU process: no `env -i`, no shell that resets them; run bash or zsh through `sh -c "bash …"` or use sh',
  },
  {
    id: 'hami',
    name: 'HAMi',
    requirements: [{ variable: 'LD_PRELOAD', contains: 'libvgpu.so', satisfiedByPreloadFile: true }],
    markers: {
      labels: [],
      annotations: ['hami.io/vgpu-devices-allocated', 'hami.io/vgpu-devices-to-allocate', 'hami.io/'],
      resources: ['nvidia.com/gpumem', 'nvidia.com/gpucores', 'nvidia.com/gpumem-percentage'],
      env: ['CUDA_DEVICE_MEMORY_LIMIT'],
    },
    fix: 'Keep LD_PRELOAD (or /etc/ld.so.preload) pointing at /usr/local/vgpu/libvgpu.so in the GPU process; check the HAMi webhook mutated the pod',
  },
  {
    id: 'bitfusion',
    name: 'Bitfusion',
    requirements: [{ variable: 'LD_LIBRARY_PATH', contains: 'bitfusion' }],
    markers: { labels: [], annotations: ['auto-management/bitfusion', 'bitfusion-client/'], resources: ['bitfusion.io/gpu'], env: [] },
    fix: 'Run the workload through `bitfusion run -n N -- CMD` with the Bitfusion client libraries in LD_LIBRARY_PATH; check the bwki webhook injected the pod',
  },
  {
    id: 'nvidia',
    name: 'NVIDIA container toolkit',
    requirements: [{ variable: 'NVIDIA_VISIBLE_DEVICES', contains: '' }],
    markers: { labels: [], annotations: [], resources: ['nvidia.com/gpu'], env: ['NVIDIA_VISIBLE_DEVICES'] },
    fix: 'Do not clear NVIDIA_VISIBLE_DEVICES before the GPU process starts',
  },
];

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
function firstKeyWith(record: Record<string, unknown> | undefined, prefixes: string[]): string | undefined {
  if (!record || prefixes.length === 0) return undefined;
  for (const key in record) if (prefixes.some((m) => key.startsWith(m))) return key;
  return undefined;
}
