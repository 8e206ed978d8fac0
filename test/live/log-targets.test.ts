import { describe, expect, it } from 'vitest';
import type { ContainerStatus, Pod } from '../../src/facts/kube.js';
import { logTargets } from '../../src/facts/log-targets.js';
import { factsOf, pod } from '../helpers/facts.js';

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

const targetsOf = (...pods: Pod[]) => logTargets(factsOf(pods)).targets.map((t) => `${t.namespace}/${t.pod}/${t.container}${t.previous ? '.previous' : ''}`);

describe('logTargets', () => {
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
    const { targets, omitted } = logTargets(factsOf(pods), 3);
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
