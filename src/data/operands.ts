// The NVIDIA GPU Operator, the standalone device plugin and HAMi's device plugin as data: which pod is
// which operand (by label), which containers to read, which ClusterPolicy state reconciles it. Labels are
// those of GPU Operator v23–v25 (assets/state-*), the nvidia-device-plugin chart and static manifest, and
// the HAMi chart. Matching pods to these is src/facts/operands.ts's; the fix for each operand is
// src/remedies/operands.ts's.

export type Provider = 'gpu-operator' | 'nvidia-device-plugin' | 'hami';

export const PROVIDER_TITLES: Record<Provider, string> = {
  'gpu-operator': 'NVIDIA GPU Operator',
  'nvidia-device-plugin': 'standalone NVIDIA device plugin',
  hami: 'HAMi',
};

/**
 * Every key must match; a value ending in `*` matches as a prefix (precompiled and NVIDIADriver
 * driver pods carry the kernel or OS in their `app` label).
 */
export type LabelSelector = Record<string, string>;

export interface OperandSpec {
  component: string;
  title: string;
  provider: Provider;
  /** Any one selector identifies the pod (or a DaemonSet's pod template). */
  selectors: LabelSelector[];
  /** Main containers, the one to read first. */
  containers: string[];
  /** The ClusterPolicy state that reconciles it (`status.conditions` name them: "states not ready: [state-driver]"). */
  clusterPolicyState?: string;
  /** Registers nvidia.com/gpu with the kubelet. */
  advertisesGpus?: boolean;
  /** Validator pods are validator-failed's business, not operand-unhealthy's. */
  validator?: boolean;
  /** For the workload validators: the validation step they carry out (also their init container's name). */
  step?: string;
  /** Opens the GPU through NVML or CUDA, so its pod must run under the NVIDIA runtime (RuntimeClass or default). */
  usesGpu?: boolean;
}

/** Table order matters: the first spec whose selector matches wins. */
export const OPERANDS: OperandSpec[] = [
  // validators first: their pods share nothing with the operands, but keep them explicit
  {
    component: 'operator-validator',
    title: 'operator validator',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-operator-validator' }],
    containers: ['nvidia-operator-validator'],
    usesGpu: true,
    clusterPolicyState: 'state-operator-validation',
    validator: true,
  },
  {
    component: 'cuda-validator',
    title: 'CUDA validator',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-cuda-validator' }],
    containers: ['nvidia-cuda-validator'],
    usesGpu: true,
    validator: true,
    step: 'cuda-validation',
  },
  {
    component: 'device-plugin-validator',
    title: 'device plugin validator',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-device-plugin-validator' }],
    containers: ['nvidia-device-plugin-validator'],
    usesGpu: true,
    validator: true,
    step: 'plugin-validation',
  },
  {
    component: 'sandbox-validator',
    title: 'sandbox validator',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-sandbox-validator' }],
    containers: ['nvidia-sandbox-validator'],
    clusterPolicyState: 'state-sandbox-validation',
    validator: true,
  },
  {
    component: 'operator',
    title: 'controller',
    provider: 'gpu-operator',
    selectors: [{ app: 'gpu-operator' }, { 'app.kubernetes.io/component': 'gpu-operator' }],
    containers: ['gpu-operator'],
  },
  {
    component: 'driver',
    title: 'NVIDIA driver',
    provider: 'gpu-operator',
    selectors: [
      { 'app.kubernetes.io/component': 'nvidia-driver' },
      { app: 'nvidia-driver-daemonset*' },
      { app: 'nvidia-gpu-driver-*' },
    ],
    containers: ['nvidia-driver-ctr', 'k8s-driver-manager'],
    clusterPolicyState: 'state-driver',
  },
  {
    component: 'toolkit',
    title: 'NVIDIA Container Toolkit',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-container-toolkit-daemonset' }],
    containers: ['nvidia-container-toolkit-ctr'],
    clusterPolicyState: 'state-container-toolkit',
  },
  {
    component: 'device-plugin',
    title: 'NVIDIA device plugin',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-device-plugin-daemonset' }],
    containers: ['nvidia-device-plugin', 'config-manager'],
    usesGpu: true,
    clusterPolicyState: 'state-device-plugin',
    advertisesGpus: true,
  },
  {
    component: 'mps-control-daemon',
    title: 'MPS control daemon',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-device-plugin-mps-control-daemon' }],
    containers: ['mps-control-daemon-ctr'],
    usesGpu: true,
  },
  {
    component: 'gfd',
    title: 'GPU Feature Discovery',
    provider: 'gpu-operator',
    selectors: [{ app: 'gpu-feature-discovery' }],
    containers: ['gpu-feature-discovery', 'config-manager'],
    usesGpu: true,
    clusterPolicyState: 'gpu-feature-discovery',
  },
  {
    component: 'dcgm-exporter',
    title: 'DCGM exporter',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-dcgm-exporter' }],
    containers: ['nvidia-dcgm-exporter'],
    usesGpu: true,
    clusterPolicyState: 'state-dcgm-exporter',
  },
  {
    component: 'dcgm',
    title: 'DCGM hostengine',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-dcgm' }],
    containers: ['nvidia-dcgm-ctr'],
    usesGpu: true,
    clusterPolicyState: 'state-dcgm',
  },
  {
    component: 'mig-manager',
    title: 'MIG manager',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-mig-manager' }],
    containers: ['nvidia-mig-manager'],
    usesGpu: true,
    clusterPolicyState: 'state-mig-manager',
  },
  {
    component: 'node-status-exporter',
    title: 'node status exporter',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-node-status-exporter' }],
    containers: ['nvidia-node-status-exporter'],
    clusterPolicyState: 'state-node-status-exporter',
  },
  {
    component: 'vgpu-manager',
    title: 'vGPU manager',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-vgpu-manager-daemonset' }],
    containers: ['nvidia-vgpu-manager-ctr'],
    clusterPolicyState: 'state-vgpu-manager',
  },
  {
    component: 'vgpu-device-manager',
    title: 'vGPU device manager',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-vgpu-device-manager' }],
    containers: ['nvidia-vgpu-device-manager'],
    clusterPolicyState: 'state-vgpu-device-manager',
  },
  {
    component: 'sandbox-device-plugin',
    title: 'sandbox device plugin',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-sandbox-device-plugin-daemonset' }],
    containers: ['nvidia-sandbox-device-plugin-ctr'],
    clusterPolicyState: 'state-sandbox-device-plugin',
  },
  {
    component: 'vfio-manager',
    title: 'VFIO manager',
    provider: 'gpu-operator',
    selectors: [{ app: 'nvidia-vfio-manager' }],
    containers: ['nvidia-vfio-manager'],
    clusterPolicyState: 'state-vfio-manager',
  },
  // NFD, deployed by the GPU Operator chart (or on its own): one entry per role
  ...(['master', 'worker', 'gc'] as const).map(
    (role): OperandSpec => ({
      component: `nfd-${role}`,
      title: `Node Feature Discovery ${role}`,
      provider: 'gpu-operator',
      selectors: [{ 'app.kubernetes.io/name': 'node-feature-discovery', role }],
      containers: [role, `nfd-${role}`],
    }),
  ),
  // the standalone device plugin: the Helm chart (nvdp) and the static manifest in kube-system
  {
    component: 'device-plugin',
    title: 'NVIDIA device plugin',
    provider: 'nvidia-device-plugin',
    selectors: [{ 'app.kubernetes.io/name': 'nvidia-device-plugin' }, { name: 'nvidia-device-plugin-ds' }],
    containers: ['nvidia-device-plugin-ctr', 'nvidia-device-plugin-sidecar'],
    usesGpu: true,
    advertisesGpus: true,
  },
  {
    component: 'mps-control-daemon',
    title: 'MPS control daemon',
    provider: 'nvidia-device-plugin',
    selectors: [{ 'app.kubernetes.io/name': 'nvidia-device-plugin-mps-control-daemon' }],
    containers: ['mps-control-daemon-ctr'],
    usesGpu: true,
  },
  {
    component: 'gfd',
    title: 'GPU Feature Discovery',
    provider: 'nvidia-device-plugin',
    selectors: [
      { 'app.kubernetes.io/name': 'nvidia-device-plugin-gpu-feature-discovery' },
      { 'app.kubernetes.io/name': 'gpu-feature-discovery' },
    ],
    containers: ['gpu-feature-discovery-ctr', 'gpu-feature-discovery'],
    usesGpu: true,
  },
  {
    component: 'dcgm-exporter',
    title: 'DCGM exporter',
    provider: 'nvidia-device-plugin',
    selectors: [{ 'app.kubernetes.io/name': 'dcgm-exporter' }],
    containers: ['exporter'],
    usesGpu: true,
  },
  // HAMi registers nvidia.com/gpu itself; it runs beside the GPU Operator only with devicePlugin.enabled=false
  {
    component: 'device-plugin',
    title: 'HAMi device plugin',
    provider: 'hami',
    selectors: [{ 'app.kubernetes.io/component': 'hami-device-plugin' }],
    containers: ['device-plugin', 'vgpu-monitor'],
    usesGpu: true,
    advertisesGpus: true,
  },
];
