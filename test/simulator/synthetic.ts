// Synthetic GPU clusters of any size for the simulator and the benchmarks: GPU nodes labelled by NFD and
// GFD, the GPU Operator's operand pods on every node, workload pods, a deterministic share of broken
// nodes and pods, and the events and logs that come with them. Same seed, same cluster.
//
// Constant parts of objects (tolerations, volumes, env) are shared between objects to keep 100,000 pods
// cheap: treat the objects as read-only, as the simulator and the facts layer do.
import type { KubeObject } from '../../src/facts/kube.js';
import { type Collection, emptyCollection, logKey } from '../../src/collection/collection.js';

export interface SyntheticOptions {
  nodes: number;
  /** Pods per node, operands included (the GPU Operator puts 9 on each node). */
  podsPerNode: number;
  /** Share of nodes and of workload pods that are broken, 0..1. */
  brokenFraction?: number;
  seed?: number;
  /**
   * The cluster's "now": creation and event times lie before it. Fixed by default so that a seed always
   * gives the same cluster; pass the current time when serving it live to a doctor that reads ages.
   */
  now?: string;
}

/** Ways a node breaks; each one leaves the evidence a real cluster would show. */
export const NODE_FAULTS = ['not-ready', 'device-plugin-crash', 'gfd-labels-missing', 'driver-crash'] as const;
/** Ways a workload pod breaks. */
export const POD_FAULTS = ['image-pull', 'insufficient-gpu', 'crash-loop', 'admission-error', 'runtime-missing'] as const;

export interface SyntheticCluster extends Collection {
  /** What was broken where, so tests can assert what a doctor should find. */
  broken: { nodes: Map<string, (typeof NODE_FAULTS)[number]>; pods: Map<string, (typeof POD_FAULTS)[number]> };
}

const OPERATOR_VERSION = 'v24.6.2';
const VALIDATOR_IMAGE = `nvcr.io/nvidia/cloud-native/gpu-operator-validator:${OPERATOR_VERSION}`;
const GPU_PRODUCT = 'NVIDIA-A100-SXM4-80GB';
const GPUS_PER_NODE = 8;
const NAMESPACE_OPERATOR = 'gpu-operator';
const TEAMS = ['ml-research', 'ml-serving', 'data-platform', 'vision'];
/** The alphabet of generated name suffixes (k8s.io/apimachinery/pkg/util/rand). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface OperandSpec {
  app: string;
  container: string;
  image: string;
  deployLabel: string;
  /** Completed, run-once validation pods, not DaemonSet pods. */
  completed?: boolean;
  init?: string[];
}

const OPERANDS: OperandSpec[] = [
  { app: 'nvidia-driver-daemonset', container: 'nvidia-driver-ctr', image: 'nvcr.io/nvidia/driver:550.90.07-ubuntu22.04', deployLabel: 'driver', init: ['k8s-driver-manager'] },
  { app: 'nvidia-container-toolkit-daemonset', container: 'nvidia-container-toolkit-ctr', image: 'nvcr.io/nvidia/k8s/container-toolkit:v1.16.2-ubuntu20.04', deployLabel: 'container-toolkit', init: ['driver-validation'] },
  { app: 'nvidia-device-plugin-daemonset', container: 'nvidia-device-plugin', image: 'nvcr.io/nvidia/k8s-device-plugin:v0.16.2-ubi8', deployLabel: 'device-plugin', init: ['toolkit-validation'] },
  { app: 'gpu-feature-discovery', container: 'gpu-feature-discovery', image: 'nvcr.io/nvidia/k8s-device-plugin:v0.16.2-ubi8', deployLabel: 'gpu-feature-discovery', init: ['toolkit-validation'] },
  { app: 'nvidia-dcgm-exporter', container: 'nvidia-dcgm-exporter', image: 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.7-3.5.0-ubuntu22.04', deployLabel: 'dcgm-exporter', init: ['toolkit-validation'] },
  { app: 'nvidia-operator-validator', container: 'nvidia-operator-validator', image: VALIDATOR_IMAGE, deployLabel: 'operator-validator', init: ['driver-validation', 'toolkit-validation', 'cuda-validation', 'plugin-validation'] },
  { app: 'gpu-operator-node-feature-discovery-worker', container: 'worker', image: 'registry.k8s.io/nfd/node-feature-discovery:v0.16.3', deployLabel: '' },
  { app: 'nvidia-cuda-validator', container: 'nvidia-cuda-validator', image: VALIDATOR_IMAGE, deployLabel: 'operator-validator', completed: true, init: ['cuda-validation'] },
];

const KUBE_PROXY_IMAGE = 'registry.k8s.io/kube-proxy:v1.30.4';
/** Operands plus kube-proxy: the pods every node carries before any workload. */
export const SYSTEM_PODS_PER_NODE = OPERANDS.length + 1;

const WORKLOAD_IMAGES = [
  'pytorch/pytorch:2.4.1-cuda12.4-cudnn9-runtime',
  'nvcr.io/nvidia/tritonserver:24.08-py3',
  'vllm/vllm-openai:v0.6.1',
  'nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04',
];

// Shared, never-mutated pieces of pod specs.
const DEFAULT_TOLERATIONS = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
];
const OPERAND_TOLERATIONS = [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }, ...DEFAULT_TOLERATIONS];
const OPERAND_ENV = [
  { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' },
  { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'all' },
  { name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
];
const OPERAND_VOLUMES = [
  { hostPath: { path: '/run/nvidia', type: 'Directory' }, name: 'run-nvidia' },
  { hostPath: { path: '/var/lib/kubelet/device-plugins', type: '' }, name: 'device-plugin' },
  { name: 'kube-api-access', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } },
];
const OPERAND_MOUNTS = [
  { mountPath: '/run/nvidia', mountPropagation: 'HostToContainer', name: 'run-nvidia' },
  { mountPath: '/var/lib/kubelet/device-plugins', name: 'device-plugin' },
  { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access', readOnly: true },
];
const WORKLOAD_MOUNTS = [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: 'kube-api-access', readOnly: true }];
const WORKLOAD_VOLUMES = [OPERAND_VOLUMES[2]];

type Json = Record<string, unknown>;

export function syntheticCluster(options: SyntheticOptions): SyntheticCluster {
  const { nodes: nodeCount, podsPerNode } = options;
  const brokenFraction = Math.min(1, Math.max(0, options.brokenFraction ?? 0.02));
  const random = prng(options.seed ?? 1);
  const now = Date.parse(options.now ?? '2025-06-01T12:00:00Z');
  const collection = emptyCollection(`synthetic ${nodeCount} nodes × ${podsPerNode} pods (seed ${options.seed ?? 1})`);
  const cluster: SyntheticCluster = { ...collection, broken: { nodes: new Map(), pods: new Map() } };
  cluster.meta = { capturedAt: new Date(now).toISOString(), context: 'synthetic', serverVersion: 'v1.30.4' };
  const objects = cluster.objects;

  let rv = 100000;
  const nextRv = () => String((rv += 1 + Math.floor(random() * 5)));
  const hex = (n: number) => {
    let s = '';
    while (s.length < n) {
      const r = (random() * 0x100000000) >>> 0;
      s += HEX_BYTES[r & 255]! + HEX_BYTES[(r >>> 8) & 255]! + HEX_BYTES[(r >>> 16) & 255]! + HEX_BYTES[r >>> 24]!;
    }
    return s.length === n ? s : s.slice(0, n);
  };
  const uid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(random() * 4)]}${hex(3)}-${hex(12)}`;
  const suffix = (n = 5) => {
    let s = '';
    for (let i = 0; i < n; i++) s += SUFFIX_ALPHABET[Math.floor(random() * SUFFIX_ALPHABET.length)];
    return s;
  };
  /** `prefix-xxxxx`, drawn again on a clash, as the API server's generateName does. */
  const usedNames = new Set<string>();
  const generateName = (namespace: string, prefix: string) => {
    let name: string;
    do name = prefix + suffix();
    while (usedNames.has(`${namespace}/${name}`));
    usedNames.add(`${namespace}/${name}`);
    return name;
  };
  // Times fall on whole minutes and each distinct one is built once: 100,000 pods share a few thousand strings.
  const isoTimes = new Map<number, string>();
  const ago = (maxSeconds: number, minSeconds = 0) => {
    const minute = Math.floor((minSeconds + random() * (maxSeconds - minSeconds)) / 60);
    let iso = isoTimes.get(minute);
    if (!iso) isoTimes.set(minute, (iso = new Date(now - minute * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')));
    return iso;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const meta = (name: string, namespace: string | undefined, labels: Record<string, string>, created: string, extra: Json = {}): Json => ({
    name,
    ...(namespace ? { namespace } : {}),
    uid: uid(),
    resourceVersion: nextRv(),
    creationTimestamp: created,
    labels,
    ...extra,
  });
  const push = (obj: Json) => objects.push(obj as unknown as KubeObject);

  // Namespaces, the operator's cluster-wide objects.
  const clusterCreated = ago(400 * 86400, 300 * 86400);
  for (const ns of ['default', 'kube-system', NAMESPACE_OPERATOR, ...TEAMS]) {
    push({ apiVersion: 'v1', kind: 'Namespace', metadata: meta(ns, undefined, { 'kubernetes.io/metadata.name': ns }, clusterCreated), spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  }
  push({
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: meta('nvidia', undefined, { 'app.kubernetes.io/component': 'gpu-operator' }, clusterCreated),
    handler: 'nvidia',
  });
  push({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: meta('clusterpolicies.nvidia.com', undefined, { 'app.kubernetes.io/component': 'gpu-operator' }, clusterCreated),
    spec: {
      group: 'nvidia.com',
      names: { kind: 'ClusterPolicy', listKind: 'ClusterPolicyList', plural: 'clusterpolicies', singular: 'clusterpolicy' },
      scope: 'Cluster',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
    status: { acceptedNames: { kind: 'ClusterPolicy', plural: 'clusterpolicies' }, storedVersions: ['v1'] },
  });

  const width = String(nodeCount).length < 4 ? 4 : String(nodeCount).length;
  const nodeNames: string[] = [];
  const events: Json[] = [];
  const logs = cluster.logs;
  const dsReady = new Map<string, number>(OPERANDS.map((o) => [o.app, 0]));
  const event = (involved: { kind: string; name: string; namespace?: string; uid?: string }, reason: string, message: string, type: string, component: string, host?: string, count = 1) => {
    const ns = involved.namespace ?? 'default';
    const last = ago(3600);
    events.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${involved.name}.${hex(16)}`, namespace: ns, uid: uid(), resourceVersion: nextRv(), creationTimestamp: last },
      involvedObject: { apiVersion: 'v1', kind: involved.kind, name: involved.name, ...(involved.namespace ? { namespace: involved.namespace } : {}), ...(involved.uid ? { uid: involved.uid } : {}) },
      reason,
      message,
      type,
      count,
      firstTimestamp: ago(86400, 3600),
      lastTimestamp: last,
      source: { component, ...(host ? { host } : {}) },
      reportingComponent: component,
      reportingInstance: host ?? '',
    });
  };

  const containerSpec = (name: string, image: string, extra: Json = {}): Json => ({
    name,
    image,
    imagePullPolicy: 'IfNotPresent',
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    ...extra,
  });
  const running = (since: string) => ({ running: { startedAt: since } });
  const completed = (since: string) => ({ terminated: { exitCode: 0, reason: 'Completed', startedAt: since, finishedAt: since, containerID: `containerd://${hex(64)}` } });
  /** One digest per image, as a registry has. */
  const digests = new Map<string, string>();
  const imageDigest = (image: string) => {
    let digest = digests.get(image);
    if (!digest) digests.set(image, (digest = `${image.split(':')[0]}@sha256:${hex(64)}`));
    return digest;
  };
  const status = (name: string, image: string, state: Json, ready: boolean, restartCount = 0, lastState: Json = {}): Json => ({
    name,
    image,
    imageID: state.waiting ? '' : imageDigest(image),
    ...(state.waiting ? {} : { containerID: `containerd://${hex(64)}` }),
    ready,
    restartCount,
    started: !!state.running,
    state,
    lastState,
  });
  const conditionSets = new Map<string, Json[]>();
  const podConditions = (ready: boolean, since: string, scheduled = true): Json[] => {
    const key = `${ready}/${scheduled}/${since}`;
    let set = conditionSets.get(key);
    if (!set) conditionSets.set(key, (set = buildConditions(ready, since, scheduled)));
    return set;
  };
  const buildConditions = (ready: boolean, since: string, scheduled: boolean): Json[] => [
    { type: 'PodReadyToStartContainers', status: scheduled ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: since },
    { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: since },
    { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: since },
    { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: since },
    { type: 'PodScheduled', status: scheduled ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: since },
  ];
  /** A pod's IPs as the kubelet reports them; a pod rejected at admission never got its own. */
  const addresses = (hostIP: string, podIP: string | undefined): Json => ({
    hostIP,
    hostIPs: [{ ip: hostIP }],
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
  });
  let podIndex = 0;
  const nextPodIP = () => {
    const i = podIndex++;
    return `10.${244 + ((i >> 16) & 7)}.${(i >> 8) & 255}.${i & 255}`;
  };

  for (let n = 0; n < nodeCount; n++) {
    const nodeName = `gpu-node-${String(n + 1).padStart(width, '0')}`;
    nodeNames.push(nodeName);
    const nodeFault = random() < brokenFraction ? pick(NODE_FAULTS) : undefined;
    if (nodeFault) cluster.broken.nodes.set(nodeName, nodeFault);
    const created = ago(300 * 86400, 30 * 86400);
    const hostIP = `10.0.${((n + 10) >> 8) & 255}.${(n + 10) & 255}`;
    const labels: Record<string, string> = {
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': nodeName,
      'kubernetes.io/os': 'linux',
      'node.kubernetes.io/instance-type': 'p4d.24xlarge',
      'topology.kubernetes.io/zone': `us-east-1${'abc'[n % 3]}`,
      'feature.node.kubernetes.io/cpu-model.vendor_id': 'Intel',
      'feature.node.kubernetes.io/kernel-version.full': '5.15.0-119-generic',
      'feature.node.kubernetes.io/pci-10de.present': 'true',
      'feature.node.kubernetes.io/system-os_release.ID': 'ubuntu',
      'feature.node.kubernetes.io/system-os_release.VERSION_ID': '22.04',
      'nvidia.com/gpu.deploy.container-toolkit': 'true',
      'nvidia.com/gpu.deploy.dcgm-exporter': 'true',
      'nvidia.com/gpu.deploy.device-plugin': 'true',
      'nvidia.com/gpu.deploy.driver': 'true',
      'nvidia.com/gpu.deploy.gpu-feature-discovery': 'true',
      'nvidia.com/gpu.deploy.operator-validator': 'true',
    };
    if (nodeFault !== 'gfd-labels-missing') {
      Object.assign(labels, {
        'nvidia.com/gpu.present': 'true',
        'nvidia.com/gpu.product': GPU_PRODUCT,
        'nvidia.com/gpu.count': String(GPUS_PER_NODE),
        'nvidia.com/gpu.memory': '81920',
        'nvidia.com/gpu.family': 'ampere',
        'nvidia.com/gpu.machine': 'p4d.24xlarge',
        'nvidia.com/cuda.driver.major': '550',
        'nvidia.com/cuda.driver.minor': '90',
        'nvidia.com/cuda.driver.rev': '07',
        'nvidia.com/cuda.runtime.major': '12',
        'nvidia.com/cuda.runtime.minor': '4',
        'nvidia.com/mig.capable': 'true',
        'nvidia.com/gfd.timestamp': String(Math.floor(Date.parse(created) / 1000)),
      });
    }
    const gpus = nodeFault === 'device-plugin-crash' || nodeFault === 'driver-crash' ? '0' : String(GPUS_PER_NODE);
    const capacity = { cpu: '96', 'ephemeral-storage': '1056753660Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '1176445284Ki', pods: '110', 'nvidia.com/gpu': gpus };
    const ready = nodeFault !== 'not-ready';
    const heartbeat = ago(60);
    push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: meta(nodeName, undefined, labels, created, {
        annotations: {
          'nfd.node.kubernetes.io/feature-labels': 'cpu-model.vendor_id,kernel-version.full,pci-10de.present,system-os_release.ID,system-os_release.VERSION_ID',
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
      }),
      spec: { podCIDR: `10.244.${n % 256}.0/24`, providerID: `aws:///us-east-1a/i-0${hex(16)}`, ...(ready ? {} : { taints: [{ effect: 'NoSchedule', key: 'node.kubernetes.io/unreachable', timeAdded: heartbeat }, { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', timeAdded: heartbeat }] }) },
      status: {
        addresses: [{ address: hostIP, type: 'InternalIP' }, { address: nodeName, type: 'Hostname' }],
        allocatable: { ...capacity, cpu: '95500m', memory: '1175396708Ki' },
        capacity,
        conditions: [
          { type: 'MemoryPressure', status: ready ? 'False' : 'Unknown', lastHeartbeatTime: heartbeat, lastTransitionTime: created, reason: ready ? 'KubeletHasSufficientMemory' : 'NodeStatusUnknown', message: ready ? 'kubelet has sufficient memory available' : 'Kubelet stopped posting node status.' },
          { type: 'DiskPressure', status: ready ? 'False' : 'Unknown', lastHeartbeatTime: heartbeat, lastTransitionTime: created, reason: ready ? 'KubeletHasNoDiskPressure' : 'NodeStatusUnknown', message: ready ? 'kubelet has no disk pressure' : 'Kubelet stopped posting node status.' },
          { type: 'PIDPressure', status: ready ? 'False' : 'Unknown', lastHeartbeatTime: heartbeat, lastTransitionTime: created, reason: ready ? 'KubeletHasSufficientPID' : 'NodeStatusUnknown', message: ready ? 'kubelet has sufficient PID available' : 'Kubelet stopped posting node status.' },
          { type: 'Ready', status: ready ? 'True' : 'Unknown', lastHeartbeatTime: heartbeat, lastTransitionTime: created, reason: ready ? 'KubeletReady' : 'NodeStatusUnknown', message: ready ? 'kubelet is posting ready status' : 'Kubelet stopped posting node status.' },
        ],
        nodeInfo: {
          architecture: 'amd64',
          bootID: uid(),
          containerRuntimeVersion: 'containerd://1.7.22',
          kernelVersion: '5.15.0-119-generic',
          kubeProxyVersion: 'v1.30.4',
          kubeletVersion: 'v1.30.4',
          machineID: hex(32),
          operatingSystem: 'linux',
          osImage: 'Ubuntu 22.04.4 LTS',
          systemUUID: uid(),
        },
      },
    });
    if (!ready) event({ kind: 'Node', name: nodeName }, 'NodeNotReady', `Node ${nodeName} status is now: NodeNotReady`, 'Normal', 'node-controller');

    // The pods on this node: operands, kube-proxy, then workloads.
    for (let slot = 0; slot < podsPerNode; slot++) {
      const podIP = nextPodIP();
      const since = ago(30 * 86400);
      if (slot < SYSTEM_PODS_PER_NODE) {
        const operand = OPERANDS[slot];
        if (!operand) {
          push(
            simplePod('kube-system', generateName('kube-system', 'kube-proxy-'), { 'k8s-app': 'kube-proxy', 'controller-revision-hash': '6f4b9d8c7', 'pod-template-generation': '1' }, nodeName, hostIP, podIP, since, KUBE_PROXY_IMAGE, 'kube-proxy', { kind: 'DaemonSet', name: 'kube-proxy' }),
          );
          continue;
        }
        push(operandPod(operand, nodeName, nodeFault, hostIP, podIP, since));
        continue;
      }
      if (n === 0 && slot === SYSTEM_PODS_PER_NODE) {
        // The operator itself runs once in the cluster; it takes the first workload slot.
        push(
          simplePod(NAMESPACE_OPERATOR, generateName(NAMESPACE_OPERATOR, 'gpu-operator-6b8c9d7f5-'), { app: 'gpu-operator', 'app.kubernetes.io/component': 'gpu-operator', 'pod-template-hash': '6b8c9d7f5' }, nodeName, hostIP, podIP, since, `nvcr.io/nvidia/gpu-operator:${OPERATOR_VERSION}`, 'gpu-operator', { kind: 'ReplicaSet', name: 'gpu-operator-6b8c9d7f5' }),
        );
        continue;
      }
      push(workloadPod(nodeName, hostIP, podIP, since));
    }
  }

  function simplePod(namespace: string, name: string, labels: Record<string, string>, nodeName: string, hostIP: string, podIP: string, since: string, image: string, container: string, owner: { kind: string; name: string }): Json {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta(name, namespace, labels, since, { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: uid(), controller: true, blockOwnerDeletion: true }] }),
      spec: {
        containers: [containerSpec(container, image, { volumeMounts: WORKLOAD_MOUNTS })],
        dnsPolicy: 'ClusterFirst',
        enableServiceLinks: true,
        nodeName,
        priority: 2000001000,
        priorityClassName: 'system-node-critical',
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        serviceAccountName: container,
        terminationGracePeriodSeconds: 30,
        tolerations: DEFAULT_TOLERATIONS,
        volumes: WORKLOAD_VOLUMES,
      },
      status: {
        phase: 'Running',
        conditions: podConditions(true, since),
        containerStatuses: [status(container, image, running(since), true)],
        ...addresses(hostIP, podIP),
        qosClass: 'BestEffort',
        startTime: since,
      },
    };
  }

  function operandPod(operand: OperandSpec, nodeName: string, nodeFault: (typeof NODE_FAULTS)[number] | undefined, hostIP: string, podIP: string, since: string): Json {
    const name = generateName(NAMESPACE_OPERATOR, `${operand.app}-`);
    const podUid = uid();
    const crashing =
      (nodeFault === 'device-plugin-crash' && operand.app === 'nvidia-device-plugin-daemonset') || (nodeFault === 'driver-crash' && operand.app === 'nvidia-driver-daemonset');
    // Everything after the driver waits for it; the validator is the one that shows it.
    const validatorBlocked = (nodeFault === 'driver-crash' || nodeFault === 'device-plugin-crash') && operand.app === 'nvidia-operator-validator';
    const notReadyNode = nodeFault === 'not-ready';
    const init = (operand.init ?? []).map((c) => containerSpec(c, operand.app === 'nvidia-driver-daemonset' ? 'nvcr.io/nvidia/cloud-native/k8s-driver-manager:v0.6.10' : VALIDATOR_IMAGE, { volumeMounts: OPERAND_MOUNTS }));
    const containers = [containerSpec(operand.container, operand.image, { env: OPERAND_ENV, securityContext: { privileged: true }, volumeMounts: OPERAND_MOUNTS })];
    let phase = operand.completed ? 'Succeeded' : 'Running';
    let ready = !operand.completed && !notReadyNode;
    let initStatuses = (operand.init ?? []).map((c) => status(c, VALIDATOR_IMAGE, completed(since), true));
    let containerStatuses = [status(operand.container, operand.image, operand.completed ? completed(since) : running(since), ready)];
    if (crashing) {
      ready = false;
      const restarts = 20 + Math.floor(random() * 300);
      containerStatuses = [
        status(operand.container, operand.image, { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${operand.container} pod=${name}_${NAMESPACE_OPERATOR}(${podUid})` } }, false, restarts, {
          terminated: { exitCode: 1, reason: 'Error', startedAt: since, finishedAt: since, containerID: `containerd://${hex(64)}` },
        }),
      ];
      const text =
        operand.app === 'nvidia-device-plugin-daemonset'
          ? 'I0601 11:58:40.201934       1 main.go:221] Starting Plugins.\nE0601 11:58:40.233101       1 factory.go:68] Failed to initialize NVML: ERROR_LIBRARY_NOT_FOUND.\nE0601 11:58:40.233166       1 factory.go:76] If this is a GPU node, did you set the docker default runtime to `nvidia`?\nE0601 11:58:40.233201       1 main.go:132] error starting plugins: error creating plugin manager: unable to create plugin manager: nvml init failed: ERROR_LIBRARY_NOT_FOUND\n'
          : 'DRIVER_ARCH is x86_64\nCreating directory NVIDIA-Linux-x86_64-550.90.07\nVerifying archive integrity... OK\nInstalling NVIDIA driver kernel modules...\nERROR: Unable to load the kernel module \'nvidia.ko\'.  This happens most frequently when this kernel module was built against the wrong or improperly configured kernel sources.\nStopping NVIDIA persistence daemon...\n';
      logs.set(logKey(NAMESPACE_OPERATOR, name, operand.container, true), text);
      logs.set(logKey(NAMESPACE_OPERATOR, name, operand.container), text);
      event({ kind: 'Pod', name, namespace: NAMESPACE_OPERATOR, uid: podUid }, 'BackOff', `Back-off restarting failed container ${operand.container} in pod ${name}_${NAMESPACE_OPERATOR}(${podUid})`, 'Warning', 'kubelet', nodeName, restarts);
    } else if (validatorBlocked) {
      ready = false;
      phase = 'Pending';
      const blocked = nodeFault === 'driver-crash' ? 'driver-validation' : 'plugin-validation';
      const restarts = 10 + Math.floor(random() * 100);
      initStatuses = (operand.init ?? []).map((c, i, all) =>
        c === blocked
          ? status(c, VALIDATOR_IMAGE, { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${c} pod=${name}_${NAMESPACE_OPERATOR}(${podUid})` } }, false, restarts, {
              terminated: { exitCode: 1, reason: 'Error', startedAt: since, finishedAt: since },
            })
          : i < all.indexOf(blocked)
            ? status(c, VALIDATOR_IMAGE, completed(since), true)
            : status(c, VALIDATOR_IMAGE, { waiting: { reason: 'PodInitializing' } }, false),
      );
      containerStatuses = [status(operand.container, operand.image, { waiting: { reason: 'PodInitializing' } }, false)];
      logs.set(
        logKey(NAMESPACE_OPERATOR, name, blocked),
        blocked === 'plugin-validation'
          ? 'time="2025-06-01T11:58:41Z" level=info msg="GPU resources are not yet discovered by the node, retry: 30"\ntime="2025-06-01T11:58:41Z" level=info msg="Error: error validating plugin installation: GPU resources are not discovered by the node"\n'
          : 'time="2025-06-01T11:58:41Z" level=info msg="Error: error validating driver installation: error creating symlink creator: failed to create NVIDIA device nodes: failed to create device node nvidiactl: failed to determine major: invalid device node"\n',
      );
      event({ kind: 'Pod', name, namespace: NAMESPACE_OPERATOR, uid: podUid }, 'BackOff', `Back-off restarting failed container ${blocked} in pod ${name}_${NAMESPACE_OPERATOR}(${podUid})`, 'Warning', 'kubelet', nodeName, restarts);
    } else if (ready && !operand.completed) {
      dsReady.set(operand.app, (dsReady.get(operand.app) ?? 0) + 1);
    }
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        generateName: `${operand.app}-`,
        namespace: NAMESPACE_OPERATOR,
        uid: podUid,
        resourceVersion: nextRv(),
        creationTimestamp: since,
        labels: {
          app: operand.app,
          'app.kubernetes.io/managed-by': 'gpu-operator',
          'app.kubernetes.io/part-of': 'gpu-operator',
          ...(operand.completed ? {} : { 'controller-revision-hash': '7d9f4b8c6d', 'pod-template-generation': '1' }),
        },
        ownerReferences: operand.completed
          ? [{ apiVersion: 'nvidia.com/v1', kind: 'ClusterPolicy', name: 'cluster-policy', uid: '1f7e2b1a-3c4d-4e5f-8a9b-0c1d2e3f4a5b', controller: true, blockOwnerDeletion: true }]
          : [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: operand.app, uid: '5b9c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e', controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        containers,
        ...(init.length ? { initContainers: init } : {}),
        dnsPolicy: 'ClusterFirst',
        enableServiceLinks: true,
        nodeName,
        ...(operand.deployLabel ? { nodeSelector: { [`nvidia.com/gpu.deploy.${operand.deployLabel}`]: 'true' } } : {}),
        priority: 2000001000,
        priorityClassName: 'system-node-critical',
        restartPolicy: operand.completed ? 'OnFailure' : 'Always',
        ...(operand.app === 'nvidia-driver-daemonset' || operand.app === 'gpu-operator-node-feature-discovery-worker' ? {} : { runtimeClassName: 'nvidia' }),
        schedulerName: 'default-scheduler',
        serviceAccountName: operand.app.replace(/-daemonset$/, ''),
        terminationGracePeriodSeconds: 30,
        tolerations: OPERAND_TOLERATIONS,
        volumes: OPERAND_VOLUMES,
      },
      status: {
        phase,
        conditions: podConditions(ready, since),
        ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
        containerStatuses,
        ...addresses(hostIP, podIP),
        qosClass: 'BestEffort',
        startTime: since,
      },
    };
  }

  function workloadPod(nodeName: string, hostIP: string, podIP: string, since: string): Json {
    const team = pick(TEAMS);
    const app = `${team.split('-')[0]}-job-${Math.floor(random() * 50)}`;
    const rsHash = hex(9).replace(/[0-9a-f]/g, (c) => SUFFIX_ALPHABET[parseInt(c, 16) % SUFFIX_ALPHABET.length]!);
    const name = generateName(team, `${app}-${rsHash}-`);
    const image = pick(WORKLOAD_IMAGES);
    const gpus = pick([1, 1, 2, 4, 8]);
    const podUid = uid();
    const fault = random() < brokenFraction ? pick(POD_FAULTS) : undefined;
    if (fault) cluster.broken.pods.set(`${team}/${name}`, fault);
    const involved = { kind: 'Pod', name, namespace: team, uid: podUid };
    let phase = 'Running';
    let ready = true;
    let scheduled = true;
    let containerState: Json = running(since);
    let restarts = 0;
    let lastState: Json = {};
    let statusExtra: Json = {};
    switch (fault) {
      case 'image-pull': {
        const bad = image.replace(/:.*/, ':does-not-exist');
        phase = 'Pending';
        ready = false;
        containerState = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${bad}"` } };
        event(involved, 'Failed', `Failed to pull image "${bad}": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/${bad}": failed to resolve reference "docker.io/${bad}": docker.io/${bad}: not found`, 'Warning', 'kubelet', nodeName, 6);
        event(involved, 'BackOff', `Back-off pulling image "${bad}"`, 'Warning', 'kubelet', nodeName, 40);
        return build(bad);
      }
      case 'insufficient-gpu': {
        phase = 'Pending';
        ready = false;
        scheduled = false;
        const msg = `0/${nodeCount} nodes are available: ${nodeCount} Insufficient nvidia.com/gpu. preemption: 0/${nodeCount} nodes are available: ${nodeCount} No preemption victims found for incoming pod.`;
        statusExtra = { conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: since, reason: 'Unschedulable', message: msg }] };
        event(involved, 'FailedScheduling', msg, 'Warning', 'default-scheduler', undefined, 12);
        break;
      }
      case 'crash-loop': {
        ready = false;
        restarts = 5 + Math.floor(random() * 200);
        containerState = { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=main pod=${name}_${team}(${podUid})` } };
        lastState = { terminated: { exitCode: 1, reason: 'Error', startedAt: since, finishedAt: since, containerID: `containerd://${hex(64)}` } };
        logs.set(logKey(team, name, 'main', true), 'Traceback (most recent call last):\n  File "/workspace/train.py", line 12, in <module>\n    torch.cuda.set_device(0)\nRuntimeError: CUDA error: no CUDA-capable device is detected\n');
        event(involved, 'BackOff', `Back-off restarting failed container main in pod ${name}_${team}(${podUid})`, 'Warning', 'kubelet', nodeName, restarts);
        break;
      }
      case 'admission-error': {
        phase = 'Failed';
        ready = false;
        const msg = `Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: ${gpus}, Available: 0, which is unexpected`;
        statusExtra = { reason: 'UnexpectedAdmissionError', message: `Pod was rejected: ${msg}` };
        event(involved, 'UnexpectedAdmissionError', msg, 'Warning', 'kubelet', nodeName);
        return build(image, true);
      }
      case 'runtime-missing': {
        phase = 'Pending';
        ready = false;
        containerState = { waiting: { reason: 'ContainerCreating' } };
        event(involved, 'FailedCreatePodSandBox', 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "nvidia" is configured', 'Warning', 'kubelet', nodeName, 30);
        break;
      }
      default:
        if (random() < 0.1) event(involved, 'Started', 'Started container main', 'Normal', 'kubelet', nodeName);
    }
    return build(image);

    function build(containerImage: string, rejected = false): Json {
      return {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          generateName: `${app}-${rsHash}-`,
          namespace: team,
          uid: podUid,
          resourceVersion: nextRv(),
          creationTimestamp: since,
          labels: { app, team, 'pod-template-hash': rsHash, ...(gpus >= 4 ? { tier: 'training' } : { tier: 'serving' }) },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${rsHash}`, uid: uid(), controller: true, blockOwnerDeletion: true }],
        },
        spec: {
          containers: [
            containerSpec('main', containerImage, {
              resources: { limits: { 'nvidia.com/gpu': String(gpus) }, requests: { cpu: '4', memory: '32Gi', 'nvidia.com/gpu': String(gpus) } },
              volumeMounts: WORKLOAD_MOUNTS,
            }),
          ],
          dnsPolicy: 'ClusterFirst',
          enableServiceLinks: true,
          ...(scheduled ? { nodeName } : {}),
          priority: 0,
          restartPolicy: 'Always',
          runtimeClassName: 'nvidia',
          schedulerName: 'default-scheduler',
          serviceAccountName: 'default',
          terminationGracePeriodSeconds: 30,
          tolerations: OPERAND_TOLERATIONS,
          volumes: WORKLOAD_VOLUMES,
        },
        status: {
          phase,
          ...(scheduled
            ? {
                conditions: podConditions(ready, since),
                ...(rejected ? {} : { containerStatuses: [status('main', containerImage, containerState, ready, restarts, lastState)] }),
                ...addresses(hostIP, rejected ? undefined : podIP),
                startTime: since,
              }
            : {}),
          qosClass: 'Burstable',
          ...statusExtra,
        },
      };
    }
  }

  // Cluster-wide operator objects, with statuses that add up to what the nodes show.
  for (const operand of OPERANDS) {
    if (operand.completed) continue;
    const readyCount = dsReady.get(operand.app) ?? 0;
    push({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: meta(operand.app, NAMESPACE_OPERATOR, { app: operand.app, 'app.kubernetes.io/managed-by': 'gpu-operator' }, clusterCreated, {
        generation: 1,
        annotations: { 'deprecated.daemonset.template.generation': '1' },
      }),
      spec: {
        revisionHistoryLimit: 10,
        selector: { matchLabels: { app: operand.app } },
        template: { metadata: { labels: { app: operand.app } }, spec: { containers: [containerSpec(operand.container, operand.image)], ...(operand.deployLabel ? { nodeSelector: { [`nvidia.com/gpu.deploy.${operand.deployLabel}`]: 'true' } } : {}) } },
        updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
      },
      status: {
        currentNumberScheduled: nodeCount,
        desiredNumberScheduled: nodeCount,
        numberAvailable: readyCount,
        numberMisscheduled: 0,
        numberReady: readyCount,
        observedGeneration: 1,
        updatedNumberScheduled: nodeCount,
        ...(readyCount < nodeCount ? { numberUnavailable: nodeCount - readyCount } : {}),
      },
    });
  }
  push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('gpu-operator', NAMESPACE_OPERATOR, { app: 'gpu-operator', 'app.kubernetes.io/component': 'gpu-operator' }, clusterCreated, { generation: 1 }),
    spec: { replicas: 1, selector: { matchLabels: { app: 'gpu-operator' } }, template: { metadata: { labels: { app: 'gpu-operator' } }, spec: { containers: [containerSpec('gpu-operator', `nvcr.io/nvidia/gpu-operator:${OPERATOR_VERSION}`)] } } },
    status: { availableReplicas: 1, observedGeneration: 1, readyReplicas: 1, replicas: 1, updatedReplicas: 1 },
  });
  const allReady = [...dsReady.values()].every((r) => r === nodeCount);
  push({
    apiVersion: 'nvidia.com/v1',
    kind: 'ClusterPolicy',
    metadata: meta('cluster-policy', undefined, { 'app.kubernetes.io/component': 'gpu-operator' }, clusterCreated, { generation: 1 }),
    spec: {
      operator: { defaultRuntime: 'containerd', runtimeClass: 'nvidia' },
      driver: { enabled: true, version: '550.90.07' },
      toolkit: { enabled: true },
      devicePlugin: { enabled: true },
      dcgmExporter: { enabled: true },
      gfd: { enabled: true },
      migManager: { enabled: true },
    },
    status: {
      namespace: NAMESPACE_OPERATOR,
      state: allReady ? 'ready' : 'notReady',
      conditions: [
        allReady
          ? { type: 'Ready', status: 'True', reason: 'Reconciled', message: '', lastTransitionTime: clusterCreated }
          : { type: 'Ready', status: 'False', reason: 'OperandNotReady', message: 'ClusterPolicy is not ready, states not ready: [state-operator-validation]', lastTransitionTime: ago(3600) },
      ],
    },
  });
  for (const e of events) push(e);
  return cluster;
}
