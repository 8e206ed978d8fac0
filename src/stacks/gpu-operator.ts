// NVIDIA GPU Operator: its namespaces, the ClusterPolicy CRD, the operand DaemonSets it creates and labels.
import type { KubeObject } from '../collection/kube.js';
import { defineStack } from './define.js';
import { groupOf, labelOf, WORKLOADS, workloadName } from './match.js';
import { NVIDIA_TOOLKIT } from './nvidia-toolkit.js';

export const GPU_OPERATOR_NAMESPACES = ['gpu-operator', 'nvidia-gpu-operator', 'gpu-operator-resources'];
/** The operator labels every operand DaemonSet and pod with this (ClusterPolicy controller). */
export const GPU_OPERATOR_PART_OF = { key: 'app.kubernetes.io/part-of', value: 'nvidia-gpu' };
/**
 * Operand DaemonSets the operator creates. `nvidia-device-plugin-daemonset` is left out on purpose:
 * the device plugin's static manifest uses the same name in kube-system.
 */
const OPERANDS =
  /^(nvidia-(driver|container-toolkit|vgpu-manager|sandbox-device-plugin)-daemonset|nvidia-(operator-validator|sandbox-validator|dcgm-exporter|dcgm|mig-manager|vgpu-device-manager|vfio-manager|kata-manager|cc-manager|device-plugin-mps-control-daemon)|gpu-feature-discovery)$/;
/** The device plugin DaemonSet of the GPU Operator carries `app=nvidia-device-plugin-daemonset`. */
export const GPU_OPERATOR_DEVICE_PLUGIN_APP = 'nvidia-device-plugin-daemonset';

/** An object of the GPU Operator: its label, an operand's name, its device plugin, its controller. */
export function isGpuOperatorObject(o: KubeObject, name: (o: KubeObject) => string = workloadName): boolean {
  if (labelOf(o, GPU_OPERATOR_PART_OF.key) === GPU_OPERATOR_PART_OF.value) return true;
  const workload = name(o);
  if (OPERANDS.test(workload)) return true;
  if (labelOf(o, 'app') === GPU_OPERATOR_DEVICE_PLUGIN_APP) return true;
  return o.kind !== 'DaemonSet' && (workload === 'gpu-operator' || labelOf(o, 'app.kubernetes.io/component') === 'gpu-operator');
}

/** The ServiceMonitor of the operator's DCGM exporter (or of the dcgm-exporter chart). */
export function isDcgmExporterServiceMonitor(sm: KubeObject): boolean {
  const labels = sm.metadata.labels ?? {};
  return /dcgm-exporter/.test(sm.metadata.name) || labels.app === 'nvidia-dcgm-exporter' || labels['app.kubernetes.io/name'] === 'dcgm-exporter';
}

export default defineStack({
  id: 'gpu-operator',
  name: 'NVIDIA GPU Operator',
  short: { en: 'GPU Operator', zh: 'GPU Operator' },
  detect: [
    { kinds: ['Namespace'], why: 'the GPU Operator namespace', test: (o) => GPU_OPERATOR_NAMESPACES.includes(o.metadata.name) },
    { kinds: ['ClusterPolicy'], why: 'nvidia.com CRD', test: (o) => groupOf(o) === 'nvidia.com' },
    {
      kinds: WORKLOADS,
      why: `label ${GPU_OPERATOR_PART_OF.key}=${GPU_OPERATOR_PART_OF.value}`,
      test: (o) => labelOf(o, GPU_OPERATOR_PART_OF.key) === GPU_OPERATOR_PART_OF.value,
    },
    {
      kinds: WORKLOADS,
      why: 'GPU Operator component names',
      test: (o, ctx) => labelOf(o, GPU_OPERATOR_PART_OF.key) !== GPU_OPERATOR_PART_OF.value && isGpuOperatorObject(o, ctx.workloadName),
    },
  ],
  namespaces: GPU_OPERATOR_NAMESPACES,
  kubeSystemPods: /nvidia|gpu/i,
  resources: [{ kind: 'ClusterPolicy', group: 'nvidia.com', version: 'v1', plural: 'clusterpolicies', namespaced: false, crd: true }],
  injection: NVIDIA_TOOLKIT,
});
