// The bundled example snapshots: each loads cleanly, is internally consistent (references resolve the way they
// would in a real cluster), and holds the facts its story in examples/README.md is about.
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { beforeAll, describe, expect, it } from 'vitest';
import { Facts } from '../src/facts/facts.js';
import { nodeAllocatableGpus, podGpuRequest } from '../src/facts/gpu.js';
import type { Event, KubeObject, Pod } from '../src/facts/kube.js';
import { displayStatus } from '../src/facts/pods.js';
import type { Collection } from '../src/collection/collection.js';
import { RESOURCE_TYPES } from '../src/collection/resources.js';
import { loadSnapshot } from '../src/sources/snapshot.js';
import { ROOT, gpuctl } from './helpers/cli.js';

const EXAMPLES = path.join(ROOT, 'examples');
const NO_RUNTIME = 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "nvidia" is configured';

interface Expected {
  context: string;
  kinds: Record<string, number>;
  gpuNodes: string[];
}

const EXAMPLE: Record<string, Expected> = {
  'passthrough-gpu-held': {
    context: 'kubernetes-admin@z-k8s',
    kinds: { Node: 2, Pod: 25, Event: 10, Namespace: 7, DaemonSet: 9, Deployment: 6, ReplicaSet: 6, ClusterPolicy: 1, RuntimeClass: 1 },
    gpuNodes: ['z-k8s-n-1'],
  },
  'healthy-gpu-operator': {
    context: 'kubernetes-admin@gpu-lab',
    kinds: { Node: 3, Pod: 33, Event: 5, Namespace: 7, DaemonSet: 10, Deployment: 5, ReplicaSet: 5, Job: 1, ClusterPolicy: 1, RuntimeClass: 1 },
    gpuNodes: ['gpu-a100-01', 'gpu-l4-01'],
  },
  'no-nvidia-runtime': {
    context: 'kubernetes-admin@y-k8s',
    kinds: { Node: 3, Pod: 24, Event: 7, Namespace: 6, DaemonSet: 9, Deployment: 4, ReplicaSet: 4, ClusterPolicy: 1, RuntimeClass: 1 },
    gpuNodes: ['y-k8s-n-1'],
  },
  'tensor-fusion-injection': {
    context: 'kubernetes-admin@tf-lab',
    kinds: {
      Node: 3, Pod: 17, Event: 8, Namespace: 7, DaemonSet: 1, Deployment: 4, ReplicaSet: 4, StatefulSet: 1, Job: 2, ConfigMap: 1, MutatingWebhookConfiguration: 1,
      TensorFusionCluster: 1, GPUPool: 1, GPUNode: 2, GPU: 1, TensorFusionWorkload: 2, TensorFusionConnection: 2,
    },
    gpuNodes: ['gpu-node-1', 'gpu-node-2'],
  },
  bitfusion: {
    context: 'kubernetes-admin@bf-lab',
    kinds: { Node: 3, Pod: 19, Event: 3, Namespace: 8, DaemonSet: 3, Deployment: 4, ReplicaSet: 4, Job: 1, Secret: 2, MutatingWebhookConfiguration: 1, ValidatingWebhookConfiguration: 1 },
    gpuNodes: [],
  },
};

const loaded = new Map<string, Collection>();
beforeAll(async () => {
  for (const name of Object.keys(EXAMPLE)) loaded.set(name, await loadSnapshot(path.join(EXAMPLES, name)));
});
const collection = (name: string) => loaded.get(name)!;
const facts = (name: string) => new Facts(collection(name));

const CLUSTER_SCOPED = new Set(['Node', 'Namespace', ...RESOURCE_TYPES.filter((t) => !t.namespaced).map((t) => t.kind)]);
const objectKey = (kind: string, namespace: string | undefined, name: string) => `${kind}/${CLUSTER_SCOPED.has(kind) ? '' : (namespace ?? '')}/${name}`;

function index(objects: KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.map((o) => [objectKey(o.kind, o.metadata.namespace, o.metadata.name), o]));
}

describe.each(Object.keys(EXAMPLE))('example %s', (name) => {
  const expected = EXAMPLE[name]!;

  it('loads with no problems, its meta and the expected objects', () => {
    const c = collection(name);
    expect(c.problems).toEqual([]);
    expect(c.meta).toMatchObject({ context: expected.context, capturedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), serverVersion: expect.stringMatching(/^v1\.\d+\.\d+$/) });
    const counts: Record<string, number> = {};
    for (const o of c.objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
    expect(counts).toEqual(expected.kinds);
  });

  it('gives every object a unique kind/namespace/name and uid', () => {
    const objects = collection(name).objects;
    expect(index(objects).size).toBe(objects.length);
    expect(new Set(objects.map((o) => o.metadata.uid)).size).toBe(objects.length);
  });

  it('binds every pod to a node of the snapshot', () => {
    const f = facts(name);
    const nodes = new Set(f.nodes.map((n) => n.metadata.name));
    const bound = f.pods.filter((p) => p.spec?.nodeName);
    expect(bound.length).toBeGreaterThan(0);
    for (const pod of bound) expect(nodes, `${pod.metadata.namespace}/${pod.metadata.name}`).toContain(pod.spec!.nodeName);
    // a pod with no node is one the scheduler could not place, and says why
    for (const pod of f.pods.filter((p) => !p.spec?.nodeName)) {
      expect(pod.status?.conditions).toContainEqual(expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }));
    }
  });

  it('points every ownerReference at an object of the snapshot, uid included', () => {
    const objects = collection(name).objects;
    const byKey = index(objects);
    let refs = 0;
    for (const o of objects) {
      for (const ref of o.metadata.ownerReferences ?? []) {
        refs++;
        const owner = byKey.get(objectKey(ref.kind, o.metadata.namespace, ref.name));
        expect(owner, `${o.kind} ${o.metadata.name} → ${ref.kind} ${ref.name}`).toBeDefined();
        expect(owner!.metadata.uid).toBe(ref.uid);
      }
    }
    expect(refs).toBeGreaterThan(20);
  });

  it('makes every event about an object of the snapshot', () => {
    const f = facts(name);
    const byKey = index(collection(name).objects);
    expect(f.events.length).toBeGreaterThan(0);
    for (const ev of f.events) {
      const o = ev.involvedObject!;
      const target = byKey.get(objectKey(o.kind!, o.namespace, o.name!));
      expect(target, `event ${ev.metadata.name} about ${o.kind} ${o.namespace}/${o.name}`).toBeDefined();
      // the kubelet names a Node by its name in involvedObject.uid; every other event carries the object's uid
      expect(o.uid).toBe(o.kind === 'Node' ? o.name : target!.metadata.uid);
      expect(ev.metadata.namespace).toBe(o.namespace ?? 'default');
    }
  });

  it('has node files and probe outputs for each GPU node, consistent with the Node object', () => {
    const f = facts(name);
    for (const nodeName of expected.gpuNodes) {
      const node = f.node(nodeName)!;
      expect(node.metadata.labels?.['feature.node.kubernetes.io/pci-10de.present']).toBe('true');
      const toml = f.hostFile(nodeName, '/etc/containerd/config.toml');
      expect(() => parseToml(toml!)).not.toThrow();
      expect(f.hostCommand(nodeName, 'lspci')?.stdout).toMatch(/\[10de:[0-9a-f]{4}\]/);
      expect(f.hostCommand(nodeName, 'lsmod')?.stdout).toMatch(/^nvidia\s+\d+/m);
      expect(f.hostCommand(nodeName, 'lsmod')?.stdout).not.toMatch(/^nouveau\s/m);
      expect(f.hostCommand(nodeName, 'uname')?.stdout.trim()).toBe(node.status?.nodeInfo?.kernelVersion);
      const version = /Kernel Module\s+(\d+\.\d+\.\d+)/.exec(f.hostFile(nodeName, '/proc/driver/nvidia/version')!)![1];
      expect(f.hostCommand(nodeName, 'nvidia-smi')?.stdout).toContain(`Driver Version: ${version}`);
      expect(f.hostCommand(nodeName, 'nvidia-smi-query')?.stdout).toContain(`, ${version}, `);
      const gfdDriver = node.metadata.labels?.['nvidia.com/cuda.driver.major'];
      if (gfdDriver) expect(version).toMatch(new RegExp(`^${gfdDriver}\\.`));
    }
  });
});

/** The runtimes of a containerd config version 2, by name. */
function criRuntimes(toml: string): Record<string, { options?: { BinaryName?: string } }> {
  const config = parseToml(toml) as any;
  return config.plugins['io.containerd.grpc.v1.cri'].containerd.runtimes;
}
const podNamed = (f: Facts, ns: string, prefix: string): Pod => f.pods.find((p) => p.metadata.namespace === ns && p.metadata.name.startsWith(prefix))!;
const warnings = (f: Facts): Event[] => f.events.filter((e) => e.type === 'Warning');

describe('passthrough-gpu-held: a finished test pod holds the only GPU', () => {
  it('has one GPU, allocatable, held by cuda-vectoradd whose GPU container has exited', () => {
    const f = facts('passthrough-gpu-held');
    const node = f.node('z-k8s-n-1')!;
    expect(nodeAllocatableGpus(node)).toBe(1);
    const holder = podNamed(f, 'default', 'cuda-vectoradd');
    expect(holder.spec?.nodeName).toBe('z-k8s-n-1');
    expect(podGpuRequest(holder)).toBe(1);
    expect(holder.status?.containerStatuses?.find((s) => s.name === 'cuda-vectoradd')?.state?.terminated).toMatchObject({ reason: 'Completed', exitCode: 0 });
    expect(f.log('default', 'cuda-vectoradd', 'cuda-vectoradd')).toContain('Test PASSED');
    // the GPU sits idle: nothing runs on it, yet Kubernetes counts it as taken
    expect(f.hostCommand('z-k8s-n-1', 'nvidia-smi')?.stdout).toContain('No running processes found');
  });

  it('has the device-plugin validator rejected at admission and the operator validator looping on plugin-validation', () => {
    const f = facts('passthrough-gpu-held');
    const rejected = podNamed(f, 'gpu-operator', 'nvidia-device-plugin-validator-');
    expect(rejected.status).toMatchObject({
      phase: 'Failed',
      reason: 'UnexpectedAdmissionError',
      message: 'Pod was rejected: Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 1, Available: 0, which is unexpected',
    });
    expect(f.eventsFor('Pod', rejected.metadata.name, 'gpu-operator').map((e) => e.reason)).toEqual(['UnexpectedAdmissionError']);
    const validator = podNamed(f, 'gpu-operator', 'nvidia-operator-validator-');
    expect(displayStatus(validator)).toBe('Init:3/4');
    expect(validator.status?.initContainerStatuses?.[3]).toMatchObject({ name: 'plugin-validation', restartCount: 4 });
    expect(f.log('gpu-operator', validator.metadata.name, 'plugin-validation')).toContain(`pod ${rejected.metadata.name} is curently in Failed phase`);
    expect(f.log('gpu-operator', validator.metadata.name, 'plugin-validation', true)).toMatch(/gave up waiting for pod nvidia-device-plugin-validator-\w+ to be available/);
    expect(f.all('ClusterPolicy')[0]?.status?.state).toBe('notReady');
  });

  it('configures the nvidia runtime the way the toolkit writes it', () => {
    const runtimes = criRuntimes(facts('passthrough-gpu-held').hostFile('z-k8s-n-1', '/etc/containerd/config.toml')!);
    expect(runtimes.nvidia?.options?.BinaryName).toBe('/usr/local/nvidia/toolkit/nvidia-container-runtime');
  });
});

describe('healthy-gpu-operator: nothing to find', () => {
  it('has every GPU Operator pod Running and Ready, or Completed', () => {
    const f = facts('healthy-gpu-operator');
    const operatorPods = f.pods.filter((p) => p.metadata.namespace === 'gpu-operator');
    expect(operatorPods.length).toBeGreaterThan(10);
    for (const pod of operatorPods) expect(displayStatus(pod), pod.metadata.name).toMatch(/^(Running|Completed)$/);
    expect(f.all('ClusterPolicy')[0]?.status?.state).toBe('ready');
    expect(warnings(f)).toEqual([]);
  });

  it('runs GPU workloads within what the nodes advertise', () => {
    const f = facts('healthy-gpu-operator');
    for (const node of f.nodes) {
      const requested = f.podsOn(node.metadata.name).filter((p) => p.status?.phase === 'Running').reduce((sum, p) => sum + podGpuRequest(p), 0);
      expect(requested).toBeLessThanOrEqual(nodeAllocatableGpus(node));
    }
    expect(f.pods.filter((p) => p.metadata.namespace === 'ml' && podGpuRequest(p) === 1 && p.status?.phase === 'Running')).toHaveLength(2);
  });

  it('configures the nvidia runtime on both GPU nodes', () => {
    const f = facts('healthy-gpu-operator');
    for (const n of EXAMPLE['healthy-gpu-operator']!.gpuNodes) expect(Object.keys(criRuntimes(f.hostFile(n, '/etc/containerd/config.toml')!))).toContain('nvidia');
  });
});

describe('no-nvidia-runtime: RuntimeClass nvidia without a runtime behind it', () => {
  it('has RuntimeClass nvidia but no nvidia runtime in the node config or its effective dump', () => {
    const f = facts('no-nvidia-runtime');
    expect(f.runtimeClasses.map((r) => [r.metadata.name, r.handler])).toEqual([['nvidia', 'nvidia']]);
    expect(Object.keys(criRuntimes(f.hostFile('y-k8s-n-1', '/etc/containerd/config.toml')!))).toEqual(['runc']);
    expect(Object.keys(criRuntimes(f.hostCommand('y-k8s-n-1', 'containerd-config-dump')!.stdout))).toEqual(['runc']);
  });

  it('has every pod that uses RuntimeClass nvidia failing FailedCreatePodSandBox with the containerd message', () => {
    const f = facts('no-nvidia-runtime');
    const users = f.pods.filter((p) => p.spec?.runtimeClassName === 'nvidia');
    expect(users.map((p) => p.metadata.name).sort()).toEqual(['gpu-feature-discovery-hz4q2', 'nvidia-dcgm-exporter-n5tcw', 'nvidia-device-plugin-daemonset-x7p9k', 'nvidia-operator-validator-rbmwr', 'nvidia-smi-test']);
    for (const pod of users) {
      expect(pod.status?.phase).toBe('Pending');
      const failures = f.eventsFor('Pod', pod.metadata.name, pod.metadata.namespace).filter((e) => e.reason === 'FailedCreatePodSandBox');
      expect(failures, pod.metadata.name).toHaveLength(1);
      expect(failures[0]).toMatchObject({ type: 'Warning', message: NO_RUNTIME, source: { component: 'kubelet', host: 'y-k8s-n-1' } });
    }
    expect(displayStatus(podNamed(f, 'default', 'nvidia-smi-test'))).toBe('ContainerCreating');
  });

  it('leaves the GPU node without nvidia.com/gpu, so the GPU workload is Pending', () => {
    const f = facts('no-nvidia-runtime');
    expect(f.node('y-k8s-n-1')!.status?.capacity?.['nvidia.com/gpu']).toBeUndefined();
    const pending = podNamed(f, 'default', 'cuda-vectoradd');
    expect(pending.status?.conditions?.[0]?.message).toContain('Insufficient nvidia.com/gpu');
  });
});

describe('gpuctl on the examples', () => {
  it('runs the demo: exit 0 or 1 and one JSON object on stdout', async () => {
    const r = await gpuctl(['doctor', '--demo', '-o', 'json']);
    expect([0, 1]).toContain(r.exitCode);
    const out = JSON.parse(r.stdout);
    expect(out.findings.length).toBeGreaterThan(0);
    expect(out.findings.filter((f: { name: string; severity: string }) => f.name === 'snapshot-file-unreadable' && f.severity !== 'ok')).toEqual([]);
  });

  it('finds no error on the healthy cluster', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'examples/healthy-gpu-operator', '-o', 'json']);
    const out = JSON.parse(r.stdout);
    expect(out.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it('analyses the other examples to one JSON object with exit 0 or 1', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'examples/no-nvidia-runtime', '-o', 'json']);
    expect([0, 1]).toContain(r.exitCode);
    expect(JSON.parse(r.stdout)).toHaveProperty('findings');
  });
});
