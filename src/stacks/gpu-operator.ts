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
  install: {
    id: 'gpu-operator',
    title: 'NVIDIA GPU Operator',
    components: ['gpu-operator'],
    main: 'gpu-operator',
    nodeLabels: [],
    checkCategories: ['nodes', 'operator'],
    valuesDoc: '`driver.enabled=false` when the hosts have a driver, `toolkit.enabled=false` when they have the toolkit; on k3s/RKE2 with the operator\'s toolkit, `toolkit.env` `CONTAINERD_CONFIG` and `CONTAINERD_SOCKET`',
  },
  // Troubleshooting by hand, after the seed document (`gpuctl playbook --stack gpu-operator`).
  playbook: {
    title: 'NVIDIA GPU Operator: install, validators, scheduling',
    zh: 'NVIDIA GPU Operator：安装、验证器、调度',
    source: 'gpu-operator-on-y-k8s (排查, GPU节点调度异常排查)',
    steps: [
      { id: 'nfd-labels', layer: 'nodes', title: 'Did NFD label the GPU nodes (pci-10de)?', zh: 'NFD 为 GPU 节点打上 pci-10de 标签了吗？', verify: ["kubectl get nodes -o json | jq '.items[].metadata.labels' | grep 10de"], findings: ['no-gpu-nodes', 'gpu-node-unlabeled'] },
      { id: 'operands-opt-out', layer: 'nodes', title: 'Is the node opted out of operands?', zh: '节点是否被排除在 operand 之外？', verify: ['kubectl get nodes -L nvidia.com/gpu.deploy.operands'], findings: ['operands-disabled', 'operand-deploy-label-missing'] },
      { id: 'operand-placement', layer: 'nodes', title: 'Does every operand DaemonSet tolerate the GPU nodes\' taints?', zh: '每个组件 DaemonSet 都能容忍 GPU 节点的污点吗？', verify: ['kubectl get ds -n gpu-operator', 'kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints'], findings: ['operand-taint-untolerated'] },
      { id: 'driver-image', layer: 'driver', title: 'Does the driver image exist for the nodes\' OS?', zh: '驱动镜像对节点的操作系统存在吗？', verify: ['kubectl get pods -n gpu-operator -l app=nvidia-driver-daemonset', 'kubectl get nodes -L feature.node.kubernetes.io/system-os_release.ID -L feature.node.kubernetes.io/system-os_release.VERSION_ID'], findings: ['driver-image-unavailable'] },
      { id: 'fabric-manager', layer: 'driver', title: 'On NVSwitch systems: is the fabric manager running, of the driver\'s version?', zh: 'NVSwitch 系统上：fabric manager 在运行，且与驱动版本一致吗？', verify: ['systemctl status nvidia-fabricmanager', 'nvidia-smi -q | grep -A2 -i fabric'], findings: ['fabric-manager-not-running'] },
      { id: 'runtime-after-operator', layer: 'runtime', title: 'Did the toolkit rewrite config.toml and lose the nvidia runtime?', zh: '工具包重写 config.toml 后丢失了 nvidia 运行时吗？', verify: ['kubectl describe pods -n gpu-operator', 'sudo grep -n nvidia /etc/containerd/config.toml'], findings: ['nvidia-runtime-missing', 'toolkit-config-unsupported'] },
      { id: 'validators', layer: 'operator', title: 'Which validator stage fails?', zh: '哪个验证器步骤失败了？', verify: ['kubectl get pods -n gpu-operator -l app=nvidia-operator-validator', 'kubectl logs -n gpu-operator POD -c plugin-validation'], findings: ['validator-failed', 'clusterpolicy-not-ready'] },
      { id: 'leftover-pod', layer: 'scheduling', title: 'Does a finished pod (cuda-vectoradd) still hold the only GPU?', zh: '已结束的 Pod（cuda-vectoradd）是否仍占着唯一的 GPU？', verify: ['kubectl get pods -A -o wide | grep -E "Completed|NotReady"', 'kubectl describe pods cuda-vectoradd'], findings: ['gpu-held-by-finished-pod', 'unexpected-admission-error'] },
      { id: 'capacity', layer: 'scheduling', title: 'Are there enough free GPUs for what is Pending?', zh: '空闲的 GPU 够 Pending 的 Pod 使用吗？', verify: ['kubectl describe node NODE | grep -A8 Allocated', 'kubectl get pods -A --field-selector status.phase=Pending'], findings: ['insufficient-gpu', 'gpu-taint-untolerated'] },
      { id: 'vectoradd', layer: 'workload', title: 'Does cuda-vectoradd print Test PASSED?', zh: 'cuda-vectoradd 输出 Test PASSED 了吗？', verify: ['kubectl logs cuda-vectoradd'], findings: ['driver-too-old-for-cuda'] },
    ],
  },
});
