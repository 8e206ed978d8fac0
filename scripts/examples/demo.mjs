// examples/passthrough-gpu-held: the y-k8s/z-k8s story of the seed. One Tesla T4 passed through to a VM worker,
// a leftover cuda-vectoradd pod (its Istio sidecar keeps it Running, 1/2 NotReady) holds the GPU after a reboot,
// so the device-plugin validator is rejected with UnexpectedAdmissionError and the operator validator loops in Init.
import { Cluster, Writer, deployment, event, kid, kubectlList, namespace, pod, hex } from './lib.mjs';
import {
  CPU_SKYLAKE_VM, addSeconds, gfdLabelsLegacy, gpuOperator, kubeadmSystem, nfdLabels, node, operandPod, operandRunning, operandPodSpec,
  operatorCorePods, operatorNodeLabels, readyConditions, completedConditions, validatorWorkloadPod,
} from './common.mjs';
import { policyNotReady, policySpec } from './policy.mjs';
import { TOOLKIT_RUNTIMES, containerdConfig, devNvidia, lsmod, lspciQ35, nvidiaSmi, osRelease, procVersion, smiQuery } from './host.mjs';

export function demo(root) {
  const c = new Cluster('z-k8s', 3101200);
  const K8S = 'v1.29.4';
  const CAPTURED = '2024-05-14T09:08:02Z';
  const created = '2024-03-02T06:10:12Z';
  const rebootDown = '2024-05-14T08:38:31Z';
  const rebooted = '2024-05-14T08:40:31Z';
  const kernel = '5.15.0-105-generic';
  const driver = '535.171.04';
  const images = [
    { name: 'nvcr.io/nvidia/cloud-native/gpu-operator-validator:v23.9.1', size: 161508542 },
    { name: 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.0-3.2.0-ubuntu22.04', size: 1218062741 },
    { name: 'nvcr.io/nvidia/k8s/container-toolkit:v1.14.3-ubuntu20.04', size: 131232960 },
    { name: 'nvcr.io/nvidia/k8s-device-plugin:v0.14.3-ubi8', size: 154470530 },
    { name: 'nvcr.io/nvidia/gpu-feature-discovery:v0.8.2-ubi8', size: 142009745 },
    { name: 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1-ubuntu20.04', size: 97451306 },
    { name: 'docker.io/istio/proxyv2:1.21.2', size: 91474325 },
    { name: 'registry.k8s.io/nfd/node-feature-discovery:v0.14.2', size: 73108478 },
    { name: `registry.k8s.io/kube-proxy:${K8S}`, size: 28067226 },
    { name: 'docker.io/flannel/flannel:v0.25.1', size: 31425237 },
    { name: 'registry.k8s.io/pause:3.9', size: 321520 },
  ];

  const cp = node(c, {
    name: 'z-k8s-m-1', cp: true, created, ip: '192.168.6.101', vtep: 'a6:4e:0c:19:d2:71', podCIDR: '10.244.0.0/24', cpu: 4, memoryKi: 8148572, diskKi: 48758492,
    kernel, osImage: 'Ubuntu 22.04.4 LTS', containerd: '1.7.12', kubelet: K8S, readySince: '2024-05-02T03:12:55Z', heartbeat: '2024-05-14T09:07:44Z',
    labels: nfdLabels({ kernel, osVersion: '22.04', cpu: CPU_SKYLAKE_VM, pciVendors: ['1234', '1af4'] }),
    annotations: { 'nfd.node.kubernetes.io/feature-labels': 'cpu-cpuid.AVX512F,cpu-model.family,kernel-version.full,pci-1234.present,pci-1af4.present,system-os_release.ID', 'nfd.node.kubernetes.io/worker.version': 'v0.14.2' },
    images: images.slice(7),
  });
  const gpuLabels = {
    ...nfdLabels({ kernel, osVersion: '22.04', cpu: CPU_SKYLAKE_VM, pciVendors: ['10de', '1234', '1af4'] }),
    ...operatorNodeLabels(),
    ...gfdLabelsLegacy({ driver, cuda: '12.2', timestamp: '2024-05-14T08:41:33Z', compute: '7.5', count: 1, family: 'turing', machine: 'Standard-PC-Q35-ICH9-2009', memory: 15360, product: 'Tesla-T4' }),
  };
  const gpu = node(c, {
    name: 'z-k8s-n-1', created: '2024-03-02T06:31:40Z', ip: '192.168.6.111', vtep: '3e:b1:54:d0:8a:0f', podCIDR: '10.244.1.0/24', cpu: 16, memoryKi: 65838108, diskKi: 101430960,
    kernel, osImage: 'Ubuntu 22.04.4 LTS', containerd: '1.7.12', kubelet: K8S, readySince: rebooted, heartbeat: '2024-05-14T09:07:51Z', gpuCapacity: 1, gpuAllocatable: 1,
    labels: gpuLabels,
    annotations: { 'nfd.node.kubernetes.io/feature-labels': 'cpu-cpuid.AVX512F,cpu-model.family,kernel-version.full,pci-10de.present,pci-1234.present,pci-1af4.present,system-os_release.ID', 'nfd.node.kubernetes.io/worker.version': 'v0.14.2' },
    images,
  });
  const nodes = [cp, gpu];
  const NS = 'gpu-operator';
  const nsTimes = { 'kube-system': created, 'kube-public': created, 'kube-node-lease': created, default: created };
  for (const [n, t] of Object.entries(nsTimes)) namespace(c, n, t, n === 'default' ? { 'istio-injection': 'enabled' } : {});
  kubeadmSystem(c, { cp, nodes, k8s: K8S, created, restarted: { 'z-k8s-n-1': rebooted, 'z-k8s-m-1': '2024-05-02T03:11:40Z' } });
  namespace(c, 'istio-system', '2024-04-20T10:02:33Z');
  namespace(c, NS, '2024-05-13T13:20:11Z', { 'pod-security.kubernetes.io/enforce': 'privileged' });

  // Istio (the sidecar that keeps cuda-vectoradd Running after its only real container exited).
  const istioHash = kid('istiod', 10);
  const istiod = deployment(c, {
    ns: 'istio-system', name: 'istiod', hash: istioHash, created: '2024-04-20T10:02:40Z',
    labels: { app: 'istiod', 'install.operator.istio.io/owning-resource': 'unknown', istio: 'pilot', 'istio.io/rev': 'default', 'operator.istio.io/component': 'Pilot', release: 'istio' },
    selector: { istio: 'pilot' }, podLabels: { app: 'istiod', 'install.operator.istio.io/owning-resource': 'unknown', istio: 'pilot', 'istio.io/rev': 'default', 'operator.istio.io/component': 'Pilot', 'sidecar.istio.io/inject': 'false' },
    serviceAccount: 'istiod', containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.21.2', resources: { requests: { cpu: '500m', memory: '2Gi' } } }],
  });
  pod(c, {
    ns: 'istio-system', name: `istiod-${istioHash}-${kid('istiodpod', 5)}`, node: 'z-k8s-n-1', created: '2024-04-20T10:02:40Z', owner: istiod.rs,
    labels: { ...istiod.dep.spec.template.metadata.labels, 'pod-template-hash': istioHash }, annotations: { 'prometheus.io/port': '15014', 'prometheus.io/scrape': 'true', 'sidecar.istio.io/inject': 'false' },
    serviceAccount: 'istiod',
    containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.21.2', args: ['discovery', '--monitoringAddr=:15014', '--log_output_level=default:info', '--domain', 'cluster.local', '--keepaliveMaxServerConnectionAge', '30m'], resources: { requests: { cpu: '500m', memory: '2Gi' } }, ports: [{ containerPort: 8080, protocol: 'TCP' }, { containerPort: 15010, protocol: 'TCP' }, { containerPort: 15017, protocol: 'TCP' }] }],
    status: { phase: 'Running', hostIP: '192.168.6.111', podIP: '10.244.1.7', qos: 'Burstable', startTime: '2024-04-20T10:02:40Z', conditions: readyConditions('2024-04-20T10:02:40Z', '2024-05-14T08:40:54Z', '2024-05-14T08:41:09Z'), containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.21.2', state: 'running', started: '2024-05-14T08:40:56Z', restarts: 1, last: { exitCode: 255, reason: 'Unknown', started: '2024-04-20T10:02:52Z', finished: rebootDown } }] },
  });

  // The GPU Operator, driver from the host (driver.enabled=false), toolkit by the operator, plugin validation with a workload.
  const opCreated = '2024-05-13T13:20:18Z';
  const g = gpuOperator(c, {
    ns: NS, version: 'v23.9.1', created: opCreated, allNodes: nodes, gpuNodes: [gpu], driverEnabled: false, toolkitEnabled: true,
    policySpec: policySpec('v23.9.1', { driver: false, toolkit: true, withWorkload: true }),
    policyStatus: policyNotReady(NS, '2024-05-14T08:40:47Z', ['state-operator-validation']),
    dsStatus: { 'nvidia-operator-validator': { ready: 0, available: 0 } },
  });
  operatorCorePods(c, g, {
    cpNode: 'z-k8s-m-1', gcNode: 'z-k8s-n-1', t: addSeconds(opCreated, 2), nodes, opIP: '10.244.0.14', masterIP: '10.244.0.15', gcIP: '10.244.1.12',
    workerIPs: { 'z-k8s-m-1': '10.244.0.16', 'z-k8s-n-1': '10.244.1.11' },
    restarts: { gc: 1, gcStart: addSeconds(opCreated, 2), gcLast: { exitCode: 255, reason: 'Unknown', started: addSeconds(opCreated, 6), finished: rebootDown }, worker: { 'z-k8s-n-1': 1 }, workerLast: { 'z-k8s-n-1': { exitCode: 255, reason: 'Unknown', started: addSeconds(opCreated, 5), finished: rebootDown } } },
  });
  const operandCreated = addSeconds(opCreated, 46);
  const afterReboot = { restarts: 1, startTime: addSeconds(operandCreated, 1), scheduled: operandCreated };
  const lastRun = (started) => ({ exitCode: 255, reason: 'Unknown', started, finished: rebootDown });
  operandPod(c, g, 'toolkit', 'z-k8s-n-1', 'wx2tk', operandCreated, operandRunning(g, 'toolkit', '2024-05-14T08:40:52Z', '10.244.1.14', { ...afterReboot, last: lastRun('2024-05-13T13:21:12Z') }));
  operandPod(c, g, 'devicePlugin', 'z-k8s-n-1', '8x6zq', operandCreated, operandRunning(g, 'devicePlugin', '2024-05-14T08:40:53Z', '10.244.1.15', { ...afterReboot, initSeconds: { 'toolkit-validation': 30 }, last: lastRun('2024-05-13T13:21:47Z') }));
  operandPod(c, g, 'gfd', 'z-k8s-n-1', 'tq6wz', operandCreated, operandRunning(g, 'gfd', '2024-05-14T08:40:53Z', '10.244.1.16', { ...afterReboot, initSeconds: { 'toolkit-validation': 31 }, last: lastRun('2024-05-13T13:21:49Z') }));
  operandPod(c, g, 'dcgmExporter', 'z-k8s-n-1', 'qzb8v', operandCreated, operandRunning(g, 'dcgmExporter', '2024-05-14T08:40:54Z', '10.244.1.17', { ...afterReboot, initSeconds: { 'toolkit-validation': 30 }, last: lastRun('2024-05-13T13:21:50Z') }));

  // nvidia-operator-validator: driver, toolkit and cuda validations pass; plugin-validation fails every 5 minutes.
  const vSpec = operandPodSpec(g, 'validator', { withWorkload: true });
  const validator = operandPod(c, g, 'validator', 'z-k8s-n-1', 'jx7kt', operandCreated, {
    phase: 'Pending', podIP: '10.244.1.18', startTime: addSeconds(operandCreated, 1),
    conditions: [
      ['PodReadyToStartContainers', 'True', '2024-05-14T08:40:55Z'],
      ['Initialized', 'False', '2024-05-14T08:40:55Z', 'ContainersNotInitialized', 'containers with incomplete status: [plugin-validation]'],
      ['Ready', 'False', '2024-05-14T08:38:31Z', 'ContainersNotReady', 'containers with unready status: [nvidia-operator-validator]'],
      ['ContainersReady', 'False', '2024-05-14T08:38:31Z', 'ContainersNotReady', 'containers with unready status: [nvidia-operator-validator]'],
      ['PodScheduled', 'True', operandCreated],
    ],
    init: [
      { name: 'driver-validation', state: 'terminated', started: '2024-05-14T08:40:55Z', finished: '2024-05-14T08:40:58Z', ready: true },
      { name: 'toolkit-validation', state: 'terminated', started: '2024-05-14T08:41:22Z', finished: '2024-05-14T08:41:24Z', ready: true },
      { name: 'cuda-validation', state: 'terminated', started: '2024-05-14T08:41:25Z', finished: '2024-05-14T08:41:43Z', ready: true },
      { name: 'plugin-validation', state: 'running', started: '2024-05-14T09:04:19Z', ready: false, restarts: 4, last: { exitCode: 1, reason: 'Error', started: '2024-05-14T08:57:58Z', finished: '2024-05-14T09:02:59Z' } },
    ],
    containers: [{ name: 'nvidia-operator-validator', state: 'waiting', reason: 'PodInitializing', ready: false }],
  }, { withWorkload: true });
  if (!vSpec) throw new Error('validator spec');

  validatorWorkloadPod(c, g, 'cuda', 'z-k8s-n-1', 'k7lrc', '2024-05-14T08:41:26Z', {
    phase: 'Succeeded', podIP: '10.244.1.19', startTime: '2024-05-14T08:41:26Z',
    conditions: completedConditions('2024-05-14T08:41:26Z', '2024-05-14T08:41:36Z', '2024-05-14T08:41:38Z'),
    init: [{ name: 'cuda-validation', state: 'terminated', started: '2024-05-14T08:41:28Z', finished: '2024-05-14T08:41:35Z', ready: true }],
    containers: [{ name: 'nvidia-cuda-validator', state: 'terminated', started: '2024-05-14T08:41:37Z', finished: '2024-05-14T08:41:37Z', ready: false }],
  });
  // Rejected at admission: the kubelet never ran it, so it has no container statuses, only phase, reason and message.
  const rejected = validatorWorkloadPod(c, g, 'device-plugin', 'z-k8s-n-1', 'm9f2p', '2024-05-14T09:04:20Z', {
    phase: 'Failed', qos: 'BestEffort', reason: 'UnexpectedAdmissionError',
    message: 'Pod was rejected: Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 1, Available: 0, which is unexpected',
  }, { gpuLimit: true });

  // The leftover test pod: vectorAdd finished yesterday, istio-proxy keeps the pod Running, so its GPU stays allocated.
  const vaCreated = '2024-05-13T14:02:11Z';
  const istioStatus = JSON.stringify({ initContainers: ['istio-init'], containers: ['istio-proxy'], volumes: ['workload-socket', 'credential-socket', 'workload-certs', 'istio-envoy', 'istio-data', 'istio-podinfo', 'istio-token', 'istiod-ca-cert'], imagePullSecrets: null, revision: 'default' });
  const istioAnnotations = {
    'istio.io/rev': 'default',
    'kubectl.kubernetes.io/default-container': 'cuda-vectoradd',
    'kubectl.kubernetes.io/default-logs-container': 'cuda-vectoradd',
    'prometheus.io/path': '/stats/prometheus',
    'prometheus.io/port': '15020',
    'prometheus.io/scrape': 'true',
    'sidecar.istio.io/status': istioStatus,
  };
  const istioInit = { name: 'istio-init', image: 'docker.io/istio/proxyv2:1.21.2', args: ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020', '--log_output_level=default:info'], resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '10m', memory: '40Mi' } }, securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0 } };
  const istioProxy = (app) => ({
    name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.21.2',
    args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info'],
    env: [{ name: 'PILOT_CERT_PROVIDER', value: 'istiod' }, { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' }, { name: 'ISTIO_META_APP_CONTAINERS', value: app }, { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' }, { name: 'ISTIO_META_WORKLOAD_NAME', value: app }],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: { failureThreshold: 4, httpGet: { path: '/healthz/ready', port: 15021, scheme: 'HTTP' }, periodSeconds: 15, successThreshold: 1, timeoutSeconds: 3 },
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '10m', memory: '40Mi' } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsGroup: 1337, runAsNonRoot: true, runAsUser: 1337 },
    volumeMounts: [{ mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' }, { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' }, { mountPath: '/var/lib/istio/data', name: 'istio-data' }, { mountPath: '/etc/istio/proxy', name: 'istio-envoy' }, { mountPath: '/var/run/secrets/tokens', name: 'istio-token' }, { mountPath: '/etc/istio/pod', name: 'istio-podinfo' }],
  });
  const istioVolumes = [
    { emptyDir: {}, name: 'workload-socket' }, { emptyDir: {}, name: 'credential-socket' }, { emptyDir: {}, name: 'workload-certs' }, { emptyDir: { medium: 'Memory' }, name: 'istio-envoy' }, { emptyDir: {}, name: 'istio-data' },
    { downwardAPI: { defaultMode: 420, items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' }, path: 'labels' }, { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.annotations' }, path: 'annotations' }] }, name: 'istio-podinfo' },
    { name: 'istio-token', projected: { defaultMode: 420, sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }] } },
    { configMap: { defaultMode: 420, name: 'istio-ca-root-cert' }, name: 'istiod-ca-cert' },
  ];
  const vectoradd = pod(c, {
    ns: 'default', name: 'cuda-vectoradd', node: 'z-k8s-n-1', created: vaCreated,
    labels: { 'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': 'cuda-vectoradd', 'service.istio.io/canonical-revision': 'latest' },
    annotations: istioAnnotations, restartPolicy: 'OnFailure',
    init: [istioInit],
    containers: [
      { name: 'cuda-vectoradd', image: 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1-ubuntu20.04', resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { 'nvidia.com/gpu': '1' } } },
      istioProxy('cuda-vectoradd'),
    ],
    volumes: istioVolumes,
    status: {
      phase: 'Running', hostIP: '192.168.6.111', podIP: '10.244.1.21', qos: 'Burstable', startTime: vaCreated,
      conditions: [
        ['PodReadyToStartContainers', 'True', '2024-05-14T08:40:56Z'],
        ['Initialized', 'True', '2024-05-14T08:40:58Z'],
        ['Ready', 'False', '2024-05-13T14:02:19Z', 'ContainersNotReady', 'containers with unready status: [cuda-vectoradd]'],
        ['ContainersReady', 'False', '2024-05-13T14:02:19Z', 'ContainersNotReady', 'containers with unready status: [cuda-vectoradd]'],
        ['PodScheduled', 'True', vaCreated],
      ],
      init: [{ name: 'istio-init', image: 'docker.io/istio/proxyv2:1.21.2', state: 'terminated', started: '2024-05-14T08:40:57Z', finished: '2024-05-14T08:40:57Z', ready: true, restarts: 1 }],
      containers: [
        { name: 'cuda-vectoradd', image: 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1-ubuntu20.04', state: 'terminated', exitCode: 0, reason: 'Completed', started: '2024-05-13T14:02:17Z', finished: '2024-05-13T14:02:18Z', ready: false },
        { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.21.2', state: 'running', started: '2024-05-14T08:40:58Z', restarts: 1, ready: true, last: { exitCode: 255, reason: 'Unknown', started: '2024-05-13T14:02:17Z', finished: rebootDown } },
      ],
    },
  });

  // What waits for that GPU: the workload the operator installed the stack for.
  const sdHash = kid('sd', 10);
  const sd = deployment(c, {
    ns: 'default', name: 'stable-diffusion-webui', hash: sdHash, created: '2024-05-14T08:44:03Z', labels: { app: 'stable-diffusion-webui' }, selector: { app: 'stable-diffusion-webui' },
    containers: [{ name: 'stable-diffusion-webui', image: 'docker.io/universonic/stable-diffusion-webui:latest', resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' } } }], ready: 0,
  });
  const schedMsg = '0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.';
  const sdPod = pod(c, {
    ns: 'default', name: `stable-diffusion-webui-${sdHash}-${kid('sdpod', 5)}`, created: '2024-05-14T08:44:03Z', owner: sd.rs,
    labels: { app: 'stable-diffusion-webui', 'pod-template-hash': sdHash, 'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': 'stable-diffusion-webui', 'service.istio.io/canonical-revision': 'latest' },
    annotations: { ...istioAnnotations, 'kubectl.kubernetes.io/default-container': 'stable-diffusion-webui', 'kubectl.kubernetes.io/default-logs-container': 'stable-diffusion-webui' },
    init: [istioInit],
    containers: [
      { name: 'stable-diffusion-webui', image: 'docker.io/universonic/stable-diffusion-webui:latest', args: ['--listen', '--port', '8080', '--xformers'], ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }], resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' } } },
      istioProxy('stable-diffusion-webui'),
    ],
    volumes: istioVolumes,
    status: { phase: 'Pending', qos: 'Burstable', conditions: [['PodScheduled', 'False', '2024-05-14T08:44:03Z', 'Unschedulable', schedMsg]] },
  });

  // Events, as `kubectl get events -A -o json` returns them (Normal ones included: a hand-made snapshot has them).
  event(c, { object: gpu, reason: 'Rebooted', message: `Node z-k8s-n-1 has been rebooted, boot id: ${gpu.status.nodeInfo.bootID}`, component: 'kubelet', host: 'z-k8s-n-1', last: '2024-05-14T08:40:21Z' });
  event(c, { object: gpu, type: 'Normal', reason: 'Starting', message: 'Starting kubelet.', component: 'kubelet', host: 'z-k8s-n-1', last: '2024-05-14T08:40:20Z' });
  event(c, { object: gpu, type: 'Normal', reason: 'NodeReady', message: 'Node z-k8s-n-1 status is now: NodeReady', component: 'kubelet', host: 'z-k8s-n-1', last: rebooted });
  event(c, { object: vectoradd, type: 'Normal', reason: 'SandboxChanged', message: 'Pod sandbox changed, it will be killed and re-created.', component: 'kubelet', host: 'z-k8s-n-1', last: '2024-05-14T08:40:55Z' });
  event(c, { object: rejected, reason: 'UnexpectedAdmissionError', message: 'Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 1, Available: 0, which is unexpected', component: 'kubelet', host: 'z-k8s-n-1', last: '2024-05-14T09:04:20Z' });
  event(c, { object: validator, fieldPath: 'spec.initContainers{plugin-validation}', reason: 'BackOff', message: `Back-off restarting failed container plugin-validation in pod nvidia-operator-validator-jx7kt_gpu-operator(${validator.metadata.uid})`, component: 'kubelet', host: 'z-k8s-n-1', count: 7, first: '2024-05-14T08:46:46Z', last: '2024-05-14T09:03:01Z' });
  event(c, { object: validator, fieldPath: 'spec.initContainers{plugin-validation}', type: 'Normal', reason: 'Pulled', message: `Container image "${g.img.validator}" already present on machine`, component: 'kubelet', host: 'z-k8s-n-1', count: 5, first: '2024-05-14T08:41:44Z', last: '2024-05-14T09:04:19Z' });
  event(c, { object: validator, fieldPath: 'spec.initContainers{plugin-validation}', type: 'Normal', reason: 'Created', message: 'Created container plugin-validation', component: 'kubelet', host: 'z-k8s-n-1', count: 5, first: '2024-05-14T08:41:44Z', last: '2024-05-14T09:04:19Z' });
  event(c, { object: validator, fieldPath: 'spec.initContainers{plugin-validation}', type: 'Normal', reason: 'Started', message: 'Started container plugin-validation', component: 'kubelet', host: 'z-k8s-n-1', count: 5, first: '2024-05-14T08:41:44Z', last: '2024-05-14T09:04:19Z' });
  event(c, { object: sdPod, scheduler: true, reason: 'FailedScheduling', message: schedMsg, eventTime: '2024-05-14T08:44:03.412086Z', instance: 'default-scheduler-z-k8s-m-1', series: { count: 5, lastObservedTime: '2024-05-14T09:04:21.117402Z' } });

  // ---------- write ----------
  const w = new Writer(root);
  const all = c.objects;
  const of = (kind) => all.filter((o) => o.kind === kind);
  w.json('meta.json', { capturedAt: CAPTURED, context: 'kubernetes-admin@z-k8s', serverVersion: K8S, gpuctlVersion: '0.1.0' });
  w.json('cluster/nodes.json', kubectlList(of('Node')));
  w.json('cluster/namespaces.json', kubectlList(of('Namespace')));
  // Pods saved per namespace, as `kubectl get pods -n NS -o json|yaml > cluster/pods/NS.json|yaml` writes them.
  const podsIn = (ns) => of('Pod').filter((p) => p.metadata.namespace === ns);
  w.json('cluster/pods/gpu-operator.json', kubectlList(podsIn('gpu-operator')));
  for (const ns of ['default', 'kube-system', 'kube-flannel', 'istio-system']) w.yaml(`cluster/pods/${ns}.yaml`, kubectlList(podsIn(ns)));
  w.json('cluster/events.json', kubectlList(of('Event')));
  w.yamlDocs('cluster/workloads.yaml', [...of('DaemonSet'), ...of('Deployment'), ...of('ReplicaSet')]);
  w.yaml('cluster/clusterpolicy.yaml', of('ClusterPolicy')[0]);
  w.json('cluster/runtimeclass-nvidia.json', of('RuntimeClass')[0]);

  // Logs.
  const validatorLog = (podName, from, until) => {
    const lines = [];
    for (let t = Date.parse(from); t <= Date.parse(until); t += 5000)
      lines.push(`time="${new Date(t).toISOString().replace('.000Z', 'Z')}" level=info msg="pod ${podName} is curently in Failed phase"`);
    return lines;
  };
  w.file('logs/gpu-operator/nvidia-operator-validator-jx7kt/plugin-validation.log', validatorLog('nvidia-device-plugin-validator-m9f2p', '2024-05-14T09:04:20Z', '2024-05-14T09:08:00Z').join('\n') + '\n');
  w.file('logs/gpu-operator/nvidia-operator-validator-jx7kt/plugin-validation.previous.log', [
    ...validatorLog('nvidia-device-plugin-validator-b2xvn', '2024-05-14T08:57:59Z', '2024-05-14T09:02:54Z'),
    'time="2024-05-14T09:02:59Z" level=info msg="Error: error validating plugin installation: gave up waiting for pod nvidia-device-plugin-validator-b2xvn to be available"',
  ].join('\n') + '\n');
  w.file('logs/gpu-operator/nvidia-device-plugin-daemonset-8x6zq/nvidia-device-plugin.log', devicePluginLog('0514 08:41', 'v0.14.3'));
  w.file('logs/gpu-operator/nvidia-cuda-validator-k7lrc/cuda-validation.log', VECTOR_ADD);
  w.file('logs/default/cuda-vectoradd/cuda-vectoradd.log', VECTOR_ADD);

  // Host files and probe outputs of the GPU node.
  const n = 'nodes/z-k8s-n-1';
  w.file(`${n}/files/etc/containerd/config.toml`, containerdConfig({ sandboxImage: 'registry.k8s.io/pause:3.9', nvidia: TOOLKIT_RUNTIMES, defaultRuntime: 'nvidia' }));
  w.file(`${n}/files/proc/driver/nvidia/version`, procVersion(driver, 'Thu Apr 11 16:05:28 UTC 2024'));
  w.file(`${n}/files/etc/os-release`, osRelease('22.04.4'));
  const t4 = { name: 'Tesla T4', busId: '00000000:06:00.0', fan: 'N/A', temp: 33, perf: 'P8', power: 9, cap: 70, used: 2, total: 15360, util: 0, ecc: 0 };
  w.file(`${n}/commands/nvidia-smi.txt`, nvidiaSmi({ date: 'Tue May 14 09:08:03 2024', driver, cuda: '12.2', gpus: [t4] }));
  w.file(`${n}/commands/nvidia-smi-query.txt`, smiQuery([t4], driver));
  w.file(`${n}/commands/lsmod.txt`, lsmod({ nvidia: true, branch: '535' }));
  w.file(`${n}/commands/lspci.txt`, lspciQ35('06:00.0 3D controller [0302]: NVIDIA Corporation TU104GL [Tesla T4] [10de:1eb8] (rev a1)'));
  w.file(`${n}/commands/uname.txt`, kernel + '\n');
  w.file(`${n}/commands/dev-nvidia.txt`, devNvidia(1));
  w.file(`${n}/commands/runtime-binaries.txt`, ['/usr/local/nvidia/toolkit/nvidia-container-runtime', '/usr/local/nvidia/toolkit/nvidia-container-runtime.cdi', '/usr/local/nvidia/toolkit/nvidia-container-runtime.legacy', '/usr/local/nvidia/toolkit/nvidia-ctk'].join('\n') + '\n');
  w.file(`${n}/commands/dpkg-nvidia.txt`, [`libnvidia-compute-535 ${driver}-0ubuntu0.22.04.1 hold ok installed`, `nvidia-dkms-535 ${driver}-0ubuntu0.22.04.1 hold ok installed`, `nvidia-driver-535 ${driver}-0ubuntu0.22.04.1 hold ok installed`, `nvidia-kernel-common-535 ${driver}-0ubuntu0.22.04.1 hold ok installed`, `nvidia-utils-535 ${driver}-0ubuntu0.22.04.1 hold ok installed`, 'unattended-upgrades 2.8ubuntu1 install ok installed'].join('\n') + '\n');
  w.file(`${n}/commands/apt-holds.txt`, ['libnvidia-compute-535', 'nvidia-dkms-535', 'nvidia-driver-535', 'nvidia-kernel-common-535', 'nvidia-utils-535'].join('\n') + '\n');
  return c;
}

export const VECTOR_ADD = `[Vector addition of 50000 elements]
Copy input data from the host memory to the CUDA device
CUDA kernel launch with 196 blocks of 256 threads
Copy output data from the CUDA device to the host memory
Test PASSED
Done
`;

/** The NVIDIA device plugin's start-up log (klog), ending with its registration with the kubelet. */
export function devicePluginLog(minute, version, { strategy = 'single' } = {}) {
  const t = (s, us) => `I${minute}:${s}.${us}       1`;
  return `${t('31', '102416')} main.go:154] Starting FS watcher.
${t('31', '102497')} main.go:161] Starting OS watcher.
${t('31', '102752')} main.go:176] Starting Plugins.
${t('31', '102767')} main.go:234] Loading configuration.
${t('31', '102878')} main.go:242] Updating config with default resource matching patterns.
${t('31', '103036')} main.go:253] 
Running with config:
{
  "version": "v1",
  "flags": {
    "migStrategy": "${strategy}",
    "failOnInitError": true,
    "nvidiaDriverRoot": "/",
    "gdsEnabled": false,
    "mofedEnabled": false,
    "plugin": {
      "passDeviceSpecs": true,
      "deviceListStrategy": [
        "envvar"
      ],
      "deviceIDStrategy": "uuid",
      "cdiAnnotationPrefix": "cdi.k8s.io/",
      "nvidiaCTKPath": "/usr/bin/nvidia-ctk",
      "containerDriverRoot": "/driver-root"
    }
  },
  "resources": {
    "gpus": [
      {
        "pattern": "*",
        "name": "nvidia.com/gpu"
      }
    ]
  },
  "sharing": {
    "timeSlicing": {}
  }
}
${t('31', '103045')} main.go:256] Retreiving plugins.
${t('31', '103593')} factory.go:107] Detected NVML platform: found NVML library
${t('31', '103631')} factory.go:107] Detected non-Tegra platform: /sys/devices/soc0/family file not found
${t('31', '124845')} server.go:165] Starting GRPC server for 'nvidia.com/gpu'
${t('31', '125406')} server.go:117] Starting to serve 'nvidia.com/gpu' on /var/lib/kubelet/device-plugins/nvidia-gpu.sock
${t('31', '128411')} server.go:125] Registered device plugin for 'nvidia.com/gpu' with Kubelet
`.replace(/\n$/, '\n') + (version ? '' : '');
}
