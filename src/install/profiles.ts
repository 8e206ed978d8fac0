// Install profiles: which charts, in which order, which node labels, and which doctor checks verify them.
import type { Category } from '../model.js';
import type { ComponentId } from './charts.js';

export type ProfileId = 'gpu-operator' | 'device-plugin' | 'hami' | 'tensor-fusion' | 'kantaloupe';

export interface NodeLabel {
  key: string;
  value: string;
  why: string;
}

export interface Profile {
  id: ProfileId;
  title: string;
  /** Installed in this order (Prometheus first: the GPU Operator's ServiceMonitor needs its CRD). */
  components: ComponentId[];
  /** What `--values FILE` and `--chart-version V` without a COMPONENT= prefix apply to. */
  main: ComponentId;
  /** Labels put on the chosen GPU nodes. */
  nodeLabels: NodeLabel[];
  /** Doctor categories run after the cluster phase. */
  checkCategories: Category[];
}

export const PROFILES: Record<ProfileId, Profile> = {
  'gpu-operator': {
    id: 'gpu-operator',
    title: 'NVIDIA GPU Operator',
    components: ['gpu-operator'],
    main: 'gpu-operator',
    nodeLabels: [],
    checkCategories: ['nodes', 'operator'],
  },
  'device-plugin': {
    id: 'device-plugin',
    title: 'NVIDIA device plugin alone',
    components: ['device-plugin'],
    main: 'device-plugin',
    nodeLabels: [],
    checkCategories: ['nodes'],
  },
  hami: {
    id: 'hami',
    title: 'HAMi on the GPU Operator (its device plugin disabled)',
    components: ['gpu-operator', 'hami'],
    main: 'hami',
    nodeLabels: [{ key: 'gpu', value: 'on', why: 'the HAMi device plugin runs only on nodes labelled gpu=on' }],
    checkCategories: ['nodes', 'operator', 'hami-kantaloupe'],
  },
  'tensor-fusion': {
    id: 'tensor-fusion',
    title: 'TensorFusion',
    components: ['tensor-fusion'],
    main: 'tensor-fusion',
    nodeLabels: [{ key: 'nvidia.com/gpu.present', value: 'true', why: 'TensorFusion discovers GPU nodes by nvidia.com/gpu.present=true' }],
    checkCategories: ['nodes', 'tensor-fusion'],
  },
  kantaloupe: {
    id: 'kantaloupe',
    title: 'Kantaloupe prerequisites: Prometheus, GPU Operator, HAMi',
    components: ['kube-prometheus-stack', 'gpu-operator', 'hami'],
    main: 'hami',
    nodeLabels: [{ key: 'gpu', value: 'on', why: 'the HAMi device plugin runs only on nodes labelled gpu=on' }],
    checkCategories: ['nodes', 'operator', 'hami-kantaloupe'],
  },
};
