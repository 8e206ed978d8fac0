// Kantaloupe's prerequisites (HAMi, Prometheus and its ServiceMonitors, the Gateway API) and its own components.
import { defineStack } from './define.js';
import { isDcgmExporterServiceMonitor } from './gpu-operator.js';
import { HAMI_GPU_NODE_LABEL, HAMI_KANTALOUPE_CATEGORY, isHamiServiceMonitor } from './hami.js';
import { WORKLOADS } from './match.js';

/** Kantaloupe's own components, when it runs anything in the cluster. */
const NAME = /kantaloupe/i;

export default defineStack({
  id: 'kantaloupe',
  name: 'Kantaloupe (prerequisites)',
  short: { en: 'Kantaloupe', zh: 'Kantaloupe' },
  detect: [
    {
      kinds: ['Namespace', ...WORKLOADS],
      why: 'Kantaloupe components',
      test: (o) => NAME.test(o.metadata.name) || Object.values(o.metadata.labels ?? {}).some((v) => NAME.test(v)),
    },
    {
      kinds: ['ServiceMonitor'],
      why: "HAMi's ServiceMonitors, Kantaloupe's monitoring prerequisite",
      test: (o) => isHamiServiceMonitor(o) && !isDcgmExporterServiceMonitor(o),
    },
  ],
  namespaces: [],
  // Its verification reads GPU metrics from Prometheus and the local `helm version`.
  collects: ['prometheus', 'local-commands'],
  // Prometheus (its version, its ServiceMonitor selectors), the GPU ServiceMonitors, the Gateway API (a 404
  // on its lists means its CRDs are not installed).
  resources: [
    { kind: 'StatefulSet', group: 'apps', version: 'v1', plural: 'statefulsets', namespaced: true },
    { kind: 'Prometheus', group: 'monitoring.coreos.com', version: 'v1', plural: 'prometheuses', namespaced: true, crd: true },
    { kind: 'ServiceMonitor', group: 'monitoring.coreos.com', version: 'v1', plural: 'servicemonitors', namespaced: true, crd: true },
    { kind: 'GatewayClass', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gatewayclasses', namespaced: false, crd: true },
    { kind: 'Gateway', group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gateways', namespaced: true, crd: true },
  ],
  category: HAMI_KANTALOUPE_CATEGORY,
  install: {
    id: 'kantaloupe',
    title: 'Kantaloupe prerequisites: Prometheus, GPU Operator, HAMi',
    components: ['kube-prometheus-stack', 'gpu-operator', 'hami'],
    main: 'hami',
    nodeLabels: [HAMI_GPU_NODE_LABEL],
    checkCategories: ['nodes', 'operator', HAMI_KANTALOUPE_CATEGORY.id],
    valuesDoc: '`grafana.enabled=false`, `dcgmExporter.serviceMonitor.enabled=true`, HAMi `serviceMonitor`s',
  },
  // Troubleshooting by hand, after the seed document (`gpuctl playbook --stack kantaloupe`).
  playbook: {
    title: 'Kantaloupe prerequisites: Prometheus, GPU Operator, HAMi, ServiceMonitors, Gateway API',
    zh: 'Kantaloupe 前置条件：Prometheus、GPU Operator、HAMi、ServiceMonitor、Gateway API',
    source: 'kantaloupe-prerequisites (系统要求, 组件安装)',
    steps: [
      { id: 'driver', layer: 'driver', title: 'Driver 440 or newer on every GPU node', zh: '每个 GPU 节点的驱动程序为 440 或更高版本', verify: ['nvidia-smi'], findings: ['driver-below-minimum'] },
      { id: 'helm', layer: 'stack', title: 'Helm 3.14 or newer', zh: 'Helm 3.14 或更高版本', verify: ['helm version --short'], findings: ['helm-too-old'] },
      { id: 'prometheus', layer: 'monitoring', title: 'Prometheus 2.37 or newer (kube-prometheus-stack)', zh: 'Prometheus 2.37 或更高版本（kube-prometheus-stack）', verify: ['kubectl get prometheus -A -o jsonpath="{..version}"'], findings: ['prometheus-too-old'] },
      { id: 'operator-for-hami', layer: 'operator', title: 'GPU Operator installed with devicePlugin.enabled=false', zh: 'GPU Operator 以 devicePlugin.enabled=false 安装', verify: ['kubectl get ds -A | grep device-plugin'], findings: ['device-plugin-conflict'] },
      { id: 'hami-nodes', layer: 'nodes', title: 'HAMi GPU nodes labelled gpu=on', zh: 'HAMi 的 GPU 节点带有 gpu=on 标签', verify: ['kubectl get nodes -L gpu'], findings: ['hami-node-not-enabled'] },
      { id: 'servicemonitors', layer: 'monitoring', title: 'Does Prometheus select the HAMi and DCGM ServiceMonitors?', zh: 'Prometheus 选中了 HAMi 和 DCGM 的 ServiceMonitor 吗？', verify: ['kubectl get servicemonitors -A --show-labels', 'kubectl get prometheus -A -o jsonpath="{..serviceMonitorSelector}"'], findings: ['servicemonitor-not-selected'] },
      { id: 'metrics', layer: 'monitoring', title: 'Does Prometheus return DCGM_FI_DEV_GPU_UTIL, HostCoreUtilization and GPUDeviceCoreAllocated?', zh: 'Prometheus 能返回 DCGM_FI_DEV_GPU_UTIL、HostCoreUtilization 和 GPUDeviceCoreAllocated 吗？', verify: ['curl -s "http://PROMETHEUS:9090/api/v1/query?query=DCGM_FI_DEV_GPU_UTIL"', 'curl -s "http://PROMETHEUS:9090/api/v1/query?query=HostCoreUtilization"', 'curl -s "http://PROMETHEUS:9090/api/v1/query?query=GPUDeviceCoreAllocated"'], findings: ['gpu-metrics-missing'] },
      { id: 'gateway', layer: 'stack', title: 'Is a Gateway API implementation installed?', zh: '已安装 Gateway API 实现了吗？', verify: ['kubectl get crd gateways.gateway.networking.k8s.io', 'kubectl get gateway -A'], findings: ['gateway-api-missing'] },
    ],
  },
});
