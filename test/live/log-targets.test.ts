import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod } from '../../src/facts/kube.js';
import { logScopeOf, logTargets, MAX_HEALTHY_LOG_TARGETS } from '../../src/facts/log-targets.js';
import { factsOf, gpuNode, pod } from '../helpers/facts.js';

const running = (name: string, ready = true, restartCount = 0): ContainerStatus => ({ name, ready, restartCount, state: { running: { startedAt: '2025-01-01T00:00:00Z' } } });
const completed = (name: string): ContainerStatus => ({ name, ready: false, restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } });
const crashLooping = (name: string, restartCount = 3): ContainerStatus => ({
  name,
  ready: false,
  restartCount,
  state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
  lastState: { terminated: { reason: 'Error', exitCode: 1 } },
});
const readyCondition = (ready: boolean) => [{ type: 'Ready', status: ready ? 'True' : 'False' }];
const gpuSpec = { containers: [{ name: 'cuda', resources: { limits: { 'nvidia.com/gpu': '1' } } }] };

const key = (t: { namespace: string; pod: string; container: string; previous: boolean }) => `${t.namespace}/${t.pod}/${t.container}${t.previous ? '.previous' : ''}`;
/** The first tier: troubled pods' containers in error (the healthy tier left out). */
const targetsOf = (...pods: Pod[]) => logTargets(factsOf(pods), { healthyLimit: 0 }).targets.map(key);
/** Both tiers. */
const allTargetsOf = (...pods: Pod[]) => logTargets(factsOf(pods)).targets.map(key);

describe('logTargets: troubled pods first', () => {
  it('picks the failing init container of a GPU Operator validator, with its previous run', () => {
    const validator = pod('gpu-operator', 'nvidia-operator-validator-x7k2p', {
      status: {
        phase: 'Pending',
        conditions: readyCondition(false),
        initContainerStatuses: [completed('driver-validation'), completed('toolkit-validation'), crashLooping('plugin-validation')],
        containerStatuses: [{ name: 'nvidia-operator-validator', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      },
    });
    expect(targetsOf(validator)).toEqual([
      'gpu-operator/nvidia-operator-validator-x7k2p/plugin-validation',
      'gpu-operator/nvidia-operator-validator-x7k2p/plugin-validation.previous',
    ]);
  });

  it('leaves healthy stack pods, and containers that never ran, alone', () => {
    const healthy = pod('gpu-operator', 'nvidia-device-plugin-daemonset-abcde', { status: { phase: 'Running', conditions: readyCondition(true), containerStatuses: [running('nvidia-device-plugin')] } });
    const pulling = pod('gpu-operator', 'gpu-feature-discovery-q9', {
      status: { phase: 'Pending', conditions: readyCondition(false), containerStatuses: [{ name: 'gfd', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] },
    });
    expect(targetsOf(healthy, pulling)).toEqual([]);
  });

  it('picks a GPU workload that failed, not a failing pod without GPUs', () => {
    const failedStatus = { phase: 'Failed', containerStatuses: [{ name: 'cuda', ready: false, restartCount: 0, state: { terminated: { reason: 'Error', exitCode: 1 } } }] };
    const gpuPod = pod('ml', 'train-0', { spec: gpuSpec, status: failedStatus });
    const cpuPod = pod('ml', 'web-0', { status: failedStatus });
    expect(targetsOf(gpuPod, cpuPod)).toEqual(['ml/train-0/cuda']);
  });

  it('picks GPU components in kube-system by name or label, not the rest of kube-system', () => {
    const status = { phase: 'Running', conditions: readyCondition(false), containerStatuses: [crashLooping('main', 1)] };
    const plugin = pod('kube-system', 'ds-4f7x', { labels: { name: 'nvidia-device-plugin-ds' }, status });
    const hami = pod('kube-system', 'hami-scheduler-7d9', { status });
    const dns = pod('kube-system', 'coredns-5d78c9869d-abcde', { labels: { 'k8s-app': 'kube-dns' }, status });
    expect(targetsOf(plugin, hami, dns)).toEqual([
      'kube-system/ds-4f7x/main',
      'kube-system/ds-4f7x/main.previous',
      'kube-system/hami-scheduler-7d9/main',
      'kube-system/hami-scheduler-7d9/main.previous',
    ]);
  });

  it('picks a running container that is not ready, and only the previous log of a ready one that restarted', () => {
    const stuck = pod('tensor-fusion-sys', 'hypervisor-abc', { status: { phase: 'Running', conditions: readyCondition(false), containerStatuses: [running('hypervisor', false), running('sidecar', true)] } });
    const restarted = pod('hami-system', 'hami-device-plugin-xyz', { status: { phase: 'Running', conditions: readyCondition(true), containerStatuses: [running('device-plugin', true, 2)] } });
    expect(targetsOf(stuck, restarted)).toEqual([
      'hami-system/hami-device-plugin-xyz/device-plugin',
      'hami-system/hami-device-plugin-xyz/device-plugin.previous',
      'tensor-fusion-sys/hypervisor-abc/hypervisor',
    ]);
  });

  it('bounds the number of logs, the GPU stack first', () => {
    const status = { phase: 'Running', conditions: readyCondition(false), containerStatuses: [crashLooping('main')] };
    const pods = [pod('ml', 'a-train', { spec: gpuSpec, status }), pod('gpu-operator', 'z-dcgm', { status }), pod('bwki', 'bitfusion-webhook', { status })];
    const { targets, omitted } = logTargets(factsOf(pods), { limit: 3, healthyLimit: 0 });
    expect(targets.map((t) => t.pod)).toEqual(['bitfusion-webhook', 'bitfusion-webhook', 'z-dcgm']);
    expect(omitted).toBe(3);
  });
});

describe('logTargets of GPU-sharing workloads', () => {
  it('picks failing TensorFusion and Bitfusion workloads, which ask for no nvidia.com/gpu', () => {
    const status = { phase: 'Running', conditions: readyCondition(false), containerStatuses: [crashLooping('main', 2)] };
    const worker = pod('ml', 'qwen-tf-worker-8x2lq', { labels: { 'tensor-fusion.ai/component': 'worker', 'tensor-fusion.ai/workload': 'qwen' }, status });
    const bitfusion = pod('tensorflow-benchmark', 'bf-pkgs', { annotations: { 'auto-management/bitfusion': 'all' }, status });
    const plain = pod('ml', 'web-0', { status });
    expect(targetsOf(worker, bitfusion, plain)).toEqual([
      'ml/qwen-tf-worker-8x2lq/main',
      'ml/qwen-tf-worker-8x2lq/main.previous',
      'tensorflow-benchmark/bf-pkgs/main',
      'tensorflow-benchmark/bf-pkgs/main.previous',
    ]);
  });
});

describe('logTargets: healthy pods of the declared scopes, bounded apart', () => {
  const owned = (p: Pod, kind: string, name: string): Pod => ({ ...p, metadata: { ...p.metadata, ownerReferences: [{ kind, name, controller: true }] } });
  const plugin = (node: number) =>
    owned(
      pod('gpu-operator', `nvidia-device-plugin-daemonset-${String(node).padStart(5, '0')}`, {
        status: { phase: 'Running', conditions: readyCondition(true), containerStatuses: [running('nvidia-device-plugin')] },
      }),
      'DaemonSet',
      'nvidia-device-plugin-daemonset',
    );

  it("a Ready device plugin's log, a finished validator's and a running GPU workload's, after the troubled ones; never a container that did not run", () => {
    const healthy = plugin(1);
    const pulling = pod('gpu-operator', 'gpu-feature-discovery-q9', {
      status: { phase: 'Pending', conditions: readyCondition(false), containerStatuses: [{ name: 'gfd', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] },
    });
    const validator = pod('gpu-operator', 'nvidia-cuda-validator-x1', { status: { phase: 'Succeeded', initContainerStatuses: [completed('cuda-validation')], containerStatuses: [completed('nvidia-cuda-validator')] } });
    const notebook = pod('ml', 'notebook-0', { spec: gpuSpec, status: { phase: 'Running', conditions: readyCondition(true), containerStatuses: [running('cuda')] } });
    const crashing = pod('gpu-operator', 'nvidia-dcgm-exporter-z', { status: { phase: 'Running', conditions: readyCondition(false), containerStatuses: [crashLooping('exporter', 1)] } });
    const web = pod('shop', 'web-0', { status: { phase: 'Running', conditions: readyCondition(true), containerStatuses: [running('nginx')] } });
    expect(allTargetsOf(healthy, pulling, validator, notebook, crashing, web)).toEqual([
      'gpu-operator/nvidia-dcgm-exporter-z/exporter',
      'gpu-operator/nvidia-dcgm-exporter-z/exporter.previous',
      'gpu-operator/nvidia-cuda-validator-x1/cuda-validation',
      'gpu-operator/nvidia-cuda-validator-x1/nvidia-cuda-validator',
      'gpu-operator/nvidia-device-plugin-daemonset-00001/nvidia-device-plugin',
      'ml/notebook-0/cuda',
    ]);
  });

  it('only the declared scopes: the stack without workloads, workloads without the stack', () => {
    const notebook = pod('ml', 'notebook-0', { spec: gpuSpec, status: { phase: 'Running', conditions: readyCondition(true), containerStatuses: [running('cuda')] } });
    const facts = factsOf([plugin(1), notebook]);
    expect(logTargets(facts, { scopes: ['stack'] }).targets.map(key)).toEqual(['gpu-operator/nvidia-device-plugin-daemonset-00001/nvidia-device-plugin']);
    expect(logTargets(facts, { scopes: ['workloads'] }).targets.map(key)).toEqual(['ml/notebook-0/cuda']);
    expect(logTargets(facts, { scopes: [] }).targets).toEqual([]);
  });

  it('a pod given GPUs without asking for one (NVIDIA_VISIBLE_DEVICES, the NVIDIA runtime class) is a GPU workload; a plain pod is in no scope', () => {
    const status = { phase: 'Running', conditions: readyCondition(true), containerStatuses: [running('main')] };
    const env = pod('ml', 'all-gpus', { spec: { containers: [{ name: 'main', image: 'cuda', env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }] }] }, status });
    const runtime = pod('ml', 'runtime-class', { spec: { runtimeClassName: 'nvidia', containers: [{ name: 'main', image: 'cuda' }] }, status });
    const plain = pod('ml', 'web', { status });
    expect(allTargetsOf(env, runtime, plain)).toEqual(['ml/all-gpus/main', 'ml/runtime-class/main']);
    expect([env, runtime, plain].map(logScopeOf)).toEqual(['workloads', 'workloads', undefined]);
  });

  const bigCluster = () => {
    const pods: Pod[] = [];
    for (let n = 0; n < 2000; n++) {
      pods.push({ ...plugin(n), spec: { ...plugin(n).spec, nodeName: `gpu-${n}` } });
      const driver = pod('gpu-operator', `nvidia-driver-daemonset-${String(n).padStart(5, '0')}`, {
        spec: { nodeName: `gpu-${n}`, containers: [{ name: 'nvidia-driver-ctr', image: 'driver' }] },
        status: { phase: 'Running', conditions: readyCondition(true), containerStatuses: [running('nvidia-driver-ctr')] },
      });
      pods.push(owned(driver, 'DaemonSet', 'nvidia-driver-daemonset'));
    }
    const controller = pod('gpu-operator', 'gpu-operator-7d9f-abcde', {
      labels: { 'pod-template-hash': '7d9f' },
      status: { phase: 'Running', conditions: readyCondition(true), containerStatuses: [running('gpu-operator')] },
    });
    pods.push(owned(controller, 'ReplicaSet', 'gpu-operator-7d9f'));
    for (let j = 0; j < 500; j++) pods.push(pod('ml', `job-${j}-abcde`, { spec: gpuSpec, status: { phase: 'Running', conditions: readyCondition(true), containerStatuses: [running('cuda')] } }));
    return pods;
  };

  it("a Gateway API controller's log only while it is troubled (istiod runs on many clusters; Kantaloupe needs it working)", () => {
    const failing = pod('istio-system', 'istiod-7d9f8c6b5-abcde', { status: { phase: 'Running', conditions: readyCondition(false), containerStatuses: [crashLooping('discovery', 2)] } });
    const healthy = pod('envoy-gateway-system', 'envoy-gateway-5f7c9-xyz12', { status: { phase: 'Running', conditions: readyCondition(true), containerStatuses: [running('envoy-gateway')] } });
    expect(allTargetsOf(failing, healthy)).toEqual(['istio-system/istiod-7d9f8c6b5-abcde/discovery', 'istio-system/istiod-7d9f8c6b5-abcde/discovery.previous']);
    expect([failing, healthy].map(logScopeOf)).toEqual(['gateway', 'gateway']);
  });

  it('on 2,000 GPU nodes: at most MAX_HEALTHY_LOG_TARGETS healthy logs, one pod of every operand and workload before a second of any, at most two of each', () => {
    const { targets, omitted, unsampled } = logTargets(factsOf(bigCluster()));
    expect(targets.length).toBe(MAX_HEALTHY_LOG_TARGETS);
    // Sampled: two device plugins, two driver pods, the controller, one pod of each of the 500 jobs.
    expect([omitted, unsampled]).toEqual([0, 2 + 2 + 1 + 500 - MAX_HEALTHY_LOG_TARGETS]);
    const names = targets.map((t) => t.pod);
    // The controller and one device plugin and one driver pod come in the first round, before any second.
    expect(names.slice(0, 3).sort()).toEqual(['gpu-operator-7d9f-abcde', 'nvidia-device-plugin-daemonset-00000', 'nvidia-driver-daemonset-00000']);
    expect(names.filter((n) => n.startsWith('job-')).length).toBe(MAX_HEALTHY_LOG_TARGETS - 3);
  });

  it("the healthy pods of a suspect node first: a GPU node with no allocatable GPU, whose Ready device plugin says why", () => {
    const nodes = Array.from({ length: 2000 }, (_, n) => ({
      ...gpuNode(`gpu-${n}`, n === 1234 ? 0 : 8),
      status: { capacity: { 'nvidia.com/gpu': '8' }, allocatable: { 'nvidia.com/gpu': n === 1234 ? '0' : '8' }, conditions: [{ type: 'Ready', status: 'True' }] },
    }));
    const { targets } = logTargets(factsOf([...nodes, ...bigCluster()]));
    expect(targets.slice(0, 2).map((t) => t.pod).sort()).toEqual(['nvidia-device-plugin-daemonset-01234', 'nvidia-driver-daemonset-01234']);
    expect(targets).toHaveLength(MAX_HEALTHY_LOG_TARGETS);
  });
});
