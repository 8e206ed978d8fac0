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
  },
});
