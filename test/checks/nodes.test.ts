import { describe, expect, it } from 'vitest';
import gpuNodeUnlabeled from '../../checks/gpu-node-unlabeled.js';
import gpuNotAllocatable from '../../checks/gpu-not-allocatable.js';
import gpuTaintUntolerated from '../../checks/gpu-taint-untolerated.js';
import hamiNodeNotEnabled from '../../checks/hami-node-not-enabled.js';
import noGpuNodes from '../../checks/no-gpu-nodes.js';
import operandsDisabled from '../../checks/operands-disabled.js';
import type { Event, Node, Pod, Taint, Toleration } from '../../src/facts/kube.js';
import { factsOf, gpuNode, host, node, pod } from '../helpers/facts.js';
import { crashStatus, gpuOperator, hami, hamiDevicePluginPod, operatorDevicePluginPod, tensorFusion } from '../helpers/stacks.js';
import { narrowEither } from '../../src/model.js';

describe('no-gpu-nodes', () => {
  it('fires when no node shows NVIDIA evidence', () => {
    const issues = noGpuNodes.run(factsOf([node('cpu-1'), node('cpu-2')]));
    expect(issues).toMatchObject([{ severity: 'error', message: 'None of the 2 nodes shows an NVIDIA GPU' }]);
  });
  it('is quiet when one node has the NFD PCI label', () => {
    expect(noGpuNodes.run(factsOf([node('cpu-1'), node('gpu-1', { 'feature.node.kubernetes.io/pci-0302_10de.present': 'true' })]))).toEqual([]);
  });
  it('counts an NVIDIA device in lspci as evidence', () => {
    const facts = factsOf([node('gpu-1')], {
      nodes: new Map([['gpu-1', host({}, { lspci: '01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GA102 [GeForce RTX 3090] [10de:2204] (rev a1)' })]]),
    });
    expect(noGpuNodes.run(facts)).toEqual([]);
  });
  it('skips when there are no nodes at all', () => {
    expect(noGpuNodes.run(factsOf([]))).toEqual({ skip: 'no Node objects to look at' });
  });
});

describe('gpu-node-unlabeled', () => {
  it('names the node that has GPU capacity but no gpu.present label', () => {
    const bare = node('gpu-2', {}, { capacity: { 'nvidia.com/gpu': '4' } });
    const issues = gpuNodeUnlabeled.run(factsOf([gpuNode('gpu-1'), bare, node('cpu-1')]));
    expect(issues).toHaveLength(1);
    expect(issues).toMatchObject([
      { subject: { kind: 'Node', name: 'gpu-2' }, fix: { commands: ['kubectl label node gpu-2 nvidia.com/gpu.present=true --overwrite'] } },
    ]);
  });
  it('leaves CPU nodes alone', () => {
    expect(gpuNodeUnlabeled.run(factsOf([node('cpu-1', { 'nvidia.com/gpu.present': 'false' })]))).toEqual([]);
  });
});

// ---- GPU103 … GPU106 ---------------------------------------------------------------------------------

const gpuPodSpec = (gpus = 1, extra: Partial<NonNullable<Pod['spec']>> = {}): Pod['spec'] => ({
  containers: [{ name: 'cuda', image: 'nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04', resources: { limits: { 'nvidia.com/gpu': String(gpus) } } }],
  ...extra,
});
const pendingGpuPod = (ns: string, name: string, extra: Partial<NonNullable<Pod['spec']>> = {}) =>
  pod(ns, name, { spec: gpuPodSpec(1, extra), status: { phase: 'Pending' } });
const withLabels = (n: Node, labels: Record<string, string>): Node => ({ ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, ...labels } } });
const withoutGpuResource = (n: Node): Node => ({ ...n, status: { ...n.status, capacity: {}, allocatable: {} } });
const tainted = (n: Node, ...taints: Taint[]): Node => ({ ...n, spec: { ...n.spec, taints } });
const issuesOf = (result: ReturnType<typeof operandsDisabled.run>) => {
  if (!Array.isArray(result)) throw new Error(`skipped: ${result.skip}`);
  return result;
};

describe('operands-disabled', () => {
  const optedOut = (n: Node) => withLabels(n, { 'nvidia.com/gpu.deploy.operands': 'false' });

  it('warns when the GPU Operator runs no operand on the labelled node and it advertises no GPU', () => {
    const facts = factsOf([...gpuOperator(), optedOut(withoutGpuResource(gpuNode('gpu-1'))), gpuNode('gpu-2'), operatorDevicePluginPod('gpu-2')]);
    const issues = issuesOf(operandsDisabled.run(facts));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'warning', subject: { kind: 'Node', name: 'gpu-1' } });
    expect(issues[0]!.evidence).toContain('label nvidia.com/gpu.deploy.operands=false');
    expect(issues[0]!.evidence).toContain('no NVIDIA GPU Operator operand pod runs on this node');
    expect(issues[0]!.evidence).toContain('NVIDIA GPU Operator installed: Namespace gpu-operator (the GPU Operator namespace)');
    expect(issues[0]!.fix!.commands[0]).toBe('kubectl label node gpu-1 nvidia.com/gpu.deploy.operands-');
    expect(issues[0]!.fix!.commands[1]).toBe('kubectl get pods -n gpu-operator -o wide --field-selector spec.nodeName=gpu-1');
  });

  it('warns when GPU pods wait while the node advertises none, even without the GPU Operator', () => {
    const facts = factsOf([optedOut(withoutGpuResource(gpuNode('gpu-1'))), pendingGpuPod('ml', 'train-0')]);
    const [issue] = issuesOf(operandsDisabled.run(facts));
    expect(issue).toMatchObject({ severity: 'warning' });
    expect(issue!.evidence).toContain('1 pod(s) wait for nvidia.com/gpu unscheduled: ml/train-0');
  });

  it('is info for a deliberate opt-out: no GPU Operator, nothing waiting', () => {
    const [issue] = issuesOf(operandsDisabled.run(factsOf([optedOut(gpuNode('gpu-1'))])));
    expect(issue).toMatchObject({ severity: 'info', subject: { name: 'gpu-1' } });
    expect(issue!.evidence).toContain('no GPU Operator found: the label has no effect until one is installed');
  });

  it('is info when another device plugin serves the node', () => {
    const facts = factsOf([...gpuOperator(), optedOut(gpuNode('gpu-1', 2))]);
    expect(issuesOf(operandsDisabled.run(facts))).toMatchObject([{ severity: 'info' }]);
  });

  it('is quiet for nodes without the label, with the label set to true, and for CPU nodes carrying it', () => {
    const facts = factsOf([...gpuOperator(), gpuNode('gpu-1'), withLabels(gpuNode('gpu-2'), { 'nvidia.com/gpu.deploy.operands': 'true' }), node('cpu-1', { 'nvidia.com/gpu.deploy.operands': 'false' })]);
    expect(operandsDisabled.run(facts)).toEqual([]);
  });

  it('skips without GPU nodes', () => {
    expect(operandsDisabled.run(factsOf([node('cpu-1')]))).toEqual({ skip: 'no node shows an NVIDIA GPU (see no-gpu-nodes)' });
  });
});

describe('gpu-not-allocatable', () => {
  const unhealthy = (n: Node): Node => ({ ...n, status: { ...n.status, allocatable: { 'nvidia.com/gpu': '0' } } });

  it('errors when GPUs are registered but none allocatable, naming the device plugin pod and its state', () => {
    const facts = factsOf([...gpuOperator(), unhealthy(gpuNode('gpu-1', 4)), operatorDevicePluginPod('gpu-1', crashStatus(12))]);
    const [issue] = issuesOf(gpuNotAllocatable.run(facts));
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Node', name: 'gpu-1' } });
    expect(issue!.message).toBe('Node gpu-1 has 4 GPU(s) registered but none allocatable: the device plugin marked them unhealthy');
    expect(issue!.evidence).toContain('capacity nvidia.com/gpu: 4, allocatable: 0');
    const pluginLine = issue!.evidence!.find((e) => e.startsWith('device plugin pod'));
    expect(pluginLine).toMatch(/^device plugin pod gpu-operator\/nvidia-device-plugin-daemonset-\w+ \(NVIDIA GPU Operator\) on this node: CrashLoopBackOff, not ready, 12 restart\(s\)$/);
    expect(issue!.fix!.commands[0]).toMatch(/^kubectl logs -n gpu-operator nvidia-device-plugin-daemonset-\w+ --all-containers --tail=50$/);
  });

  it('warns when some GPUs are unhealthy', () => {
    const partial: Node = { ...gpuNode('gpu-1', 4), status: { capacity: { 'nvidia.com/gpu': '4' }, allocatable: { 'nvidia.com/gpu': '3' } } };
    expect(issuesOf(gpuNotAllocatable.run(factsOf([partial])))).toMatchObject([
      { severity: 'warning', message: 'Node gpu-1 has 1 of 4 GPU(s) not allocatable: the device plugin marked them unhealthy' },
    ]);
  });

  it('errors when no device plugin registered on the node although one is deployed, and says none runs there', () => {
    const facts = factsOf([...gpuOperator(), withoutGpuResource(gpuNode('gpu-1')), gpuNode('gpu-2')]);
    const issues = issuesOf(gpuNotAllocatable.run(facts));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'error', message: 'Node gpu-1 has an NVIDIA GPU but advertises no nvidia.com/gpu: no device plugin registered it' });
    expect(issues[0]!.evidence).toContain('no NVIDIA device plugin pod runs on this node');
    expect(issues[0]!.evidence).toContain('capacity nvidia.com/gpu: absent, allocatable: absent');
    expect(issues[0]!.fix!.commands).toContain('kubectl get pods -n gpu-operator -o wide --field-selector spec.nodeName=gpu-1');
  });

  it("quotes the device plugin's own words and points its fix at the finding they stand for", () => {
    const plugin = operatorDevicePluginPod('gpu-1', crashStatus(7));
    const key = `${plugin.metadata.namespace}/${plugin.metadata.name}/${plugin.spec!.containers![0]!.name}`;
    const log = 'I0608 19:40:11.052611       1 factory.go:107] Detected non-NVML platform: could not load NVML library: libnvidia-ml.so.1: cannot open shared object file: No such file or directory\n';
    const facts = factsOf([...gpuOperator(), withoutGpuResource(gpuNode('gpu-1')), plugin], { logs: new Map([[key, log]]) });
    const [issue] = issuesOf(gpuNotAllocatable.run(facts));
    // The check names every cause the words can mean; the engine drops those that passed (src/model.ts, eitherOf).
    const all = (text: string) => narrowEither(text, new Set());
    expect((issue!.evidence ?? []).map(all)).toContain(`log of ${plugin.metadata.namespace}/${plugin.metadata.name} container ${plugin.spec!.containers![0]!.name}: ${log.trim()} (see nvidia-runtime-not-selected or nvidia-runtime-missing or driver-not-loaded)`);
    expect(all(issue!.fix!.summary)).toBe("The device plugin registered nothing; its own words point at nvidia-runtime-not-selected or nvidia-runtime-missing or driver-not-loaded (see that finding's fix)");
    expect(narrowEither(issue!.fix!.summary, new Set(['nvidia-runtime-missing', 'driver-not-loaded']))).toBe("The device plugin registered nothing; its own words point at nvidia-runtime-not-selected (see that finding's fix)");
  });

  it('points at the label that keeps the plugin off the node', () => {
    const optedOut = withLabels(withoutGpuResource(gpuNode('gpu-1')), { 'nvidia.com/gpu.deploy.operands': 'false' });
    const [issue] = issuesOf(gpuNotAllocatable.run(factsOf([...gpuOperator(), optedOut])));
    expect(issue!.evidence).toContain("label nvidia.com/gpu.deploy.operands=false keeps the GPU Operator's device plugin off this node");
    expect(issue!.fix!.commands).toEqual(['kubectl label node gpu-1 nvidia.com/gpu.deploy.operands-']);
  });

  it('with HAMi, points at the missing gpu=on', () => {
    const [issue] = issuesOf(gpuNotAllocatable.run(factsOf([...hami(), withoutGpuResource(gpuNode('gpu-1'))])));
    expect(issue).toMatchObject({ severity: 'error' });
    expect(issue!.fix!.commands).toEqual(['kubectl label nodes gpu-1 gpu=on']);
  });

  it('is only info where TensorFusion hands out GPUs and nothing asks for nvidia.com/gpu', () => {
    const [issue] = issuesOf(gpuNotAllocatable.run(factsOf([...tensorFusion(), withoutGpuResource(gpuNode('gpu-1'))])));
    expect(issue).toMatchObject({ severity: 'info' });
    expect(issue!.message).toContain('TensorFusion does not need it');
  });

  it('errors for TensorFusion too once a pod requests nvidia.com/gpu', () => {
    const facts = factsOf([...tensorFusion(), withoutGpuResource(gpuNode('gpu-1')), pendingGpuPod('ml', 'native')]);
    const [issue] = issuesOf(gpuNotAllocatable.run(facts));
    expect(issue).toMatchObject({ severity: 'error' });
    expect(issue!.evidence).toContain('nvidia.com/gpu is expected because 1 pod(s) request nvidia.com/gpu: ml/native');
  });

  it('warns with the install command when no stack runs at all', () => {
    const [issue] = issuesOf(gpuNotAllocatable.run(factsOf([withoutGpuResource(gpuNode('gpu-1'))])));
    expect(issue).toMatchObject({ severity: 'warning' });
    expect(issue!.fix!.commands[0]).toContain('helm upgrade --install');
    expect(issue!.fix!.commands[0]).toContain('nvidia-device-plugin');
  });

  it('is quiet for healthy nodes and for nodes advertising MIG slices instead', () => {
    const mig: Node = { ...gpuNode('gpu-2'), status: { capacity: {}, allocatable: { 'nvidia.com/mig-1g.5gb': '7' } } };
    expect(gpuNotAllocatable.run(factsOf([...gpuOperator(), gpuNode('gpu-1', 8), mig, node('cpu-1')]))).toEqual([]);
  });

  it('skips without GPU nodes', () => {
    expect(gpuNotAllocatable.run(factsOf([node('cpu-1')]))).toEqual({ skip: 'no node shows an NVIDIA GPU (see no-gpu-nodes)' });
  });
});

describe('hami-node-not-enabled', () => {
  it('warns for a GPU node without gpu=on while another is enabled', () => {
    const facts = factsOf([...hami(), gpuNode('gpu-1', 1, { gpu: 'on' }), gpuNode('gpu-2'), node('cpu-1')]);
    const issues = issuesOf(hamiNodeNotEnabled.run(facts));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'warning', subject: { kind: 'Node', name: 'gpu-2' } });
    expect(issues[0]!.evidence).toContain('label gpu: absent');
    expect(issues[0]!.evidence).toContain("HAMi's device plugin selects nodes by gpu=on (DaemonSet hami-system/hami-device-plugin)");
    expect(issues[0]!.fix!.commands[0]).toBe('kubectl label nodes gpu-2 gpu=on --overwrite');
  });

  it('errors when no GPU node is enabled', () => {
    const issues = issuesOf(hamiNodeNotEnabled.run(factsOf([...hami(), gpuNode('gpu-1', 1, { gpu: 'off' })])));
    expect(issues).toMatchObject([{ severity: 'error' }]);
    expect(issues[0]!.evidence).toContain('label gpu: off');
  });

  it("follows the DaemonSet's own nodeSelector instead of gpu=on", () => {
    const facts = factsOf([...hami({ 'nvidia.com/gpu.present': 'true' }), gpuNode('gpu-1')]);
    expect(hamiNodeNotEnabled.run(facts)).toEqual([]);
  });

  it('is quiet where the HAMi device plugin runs anyway, or when its DaemonSet selects every node', () => {
    expect(hamiNodeNotEnabled.run(factsOf([...hami(), gpuNode('gpu-1'), hamiDevicePluginPod('gpu-1')]))).toEqual([]);
    expect(hamiNodeNotEnabled.run(factsOf([...hami(null), gpuNode('gpu-1')]))).toEqual([]);
  });

  it('is quiet when HAMi is absent', () => {
    expect(hamiNodeNotEnabled.run(factsOf([...gpuOperator(), gpuNode('gpu-1')]))).toEqual([]);
  });

  it('skips with HAMi but no GPU node', () => {
    expect(hamiNodeNotEnabled.run(factsOf([...hami(), node('cpu-1')]))).toEqual({ skip: 'no node shows an NVIDIA GPU (see no-gpu-nodes)' });
  });
});

describe('gpu-taint-untolerated', () => {
  const gpuTaint: Taint = { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' };
  const deploymentPod = (spec: Partial<NonNullable<Pod['spec']>> = {}) => {
    const p = pendingGpuPod('ml', 'trainer-7d9f8c6b5-x2k8p', spec);
    p.metadata.labels = { app: 'trainer', 'pod-template-hash': '7d9f8c6b5' };
    p.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'trainer-7d9f8c6b5', controller: true }];
    return p;
  };
  const failedScheduling = (p: Pod, message: string): Event => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${p.metadata.name}.17f`, namespace: p.metadata.namespace },
    involvedObject: { kind: 'Pod', name: p.metadata.name, namespace: p.metadata.namespace },
    reason: 'FailedScheduling',
    type: 'Warning',
    message,
    lastTimestamp: '2025-03-17T08:09:48Z',
  });
  const message = '0/3 nodes are available: 2 node(s) had untolerated taint {nvidia.com/gpu: present}, 1 Insufficient nvidia.com/gpu.';

  it('fires when every GPU node that could host the pod carries a taint it does not tolerate', () => {
    const p = deploymentPod();
    const facts = factsOf([tainted(gpuNode('gpu-1'), gpuTaint), tainted(gpuNode('gpu-2'), gpuTaint), node('cpu-1'), p, failedScheduling(p, message)]);
    const [issue] = issuesOf(gpuTaintUntolerated.run(facts));
    expect(issue).toMatchObject({ severity: 'error', subject: { kind: 'Pod', name: 'trainer-7d9f8c6b5-x2k8p', namespace: 'ml' } });
    expect(issue!.message).toBe(
      'Pod ml/trainer-7d9f8c6b5-x2k8p is Pending: it does not tolerate the taint nvidia.com/gpu=present:NoSchedule of every GPU node that could host it (gpu-1, gpu-2)',
    );
    expect(issue!.evidence).toEqual([
      'the pod requests nvidia.com/gpu',
      'node gpu-1: untolerated taint nvidia.com/gpu=present:NoSchedule',
      'node gpu-2: untolerated taint nvidia.com/gpu=present:NoSchedule',
      'pod tolerations: none',
      `event FailedScheduling: ${message}`,
    ]);
    expect(issue!.fix!.summary).toBe('Add to the pod template of deployment ml/trainer: tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]');
    expect(issue!.fix!.commands).toEqual([
      `kubectl -n ml patch deployment trainer --type=json -p '[{"op":"add","path":"/spec/template/spec/tolerations","value":[{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}]}]'`,
    ]);
  });

  it('keeps the tolerations the pod has, minus the ones admission adds to every pod', () => {
    const own: Toleration = { key: 'dedicated', operator: 'Equal', value: 'ml', effect: 'NoSchedule' };
    const admission = { key: 'node.kubernetes.io/not-ready', operator: 'Exists' as const, effect: 'NoExecute', tolerationSeconds: 300 };
    const p = deploymentPod({ tolerations: [own, admission] });
    const [issue] = issuesOf(gpuTaintUntolerated.run(factsOf([tainted(gpuNode('gpu-1'), gpuTaint), p])));
    expect(issue!.fix!.commands[0]).toContain(
      '"value":[{"key":"dedicated","operator":"Equal","value":"ml","effect":"NoSchedule"},{"key":"nvidia.com/gpu","operator":"Exists","effect":"NoSchedule"}]',
    );
    expect(issue!.fix!.commands[0]).not.toContain('not-ready');
  });

  it('patches a bare pod in place, with Equal for a valued non-GPU taint', () => {
    const p = pendingGpuPod('ml', 'notebook');
    const [issue] = issuesOf(gpuTaintUntolerated.run(factsOf([tainted(gpuNode('gpu-1'), { key: 'sku', value: 'gpu', effect: 'NoSchedule' }), p])));
    expect(issue!.fix!.summary).toBe('Add to the pod (and to the manifest that creates it): tolerations: [{key: sku, operator: Equal, value: gpu, effect: NoSchedule}]');
    expect(issue!.fix!.commands[0]).toMatch(/^kubectl -n ml patch pod notebook --type=json -p '\[\{"op":"add","path":"\/spec\/tolerations"/);
  });

  it('names each blocking taint when the nodes differ', () => {
    const p = pendingGpuPod('ml', 'p');
    const facts = factsOf([tainted(gpuNode('gpu-1'), gpuTaint), tainted(gpuNode('gpu-2'), { key: 'team', value: 'vision', effect: 'NoExecute' }), p]);
    const [issue] = issuesOf(gpuTaintUntolerated.run(facts));
    expect(issue!.message).toBe('Pod ml/p is Pending: each GPU node that could host it (gpu-1, gpu-2) has a taint it does not tolerate');
    expect(issue!.fix!.summary).toContain('{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}, {key: team, operator: Equal, value: vision, effect: NoExecute}');
  });

  it('is quiet when the pod tolerates the taint (Exists, or an empty key tolerating everything)', () => {
    for (const tolerations of [[{ key: 'nvidia.com/gpu', operator: 'Exists' as const, effect: 'NoSchedule' }], [{ operator: 'Exists' as const }]]) {
      expect(gpuTaintUntolerated.run(factsOf([tainted(gpuNode('gpu-1'), gpuTaint), pendingGpuPod('ml', 'p', { tolerations })]))).toEqual([]);
    }
  });

  it('is quiet when one GPU node that could host the pod is untainted, or the taint is only PreferNoSchedule', () => {
    expect(gpuTaintUntolerated.run(factsOf([tainted(gpuNode('gpu-1'), gpuTaint), gpuNode('gpu-2'), pendingGpuPod('ml', 'p')]))).toEqual([]);
    const soft = tainted(gpuNode('gpu-1'), { ...gpuTaint, effect: 'PreferNoSchedule' });
    expect(gpuTaintUntolerated.run(factsOf([soft, pendingGpuPod('ml', 'p')]))).toEqual([]);
  });

  it('leaves out nodes the pod cannot use anyway: other nodeSelector, too few GPUs, not ready', () => {
    const p = pendingGpuPod('ml', 'p', { nodeSelector: { pool: 'a100' } });
    expect(gpuTaintUntolerated.run(factsOf([tainted(gpuNode('gpu-1', 1, { pool: 't4' }), gpuTaint), p]))).toEqual([]);
    const big = pod('ml', 'big', { spec: gpuPodSpec(4), status: { phase: 'Pending' } });
    expect(gpuTaintUntolerated.run(factsOf([tainted(gpuNode('gpu-1', 2), gpuTaint), big]))).toEqual([]);
    const notReady = tainted(gpuNode('gpu-1'), gpuTaint, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
    expect(gpuTaintUntolerated.run(factsOf([notReady, pendingGpuPod('ml', 'p')]))).toEqual([]);
  });

  it('is quiet for pods that want no GPU and for pods already scheduled', () => {
    const cpuPod = pod('web', 'nginx', { status: { phase: 'Pending' } });
    const running = pod('ml', 'r', { spec: gpuPodSpec(1, { nodeName: 'gpu-1' }), status: { phase: 'Running' } });
    const cpuEvent = failedScheduling(cpuPod, '0/2 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: present}, 1 Insufficient cpu.');
    expect(gpuTaintUntolerated.run(factsOf([tainted(gpuNode('gpu-1'), gpuTaint), cpuPod, cpuEvent, running]))).toEqual([]);
  });

  it('fires for a pod whose nodeSelector picks only GPU nodes, without a GPU request', () => {
    const p = pod('ml', 'sel', { spec: { containers: [{ name: 'c' }], nodeSelector: { 'nvidia.com/gpu.present': 'true' } }, status: { phase: 'Pending' } });
    const [issue] = issuesOf(gpuTaintUntolerated.run(factsOf([tainted(gpuNode('gpu-1'), gpuTaint), node('cpu-1'), p])));
    expect(issue!.evidence![0]).toBe("the pod's nodeSelector nvidia.com/gpu.present=true selects only GPU nodes");
  });

  it('reads the FailedScheduling event when nodes cannot be listed, for GPU taints only', () => {
    const p = deploymentPod();
    const withControlPlane = `0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) had untolerated taint {nvidia.com/gpu: present}.`;
    const unavailable = new Map([['Node', 'forbidden']]);
    const [issue] = issuesOf(gpuTaintUntolerated.run(factsOf([p, failedScheduling(p, withControlPlane)], { unavailable })));
    expect(issue!.message).toBe('Pod ml/trainer-7d9f8c6b5-x2k8p is Pending: it does not tolerate the GPU taint nvidia.com/gpu=present');
    expect(issue!.evidence).toContain('nodes could not be listed (forbidden): taints taken from the event');
    expect(issue!.fix!.summary).toContain('tolerations: [{key: nvidia.com/gpu, operator: Exists}]');
    const onlyControlPlane = '0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.';
    expect(gpuTaintUntolerated.run(factsOf([p, failedScheduling(p, onlyControlPlane)], { unavailable }))).toEqual([]);
  });
});
