// examples/hami-kantaloupe: a cluster being prepared for Kantaloupe (kantaloupe-prerequisites) that misses four
// prerequisites. HAMi v2.5.0 runs, but only gpu-a10-01 is labelled gpu=on; the GPU Operator v24.9.2 was installed
// without --set devicePlugin.enabled=false, so its device plugin runs next to HAMi's on gpu-a10-01; the Prometheus
// of kube-prometheus-stack 19.2.3 is 2.30.3 and selects ServiceMonitors by release=prometheus, which the
// GPU Operator's nvidia-dcgm-exporter ServiceMonitor lacks (so DCGM_FI_DEV_GPU_UTIL is empty); no Gateway API.
import { Cluster, Writer, daemonSet, deployment, event, kid, kubectlList, namespace, ownerRef, pod } from './lib.mjs';
import {
  CPU_ICELAKE, CPU_SKYLAKE_VM, addSeconds, gfdLabels, gpuOperator, kubeadmSystem, nfdLabels, node,
  operatorCorePods, operatorNodeLabels, readyConditions, runningOperands,
} from './common.mjs';
import { policyReady, policySpec } from './policy.mjs';
import { bareMetalGpuNodeFiles } from './host.mjs';
import { VECTOR_ADD, devicePluginLog } from './demo.mjs';

const HAMI_VERSION = 'v2.5.0';
const HAMI_IMAGE = `docker.io/projecthami/hami:${HAMI_VERSION}`;
const PROM_VERSION = 'v2.30.3';
const PROM_CHART = 'kube-prometheus-stack-19.2.3';
const PROM_OPERATOR = 'quay.io/prometheus-operator/prometheus-operator:v0.51.2';
const PROM_NAME = 'prometheus-kube-prometheus-prometheus';

export function hami(root) {
  const c = new Cluster('kantaloupe-lab', 5231000);
  const K8S = 'v1.30.4';
  const CAPTURED = '2025-03-18T06:42:10Z';
  const created = '2025-02-24T03:11:52Z';
  const kernel = '5.15.0-131-generic';
  const driver = '550.144.03';
  const NS = 'gpu-operator';
  const img = (n, s) => ({ name: n, size: s });
  const common = [img(`registry.k8s.io/kube-proxy:${K8S}`, 29046719), img('docker.io/flannel/flannel:v0.25.1', 31425237), img('registry.k8s.io/nfd/node-feature-discovery:v0.16.6', 78411212), img('registry.k8s.io/pause:3.9', 321520)];
  const gpuImages = [
    img('nvcr.io/nvidia/cloud-native/gpu-operator-validator:v24.9.2', 190611209), img('nvcr.io/nvidia/k8s/dcgm-exporter:3.3.9-3.6.1-ubuntu22.04', 1281240013),
    img('nvcr.io/nvidia/k8s/container-toolkit:v1.17.4-ubuntu20.04', 148813524), img('nvcr.io/nvidia/k8s-device-plugin:v0.17.0', 187304120), img(HAMI_IMAGE, 187530215),
  ];

  const cpNode = node(c, {
    name: 'k8s-cp-1', cp: true, created, ip: '10.30.0.10', vtep: '62:9d:0e:41:7a:c3', podCIDR: '10.244.0.0/24', cpu: 8, memoryKi: 16365508, diskKi: 101430960,
    kernel, osImage: 'Ubuntu 22.04.5 LTS', containerd: '1.7.24', kubelet: K8S, readySince: '2025-03-10T02:05:41Z', heartbeat: '2025-03-18T06:41:48Z',
    labels: nfdLabels({ kernel, osVersion: '22.04', cpu: CPU_SKYLAKE_VM, pciVendors: ['1234', '1af4'] }),
    annotations: { 'nfd.node.kubernetes.io/feature-labels': 'cpu-cpuid.AVX512F,kernel-version.full,pci-1234.present,pci-1af4.present,system-os_release.ID' },
    images: [img(`registry.k8s.io/kube-apiserver:${K8S}`, 32673142), img('registry.k8s.io/etcd:3.5.12-0', 57236178), img('nvcr.io/nvidia/gpu-operator:v24.9.2', 134510390), img(PROM_OPERATOR, 16907461), ...common],
  });
  const gpuNode = (name, ip, vtep, cidr, extraLabels, extraAnnotations, extraImages) =>
    node(c, {
      name, created: addSeconds(created, 900), ip, vtep, podCIDR: cidr, cpu: 64, memoryKi: 263722764, diskKi: 1873313996,
      kernel, osImage: 'Ubuntu 22.04.5 LTS', containerd: '1.7.24', kubelet: K8S, readySince: '2025-03-10T02:09:12Z', heartbeat: '2025-03-18T06:41:57Z', gpuCapacity: 1, gpuAllocatable: 1,
      labels: {
        ...nfdLabels({ kernel, osVersion: '22.04', cpu: CPU_ICELAKE, pciVendors: ['102b', '10de', '14e4', '8086'] }),
        ...operatorNodeLabels(),
        ...gfdLabels({ driver, cuda: '12.4', timestamp: '2025-03-18T06:40:33Z', compute: '8.6', count: 1, family: 'ampere', machine: 'PowerEdge-R750', memory: 23028, product: 'NVIDIA-A10', modern: true }),
        ...extraLabels,
      },
      annotations: { 'nfd.node.kubernetes.io/feature-labels': 'cpu-cpuid.AVX512F,kernel-version.full,pci-102b.present,pci-10de.present,pci-14e4.present,pci-8086.present,system-os_release.ID', ...extraAnnotations },
      images: [...gpuImages, ...extraImages, ...common],
    });
  const gpuUuid = { 'gpu-a10-01': 'GPU-4f2a9c1e-8b37-5d60-a1c2-93e7d0b5f618', 'gpu-a10-02': 'GPU-b81d3e07-2c49-4f5a-9e16-70a4c8d2e39b' };
  // HAMi's device plugin registers the GPUs it manages in these annotations; only gpu-a10-01 runs it.
  const hamiRegister = `${gpuUuid['gpu-a10-01']},10,23028,100,NVIDIA-NVIDIA A10,0,true,0,hami-core:`;
  const a10a = gpuNode('gpu-a10-01', '10.30.0.21', 'd2:18:7c:50:e9:04', '10.244.1.0/24', { gpu: 'on' }, {
    'hami.io/node-handshake': 'Reported 2025-03-18 06:41:52.117306744 +0000 UTC m=+691031.902466133',
    'hami.io/node-handshake-dev': 'Reported 2025-03-18 06:41:52.117306744 +0000 UTC m=+691031.902466133',
    'hami.io/node-nvidia-register': hamiRegister,
  }, [img('nvcr.io/nvidia/pytorch:24.03-py3', 9754921836)]);
  const a10b = gpuNode('gpu-a10-02', '10.30.0.22', '7e:c5:02:9a:13:bd', '10.244.2.0/24', {}, {}, [img(`quay.io/prometheus/prometheus:${PROM_VERSION}`, 72139102)]);
  const nodes = [cpNode, a10a, a10b];
  for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) namespace(c, n, created);
  kubeadmSystem(c, { cp: cpNode, nodes, k8s: K8S, created, restarted: { 'k8s-cp-1': '2025-03-10T02:04:57Z', 'gpu-a10-01': '2025-03-10T02:08:33Z', 'gpu-a10-02': '2025-03-10T02:08:41Z' } });
  namespace(c, 'monitoring', '2025-02-24T05:02:17Z');
  namespace(c, NS, '2025-02-24T05:20:44Z', { 'pod-security.kubernetes.io/enforce': 'privileged' });
  namespace(c, 'hami-system', '2025-02-24T05:41:09Z');
  namespace(c, 'ml', '2025-02-25T01:13:30Z');

  // ---------- GPU Operator, installed without --set devicePlugin.enabled=false ----------
  const opCreated = '2025-02-24T05:20:49Z';
  const spec = policySpec('v24.9.2', { driver: false, toolkit: true, driverVersion: driver });
  // --set dcgmExporter.serviceMonitor.enabled=true, as the seed says, but without additionalLabels: Prometheus does not select it.
  spec.dcgmExporter.serviceMonitor = { additionalLabels: {}, enabled: true, honorLabels: false, interval: '15s', relabelings: [] };
  const g = gpuOperator(c, {
    ns: NS, version: 'v24.9.2', created: opCreated, allNodes: nodes, gpuNodes: [a10a, a10b], driverEnabled: false, toolkitEnabled: true,
    policySpec: spec, policyStatus: policyReady(NS, '2025-02-24T05:23:58Z'),
  });
  operatorCorePods(c, g, {
    cpNode: 'k8s-cp-1', gcNode: 'gpu-a10-02', t: addSeconds(opCreated, 1), nodes, opIP: '10.244.0.12', masterIP: '10.244.0.13', gcIP: '10.244.2.4',
    workerIPs: { 'k8s-cp-1': '10.244.0.14', 'gpu-a10-01': '10.244.1.3', 'gpu-a10-02': '10.244.2.3' },
  });
  const operandCreated = addSeconds(opCreated, 44);
  runningOperands(c, g, [a10a, a10b], {
    created: operandCreated, ipBase: { 'gpu-a10-01': '10.244.1.', 'gpu-a10-02': '10.244.2.' }, toolkitSeconds: 36, cudaAfter: 46,
    validatorSeconds: { 'driver-validation': 3, 'toolkit-validation': 39, 'cuda-validation': 15, 'plugin-validation': 21 },
  });
  // The operator's ServiceMonitor for the DCGM exporter, owned by the ClusterPolicy, labelled as the operator labels it.
  const dcgmSm = c.add({
    apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor',
    metadata: c.meta('ServiceMonitor', { name: 'nvidia-dcgm-exporter', namespace: NS, created: addSeconds(opCreated, 46), labels: { app: 'nvidia-dcgm-exporter' }, ownerReferences: [g.cpRef], generation: 1 }),
    spec: { endpoints: [{ honorLabels: false, interval: '15s', path: '/metrics', port: 'gpu-metrics', relabelings: [] }], jobLabel: 'app', namespaceSelector: { matchNames: [NS] }, selector: { matchLabels: { app: 'nvidia-dcgm-exporter' } } },
  });

  // ---------- HAMi (helm install hami … --set scheduler.serviceMonitor.enabled=true …), global.labels.release=prometheus ----------
  const hamiCreated = '2025-02-24T05:41:15Z';
  const hamiHelm = { 'app.kubernetes.io/instance': 'hami', 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/name': 'hami', 'app.kubernetes.io/version': HAMI_VERSION, 'helm.sh/chart': `hami-${HAMI_VERSION.slice(1)}`, release: 'prometheus' };
  const hamiSelector = (component) => ({ 'app.kubernetes.io/component': component, 'app.kubernetes.io/instance': 'hami', 'app.kubernetes.io/name': 'hami' });
  const helmAnnotations = { 'meta.helm.sh/release-name': 'hami', 'meta.helm.sh/release-namespace': 'hami-system' };
  const dpHash = kid('hamidp', 10);
  const hamiDs = daemonSet(c, {
    ns: 'hami-system', name: 'hami-device-plugin', created: hamiCreated, labels: { ...hamiHelm, 'app.kubernetes.io/component': 'hami-device-plugin' }, annotations: helmAnnotations,
    selector: hamiSelector('hami-device-plugin'), podLabels: { ...hamiSelector('hami-device-plugin'), 'hami.io/webhook': 'ignore' },
    nodeSelector: { gpu: 'on' }, priorityClassName: 'system-node-critical', serviceAccount: 'hami-device-plugin', runtimeClassName: 'nvidia',
    containers: [{ name: 'device-plugin', image: HAMI_IMAGE }, { name: 'vgpu-monitor', image: HAMI_IMAGE }], desired: 1,
  });
  const dpStart = addSeconds(hamiCreated, 4);
  pod(c, {
    ns: 'hami-system', name: `hami-device-plugin-${kid('gpu-a10-01/hamidp', 5)}`, node: 'gpu-a10-01', created: hamiCreated, owner: hamiDs,
    labels: { ...hamiSelector('hami-device-plugin'), 'hami.io/webhook': 'ignore', 'controller-revision-hash': dpHash, 'pod-template-generation': '1' },
    nodeSelector: { gpu: 'on' }, priorityClassName: 'system-node-critical', serviceAccount: 'hami-device-plugin', runtimeClassName: 'nvidia',
    containers: [
      { name: 'device-plugin', image: HAMI_IMAGE, command: ['nvidia-device-plugin', '--config-file=/device-config.yaml', '--mig-strategy=none', '--disable-core-limit=false', '-v=false'], securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'], drop: ['ALL'] } }, env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }, { name: 'NVIDIA_MIG_MONITOR_DEVICES', value: 'all' }, { name: 'HOOK_PATH', value: '/usr/local' }], volumeMounts: [{ mountPath: '/var/lib/kubelet/device-plugins', name: 'device-plugin' }, { mountPath: '/usr/local/vgpu', name: 'lib' }] },
      { name: 'vgpu-monitor', image: HAMI_IMAGE, command: ['vGPUmonitor'], ports: [{ containerPort: 9394, name: 'monitorport', protocol: 'TCP' }], env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }, { name: 'HOOK_PATH', value: '/usr/local/vgpu' }], volumeMounts: [{ mountPath: '/usr/local/vgpu/containers', name: 'ctrs' }, { mountPath: '/hostvar', name: 'hostvar' }] },
    ],
    volumes: [{ hostPath: { path: '/var/lib/kubelet/device-plugins', type: '' }, name: 'device-plugin' }, { hostPath: { path: '/usr/local/vgpu', type: '' }, name: 'lib' }, { hostPath: { path: '/usr/local/vgpu/containers', type: '' }, name: 'ctrs' }, { hostPath: { path: '/var', type: '' }, name: 'hostvar' }],
    status: { phase: 'Running', hostIP: '10.30.0.21', podIP: '10.244.1.7', qos: 'BestEffort', startTime: dpStart, conditions: readyConditions(dpStart, dpStart, addSeconds(dpStart, 9)), containers: [{ name: 'device-plugin', image: HAMI_IMAGE, state: 'running', started: addSeconds(dpStart, 6) }, { name: 'vgpu-monitor', image: HAMI_IMAGE, state: 'running', started: addSeconds(dpStart, 6) }] },
  });
  const schedHash = kid('hamisched', 10);
  const sched = deployment(c, {
    ns: 'hami-system', name: 'hami-scheduler', hash: schedHash, created: hamiCreated, labels: { ...hamiHelm, 'app.kubernetes.io/component': 'hami-scheduler' }, annotations: helmAnnotations,
    selector: hamiSelector('hami-scheduler'), podLabels: { ...hamiSelector('hami-scheduler'), 'hami.io/webhook': 'ignore' }, serviceAccount: 'hami-scheduler',
    containers: [{ name: 'kube-scheduler', image: `registry.k8s.io/kube-scheduler:${K8S}` }, { name: 'vgpu-scheduler-extender', image: HAMI_IMAGE }],
  });
  const sStart = addSeconds(hamiCreated, 3);
  pod(c, {
    ns: 'hami-system', name: `hami-scheduler-${schedHash}-${kid('hamischedpod', 5)}`, node: 'gpu-a10-02', created: hamiCreated, owner: sched.rs,
    labels: { ...hamiSelector('hami-scheduler'), 'hami.io/webhook': 'ignore', 'pod-template-hash': schedHash }, serviceAccount: 'hami-scheduler',
    containers: [
      { name: 'kube-scheduler', image: `registry.k8s.io/kube-scheduler:${K8S}`, command: ['kube-scheduler', '--config=/config/config.yaml', '-v=4', '--leader-elect-resource-name=hami-scheduler'], volumeMounts: [{ mountPath: '/config', name: 'scheduler-config' }] },
      { name: 'vgpu-scheduler-extender', image: HAMI_IMAGE, command: ['scheduler', '--http_bind=0.0.0.0:443', '--cert_file=/tls/tls.crt', '--key_file=/tls/tls.key', '--scheduler-name=hami-scheduler', '--metrics-bind-address=:9395', '--node-scheduler-policy=binpack', '--gpu-scheduler-policy=spread'], ports: [{ containerPort: 443, name: 'http', protocol: 'TCP' }, { containerPort: 9395, name: 'monitor', protocol: 'TCP' }], volumeMounts: [{ mountPath: '/tls', name: 'tls-config' }] },
    ],
    volumes: [{ name: 'tls-config', secret: { defaultMode: 420, secretName: 'hami-scheduler-tls' } }, { configMap: { defaultMode: 420, name: 'hami-scheduler-newversion' }, name: 'scheduler-config' }],
    status: { phase: 'Running', hostIP: '10.30.0.22', podIP: '10.244.2.9', qos: 'BestEffort', startTime: sStart, conditions: readyConditions(sStart, sStart, addSeconds(sStart, 14)), containers: [{ name: 'kube-scheduler', image: `registry.k8s.io/kube-scheduler:${K8S}`, state: 'running', started: addSeconds(sStart, 5) }, { name: 'vgpu-scheduler-extender', image: HAMI_IMAGE, state: 'running', started: addSeconds(sStart, 5) }] },
  });
  const hamiSm = (component, port) =>
    c.add({
      apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor',
      metadata: c.meta('ServiceMonitor', { name: `${component}-metrics-monitor`, namespace: 'hami-system', created: hamiCreated, labels: { ...hamiHelm, 'app.kubernetes.io/component': component }, annotations: helmAnnotations, generation: 1 }),
      spec: { endpoints: [{ path: '/metrics', port }], selector: { matchLabels: hamiSelector(component) } },
    });
  hamiSm('hami-scheduler', 'monitor');
  hamiSm('hami-device-plugin', 'monitorport');

  // ---------- kube-prometheus-stack 19.2.3: Prometheus 2.30.3 ----------
  const monCreated = '2025-02-24T05:02:25Z';
  const promHelm = { app: 'kube-prometheus-stack', 'app.kubernetes.io/instance': 'prometheus', 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/part-of': 'kube-prometheus-stack', 'app.kubernetes.io/version': '19.2.3', chart: PROM_CHART, heritage: 'Helm', release: 'prometheus' };
  const monAnnotations = { 'meta.helm.sh/release-name': 'prometheus', 'meta.helm.sh/release-namespace': 'monitoring' };
  const opHash = kid('promop', 10);
  const promOp = deployment(c, {
    ns: 'monitoring', name: 'prometheus-kube-prometheus-operator', hash: opHash, created: monCreated, labels: { ...promHelm, app: 'kube-prometheus-stack-operator' }, annotations: monAnnotations,
    selector: { app: 'kube-prometheus-stack-operator', release: 'prometheus' }, serviceAccount: 'prometheus-kube-prometheus-operator',
    containers: [{ name: 'kube-prometheus-stack', image: PROM_OPERATOR }],
  });
  const opStart = addSeconds(monCreated, 2);
  pod(c, {
    ns: 'monitoring', name: `prometheus-kube-prometheus-operator-${opHash}-${kid('promoppod', 5)}`, node: 'k8s-cp-1', created: monCreated, owner: promOp.rs,
    labels: { app: 'kube-prometheus-stack-operator', release: 'prometheus', 'pod-template-hash': opHash }, serviceAccount: 'prometheus-kube-prometheus-operator',
    tolerations: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }],
    containers: [{ name: 'kube-prometheus-stack', image: PROM_OPERATOR, args: ['--kubelet-service=kube-system/prometheus-kube-prometheus-kubelet', '--localhost=127.0.0.1', '--prometheus-config-reloader=quay.io/prometheus-operator/prometheus-config-reloader:v0.51.2', '--config-reloader-cpu-request=100m', '--web.enable-tls=true', '--web.listen-address=:10250'], ports: [{ containerPort: 10250, name: 'https', protocol: 'TCP' }] }],
    status: { phase: 'Running', hostIP: '10.30.0.10', podIP: '10.244.0.16', qos: 'BestEffort', startTime: opStart, conditions: readyConditions(opStart, opStart, addSeconds(opStart, 7)), containers: [{ name: 'kube-prometheus-stack', image: PROM_OPERATOR, state: 'running', started: addSeconds(opStart, 4) }] },
  });
  const prom = c.add({
    apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus',
    metadata: c.meta('Prometheus', { name: PROM_NAME, namespace: 'monitoring', created: addSeconds(monCreated, 3), labels: { ...promHelm, app: 'kube-prometheus-stack-prometheus' }, annotations: monAnnotations, generation: 1 }),
    spec: {
      alerting: { alertmanagers: [{ apiVersion: 'v2', name: 'prometheus-kube-prometheus-alertmanager', namespace: 'monitoring', pathPrefix: '/', port: 'http-web' }] },
      enableAdminAPI: false, externalUrl: 'http://prometheus-kube-prometheus-prometheus.monitoring:9090', image: `quay.io/prometheus/prometheus:${PROM_VERSION}`, listenLocal: false, logFormat: 'logfmt', logLevel: 'info', paused: false,
      podMonitorNamespaceSelector: {}, podMonitorSelector: { matchLabels: { release: 'prometheus' } }, portName: 'http-web', probeNamespaceSelector: {}, probeSelector: { matchLabels: { release: 'prometheus' } },
      replicas: 1, retention: '10d', routePrefix: '/', ruleNamespaceSelector: {}, ruleSelector: { matchLabels: { release: 'prometheus' } },
      securityContext: { fsGroup: 2000, runAsGroup: 2000, runAsNonRoot: true, runAsUser: 1000 }, serviceAccountName: 'prometheus-kube-prometheus-prometheus',
      // kube-prometheus-stack's default (serviceMonitorSelectorNilUsesHelmValues=true): only ServiceMonitors labelled release=prometheus
      serviceMonitorNamespaceSelector: {}, serviceMonitorSelector: { matchLabels: { release: 'prometheus' } },
      shards: 1, version: PROM_VERSION,
    },
    status: { availableReplicas: 1, paused: false, replicas: 1, unavailableReplicas: 0, updatedReplicas: 1 },
  });
  const stsName = `prometheus-${PROM_NAME}`;
  const promPodLabels = { app: 'prometheus', 'app.kubernetes.io/instance': PROM_NAME, 'app.kubernetes.io/managed-by': 'prometheus-operator', 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/version': PROM_VERSION.slice(1), 'operator.prometheus.io/name': PROM_NAME, 'operator.prometheus.io/shard': '0', prometheus: PROM_NAME };
  const promContainers = [
    { name: 'prometheus', image: `quay.io/prometheus/prometheus:${PROM_VERSION}`, args: ['--web.console.templates=/etc/prometheus/consoles', '--web.console.libraries=/etc/prometheus/console_libraries', '--config.file=/etc/prometheus/config_out/prometheus.env.yaml', '--storage.tsdb.path=/prometheus', '--storage.tsdb.retention.time=10d', '--web.enable-lifecycle', '--web.external-url=http://prometheus-kube-prometheus-prometheus.monitoring:9090', '--web.route-prefix=/', '--web.config.file=/etc/prometheus/web_config/web-config.yaml'], ports: [{ containerPort: 9090, name: 'http-web', protocol: 'TCP' }] },
    { name: 'config-reloader', image: 'quay.io/prometheus-operator/prometheus-config-reloader:v0.51.2', command: ['/bin/prometheus-config-reloader'], args: ['--listen-address=:8080', '--reload-url=http://127.0.0.1:9090/-/reload', '--config-file=/etc/prometheus/config/prometheus.yaml.gz', '--config-envsubst-file=/etc/prometheus/config_out/prometheus.env.yaml'], ports: [{ containerPort: 8080, name: 'reloader-web', protocol: 'TCP' }] },
  ];
  const sts = c.add({
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: c.meta('StatefulSet', { name: stsName, namespace: 'monitoring', created: addSeconds(monCreated, 4), labels: { ...promHelm, app: 'kube-prometheus-stack-prometheus', operator: 'prometheus' }, annotations: { 'prometheus-operator-input-hash': '7315626044394915823' }, ownerReferences: [ownerRef(prom)], generation: 1 }),
    spec: {
      podManagementPolicy: 'Parallel', replicas: 1, revisionHistoryLimit: 10, selector: { matchLabels: { app: 'prometheus', 'app.kubernetes.io/instance': PROM_NAME, 'app.kubernetes.io/managed-by': 'prometheus-operator', 'app.kubernetes.io/name': 'prometheus', 'operator.prometheus.io/name': PROM_NAME, 'operator.prometheus.io/shard': '0', prometheus: PROM_NAME } },
      serviceName: 'prometheus-operated',
      template: { metadata: { creationTimestamp: null, labels: promPodLabels }, spec: { containers: promContainers.map((x) => ({ ...x, imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'FallbackToLogsOnError' })), dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', schedulerName: 'default-scheduler', securityContext: { fsGroup: 2000, runAsGroup: 2000, runAsNonRoot: true, runAsUser: 1000 }, serviceAccount: 'prometheus-kube-prometheus-prometheus', serviceAccountName: 'prometheus-kube-prometheus-prometheus', terminationGracePeriodSeconds: 600 } },
      updateStrategy: { type: 'RollingUpdate' },
    },
    status: { availableReplicas: 1, collisionCount: 0, currentReplicas: 1, currentRevision: `${stsName}-${kid('promrev', 10)}`, observedGeneration: 1, readyReplicas: 1, replicas: 1, updateRevision: `${stsName}-${kid('promrev', 10)}`, updatedReplicas: 1 },
  });
  const pStart = addSeconds(monCreated, 6);
  pod(c, {
    ns: 'monitoring', name: `${stsName}-0`, generateName: `${stsName}-`, node: 'gpu-a10-02', created: addSeconds(monCreated, 5), ownerRefs: [ownerRef(sts)],
    labels: { ...promPodLabels, 'controller-revision-hash': `${stsName}-${kid('promrev', 10)}`, 'statefulset.kubernetes.io/pod-name': `${stsName}-0` },
    serviceAccount: 'prometheus-kube-prometheus-prometheus', securityContext: { fsGroup: 2000, runAsGroup: 2000, runAsNonRoot: true, runAsUser: 1000 }, terminationGracePeriodSeconds: 600,
    containers: promContainers,
    status: { phase: 'Running', hostIP: '10.30.0.22', podIP: '10.244.2.11', qos: 'BestEffort', startTime: pStart, conditions: readyConditions(pStart, pStart, addSeconds(pStart, 24)), containers: promContainers.map((x) => ({ name: x.name, image: x.image, state: 'running', started: addSeconds(pStart, 3) })) },
  });
  const service = (name, labels, ports, selector, extra = {}) =>
    c.add({
      apiVersion: 'v1', kind: 'Service',
      metadata: c.meta('Service', { name, namespace: 'monitoring', created: addSeconds(monCreated, 4), labels, ...extra }),
      spec: { clusterIP: extra.headless ? 'None' : `10.96.${kid(name, 1).charCodeAt(0) % 200}.${name.length * 7}`, ports, selector, sessionAffinity: 'None', type: 'ClusterIP' },
      status: { loadBalancer: {} },
    });
  // Created by the operator for every Prometheus of the namespace: what the API server's service proxy reaches.
  service('prometheus-operated', { 'operated-prometheus': 'true' }, [{ name: 'web', port: 9090, protocol: 'TCP', targetPort: 'web' }], { 'app.kubernetes.io/name': 'prometheus' }, { headless: true, ownerReferences: [ownerRef(prom, {})] });
  service('prometheus-kube-prometheus-prometheus', { ...promHelm, app: 'kube-prometheus-stack-prometheus', 'self-monitor': 'true' }, [{ name: 'http-web', port: 9090, protocol: 'TCP', targetPort: 9090 }], { 'app.kubernetes.io/name': 'prometheus', prometheus: PROM_NAME }, { annotations: monAnnotations });
  for (const [name, port] of [['prometheus-kube-prometheus-prometheus', 'http-web'], ['prometheus-kube-prometheus-operator', 'https']]) {
    c.add({
      apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor',
      metadata: c.meta('ServiceMonitor', { name, namespace: 'monitoring', created: addSeconds(monCreated, 3), labels: { ...promHelm, app: name.replace('prometheus-kube-prometheus', 'kube-prometheus-stack') }, annotations: monAnnotations, generation: 1 }),
      spec: { endpoints: [{ path: '/metrics', port }], namespaceSelector: { matchNames: ['monitoring'] }, selector: { matchLabels: { app: name.replace('prometheus-kube-prometheus', 'kube-prometheus-stack'), release: 'prometheus' } } },
    });
  }

  // ---------- a vGPU workload scheduled by HAMi ----------
  const nbCreated = '2025-03-17T09:12:40Z';
  const nb = pod(c, {
    ns: 'ml', name: 'llm-notebook-0', node: 'gpu-a10-01', created: nbCreated,
    labels: { app: 'llm-notebook', 'hami.io/vgpu-node': 'gpu-a10-01' },
    annotations: { 'hami.io/bind-phase': 'success', 'hami.io/bind-time': String(Math.floor(Date.parse(nbCreated) / 1000)), 'hami.io/vgpu-devices-allocated': `${gpuUuid['gpu-a10-01']},NVIDIA,8000,30:;`, 'hami.io/vgpu-devices-to-allocate': ';', 'hami.io/vgpu-node': 'gpu-a10-01', 'hami.io/vgpu-time': String(Math.floor(Date.parse(nbCreated) / 1000)) },
    containers: [{ name: 'jupyter', image: 'nvcr.io/nvidia/pytorch:24.03-py3', command: ['jupyter', 'lab', '--ip=0.0.0.0', '--no-browser'], ports: [{ containerPort: 8888, name: 'http', protocol: 'TCP' }], resources: { limits: { 'nvidia.com/gpu': '1', 'nvidia.com/gpucores': '30', 'nvidia.com/gpumem': '8000' }, requests: { 'nvidia.com/gpu': '1', 'nvidia.com/gpucores': '30', 'nvidia.com/gpumem': '8000' } } }],
    status: { phase: 'Running', hostIP: '10.30.0.21', podIP: '10.244.1.15', qos: 'BestEffort', startTime: nbCreated, conditions: readyConditions(nbCreated, addSeconds(nbCreated, 2), addSeconds(nbCreated, 38)), containers: [{ name: 'jupyter', image: 'nvcr.io/nvidia/pytorch:24.03-py3', state: 'running', started: addSeconds(nbCreated, 36) }] },
  });
  nb.spec.schedulerName = 'hami-scheduler';
  event(c, { object: nb, scheduler: true, type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned ml/llm-notebook-0 to gpu-a10-01', eventTime: '2025-03-17T09:12:40.529113Z', instance: 'hami-scheduler-gpu-a10-02' });
  event(c, { object: nb, fieldPath: 'spec.containers{jupyter}', type: 'Normal', reason: 'Started', message: 'Started container jupyter', component: 'kubelet', host: 'gpu-a10-01', last: '2025-03-17T09:13:16Z' });

  // ---------- write ----------
  const w = new Writer(root);
  const of = (kind) => c.objects.filter((o) => o.kind === kind);
  w.json('meta.json', { capturedAt: CAPTURED, context: 'kubernetes-admin@kantaloupe-lab', serverVersion: K8S, gpuctlVersion: '0.1.0' });
  w.yaml('cluster/nodes.yaml', kubectlList(of('Node')));
  w.yaml('cluster/namespaces.yaml', kubectlList(of('Namespace')));
  w.raw('cluster/api/v1/pods.json', 'PodList', of('Pod'), String(c.rv + 3));
  w.raw('cluster/api/v1/events.json', 'EventList', of('Event'), String(c.rv + 3));
  w.json('cluster/apps.json', kubectlList([...of('DaemonSet'), ...of('Deployment'), ...of('ReplicaSet'), ...of('StatefulSet')]));
  w.raw('cluster/apis/nvidia.com/v1/clusterpolicies.json', 'ClusterPolicyList', of('ClusterPolicy'), String(c.rv + 3));
  w.yaml('cluster/runtimeclass-nvidia.yaml', of('RuntimeClass')[0]);
  w.yaml('cluster/monitoring.yaml', kubectlList([...of('Prometheus'), ...of('ServiceMonitor')]));
  w.yamlDocs('cluster/services.yaml', of('Service'));

  // What a live `gpuctl doctor` recorded: helm on the admin machine, and the three queries of kantaloupe-prerequisites.
  w.file('local/commands/helm-version.txt', 'v3.15.4+gfa9efb0\n');
  const at = Date.parse(CAPTURED) / 1000;
  w.json('prometheus/queries.json', {
    endpoint: 'service monitoring/prometheus-operated:web (API server proxy)',
    target: { kind: 'Prometheus', name: PROM_NAME, namespace: 'monitoring' },
    service: { namespace: 'monitoring', name: 'prometheus-operated', port: 'web' },
    results: [
      { query: 'DCGM_FI_DEV_GPU_UTIL', series: 0, result: [] },
      { query: 'HostCoreUtilization', series: 1, result: [{ metric: { __name__: 'HostCoreUtilization', deviceidx: '0', deviceuuid: gpuUuid['gpu-a10-01'], instance: '10.244.1.7:9394', job: 'hami-device-plugin-monitor', namespace: 'hami-system', nodeid: 'gpu-a10-01', zone: 'vGPU' }, value: [at, '27'] }] },
      { query: 'GPUDeviceCoreAllocated', series: 1, result: [{ metric: { __name__: 'GPUDeviceCoreAllocated', deviceidx: '0', devicetype: 'NVIDIA-NVIDIA A10', deviceuuid: gpuUuid['gpu-a10-01'], instance: '10.244.2.9:9395', job: 'hami-scheduler', namespace: 'hami-system', nodeid: 'gpu-a10-01', zone: 'vGPU' }, value: [at, '30'] }] },
    ],
  });

  const pods = of('Pod');
  const podOn = (prefix, n) => pods.find((p) => p.metadata.name.startsWith(prefix) && p.spec.nodeName === n).metadata.name;
  for (const n of ['gpu-a10-01', 'gpu-a10-02']) {
    w.file(`logs/gpu-operator/${podOn('nvidia-device-plugin-daemonset-', n)}/nvidia-device-plugin.log`, devicePluginLog('0224 05:21', 'v0.17.0'));
    w.file(`logs/gpu-operator/${podOn('nvidia-cuda-validator-', n)}/cuda-validation.log`, VECTOR_ADD);
  }
  const gpus = {
    'gpu-a10-01': { gpu: { name: 'NVIDIA A10', busId: '00000000:31:00.0', fan: '0%', temp: 46, perf: 'P0', power: 61, cap: 150, used: 7986, total: 23028, util: 27, ecc: 0 }, proc: { gpu: 0, pid: 3120587, type: 'C', name: '/usr/bin/python', mem: 7974 }, lspci: ['31:00.0', '3D controller [0302]: NVIDIA Corporation GA102GL [A10] [10de:2236] (rev a1)'] },
    'gpu-a10-02': { gpu: { name: 'NVIDIA A10', busId: '00000000:31:00.0', fan: '0%', temp: 33, perf: 'P8', power: 21, cap: 150, used: 1, total: 23028, util: 0, ecc: 0 }, lspci: ['31:00.0', '3D controller [0302]: NVIDIA Corporation GA102GL [A10] [10de:2236] (rev a1)'] },
  };
  for (const [n, v] of Object.entries(gpus)) {
    bareMetalGpuNodeFiles(w, n, v, { driver, built: 'Tue Jan  7 19:21:31 UTC 2025', smiDate: 'Tue Mar 18 06:42:12 2025', cuda: '12.4', kernel, osVersion: '22.04.5' });
  }
  return c;
}
