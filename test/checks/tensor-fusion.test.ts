import { describe, expect, it } from 'vitest';
import tfGpusUndiscovered from '../../checks/tf-gpus-undiscovered.js';
import tfInvalidMemoryAddress from '../../checks/tf-invalid-memory-address.js';
import imagePullFailing from '../../checks/image-pull-failing.js';
import tfOperatorRestarting from '../../checks/tf-operator-restarting.js';
import tfScheduleFailed from '../../checks/tf-schedule-failed.js';
import tfWorkerCrashing from '../../checks/tf-worker-crashing.js';
import tfWorkerNotRunning from '../../checks/tf-worker-not-running.js';
import type { Check } from '../../src/check.js';
import { appliesTo, causesOf, runChecks } from '../../src/engine.js';
import type { Event, KubeObject, Pod } from '../../src/facts/kube.js';
import type { Collection } from '../../src/collection/collection.js';
import { factsOf, host, node, pod } from '../helpers/facts.js';
import { crashStatus, kubeObject, namespace, readyStatus } from '../helpers/stacks.js';

const TF = 'tensor-fusion.ai/v1';
const TFS = 'tensor-fusion-sys';

function tfCluster(workerEnv: { name: string; value: string }[] = []): KubeObject {
  return kubeObject(TF, 'TensorFusionCluster', 'shared-tensor-fusion-cluster', undefined, {}, {
    spec: {
      gpuPools: [
        {
          name: 'shared',
          isDefault: true,
          specTemplate: { componentConfig: { worker: { podTemplate: { template: { spec: { containers: [{ name: 'tensorfusion-worker', env: workerEnv }] } } } } } },
        },
      ],
    },
  });
}

/** TensorFusion installed: its namespace and cluster. */
const installed = (workerEnv?: { name: string; value: string }[]) => [namespace(TFS), tfCluster(workerEnv)];

function controller(status: Pod['status']): Pod {
  const p = pod(TFS, 'tensor-fusion-sys-controller-7c9d8b6f4-x2k9p', {
    labels: { 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/name': 'tensor-fusion' },
    spec: { nodeName: 'cpu-1', containers: [{ name: 'main', image: 'tensorfusion/tensor-fusion-operator:1.48.6' }] },
    status,
  });
  return p;
}

function restartedOnce(): Pod['status'] {
  const s = readyStatus()!;
  s.containerStatuses![0] = { ...s.containerStatuses![0]!, restartCount: 1, lastState: { terminated: { reason: 'Error', exitCode: 1 } } };
  return s;
}

function worker(ns: string, workload: string, status: Pod['status'], name = `${workload}-tf-worker-8x2lq`): Pod {
  return pod(ns, name, {
    labels: { 'tensor-fusion.ai/component': 'worker', 'tensor-fusion.ai/workload': workload },
    spec: { nodeName: 'gpu-1', containers: [{ name: 'main', image: 'tensorfusion/tensor-fusion-worker:1.3.2' }] },
    status,
  });
}

function client(ns: string, name: string, workload: string, status: Pod['status']): Pod {
  return pod(ns, name, {
    labels: { 'tensor-fusion.ai/component': 'client', 'tensor-fusion.ai/workload': workload },
    spec: { nodeName: 'cpu-1', containers: [{ name: 'app', image: 'vllm/vllm-openai:v0.6.3' }] },
    status,
  });
}

const notReadyRunning = (): Pod['status'] => ({
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'False' }],
  containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { running: {} } }],
});

const logs = (entries: Record<string, string>): Partial<Collection> => ({ logs: new Map(Object.entries(entries)) });
// As the engine runs it: a check of a stack not detected does not run (it is "not applicable", never ✓).
const run = (check: Check, objects: KubeObject[], extra: Partial<Collection> = {}) => {
  const facts = factsOf(objects, extra);
  return appliesTo(check, facts) ? check.run(facts) : [];
};

describe('every TensorFusion check', () => {
  const checks = [tfOperatorRestarting, tfWorkerCrashing, tfInvalidMemoryAddress, tfScheduleFailed, tfGpusUndiscovered, tfWorkerNotRunning];
  it('is quiet when TensorFusion is absent, even with look-alike trouble', () => {
    const lookAlike = [
      pod('default', 'controller-x', { labels: { 'app.kubernetes.io/component': 'controller' }, status: crashStatus() }),
      node('gpu-1', { 'nvidia.com/gpu.present': 'true' }),
    ];
    const extra = logs({ 'default/controller-x/main.previous': 'Invalid Memory Address' });
    for (const check of checks) expect(run(check, lookAlike, extra), check.name).toEqual([]);
  });
});

describe('tf-operator-restarting', () => {
  const LOG = [
    'I0311 06:04:39.257422       1 main.go:158] "version: 1.48.6, hash: 950090ee9a0da24fb9db01b6b3b3dbba026d7a79+dirty, time: 2025-11-06T02:33:46Z" logger="setup"',
    'I0311 06:04:39.265675       1 main.go:619] "auto scale enabled" logger="setup"',
    'E0311 06:04:39.275079       1 main.go:621] "unable to start auto scaler" err="failed to create metrics provider: dial tcp 10.43.112.19:4002: connect: connection refused" logger="setup"',
  ].join('\n');

  it('fires on a crash-looping controller and quotes the error lines of its previous run', () => {
    const result = run(tfOperatorRestarting, [...installed(), controller(crashStatus(6))], logs({ [`${TFS}/tensor-fusion-sys-controller-7c9d8b6f4-x2k9p/main.previous`]: LOG }));
    expect(result).toMatchObject([
      {
        severity: 'error',
        subject: { kind: 'Pod', name: 'tensor-fusion-sys-controller-7c9d8b6f4-x2k9p', namespace: TFS },
        message: expect.stringContaining('is restarting (6 restarts, CrashLoopBackOff): its log names the error'),
      },
    ]);
    const [issue] = result as { evidence: string[]; fix: { commands: string[] } }[];
    expect(issue!.evidence).toContain(`log main (previous run): ${LOG.split('\n')[2]}`);
    expect(issue!.evidence.some((l) => l.includes('auto scale enabled'))).toBe(false);
    expect(issue!.fix.commands).toContain('kubectl logs -n tensor-fusion-sys -l app.kubernetes.io/component=controller --previous --tail=100');
  });

  it('warns for a Ready controller that restarted, and says when the log is not collected', () => {
    const [issue] = run(tfOperatorRestarting, [...installed(), controller(restartedOnce())]) as { severity: string; evidence: string[] }[];
    expect(issue!.severity).toBe('warning');
    expect(issue!.evidence.some((l) => l.startsWith('log: not collected'))).toBe(true);
  });

  it('is quiet for a healthy controller', () => {
    expect(run(tfOperatorRestarting, [...installed(), controller(readyStatus())])).toEqual([]);
  });

  const IMAGE = 'tensorfusion/tensor-fusion-operator:1.48.6';
  const pullBackOff = (): Pod['status'] => ({
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [{ name: 'main', ready: false, restartCount: 3, image: IMAGE, state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${IMAGE}"` } } }],
  });
  const pullEvent = (name: string, message: string): Event => ({
    apiVersion: 'v1', kind: 'Event', type: 'Warning', reason: 'Failed', message, lastTimestamp: '2025-03-11T06:10:00Z',
    metadata: { name: `${name}.1`, namespace: TFS }, involvedObject: { kind: 'Pod', name, namespace: TFS },
  });
  const graphOf = (objects: KubeObject[]) => {
    const report = runChecks([tfOperatorRestarting, imagePullFailing], factsOf(objects));
    const graph = causesOf(report);
    const operator = report.findings.find((f) => f.name === 'tf-operator-restarting')!;
    return { operator, causes: (graph.explainedBy.get(operator) ?? []).map((f) => f.name), roots: graph.roots.map((r) => r.name) };
  };

  it('a restarted operator that cannot pull its image is reported as the pull, explained by image-pull-failing, not as a crash', () => {
    const { operator, causes, roots } = graphOf([...installed(), controller(pullBackOff())]);
    expect(operator.severity).toBe('error');
    expect(operator.message).toBe('TensorFusion operator pod tensor-fusion-sys/tensor-fusion-sys-controller-7c9d8b6f4-x2k9p restarted (3 restarts) and cannot pull its image (ImagePullBackOff): it stays down until the image pulls (see image-pull-failing)');
    expect(operator.evidence).toContain(`container main image ${IMAGE}: ImagePullBackOff: Back-off pulling image "${IMAGE}"`);
    expect(operator.fix!.commands[0]).toBe('gpuctl doctor --checks image-pull-failing');
    expect(`${operator.fix!.summary} ${operator.fix!.commands.join(' ')}`).not.toMatch(/support team|--previous|tensorfusioncluster/);
    expect(causes).toEqual(['image-pull-failing']);
    expect(roots).toEqual(['image-pull-failing']);
  });

  it('kubelet\'s pull events say it too when the container status does not', () => {
    const p = controller(notReadyRunning());
    p.status!.containerStatuses = [{ name: 'main', ready: false, restartCount: 2, state: { waiting: { reason: 'ContainerCreating' } } }];
    const [issue] = run(tfOperatorRestarting, [...installed(), p, pullEvent(p.metadata.name, `Failed to pull image "${IMAGE}": rpc error: code = NotFound`)]) as { message: string; evidence: string[] }[];
    expect(issue!.message).toContain('cannot pull its image (ErrImagePull)');
    expect(issue!.evidence).toContain(`event Failed: Failed to pull image "${IMAGE}": rpc error: code = NotFound`);
  });

  it('a crashing operator stays a crash, even beside an old pull event, and another pod\'s image pull does not explain it', () => {
    const crashing = controller(crashStatus(6));
    const other = pod('default', 'web-1', { spec: { nodeName: 'cpu-1', containers: [{ name: 'web', image: 'nginx:does-not-exist' }] }, status: { phase: 'Pending', containerStatuses: [{ name: 'web', ready: false, restartCount: 0, image: 'nginx:does-not-exist', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:does-not-exist"' } } }] } });
    const { operator, causes, roots } = graphOf([...installed(), crashing, other, pullEvent(crashing.metadata.name, `Failed to pull image "${IMAGE}": i/o timeout`)]);
    expect(operator.message).toBe('TensorFusion operator pod tensor-fusion-sys/tensor-fusion-sys-controller-7c9d8b6f4-x2k9p is restarting (6 restarts, CrashLoopBackOff)');
    expect(operator.fix!.summary).toContain('configuration error');
    expect(causes).toEqual([]);
    expect(roots).toContain('tf-operator-restarting');
    expect(roots).toContain('image-pull-failing');
  });
});

describe('tf-worker-crashing', () => {
  it('fires on a crash-looping worker, quotes the crash and says TF_ENABLE_LOG is not set', () => {
    const w = worker('ml', 'qwen', crashStatus(4));
    const result = run(tfWorkerCrashing, [...installed(), w], logs({ 'ml/qwen-tf-worker-8x2lq/main.previous': 'thread panicked at src/worker.rs:88: shm mapping failed' }));
    expect(result).toMatchObject([{ severity: 'error', subject: { kind: 'Pod', name: 'qwen-tf-worker-8x2lq', namespace: 'ml' } }]);
    const [issue] = result as { evidence: string[]; fix: { summary: string; commands: string[] } }[];
    expect(issue!.evidence).toContain('log main (previous run): thread panicked at src/worker.rs:88: shm mapping failed');
    expect(issue!.evidence).toContain('TF_ENABLE_LOG is not set in the worker template of pool shared (TensorFusionCluster shared-tensor-fusion-cluster)');
    expect(issue!.fix.summary).toContain('TF_ENABLE_LOG=1');
    expect(issue!.fix.commands).toContain('kubectl edit tensorfusioncluster shared-tensor-fusion-cluster');
  });

  it('reports TF_ENABLE_LOG when it is already set', () => {
    const [issue] = run(tfWorkerCrashing, [...installed([{ name: 'TF_ENABLE_LOG', value: '1' }]), worker('ml', 'qwen', crashStatus())]) as { evidence: string[] }[];
    expect(issue!.evidence).toContain('TF_ENABLE_LOG=1 in the worker template of pool shared (TensorFusionCluster shared-tensor-fusion-cluster)');
  });

  it('is quiet for running workers and for crashing clients', () => {
    expect(run(tfWorkerCrashing, [...installed(), worker('ml', 'qwen', readyStatus()), client('ml', 'qwen-7f9c', 'qwen', crashStatus())])).toEqual([]);
  });
});

describe('tf-invalid-memory-address', () => {
  const LINE = '[2025-03-12T09:21:44Z ERROR cuda_hook] cuMemcpyHtoDAsync_v2 failed: Invalid Memory Address (mapping 0x7f3a40000000)';

  it('fires with the log line and the TF_DISABLE_MEMORY_MANAGER trade-off', () => {
    const w = worker('ml', 'qwen', readyStatus());
    const result = run(tfInvalidMemoryAddress, [...installed(), w], logs({ 'ml/qwen-tf-worker-8x2lq/main': `starting\n${LINE}\n` }));
    expect(result).toMatchObject([{ severity: 'error', subject: { name: 'qwen-tf-worker-8x2lq', namespace: 'ml' }, message: expect.stringContaining('TensorFusion GPU worker ml/qwen-tf-worker-8x2lq hit "Invalid Memory Address"') }]);
    const [issue] = result as { evidence: string[]; fix: { summary: string; commands: string[] } }[];
    expect(issue!.evidence).toContain(`log of ml/qwen-tf-worker-8x2lq container main: ${LINE}`);
    expect(issue!.fix.summary).toContain('TF_DISABLE_MEMORY_MANAGER=1');
    expect(issue!.fix.summary).toContain('memory freeze and VRAM expansion/tiering stop working');
    expect(issue!.fix.commands.join('\n')).toContain('{name: TF_DISABLE_MEMORY_MANAGER, value: "1"}');
  });

  it('reads a container\'s terminated message alone (no log collected), and says so', () => {
    const w = worker('ml', 'qwen', { phase: 'Running', containerStatuses: [{ name: 'main', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', message: `${LINE}\n` } } }] });
    const [issue] = run(tfInvalidMemoryAddress, [...installed(), w]) as { evidence: string[] }[];
    expect(issue!.evidence[0]).toBe(`status of ml/qwen-tf-worker-8x2lq container main: ${LINE}`);
  });

  it('leaves Go nil-pointer panics to the crash checks', () => {
    const panic = 'panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1b2c3d4]';
    expect(run(tfInvalidMemoryAddress, [...installed(), controller(crashStatus())], logs({ [`${TFS}/tensor-fusion-sys-controller-7c9d8b6f4-x2k9p/main.previous`]: panic }))).toEqual([]);
  });

  it('skips when no TensorFusion log was collected', () => {
    expect(run(tfInvalidMemoryAddress, [...installed(), worker('ml', 'qwen', readyStatus())])).toEqual({ skip: 'no log, container message or event of the 1 TensorFusion pod(s) was collected' });
  });
});

function gpu(uuid: string, nodeName: string, available: { tflops: string; vram: string }, capacity = { tflops: '165', vram: '24Gi' }): KubeObject {
  return kubeObject(TF, 'GPU', uuid, undefined, { 'tensor-fusion.ai/managed-by': nodeName, 'tensor-fusion.ai/gpupool': 'shared' }, {
    status: { gpuModel: 'NVIDIA GeForce RTX 4090', phase: 'Running', uuid, nodeSelector: { 'kubernetes.io/hostname': nodeName }, capacity, available },
  });
}

function tfWorkload(requests: { tflops: string; vram: string }): KubeObject {
  return kubeObject(TF, 'TensorFusionWorkload', 'sd-webui', 'ml', {}, {
    spec: { poolName: 'shared', replicas: 1, resources: { requests, limits: requests } },
    status: { phase: 'Pending', workerCount: 0, readyWorkers: 0 },
  });
}

function scheduleFailed(): Event {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'sd-webui.182c3a1f0e2b7d11', namespace: 'ml' },
    involvedObject: { kind: 'TensorFusionWorkload', name: 'sd-webui', namespace: 'ml' },
    reason: 'ScheduleGPUFailed',
    type: 'Warning',
    count: 14,
    lastTimestamp: '2025-03-12T09:30:02Z',
    message: 'Failed to schedule GPU: no gpus available in pool shared after filtering',
  };
}

describe('tf-schedule-failed', () => {
  it('fires on the event and shows that no GPU is that big', () => {
    const result = run(tfScheduleFailed, [...installed(), tfWorkload({ tflops: '200', vram: '30Gi' }), gpu('gpu-a', 'gpu-1', { tflops: '165', vram: '24Gi' }), scheduleFailed()]);
    expect(result).toMatchObject([
      {
        severity: 'error',
        subject: { kind: 'TensorFusionWorkload', name: 'sd-webui', namespace: 'ml' },
        message: expect.stringContaining('no GPU in pool shared is that big, even idle: 0 of 1 could hold 200 TFlops, 30Gi VRAM'),
      },
    ]);
    const [issue] = result as { evidence: string[]; fix: { commands: string[] } }[];
    expect(issue!.evidence[0]).toBe('event ScheduleGPUFailed (×14) at 2025-03-12T09:30:02Z: Failed to schedule GPU: no gpus available in pool shared after filtering');
    expect(issue!.evidence).toContain('GPU gpu-a (NVIDIA GeForce RTX 4090 on gpu-1): available 165 TFlops, 24Gi of 165 TFlops, 24Gi');
    expect(issue!.fix.commands).toContain('kubectl get gpu');
  });

  it('says others hold the capacity when a GPU is big enough but busy', () => {
    const [issue] = run(tfScheduleFailed, [...installed(), tfWorkload({ tflops: '100', vram: '16Gi' }), gpu('gpu-a', 'gpu-1', { tflops: '40', vram: '6Gi' }), scheduleFailed()]) as { message: string }[];
    expect(issue!.message).toContain('other workloads hold the capacity: 0 of 1 GPUs have 100 TFlops, 16Gi VRAM available');
  });

  it('points at discovery when no GPU is listed, and warns only when GPUs are free now', () => {
    const [none] = run(tfScheduleFailed, [...installed(), tfWorkload({ tflops: '10', vram: '1Gi' }), scheduleFailed()]) as { message: string }[];
    expect(none!.message).toContain('see tf-gpus-undiscovered');
    const [stale] = run(tfScheduleFailed, [...installed(), tfWorkload({ tflops: '10', vram: '1Gi' }), gpu('gpu-a', 'gpu-1', { tflops: '100', vram: '20Gi' }), scheduleFailed()]) as { severity: string }[];
    expect(stale!.severity).toBe('warning');
  });

  const CONTROLLER_LOG = `${TFS}/tensor-fusion-sys-controller-7c9d8b6f4-x2k9p/main`;

  it('fires from the controller\'s log alone (v1.0: the reconciler\'s error), and says where it read it', () => {
    const line = '2025-03-12T09:30:02Z\tERROR\tReconciler error\t{"controller": "tensorfusionworkload", "controllerGroup": "tensor-fusion.ai", "controllerKind": "TensorFusionWorkload", "TensorFusionWorkload": {"name":"sd-webui","namespace":"ml"}, "namespace": "ml", "name": "sd-webui", "reconcileID": "3f1d2c4e", "error": "schedule GPU: no gpus available in pool shared after filtering"}';
    const [issue] = run(tfScheduleFailed, [...installed(), controller(readyStatus()), tfWorkload({ tflops: '200', vram: '30Gi' }), gpu('gpu-a', 'gpu-1', { tflops: '165', vram: '24Gi' })], logs({ [CONTROLLER_LOG]: `${line}\n` })) as { subject: unknown; message: string; evidence: string[] }[];
    expect(issue!.subject).toEqual({ kind: 'TensorFusionWorkload', name: 'sd-webui', namespace: 'ml' });
    expect(issue!.message).toContain('no GPU in pool shared is that big');
    expect(issue!.evidence[0]).toBe(`log of ${TFS}/tensor-fusion-sys-controller-7c9d8b6f4-x2k9p container main: ${line.slice(0, 300)}`);
  });

  it('fires from the scheduler plugin\'s log line or its pod event alone, for the pod\'s workload', () => {
    const pending = client('ml', 'sd-webui-7f9c-abcde', 'sd-webui', { phase: 'Pending' });
    const line = 'E0312 09:30:02.123456       1 gpuresources.go:211] "failed to check quota and filter" err="no gpus available or valid in pool shared after filtering" pod="sd-webui-7f9c-abcde"';
    const base = [...installed(), controller(readyStatus()), tfWorkload({ tflops: '200', vram: '30Gi' }), gpu('gpu-a', 'gpu-1', { tflops: '165', vram: '24Gi' }), pending];
    const [fromLog] = run(tfScheduleFailed, base, logs({ [CONTROLLER_LOG]: `${line}\n` })) as { subject: unknown; evidence: string[] }[];
    expect(fromLog!.subject).toEqual({ kind: 'TensorFusionWorkload', name: 'sd-webui', namespace: 'ml' });
    expect(fromLog!.evidence[0]).toBe(`log of ${TFS}/tensor-fusion-sys-controller-7c9d8b6f4-x2k9p container main: ${line}`);
    const ev = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'sd-webui-7f9c-abcde.1', namespace: 'ml' }, involvedObject: { kind: 'Pod', name: 'sd-webui-7f9c-abcde', namespace: 'ml' }, reason: 'GPUQuotaOrCapacityNotEnough', type: 'Warning', message: 'TensorFusion schedule failed, no enough resource or quotas: no gpus available or valid in pool shared after filtering' } as KubeObject;
    const [fromEvent] = run(tfScheduleFailed, [...base, ev]) as { evidence: string[] }[];
    expect(fromEvent!.evidence[0]).toBe('event GPUQuotaOrCapacityNotEnough on pod ml/sd-webui-7f9c-abcde: TensorFusion schedule failed, no enough resource or quotas: no gpus available or valid in pool shared after filtering');
  });

  it('is quiet without the event, and for other controller errors', () => {
    expect(run(tfScheduleFailed, [...installed(), tfWorkload({ tflops: '200', vram: '30Gi' })])).toEqual([]);
    const other = '2025-03-12T09:30:02Z\tERROR\tReconciler error\t{"controller": "tensorfusionworkload", "TensorFusionWorkload": {"name":"sd-webui","namespace":"ml"}, "error": "list pods: context deadline exceeded"}';
    expect(run(tfScheduleFailed, [...installed(), controller(readyStatus()), tfWorkload({ tflops: '200', vram: '30Gi' })], logs({ [CONTROLLER_LOG]: other }))).toEqual([]);
  });
});

const GPU_INFO = `- model: RTX4090
  fullModelName: "NVIDIA GeForce RTX 4090"
  vendor: NVIDIA
  costPerHour: 0.3
  fp16TFlops: 165.16
`;
const gpuInfo = (text = GPU_INFO) => kubeObject('v1', 'ConfigMap', 'tensor-fusion-sys-public-gpu-info', TFS, {}, { data: { 'gpu-info.yaml': text } });
const gpuNodeObj = (name: string, totalTFlops: string, totalGPUs: number) =>
  kubeObject(TF, 'GPUNode', name, undefined, { 'tensor-fusion.ai/pool-shared': 'true' }, { status: { phase: totalGPUs ? 'Running' : 'Pending', totalTFlops, totalGPUs, totalVRAM: totalGPUs ? '24Gi' : '0' } });
const discoveryJob = (nodeName: string, failed: boolean) =>
  kubeObject('batch/v1', 'Job', `node-discovery-${nodeName}`, TFS, { 'tensor-fusion.ai/component': 'node-discovery' }, {
    spec: { backoffLimit: 6, template: { spec: { nodeName } } },
    status: failed
      ? { failed: 7, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] }
      : { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] },
  });
const discoveryPod = (nodeName: string) =>
  pod(TFS, `node-discovery-${nodeName}-k7v2m`, {
    labels: { 'job-name': `node-discovery-${nodeName}`, 'tensor-fusion.ai/component': 'node-discovery' },
    spec: { nodeName, containers: [{ name: 'discovery', image: 'tensorfusion/tensor-fusion-node-discovery:1.48.6' }] },
    status: { phase: 'Failed', containerStatuses: [{ name: 'discovery', ready: false, restartCount: 0, state: { terminated: { reason: 'Error', exitCode: 1 } } }] },
  });
const UNKNOWN =
  '2025-03-12T08:41:07Z\tINFO\t[Error] Unknown GPU model, please update `gpu-public-gpu-info` configMap  to match your GPU model name in `nvidia-smi`, this may cause you workload stuck, refer this doc to resolve it in detail: https://tensor-fusion.ai/guide/troubleshooting/handbook#pod-stuck-in-starting-status-after-enabling-tensorfusion\t{"deviceName": "NVIDIA GeForce RTX 4090 D", "uuid": "gpu-5f0e9b7c-2d41-4e6b-9a7e-3c1d2b8a6f10"}';
const gpuHost = (node2: string) => node(node2, { 'nvidia.com/gpu.present': 'true', 'nvidia.com/gpu.count': '1', 'nvidia.com/gpu.product': 'NVIDIA-GeForce-RTX-4090-D' });

describe('tf-gpus-undiscovered', () => {
  const broken = () => [
    ...installed(),
    gpuInfo(),
    gpuHost('gpu-2'),
    gpuNodeObj('gpu-2', '0', 0),
    discoveryJob('gpu-2', true),
    discoveryPod('gpu-2'),
  ];

  it('fires for a node whose discovery failed on a model missing from the table', () => {
    const result = run(tfGpusUndiscovered, broken(), logs({ [`${TFS}/node-discovery-gpu-2-k7v2m/discovery`]: `${UNKNOWN}\n` }));
    expect(result).toMatchObject([
      {
        severity: 'error',
        subject: { kind: 'GPUNode', name: 'gpu-2' },
        message: 'TensorFusion has not discovered the GPUs of node gpu-2: tensor-fusion-sys-public-gpu-info lacks its GPU model "NVIDIA GeForce RTX 4090 D"',
      },
    ]);
    const [issue] = result as { evidence: string[]; fix: { commands: string[] } }[];
    expect(issue!.evidence).toEqual(
      expect.arrayContaining([
        'GPUNode gpu-2: total TFlops 0, 0 GPUs, phase Pending',
        '0 of 1 GPUs listed by `kubectl get gpu` (label nvidia.com/gpu.count: 1)',
        'NodeDiscovery job tensor-fusion-sys/node-discovery-gpu-2 failed: BackoffLimitExceeded: Job has reached the specified backoff limit (7 failed pod(s))',
        'GPU model "NVIDIA GeForce RTX 4090 D" (log of tensor-fusion-sys/node-discovery-gpu-2-k7v2m) is not in tensor-fusion-sys-public-gpu-info (1 models)',
      ]),
    );
    expect(issue!.fix.commands).toEqual(
      expect.arrayContaining(['kubectl edit configmap -n tensor-fusion-sys tensor-fusion-sys-public-gpu-info', 'kubectl delete job -n tensor-fusion-sys node-discovery-gpu-2']),
    );
  });

  it('reads the model from nvidia-smi when no discovery log was collected, and from the GFD label loosely', () => {
    const smi = { nodes: new Map([['gpu-2', host({}, { 'nvidia-smi-query': '0, NVIDIA GeForce RTX 4090 D, 550.120, 24564 MiB\n' })]]) };
    const [issue] = run(tfGpusUndiscovered, broken(), smi) as { evidence: string[] }[];
    expect(issue!.evidence).toContain('GPU model "NVIDIA GeForce RTX 4090 D" (nvidia-smi on the node) is not in tensor-fusion-sys-public-gpu-info (1 models)');
    const known = GPU_INFO + '- model: RTX4090D\n  fullModelName: "NVIDIA GeForce RTX 4090 D"\n  vendor: NVIDIA\n  fp16TFlops: 148\n';
    const objects = broken().map((o) => (o.kind === 'ConfigMap' ? gpuInfo(known) : o));
    const [stillBroken] = run(tfGpusUndiscovered, objects) as { message: string; evidence: string[] }[];
    expect(stillBroken!.message).toBe('TensorFusion has not discovered the GPUs of node gpu-2: its NodeDiscovery job failed');
    expect(stillBroken!.evidence).toContain('GPU model "NVIDIA-GeForce-RTX-4090-D" (label nvidia.com/gpu.product) is in tensor-fusion-sys-public-gpu-info (2 models)');
  });

  it('is quiet when every GPU is discovered', () => {
    const objects = [...installed(), gpuInfo(), node('gpu-1', { 'nvidia.com/gpu.present': 'true', 'nvidia.com/gpu.count': '1' }), gpuNodeObj('gpu-1', '165160m', 1), discoveryJob('gpu-1', false), gpu('gpu-a', 'gpu-1', { tflops: '165', vram: '24Gi' })];
    expect(run(tfGpusUndiscovered, objects)).toEqual([]);
  });

  it('skips when GPUs could not be listed, or nothing of TensorFusion discovery is in the facts', () => {
    const unavailable = { unavailable: new Map([['GPU', 'forbidden: gpus.tensor-fusion.ai is forbidden']]) };
    expect(run(tfGpusUndiscovered, broken(), unavailable)).toEqual({ skip: 'cannot list gpus (forbidden: gpus.tensor-fusion.ai is forbidden)' });
    expect(run(tfGpusUndiscovered, [namespace(TFS)])).toEqual({ skip: 'no TensorFusionCluster, GPUNode or NodeDiscovery job in the facts' });
  });
});

describe('tf-worker-not-running', () => {
  it('branch 1: no worker runs: no GPU, with the Failed to schedule GPU event', () => {
    const stuck = client('ml', 'sd-webui-5d8f7c9b6-hx4tq', 'sd-webui', notReadyRunning());
    const [issue] = run(tfWorkerNotRunning, [...installed(), stuck, tfWorkload({ tflops: '200', vram: '30Gi' }), scheduleFailed()]) as {
      severity: string;
      message: string;
      evidence: string[];
      fix: { commands: string[] };
    }[];
    expect(issue!.severity).toBe('error');
    expect(issue!.message).toBe(
      'Pod ml/sd-webui-5d8f7c9b6-hx4tq is stuck starting and the worker of its TensorFusionWorkload sd-webui is not running: no GPU is available to it ("Failed to schedule GPU")',
    );
    expect(issue!.evidence).toContain('no worker pod of TensorFusionWorkload sd-webui in ml');
    expect(issue!.fix.commands).toContain('kubectl describe tensorfusionworkload -n ml sd-webui');
  });

  it('branch 2: the worker runs: the injection failed, pointing at gpuctl exec-check and the captured process table', () => {
    const stuck = client('ml', 'qwen-chat-6b7d9f8c5-p2m8w', 'qwen-chat', notReadyRunning());
    const env = { PATH: '/tensor-fusion:/usr/bin', LD_LIBRARY_PATH: '/tensor-fusion', LD_PRELOAD: '/tensor-fusion/libcuda.so' };
    const processes = new Map([
      [
        'ml/qwen-chat-6b7d9f8c5-p2m8w/app',
        [
          { pid: 1, ppid: 0, cmdline: ['/bin/bash', '/app/start.sh'], environ: env },
          { pid: 9, ppid: 1, cmdline: ['python3', '-m', 'vllm.entrypoints.openai.api_server'], environ: { ...env, LD_PRELOAD: '' } },
        ],
      ],
    ]);
    const [issue] = run(tfWorkerNotRunning, [...installed(), stuck, worker('ml', 'qwen-chat', readyStatus())], { processes }) as {
      message: string;
      evidence: string[];
      fix: { commands: string[] };
    }[];
    expect(issue!.message).toContain('although its worker is running: the TensorFusion client runtime was not injected into its process (see the injection findings)');
    expect(issue!.evidence).toContain('process table of app: LD_PRELOAD lost at pid 9 `python3 -m vllm.entrypoints.openai.api_server` below bash');
    expect(issue!.fix.commands[0]).toBe('gpuctl exec-check qwen-chat-6b7d9f8c5-p2m8w -n ml -c app --strace');
  });

  it('is quiet for ready pods and for workers themselves', () => {
    expect(run(tfWorkerNotRunning, [...installed(), client('ml', 'qwen-chat-1', 'qwen-chat', readyStatus()), worker('ml', 'qwen-chat', crashStatus())])).toEqual([]);
  });
});
