// Every row of every wording table, fed through the checks: for each channel a row names, the row's text is
// put where a real cluster shows it (an Event on the pod, a container's waiting or terminated message, the
// log of the pod that prints it, a node command's output with its exit code, a host service's journal), in
// the smallest snapshot that holds that pod, and ALL checks run through the engine. The row's finding (or
// the alsoMeans the context implies) must come out with a non-ok severity, quoting the text's line.
// Texts printed only on the terminal of whoever runs a command (channel hand-run) reach no snapshot: for those
// the test checks that no fix command gpuctl prints would make the command print them.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks/index.js';
import type { Wording, WordingChannel } from '../../src/data/wordings/index.js';
import { NVIDIA_SMI_EXIT_CODES, WORDINGS, matchWordings } from '../../src/data/wordings/index.js';
import { runChecks } from '../../src/engine.js';
import { Facts } from '../../src/facts/facts.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import type { Finding } from '../../src/model.js';
import type { KubeObject, Node, Pod } from '../../src/facts/kube.js';
import type { NodeHost } from '../../src/collection/collection.js';
import { factsOf, gpuNode, host, pod } from '../helpers/facts.js';
import { GPU_OPERATOR_OPERAND, clusterPolicy, daemonPod, daemonSet, hami, hamiDevicePluginPod, kubeObject, namespace, operatorDevicePluginPod } from '../helpers/stacks.js';

const NODE = 'gpu-1';
const ROOT = path.resolve(import.meta.dirname, '../..');

/** A snapshot to run the checks on. */
interface Scene {
  objects: KubeObject[];
  logs?: Record<string, string>;
  nodes?: Record<string, NodeHost>;
}

/** Where a row's text is put: which pod prints it (or the node), in which channel. */
type Place = 'workload' | 'workload-without-plugin' | 'hami-workload' | 'validator' | 'device-plugin' | 'driver' | 'toolkit' | 'operator' | 'hami-scheduler' | 'node';

/** A GPU workload in the state the row's component leaves it: unscheduled, refused at admission, or crashing. */
function gpuWorkload(row?: Wording): Pod {
  const spec: Pod['spec'] = { nodeName: NODE, containers: [{ name: 'main', image: 'nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04', resources: { limits: { 'nvidia.com/gpu': '1' } } }] };
  if (row && /^(scheduler|hami)\//.test(row.id)) {
    delete spec.nodeName;
    return pod('ml', 'train', { spec, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } });
  }
  if (row && ADMISSION.test(row.id)) {
    return pod('ml', 'train', { spec, status: { phase: 'Failed', reason: row.id === 'kubelet/out-of-extended-resource' ? 'OutOfnvidia.com/gpu' : 'UnexpectedAdmissionError' } });
  }
  return pod('ml', 'train', {
    spec,
    status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
  });
}

/** Rows the kubelet prints when it refuses a pod at admission (the pod fails with the text as status.message). */
const ADMISSION = /^kubelet\/(devices|allocate|plugin|no-healthy|allocated|unregistered|unknown|preferred|out-of)/;

/** The standalone device plugin, running on the GPU node: the healthy base every scene has unless it is the place. */
function standaloneDevicePlugin(): KubeObject[] {
  const labels = { 'app.kubernetes.io/name': 'nvidia-device-plugin' };
  return [daemonSet('kube-system', 'nvidia-device-plugin', labels), daemonPod('kube-system', 'nvidia-device-plugin', NODE, labels)];
}

/** The GPU Operator with its device plugin running on the GPU node. */
function operatorBase(): KubeObject[] {
  return [namespace('gpu-operator'), clusterPolicy({}), daemonSet('gpu-operator', 'nvidia-device-plugin-daemonset', { app: 'nvidia-device-plugin-daemonset', ...GPU_OPERATOR_OPERAND }), operatorDevicePluginPod(NODE)];
}

/** An operand pod of the GPU Operator, bound to the GPU node, with its DaemonSet. */
function operand(ds: string, app: string, containers: string[], initContainers: string[] = []): { objects: KubeObject[]; pod: Pod } {
  const labels = { app, ...GPU_OPERATOR_OPERAND };
  const p = daemonPod('gpu-operator', ds, NODE, labels, {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    ...(initContainers.length ? { initContainerStatuses: initContainers.map((name) => ({ name, ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } })) } : {}),
    containerStatuses: containers.map((name) => ({ name, ready: false, restartCount: initContainers.length ? 0 : 5, state: initContainers.length ? { waiting: { reason: 'PodInitializing' } } : { waiting: { reason: 'CrashLoopBackOff' } } })),
  });
  p.spec = { nodeName: NODE, containers: containers.map((name) => ({ name, image: 'nvcr.io/nvidia/x' })), ...(initContainers.length ? { initContainers: initContainers.map((name) => ({ name, image: 'nvcr.io/nvidia/gpu-operator-validator' })) } : {}) };
  const base = operatorBase().filter((o) => !(o.metadata.name.startsWith(ds)));
  return { objects: [...base, daemonSet('gpu-operator', ds, labels), p], pod: p };
}

/** The pod of each place and the container that prints the text. */
const PLACES: Record<Exclude<Place, 'node'>, (row: Wording) => { objects: KubeObject[]; pod: Pod; container: string }> = {
  workload: (row) => {
    const p = gpuWorkload(row);
    return { objects: [...standaloneDevicePlugin(), p], pod: p, container: 'main' };
  },
  'workload-without-plugin': (row) => {
    const p = gpuWorkload(row);
    return { objects: [p], pod: p, container: 'main' };
  },
  'hami-workload': (row) => {
    const p = gpuWorkload(row);
    (p.spec as Record<string, unknown>).schedulerName = 'hami-scheduler';
    // HAMi's plugin registered the node, unless the row says it did not
    return { objects: [...hami(), ...(/unregistered/.test(row.id) ? [] : [hamiDevicePluginPod(NODE)]), p], pod: p, container: 'main' };
  },
  validator: () => {
    const { objects, pod } = operand('nvidia-operator-validator', 'nvidia-operator-validator', ['nvidia-operator-validator'], ['driver-validation', 'toolkit-validation', 'cuda-validation', 'plugin-validation']);
    return { objects, pod, container: 'driver-validation' };
  },
  'device-plugin': () => ({ ...operand('nvidia-device-plugin-daemonset', 'nvidia-device-plugin-daemonset', ['nvidia-device-plugin']), container: 'nvidia-device-plugin' }),
  driver: () => ({ ...operand('nvidia-driver-daemonset', 'nvidia-driver-daemonset', ['nvidia-driver-ctr']), container: 'nvidia-driver-ctr' }),
  toolkit: () => ({ ...operand('nvidia-container-toolkit-daemonset', 'nvidia-container-toolkit-daemonset', ['nvidia-container-toolkit-ctr']), container: 'nvidia-container-toolkit-ctr' }),
  operator: () => {
    const p = pod('gpu-operator', 'gpu-operator-6b8f9c7d5-x2x9q', { labels: { app: 'gpu-operator' }, spec: { containers: [{ name: 'gpu-operator', image: 'nvcr.io/nvidia/gpu-operator:v25.3.0' }] } });
    return { objects: [...operatorBase(), p], pod: p, container: 'gpu-operator' };
  },
  'hami-scheduler': (row) => {
    const p = pod('hami-system', 'hami-scheduler-7d9f8b6c4-abcde', {
      labels: { 'app.kubernetes.io/component': 'hami-scheduler', 'app.kubernetes.io/name': 'hami', 'app.kubernetes.io/instance': 'hami' },
      spec: { containers: [{ name: 'kube-scheduler', image: 'registry.k8s.io/kube-scheduler:v1.29.0' }, { name: 'vgpu-scheduler-extender', image: 'projecthami/hami:v2.5.0' }] },
    });
    return { objects: [...hami(), p, gpuWorkload(row)], pod: p, container: 'vgpu-scheduler-extender' };
  },
};

function event(p: Pod, reason: string, message: string): KubeObject {
  return kubeObject('v1', 'Event', `${p.metadata.name}.1`, p.metadata.namespace, {}, {
    involvedObject: { kind: 'Pod', name: p.metadata.name, namespace: p.metadata.namespace },
    reason,
    type: 'Warning',
    message,
    source: { component: 'kubelet', host: NODE },
  } as Partial<KubeObject>);
}

/** How each channel puts a text on a place. */
function scene(row: Wording, channel: WordingChannel, text: string): Scene {
  const where = placeOf(row, channel);
  const node = gpuNode(NODE);
  if (where === 'node') {
    const probed = nodeHostFor(row, channel, text);
    NODE_SETUP[row.id]?.(node, probed);
    return { objects: [node, ...(NODE_PODS[row.id]?.() ?? [])], nodes: { [NODE]: probed } };
  }
  const { objects, pod: p, container } = PLACES[where](row);
  const all: KubeObject[] = [node, ...objects];
  const logs: Record<string, string> = {};
  const nodes: Record<string, NodeHost> = {};
  SETUP[row.id]?.({ row, node, pod: p, container, objects: all, nodes });
  if (ADMISSION.test(row.id) && channel === 'pod-status') {
    p.status = { ...p.status, message: text };
    return { objects: all, nodes };
  }
  switch (channel) {
    case 'event':
    case 'api-error':
      all.push(event(p, reasonOf(row), text));
      break;
    case 'pod-status': {
      const scheduled = p.status?.conditions?.find((c) => c.type === 'PodScheduled');
      if (scheduled) {
        scheduled.message = text;
        break;
      }
      const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
      const status = statuses.find((s) => s.name === container) ?? statuses[0]!;
      status.state = { waiting: { reason: waitingReasonOf(row), message: text } };
      break;
    }
    case 'log':
      logs[`${p.metadata.namespace}/${p.metadata.name}/${container}`] = `${text}\n`;
      break;
    default:
      throw new Error(`${row.id}: channel ${channel} has no place on a pod`);
  }
  return { objects: all, logs, nodes };
}

interface SetupArgs {
  row: Wording;
  node: Node;
  pod: Pod;
  container: string;
  objects: KubeObject[];
  nodes: Record<string, NodeHost>;
}

/** A containerd 2 node whose config defines the nvidia runtime as an extra handler, runc the default (k3s, RKE2). */
const NVIDIA_NOT_DEFAULT = `version = 3
[plugins."io.containerd.cri.v1.runtime".containerd]
  default_runtime_name = "runc"
[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.nvidia.options]
  BinaryName = "/usr/bin/nvidia-container-runtime"
`;

function runcDefault(a: SetupArgs): void {
  a.nodes[NODE] = host({ '/etc/containerd/config.toml': NVIDIA_NOT_DEFAULT }, { 'containerd-config-dump': NVIDIA_NOT_DEFAULT, 'runtime-binaries': '/usr/bin/nvidia-container-runtime\n/usr/bin/runc\n' });
}

function gpuTaint(a: SetupArgs): void {
  a.node.spec = { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] };
}

function gpuLabelMissing(a: SetupArgs): void {
  delete a.node.metadata.labels!['nvidia.com/gpu.present'];
  a.pod.spec!.nodeSelector = { 'nvidia.com/gpu.present': 'true' };
}

/** Pods a node scene holds besides the node: the operand that fails because of what the node's probe shows. */
const NODE_PODS: Record<string, () => KubeObject[]> = {
  'nvidia-smi/gpu-lost': () => PLACES['device-plugin'](WORDINGS[0]!).objects,
  'nvidia-smi/nvml-unknown-error': () => PLACES['device-plugin'](WORDINGS[0]!).objects,
};

/**
 * What a node scene needs besides the text: containerd 2 migrating a version 2 root config while the toolkit's
 * drop-in says version 3 (the migration line is then the toolkit's problem, not a note).
 */
const NODE_SETUP: Record<string, (node: Node, probed: NodeHost) => void> = {
  'containerd/config-migrated': (node, probed) => {
    node.status = { ...node.status, nodeInfo: { containerRuntimeVersion: 'containerd://2.1.4', kubeletVersion: 'v1.31.2' } };
    probed.files.set('/etc/containerd/config.toml', 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n');
    probed.files.set('/etc/containerd/conf.d/99-nvidia.toml', NVIDIA_NOT_DEFAULT);
  },
};

/** What the scene needs besides the text, per row: the facts a real cluster shows with it. */
const SETUP: Record<string, (a: SetupArgs) => void> = {
  'scheduler/untolerated-taint': gpuTaint,
  'scheduler/taint-not-tolerated-old': gpuTaint,
  'scheduler/taints-generic': gpuTaint,
  'scheduler/no-nodes-available': () => {},
  'scheduler/node-affinity-selector': gpuLabelMissing,
  'scheduler/node-affinity-old': gpuLabelMissing,
  'kubelet/image-pull-failed': (a) => {
    const image = a.row.captures.image!;
    a.pod.spec = { ...a.pod.spec, containers: [{ name: a.container, image }] };
    a.pod.status = { ...a.pod.status, containerStatuses: [{ name: a.container, ready: false, restartCount: 0, image, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } } }] };
  },
  // a pod naming RuntimeClass nvidia (which exists) on a Docker node: dockershim takes no handler
  'dockershim/runtime-handler-not-supported': (a) => {
    a.pod.spec = { ...a.pod.spec, runtimeClassName: 'nvidia' };
    a.objects.push(kubeObject('node.k8s.io/v1', 'RuntimeClass', 'nvidia', undefined, {}, { handler: 'nvidia' } as Partial<KubeObject>));
  },
  'k8s-device-plugin/nvml-init-failed': runcDefault,
  'k8s-device-plugin/incompatible-strategy': runcDefault,
  'k8s-device-plugin/non-nvml-platform': runcDefault,
  'nvidia-container-runtime-hook/invoked-directly': runcDefault,
  'pytorch/no-driver': runcDefault,
  'k8s-device-plugin/no-devices-found': (a) => {
    a.node.status = { capacity: { 'nvidia.com/gpu': '0' }, allocatable: { 'nvidia.com/gpu': '0' } };
  },
  'gpu-operator/nfd-labels-missing': (a) => {
    a.node.metadata.labels = {};
    a.node.status = {};
  },
};

function nodeHostFor(row: Wording, channel: WordingChannel, text: string): NodeHost {
  if (channel === 'node-journal') return host({}, { [journalOf(row)]: `${text}\n` });
  const exit = NVIDIA_SMI_EXIT_CODES.find((c) => c.printed && text.startsWith(c.printed.slice(0, 30)))?.code ?? 1;
  return host({}, { [commandOf(row)]: { stdout: row.id.startsWith('nvrm/') ? `${text}\n` : '', stderr: row.id.startsWith('nvrm/') ? undefined : `${text}\n`, exitCode: row.id.startsWith('nvrm/') ? 0 : exit } });
}

/** The probe command that captures a host service's journal (src/sources/probe-commands.ts). */
function journalOf(row: Wording): string {
  if (row.id.startsWith('crio/')) return 'journal-crio';
  if (row.id.startsWith('nvrm/')) return 'kernel-nvidia';
  if (row.id.startsWith('fabric-manager/')) return 'journal-fabricmanager';
  return 'journal-containerd';
}

function placeOf(row: Wording, channel: WordingChannel): Place {
  if (channel === 'node-command' || channel === 'node-journal') return 'node';
  return ROW_PLACES[row.id]?.[channel] ?? ROW_PLACES[row.id]?.any ?? 'workload';
}

function reasonOf(row: Wording): string {
  if (row.id === 'hami/filtering-failed-no-node') return 'FilteringFailed';
  if (/^scheduler\//.test(row.id) || /^hami\//.test(row.id)) return 'FailedScheduling';
  if (/^kubelet\/(devices|allocate|plugin|no-healthy|allocated|unregistered|unknown|preferred)/.test(row.id)) return 'UnexpectedAdmissionError';
  if (/image-pull/.test(row.id)) return 'Failed';
  if (/sandbox|runtime-handler|runtimeclass|no-runtime|empty-runtime/.test(row.id)) return 'FailedCreatePodSandBox';
  return 'Failed';
}

function waitingReasonOf(row: Wording): string {
  return /runtime|hook|cli|binary/.test(row.id) ? 'RunContainerError' : 'CreateContainerError';
}

function commandOf(row: Wording): string {
  if (/^nvidia-smi\/|^shell\//.test(row.id)) return 'nvidia-smi';
  if (/^nvidia-ctk/.test(row.id)) return 'containerd-config-dump';
  if (/^nvrm\//.test(row.id)) return 'kernel-nvidia';
  return 'unknown';
}

/** Per row, per channel (or any), the place that prints the text when it is not a GPU workload. */
const ROW_PLACES: Record<string, Partial<Record<WordingChannel | 'any', Place>>> = {
  // a prestart hook or a CDI device that fails an operand's container: the operand is what is unhealthy
  'runc/hook-failed-1.0': { any: 'device-plugin' },
  'runc/hook-failed-1.1': { any: 'device-plugin' },
  'runc/hook-failed-1.2': { any: 'device-plugin' },
  'nvidia-container-runtime/cdi-unresolvable': { any: 'device-plugin' },
  'gpu-operator/validator-command-retry': { any: 'validator' },
  'gpu-operator/validator-driver-not-ready': { any: 'validator' },
  'gpu-operator/validator-toolkit-not-ready': { any: 'validator' },
  'gpu-operator/validator-gpu-resources-not-discovered': { any: 'validator' },
  'gpu-operator/validator-pod-gave-up': { any: 'validator' },
  'gpu-operator/nfd-labels-missing': { any: 'operator' },
  'gpu-operator/kernel-label-missing': { any: 'operator' },
  'gpu-driver-container/kernel-version-unresolved': { any: 'driver' },
  'gpu-driver-container/package-cache-update-failed': { any: 'driver' },
  'gpu-driver-container/driver-in-use': { any: 'driver' },
  'gpu-driver-container/fabric-manager-config-missing': { any: 'driver' },
  'nvidia-installer/kernel-module-load-failed': { any: 'driver' },
  'nvidia-installer/kernel-source-missing': { any: 'driver' },
  'fabric-manager/version-mismatch': { log: 'driver' },
  'fabric-manager/failed-to-start': { log: 'driver' },
  'k8s-device-plugin/nvml-init-failed': { any: 'device-plugin' },
  'k8s-device-plugin/incompatible-strategy': { any: 'device-plugin' },
  'k8s-device-plugin/non-nvml-platform': { any: 'device-plugin' },
  'k8s-device-plugin/no-devices-found': { any: 'device-plugin' },
  'nvidia-ctk/unsupported-containerd-config-version': { log: 'toolkit' },
  'hami/node-unregistered': { any: 'hami-scheduler' },
  'hami/node-unregistered-event': { any: 'hami-workload' },
  'hami/filtering-failed-no-node': { any: 'hami-workload' },
  'hami/card-insufficient': { any: 'hami-workload' },
  // nvidia-smi as the driver validator runs it; GPU-lost and NVML errors as the device plugin prints them
  'nvidia-smi/cannot-communicate': { log: 'validator' },
  'nvidia-smi/library-not-found': { log: 'validator' },
  'nvidia-smi/nvml-version-mismatch': { log: 'validator' },
  'nvidia-smi/no-devices': { log: 'validator' },
  'nvidia-smi/gpu-lost': { log: 'device-plugin' },
  'nvidia-smi/nvml-unknown-error': { log: 'device-plugin' },
  'kubelet/unregistered-device': { any: 'workload-without-plugin' },
  'kubelet/image-pull-failed': { any: 'driver' },
  'kubelet/unknown-device-plugin': { any: 'workload-without-plugin' },
};

/** The finding the context implies, where it is one of a row's alsoMeans rather than its finding (`id` or `id channel`). */
const EXPECT: Record<string, string> = {
  // the node advertises its GPU: the plugin validator failing is what the scene shows
  'gpu-operator/validator-gpu-resources-not-discovered': 'validator-failed',
  // the workload is refused at admission; the plugin's answer is quoted there
  'kubelet/preferred-allocation-failed': 'unexpected-admission-error',
  // the driver's image for the node's OS does not exist: not a registry problem
  'kubelet/image-pull-failed': 'driver-image-unavailable',
  // error 802 is the fabric manager's (the row's note: the code decides)
  'pytorch/unexpected-device-count-error': 'fabric-manager-not-running',
};

function findingsFor(s: Scene): Finding[] {
  const facts = factsOf(s.objects, {
    logs: new Map(Object.entries(s.logs ?? {})),
    nodes: new Map(Object.entries(s.nodes ?? {})),
  });
  return runChecks(ALL_CHECKS, facts).findings;
}

/** Every row in every channel a snapshot holds ('hand-run' texts reach no snapshot: see HAND_RUN below). */
const CASES = WORDINGS.flatMap((row) => row.channels.filter((channel) => channel !== 'hand-run').map((channel) => [`${row.id} via ${channel}` as string, row, channel] as const));

/** Why a row's text does not reach its finding in its scene, or undefined when it does. */
function miss(row: Wording, channel: WordingChannel): string | undefined {
  try {
    return missIn(row, channel);
  } catch (err) {
    return String(err);
  }
}

function missIn(row: Wording, channel: WordingChannel): string | undefined {
  const text = row.sample;
  const line = matchWordings(text, [row])[0]!.line;
  const expected = EXPECT[`${row.id} ${channel}`] ?? EXPECT[row.id] ?? row.finding;
  const findings = findingsFor(scene(row, channel, text));
  const hit = findings.filter((f) => f.name === expected && f.severity !== 'ok');
  const names = findings.filter((f) => f.severity !== 'ok').map((f) => f.name);
  if (hit.length === 0) return `no ${expected}; got ${names.join(', ') || 'nothing'}`;
  const quoted = hit.some((f) => [f.message, ...f.evidence].some((e) => e.includes(line) || row.pattern.test(e)));
  if (!quoted) return `${expected} does not quote "${line}":\n${hit.flatMap((f) => f.evidence).join('\n')}`;
  return undefined;
}

describe('every wording row reaches its finding through the checks', () => {
  it.each(CASES)('%s', (name, row, channel) => {
    expect(miss(row, channel) ?? 'reaches its finding', name).toBe('reaches its finding');
  });
});

/**
 * Rows printed only on the terminal of whoever runs the command (channel 'hand-run'): what that command prints
 * for a command line, as its source decides it, and a command line that makes it print the row. No check can
 * see these texts; what gpuctl can do is never tell anyone to run a command that prints them.
 */
const HAND_RUN: Record<string, { prints: (command: string) => string | undefined; wrong: string }> = {
  // nvidia-ctk runtime configure's validateFlags (v1.18.0 cmd/nvidia-ctk/runtime/configure/configure.go:273):
  // a --drop-in-config that is not absolute, for containerd or CRI-O
  'nvidia-ctk/drop-in-not-absolute': {
    prints: (command) => {
      if (!/\bnvidia-ctk runtime configure\b/.test(command) || /--runtime[= ]docker\b/.test(command)) return undefined;
      const path = /--drop-in-config[= ]("?)([^\s"]*)\1/.exec(command)?.[2];
      return path && !path.startsWith('/') ? `the drop-in-config path "${path}" is not an absolute path` : undefined;
    },
    wrong: 'sudo nvidia-ctk runtime configure --runtime=containerd --drop-in-config=conf.d/99-nvidia.toml',
  },
};

const HAND_RUN_ROWS = WORDINGS.filter((row) => row.channels.includes('hand-run'));

const on = (n: Node, runtime: string): Node => ({ ...n, status: { ...n.status, nodeInfo: { containerRuntimeVersion: runtime, kubeletVersion: 'v1.31.2' } } });

/** Nodes whose fixes write a drop-in: the toolkit's drop-in outside containerd's imports; CRI-O with nvidia not the default. */
const DROP_IN_SCENES: Scene[] = [
  {
    objects: [on(gpuNode(NODE), 'containerd://2.0.4')],
    nodes: { [NODE]: host({ '/etc/containerd/config.toml': 'version = 3\n', '/etc/containerd/conf.d/99-nvidia.toml': NVIDIA_NOT_DEFAULT }) },
  },
  {
    objects: [on(gpuNode(NODE), 'cri-o://1.31.1'), gpuWorkload()],
    nodes: { [NODE]: host({ '/etc/crio/crio.conf': '[crio.runtime]\ndefault_runtime = "crun"\n', '/etc/crio/crio.conf.d/99-nvidia.toml': '[crio.runtime.runtimes.nvidia]\nruntime_path = "/usr/bin/nvidia-container-runtime"\nruntime_type = "oci"\n' }, { 'runtime-binaries': '/usr/bin/nvidia-container-runtime\n/usr/bin/crun\n' }) },
  },
];

/** Every fix command gpuctl prints on the examples, the real cases, every wording scene and the drop-in scenes. */
async function fixCommands(): Promise<string[]> {
  const commands = new Set<string>();
  const add = (findings: Finding[]) => findings.forEach((f) => f.fix?.commands.forEach((c) => commands.add(c)));
  for (const [, row, channel] of CASES) add(findingsFor(scene(row, channel, row.sample)));
  for (const s of DROP_IN_SCENES) add(findingsFor(s));
  const inputs = [...readdirSync(path.join(ROOT, 'examples'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `examples/${d.name}`), ...readdirSync(path.join(ROOT, 'test/cases/real'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `test/cases/real/${d.name}`)];
  for (const dir of inputs) add(runChecks(ALL_CHECKS, new Facts(await loadSnapshot(path.join(ROOT, dir)))).findings);
  return [...commands];
}

describe('rows printed only to whoever runs the command', () => {
  it('each has what its command prints (and only those rows do)', () => {
    expect(Object.keys(HAND_RUN).sort()).toEqual(HAND_RUN_ROWS.map((row) => row.id).sort());
  });

  it.each(HAND_RUN_ROWS.map((row) => [row.id, row] as const))('%s: the wrong command line prints the row, with its captures', (id, row) => {
    const printed = HAND_RUN[id]!.prints(HAND_RUN[id]!.wrong);
    expect(printed).toBeDefined();
    expect(matchWordings(printed!, [row])[0]?.captures).toEqual(row.captures);
  });

  it('no fix command gpuctl prints makes its command print one of them', { timeout: 120_000 }, async () => {
    const commands = await fixCommands();
    // the fixes that write the nvidia runtime's drop-in are among them (the check is not vacuous)
    const dropIns = commands.filter((c) => /nvidia-ctk runtime configure .*--drop-in-config=/.test(c));
    expect(dropIns.filter((c) => /--runtime=containerd/.test(c)).length, dropIns.join('\n')).toBeGreaterThan(0);
    expect(dropIns.filter((c) => /--runtime=crio --set-as-default/.test(c)).length, dropIns.join('\n')).toBeGreaterThan(0);
    const printing = commands.flatMap((c) => HAND_RUN_ROWS.map((row) => HAND_RUN[row.id]!.prints(c)).filter(Boolean).map((p) => `${c} → ${p}`));
    expect(printing).toEqual([]);
  });
});

// WORDFEED_REPORT=1 prints why each row misses (to work down the exceptions).
describe.runIf(process.env.WORDFEED_REPORT)('report', () => {
  it('prints the misses', () => {
    for (const [name, row, channel] of CASES) {
      const why = miss(row, channel);
      if (why) console.log(`MISS ${name}: ${why.slice(0, 400)}`);
    }
  });
});
