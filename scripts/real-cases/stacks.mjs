// GPU stacks as their installers create them: the GPU Operator (controller, NFD, ClusterPolicy, operands as in
// assets/state-*/0500_daemonset.yaml), the k8s-device-plugin chart, HAMi, and the cluster's own system pods.
import { addSeconds, dsPod, suffix } from './lib.mjs';

export const GPU_TOLERATION = { effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' };

const OPERAND = {
  driver: { ds: 'nvidia-driver-daemonset', container: 'nvidia-driver-ctr', image: (v) => `nvcr.io/nvidia/driver:${v.driver}`, label: 'nvidia.com/gpu.deploy.driver', init: ['k8s-driver-manager'], extraLabels: { 'app.kubernetes.io/component': 'nvidia-driver', 'nvidia.com/precompiled': 'false' } },
  toolkit: { ds: 'nvidia-container-toolkit-daemonset', container: 'nvidia-container-toolkit-ctr', image: (v) => `nvcr.io/nvidia/k8s/container-toolkit:${v.toolkit}`, label: 'nvidia.com/gpu.deploy.container-toolkit', init: ['driver-validation'] },
  devicePlugin: { ds: 'nvidia-device-plugin-daemonset', container: 'nvidia-device-plugin', image: (v) => `nvcr.io/nvidia/k8s-device-plugin:${v.devicePlugin}`, label: 'nvidia.com/gpu.deploy.device-plugin', init: ['toolkit-validation'], runtimeClass: true },
  gfd: { ds: 'gpu-feature-discovery', container: 'gpu-feature-discovery', image: (v) => `nvcr.io/nvidia/k8s-device-plugin:${v.devicePlugin}`, label: 'nvidia.com/gpu.deploy.gpu-feature-discovery', init: ['toolkit-validation'], runtimeClass: true, extraLabels: { 'app.kubernetes.io/part-of': 'nvidia-gpu' } },
  dcgmExporter: { ds: 'nvidia-dcgm-exporter', container: 'nvidia-dcgm-exporter', image: (v) => `nvcr.io/nvidia/k8s/dcgm-exporter:${v.dcgmExporter}`, label: 'nvidia.com/gpu.deploy.dcgm-exporter', init: ['toolkit-validation'], runtimeClass: true },
  validator: { ds: 'nvidia-operator-validator', container: 'nvidia-operator-validator', image: (v) => `nvcr.io/nvidia/cloud-native/gpu-operator-validator:${v.operator}`, label: 'nvidia.com/gpu.deploy.operator-validator', init: ['driver-validation', 'toolkit-validation', 'cuda-validation', 'plugin-validation'], runtimeClass: true, extraLabels: { 'app.kubernetes.io/part-of': 'gpu-operator' } },
  migManager: { ds: 'nvidia-mig-manager', container: 'nvidia-mig-manager', image: (v) => `nvcr.io/nvidia/cloud-native/k8s-mig-manager:${v.migManager}`, label: 'nvidia.com/gpu.deploy.mig-manager', init: ['toolkit-validation'], runtimeClass: true },
};

export const OPERATOR_VERSIONS = {
  'v1.0.0': { operator: '1.0.0', toolkit: '1.0.5-ubuntu18.04', devicePlugin: '1.0.0-beta4', dcgmExporter: '1.7.2-2.0.0-rc.4-ubuntu18.04', migManager: 'none', nfd: 'v0.4.0', driverVersion: '418.87.01' },
  'v1.8.2': { operator: 'v1.8.2', toolkit: '1.7.1-ubuntu18.04', devicePlugin: 'v0.9.0-ubi8', dcgmExporter: '2.2.9-2.4.0-ubuntu20.04', migManager: 'v0.1.3-ubuntu20.04', nfd: 'v0.8.2', driverVersion: '470.57.02' },
  'v1.5.2': { operator: 'v1.5.2', toolkit: '1.4.3-ubi8', devicePlugin: 'v0.7.3-ubi8', dcgmExporter: '2.0.13-2.1.2-ubi8', migManager: 'v0.1.0-ubi8', nfd: 'v0.6.0', driverVersion: '460.32.03' },
  'v1.10.1': { operator: 'v1.10.1', toolkit: '1.9.0-centos7', devicePlugin: 'v0.11.0-ubi8', dcgmExporter: '2.3.4-2.6.4-ubuntu20.04', migManager: 'v0.3.0-ubuntu20.04', nfd: 'v0.10.1', driverVersion: '510.47.03' },
  'v22.9.0': { operator: 'v22.9.0', toolkit: 'v1.11.0-ubuntu20.04', devicePlugin: 'v0.12.3-ubi8', dcgmExporter: '3.0.4-3.0.0-ubuntu20.04', migManager: 'v0.5.0-ubuntu20.04', nfd: 'v0.10.1', driverVersion: '515.65.01' },
  'v23.9.1': { operator: 'v23.9.1', toolkit: 'v1.14.3-ubuntu20.04', devicePlugin: 'v0.14.3-ubi8', dcgmExporter: '3.3.0-3.2.0-ubuntu22.04', migManager: 'v0.5.5-ubuntu20.04', nfd: 'v0.14.2', driverVersion: '535.129.03' },
  'v24.3.0': { operator: 'v24.3.0', toolkit: 'v1.15.0-ubuntu20.04', devicePlugin: 'v0.15.0-ubi8', dcgmExporter: '3.3.5-3.4.1-ubuntu22.04', migManager: 'v0.7.0-ubuntu20.04', nfd: 'v0.15.4', driverVersion: '550.54.15' },
  'v24.9.2': { operator: 'v24.9.2', toolkit: 'v1.17.4-ubuntu20.04', devicePlugin: 'v0.17.0', dcgmExporter: '3.3.9-3.6.1-ubuntu22.04', migManager: 'v0.10.0-ubuntu20.04', nfd: 'v0.16.6', driverVersion: '550.144.03' },
  'v25.3.0': { operator: 'v25.3.0', toolkit: 'v1.17.5-ubuntu20.04', devicePlugin: 'v0.17.1', dcgmExporter: '4.1.1-4.0.4-ubuntu22.04', migManager: 'v0.12.1-ubuntu20.04', nfd: 'v0.17.2', driverVersion: '570.124.06' },
  'v25.10.1': { operator: 'v25.10.1', toolkit: 'v1.18.1', devicePlugin: 'v0.18.1', dcgmExporter: '4.4.1-4.6.0-distroless', migManager: 'v0.13.0', nfd: 'v0.18.2', driverVersion: '580.95.05' },
  'v26.3.3': { operator: 'v26.3.3', toolkit: 'v1.19.1', devicePlugin: 'v0.19.2', dcgmExporter: '4.5.1-4.8.0-distroless', migManager: 'v0.14.1', nfd: 'v0.18.3', driverVersion: '580.126.20' },
  'v26.3.2': { operator: 'v26.3.2', toolkit: 'v1.19.1', devicePlugin: 'v0.19.2', dcgmExporter: '4.5.1-4.8.0-distroless', migManager: 'v0.14.1', nfd: 'v0.18.3', driverVersion: '580.126.09' },
};

/**
 * The GPU Operator: namespace, controller Deployment and pod, NFD, RuntimeClass nvidia, ClusterPolicy, and
 * one DaemonSet per enabled operand. Returns { ds: {component: DaemonSet}, policy, ns, versions }.
 */
export function gpuOperator(s, o) {
  const ns = o.ns ?? 'gpu-operator';
  const v = { ...OPERATOR_VERSIONS[o.version], ...(o.versions ?? {}) };
  v.driver = o.driverTag ?? `${o.driverVersion ?? v.driverVersion}-${o.osTag ?? 'ubuntu22.04'}`;
  const chart = `gpu-operator-${o.version}`;
  const common = { 'app.kubernetes.io/managed-by': 'gpu-operator', 'helm.sh/chart': chart };
  s.ns(ns, o.created, { 'pod-security.kubernetes.io/enforce': 'privileged' });
  if (o.runtimeClass !== false) s.runtimeClass('nvidia', 'nvidia', addSeconds(o.created, 40));
  const release = o.release ?? 'gpu-operator';
  const opDeploy = s.deployment({ ns, name: 'gpu-operator', created: o.created, labels: { app: 'gpu-operator', 'app.kubernetes.io/component': 'gpu-operator' }, objectLabels: { 'app.kubernetes.io/component': 'gpu-operator', 'app.kubernetes.io/instance': release, 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/name': 'gpu-operator', 'app.kubernetes.io/version': o.version, 'helm.sh/chart': chart }, serviceAccount: 'gpu-operator', containers: [{ name: 'gpu-operator', image: `nvcr.io/nvidia/gpu-operator:${o.version}`, command: ['gpu-operator'], args: ['--leader-elect', '--zap-time-encoding=epoch', '--zap-log-level=info'] }] });
  const hash = suffix(`${ns}/operator`, 10);
  const opPod = s.pod({ ns, name: `gpu-operator-${hash}-${suffix(`${ns}/op`)}`, generateName: `gpu-operator-${hash}-`, labels: { app: 'gpu-operator', 'app.kubernetes.io/component': 'gpu-operator', 'pod-template-hash': hash }, owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `gpu-operator-${hash}`, uid: opDeploy.metadata.uid.replace(/.$/, 'a') } }, nodeName: o.cpNode, created: addSeconds(o.created, 2), containers: [{ name: 'gpu-operator', image: `nvcr.io/nvidia/gpu-operator:${o.version}` }], priorityClassName: 'system-node-critical', priority: 2000001000, serviceAccount: 'gpu-operator', podIP: '10.244.0.12' });
  // NFD (the chart's subchart): master Deployment, worker DaemonSet on every node.
  const nfdRole = (role) => ({ 'app.kubernetes.io/instance': release, 'app.kubernetes.io/name': 'node-feature-discovery', role });
  s.deployment({ ns, name: `${release}-node-feature-discovery-master`, created: o.created, labels: nfdRole('master'), containers: [{ name: 'master', image: `registry.k8s.io/nfd/node-feature-discovery:${v.nfd}` }] });
  const nfdWorker = s.daemonSet({ ns, name: `${release}-node-feature-discovery-worker`, created: o.created, labels: nfdRole('worker'), priorityClassName: '', containers: [{ name: 'worker', image: `registry.k8s.io/nfd/node-feature-discovery:${v.nfd}`, command: ['nfd-worker'] }], tolerations: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/master', operator: 'Equal', value: '' }, { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane', operator: 'Equal', value: '' }, GPU_TOLERATION, ...(o.nfdTolerations ?? [])], status: { desired: o.nfdDesired ?? o.allNodes.length } });
  for (const n of o.nfdNodes ?? o.allNodes) dsPod(s, nfdWorker, n, { created: addSeconds(o.created, 3), podIP: `10.244.${o.allNodes.indexOf(n)}.3` });
  // ClusterPolicy.
  const enabled = { driver: o.driver !== false, toolkit: o.toolkit !== false, devicePlugin: o.devicePlugin !== false, gfd: o.gfd !== false, dcgmExporter: o.dcgmExporter !== false, validator: o.validator !== false, migManager: !!o.mig };
  const dsTolerations = o.tolerations ?? [GPU_TOLERATION];
  const policy = s.add({
    apiVersion: 'nvidia.com/v1',
    kind: 'ClusterPolicy',
    metadata: { annotations: { 'helm.sh/resource-policy': 'keep' }, creationTimestamp: o.created, generation: 1, labels: { 'app.kubernetes.io/component': 'gpu-operator', 'app.kubernetes.io/managed-by': 'Helm' }, name: 'cluster-policy', resourceVersion: s.nextRv(), uid: `policy-${suffix(ns, 8)}` },
    spec: {
      cdi: { default: !!o.cdiDefault, enabled: !!o.cdi },
      daemonsets: { priorityClassName: 'system-node-critical', tolerations: dsTolerations, updateStrategy: 'RollingUpdate' },
      dcgmExporter: { enabled: true, image: 'dcgm-exporter', repository: 'nvcr.io/nvidia/k8s', version: v.dcgmExporter },
      devicePlugin: { enabled: enabled.devicePlugin, image: 'k8s-device-plugin', repository: 'nvcr.io/nvidia', version: v.devicePlugin, ...(o.devicePluginConfig ? { config: o.devicePluginConfig } : {}) },
      driver: { enabled: enabled.driver, image: 'driver', repository: 'nvcr.io/nvidia', version: o.driverVersion ?? v.driverVersion, ...(o.usePrecompiled ? { usePrecompiled: true } : {}) },
      gfd: { enabled: true, image: 'k8s-device-plugin', repository: 'nvcr.io/nvidia', version: v.devicePlugin },
      mig: { strategy: o.migStrategy ?? 'single' },
      migManager: { enabled: !!o.mig },
      operator: { defaultRuntime: o.defaultRuntime ?? 'containerd', runtimeClass: 'nvidia' },
      toolkit: { enabled: enabled.toolkit, image: 'container-toolkit', installDir: '/usr/local/nvidia', repository: 'nvcr.io/nvidia/k8s', version: v.toolkit, ...(o.toolkitEnv ? { env: o.toolkitEnv } : {}) },
      validator: { image: 'gpu-operator-validator', repository: 'nvcr.io/nvidia/cloud-native', version: v.operator },
    },
    status: o.policyStatus ?? { conditions: [{ lastTransitionTime: addSeconds(o.created, 300), message: 'ClusterPolicy is ready as all resources have been successfully reconciled', reason: 'Reconciled', status: 'True', type: 'Ready' }, { lastTransitionTime: addSeconds(o.created, 300), message: '', reason: 'Ready', status: 'False', type: 'Error' }], namespace: ns, state: 'ready' },
  });
  const ds = {};
  for (const [component, spec] of Object.entries(OPERAND)) {
    if (!enabled[component]) continue;
    const labels = { app: spec.ds, ...(spec.extraLabels ?? {}) };
    const status = o.dsStatus?.[component] ?? { desired: o.gpuNodes.length };
    ds[component] = s.daemonSet({
      ns,
      name: spec.ds,
      created: addSeconds(o.created, 45),
      labels,
      objectLabels: { ...labels, ...common },
      owner: policy,
      runtimeClassName: spec.runtimeClass && (o.defaultRuntime ?? 'containerd') === 'containerd' ? 'nvidia' : undefined,
      serviceAccount: spec.ds.replace(/-daemonset$/, ''),
      nodeSelector: { [spec.label]: 'true' },
      tolerations: o.dsTolerationsFor?.[component] ?? dsTolerations,
      initContainers: spec.init.map((name) => ({ name, image: name === 'k8s-driver-manager' ? 'nvcr.io/nvidia/cloud-native/k8s-driver-manager:v0.6.10' : `nvcr.io/nvidia/cloud-native/gpu-operator-validator:${v.operator}`, command: ['sh', '-c'], args: [name === 'k8s-driver-manager' ? 'driver-manager uninstall_driver' : 'nvidia-validator'], env: [{ name: 'COMPONENT', value: name.replace(/-validation$/, '') }] })),
      containers: [{ name: spec.container, image: spec.image(v), securityContext: { privileged: true }, ...(component === 'devicePlugin' ? { env: [{ name: 'PASS_DEVICE_SPECS', value: 'true' }, { name: 'FAIL_ON_INIT_ERROR', value: 'true' }, { name: 'DEVICE_LIST_STRATEGY', value: 'envvar' }, { name: 'DEVICE_ID_STRATEGY', value: 'uuid' }, { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }, { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'all' }, { name: 'MIG_STRATEGY', value: o.migStrategy ?? 'single' }] } : {}) }],
      status,
    });
  }
  return { ns, ds, policy, versions: v, operatorPod: opPod };
}

/** Operand pods that are running and ready (init containers completed). */
export function runningOperand(s, g, component, node, created, { podIP, restarts = 0 } = {}) {
  const ds = g.ds[component];
  const init = ds.spec.template.spec.initContainers?.map(() => ({ state: { terminated: 'Completed', exitCode: 0, startedAt: created, finishedAt: addSeconds(created, 20) } }));
  return dsPod(s, ds, node, { created, podIP, initContainers: init, containers: [{ state: { running: addSeconds(created, 25) }, restarts }] });
}

/** The cuda-validator / plugin-validator workload pods the validator creates (Completed). */
export function validatorWorkload(s, g, kind, node, created) {
  const name = kind === 'cuda' ? 'nvidia-cuda-validator' : 'nvidia-device-plugin-validator';
  return s.pod({
    ns: g.ns,
    name: `${name}-${suffix(`${name}/${node}`)}`,
    generateName: `${name}-`,
    labels: { app: name, 'app.kubernetes.io/part-of': 'gpu-operator' },
    owner: g.ds.validator,
    nodeName: node,
    created,
    restartPolicy: 'OnFailure',
    runtimeClassName: 'nvidia',
    phase: 'Succeeded',
    initContainers: [{ name: kind === 'cuda' ? 'cuda-validation' : 'plugin-validation', image: `nvcr.io/nvidia/cloud-native/gpu-operator-validator:${g.versions.operator}`, command: ['sh', '-c'], args: ['vectorAdd'], ...(kind === 'plugin' ? { resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { 'nvidia.com/gpu': '1' } } } : {}), state: { terminated: 'Completed', exitCode: 0, startedAt: created, finishedAt: addSeconds(created, 4) } }],
    containers: [{ name: `${name}`, image: `nvcr.io/nvidia/cloud-native/gpu-operator-validator:${g.versions.operator}`, command: ['sh', '-c'], args: ['echo cuda workload validation is successful'], state: { terminated: 'Completed', exitCode: 0, startedAt: addSeconds(created, 5), finishedAt: addSeconds(created, 5) }, ready: false }],
    conditions: [
      { lastProbeTime: null, lastTransitionTime: addSeconds(created, 6), reason: 'PodCompleted', status: 'False', type: 'PodReadyToStartContainers' },
      { lastProbeTime: null, lastTransitionTime: addSeconds(created, 4), reason: 'PodCompleted', status: 'True', type: 'Initialized' },
      { lastProbeTime: null, lastTransitionTime: addSeconds(created, 6), reason: 'PodCompleted', status: 'False', type: 'Ready' },
      { lastProbeTime: null, lastTransitionTime: addSeconds(created, 6), reason: 'PodCompleted', status: 'False', type: 'ContainersReady' },
      { lastProbeTime: null, lastTransitionTime: created, status: 'True', type: 'PodScheduled' },
    ],
  });
}

/** Every enabled operand running on every GPU node, the validator workloads completed. */
export function healthyOperands(s, g, gpuNodes, created) {
  gpuNodes.forEach((n, i) => {
    for (const c of Object.keys(g.ds)) runningOperand(s, g, c, n, addSeconds(created, 10 * i), { podIP: `10.244.${i + 1}.${10 + Object.keys(g.ds).indexOf(c)}` });
    if (g.ds.validator) {
      validatorWorkload(s, g, 'cuda', n, addSeconds(created, 120 + i));
      validatorWorkload(s, g, 'plugin', n, addSeconds(created, 140 + i));
    }
  });
}

/** The k8s-device-plugin Helm chart (or static manifest when `static`) in its namespace. */
export function devicePluginChart(s, o) {
  const ns = o.ns ?? 'nvidia-device-plugin';
  if (ns !== 'kube-system') s.ns(ns, o.created);
  const labels = o.static ? { name: 'nvidia-device-plugin-ds' } : { 'app.kubernetes.io/instance': o.release ?? 'nvdp', 'app.kubernetes.io/name': 'nvidia-device-plugin' };
  const name = o.static ? 'nvidia-device-plugin-daemonset' : `${o.release ?? 'nvdp'}-nvidia-device-plugin`;
  const ds = s.daemonSet({
    ns,
    name,
    created: o.created,
    labels,
    serviceAccount: o.static ? 'default' : name.replace(/-nvidia-device-plugin$/, '-nvidia-device-plugin-service-account'),
    runtimeClassName: o.runtimeClassName,
    nodeSelector: o.nodeSelector,
    affinity: o.affinity,
    tolerations: o.tolerations ?? [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, GPU_TOLERATION],
    containers: [{ name: 'nvidia-device-plugin-ctr', image: `nvcr.io/nvidia/k8s-device-plugin:${o.version}`, command: ['nvidia-device-plugin'], env: [{ name: 'MPS_ROOT', value: '/run/nvidia/mps' }, { name: 'NVIDIA_MIG_MONITOR_DEVICES', value: 'all' }, { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }, { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'compute,utility' }, ...(o.env ?? [])], securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }],
    status: o.status ?? { desired: o.nodes.length },
  });
  return { ns, ds };
}

/** HAMi chart v2.x: scheduler Deployment (kube-scheduler + extender) and the device plugin DaemonSet on gpu=on nodes. */
export function hami(s, o) {
  const ns = o.ns ?? 'kube-system';
  const common = { 'app.kubernetes.io/instance': 'hami', 'app.kubernetes.io/name': 'hami' };
  const sched = s.deployment({ ns, name: 'hami-scheduler', created: o.created, labels: { ...common, 'app.kubernetes.io/component': 'hami-scheduler' }, serviceAccount: 'hami-scheduler', containers: [{ name: 'kube-scheduler', image: `registry.cn-hangzhou.aliyuncs.com/google_containers/kube-scheduler:${o.k8s}` }, { name: 'vgpu-scheduler-extender', image: `projecthami/hami:${o.version}`, command: ['scheduler', '--http_bind=0.0.0.0:443', '--device-memory-scaling=1', '--default-mem=0', '--default-gpu=1'] }] });
  const hash = suffix('hami-scheduler', 10);
  const schedPod = s.pod({ ns, name: `hami-scheduler-${hash}-${suffix('hami-s')}`, generateName: `hami-scheduler-${hash}-`, labels: { ...common, 'app.kubernetes.io/component': 'hami-scheduler', 'pod-template-hash': hash }, owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `hami-scheduler-${hash}`, uid: sched.metadata.uid.replace(/.$/, 'b') } }, nodeName: o.cpNode, created: addSeconds(o.created, 3), containers: [{ name: 'kube-scheduler', image: `registry.cn-hangzhou.aliyuncs.com/google_containers/kube-scheduler:${o.k8s}` }, { name: 'vgpu-scheduler-extender', image: `projecthami/hami:${o.version}` }], serviceAccount: 'hami-scheduler' });
  const plugin = s.daemonSet({ ns, name: 'hami-device-plugin', created: o.created, labels: { ...common, 'app.kubernetes.io/component': 'hami-device-plugin' }, serviceAccount: 'hami-device-plugin', runtimeClassName: o.runtimeClassName, nodeSelector: { gpu: 'on' }, tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }], containers: [{ name: 'device-plugin', image: `projecthami/hami:${o.version}`, command: ['nvidia-device-plugin', '--config-file=/device-config.yaml', '--mig-strategy=none', '--disable-core-limit=false'], env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }, { name: 'NVIDIA_MIG_MONITOR_DEVICES', value: 'all' }, { name: 'HOOK_PATH', value: '/usr/local' }] }, { name: 'vgpu-monitor', image: `projecthami/hami:${o.version}`, command: ['vGPUmonitor'] }], status: { desired: o.nodes.length } });
  return { ns, sched, schedPod, plugin };
}

/** The control plane and kube-system pods of a cluster flavour, enough to look like one. */
export function systemPods(s, { flavour, cp, nodes, k8s, created }) {
  s.ns('default', created);
  s.ns('kube-system', created);
  s.ns('kube-public', created);
  s.ns('kube-node-lease', created);
  const sys = (name, node, image, labels, extra = {}) => s.pod({ ns: 'kube-system', name, nodeName: node, created, labels, containers: [{ name: name.replace(/-[a-z0-9]{5}$/, '').replace(/-[a-z0-9]{9,10}-[a-z0-9]{5}$/, ''), image }], priorityClassName: 'system-cluster-critical', priority: 2000000000, ...extra });
  if (flavour === 'kubeadm') {
    for (const c of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) sys(`${c}-${cp}`, cp, c === 'etcd' ? 'registry.k8s.io/etcd:3.5.12-0' : `registry.k8s.io/${c}:${k8s}`, { component: c, tier: 'control-plane' });
    for (const n of nodes) sys(`kube-proxy-${suffix(`kp/${n}`)}`, n, `registry.k8s.io/kube-proxy:${k8s}`, { 'k8s-app': 'kube-proxy' });
    sys(`coredns-76f75df574-${suffix('dns1')}`, cp, 'registry.k8s.io/coredns/coredns:v1.11.1', { 'k8s-app': 'kube-dns' });
  } else if (flavour === 'k3s') {
    sys(`coredns-6799fbcd5-${suffix('k3sdns')}`, cp, 'rancher/mirrored-coredns-coredns:1.10.1', { 'k8s-app': 'kube-dns' });
    sys(`local-path-provisioner-6c86858495-${suffix('lpp')}`, cp, 'rancher/local-path-provisioner:v0.0.26', { app: 'local-path-provisioner' });
    sys(`metrics-server-54fd9b65b-${suffix('ms')}`, cp, 'rancher/mirrored-metrics-server:v0.7.0', { 'k8s-app': 'metrics-server' });
  } else if (flavour === 'rke2') {
    for (const c of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) sys(`${c}-${cp}`, cp, `index.docker.io/rancher/hardened-kubernetes:${k8s}-rke2r1-build20240416`, { component: c, tier: 'control-plane' });
    for (const n of nodes) sys(`kube-proxy-${n}`, n, `index.docker.io/rancher/hardened-kubernetes:${k8s}-rke2r1-build20240416`, { component: 'kube-proxy', tier: 'control-plane' });
    sys(`rke2-coredns-rke2-coredns-84b9cb946c-${suffix('rke2dns')}`, cp, 'index.docker.io/rancher/hardened-coredns:v1.11.1-build20240305', { 'k8s-app': 'kube-dns' });
  } else if (flavour === 'openshift') {
    s.ns('openshift-nfd', created);
  }
}

import { devNvidia, gpuSet, lsmod, lspci, nfdLabels, nvidiaSmi, osRelease, procVersion, runtimeBinaries, smiQuery } from './host.mjs';

/**
 * The probe's view of a GPU node: /proc/driver/nvidia/version, os-release, nvidia-smi (+query), lsmod, lspci,
 * uname, /dev/nvidia*, runtime binaries, and the runtime configs given in `files` (absolute path → content).
 * `driver: null` means no driver loaded (nvidia-smi fails as `smiFailure` says).
 */
export function gpuHost(s, node, o) {
  const set = gpuSet(o.gpu, o.count ?? 1, o.bus ?? {});
  s.file(node, '/etc/os-release', osRelease(o.os));
  s.command(node, 'uname', `${o.kernel}\n`);
  s.command(node, 'lspci', lspci(set.lspci, { nvswitches: o.nvswitches ?? [] }));
  if (o.driver) {
    s.file(node, '/proc/driver/nvidia/version', procVersion(o.driver, o.built, o.gcc));
    if (o.smiFailure) s.command(node, 'nvidia-smi', o.smiFailure.stdout ?? '', { exit: o.smiFailure.exit, stderr: o.smiFailure.stderr });
    else {
      s.command(node, 'nvidia-smi', nvidiaSmi({ date: o.smiDate ?? 'Mon Jun 16 09:12:44 2025', driver: o.driver, cuda: o.cuda, gpus: set.smi.map((g) => ({ ...g, ...(o.mig ? { mig: true } : {}) })), procs: o.procs ?? [] }));
      s.command(node, 'nvidia-smi-query', smiQuery(set.smi, o.driver));
    }
    s.command(node, 'lsmod', lsmod({ nvidia: true, nouveau: !!o.nouveau, fabric: !!o.nvswitches?.length }));
    s.command(node, 'dev-nvidia', devNvidia(o.count ?? 1, { nvswitch: o.nvswitches?.length ?? 0 }));
  } else {
    s.command(node, 'lsmod', lsmod({ nvidia: false, nouveau: !!o.nouveau }));
    s.command(node, 'nvidia-smi', o.smiFailure?.stdout ?? '', { exit: o.smiFailure?.exit ?? 127, stderr: o.smiFailure?.stderr ?? 'sh: 1: nvidia-smi: not found\n' });
    s.command(node, 'dev-nvidia', '', { exit: 1 });
  }
  if (o.binaries) s.command(node, 'runtime-binaries', runtimeBinaries(o.binaries));
  for (const [p, content] of Object.entries(o.files ?? {})) s.file(node, p, content);
  for (const [name, c] of Object.entries(o.commands ?? {})) s.command(node, name, c.stdout ?? '', c);
  if (o.dirs) s.dirs(node, o.dirs);
  if (o.holds) s.command(node, 'apt-holds', o.holds.join('\n') + (o.holds.length ? '\n' : ''));
  if (o.dpkg) s.command(node, 'dpkg-nvidia', o.dpkg.join('\n') + '\n');
  return set;
}

/** A node's node-object fields for a GPU worker (labels/allocatable decided by the caller). */
export const workerNode = (n) => ({ cpu: 64, memoryKi: 527977880, ...n });

const OS_IMAGE = { 'ubuntu20.04': 'Ubuntu 20.04.6 LTS', 'ubuntu22.04': 'Ubuntu 22.04.4 LTS', 'ubuntu24.04': 'Ubuntu 24.04 LTS', 'rhel9.4': 'Red Hat Enterprise Linux 9.4 (Plow)', debian12: 'Debian GNU/Linux 12 (bookworm)', 'sles15.5': 'SUSE Linux Enterprise Server 15 SP5' };
const OS_LABEL = (tag) => {
  const m = /^([a-z]+)([\d.]+)$/.exec(tag);
  return m ? { osId: m[1], osVersion: m[2] } : { osId: tag, osVersion: '' };
};

/**
 * Nodes and system pods of a cluster. `workers`: [{ name, gpu?, count?, labels?, taints?, gpus?, allocatableGpus?,
 * extended?, ready? }]; GPU workers get NFD labels (kernel, os_release, pci-10de) unless `nfd: false`.
 */
export function cluster(s, c) {
  const runtime = c.runtime;
  const base = (n, i) => ({ created: c.created, heartbeat: c.heartbeat, kubelet: c.k8s, runtime: n.runtime ?? runtime, kernel: n.kernel ?? c.kernel, osImage: n.osImage ?? OS_IMAGE[n.os ?? c.os] ?? c.osImage, ip: `10.0.${i + 1}.${10 + i}`, podCIDR: `10.244.${i}.0/24` });
  const cpLabels = c.flavour === 'k3s' ? { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true', 'node.kubernetes.io/instance-type': 'k3s' } : { 'node-role.kubernetes.io/control-plane': '' };
  const nodes = [];
  if (c.cp) {
    const cpTaints = c.cpTaints ?? (c.flavour === 'k3s' ? [] : [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }]);
    nodes.push(s.node({ ...base({}, 0), name: c.cp, cpu: 8, memoryKi: 16371536, labels: { ...cpLabels, ...nfdLabels({ kernel: c.kernel, ...OS_LABEL(c.os), pci: ['8086', '1af4'] }) }, taints: cpTaints }));
  }
  c.workers.forEach((w, i) => {
    const os = OS_LABEL(w.os ?? c.os);
    const labels = {
      ...(w.nfd === false ? {} : nfdLabels({ kernel: w.kernel ?? c.kernel, ...os, pci: w.gpu ? ['10de', '8086', '14e4'] : ['8086', '14e4'], extra: w.nfdExtra })),
      ...(c.flavour === 'k3s' ? { 'node.kubernetes.io/instance-type': 'k3s' } : {}),
      ...(w.labels ?? {}),
    };
    nodes.push(s.node({ ...base(w, i + 1), name: w.name, cpu: w.cpu ?? 64, memoryKi: w.memoryKi ?? 527977880, labels, taints: w.taints, gpus: w.gpus, allocatableGpus: w.allocatableGpus ?? w.gpus, extended: w.extended, ready: w.ready, notReadyMessage: w.notReadyMessage, annotations: w.annotations, providerID: w.providerID }));
  });
  systemPods(s, { flavour: c.flavour, cp: c.cp ?? c.workers[0].name, nodes: nodes.map((n) => n.metadata.name), k8s: c.k8s, created: c.created });
  return nodes;
}

/** A user workload pod asking for `gpus` of `resource` (nvidia.com/gpu by default). */
export function gpuPod(s, p) {
  const resource = p.resource ?? 'nvidia.com/gpu';
  const limits = { [resource]: String(p.gpus ?? 1), ...(p.extraLimits ?? {}) };
  return s.pod({
    ns: p.ns ?? 'default',
    name: p.name,
    labels: p.labels ?? { app: p.name.replace(/-[a-z0-9]{5}$/, '').replace(/-[a-z0-9]{8,10}$/, '') },
    owner: p.owner,
    generateName: p.generateName,
    nodeName: p.node,
    created: p.created,
    runtimeClassName: p.runtimeClassName,
    nodeSelector: p.nodeSelector,
    tolerations: p.tolerations,
    restartPolicy: p.restartPolicy ?? 'Always',
    schedulerName: p.schedulerName,
    annotations: p.annotations,
    phase: p.phase ?? (p.node ? 'Running' : 'Pending'),
    unschedulable: p.unschedulable,
    statusReason: p.statusReason,
    statusMessage: p.statusMessage,
    conditions: p.conditions,
    containers: [{ name: p.container ?? 'main', image: p.image, ...(p.command ? { command: p.command } : {}), ...(p.args ? { args: p.args } : {}), ...(p.env ? { env: p.env } : {}), resources: { limits, requests: limits }, ...(p.state ? { state: p.state } : {}), ...(p.last ? { last: p.last } : {}), ...(p.restarts !== undefined ? { restarts: p.restarts } : {}), ...(p.ready !== undefined ? { ready: p.ready } : {}) }],
  });
}

/** An operand pod whose sandbox cannot be created: phase Pending, every container waiting PodInitializing. */
export function sandboxFailingOperand(s, g, component, node, created) {
  const ds = g.ds[component];
  const n = (ds.spec.template.spec.initContainers ?? []).length;
  return dsPod(s, ds, node, { created, phase: 'Pending', initContainers: Array.from({ length: n }, () => ({ state: { waiting: 'PodInitializing' } })), containers: [{ state: { waiting: 'PodInitializing' } }] });
}

/** An operand pod stuck in its init containers: the first `done` completed, the next one running (or as given). */
export function initStuckOperand(s, g, component, node, created, { done = 0, current = { running: created }, restarts = 0, last } = {}) {
  const ds = g.ds[component];
  const inits = ds.spec.template.spec.initContainers ?? [];
  const initStates = inits.map((_, i) => (i < done ? { state: { terminated: 'Completed', exitCode: 0, startedAt: created, finishedAt: addSeconds(created, 5) } } : i === done ? { state: current, restarts, ...(last ? { last } : {}) } : { state: { waiting: 'PodInitializing' } }));
  return dsPod(s, ds, node, { created, phase: 'Pending', initContainers: initStates, containers: [{ state: { waiting: 'PodInitializing' } }] });
}

/** ClusterPolicy status while operands are not ready (the operator's Ready/Error conditions). */
export const policyNotReady = (ns, since, states) => ({
  conditions: [
    { lastTransitionTime: since, message: '', reason: 'Error', status: 'False', type: 'Ready' },
    { lastTransitionTime: since, message: `ClusterPolicy is not ready, states not ready: [${states.join(' ')}]`, reason: 'OperandNotReady', status: 'True', type: 'Error' },
  ],
  namespace: ns,
  state: 'notReady',
});
