// The NVIDIA device plugin installed on its own (Helm chart or static manifest), not by the GPU Operator.
import type { KubeObject } from '../collection/kube.js';
import { defineStack } from './define.js';
import { GPU_OPERATOR_NAMESPACES, isGpuOperatorObject } from './gpu-operator.js';
import { labelOf, workloadName } from './match.js';
import { NVIDIA_TOOLKIT } from './nvidia-toolkit.js';

/** Labels of the k8s-device-plugin Helm chart (`app.kubernetes.io/name`) and of its static manifest (`name`). */
const CHART_NAME = 'nvidia-device-plugin';
const STATIC_LABEL = 'nvidia-device-plugin-ds';
const STATIC_NAME = 'nvidia-device-plugin-daemonset';

/** Shaped like the device plugin's chart or manifest (the GPU Operator's device plugin may be too). */
export function isStandaloneDevicePluginShape(o: KubeObject, name: (o: KubeObject) => string = workloadName): boolean {
  return labelOf(o, 'app.kubernetes.io/name') === CHART_NAME || labelOf(o, 'name') === STATIC_LABEL || name(o) === STATIC_NAME;
}

export default defineStack({
  id: 'nvidia-device-plugin',
  name: 'NVIDIA device plugin (standalone)',
  short: { en: 'device plugin', zh: '设备插件' },
  detect: [
    {
      kinds: ['DaemonSet', 'Pod'],
      why: `device plugin chart/manifest (app.kubernetes.io/name=${CHART_NAME} or name=${STATIC_LABEL}), not part of a GPU Operator`,
      test: (o, ctx) =>
        isStandaloneDevicePluginShape(o, ctx.workloadName) &&
        !isGpuOperatorObject(o, ctx.workloadName) &&
        !ctx.namespacesOf('gpu-operator').has(o.metadata.namespace ?? '') &&
        !GPU_OPERATOR_NAMESPACES.includes(o.metadata.namespace ?? ''),
    },
  ],
  namespaces: ['nvidia-device-plugin'],
  kubeSystemPods: /nvidia/i,
  injection: NVIDIA_TOOLKIT,
  // `--profile device-plugin`: the name users type since before stacks had ids.
  install: {
    id: 'device-plugin',
    title: 'NVIDIA device plugin alone',
    components: ['device-plugin'],
    main: 'device-plugin',
    nodeLabels: [],
    checkCategories: ['nodes'],
    valuesDoc: '`runtimeClassName=nvidia`',
  },
});
