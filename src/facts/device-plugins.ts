// Device plugins: which stack's NVIDIA device plugin a pod or DaemonSet is, which of them run on a node,
// where HAMi's runs, and why GPU nodes should advertise nvidia.com/gpu at all. The stacks' own marks
// (labels, names, HAMi's chart default) are in src/stacks/<id>.ts; this reads them over Facts.
import { GPU_OPERATOR_DEVICE_PLUGIN_APP, GPU_OPERATOR_NAMESPACES, isGpuOperatorObject } from '../stacks/gpu-operator.js';
import { HAMI_DEFAULT_NODE_SELECTOR, HAMI_DEFAULT_NODE_SELECTOR_SOURCE, isHamiDevicePlugin } from '../stacks/hami.js';
import type { StackId } from '../stacks/index.js';
import { groupOf, labelOf } from '../stacks/match.js';
import { isStandaloneDevicePluginShape } from '../stacks/nvidia-device-plugin.js';
import type { KubeObject, Pod } from '../collection/kube.js';
import type { Facts } from './facts.js';
import { GPU_RESOURCE, podGpuRequest } from './gpu.js';
import { someNames } from './scheduling.js';
import { findStack } from './stacks.js';

const ref = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);

/** The stack whose NVIDIA device plugin this pod (or DaemonSet) is, or undefined when it is none. */
export function nvidiaDevicePluginOf(o: KubeObject, facts: Facts): StackId | undefined {
  if (isHamiDevicePlugin(o)) return 'hami';
  if (labelOf(o, 'app') === GPU_OPERATOR_DEVICE_PLUGIN_APP) return 'gpu-operator';
  if (!isStandaloneDevicePluginShape(o)) return undefined;
  const operatorNamespaces = [...GPU_OPERATOR_NAMESPACES, ...(findStack(facts, 'gpu-operator')?.namespaces ?? [])];
  return isGpuOperatorObject(o) || operatorNamespaces.includes(o.metadata.namespace ?? '') ? 'gpu-operator' : 'nvidia-device-plugin';
}

/** NVIDIA device plugin pods (GPU Operator's, standalone, HAMi's) bound to a node. */
export function devicePluginPodsOn(facts: Facts, nodeName: string): { pod: Pod; stack: StackId }[] {
  return facts
    .podsOn(nodeName)
    .map((pod) => ({ pod, stack: nvidiaDevicePluginOf(pod, facts) }))
    .filter((p): p is { pod: Pod; stack: StackId } => !!p.stack);
}

/** HAMi's NVIDIA device plugin DaemonSets (component hami-device-plugin). */
export function hamiDevicePluginDaemonSets(facts: Facts): KubeObject[] {
  return facts.all('DaemonSet').filter((ds) => isHamiDevicePlugin(ds));
}

/** The nodeSelector of HAMi's NVIDIA device plugin: from its DaemonSet when listed, else the chart default. */
export function hamiNodeSelector(facts: Facts): { selector: Record<string, string>; source: string } {
  const ds = hamiDevicePluginDaemonSets(facts)[0];
  if (ds) return { selector: ds.spec?.template?.spec?.nodeSelector ?? {}, source: `DaemonSet ${ref(ds)}` };
  return { selector: HAMI_DEFAULT_NODE_SELECTOR, source: HAMI_DEFAULT_NODE_SELECTOR_SOURCE };
}

/**
 * Why GPU nodes should advertise nvidia.com/gpu here (a device plugin is deployed or enabled, or
 * pods ask for it), or undefined when nothing in the cluster uses that resource — TensorFusion and
 * Bitfusion allocate GPUs their own way and need no device plugin.
 */
export function nvidiaGpuExpectedBecause(facts: Facts): string | undefined {
  const daemonSets = facts.all('DaemonSet').filter((ds) => nvidiaDevicePluginOf(ds, facts));
  if (daemonSets.length > 0) return `device plugin DaemonSet ${someNames(daemonSets.map(ref))} is deployed`;
  const policies = facts.all('ClusterPolicy').filter((o) => groupOf(o) === 'nvidia.com');
  const enabling = policies.filter((p) => p.spec?.devicePlugin?.enabled !== false);
  if (enabling.length > 0) return `ClusterPolicy ${enabling[0]!.metadata.name} enables the device plugin`;
  for (const id of ['hami', 'nvidia-device-plugin'] as const) {
    const stack = findStack(facts, id);
    if (stack) return `${stack.name} is installed, seen as ${stack.evidence[0]}`;
  }
  const operator = findStack(facts, 'gpu-operator');
  if (operator && policies.length === 0) return `${operator.name} is installed, seen as ${operator.evidence[0]}`;
  const requesting = facts.pods.filter((p) => podGpuRequest(p) > 0);
  if (requesting.length > 0) return `${requesting.length} pod(s) request ${GPU_RESOURCE}: ${someNames(requesting.map(ref))}`;
  return undefined;
}
