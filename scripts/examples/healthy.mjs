// examples/healthy-gpu-operator: GPU Operator v24.9.2 on two bare-metal GPU workers (A100 PCIe, L4), drivers
// pre-installed on the hosts, everything Running/Ready, ClusterPolicy ready, two GPU workloads running.
import { Cluster, Writer, deployment, event, kid, kubectlList, namespace, ownerRef, pod } from './lib.mjs';
import {
  CPU_ICELAKE, CPU_SKYLAKE_VM, addSeconds, gfdLabels, gpuOperator, kubeadmSystem, nfdLabels, node, operandPod, operandRunning,
  operatorCorePods, operatorNodeLabels, readyConditions, runningOperands,
} from './common.mjs';
import { policyReady, policySpec } from './policy.mjs';
import { bareMetalGpuNodeFiles } from './host.mjs';
import { VECTOR_ADD, devicePluginLog } from './demo.mjs';

export function healthy(root) {
  const c = new Cluster('gpu-lab', 18822000);
  const K8S = 'v1.30.6';
  const CAPTURED = '2024-12-03T10:15:27Z';
  const created = '2024-09-10T08:02:41Z';
  const kernel = '5.15.0-125-generic';
  const driver = '550.127.08';
  const NS = 'gpu-operator';
  const img = (n, s) => ({ name: n, size: s });
  const common = [img(`registry.k8s.io/kube-proxy:${K8S}`, 29113270), img('docker.io/flannel/flannel:v0.25.1', 31425237), img('registry.k8s.io/nfd/node-feature-discovery:v0.16.6', 78411212), img('registry.k8s.io/pause:3.9', 321520)];
  const gpuImages = [
    img('nvcr.io/nvidia/cloud-native/gpu-operator-validator:v24.9.2', 190611209), img('nvcr.io/nvidia/k8s/dcgm-exporter:3.3.9-3.6.1-ubuntu22.04', 1281240013),
    img('nvcr.io/nvidia/k8s/container-toolkit:v1.17.4-ubuntu20.04', 148813524), img('nvcr.io/nvidia/k8s-device-plugin:v0.17.0', 187304120),
  ];

  const cpNode = node(c, {
    name: 'k8s-cp-1', cp: true, created, ip: '10.20.0.10', vtep: '5a:1c:8e:02:b4:4d', podCIDR: '10.244.0.0/24', cpu: 8, memoryKi: 16365508, diskKi: 101430960,
    kernel, osImage: 'Ubuntu 22.04.5 LTS', containerd: '1.7.22', kubelet: K8S, readySince: '2024-11-18T09:01:12Z', heartbeat: '2024-12-03T10:15:02Z',
    labels: nfdLabels({ kernel, osVersion: '22.04', cpu: CPU_SKYLAKE_VM, pciVendors: ['1234', '1af4'] }),
    annotations: { 'nfd.node.kubernetes.io/feature-labels': 'cpu-cpuid.AVX512F,kernel-version.full,pci-1234.present,pci-1af4.present,system-os_release.ID' },
    images: [img(`registry.k8s.io/kube-apiserver:${K8S}`, 32673142), img('registry.k8s.io/etcd:3.5.12-0', 57236178), img('nvcr.io/nvidia/gpu-operator:v24.9.2', 134510390), ...common],
  });
  const gpuNode = (name, ip, vtep, cidr, cpu, memKi, product, family, compute, memory, mig, machine, extraImages) =>
    node(c, {
      name, created: addSeconds(created, 1200), ip, vtep, podCIDR: cidr, cpu, memoryKi: memKi, diskKi: 1873313996,
      kernel, osImage: 'Ubuntu 22.04.5 LTS', containerd: '1.7.22', kubelet: K8S, readySince: '2024-11-18T09:14:37Z', heartbeat: '2024-12-03T10:15:11Z', gpuCapacity: 1, gpuAllocatable: 1,
      labels: {
        ...nfdLabels({ kernel, osVersion: '22.04', cpu: CPU_ICELAKE, pciVendors: ['102b', '10de', '14e4', '8086'] }),
        ...operatorNodeLabels({ mig }),
        ...gfdLabels({ driver, cuda: '12.4', timestamp: '2024-12-03T10:14:52Z', compute, count: 1, family, machine, memory, product, mig, modern: true }),
      },
      annotations: { 'nfd.node.kubernetes.io/feature-labels': 'cpu-cpuid.AVX512F,kernel-version.full,pci-102b.present,pci-10de.present,pci-14e4.present,pci-8086.present,system-os_release.ID' },
      images: [...gpuImages, ...extraImages, ...common],
    });
  const a100 = gpuNode('gpu-a100-01', '10.20.0.21', 'c2:7a:31:9e:05:d8', '10.244.1.0/24', 128, 527967636, 'NVIDIA-A100-PCIE-40GB', 'ampere', '8.0', 40960, true, 'PowerEdge-R750xa',
    [img('nvcr.io/nvidia/pytorch:24.03-py3', 9754921836), img('nvcr.io/nvidia/cloud-native/k8s-mig-manager:v0.10.0-ubuntu20.04', 140187211)]);
  const l4 = gpuNode('gpu-l4-01', '10.20.0.22', '9e:44:b0:17:6c:21', '10.244.2.0/24', 96, 263722764, 'NVIDIA-L4', 'ada-lovelace', '8.9', 23034, false, 'PowerEdge-R760',
    [img('nvcr.io/nvidia/tritonserver:24.03-py3', 7431097124)]);
  const nodes = [cpNode, a100, l4];
  for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) namespace(c, n, created);
  kubeadmSystem(c, { cp: cpNode, nodes, k8s: K8S, created, restarted: { 'k8s-cp-1': '2024-11-18T09:00:20Z', 'gpu-a100-01': '2024-11-18T09:13:58Z', 'gpu-l4-01': '2024-11-18T09:14:02Z' } });
  namespace(c, NS, '2024-11-18T09:30:02Z', { 'pod-security.kubernetes.io/enforce': 'privileged' });
  namespace(c, 'ml', '2024-11-19T14:11:09Z');

  const opCreated = '2024-11-18T09:30:07Z';
  const g = gpuOperator(c, {
    ns: NS, version: 'v24.9.2', created: opCreated, allNodes: nodes, gpuNodes: [a100, l4], driverEnabled: false, toolkitEnabled: true, mps: true, migNodes: [a100],
    policySpec: policySpec('v24.9.2', { driver: false, toolkit: true, driverVersion: '550.127.08', mps: true }),
    policyStatus: policyReady(NS, '2024-11-18T09:33:41Z'),
  });
  operatorCorePods(c, g, {
    cpNode: 'k8s-cp-1', gcNode: 'gpu-l4-01', t: addSeconds(opCreated, 1), nodes, opIP: '10.244.0.9', masterIP: '10.244.0.10', gcIP: '10.244.2.4',
    workerIPs: { 'k8s-cp-1': '10.244.0.11', 'gpu-a100-01': '10.244.1.3', 'gpu-l4-01': '10.244.2.3' },
  });
  const operandCreated = addSeconds(opCreated, 44);
  runningOperands(c, g, [a100, l4], {
    created: operandCreated, ipBase: { 'gpu-a100-01': '10.244.1.', 'gpu-l4-01': '10.244.2.' }, toolkitSeconds: 38, cudaAfter: 48,
    validatorSeconds: { 'driver-validation': 3, 'toolkit-validation': 41, 'cuda-validation': 16, 'plugin-validation': 22 },
    more: (n, t0, ip, suffix) => {
      if (n === a100) operandPod(c, g, 'migManager', n.metadata.name, suffix(n.metadata.name, 'mig'), operandCreated, operandRunning(g, 'migManager', t0, ip(6), { initSeconds: { 'toolkit-validation': 38 } }));
    },
  });

  // Workloads: an inference Deployment on the L4 and a fine-tuning Job on the A100, one GPU each.
  const tHash = kid('triton', 10);
  const triton = deployment(c, {
    ns: 'ml', name: 'triton-inference', hash: tHash, created: '2024-11-19T14:20:31Z', labels: { app: 'triton-inference' }, selector: { app: 'triton-inference' },
    containers: [{ name: 'tritonserver', image: 'nvcr.io/nvidia/tritonserver:24.03-py3', resources: { limits: { 'nvidia.com/gpu': '1', memory: '32Gi' }, requests: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' } } }],
  });
  const tStart = '2024-11-19T14:20:31Z';
  pod(c, {
    ns: 'ml', name: `triton-inference-${tHash}-${kid('tritonpod', 5)}`, node: 'gpu-l4-01', created: tStart, owner: triton.rs, labels: { app: 'triton-inference', 'pod-template-hash': tHash },
    nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' }, runtimeClassName: 'nvidia',
    containers: [{
      name: 'tritonserver', image: 'nvcr.io/nvidia/tritonserver:24.03-py3', command: ['tritonserver'], args: ['--model-repository=/models', '--strict-model-config=false'],
      ports: [{ containerPort: 8000, name: 'http', protocol: 'TCP' }, { containerPort: 8001, name: 'grpc', protocol: 'TCP' }, { containerPort: 8002, name: 'metrics', protocol: 'TCP' }],
      readinessProbe: { failureThreshold: 3, httpGet: { path: '/v2/health/ready', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 },
      resources: { limits: { memory: '32Gi', 'nvidia.com/gpu': '1' }, requests: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' } },
      volumeMounts: [{ mountPath: '/models', name: 'models', readOnly: true }],
    }],
    volumes: [{ name: 'models', persistentVolumeClaim: { claimName: 'triton-models' } }],
    status: { phase: 'Running', hostIP: '10.20.0.22', podIP: '10.244.2.14', qos: 'Burstable', startTime: tStart, conditions: readyConditions(tStart, addSeconds(tStart, 3), addSeconds(tStart, 212)), containers: [{ name: 'tritonserver', image: 'nvcr.io/nvidia/tritonserver:24.03-py3', state: 'running', started: addSeconds(tStart, 171) }] },
  });
  const jobCreated = '2024-12-03T07:45:00Z';
  const jobUid = c.meta('Job', { name: 'bert-finetune', namespace: 'ml', created: jobCreated }).uid;
  const jobLabels = { 'batch.kubernetes.io/controller-uid': jobUid, 'batch.kubernetes.io/job-name': 'bert-finetune', 'controller-uid': jobUid, 'job-name': 'bert-finetune' };
  const jobContainer = { name: 'train', image: 'nvcr.io/nvidia/pytorch:24.03-py3', command: ['torchrun'], args: ['--nproc_per_node=1', '/workspace/train.py', '--model=bert-large-uncased', '--epochs=3'], resources: { limits: { memory: '64Gi', 'nvidia.com/gpu': '1' }, requests: { cpu: '8', memory: '64Gi', 'nvidia.com/gpu': '1' } } };
  const job = c.add({
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { ...c.meta('Job', { name: 'bert-finetune', namespace: 'ml', created: jobCreated, labels: jobLabels, generation: 1 }), uid: jobUid },
    spec: {
      backoffLimit: 2, completionMode: 'NonIndexed', completions: 1, manualSelector: false, parallelism: 1, podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': jobUid } }, suspend: false,
      template: { metadata: { creationTimestamp: null, labels: jobLabels }, spec: { containers: [{ ...jobContainer, imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }], dnsPolicy: 'ClusterFirst', restartPolicy: 'Never', runtimeClassName: 'nvidia', schedulerName: 'default-scheduler', securityContext: {}, terminationGracePeriodSeconds: 30 } },
    },
    status: { active: 1, ready: 1, startTime: jobCreated, terminating: 0, uncountedTerminatedPods: {} },
  });
  const jobPod = pod(c, {
    ns: 'ml', name: `bert-finetune-${kid('jobpod', 5)}`, generateName: 'bert-finetune-', node: 'gpu-a100-01', created: jobCreated, ownerRefs: [ownerRef(job)],
    labels: jobLabels, restartPolicy: 'Never', runtimeClassName: 'nvidia', containers: [jobContainer],
    status: { phase: 'Running', hostIP: '10.20.0.21', podIP: '10.244.1.19', qos: 'Burstable', startTime: jobCreated, conditions: readyConditions(jobCreated, addSeconds(jobCreated, 1), addSeconds(jobCreated, 6)), containers: [{ name: 'train', image: 'nvcr.io/nvidia/pytorch:24.03-py3', state: 'running', started: addSeconds(jobCreated, 5) }] },
  });
  event(c, { object: jobPod, scheduler: true, type: 'Normal', reason: 'Scheduled', message: `Successfully assigned ml/${jobPod.metadata.name} to gpu-a100-01`, eventTime: '2024-12-03T07:45:00.311427Z', instance: 'default-scheduler-k8s-cp-1' });
  event(c, { object: jobPod, fieldPath: 'spec.containers{train}', type: 'Normal', reason: 'Pulled', message: 'Container image "nvcr.io/nvidia/pytorch:24.03-py3" already present on machine', component: 'kubelet', host: 'gpu-a100-01', last: '2024-12-03T07:45:03Z' });
  event(c, { object: jobPod, fieldPath: 'spec.containers{train}', type: 'Normal', reason: 'Created', message: 'Created container train', component: 'kubelet', host: 'gpu-a100-01', last: '2024-12-03T07:45:04Z' });
  event(c, { object: jobPod, fieldPath: 'spec.containers{train}', type: 'Normal', reason: 'Started', message: 'Started container train', component: 'kubelet', host: 'gpu-a100-01', last: '2024-12-03T07:45:05Z' });
  event(c, { object: job, type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${jobPod.metadata.name}`, component: 'job-controller', last: '2024-12-03T07:45:00Z' });

  // ---------- write: raw API lists, kubectl Lists, single objects and YAML all mixed ----------
  const w = new Writer(root);
  const of = (kind) => c.objects.filter((o) => o.kind === kind);
  w.json('meta.json', { capturedAt: CAPTURED, context: 'kubernetes-admin@gpu-lab', serverVersion: K8S, gpuctlVersion: '0.1.0' });
  w.yaml('cluster/nodes.yaml', kubectlList(of('Node')));
  w.yaml('cluster/namespaces.yaml', kubectlList(of('Namespace')));
  w.raw('cluster/api/v1/pods.json', 'PodList', of('Pod'), String(c.rv + 3));
  w.raw('cluster/api/v1/events.json', 'EventList', of('Event'), String(c.rv + 3));
  w.json('cluster/apps.json', kubectlList([...of('DaemonSet'), ...of('Deployment'), ...of('ReplicaSet')]));
  w.yaml('cluster/jobs.yaml', kubectlList(of('Job')));
  w.raw('cluster/apis/nvidia.com/v1/clusterpolicies.json', 'ClusterPolicyList', of('ClusterPolicy'), String(c.rv + 3));
  w.yaml('cluster/runtimeclass-nvidia.yaml', of('RuntimeClass')[0]);

  const pods = of('Pod');
  const podOn = (prefix, node) => pods.find((p) => p.metadata.name.startsWith(prefix) && p.spec.nodeName === node).metadata.name;
  for (const n of ['gpu-a100-01', 'gpu-l4-01']) {
    w.file(`logs/gpu-operator/${podOn('nvidia-device-plugin-daemonset-', n)}/nvidia-device-plugin.log`, devicePluginLog('1118 09:31', 'v0.17.0'));
    w.file(`logs/gpu-operator/${podOn('nvidia-cuda-validator-', n)}/cuda-validation.log`, VECTOR_ADD);
  }

  const gpus = {
    'gpu-a100-01': { gpu: { name: 'NVIDIA A100-PCIE-40GB', busId: '00000000:17:00.0', fan: 'N/A', temp: 61, perf: 'P0', power: 219, cap: 250, used: 31245, total: 40960, util: 97, ecc: 0, mig: 'Disabled' }, proc: { gpu: 0, pid: 2381947, type: 'C', name: '/usr/bin/python', mem: 31232 }, lspci: ['17:00.0', '3D controller [0302]: NVIDIA Corporation GA100 [A100 PCIe 40GB] [10de:20f1] (rev a1)'] },
    'gpu-l4-01': { gpu: { name: 'NVIDIA L4', busId: '00000000:4A:00.0', fan: 'N/A', temp: 58, perf: 'P0', power: 43, cap: 72, used: 9727, total: 23034, util: 31, ecc: 0 }, proc: { gpu: 0, pid: 1893302, type: 'C', name: '/opt/tritonserver/bin/tritonserver', mem: 9718 }, lspci: ['4a:00.0', '3D controller [0302]: NVIDIA Corporation AD104GL [L4] [10de:27b8] (rev a1)'] },
  };
  for (const [n, v] of Object.entries(gpus)) {
    bareMetalGpuNodeFiles(w, n, v, { driver, built: 'Thu Oct 31 09:46:38 UTC 2024', smiDate: 'Tue Dec  3 10:15:29 2024', cuda: '12.4', kernel, osVersion: '22.04.5' });
  }
  return c;
}
