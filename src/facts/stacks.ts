// Which GPU stacks a cluster runs, told from its objects alone (names, labels, annotations, CRD
// objects), each with the lines of evidence that gave it away. Checks of absent stacks stay quiet.
import type { Facts } from './facts.js';
import { GPU_RESOURCE, podGpuRequest } from './gpu.js';
import type { KubeObject, Pod } from '../collection/kube.js';
import { ownerName } from './pods.js';
import { gpuExporterOf } from './prometheus.js';
import { someNames } from './scheduling.js';

export type StackId = 'gpu-operator' | 'nvidia-device-plugin' | 'hami' | 'kantaloupe' | 'tensor-fusion' | 'bitfusion';

export interface DetectedStack {
  id: StackId;
  name: string;
  /** Namespaces its components were found in, the busiest first. */
  namespaces: string[];
  /** One line per kind of sign, quoting the objects (a few names, then a count). */
  evidence: string[];
}

export const STACK_NAMES: Record<StackId, string> = {
  'gpu-operator': 'NVIDIA GPU Operator',
  'nvidia-device-plugin': 'NVIDIA device plugin (standalone)',
  hami: 'HAMi',
  kantaloupe: 'Kantaloupe (prerequisites)',
  'tensor-fusion': 'TensorFusion',
  bitfusion: 'VMware Bitfusion',
};

// ---- naming conventions of each stack, as data -------------------------------------------------

export const GPU_OPERATOR_NAMESPACES = ['gpu-operator', 'nvidia-gpu-operator', 'gpu-operator-resources'];
/** The operator labels every operand DaemonSet and pod with this (ClusterPolicy controller). */
export const GPU_OPERATOR_PART_OF = { key: 'app.kubernetes.io/part-of', value: 'nvidia-gpu' };
/**
 * Operand DaemonSets the operator creates. `nvidia-device-plugin-daemonset` is left out on purpose:
 * the device plugin's static manifest uses the same name in kube-system.
 */
const GPU_OPERATOR_OPERANDS =
  /^(nvidia-(driver|container-toolkit|vgpu-manager|sandbox-device-plugin)-daemonset|nvidia-(operator-validator|sandbox-validator|dcgm-exporter|dcgm|mig-manager|vgpu-device-manager|vfio-manager|kata-manager|cc-manager|device-plugin-mps-control-daemon)|gpu-feature-discovery)$/;
/** The device plugin DaemonSet of the GPU Operator carries `app=nvidia-device-plugin-daemonset`. */
const GPU_OPERATOR_DEVICE_PLUGIN_APP = 'nvidia-device-plugin-daemonset';

/** Labels of the k8s-device-plugin Helm chart (`app.kubernetes.io/name`) and of its static manifest (`name`). */
const DEVICE_PLUGIN_CHART_NAME = 'nvidia-device-plugin';
const DEVICE_PLUGIN_STATIC_LABEL = 'nvidia-device-plugin-ds';
const DEVICE_PLUGIN_STATIC_NAME = 'nvidia-device-plugin-daemonset';

/** HAMi chart: `app.kubernetes.io/name=hami`, components `hami-device-plugin` (NVIDIA) and `hami-scheduler`. */
export const HAMI_DEVICE_PLUGIN_COMPONENT = 'hami-device-plugin';
const HAMI_COMPONENTS = [HAMI_DEVICE_PLUGIN_COMPONENT, 'hami-scheduler'];
const HAMI_NAMES = /^hami-(device-plugin|scheduler)(-|$)/;
const HAMI_ANNOTATION_PREFIX = 'hami.io/';

export const TENSOR_FUSION_NAMESPACE = 'tensor-fusion-sys';
/** Kantaloupe's own components, when it runs anything in the cluster. */
const KANTALOUPE_NAME = /kantaloupe/i;

const TENSOR_FUSION_GROUP = 'tensor-fusion.ai';
const TENSOR_FUSION_KINDS = ['TensorFusionCluster', 'GPUPool', 'GPUNode', 'GPU', 'TensorFusionWorkload'];
const TENSOR_FUSION_LABEL_PREFIX = 'tensor-fusion.ai/';

export const BITFUSION_WEBHOOK_NAMESPACE = 'bwki';
const BITFUSION_DEVICE_PLUGIN = /^bitfusion-device-plugin/;
const BITFUSION_WEBHOOK = /^bitfusion-webhook/;
const BITFUSION_ANNOTATION = 'auto-management/bitfusion';

// ---- helpers ---------------------------------------------------------------------------------------

const labelOf = (o: KubeObject, key: string) => o.metadata.labels?.[key];
const ref = (o: KubeObject) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name);
const groupOf = (o: KubeObject) => (o.apiVersion?.includes('/') ? o.apiVersion.split('/')[0] : '');
const PLURAL: Record<string, string> = { Pod: 'pods', DaemonSet: 'DaemonSets', Deployment: 'Deployments', Namespace: 'namespaces', Node: 'nodes', ServiceMonitor: 'ServiceMonitors' };

/**
 * The workload a pod belongs to: its controller's name (a Deployment's, through its ReplicaSet's
 * pod-template-hash), or its own name without the generated suffix.
 */
/** Workload names of pods while detectStacks runs: its rules ask each pod's several times. */
let workloadNames: Map<KubeObject, string> | undefined;

function workloadName(o: KubeObject): string {
  if (o.kind !== 'Pod') return o.metadata.name;
  let name = workloadNames?.get(o);
  if (name === undefined) {
    name = podWorkloadName(o);
    workloadNames?.set(o, name);
  }
  return name;
}

function podWorkloadName(o: KubeObject): string {
  const owner = ownerName(o as Pod);
  if (!owner) return o.metadata.name.replace(/-[a-z0-9]{5}$/, '');
  const hash = labelOf(o, 'pod-template-hash');
  // owner ends with "-<hash>": compared in place, as this runs for every pod under several rules.
  const cut = hash ? owner.length - hash.length - 1 : -1;
  return cut > 0 && owner.charCodeAt(cut) === 45 /* - */ && owner.endsWith(hash!) ? owner.slice(0, cut) : owner;
}

interface Rule {
  kinds: string[];
  /** Said after the objects in the evidence line: why they count. */
  why: string;
  test(o: KubeObject, ctx: Context): boolean;
}

interface Context {
  /** Namespaces where GPU Operator objects were found: a device plugin there is the operator's own. */
  gpuOperatorNamespaces: Set<string>;
}

const WORKLOADS = ['DaemonSet', 'Deployment', 'Pod'];

function isGpuOperatorObject(o: KubeObject): boolean {
  if (labelOf(o, GPU_OPERATOR_PART_OF.key) === GPU_OPERATOR_PART_OF.value) return true;
  const name = workloadName(o);
  if (GPU_OPERATOR_OPERANDS.test(name)) return true;
  if (labelOf(o, 'app') === GPU_OPERATOR_DEVICE_PLUGIN_APP) return true;
  return o.kind !== 'DaemonSet' && (name === 'gpu-operator' || labelOf(o, 'app.kubernetes.io/component') === 'gpu-operator');
}

function isStandaloneDevicePluginShape(o: KubeObject): boolean {
  return (
    labelOf(o, 'app.kubernetes.io/name') === DEVICE_PLUGIN_CHART_NAME ||
    labelOf(o, 'name') === DEVICE_PLUGIN_STATIC_LABEL ||
    workloadName(o) === DEVICE_PLUGIN_STATIC_NAME
  );
}

const RULES: Record<StackId, Rule[]> = {
  'gpu-operator': [
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
      test: (o) => labelOf(o, GPU_OPERATOR_PART_OF.key) !== GPU_OPERATOR_PART_OF.value && isGpuOperatorObject(o),
    },
  ],
  'nvidia-device-plugin': [
    {
      kinds: ['DaemonSet', 'Pod'],
      why: `device plugin chart/manifest (app.kubernetes.io/name=${DEVICE_PLUGIN_CHART_NAME} or name=${DEVICE_PLUGIN_STATIC_LABEL}), not part of a GPU Operator`,
      test: (o, ctx) =>
        isStandaloneDevicePluginShape(o) &&
        !isGpuOperatorObject(o) &&
        !ctx.gpuOperatorNamespaces.has(o.metadata.namespace ?? '') &&
        !GPU_OPERATOR_NAMESPACES.includes(o.metadata.namespace ?? ''),
    },
  ],
  hami: [
    {
      kinds: WORKLOADS,
      why: 'HAMi components (app.kubernetes.io/name=hami, hami-device-plugin, hami-scheduler)',
      test: (o) =>
        labelOf(o, 'app.kubernetes.io/name') === 'hami' ||
        HAMI_COMPONENTS.includes(labelOf(o, 'app.kubernetes.io/component') ?? '') ||
        HAMI_NAMES.test(workloadName(o)),
    },
    {
      kinds: ['Node'],
      why: `annotations ${HAMI_ANNOTATION_PREFIX}… written by HAMi's device plugin`,
      test: (o) => Object.keys(o.metadata.annotations ?? {}).some((k) => k.startsWith(HAMI_ANNOTATION_PREFIX)),
    },
    {
      kinds: ['Pod'],
      why: `annotations ${HAMI_ANNOTATION_PREFIX}… written by HAMi's scheduler`,
      test: (o) => Object.keys(o.metadata.annotations ?? {}).some((k) => k.startsWith(HAMI_ANNOTATION_PREFIX)),
    },
  ],
  kantaloupe: [
    {
      kinds: ['Namespace', ...WORKLOADS],
      why: 'Kantaloupe components',
      test: (o) => KANTALOUPE_NAME.test(o.metadata.name) || Object.values(o.metadata.labels ?? {}).some((v) => KANTALOUPE_NAME.test(v)),
    },
    {
      kinds: ['ServiceMonitor'],
      why: "HAMi's ServiceMonitors, Kantaloupe's monitoring prerequisite",
      test: (o) => gpuExporterOf(o) === 'hami',
    },
  ],
  'tensor-fusion': [
    { kinds: ['Namespace'], why: 'the TensorFusion namespace', test: (o) => o.metadata.name === TENSOR_FUSION_NAMESPACE },
    { kinds: TENSOR_FUSION_KINDS, why: `${TENSOR_FUSION_GROUP} CRD`, test: (o) => groupOf(o) === TENSOR_FUSION_GROUP },
    {
      kinds: ['Pod'],
      why: `labels ${TENSOR_FUSION_LABEL_PREFIX}…`,
      test: (o) => Object.keys(o.metadata.labels ?? {}).some((k) => k.startsWith(TENSOR_FUSION_LABEL_PREFIX)),
    },
  ],
  bitfusion: [
    {
      kinds: ['DaemonSet', 'Pod'],
      why: 'the Bitfusion device plugin',
      test: (o) => o.metadata.namespace === 'kube-system' && BITFUSION_DEVICE_PLUGIN.test(workloadName(o)),
    },
    { kinds: ['Namespace'], why: 'the Bitfusion webhook namespace', test: (o) => o.metadata.name === BITFUSION_WEBHOOK_NAMESPACE },
    {
      kinds: ['Deployment', 'Pod'],
      why: 'the Bitfusion webhook',
      test: (o) => BITFUSION_WEBHOOK.test(workloadName(o)),
    },
    {
      kinds: ['Pod'],
      why: `annotation ${BITFUSION_ANNOTATION}`,
      test: (o) => o.metadata.annotations?.[BITFUSION_ANNOTATION] !== undefined,
    },
  ],
};

const ORDER: StackId[] = ['gpu-operator', 'nvidia-device-plugin', 'hami', 'kantaloupe', 'tensor-fusion', 'bitfusion'];

function evidenceLine(kind: string, matches: KubeObject[], why: string): string {
  const what = matches.length === 1 ? kind : (PLURAL[kind] ?? kind);
  // Sorted: a live cluster lists in etcd order, a snapshot in file order; the header must not depend on it.
  return `${matches.length > 1 ? `${matches.length} ` : ''}${what} ${someNames(matches.map(ref).sort())} (${why})`;
}

function detect(facts: Facts, id: StackId, ctx: Context): DetectedStack | undefined {
  const evidence: string[] = [];
  const namespaceCount = new Map<string, number>();
  for (const rule of RULES[id]) {
    for (const kind of rule.kinds) {
      const matches = facts.all(kind).filter((o) => rule.test(o, ctx));
      if (matches.length === 0) continue;
      evidence.push(evidenceLine(kind, matches, rule.why));
      for (const o of matches) {
        const ns = kind === 'Namespace' ? o.metadata.name : o.metadata.namespace;
        if (ns) namespaceCount.set(ns, (namespaceCount.get(ns) ?? 0) + 1);
      }
    }
  }
  if (evidence.length === 0) return undefined;
  const namespaces = [...namespaceCount].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([ns]) => ns);
  return { id, name: STACK_NAMES[id], namespaces, evidence };
}

const cache = new WeakMap<Facts, DetectedStack[]>();

/** Every GPU stack the objects show, in a fixed order (GPU Operator, device plugin, HAMi, Kantaloupe, TensorFusion, Bitfusion). */
export function detectStacks(facts: Facts): DetectedStack[] {
  const cached = cache.get(facts);
  if (cached) return cached;
  const ctx: Context = { gpuOperatorNamespaces: new Set() };
  const stacks: DetectedStack[] = [];
  workloadNames = new Map();
  try {
    for (const id of ORDER) {
      const stack = detect(facts, id, ctx);
      if (!stack) continue;
      if (id === 'gpu-operator') for (const ns of stack.namespaces) ctx.gpuOperatorNamespaces.add(ns);
      stacks.push(stack);
    }
  } finally {
    workloadNames = undefined;
  }
  cache.set(facts, stacks);
  return stacks;
}

export function findStack(facts: Facts, id: StackId): DetectedStack | undefined {
  return detectStacks(facts).find((s) => s.id === id);
}

export function hasStack(facts: Facts, id: StackId): boolean {
  return !!findStack(facts, id);
}

// ---- device plugins: who advertises nvidia.com/gpu on a node -------------------------------------

/** The stack whose NVIDIA device plugin this pod (or DaemonSet) is, or undefined when it is none. */
export function nvidiaDevicePluginOf(o: KubeObject, facts: Facts): StackId | undefined {
  if (labelOf(o, 'app.kubernetes.io/component') === HAMI_DEVICE_PLUGIN_COMPONENT) return 'hami';
  if (/^hami-device-plugin$/.test(workloadName(o))) return 'hami';
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

/** Pods of the GPU Operator's operands (driver, toolkit, device plugin, GFD, validators…) bound to a node. */
export function gpuOperatorPodsOn(facts: Facts, nodeName: string): Pod[] {
  return facts.podsOn(nodeName).filter((pod) => isGpuOperatorObject(pod));
}

/** HAMi's NVIDIA device plugin DaemonSets (component hami-device-plugin). */
export function hamiDevicePluginDaemonSets(facts: Facts): KubeObject[] {
  return facts
    .all('DaemonSet')
    .filter((ds) => labelOf(ds, 'app.kubernetes.io/component') === HAMI_DEVICE_PLUGIN_COMPONENT || /^hami-device-plugin$/.test(ds.metadata.name));
}

/** The namespace to point commands at for the GPU Operator: where it was found, else its default. */
export function gpuOperatorNamespace(facts: Facts): string {
  const found = findStack(facts, 'gpu-operator')?.namespaces ?? [];
  return found.find((ns) => GPU_OPERATOR_NAMESPACES.includes(ns)) ?? found[0] ?? GPU_OPERATOR_NAMESPACES[0]!;
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

/** HAMi's chart default for devicePlugin.nvidiaNodeSelector: the device plugin runs only on nodes labelled gpu=on. */
export const HAMI_DEFAULT_NODE_SELECTOR: Record<string, string> = { gpu: 'on' };

/** The nodeSelector of HAMi's NVIDIA device plugin: from its DaemonSet when listed, else the chart default. */
export function hamiNodeSelector(facts: Facts): { selector: Record<string, string>; source: string } {
  const ds = hamiDevicePluginDaemonSets(facts)[0];
  if (ds) return { selector: ds.spec?.template?.spec?.nodeSelector ?? {}, source: `DaemonSet ${ref(ds)}` };
  return { selector: HAMI_DEFAULT_NODE_SELECTOR, source: 'the HAMi chart default devicePlugin.nvidiaNodeSelector' };
}
