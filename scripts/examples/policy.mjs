// ClusterPolicy spec/status as the gpu-operator Helm chart renders it (trimmed of nothing a reader would miss).
import { operatorImages } from './common.mjs';

const split = (image) => {
  const m = /^(.*)\/([^/:]+):([^:]+)$/.exec(image);
  return { repository: m[1], image: m[2], version: m[3] };
};

export function policySpec(version, { driver = false, toolkit = true, withWorkload = false, driverVersion = '535.129.03', mps = false }) {
  const img = operatorImages(version);
  const chart = `gpu-operator-${version}`;
  return {
    cdi: { default: false, enabled: false },
    daemonsets: {
      labels: { 'app.kubernetes.io/managed-by': 'gpu-operator', 'helm.sh/chart': chart },
      priorityClassName: 'system-node-critical',
      rollingUpdate: { maxUnavailable: '1' },
      tolerations: [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }],
      updateStrategy: 'RollingUpdate',
    },
    dcgm: { enabled: false, hostPort: 5555, image: 'dcgm', imagePullPolicy: 'IfNotPresent', repository: 'nvcr.io/nvidia/cloud-native', version: '3.3.0-1-ubuntu22.04' },
    dcgmExporter: {
      enabled: true,
      env: [
        { name: 'DCGM_EXPORTER_LISTEN', value: ':9400' },
        { name: 'DCGM_EXPORTER_KUBERNETES', value: 'true' },
        { name: 'DCGM_EXPORTER_COLLECTORS', value: '/etc/dcgm-exporter/dcp-metrics-included.csv' },
      ],
      ...split(img.dcgmExporter),
      imagePullPolicy: 'IfNotPresent',
      serviceMonitor: { additionalLabels: {}, enabled: false, honorLabels: false, interval: '15s', relabelings: [] },
    },
    devicePlugin: {
      config: { default: '', name: '' },
      enabled: true,
      env: [
        { name: 'PASS_DEVICE_SPECS', value: 'true' },
        { name: 'FAIL_ON_INIT_ERROR', value: 'true' },
        { name: 'DEVICE_LIST_STRATEGY', value: 'envvar' },
        { name: 'DEVICE_ID_STRATEGY', value: 'uuid' },
        { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' },
        { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'all' },
      ],
      ...split(img.devicePlugin),
      imagePullPolicy: 'IfNotPresent',
      ...(mps ? { mps: { root: '/run/nvidia/mps' } } : {}),
    },
    driver: {
      certConfig: { name: '' },
      enabled: driver,
      image: 'driver',
      imagePullPolicy: 'IfNotPresent',
      kernelModuleConfig: { name: '' },
      licensingConfig: { configMapName: '', nlsEnabled: true },
      manager: { env: [{ name: 'ENABLE_GPU_POD_EVICTION', value: 'true' }, { name: 'ENABLE_AUTO_DRAIN', value: 'false' }, { name: 'DRAIN_USE_FORCE', value: 'false' }, { name: 'DRAIN_POD_SELECTOR_LABEL', value: '' }, { name: 'DRAIN_TIMEOUT_SECONDS', value: '0s' }, { name: 'DRAIN_DELETE_EMPTYDIR_DATA', value: 'false' }], image: 'k8s-driver-manager', imagePullPolicy: 'IfNotPresent', repository: 'nvcr.io/nvidia/cloud-native', version: 'v0.6.5' },
      rdma: { enabled: false, useHostMofed: false },
      repoConfig: { configMapName: '' },
      repository: 'nvcr.io/nvidia',
      startupProbe: { failureThreshold: 120, initialDelaySeconds: 60, periodSeconds: 10, timeoutSeconds: 60 },
      upgradePolicy: { autoUpgrade: true, drain: { deleteEmptyDir: false, enable: false, force: false, timeoutSeconds: 300 }, maxParallelUpgrades: 1, maxUnavailable: '25%', podDeletion: { deleteEmptyDir: false, force: false, timeoutSeconds: 300 }, waitForCompletion: { timeoutSeconds: 0 } },
      useNvidiaDriverCRD: false,
      useOpenKernelModules: false,
      usePrecompiled: false,
      version: driverVersion,
      virtualTopology: { config: '' },
    },
    gfd: {
      enabled: true,
      env: [
        { name: 'GFD_SLEEP_INTERVAL', value: '60s' },
        { name: 'GFD_FAIL_ON_INIT_ERROR', value: 'true' },
      ],
      ...split(img.gfd),
      imagePullPolicy: 'IfNotPresent',
    },
    mig: { strategy: 'single' },
    migManager: {
      config: { default: 'all-disabled', name: 'default-mig-parted-config' },
      enabled: true,
      env: [{ name: 'WITH_REBOOT', value: 'false' }],
      gpuClientsConfig: { name: '' },
      ...split(img.migManager),
      imagePullPolicy: 'IfNotPresent',
    },
    nodeStatusExporter: { enabled: false, image: 'gpu-operator-validator', imagePullPolicy: 'IfNotPresent', repository: 'nvcr.io/nvidia/cloud-native', version: version },
    operator: { defaultRuntime: 'docker', initContainer: { image: 'cuda', imagePullPolicy: 'IfNotPresent', repository: 'nvcr.io/nvidia', version: '12.3.1-base-ubi8' }, runtimeClass: 'nvidia' },
    psa: { enabled: false },
    sandboxDevicePlugin: { enabled: true, image: 'kubevirt-gpu-device-plugin', imagePullPolicy: 'IfNotPresent', repository: 'nvcr.io/nvidia', version: 'v1.2.4' },
    sandboxWorkloads: { defaultWorkload: 'container', enabled: false },
    toolkit: {
      enabled: toolkit,
      ...split(img.toolkit),
      imagePullPolicy: 'IfNotPresent',
      installDir: '/usr/local/nvidia',
    },
    validator: {
      ...split(img.validator),
      imagePullPolicy: 'IfNotPresent',
      plugin: { env: [{ name: 'WITH_WORKLOAD', value: String(withWorkload) }] },
    },
    vfioManager: { driverManager: { env: [{ name: 'ENABLE_GPU_POD_EVICTION', value: 'false' }, { name: 'ENABLE_AUTO_DRAIN', value: 'false' }], image: 'k8s-driver-manager', imagePullPolicy: 'IfNotPresent', repository: 'nvcr.io/nvidia/cloud-native', version: 'v0.6.5' }, enabled: true, image: 'cuda', imagePullPolicy: 'IfNotPresent', repository: 'nvcr.io/nvidia', version: '12.3.1-base-ubi8' },
    vgpuDeviceManager: { config: { default: 'default', name: '' }, enabled: true, image: 'vgpu-device-manager', imagePullPolicy: 'IfNotPresent', repository: 'nvcr.io/nvidia/cloud-native', version: 'v0.2.4' },
    vgpuManager: { driverManager: { env: [{ name: 'ENABLE_GPU_POD_EVICTION', value: 'false' }, { name: 'ENABLE_AUTO_DRAIN', value: 'false' }], image: 'k8s-driver-manager', imagePullPolicy: 'IfNotPresent', repository: 'nvcr.io/nvidia/cloud-native', version: 'v0.6.5' }, enabled: false, image: 'vgpu-manager', imagePullPolicy: 'IfNotPresent' },
  };
}

export const policyReady = (ns, since) => ({
  conditions: [
    { lastTransitionTime: since, message: 'ClusterPolicy is ready as all resources have been successfully reconciled', reason: 'Reconciled', status: 'True', type: 'Ready' },
    { lastTransitionTime: since, message: '', reason: 'Ready', status: 'False', type: 'Error' },
  ],
  namespace: ns,
  state: 'ready',
});

export const policyNotReady = (ns, since, states) => ({
  conditions: [
    { lastTransitionTime: since, message: '', reason: 'Error', status: 'False', type: 'Ready' },
    { lastTransitionTime: since, message: `ClusterPolicy is not ready, states not ready: [${states.join(' ')}]`, reason: 'OperandNotReady', status: 'True', type: 'Error' },
  ],
  namespace: ns,
  state: 'notReady',
});
