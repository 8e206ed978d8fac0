import { describe, expect, it } from 'vitest';
import clusterpolicyNotReady from '../../checks/clusterpolicy-not-ready.js';
import devicePluginConflict from '../../checks/device-plugin-conflict.js';
import gpuHeldByFinishedPod from '../../checks/gpu-held-by-finished-pod.js';
import insufficientGpu from '../../checks/insufficient-gpu.js';
import noDevicePlugin from '../../checks/no-device-plugin.js';
import operandUnhealthy from '../../checks/operand-unhealthy.js';
import unexpectedAdmissionError from '../../checks/unexpected-admission-error.js';
import validatorFailed from '../../checks/validator-failed.js';
import type { Check } from '../../src/check.js';
import { isSkip } from '../../src/check.js';
import { runChecks } from '../../src/engine.js';
import type { Facts } from '../../src/facts/facts.js';
import { parseAdmissionMessage } from '../../src/facts/gpu-holders.js';
import type { ContainerStatus, Event, KubeObject, Pod } from '../../src/facts/kube.js';
import { operandOf } from '../../src/facts/operands.js';
import type { Issue } from '../../src/model.js';
import { logKey } from '../../src/collection/collection.js';
import { factsOf, gpuNode, node, pod } from '../helpers/facts.js';

const NS = 'gpu-operator';
const ADMISSION_MESSAGE =
  'Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 1, Available: 0, which is unexpected';
const INSUFFICIENT = '0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) didn\'t match Pod\'s node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.';

function issues(check: Check, facts: Facts): Issue[] {
  const result = check.run(facts);
  if (isSkip(result)) throw new Error(`unexpected skip: ${result.skip}`);
  return result;
}

const running = (name: string, extra: Partial<ContainerStatus> = {}): ContainerStatus => ({
  name,
  ready: true,
  restartCount: 0,
  state: { running: { startedAt: '2024-05-01T10:00:00Z' } },
  ...extra,
});
const initDone = (name: string): ContainerStatus => ({
  name,
  ready: true,
  restartCount: 0,
  state: { terminated: { reason: 'Completed', exitCode: 0 } },
});
const crashLoop = (name: string, restartCount = 7): ContainerStatus => ({
  name,
  ready: false,
  restartCount,
  state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=${name}` } },
  lastState: { terminated: { reason: 'Error', exitCode: 1, finishedAt: '2024-05-01T10:20:00Z' } },
});

const readyConditions = [
  { type: 'PodScheduled', status: 'True' },
  { type: 'Initialized', status: 'True' },
  { type: 'Ready', status: 'True' },
];

/** A GPU Operator pod with real labels, its init and main containers. */
function operand(
  app: string,
  name: string,
  nodeName: string | undefined,
  containers: string[],
  statuses: { init?: ContainerStatus[]; main?: ContainerStatus[]; phase?: string; ready?: boolean; reason?: string; message?: string } = {},
  initContainers: string[] = [],
  labels: Record<string, string> = { app },
  namespace = NS,
): Pod {
  const ready = statuses.ready ?? true;
  return {
    ...pod(namespace, name, {
      labels,
      spec: {
        nodeName,
        initContainers: initContainers.map((c) => ({ name: c, image: 'nvcr.io/nvidia/cloud-native/gpu-operator-validator:v24.3.0' })),
        containers: containers.map((c) => ({ name: c, image: 'nvcr.io/nvidia/image:v1' })),
      },
      status: {
        phase: statuses.phase ?? 'Running',
        reason: statuses.reason,
        message: statuses.message,
        conditions: ready ? readyConditions : [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
        initContainerStatuses: statuses.init,
        containerStatuses: statuses.main ?? containers.map((c) => running(c)),
      },
    }),
    metadata: {
      name,
      namespace,
      labels,
      ownerReferences: [{ kind: 'DaemonSet', name: name.replace(/-[a-z0-9]{5}$/, ''), controller: true }],
    },
  };
}

function warning(podName: string, reason: string, message: string, namespace = NS, count = 1): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${podName}.17c${reason.length}`, namespace },
    involvedObject: { kind: 'Pod', name: podName, namespace },
    reason,
    message,
    type: 'Warning',
    count,
    lastTimestamp: '2024-05-01T10:21:00Z',
  };
}

function withLogs(objects: KubeObject[], logs: Record<string, string>): Facts {
  return factsOf(objects, { logs: new Map(Object.entries(logs)) });
}

function gpuPod(namespace: string, name: string, nodeName: string | undefined, gpus: number, status: Pod['status'], extra: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return pod(namespace, name, {
    spec: {
      nodeName,
      containers: [{ name: 'main', image: 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } }],
      ...extra,
    },
    status,
  });
}

const succeeded = (): Pod['status'] => ({
  phase: 'Succeeded',
  conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted' }],
  containerStatuses: [{ name: 'main', ready: false, restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } }],
});
const pendingInsufficient = (): Pod['status'] => ({
  phase: 'Pending',
  conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: INSUFFICIENT }],
});
const refusedAtAdmission = (): Pod['status'] => ({ phase: 'Failed', reason: 'UnexpectedAdmissionError', message: ADMISSION_MESSAGE });

const healthyOperands = (nodeName = 'gpu-1'): Pod[] => [
  operand('nvidia-driver-daemonset', 'nvidia-driver-daemonset-7x2kq', nodeName, ['nvidia-driver-ctr'], { init: [initDone('k8s-driver-manager')] }, ['k8s-driver-manager'], {
    app: 'nvidia-driver-daemonset',
    'app.kubernetes.io/component': 'nvidia-driver',
  }),
  operand('nvidia-container-toolkit-daemonset', 'nvidia-container-toolkit-daemonset-h2d95', nodeName, ['nvidia-container-toolkit-ctr'], { init: [initDone('driver-validation')] }, ['driver-validation']),
  operand('nvidia-device-plugin-daemonset', 'nvidia-device-plugin-daemonset-5lq9r', nodeName, ['nvidia-device-plugin', 'config-manager'], { init: [initDone('toolkit-validation'), initDone('config-manager-init')] }, ['toolkit-validation', 'config-manager-init']),
  operand('gpu-feature-discovery', 'gpu-feature-discovery-bp4tz', nodeName, ['gpu-feature-discovery', 'config-manager'], { init: [initDone('toolkit-validation')] }, ['toolkit-validation']),
  operand('nvidia-dcgm-exporter', 'nvidia-dcgm-exporter-qm8fs', nodeName, ['nvidia-dcgm-exporter'], { init: [initDone('toolkit-validation')] }, ['toolkit-validation']),
  operand('nvidia-operator-validator', 'nvidia-operator-validator-rbmwr', nodeName, ['nvidia-operator-validator'], {
    init: ['driver-validation', 'toolkit-validation', 'cuda-validation', 'plugin-validation'].map(initDone),
  }, ['driver-validation', 'toolkit-validation', 'cuda-validation', 'plugin-validation']),
  operand('nvidia-cuda-validator', 'nvidia-cuda-validator-4xv9c', nodeName, ['nvidia-cuda-validator'], {
    phase: 'Succeeded',
    ready: false,
    init: [initDone('cuda-validation')],
    main: [{ name: 'nvidia-cuda-validator', ready: false, restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } }],
  }, ['cuda-validation']),
  operand('gpu-operator', 'gpu-operator-6c8649c88-pk2s7', 'cpu-1', ['gpu-operator'], {}, [], { app: 'gpu-operator', 'app.kubernetes.io/component': 'gpu-operator' }),
  operand('node-feature-discovery', 'gpu-operator-node-feature-discovery-worker-7rnqj', nodeName, ['worker'], {}, [], {
    'app.kubernetes.io/name': 'node-feature-discovery',
    role: 'worker',
  }),
];

describe('operand recognition', () => {
  it('knows GPU Operator, standalone and HAMi pods by their labels, and nothing else', () => {
    const [driver, toolkit, plugin] = healthyOperands();
    expect(operandOf(driver!)).toMatchObject({ component: 'driver', provider: 'gpu-operator' });
    expect(operandOf(toolkit!)).toMatchObject({ component: 'toolkit' });
    expect(operandOf(plugin!)).toMatchObject({ component: 'device-plugin', advertisesGpus: true });
    const precompiled = pod(NS, 'nvidia-driver-daemonset-5.15.0-69-generic-ubuntu22.04-x8k2l', { labels: { app: 'nvidia-driver-daemonset-5.15.0-69-generic-ubuntu22.04' } });
    expect(operandOf(precompiled)).toMatchObject({ component: 'driver' });
    expect(operandOf(pod('nvidia-device-plugin', 'nvdp-nvidia-device-plugin-x', { labels: { 'app.kubernetes.io/name': 'nvidia-device-plugin', 'app.kubernetes.io/instance': 'nvdp' } }))).toMatchObject({
      provider: 'nvidia-device-plugin',
    });
    expect(operandOf(pod('kube-system', 'hami-device-plugin-x', { labels: { 'app.kubernetes.io/component': 'hami-device-plugin' } }))).toMatchObject({ provider: 'hami' });
    expect(operandOf(pod('default', 'web', { labels: { app: 'nginx' } }))).toBeUndefined();
  });
  it('reads the kubelet admission message', () => {
    expect(parseAdmissionMessage(ADMISSION_MESSAGE)).toEqual({ resource: 'nvidia.com/gpu', requested: 1, available: 0 });
    expect(parseAdmissionMessage('something else')).toBeUndefined();
  });
});

describe('operand-unhealthy', () => {
  it('reports a crash-looping driver pod with its previous log, events and the driver fix', () => {
    const driver = operand(
      'nvidia-driver-daemonset',
      'nvidia-driver-daemonset-7x2kq',
      'gpu-1',
      ['nvidia-driver-ctr'],
      { ready: false, init: [initDone('k8s-driver-manager')], main: [crashLoop('nvidia-driver-ctr')] },
      ['k8s-driver-manager'],
      { app: 'nvidia-driver-daemonset', 'app.kubernetes.io/component': 'nvidia-driver' },
    );
    const facts = withLogs(
      [gpuNode('gpu-1'), driver, warning(driver.metadata.name, 'BackOff', 'Back-off restarting failed container nvidia-driver-ctr in pod nvidia-driver-daemonset-7x2kq_gpu-operator', NS, 112)],
      {
        [logKey(NS, driver.metadata.name, 'nvidia-driver-ctr', true)]:
          'Installing NVIDIA driver kernel modules...\nCould not resolve Linux kernel version\nStopping NVIDIA persistence daemon...\n',
      },
    );
    const found = issues(operandUnhealthy, facts);
    expect(found).toHaveLength(1);
    const [issue] = found;
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Pod', name: 'nvidia-driver-daemonset-7x2kq', namespace: NS } });
    expect(issue!.message).toContain('NVIDIA driver pod gpu-operator/nvidia-driver-daemonset-7x2kq on node gpu-1 is CrashLoopBackOff');
    expect(issue!.evidence).toContain('log nvidia-driver-ctr (previous run): Could not resolve Linux kernel version');
    expect(issue!.evidence!.some((e) => e.startsWith('event BackOff ×112'))).toBe(true);
    expect(issue!.fix!.commands[0]).toBe('kubectl logs -n gpu-operator nvidia-driver-daemonset-7x2kq -c nvidia-driver-ctr --previous --tail=100');
    expect(issue!.fix!.summary).toMatch(/kernel headers.*Secure Boot/);
  });

  it('says a device plugin stuck in toolkit-validation waits for the toolkit, and reports the toolkit with its containerd hint', () => {
    const toolkit = operand('nvidia-container-toolkit-daemonset', 'nvidia-container-toolkit-daemonset-h2d95', 'gpu-1', ['nvidia-container-toolkit-ctr'], {
      ready: false,
      init: [initDone('driver-validation')],
      main: [crashLoop('nvidia-container-toolkit-ctr', 4)],
    }, ['driver-validation']);
    const plugin = operand('nvidia-device-plugin-daemonset', 'nvidia-device-plugin-daemonset-5lq9r', 'gpu-1', ['nvidia-device-plugin'], {
      ready: false,
      init: [running('toolkit-validation', { ready: false })],
      main: [{ name: 'nvidia-device-plugin', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
    }, ['toolkit-validation']);
    const facts = withLogs([toolkit, plugin], {
      [logKey(NS, toolkit.metadata.name, 'nvidia-container-toolkit-ctr', true)]:
        'time="2024-05-01T10:19:58Z" level=fatal msg="error running nvidia-toolkit: unable to setup runtime: unable to restart containerd: unable to dial: dial unix /runtime/sock-dir/containerd.sock: connect: no such file or directory"',
    });
    const found = issues(operandUnhealthy, facts);
    const byPod = Object.fromEntries(found.map((i) => [i.subject.name, i]));
    expect(byPod['nvidia-container-toolkit-daemonset-h2d95']).toMatchObject({ severity: 'error' });
    expect(byPod['nvidia-container-toolkit-daemonset-h2d95']!.fix!.commands.join('\n')).toContain('CONTAINERD_SOCKET');
    expect(byPod['nvidia-container-toolkit-daemonset-h2d95']!.evidence!.join('\n')).toContain('unable to dial');
    const waiting = byPod['nvidia-device-plugin-daemonset-5lq9r']!;
    expect(waiting.severity).toBe('warning');
    expect(waiting.message).toContain('stuck in init container toolkit-validation');
    expect(waiting.message).toContain('waits for the container runtime');
    expect(waiting.evidence).toContain('NVIDIA Container Toolkit pod on the same node: gpu-operator/nvidia-container-toolkit-daemonset-h2d95 CrashLoopBackOff, not Ready');
  });

  it('leaves image pulls to image-pull-failing with an info pointer', () => {
    const gfd = operand('gpu-feature-discovery', 'gpu-feature-discovery-bp4tz', 'gpu-1', ['gpu-feature-discovery'], {
      ready: false,
      main: [{ name: 'gpu-feature-discovery', ready: false, restartCount: 0, image: 'nvcr.io/nvidia/k8s-device-plugin:v0.15.0', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nvcr.io/nvidia/k8s-device-plugin:v0.15.0"' } } }],
    });
    const [issue] = issues(operandUnhealthy, factsOf([gfd]));
    expect(issue).toMatchObject({ severity: 'info', fix: { commands: ['gpuctl doctor --checks image-pull-failing'] } });
    expect(issue!.message).toContain('image-pull-failing');
  });

  it('warns about a Ready operand that keeps crashing, not about one restarted by a node reboot', () => {
    const flapping = operand('nvidia-dcgm-exporter', 'nvidia-dcgm-exporter-qm8fs', 'gpu-1', ['nvidia-dcgm-exporter'], {
      main: [running('nvidia-dcgm-exporter', { restartCount: 5, lastState: { terminated: { reason: 'Error', exitCode: 1 } } })],
    });
    const rebooted = operand('gpu-feature-discovery', 'gpu-feature-discovery-bp4tz', 'gpu-1', ['gpu-feature-discovery'], {
      main: [running('gpu-feature-discovery', { restartCount: 4, lastState: { terminated: { reason: 'Unknown', exitCode: 255 } } })],
    });
    const found = issues(operandUnhealthy, factsOf([flapping, rebooted]));
    expect(found.map((i) => [i.subject.name, i.severity])).toEqual([['nvidia-dcgm-exporter-qm8fs', 'warning']]);
    expect(found[0]!.message).toContain('5 restarts of nvidia-dcgm-exporter');
  });

  it('names the event cause when an operand cannot get its sandbox', () => {
    const plugin = operand('nvidia-device-plugin-daemonset', 'nvidia-device-plugin-daemonset-5lq9r', 'gpu-1', ['nvidia-device-plugin'], {
      ready: false,
      phase: 'Pending',
      main: [{ name: 'nvidia-device-plugin', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
    });
    const facts = factsOf([
      plugin,
      warning(plugin.metadata.name, 'FailedCreatePodSandBox', 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "nvidia" is configured'),
    ]);
    const [issue] = issues(operandUnhealthy, facts);
    expect(issue!.evidence).toContain('containerd has no "nvidia" runtime: see nvidia-runtime-missing');
  });

  it('warns about an operand the scheduler cannot place, quoting why', () => {
    const mig = operand('nvidia-mig-manager', 'nvidia-mig-manager-m2x7d', undefined, ['nvidia-mig-manager'], { phase: 'Pending', ready: false, main: [] });
    const message = '0/3 nodes are available: 1 Insufficient memory, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.';
    mig.status!.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }];
    const [issue] = issues(operandUnhealthy, factsOf([mig]));
    expect(issue).toMatchObject({ severity: 'warning', message: 'NVIDIA GPU Operator MIG manager pod gpu-operator/nvidia-mig-manager-m2x7d is not scheduled (Pending)' });
    expect(issue!.evidence).toContain(`PodScheduled condition: ${message}`);
  });

  it('is quiet on a healthy GPU Operator, and leaves validators to validator-failed', () => {
    expect(issues(operandUnhealthy, factsOf([gpuNode('gpu-1'), ...healthyOperands()]))).toEqual([]);
    const failedValidator = operand('nvidia-operator-validator', 'nvidia-operator-validator-rbmwr', 'gpu-1', ['nvidia-operator-validator'], {
      ready: false,
      init: [crashLoop('driver-validation')],
    }, ['driver-validation']);
    expect(issues(operandUnhealthy, factsOf([failedValidator]))).toEqual([]);
  });
});

describe('validator-failed', () => {
  const VALIDATION = ['driver-validation', 'toolkit-validation', 'cuda-validation', 'plugin-validation'];

  it('names the step a stuck validator waits in and quotes its log', () => {
    const validator = operand('nvidia-operator-validator', 'nvidia-operator-validator-rbmwr', 'gpu-1', ['nvidia-operator-validator'], {
      ready: false,
      init: [running('driver-validation', { ready: false })],
    }, VALIDATION);
    const facts = withLogs([validator], {
      [logKey(NS, validator.metadata.name, 'driver-validation')]:
        'running command chroot with args [/run/nvidia/driver nvidia-smi]\nchroot: failed to run command \'nvidia-smi\': No such file or directory\ncommand failed, retrying after 5 seconds\n',
    });
    const [issue] = issues(validatorFailed, facts);
    expect(issue).toMatchObject({ severity: 'warning', subject: { name: 'nvidia-operator-validator-rbmwr' } });
    expect(issue!.message).toContain('is stuck in driver-validation: the driver stage fails, fix the NVIDIA driver');
    expect(issue!.evidence).toContain('log driver-validation: command failed, retrying after 5 seconds');
    expect(issue!.fix!.commands).toContain('gpuctl doctor --checks driver');
  });

  it('maps a failed toolkit-validation to the runtime layer', () => {
    const validator = operand('nvidia-operator-validator', 'nvidia-operator-validator-rbmwr', 'gpu-1', ['nvidia-operator-validator'], {
      ready: false,
      init: [initDone('driver-validation'), crashLoop('toolkit-validation', 3)],
    }, VALIDATION);
    const [issue] = issues(validatorFailed, factsOf([validator]));
    expect(issue).toMatchObject({ severity: 'error' });
    expect(issue!.message).toContain('failed at toolkit-validation: the toolkit stage fails, fix the container runtime');
    expect(issue!.fix!.commands[0]).toBe('kubectl logs -n gpu-operator nvidia-operator-validator-rbmwr -c toolkit-validation --previous --tail=100');
    expect(issue!.fix!.commands).toContain('gpuctl doctor --checks runtime');
  });

  it('a failed toolkit-validation points at the node\'s own runtime: CRI-O\'s drop-ins on a CRI-O node, k3s\' file on k3s, containerd\'s otherwise', () => {
    const validator = operand('nvidia-operator-validator', 'nvidia-operator-validator-rbmwr', 'gpu-1', ['nvidia-operator-validator'], {
      ready: false,
      init: [initDone('driver-validation'), crashLoop('toolkit-validation', 3)],
    }, VALIDATION);
    const on = (containerRuntimeVersion: string, kubeletVersion = 'v1.30.2') => {
      const n = gpuNode('gpu-1');
      const [issue] = issues(validatorFailed, factsOf([{ ...n, status: { ...n.status, nodeInfo: { containerRuntimeVersion, kubeletVersion } } }, validator]));
      return issue!;
    };
    const crio = on('cri-o://1.29.1');
    expect(crio.message).toContain('fix the container runtime (NVIDIA Container Toolkit, the nvidia runtime in CRI-O)');
    expect(crio.fix!.summary).toContain('the CRI-O config');
    expect(crio.fix!.commands).toContain("# on gpu-1: sudo grep -rn -A3 'runtimes.nvidia' /etc/crio/crio.conf /etc/crio/crio.conf.d/");
    expect(JSON.stringify([crio.message, crio.fix])).not.toContain('containerd');
    const k3s = on('containerd://1.7.11-k3s2', 'v1.29.0+k3s1');
    expect(k3s.fix!.commands).toContain("# on gpu-1: sudo grep -n -A3 'runtimes.nvidia' /var/lib/rancher/k3s/agent/etc/containerd/config.toml");
    const containerd = on('containerd://1.7.12');
    expect(containerd.fix!.commands).toContain("# on gpu-1: sudo containerd config dump | grep -n -A3 'runtimes.nvidia'");
    expect(JSON.stringify(containerd.fix)).not.toContain('crio');
  });

  it('explains the seed: the device plugin validator refused at admission while a finished pod holds the only GPU', () => {
    const operatorValidator = operand('nvidia-operator-validator', 'nvidia-operator-validator-rbmwr', 'z-k8s-n-1', ['nvidia-operator-validator'], {
      ready: false,
      init: [initDone('driver-validation'), initDone('toolkit-validation'), initDone('cuda-validation'), running('plugin-validation', { ready: false })],
    }, VALIDATION);
    const pluginValidator = operand('nvidia-device-plugin-validator', 'nvidia-device-plugin-validator-9sxwv', 'z-k8s-n-1', ['nvidia-device-plugin-validator'], {
      phase: 'Failed',
      ready: false,
      reason: 'UnexpectedAdmissionError',
      message: ADMISSION_MESSAGE,
      main: [],
    }, ['plugin-validation']);
    const vectoradd = gpuPod('default', 'cuda-vectoradd', 'z-k8s-n-1', 1, succeeded());
    const found = issues(validatorFailed, factsOf([gpuNode('z-k8s-n-1'), operatorValidator, pluginValidator, vectoradd]));
    const byPod = Object.fromEntries(found.map((i) => [i.subject.name, i]));
    const refused = byPod['nvidia-device-plugin-validator-9sxwv']!;
    expect(refused.severity).toBe('error');
    expect(refused.message).toContain('was refused by the kubelet at admission before plugin-validation: the plugin stage fails');
    expect(refused.evidence).toContain(`pod UnexpectedAdmissionError: ${ADMISSION_MESSAGE}`);
    expect(refused.evidence).toContain('finished pod still holding a GPU: default/cuda-vectoradd (1 GPU, Succeeded, finished) (see gpu-held-by-finished-pod)');
    expect(refused.fix!.commands[0]).toBe('kubectl delete pod -n default cuda-vectoradd   # finished, still holds the GPU');
    const stuck = byPod['nvidia-operator-validator-rbmwr']!;
    expect(stuck.message).toContain('is stuck in plugin-validation');
    expect(stuck.evidence!.some((e) => e.startsWith('device plugin validator pod on the same node: gpu-operator/nvidia-device-plugin-validator-9sxwv'))).toBe(true);
  });

  it('names the sandbox cause when the validator cannot start at all', () => {
    const validator = operand('nvidia-operator-validator', 'nvidia-operator-validator-rbmwr', 'z-k8s-n-1', ['nvidia-operator-validator'], {
      phase: 'Pending',
      ready: false,
      init: VALIDATION.map((c) => ({ name: c, ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } })),
    }, VALIDATION);
    const facts = factsOf([
      validator,
      warning(validator.metadata.name, 'FailedCreatePodSandBox', 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "nvidia" is configured', NS, 31),
    ]);
    const [issue] = issues(validatorFailed, facts);
    expect(issue!.severity).toBe('error');
    expect(issue!.message).toContain('cannot start, so no validation stage ran: containerd has no "nvidia" runtime (see nvidia-runtime-missing)');
    expect(issue!.fix!.summary).toContain('nvidia-runtime-missing');
    expect(issue!.fix!.summary).not.toContain('driver');
  });

  it('still names a step the table does not know', () => {
    const validator = operand('nvidia-operator-validator', 'nvidia-operator-validator-rbmwr', 'gpu-1', ['nvidia-operator-validator'], {
      ready: false,
      init: [{ name: 'nvidia-fs-validation', ready: false, restartCount: 2, state: { terminated: { reason: 'Error', exitCode: 1 } } }],
    }, ['nvidia-fs-validation']);
    const [issue] = issues(validatorFailed, factsOf([validator]));
    expect(issue!.message).toContain('failed at nvidia-fs-validation: the nvidia-fs stage fails');
  });

  it('leaves a validator image pull to image-pull-failing', () => {
    const validator = operand('nvidia-operator-validator', 'nvidia-operator-validator-rbmwr', 'gpu-1', ['nvidia-operator-validator'], {
      ready: false,
      init: [{ name: 'driver-validation', ready: false, restartCount: 0, image: 'nvcr.io/nvidia/cloud-native/gpu-operator-validator:v24.3.0', state: { waiting: { reason: 'ErrImagePull', message: 'failed to pull and unpack image "nvcr.io/nvidia/cloud-native/gpu-operator-validator:v24.3.0": i/o timeout' } } }],
    }, VALIDATION);
    const [issue] = issues(validatorFailed, factsOf([validator]));
    expect(issue).toMatchObject({ severity: 'info', fix: { commands: ['gpuctl doctor --checks image-pull-failing'] } });
    expect(issue!.message).toContain('(step driver-validation) cannot pull its image (ErrImagePull)');
  });

  it('is quiet when the validators passed', () => {
    expect(issues(validatorFailed, factsOf([gpuNode('gpu-1'), ...healthyOperands()]))).toEqual([]);
  });
});

describe('gpu-held-by-finished-pod', () => {
  it('names the leftover cuda-vectoradd pod when the device plugin validator cannot get the GPU', () => {
    const vectoradd = gpuPod('default', 'cuda-vectoradd', 'z-k8s-n-1', 1, succeeded());
    const refused = operand('nvidia-device-plugin-validator', 'nvidia-device-plugin-validator-9sxwv', 'z-k8s-n-1', ['nvidia-device-plugin-validator'], {
      phase: 'Failed', ready: false, reason: 'UnexpectedAdmissionError', message: ADMISSION_MESSAGE, main: [],
    });
    const found = issues(gpuHeldByFinishedPod, factsOf([gpuNode('z-k8s-n-1'), vectoradd, refused]));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: 'error', subject: { kind: 'Pod', name: 'cuda-vectoradd', namespace: 'default' } });
    expect(found[0]!.message).toBe('Finished pod default/cuda-vectoradd (Completed) still holds 1 nvidia.com/gpu on node z-k8s-n-1, where 1 pod(s) wait for a GPU');
    expect(found[0]!.evidence).toContain(`waiting: gpu-operator/nvidia-device-plugin-validator-9sxwv: UnexpectedAdmissionError: ${ADMISSION_MESSAGE}`);
    expect(found[0]!.fix!.commands).toContain('kubectl delete pod -n default cuda-vectoradd');
  });

  it('counts a NotReady pod whose GPU container exited while a sidecar runs, against a Pending pod', () => {
    const notReady = pod('default', 'cuda-vectoradd', {
      spec: {
        nodeName: 'gpu-1',
        containers: [
          { name: 'cuda-vectoradd', image: 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1', resources: { limits: { 'nvidia.com/gpu': '1' } } },
          { name: 'istio-proxy', image: 'istio/proxyv2' },
        ],
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False' }],
        containerStatuses: [
          { name: 'cuda-vectoradd', ready: false, restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
          running('istio-proxy'),
        ],
      },
    });
    const waiting = gpuPod('ml', 'stable-diffusion-0', undefined, 1, pendingInsufficient());
    const found = issues(gpuHeldByFinishedPod, factsOf([gpuNode('gpu-1'), notReady, waiting]));
    expect(found.map((i) => i.subject.name)).toEqual(['cuda-vectoradd']);
    expect(found[0]!.evidence!.some((e) => e.startsWith('waiting: ml/stable-diffusion-0: Pending: 0/3 nodes are available: 1 Insufficient nvidia.com/gpu'))).toBe(true);
  });

  it('counts a crash-looping GPU pod as a holder, and stops its Deployment rather than deleting a pod it would recreate', () => {
    const looping = pod('ml', 'trainer-7f8d9c-k2x9p', {
      spec: { nodeName: 'gpu-1', containers: [{ name: 'main', image: 'trainer', resources: { limits: { 'nvidia.com/gpu': '1' } } }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: false, restartCount: 187, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } } }] },
      labels: { 'pod-template-hash': '7f8d9c' },
    });
    looping.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'trainer-7f8d9c', controller: true }];
    const waiting = gpuPod('ml', 'notebook-4', undefined, 1, pendingInsufficient());
    const [found, ...rest] = issues(gpuHeldByFinishedPod, factsOf([gpuNode('gpu-1'), looping, waiting]));
    expect(rest).toEqual([]);
    expect(found!.message).toBe('Crash-looping pod ml/trainer-7f8d9c-k2x9p (CrashLoopBackOff, 187 restarts) still holds 1 nvidia.com/gpu on node gpu-1, where 1 pod(s) wait for a GPU');
    expect(found!.fix!.commands).toEqual(['kubectl logs -n ml trainer-7f8d9c-k2x9p --all-containers --previous > trainer-7f8d9c-k2x9p.previous.log', 'kubectl -n ml scale deployment trainer --replicas=0']);
    // Restarting without CrashLoopBackOff (it runs now) holds its GPU for work: not a finding.
    const running = { ...looping, status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: true, restartCount: 3, state: { running: {} } }] } } as typeof looping;
    expect(issues(gpuHeldByFinishedPod, factsOf([gpuNode('gpu-1'), running, waiting]))).toEqual([]);
  });

  it('judges from pods alone when Node objects were not read', () => {
    const vectoradd = gpuPod('default', 'cuda-vectoradd', 'gpu-1', 1, succeeded());
    const refused = gpuPod('ml', 'train', 'gpu-1', 1, refusedAtAdmission());
    const [issue] = issues(gpuHeldByFinishedPod, factsOf([vectoradd, refused]));
    expect(issue!.evidence).toContain('node gpu-1: allocatable nvidia.com/gpu unknown (Node not read), requested by bound pods 1: default/cuda-vectoradd (1 GPU, Succeeded, finished)');
  });

  it('is quiet when nobody waits, or when the waiting pod cannot land on that node', () => {
    const vectoradd = gpuPod('default', 'cuda-vectoradd', 'gpu-1', 1, succeeded());
    expect(issues(gpuHeldByFinishedPod, factsOf([gpuNode('gpu-1'), vectoradd]))).toEqual([]);
    const elsewhere = gpuPod('ml', 'train', undefined, 1, pendingInsufficient(), { nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } });
    expect(issues(gpuHeldByFinishedPod, factsOf([gpuNode('gpu-1', 1, { 'nvidia.com/gpu.product': 'Tesla-P10' }), vectoradd, elsewhere]))).toEqual([]);
  });
});

describe('unexpected-admission-error', () => {
  it('quotes the kubelet message and points to the finished pod that holds the GPU', () => {
    const refused = gpuPod('ml', 'stable-diffusion', 'z-k8s-n-1', 1, refusedAtAdmission());
    const vectoradd = gpuPod('default', 'cuda-vectoradd', 'z-k8s-n-1', 1, succeeded());
    const [issue, ...rest] = issues(unexpectedAdmissionError, factsOf([gpuNode('z-k8s-n-1'), refused, vectoradd]));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Pod', name: 'stable-diffusion', namespace: 'ml' } });
    expect(issue!.message).toContain('(a finished pod holds it)');
    expect(issue!.evidence).toContain(`pod ml/stable-diffusion status.reason UnexpectedAdmissionError: ${ADMISSION_MESSAGE}`);
    expect(issue!.evidence).toContain('requested 1 nvidia.com/gpu, available 0 on node z-k8s-n-1');
    expect(issue!.evidence).toContain('finished pod(s) still holding a GPU on z-k8s-n-1: see gpu-held-by-finished-pod');
    expect(issue!.fix!.commands[0]).toBe('kubectl delete pod -n default cuda-vectoradd   # finished, still holds the GPU');
  });

  it('groups the pods a ReplicaSet keeps creating into one finding', () => {
    const refused = ['a1b2c', 'd3e4f', 'g5h6i'].map((suffix) => {
      const p = gpuPod('ml', `infer-7d9f8-${suffix}`, 'gpu-1', 1, refusedAtAdmission());
      p.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'infer-7d9f8', controller: true }];
      return p;
    });
    const found = issues(unexpectedAdmissionError, factsOf([gpuNode('gpu-1'), ...refused]));
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('3 pods of infer-7d9f8 were refused by the kubelet on node gpu-1');
    expect(found[0]!.fix!.commands.at(-1)).toContain('kubectl delete pod -n ml infer-7d9f8-a1b2c infer-7d9f8-d3e4f infer-7d9f8-g5h6i');
  });

  it('is quiet when no pod was refused', () => {
    expect(issues(unexpectedAdmissionError, factsOf([gpuNode('gpu-1'), gpuPod('ml', 'ok', 'gpu-1', 1, { phase: 'Running' })]))).toEqual([]);
  });
});

describe('no-device-plugin', () => {
  const waiting = gpuPod('ml', 'train', undefined, 1, pendingInsufficient());

  it('fires when GPU pods exist and no device plugin runs, with the Helm install', () => {
    const [issue] = issues(noDevicePlugin, factsOf([gpuNode('gpu-1'), waiting]));
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Cluster' } });
    expect(issue!.message).toBe('1 pod(s) request nvidia.com/gpu but no device plugin runs in the cluster');
    expect(issue!.fix!.commands).toEqual([
      'helm repo add nvdp https://nvidia.github.io/k8s-device-plugin && helm repo update',
      'helm upgrade --install nvdp nvdp/nvidia-device-plugin -n nvidia-device-plugin --create-namespace',
    ]);
  });

  it('points at a device plugin DaemonSet that selects no node instead of installing another', () => {
    const ds: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'nvidia-device-plugin-daemonset', namespace: NS, labels: { app: 'nvidia-device-plugin-daemonset' } },
      spec: { template: { metadata: { labels: { app: 'nvidia-device-plugin-daemonset' } }, spec: { nodeSelector: { 'nvidia.com/gpu.deploy.device-plugin': 'true' } } } },
      status: { desiredNumberScheduled: 0, numberReady: 0 },
    };
    const [issue] = issues(noDevicePlugin, factsOf([gpuNode('gpu-1'), waiting, ds]));
    expect(issue!.evidence).toContain('DaemonSet gpu-operator/nvidia-device-plugin-daemonset (NVIDIA GPU Operator) schedules 0 pods; nodeSelector nvidia.com/gpu.deploy.device-plugin=true');
    expect(issue!.fix!.commands).toContain('kubectl label node gpu-1 nvidia.com/gpu.deploy.device-plugin=true --overwrite');
    expect(issue!.fix!.commands.join('\n')).not.toContain('helm upgrade --install');
  });

  it('suggests enabling the operator device plugin when the ClusterPolicy turned it off and HAMi is absent', () => {
    const policy: KubeObject = { apiVersion: 'nvidia.com/v1', kind: 'ClusterPolicy', metadata: { name: 'cluster-policy' }, spec: { devicePlugin: { enabled: false } }, status: { state: 'ready' } };
    const [issue] = issues(noDevicePlugin, factsOf([gpuNode('gpu-1'), waiting, policy]));
    expect(issue!.fix!.commands[0]).toContain('kubectl patch clusterpolicy cluster-policy');
  });

  it('is quiet when any device plugin runs, or no pod asks for a GPU', () => {
    const hami = operand('hami', 'hami-device-plugin-x7k2p', 'gpu-1', ['device-plugin', 'vgpu-monitor'], {}, [], { 'app.kubernetes.io/component': 'hami-device-plugin' }, 'kube-system');
    expect(issues(noDevicePlugin, factsOf([gpuNode('gpu-1'), waiting, hami]))).toEqual([]);
    expect(issues(noDevicePlugin, factsOf([gpuNode('gpu-1'), waiting, ...healthyOperands()]))).toEqual([]);
    expect(issues(noDevicePlugin, factsOf([gpuNode('gpu-1'), pod('default', 'web')]))).toEqual([]);
  });
});

describe('insufficient-gpu', () => {
  it('shows requests against allocatable per node and who holds the GPUs', () => {
    const holder = gpuPod('ml', 'jupyter-alice', 'gpu-1', 1, { phase: 'Running' });
    const waiting = gpuPod('ml', 'train', undefined, 1, pendingInsufficient());
    const [issue, ...rest] = issues(insufficientGpu, factsOf([gpuNode('gpu-1'), node('cpu-1'), holder, waiting]));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ severity: 'warning', subject: { kind: 'Pod', name: 'train', namespace: 'ml' } });
    expect(issue!.message).toBe('Pod ml/train is Pending: 1 nvidia.com/gpu requested, 0 free across 1 GPU node(s)');
    expect(issue!.evidence).toContain(`scheduler (PodScheduled condition (Unschedulable)): ${INSUFFICIENT}`);
    expect(issue!.evidence).toContain('node gpu-1: allocatable nvidia.com/gpu 1, requested 1 by ml/jupyter-alice (1 GPU, Running)');
  });

  it('reads FailedScheduling events too, and calls a request larger than any node an error', () => {
    const big = gpuPod('ml', 'llm-70b', undefined, 8, { phase: 'Pending' });
    const event = warning('llm-70b', 'FailedScheduling', '0/2 nodes are available: 2 Insufficient nvidia.com/gpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.', 'ml', 4);
    const [issue] = issues(insufficientGpu, factsOf([gpuNode('gpu-1', 4), gpuNode('gpu-2', 2), big, event]));
    expect(issue).toMatchObject({ severity: 'error' });
    expect(issue!.message).toContain('requests 8 nvidia.com/gpu but no node has more than 4 allocatable');
    expect(issue!.evidence![0]).toMatch(/^scheduler \(event FailedScheduling ×4\): 0\/2 nodes are available: 2 Insufficient nvidia.com\/gpu/);
  });

  it('sends a cluster without allocatable GPUs to the device plugin checks', () => {
    const waiting = gpuPod('ml', 'train', undefined, 1, pendingInsufficient());
    const [issue] = issues(insufficientGpu, factsOf([node('gpu-1', { 'nvidia.com/gpu.present': 'true' }), waiting]));
    expect(issue!.message).toBe('Pod ml/train is Pending for 1 nvidia.com/gpu but no node advertises any allocatable GPU');
    expect(issue!.evidence).toContain('no node advertises allocatable nvidia.com/gpu: see no-device-plugin and gpu-not-allocatable');
  });

  it('is quiet for pods Pending for other reasons', () => {
    const cpu = gpuPod('ml', 'train', undefined, 1, {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu.' }],
    });
    expect(issues(insufficientGpu, factsOf([gpuNode('gpu-1'), cpu]))).toEqual([]);
  });

  it('decides from the facts when no scheduler message was read: a request larger than every node it may land on', () => {
    const big = gpuPod('ml', 'llm-70b', undefined, 8, { phase: 'Pending' });
    const [issue, ...rest] = issues(insufficientGpu, factsOf([gpuNode('gpu-1', 4), gpuNode('gpu-2', 2), big]));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Pod', name: 'llm-70b', namespace: 'ml' } });
    expect(issue!.message).toBe('Pod ml/llm-70b requests 8 nvidia.com/gpu but no node it may run on has more than 4 allocatable: it can never be scheduled');
    expect(issue!.evidence).toContain("judged from the nodes' allocatable GPUs: no scheduler message about this pod was read");
    // nodeSelector narrows the nodes: 4 fits gpu-1, but the selector allows only gpu-2 (2 GPUs)
    const picky = gpuPod('ml', 'picky', undefined, 4, { phase: 'Pending' }, { nodeSelector: { pool: 'small' } });
    const small = gpuNode('gpu-2', 2, { pool: 'small' });
    expect(issues(insufficientGpu, factsOf([gpuNode('gpu-1', 4), small, picky]))[0]!.message).toContain('no node it may run on has more than 2 allocatable');
    // a request that fits some node, or a cluster with no allocatable GPU at all, is left to the scheduler and the device plugin checks
    expect(issues(insufficientGpu, factsOf([gpuNode('gpu-1', 4), gpuPod('ml', 'ok', undefined, 4, { phase: 'Pending' })]))).toEqual([]);
    expect(issues(insufficientGpu, factsOf([node('gpu-1', { 'nvidia.com/gpu.present': 'true' }), big]))).toEqual([]);
  });
});

describe('clusterpolicy-not-ready', () => {
  const policy = (status: KubeObject['status']): KubeObject => ({ apiVersion: 'nvidia.com/v1', kind: 'ClusterPolicy', metadata: { name: 'cluster-policy' }, spec: {}, status });

  it('is not applicable without the GPU Operator, skipped with the operator but no ClusterPolicy, ✓ on a ready one', () => {
    const absent = runChecks([clusterpolicyNotReady], factsOf([gpuNode('gpu-1')]));
    expect(absent.findings).toEqual([]);
    expect(absent.notApplicable?.map((n) => n.name)).toEqual(['clusterpolicy-not-ready']);
    const namespaceOnly: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gpu-operator' } };
    const noPolicy = runChecks([clusterpolicyNotReady], factsOf([gpuNode('gpu-1'), namespaceOnly]));
    expect(noPolicy.findings).toEqual([]);
    expect(noPolicy.skipped.map((k) => [k.name, k.reason])).toEqual([['clusterpolicy-not-ready', expect.stringMatching(/^no ClusterPolicy object/)]]);
    const ready = runChecks([clusterpolicyNotReady], factsOf([gpuNode('gpu-1'), policy({ state: 'ready' })]));
    expect(ready.findings.map((f) => [f.name, f.severity, f.message])).toEqual([['clusterpolicy-not-ready', 'ok', 'the ClusterPolicy is ready']]);
  });

  it('quotes the conditions and names the operands behind the states not ready', () => {
    const driver = operand('nvidia-driver-daemonset', 'nvidia-driver-daemonset-7x2kq', 'gpu-1', ['nvidia-driver-ctr'], {
      ready: false,
      main: [crashLoop('nvidia-driver-ctr')],
    }, [], { app: 'nvidia-driver-daemonset', 'app.kubernetes.io/component': 'nvidia-driver' });
    const notReady = policy({
      namespace: NS,
      state: 'notReady',
      conditions: [
        { type: 'Ready', status: 'False', reason: 'OperandNotReady', message: '', lastTransitionTime: '2024-05-01T10:05:00Z' },
        { type: 'Error', status: 'True', reason: 'OperandNotReady', message: 'ClusterPolicy is not ready, states not ready: [state-driver]' },
      ],
    });
    const [issue] = issues(clusterpolicyNotReady, factsOf([notReady, driver, ...healthyOperands().slice(1)]));
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'ClusterPolicy', name: 'cluster-policy' }, message: 'ClusterPolicy cluster-policy is notReady: state-driver not ready' });
    expect(issue!.evidence).toContain('condition Error=True reason OperandNotReady: ClusterPolicy is not ready, states not ready: [state-driver]');
    expect(issue!.evidence).toContain('NVIDIA driver pod gpu-operator/nvidia-driver-daemonset-7x2kq on gpu-1: CrashLoopBackOff (see operand-unhealthy / validator-failed)');
  });

  it('names the states not ready from the controller\'s log alone (no conditions), and says so', () => {
    const controller = operand('gpu-operator', 'gpu-operator-6b8f9c7d5-x2x9q', 'cpu-1', ['gpu-operator'], {}, [], { app: 'gpu-operator' });
    const log = [
      '{"level":"info","ts":"2024-05-01T10:05:00Z","logger":"controllers.ClusterPolicy","msg":"ClusterPolicy step completed","state:":"state-driver","status":"notReady"}',
      '{"level":"info","ts":"2024-05-01T10:05:00Z","logger":"controllers.ClusterPolicy","msg":"ClusterPolicy step completed","state:":"state-container-toolkit","status":"ready"}',
      '{"level":"info","ts":"2024-05-01T10:05:01Z","logger":"controllers.ClusterPolicy","msg":"ClusterPolicy step completed","state:":"state-operator-validation","status":"notReady"}',
    ].join('\n');
    const [issue] = issues(clusterpolicyNotReady, factsOf([policy({ namespace: NS, state: 'notReady' }), controller], { logs: new Map([[`${NS}/gpu-operator-6b8f9c7d5-x2x9q/gpu-operator`, log]]) }));
    expect(issue!.message).toBe('ClusterPolicy cluster-policy is notReady: state-driver, state-operator-validation not ready');
    expect(issue!.evidence).toContain("states not ready (from the controller's log): state-driver, state-operator-validation");
    expect(issue!.evidence).toContain(`log of ${NS}/gpu-operator-6b8f9c7d5-x2x9q container gpu-operator: ${log.split('\n')[0]}`);
  });

  it('warns about an ignored second ClusterPolicy and a ClusterPolicy without status', () => {
    const ignored = { ...policy({ state: 'ignored' }), metadata: { name: 'extra-policy' } };
    const [a] = issues(clusterpolicyNotReady, factsOf([policy({ state: 'ready' }), ignored]));
    expect(a).toMatchObject({ severity: 'warning', subject: { name: 'extra-policy' }, fix: { commands: ['kubectl get clusterpolicy', 'kubectl delete clusterpolicy extra-policy'] } });
    const [b] = issues(clusterpolicyNotReady, factsOf([policy(undefined)]));
    expect(b!.message).toBe('ClusterPolicy cluster-policy has no status: the gpu-operator controller has not reconciled it');
    expect(b!.evidence).toContain('no gpu-operator controller pod found (label app=gpu-operator)');
  });

  it('is quiet when ready (without the GPU Operator it is not applicable: the test above)', () => {
    expect(issues(clusterpolicyNotReady, factsOf([policy({ state: 'ready', namespace: NS })]))).toEqual([]);
  });
});

describe('device-plugin-conflict', () => {
  const operatorPlugin = (nodeName: string) =>
    operand('nvidia-device-plugin-daemonset', `nvidia-device-plugin-daemonset-${nodeName.slice(-1)}abcd`, nodeName, ['nvidia-device-plugin']);
  const hamiPlugin = (nodeName: string) =>
    operand('hami', `hami-device-plugin-${nodeName.slice(-1)}wxyz`, nodeName, ['device-plugin', 'vgpu-monitor'], {}, [], { 'app.kubernetes.io/component': 'hami-device-plugin' }, 'kube-system');
  const nvdp = (nodeName: string) =>
    operand('nvdp', `nvdp-nvidia-device-plugin-${nodeName.slice(-1)}qrst`, nodeName, ['nvidia-device-plugin-ctr'], {}, [], { 'app.kubernetes.io/name': 'nvidia-device-plugin', 'app.kubernetes.io/instance': 'nvdp' }, 'nvidia-device-plugin');

  it('tells to turn the GPU Operator device plugin off when HAMi runs beside it', () => {
    const [issue, ...rest] = issues(devicePluginConflict, factsOf([gpuNode('gpu-1'), operatorPlugin('gpu-1'), hamiPlugin('gpu-1')]));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'gpu-1' } });
    expect(issue!.message).toBe('Node gpu-1 runs 2 device plugins for nvidia.com/gpu: NVIDIA GPU Operator and HAMi');
    expect(issue!.fix!.commands[0]).toBe('helm upgrade gpu-operator nvidia/gpu-operator -n gpu-operator --reuse-values --set devicePlugin.enabled=false');
  });

  it('tells to remove the standalone plugin beside HAMi', () => {
    const [issue] = issues(devicePluginConflict, factsOf([nvdp('gpu-1'), hamiPlugin('gpu-1')]));
    expect(issue!.fix!.commands[0]).toMatch(/^helm uninstall nvdp -n nvidia-device-plugin/);
  });

  it('is quiet with one plugin per node, even when nodes differ in which', () => {
    expect(issues(devicePluginConflict, factsOf([operatorPlugin('gpu-1'), hamiPlugin('gpu-2'), nvdp('gpu-3')]))).toEqual([]);
  });
});
