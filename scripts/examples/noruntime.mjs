// examples/no-nvidia-runtime: the seed's "no runtime for \"nvidia\" is configured". Driver and NVIDIA Container Toolkit
// are installed on the host (GPU Operator with driver.enabled=false, toolkit.enabled=false), but
// /etc/containerd/config.toml was regenerated with `containerd config default` after `nvidia-ctk runtime configure`,
// so containerd has no `nvidia` runtime. RuntimeClass nvidia exists; every pod that uses it fails FailedCreatePodSandBox,
// the device plugin never starts, the node advertises no nvidia.com/gpu, and GPU pods stay Pending.
import { Cluster, Writer, event, kubectlList, namespace, pod } from './lib.mjs';
import {
  CPU_SKYLAKE_VM, addSeconds, gpuOperator, kubeadmSystem, nfdLabels, node, operandPod, operatorCorePods, operatorNodeLabels, sandboxFailing,
} from './common.mjs';
import { policyNotReady, policySpec } from './policy.mjs';
import { containerdConfig, devNvidia, lsmod, lspciQ35, nvidiaSmi, osRelease, procVersion, smiQuery } from './host.mjs';

export const NO_RUNTIME = 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "nvidia" is configured';

export function noRuntime(root) {
  const c = new Cluster('y-k8s', 902400);
  const K8S = 'v1.28.9';
  const CAPTURED = '2024-06-20T03:41:09Z';
  const created = '2024-06-18T12:40:03Z';
  const kernel = '5.15.0-112-generic';
  const driver = '550.54.15';
  const NS = 'gpu-operator';
  const common = [{ name: `registry.k8s.io/kube-proxy:${K8S}`, size: 28321450 }, { name: 'docker.io/flannel/flannel:v0.25.1', size: 31425237 }, { name: 'registry.k8s.io/nfd/node-feature-discovery:v0.15.4', size: 75127003 }, { name: 'registry.k8s.io/pause:3.8', size: 311286 }];
  const base = { kernel, osImage: 'Ubuntu 22.04.4 LTS', containerd: '1.7.13', kubelet: K8S, heartbeat: '2024-06-20T03:40:52Z', diskKi: 101430960 };
  const vmLabels = (vendors) => nfdLabels({ kernel, osVersion: '22.04', cpu: CPU_SKYLAKE_VM, pciVendors: vendors });
  const m1 = node(c, { ...base, name: 'y-k8s-m-1', cp: true, created, ip: '192.168.8.116', vtep: '7e:0b:c9:5d:21:e3', podCIDR: '10.244.0.0/24', cpu: 4, memoryKi: 8148572, readySince: '2024-06-18T12:41:30Z', labels: vmLabels(['1234', '1af4']), images: [{ name: `registry.k8s.io/kube-apiserver:${K8S}`, size: 34638960 }, { name: 'nvcr.io/nvidia/gpu-operator:v24.3.0', size: 131807741 }, ...common] });
  const n1 = node(c, {
    ...base, name: 'y-k8s-n-1', created: addSeconds(created, 900), ip: '192.168.8.121', vtep: 'b6:93:4a:0e:77:1c', podCIDR: '10.244.1.0/24', cpu: 16, memoryKi: 65838108, readySince: '2024-06-20T02:51:47Z',
    // NFD found the GPU and the operator labelled the node, but GFD never ran and no device plugin registered: no GFD labels, no nvidia.com/gpu.
    labels: { ...vmLabels(['10de', '1234', '1af4']), ...operatorNodeLabels() },
    annotations: { 'nfd.node.kubernetes.io/feature-labels': 'cpu-cpuid.AVX512F,kernel-version.full,pci-10de.present,pci-1234.present,pci-1af4.present,system-os_release.ID', 'nfd.node.kubernetes.io/worker.version': 'v0.15.4' },
    images: common,
  });
  const n2 = node(c, { ...base, name: 'y-k8s-n-2', created: addSeconds(created, 960), ip: '192.168.8.122', vtep: '1a:d4:60:8f:3b:92', podCIDR: '10.244.2.0/24', cpu: 8, memoryKi: 32873476, readySince: '2024-06-18T12:57:11Z', labels: vmLabels(['1234', '1af4']), images: common });
  const nodes = [m1, n1, n2];
  for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) namespace(c, n, created);
  kubeadmSystem(c, { cp: m1, nodes, k8s: K8S, created, restarted: { 'y-k8s-n-1': '2024-06-20T02:51:20Z' } });
  namespace(c, NS, '2024-06-20T02:58:33Z', { 'pod-security.kubernetes.io/enforce': 'privileged' });

  const opCreated = '2024-06-20T02:58:40Z';
  const operandStates = ['state-operator-validation', 'state-device-plugin', 'state-dcgm-exporter', 'gpu-feature-discovery'];
  const g = gpuOperator(c, {
    ns: NS, version: 'v24.3.0', created: opCreated, allNodes: nodes, gpuNodes: [n1], driverEnabled: false, toolkitEnabled: false, mps: true,
    policySpec: policySpec('v24.3.0', { driver: false, toolkit: false, driverVersion: '550.54.15', mps: true }),
    policyStatus: policyNotReady(NS, '2024-06-20T02:59:31Z', operandStates),
    dsStatus: Object.fromEntries(['nvidia-operator-validator', 'nvidia-device-plugin-daemonset', 'gpu-feature-discovery', 'nvidia-dcgm-exporter'].map((d) => [d, { ready: 0, available: 0 }])),
  });
  operatorCorePods(c, g, {
    cpNode: 'y-k8s-m-1', gcNode: 'y-k8s-n-2', t: addSeconds(opCreated, 1), nodes, opIP: '10.244.0.6', masterIP: '10.244.0.7', gcIP: '10.244.2.5',
    workerIPs: { 'y-k8s-m-1': '10.244.0.8', 'y-k8s-n-1': '10.244.1.4', 'y-k8s-n-2': '10.244.2.6' },
  });
  const operandCreated = addSeconds(opCreated, 47);
  const stuck = {};
  for (const [component, suffix] of [['devicePlugin', 'x7p9k'], ['gfd', 'hz4q2'], ['dcgmExporter', 'n5tcw'], ['validator', 'rbmwr']]) {
    stuck[component] = operandPod(c, g, component, 'y-k8s-n-1', suffix, operandCreated, sandboxFailing(g, component, addSeconds(operandCreated, 1)));
  }

  // A user's smoke test: nvidia-smi through RuntimeClass nvidia, no GPU request (so it is scheduled, then fails the same way).
  const smokeCreated = '2024-06-20T03:05:12Z';
  const smoke = pod(c, {
    ns: 'default', name: 'nvidia-smi-test', node: 'y-k8s-n-1', created: smokeCreated, labels: { run: 'nvidia-smi-test' }, restartPolicy: 'Never', runtimeClassName: 'nvidia',
    nodeSelector: { 'nvidia.com/gpu.present': 'true' },
    containers: [{ name: 'nvidia-smi-test', image: 'nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04', args: ['nvidia-smi'], env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }] }],
    status: {
      phase: 'Pending', startTime: smokeCreated,
      conditions: [
        ['PodReadyToStartContainers', 'False', smokeCreated],
        ['Initialized', 'True', smokeCreated],
        ['Ready', 'False', smokeCreated, 'ContainersNotReady', 'containers with unready status: [nvidia-smi-test]'],
        ['ContainersReady', 'False', smokeCreated, 'ContainersNotReady', 'containers with unready status: [nvidia-smi-test]'],
        ['PodScheduled', 'True', smokeCreated],
      ],
      containers: [{ name: 'nvidia-smi-test', image: 'nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04', state: 'waiting', reason: 'ContainerCreating' }],
    },
  });
  // The real workload asks for a GPU the node never advertised.
  const vaCreated = '2024-06-20T03:12:40Z';
  const schedMsg = '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';
  const va = pod(c, {
    ns: 'default', name: 'cuda-vectoradd', created: vaCreated, restartPolicy: 'OnFailure',
    containers: [{ name: 'cuda-vectoradd', image: 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda12.5.0', resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { 'nvidia.com/gpu': '1' } } }],
    status: { phase: 'Pending', qos: 'BestEffort', conditions: [['PodScheduled', 'False', vaCreated, 'Unschedulable', schedMsg]] },
  });

  const sandboxEvent = (object, count, first) => event(c, { object, reason: 'FailedCreatePodSandBox', message: NO_RUNTIME, component: 'kubelet', host: 'y-k8s-n-1', count, first, last: '2024-06-20T03:40:58Z' });
  sandboxEvent(stuck.validator, 182, addSeconds(operandCreated, 1));
  sandboxEvent(stuck.devicePlugin, 181, addSeconds(operandCreated, 1));
  sandboxEvent(stuck.gfd, 181, addSeconds(operandCreated, 2));
  sandboxEvent(stuck.dcgmExporter, 180, addSeconds(operandCreated, 2));
  sandboxEvent(smoke, 164, addSeconds(smokeCreated, 1));
  event(c, { object: smoke, scheduler: true, type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/nvidia-smi-test to y-k8s-n-1', eventTime: '2024-06-20T03:05:12.209113Z', instance: 'default-scheduler-y-k8s-m-1' });
  event(c, { object: va, scheduler: true, reason: 'FailedScheduling', message: schedMsg, eventTime: '2024-06-20T03:12:40.881204Z', instance: 'default-scheduler-y-k8s-m-1', series: { count: 6, lastObservedTime: '2024-06-20T03:38:02.401977Z' } });

  // ---------- write: one multi-document YAML of everything but events and pods ----------
  const w = new Writer(root);
  const of = (kind) => c.objects.filter((o) => o.kind === kind);
  w.json('meta.json', { capturedAt: CAPTURED, context: 'kubernetes-admin@y-k8s', serverVersion: K8S, gpuctlVersion: '0.1.0' });
  w.yamlDocs('cluster/cluster.yaml', [...of('Node'), ...of('Namespace'), ...of('RuntimeClass'), ...of('ClusterPolicy'), ...of('DaemonSet'), ...of('Deployment'), ...of('ReplicaSet')]);
  w.json('cluster/pods.json', { apiVersion: 'v1', items: of('Pod'), kind: 'PodList', metadata: { resourceVersion: String(c.rv + 5) } });
  w.json('cluster/events.json', kubectlList(of('Event')));
  const opPod = of('Pod').find((p) => p.metadata.name.startsWith('gpu-operator-') && p.metadata.labels?.app === 'gpu-operator').metadata.name;
  const ts = (iso, frac) => `${Math.floor(Date.parse(iso) / 1000)}.${frac}`;
  w.file(`logs/gpu-operator/${opPod}/gpu-operator.log`, [
    `{"level":"info","ts":${ts('2024-06-20T03:40:51Z', '2087411')},"logger":"controllers.ClusterPolicy","msg":"Number of nodes with GPU label","NodeCount":1}`,
    `{"level":"info","ts":${ts('2024-06-20T03:40:51Z', '4316720')},"logger":"controllers.ClusterPolicy","msg":"ClusterPolicy step completed","state:":"state-container-toolkit","status":"disabled"}`,
    `{"level":"info","ts":${ts('2024-06-20T03:40:51Z', '5120593')},"logger":"controllers.ClusterPolicy","msg":"ClusterPolicy step completed","state:":"state-operator-validation","status":"notReady"}`,
    `{"level":"info","ts":${ts('2024-06-20T03:40:51Z', '6011986')},"logger":"controllers.ClusterPolicy","msg":"ClusterPolicy step completed","state:":"state-device-plugin","status":"notReady"}`,
    `{"level":"info","ts":${ts('2024-06-20T03:40:51Z', '7740521')},"logger":"controllers.ClusterPolicy","msg":"ClusterPolicy step completed","state:":"state-dcgm-exporter","status":"notReady"}`,
    `{"level":"info","ts":${ts('2024-06-20T03:40:51Z', '8012277')},"logger":"controllers.ClusterPolicy","msg":"ClusterPolicy step completed","state:":"gpu-feature-discovery","status":"notReady"}`,
    `{"level":"error","ts":${ts('2024-06-20T03:40:51Z', '9311847')},"logger":"controllers.ClusterPolicy","msg":"ClusterPolicy not yet ready","error":"ClusterPolicy is not ready, states not ready: [${operandStates.join(' ')}]"}`,
  ].join('\n') + '\n');

  const d = 'nodes/y-k8s-n-1';
  // `containerd config default > /etc/containerd/config.toml` + SystemdCgroup = true: the nvidia runtimes nvidia-ctk had added are gone.
  const config = containerdConfig({ sandboxImage: 'registry.k8s.io/pause:3.8' });
  w.file(`${d}/files/etc/containerd/config.toml`, config);
  w.file(`${d}/commands/containerd-config-dump.txt`, config);
  w.file(`${d}/files/proc/driver/nvidia/version`, procVersion(driver, 'Thu Feb 22 01:44:30 UTC 2024'));
  w.file(`${d}/files/etc/os-release`, osRelease('22.04.4'));
  const a10 = { name: 'NVIDIA A10', busId: '00000000:06:00.0', fan: 'N/A', temp: 36, perf: 'P8', power: 21, cap: 150, used: 0, total: 23028, util: 0, ecc: 0 };
  w.file(`${d}/commands/nvidia-smi.txt`, nvidiaSmi({ date: 'Thu Jun 20 03:41:10 2024', driver, cuda: '12.4', gpus: [a10] }));
  w.file(`${d}/commands/nvidia-smi-query.txt`, smiQuery([a10], driver));
  w.file(`${d}/commands/lsmod.txt`, lsmod({ nvidia: true, branch: '550' }));
  w.file(`${d}/commands/lspci.txt`, lspciQ35('06:00.0 3D controller [0302]: NVIDIA Corporation GA102GL [A10] [10de:2236] (rev a1)'));
  w.file(`${d}/commands/uname.txt`, kernel + '\n');
  w.file(`${d}/commands/dev-nvidia.txt`, devNvidia(1));
  w.file(`${d}/commands/runtime-binaries.txt`, ['/usr/bin/nvidia-container-runtime', '/usr/bin/nvidia-container-runtime-cdi', '/usr/bin/nvidia-ctk'].join('\n') + '\n');
  w.file(`${d}/commands/dpkg-nvidia.txt`, [`libnvidia-compute-550 ${driver}-0ubuntu0.22.04.1 hold ok installed`, `nvidia-dkms-550 ${driver}-0ubuntu0.22.04.1 hold ok installed`, `nvidia-driver-550 ${driver}-0ubuntu0.22.04.1 hold ok installed`, `nvidia-kernel-common-550 ${driver}-0ubuntu0.22.04.1 hold ok installed`, `nvidia-utils-550 ${driver}-0ubuntu0.22.04.1 hold ok installed`, 'unattended-upgrades 2.8ubuntu1 install ok installed'].join('\n') + '\n');
  w.file(`${d}/commands/apt-holds.txt`, ['libnvidia-compute-550', 'nvidia-dkms-550', 'nvidia-driver-550', 'nvidia-kernel-common-550', 'nvidia-utils-550'].join('\n') + '\n');
  return c;
}
