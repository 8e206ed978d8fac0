// HAMi: its chart's components (device plugin, scheduler), the annotations it writes on nodes and pods,
// and what its webhook injects into a workload (libvgpu.so).
import type { KubeObject } from '../collection/kube.js';
import { defineStack } from './define.js';
import { hasKeyWithPrefix, labelOf, WORKLOADS, workloadName } from './match.js';

/** HAMi chart: `app.kubernetes.io/name=hami`, components `hami-device-plugin` (NVIDIA) and `hami-scheduler`. */
export const HAMI_DEVICE_PLUGIN_COMPONENT = 'hami-device-plugin';
const COMPONENTS = [HAMI_DEVICE_PLUGIN_COMPONENT, 'hami-scheduler'];
const NAMES = /^hami-(device-plugin|scheduler)(-|$)/;
export const HAMI_ANNOTATION_PREFIX = 'hami.io/';

/** HAMi's own ServiceMonitors: hami-scheduler-metrics-monitor, hami-device-plugin-metrics-monitor (older: vgpu-scheduler). */
export function isHamiServiceMonitor(sm: KubeObject): boolean {
  const labels = sm.metadata.labels ?? {};
  return labels['app.kubernetes.io/name'] === 'hami' || /^hami-/.test(labels['app.kubernetes.io/component'] ?? '') || /^(hami|vgpu)-/.test(sm.metadata.name);
}

/** Kept with HAMi's: Kantaloupe's checks share the category. */
export const HAMI_KANTALOUPE_CATEGORY = { id: 'hami-kantaloupe', zh: 'HAMi / Kantaloupe' } as const;
/** What `gpuctl install` labels the GPU nodes with for HAMi (its chart's default device plugin node selector). */
export const HAMI_GPU_NODE_LABEL = { key: 'gpu', value: 'on', why: 'the HAMi device plugin runs only on nodes labelled gpu=on' } as const;
/** HAMi's chart default for devicePlugin.nvidiaNodeSelector: the device plugin runs only on nodes labelled gpu=on. */
export const HAMI_DEFAULT_NODE_SELECTOR: Record<string, string> = { [HAMI_GPU_NODE_LABEL.key]: HAMI_GPU_NODE_LABEL.value };
/** Where HAMI_DEFAULT_NODE_SELECTOR comes from, as a finding names it. */
export const HAMI_DEFAULT_NODE_SELECTOR_SOURCE = 'the HAMi chart default devicePlugin.nvidiaNodeSelector';

/**
 * HAMi's NVIDIA device plugin (a pod or its DaemonSet): component hami-device-plugin, or the chart's
 * workload name. `name` gives a pod's workload name (detection passes its cached one).
 */
export function isHamiDevicePlugin(o: KubeObject, name: (o: KubeObject) => string = workloadName): boolean {
  return labelOf(o, 'app.kubernetes.io/component') === HAMI_DEVICE_PLUGIN_COMPONENT || /^hami-device-plugin$/.test(name(o));
}

export default defineStack({
  id: 'hami',
  name: 'HAMi',
  short: { en: 'HAMi', zh: 'HAMi' },
  detect: [
    {
      kinds: WORKLOADS,
      why: 'HAMi components (app.kubernetes.io/name=hami, hami-device-plugin, hami-scheduler)',
      test: (o, ctx) =>
        labelOf(o, 'app.kubernetes.io/name') === 'hami' || COMPONENTS.includes(labelOf(o, 'app.kubernetes.io/component') ?? '') || NAMES.test(ctx.workloadName(o)),
    },
    {
      kinds: ['Node'],
      why: `annotations ${HAMI_ANNOTATION_PREFIX}… written by HAMi's device plugin`,
      test: (o) => hasKeyWithPrefix(o.metadata.annotations, HAMI_ANNOTATION_PREFIX),
    },
    {
      kinds: ['Pod'],
      why: `annotations ${HAMI_ANNOTATION_PREFIX}… written by HAMi's scheduler`,
      test: (o) => hasKeyWithPrefix(o.metadata.annotations, HAMI_ANNOTATION_PREFIX),
    },
  ],
  namespaces: ['hami-system'],
  // Where HAMi runs, the hami-kantaloupe checks read its metrics from Prometheus and the local `helm version`.
  collects: ['prometheus', 'local-commands'],
  kubeSystemPods: /hami/i,
  injection: {
    id: 'hami',
    name: 'HAMi',
    requirements: [{ variable: 'LD_PRELOAD', contains: 'libvgpu.so', satisfiedByPreloadFile: true }],
    markers: {
      labels: [],
      annotations: ['hami.io/vgpu-devices-allocated', 'hami.io/vgpu-devices-to-allocate', HAMI_ANNOTATION_PREFIX],
      resources: ['nvidia.com/gpumem', 'nvidia.com/gpucores', 'nvidia.com/gpumem-percentage'],
      env: ['CUDA_DEVICE_MEMORY_LIMIT'],
    },
    fix: 'Keep LD_PRELOAD (or /etc/ld.so.preload) pointing at /usr/local/vgpu/libvgpu.so in the GPU process; check the HAMi webhook mutated the pod',
  },
  category: HAMI_KANTALOUPE_CATEGORY,
  install: {
    id: 'hami',
    title: 'HAMi on the GPU Operator (its device plugin disabled)',
    components: ['gpu-operator', 'hami'],
    main: 'hami',
    nodeLabels: [HAMI_GPU_NODE_LABEL],
    checkCategories: ['nodes', 'operator', HAMI_KANTALOUPE_CATEGORY.id],
    valuesDoc: '`devicePlugin.enabled=false`; `scheduler.kubeScheduler.imageTag` = the cluster\'s version',
  },
});
