// Nodes, kube-system of a kubeadm cluster, and the NVIDIA GPU Operator's objects.
import { Cluster, DS_TOLERATIONS, daemonSet, deployment, hex, kid, namespace, ownerRef, pod, readyConditions, completedConditions, uid } from './lib.mjs';

export const addSeconds = (iso, s) => new Date(Date.parse(iso) + s * 1000).toISOString().replace('.000Z', 'Z');

// ---------- nodes ----------

export function node(cluster, n) {
  const labels = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
    ...(n.cp ? { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' } : {}),
    ...(n.labels ?? {}),
  };
  const capacity = {
    cpu: String(n.cpu),
    'ephemeral-storage': `${n.diskKi}Ki`,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: `${n.memoryKi}Ki`,
    ...(n.gpuCapacity !== undefined ? { 'nvidia.com/gpu': String(n.gpuCapacity) } : {}),
    pods: '110',
  };
  const allocatable = {
    ...capacity,
    'ephemeral-storage': String(Math.floor(n.diskKi * 1024 * 0.9)),
    memory: `${n.memoryKi - 102400}Ki`,
    ...(n.gpuAllocatable !== undefined ? { 'nvidia.com/gpu': String(n.gpuAllocatable) } : {}),
  };
  const t = n.readySince;
  const hb = n.heartbeat;
  const c = (type, status, reason, message, since = n.created) => ({ lastHeartbeatTime: hb, lastTransitionTime: since, message, reason, status, type });
  return cluster.add({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: cluster.meta('Node', {
      name: n.name,
      created: n.created,
      labels,
      annotations: {
        'flannel.alpha.coreos.com/backend-data': `{"VNI":1,"VtepMAC":"${n.vtep}"}`,
        'flannel.alpha.coreos.com/backend-type': 'vxlan',
        'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
        'flannel.alpha.coreos.com/public-ip': n.ip,
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///var/run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        ...(n.annotations ?? {}),
      },
    }),
    spec: {
      podCIDR: n.podCIDR,
      podCIDRs: [n.podCIDR],
      ...(n.cp ? { taints: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }] } : {}),
      ...(n.taints ? { taints: n.taints } : {}),
    },
    status: {
      addresses: [
        { address: n.ip, type: 'InternalIP' },
        { address: n.name, type: 'Hostname' },
      ],
      allocatable,
      capacity,
      conditions: [
        { lastHeartbeatTime: t, lastTransitionTime: t, message: 'Flannel is running on this node', reason: 'FlannelIsUp', status: 'False', type: 'NetworkUnavailable' },
        c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', t),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: n.images.map((img) => ({ names: [`${img.name.replace(/:[^/:]+$/, '')}@sha256:${hex('img:' + img.name)}`, img.name], sizeBytes: img.size })),
      nodeInfo: {
        architecture: 'amd64',
        bootID: uid(`boot/${n.name}/${n.readySince}`),
        containerRuntimeVersion: `containerd://${n.containerd}`,
        kernelVersion: n.kernel,
        kubeProxyVersion: n.kubelet,
        kubeletVersion: n.kubelet,
        machineID: hex(`machine/${n.name}`, 32),
        operatingSystem: 'linux',
        osImage: n.osImage,
        systemUUID: uid(`system/${n.name}`).toUpperCase(),
      },
    },
  });
}

/** NFD labels every node gets from the GPU Operator's NFD worker (deviceLabelFields: [vendor]). */
export function nfdLabels({ kernel, osVersion, cpu, pciVendors, extra = {} }) {
  const [maj, min, rev] = kernel.split(/[.-]/);
  const labels = {};
  for (const flag of cpu.flags) labels[`feature.node.kubernetes.io/cpu-cpuid.${flag}`] = 'true';
  Object.assign(labels, {
    'feature.node.kubernetes.io/cpu-hardware_multithreading': String(cpu.smt),
    'feature.node.kubernetes.io/cpu-model.family': '6',
    'feature.node.kubernetes.io/cpu-model.id': String(cpu.model),
    'feature.node.kubernetes.io/cpu-model.vendor_id': 'Intel',
    'feature.node.kubernetes.io/kernel-config.NO_HZ': 'true',
    'feature.node.kubernetes.io/kernel-config.NO_HZ_IDLE': 'true',
    'feature.node.kubernetes.io/kernel-version.full': kernel,
    'feature.node.kubernetes.io/kernel-version.major': maj,
    'feature.node.kubernetes.io/kernel-version.minor': min,
    'feature.node.kubernetes.io/kernel-version.revision': rev,
    'feature.node.kubernetes.io/system-os_release.ID': 'ubuntu',
    'feature.node.kubernetes.io/system-os_release.VERSION_ID': osVersion,
    'feature.node.kubernetes.io/system-os_release.VERSION_ID.major': osVersion.split('.')[0],
    'feature.node.kubernetes.io/system-os_release.VERSION_ID.minor': osVersion.split('.')[1],
  });
  for (const v of pciVendors) labels[`feature.node.kubernetes.io/pci-${v}.present`] = 'true';
  return { ...labels, ...extra };
}

export const CPU_SKYLAKE_VM = { smt: false, model: 85, flags: ['ADX', 'AESNI', 'AVX', 'AVX2', 'AVX512BW', 'AVX512CD', 'AVX512DQ', 'AVX512F', 'AVX512VL', 'FMA3', 'HYPERVISOR', 'SHA', 'SSE4', 'SSE42', 'X87'] };
export const CPU_ICELAKE = { smt: true, model: 106, flags: ['ADX', 'AESNI', 'AVX', 'AVX2', 'AVX512BITALG', 'AVX512BW', 'AVX512CD', 'AVX512DQ', 'AVX512F', 'AVX512IFMA', 'AVX512VBMI', 'AVX512VBMI2', 'AVX512VL', 'AVX512VNNI', 'AVX512VPOPCNTDQ', 'FMA3', 'GFNI', 'SHA', 'SSE4', 'SSE42', 'VAES', 'VPCLMULQDQ', 'X87'] };

/** The labels the GPU Operator puts on every GPU node (nvidia.com/gpu.present and the per-operand deploy switches). */
export function operatorNodeLabels({ mig = false, driver = 'true' } = {}) {
  return {
    'nvidia.com/gpu.deploy.container-toolkit': 'true',
    'nvidia.com/gpu.deploy.dcgm': 'true',
    'nvidia.com/gpu.deploy.dcgm-exporter': 'true',
    'nvidia.com/gpu.deploy.device-plugin': 'true',
    'nvidia.com/gpu.deploy.driver': driver,
    'nvidia.com/gpu.deploy.gpu-feature-discovery': 'true',
    ...(mig ? { 'nvidia.com/gpu.deploy.mig-manager': 'true' } : {}),
    'nvidia.com/gpu.deploy.node-status-exporter': 'true',
    'nvidia.com/gpu.deploy.operator-validator': 'true',
    'nvidia.com/gpu.present': 'true',
  };
}

/** Labels GPU Feature Discovery writes. */
export function gfdLabels(g) {
  const [dMaj, dMin, dRev] = g.driver.split('.');
  const [rMaj, rMin] = g.cuda.split('.');
  return {
    'nvidia.com/cuda.driver-version.full': g.driver,
    'nvidia.com/cuda.driver-version.major': dMaj,
    'nvidia.com/cuda.driver-version.minor': dMin,
    'nvidia.com/cuda.driver-version.revision': dRev,
    'nvidia.com/cuda.driver.major': dMaj,
    'nvidia.com/cuda.driver.minor': dMin,
    'nvidia.com/cuda.driver.rev': dRev,
    'nvidia.com/cuda.runtime-version.full': g.cuda,
    'nvidia.com/cuda.runtime-version.major': rMaj,
    'nvidia.com/cuda.runtime-version.minor': rMin,
    'nvidia.com/cuda.runtime.major': rMaj,
    'nvidia.com/cuda.runtime.minor': rMin,
    'nvidia.com/gfd.timestamp': String(Math.floor(Date.parse(g.timestamp) / 1000)),
    'nvidia.com/gpu.compute.major': g.compute.split('.')[0],
    'nvidia.com/gpu.compute.minor': g.compute.split('.')[1],
    'nvidia.com/gpu.count': String(g.count),
    'nvidia.com/gpu.family': g.family,
    'nvidia.com/gpu.machine': g.machine,
    'nvidia.com/gpu.memory': String(g.memory),
    ...(g.modern ? { 'nvidia.com/gpu.mode': 'compute' } : {}),
    'nvidia.com/gpu.product': g.product,
    'nvidia.com/gpu.replicas': '1',
    ...(g.modern ? { 'nvidia.com/gpu.sharing-strategy': 'none' } : {}),
    'nvidia.com/mig.capable': String(!!g.mig),
    ...(g.modern ? { 'nvidia.com/mps.capable': 'false' } : {}),
    ...(g.mig ? { 'nvidia.com/mig.config': 'all-disabled', 'nvidia.com/mig.config.state': 'success' } : {}),
  };
}
// Older GFD (≤ v0.8) did not yet write the *-version.* labels.
export function gfdLabelsLegacy(g) {
  const all = gfdLabels(g);
  for (const k of Object.keys(all)) if (/version\./.test(k)) delete all[k];
  return all;
}

// ---------- kube-system (kubeadm + flannel) ----------

export function kubeadmSystem(cluster, { cp, nodes, k8s, created, restarted = {} }) {
  const cpName = cp.metadata.name;
  const cpIP = cp.status.addresses[0].address;
  const started = (n) => restarted[n.metadata.name] ?? addSeconds(n.metadata.creationTimestamp, 40);
  const staticPod = (component, image, cmd) =>
    pod(cluster, {
      ns: 'kube-system',
      name: `${component}-${cpName}`,
      node: cpName,
      created: addSeconds(created, 5),
      ownerRefs: [{ apiVersion: 'v1', controller: true, kind: 'Node', name: cpName, uid: cp.metadata.uid }],
      labels: { component, tier: 'control-plane' },
      annotations: {
        'kubernetes.io/config.hash': hex(`hash/${component}`, 32),
        'kubernetes.io/config.mirror': hex(`hash/${component}`, 32),
        'kubernetes.io/config.seen': addSeconds(created, 1).replace('Z', '.000000000Z'),
        'kubernetes.io/config.source': 'file',
        ...(component === 'kube-apiserver' ? { 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${cpIP}:6443` } : {}),
        ...(component === 'etcd' ? { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${cpIP}:2379` } : {}),
      },
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      tolerations: [{ effect: 'NoExecute', operator: 'Exists' }],
      containers: [{ name: component, image, command: cmd, resources: { requests: { cpu: component === 'etcd' ? '100m' : component === 'kube-apiserver' ? '250m' : component === 'kube-scheduler' ? '100m' : '200m', ...(component === 'etcd' ? { memory: '100Mi' } : {}) } } }],
      status: {
        phase: 'Running',
        hostIP: cpIP,
        podIP: cpIP,
        qos: 'Burstable',
        startTime: started(cp),
        conditions: readyConditions(started(cp), started(cp), addSeconds(started(cp), 12)),
        containers: [{ name: component, image, state: 'running', started: started(cp), restarts: 2, last: { exitCode: 255, reason: 'Unknown', started: addSeconds(created, 8), finished: addSeconds(started(cp), -60) } }],
      },
    });
  staticPod('etcd', 'registry.k8s.io/etcd:3.5.12-0', ['etcd', '--advertise-client-urls=https://' + cpIP + ':2379', '--data-dir=/var/lib/etcd', '--name=' + cpName]);
  staticPod('kube-apiserver', `registry.k8s.io/kube-apiserver:${k8s}`, ['kube-apiserver', '--advertise-address=' + cpIP, '--authorization-mode=Node,RBAC', '--enable-admission-plugins=NodeRestriction', '--secure-port=6443', '--service-cluster-ip-range=10.96.0.0/12']);
  staticPod('kube-controller-manager', `registry.k8s.io/kube-controller-manager:${k8s}`, ['kube-controller-manager', '--allocate-node-cidrs=true', '--cluster-cidr=10.244.0.0/16', '--leader-elect=true']);
  staticPod('kube-scheduler', `registry.k8s.io/kube-scheduler:${k8s}`, ['kube-scheduler', '--kubeconfig=/etc/kubernetes/scheduler.conf', '--leader-elect=true']);

  const proxyHash = kid(cluster.name + 'proxy', 10);
  const proxyDs = daemonSet(cluster, {
    ns: 'kube-system', name: 'kube-proxy', created, labels: { 'k8s-app': 'kube-proxy' }, selector: { 'k8s-app': 'kube-proxy' },
    nodeSelector: { 'kubernetes.io/os': 'linux' }, priorityClassName: 'system-node-critical', serviceAccount: 'kube-proxy',
    containers: [{ name: 'kube-proxy', image: `registry.k8s.io/kube-proxy:${k8s}` }], tolerations: [{ operator: 'Exists' }], desired: nodes.length,
  });
  const flannelNs = namespace(cluster, 'kube-flannel', addSeconds(created, 300), { 'k8s-app': 'flannel', 'pod-security.kubernetes.io/enforce': 'privileged' });
  const flannelHash = kid(cluster.name + 'flannel', 10);
  const flannelDs = daemonSet(cluster, {
    ns: 'kube-flannel', name: 'kube-flannel-ds', created: flannelNs.metadata.creationTimestamp, labels: { app: 'flannel', 'k8s-app': 'flannel', tier: 'node' },
    selector: { app: 'flannel', 'k8s-app': 'flannel' }, podLabels: { app: 'flannel', 'k8s-app': 'flannel', tier: 'node' },
    priorityClassName: 'system-node-critical', serviceAccount: 'flannel', tolerations: [{ effect: 'NoSchedule', operator: 'Exists' }],
    init: [{ name: 'install-cni-plugin', image: 'docker.io/flannel/flannel-cni-plugin:v1.4.0-flannel1' }, { name: 'install-cni', image: 'docker.io/flannel/flannel:v0.25.1' }],
    containers: [{ name: 'kube-flannel', image: 'docker.io/flannel/flannel:v0.25.1' }], desired: nodes.length,
  });
  for (const n of nodes) {
    const name = n.metadata.name;
    const ip = n.status.addresses[0].address;
    const t = started(n);
    pod(cluster, {
      ns: 'kube-system', name: `kube-proxy-${kid(name + 'proxy', 5)}`, node: name, created: n.metadata.creationTimestamp, owner: proxyDs,
      labels: { 'controller-revision-hash': proxyHash, 'k8s-app': 'kube-proxy', 'pod-template-generation': '1' },
      hostNetwork: true, priorityClassName: 'system-node-critical', serviceAccount: 'kube-proxy', nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [{ operator: 'Exists' }],
      containers: [{ name: 'kube-proxy', image: `registry.k8s.io/kube-proxy:${k8s}`, command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'], securityContext: { privileged: true } }],
      status: {
        phase: 'Running', hostIP: ip, podIP: ip, startTime: t, conditions: readyConditions(t, t, addSeconds(t, 3)),
        containers: [{ name: 'kube-proxy', image: `registry.k8s.io/kube-proxy:${k8s}`, state: 'running', started: addSeconds(t, 2), restarts: restarted[name] ? 1 : 0, ...(restarted[name] ? { last: { exitCode: 255, reason: 'Unknown', started: addSeconds(n.metadata.creationTimestamp, 20), finished: addSeconds(t, -90) } } : {}) }],
      },
    });
    pod(cluster, {
      ns: 'kube-flannel', name: `kube-flannel-ds-${kid(name + 'flannel', 5)}`, node: name, created: addSeconds(flannelNs.metadata.creationTimestamp, 2), owner: flannelDs,
      labels: { app: 'flannel', 'controller-revision-hash': flannelHash, 'k8s-app': 'flannel', 'pod-template-generation': '1', tier: 'node' },
      hostNetwork: true, priorityClassName: 'system-node-critical', serviceAccount: 'flannel', tolerations: [{ effect: 'NoSchedule', operator: 'Exists' }],
      init: [
        { name: 'install-cni-plugin', image: 'docker.io/flannel/flannel-cni-plugin:v1.4.0-flannel1', command: ['cp'], args: ['-f', '/flannel', '/opt/cni/bin/flannel'] },
        { name: 'install-cni', image: 'docker.io/flannel/flannel:v0.25.1', command: ['cp'], args: ['-f', '/etc/kube-flannel/cni-conf.json', '/etc/cni/net.d/10-flannel.conflist'] },
      ],
      containers: [{ name: 'kube-flannel', image: 'docker.io/flannel/flannel:v0.25.1', command: ['/opt/bin/flanneld'], args: ['--ip-masq', '--kube-subnet-mgr'], resources: { requests: { cpu: '100m', memory: '50Mi' } } }],
      status: {
        phase: 'Running', hostIP: ip, podIP: ip, qos: 'Burstable', startTime: t, conditions: readyConditions(t, addSeconds(t, 3), addSeconds(t, 4)),
        init: [
          { name: 'install-cni-plugin', image: 'docker.io/flannel/flannel-cni-plugin:v1.4.0-flannel1', state: 'terminated', started: addSeconds(t, 1), finished: addSeconds(t, 1), ready: true },
          { name: 'install-cni', image: 'docker.io/flannel/flannel:v0.25.1', state: 'terminated', started: addSeconds(t, 2), finished: addSeconds(t, 2), ready: true },
        ],
        containers: [{ name: 'kube-flannel', image: 'docker.io/flannel/flannel:v0.25.1', state: 'running', started: addSeconds(t, 3) }],
      },
    });
  }
  const dnsHash = kid(cluster.name + 'coredns', 10);
  const { rs } = deployment(cluster, {
    ns: 'kube-system', name: 'coredns', hash: dnsHash, created, replicas: 2, labels: { 'k8s-app': 'kube-dns' }, selector: { 'k8s-app': 'kube-dns' },
    serviceAccount: 'coredns', containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1' }],
    tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }],
  });
  const cpT = started(cp);
  for (const [i, suffix] of [kid(cluster.name + 'dns1', 5), kid(cluster.name + 'dns2', 5)].entries()) {
    pod(cluster, {
      ns: 'kube-system', name: `coredns-${dnsHash}-${suffix}`, node: cpName, created: addSeconds(created, 60), owner: rs,
      labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': dnsHash }, priorityClassName: 'system-cluster-critical', serviceAccount: 'coredns',
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }],
      containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1', args: ['-conf', '/etc/coredns/Corefile'], resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } }, ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }, { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' }, { containerPort: 9153, name: 'metrics', protocol: 'TCP' }] }],
      status: {
        phase: 'Running', hostIP: cpIP, podIP: `10.244.0.${2 + i}`, qos: 'Burstable', startTime: cpT, conditions: readyConditions(cpT, addSeconds(cpT, 8), addSeconds(cpT, 14)),
        containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1', state: 'running', started: addSeconds(cpT, 9), restarts: 2, last: { exitCode: 255, reason: 'Unknown', started: addSeconds(created, 70), finished: addSeconds(cpT, -60) } }],
      },
    });
  }
}

// ---------- NVIDIA GPU Operator ----------

export const OPERATOR_TOLERATIONS = [
  { effect: 'NoSchedule', key: 'node-role.kubernetes.io/master', operator: 'Equal', value: '' },
  { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane', operator: 'Equal', value: '' },
];
export const GPU_TOLERATION = [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }];

export function operatorImages(v) {
  const table = {
    'v23.9.1': {
      operator: 'nvcr.io/nvidia/gpu-operator:v23.9.1',
      validator: 'nvcr.io/nvidia/cloud-native/gpu-operator-validator:v23.9.1',
      toolkit: 'nvcr.io/nvidia/k8s/container-toolkit:v1.14.3-ubuntu20.04',
      devicePlugin: 'nvcr.io/nvidia/k8s-device-plugin:v0.14.3-ubi8',
      gfd: 'nvcr.io/nvidia/gpu-feature-discovery:v0.8.2-ubi8',
      dcgmExporter: 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.0-3.2.0-ubuntu22.04',
      migManager: 'nvcr.io/nvidia/cloud-native/k8s-mig-manager:v0.5.5-ubuntu20.04',
      nfd: 'registry.k8s.io/nfd/node-feature-discovery:v0.14.2',
      nfdChart: '0.14.2',
    },
    'v24.3.0': {
      operator: 'nvcr.io/nvidia/gpu-operator:v24.3.0',
      validator: 'nvcr.io/nvidia/cloud-native/gpu-operator-validator:v24.3.0',
      toolkit: 'nvcr.io/nvidia/k8s/container-toolkit:v1.15.0-ubuntu20.04',
      devicePlugin: 'nvcr.io/nvidia/k8s-device-plugin:v0.15.0-ubi8',
      gfd: 'nvcr.io/nvidia/k8s-device-plugin:v0.15.0-ubi8',
      dcgmExporter: 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.5-3.4.1-ubuntu22.04',
      migManager: 'nvcr.io/nvidia/cloud-native/k8s-mig-manager:v0.7.0-ubuntu20.04',
      nfd: 'registry.k8s.io/nfd/node-feature-discovery:v0.15.4',
      nfdChart: '0.15.4',
    },
    'v24.9.2': {
      operator: 'nvcr.io/nvidia/gpu-operator:v24.9.2',
      validator: 'nvcr.io/nvidia/cloud-native/gpu-operator-validator:v24.9.2',
      toolkit: 'nvcr.io/nvidia/k8s/container-toolkit:v1.17.4-ubuntu20.04',
      devicePlugin: 'nvcr.io/nvidia/k8s-device-plugin:v0.17.0',
      gfd: 'nvcr.io/nvidia/k8s-device-plugin:v0.17.0',
      dcgmExporter: 'nvcr.io/nvidia/k8s/dcgm-exporter:3.3.9-3.6.1-ubuntu22.04',
      migManager: 'nvcr.io/nvidia/cloud-native/k8s-mig-manager:v0.10.0-ubuntu20.04',
      nfd: 'registry.k8s.io/nfd/node-feature-discovery:v0.16.6',
      nfdChart: '0.16.6',
    },
  };
  return table[v];
}

const RUN_NVIDIA = { mountPath: '/run/nvidia', mountPropagation: 'Bidirectional', name: 'run-nvidia' };
const VALIDATIONS = { mountPath: '/run/nvidia/validations', mountPropagation: 'HostToContainer', name: 'run-nvidia-validations' };
const validationWait = (img, file, what) => ({
  name: `${what}-validation`,
  image: img,
  command: ['sh', '-c'],
  args: [`until [ -f /run/nvidia/validations/${file} ]; do echo waiting for nvidia container stack to be setup; sleep 5; done`],
  securityContext: { privileged: true },
  volumeMounts: [VALIDATIONS],
});

/**
 * Everything the GPU Operator creates: ClusterPolicy, its Deployment and NFD (Helm), the operand DaemonSets,
 * RuntimeClass nvidia. Pod statuses come from `state(component, node)` so each example tells its own story.
 */
export function gpuOperator(cluster, o) {
  const img = operatorImages(o.version);
  const ns = o.ns;
  const chart = `gpu-operator-${o.version}`;
  const helmLabels = {
    'app.kubernetes.io/instance': 'gpu-operator',
    'app.kubernetes.io/managed-by': 'Helm',
    'app.kubernetes.io/name': 'gpu-operator',
    'app.kubernetes.io/version': o.version,
    'helm.sh/chart': chart,
  };
  const operandLabels = { 'app.kubernetes.io/managed-by': 'gpu-operator', 'helm.sh/chart': chart };
  const cp = cluster.add({
    apiVersion: 'nvidia.com/v1',
    kind: 'ClusterPolicy',
    metadata: cluster.meta('ClusterPolicy', {
      name: 'cluster-policy',
      created: o.created,
      labels: { ...helmLabels, 'app.kubernetes.io/component': 'gpu-operator' },
      annotations: { 'meta.helm.sh/release-name': 'gpu-operator', 'meta.helm.sh/release-namespace': ns },
      generation: 1,
    }),
    spec: o.policySpec,
    status: o.policyStatus,
  });
  const cpRef = ownerRef(cp);
  const rc = cluster.add({
    apiVersion: 'node.k8s.io/v1',
    handler: 'nvidia',
    kind: 'RuntimeClass',
    metadata: cluster.meta('RuntimeClass', { name: 'nvidia', created: addSeconds(o.created, 20), ownerReferences: [cpRef] }),
  });

  // The operator Deployment (Helm).
  const opHash = kid(cluster.name + 'op', 10);
  const opSelector = { 'app.kubernetes.io/component': 'gpu-operator', app: 'gpu-operator', 'app.kubernetes.io/instance': 'gpu-operator', 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/name': 'gpu-operator', 'app.kubernetes.io/version': o.version };
  const op = deployment(cluster, {
    ns, name: 'gpu-operator', hash: opHash, created: o.created, labels: { ...helmLabels, 'app.kubernetes.io/component': 'gpu-operator' },
    annotations: { 'meta.helm.sh/release-name': 'gpu-operator', 'meta.helm.sh/release-namespace': ns },
    selector: opSelector, podLabels: { ...opSelector, 'nvidia.com/gpu-driver-upgrade-drain.skip': 'true' }, serviceAccount: 'gpu-operator',
    containers: [{ name: 'gpu-operator', image: img.operator, resources: { limits: { cpu: '500m', memory: '350Mi' }, requests: { cpu: '200m', memory: '100Mi' } } }],
    tolerations: OPERATOR_TOLERATIONS,
  });
  const nfdBase = { 'app.kubernetes.io/instance': 'gpu-operator', 'app.kubernetes.io/name': 'node-feature-discovery' };
  const nfdHelm = { ...nfdBase, 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/version': `v${img.nfdChart}`, 'helm.sh/chart': `node-feature-discovery-${img.nfdChart}` };
  const master = deployment(cluster, {
    ns, name: 'gpu-operator-node-feature-discovery-master', hash: kid(cluster.name + 'nfdm', 10), created: o.created, labels: { ...nfdHelm, role: 'master' },
    selector: { ...nfdBase, role: 'master' }, serviceAccount: 'node-feature-discovery', containers: [{ name: 'master', image: img.nfd }], tolerations: OPERATOR_TOLERATIONS,
  });
  const gc = deployment(cluster, {
    ns, name: 'gpu-operator-node-feature-discovery-gc', hash: kid(cluster.name + 'nfdgc', 10), created: o.created, labels: { ...nfdHelm, role: 'gc' },
    selector: { ...nfdBase, role: 'gc' }, serviceAccount: 'gpu-operator-node-feature-discovery-gc', containers: [{ name: 'gc', image: img.nfd }],
  });
  const nfdWorker = daemonSet(cluster, {
    ns, name: 'gpu-operator-node-feature-discovery-worker', created: o.created, labels: { ...nfdHelm, role: 'worker' }, selector: { ...nfdBase, role: 'worker' },
    serviceAccount: 'node-feature-discovery', containers: [{ name: 'worker', image: img.nfd }], desired: o.allNodes.length,
    tolerations: [...OPERATOR_TOLERATIONS, { effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Equal', value: 'present' }],
    annotations: { 'meta.helm.sh/release-name': 'gpu-operator', 'meta.helm.sh/release-namespace': ns },
  });

  const gpuNames = o.gpuNodes.map((n) => n.metadata.name);
  const operandTime = addSeconds(o.created, 45);
  const rcName = o.runtimeClassName === false ? undefined : 'nvidia';
  const operands = {};
  const operandDs = (name, app, nodeSelectorKey, containers, init, extra = {}) => {
    const selector = { app, ...(extra.partOf ? { 'app.kubernetes.io/part-of': extra.partOf } : {}) };
    operands[name] = daemonSet(cluster, {
      ns, name, created: operandTime, owner: cp, labels: { ...selector, ...operandLabels }, selector, podLabels: { ...selector, ...operandLabels },
      nodeSelector: { [nodeSelectorKey]: 'true', ...(extra.nodeSelector ?? {}) }, priorityClassName: 'system-node-critical', serviceAccount: extra.sa ?? name.replace(/-daemonset$/, ''),
      runtimeClassName: extra.runtimeClass === false ? undefined : rcName, tolerations: GPU_TOLERATION, containers, init,
      desired: extra.desired ?? gpuNames.length, ready: extra.ready, available: extra.available,
      annotations: { 'nvidia.com/last-applied-hash': hex(`lah/${name}`, 10), 'openshift.io/scc': name === 'nvidia-operator-validator' ? 'nvidia-operator-validator' : 'hostmount-anyuid' },
    });
  };
  if (o.driverEnabled)
    operandDs('nvidia-driver-daemonset', 'nvidia-driver-daemonset', 'nvidia.com/gpu.deploy.driver', [{ name: 'nvidia-driver-ctr', image: img.driver }], [{ name: 'k8s-driver-manager', image: img.driverManager }], { runtimeClass: false, sa: 'nvidia-driver', ...(o.dsStatus?.['nvidia-driver-daemonset'] ?? {}) });
  if (o.toolkitEnabled)
    operandDs('nvidia-container-toolkit-daemonset', 'nvidia-container-toolkit-daemonset', 'nvidia.com/gpu.deploy.container-toolkit', [{ name: 'nvidia-container-toolkit-ctr', image: img.toolkit }], [{ name: 'driver-validation', image: img.validator }], { sa: 'nvidia-container-toolkit', ...(o.dsStatus?.['nvidia-container-toolkit-daemonset'] ?? {}) });
  operandDs('nvidia-operator-validator', 'nvidia-operator-validator', 'nvidia.com/gpu.deploy.operator-validator', [{ name: 'nvidia-operator-validator', image: img.validator }], ['driver', 'toolkit', 'cuda', 'plugin'].map((c) => ({ name: `${c}-validation`, image: img.validator })), { partOf: 'gpu-operator', sa: 'nvidia-operator-validator', ...(o.dsStatus?.['nvidia-operator-validator'] ?? {}) });
  operandDs('nvidia-device-plugin-daemonset', 'nvidia-device-plugin-daemonset', 'nvidia.com/gpu.deploy.device-plugin', [{ name: 'nvidia-device-plugin', image: img.devicePlugin }, { name: 'config-manager', image: img.devicePlugin }], [{ name: 'toolkit-validation', image: img.validator }, { name: 'config-manager-init', image: img.devicePlugin }], { sa: 'nvidia-device-plugin', ...(o.dsStatus?.['nvidia-device-plugin-daemonset'] ?? {}) });
  if (o.mps) operandDs('nvidia-device-plugin-mps-control-daemon', 'nvidia-device-plugin-mps-control-daemon', 'nvidia.com/gpu.deploy.device-plugin', [{ name: 'mps-control-daemon-ctr', image: img.devicePlugin }, { name: 'config-manager', image: img.devicePlugin }], [{ name: 'toolkit-validation', image: img.validator }, { name: 'mps-control-daemon-mounts', image: img.devicePlugin }, { name: 'config-manager-init', image: img.devicePlugin }], { sa: 'nvidia-device-plugin', nodeSelector: { 'nvidia.com/mps.capable': 'true' }, desired: 0 });
  operandDs('gpu-feature-discovery', 'gpu-feature-discovery', 'nvidia.com/gpu.deploy.gpu-feature-discovery', [{ name: 'gpu-feature-discovery', image: img.gfd }, { name: 'config-manager', image: img.devicePlugin }], [{ name: 'toolkit-validation', image: img.validator }, { name: 'config-manager-init', image: img.devicePlugin }], { partOf: 'nvidia-gpu', sa: 'nvidia-gpu-feature-discovery', ...(o.dsStatus?.['gpu-feature-discovery'] ?? {}) });
  operandDs('nvidia-dcgm-exporter', 'nvidia-dcgm-exporter', 'nvidia.com/gpu.deploy.dcgm-exporter', [{ name: 'nvidia-dcgm-exporter', image: img.dcgmExporter }], [{ name: 'toolkit-validation', image: img.validator }], { sa: 'nvidia-dcgm-exporter', ...(o.dsStatus?.['nvidia-dcgm-exporter'] ?? {}) });
  operandDs('nvidia-mig-manager', 'nvidia-mig-manager', 'nvidia.com/gpu.deploy.mig-manager', [{ name: 'nvidia-mig-manager', image: img.migManager }], [{ name: 'toolkit-validation', image: img.validator }], { sa: 'nvidia-mig-manager', desired: o.migNodes?.length ?? 0 });

  const hashes = Object.fromEntries(Object.keys(operands).map((k) => [k, kid(cluster.name + k, 10)]));
  const dsPodLabels = (name) => ({ ...operands[name].spec.template.metadata.labels, 'controller-revision-hash': hashes[name], 'pod-template-generation': '1' });
  const ipOf = (nodeName) => o.allNodes.find((n) => n.metadata.name === nodeName).status.addresses[0].address;

  return { cp, cpRef, rc, img, op, master, gc, nfdWorker, operands, dsPodLabels, ipOf, operandLabels, nfdBase, rcName, ns };
}

// Pod specs of each operand, as the operator renders them.
export function operandPodSpec(g, component, extra = {}) {
  const img = g.img;
  const nodeNameEnv = { name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } };
  const nsEnv = { name: 'OPERATOR_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } };
  const configManager = (oneshot, processToSignal) => ({
    name: oneshot ? 'config-manager-init' : 'config-manager',
    image: img.devicePlugin,
    command: ['config-manager'],
    env: [
      { name: 'ONESHOT', value: String(oneshot) },
      { name: 'KUBECONFIG', value: '' },
      nodeNameEnv,
      { name: 'NODE_LABEL', value: 'nvidia.com/device-plugin.config' },
      { name: 'CONFIG_FILE_SRCDIR', value: '/available-configs' },
      { name: 'CONFIG_FILE_DST', value: '/config/config.yaml' },
      { name: 'DEFAULT_CONFIG', value: '' },
      { name: 'SEND_SIGNAL', value: String(!oneshot) },
      { name: 'SIGNAL', value: oneshot ? '' : '1' },
      { name: 'PROCESS_TO_SIGNAL', value: oneshot ? '' : processToSignal },
    ],
    ...(oneshot ? {} : { securityContext: { privileged: true } }),
  });
  switch (component) {
    case 'toolkit':
      return {
        init: [{ name: 'driver-validation', image: img.validator, command: ['sh', '-c'], args: ['nvidia-validator'], env: [{ name: 'WITH_WAIT', value: 'true' }, { name: 'COMPONENT', value: 'driver' }], securityContext: { privileged: true, seLinuxOptions: { level: 's0' } }, volumeMounts: [{ mountPath: '/run/nvidia/driver', mountPropagation: 'HostToContainer', name: 'driver-install-path' }, RUN_NVIDIA, { mountPath: '/host', mountPropagation: 'HostToContainer', name: 'host-root', readOnly: true }] }],
        containers: [{
          name: 'nvidia-container-toolkit-ctr', image: img.toolkit, command: ['/bin/bash', '-c'],
          args: ['/bin/entrypoint.sh'],
          env: [
            { name: 'ROOT', value: '/usr/local/nvidia' },
            { name: 'RUNTIME_ARGS', value: '' },
            { name: 'NVIDIA_CONTAINER_RUNTIME_MODES_CDI_DEFAULT_KIND', value: 'management.nvidia.com/gpu' },
            { name: 'NVIDIA_VISIBLE_DEVICES', value: 'void' },
            { name: 'CONTAINERD_CONFIG', value: '/runtime/config-dir/config.toml' },
            { name: 'CONTAINERD_SOCKET', value: '/runtime/sock-dir/containerd.sock' },
            { name: 'CONTAINERD_RUNTIME_CLASS', value: 'nvidia' },
            { name: 'RUNTIME', value: 'containerd' },
          ],
          securityContext: { privileged: true, seLinuxOptions: { level: 's0' } },
          volumeMounts: [{ mountPath: '/bin/entrypoint.sh', name: 'nvidia-container-toolkit-entrypoint', readOnly: true, subPath: 'entrypoint.sh' }, { mountPath: '/usr/local/nvidia', name: 'toolkit-install-dir' }, { mountPath: '/runtime/config-dir/', name: 'containerd-config' }, { mountPath: '/runtime/sock-dir/', name: 'containerd-socket' }, RUN_NVIDIA],
        }],
        volumes: [{ configMap: { defaultMode: 448, name: 'nvidia-container-toolkit-entrypoint' }, name: 'nvidia-container-toolkit-entrypoint' }, { hostPath: { path: '/run/nvidia', type: '' }, name: 'run-nvidia' }, { hostPath: { path: '/usr/local/nvidia', type: '' }, name: 'toolkit-install-dir' }, { hostPath: { path: '/etc/containerd', type: 'DirectoryOrCreate' }, name: 'containerd-config' }, { hostPath: { path: '/run/containerd', type: '' }, name: 'containerd-socket' }, { hostPath: { path: '/run/nvidia/driver', type: '' }, name: 'driver-install-path' }, { hostPath: { path: '/', type: '' }, name: 'host-root' }],
        sa: 'nvidia-container-toolkit',
      };
    case 'devicePlugin':
      return {
        init: [validationWait(img.validator, 'toolkit-ready', 'toolkit'), configManager(true)],
        containers: [
          {
            name: 'nvidia-device-plugin', image: img.devicePlugin, command: ['/bin/bash', '-c'], args: ['/bin/entrypoint.sh'],
            env: [{ name: 'PASS_DEVICE_SPECS', value: 'true' }, { name: 'FAIL_ON_INIT_ERROR', value: 'true' }, { name: 'DEVICE_LIST_STRATEGY', value: 'envvar' }, { name: 'DEVICE_ID_STRATEGY', value: 'uuid' }, { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }, { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'all' }, { name: 'MIG_STRATEGY', value: 'single' }, { name: 'NVIDIA_MIG_MONITOR_DEVICES', value: 'all' }],
            securityContext: { privileged: true },
            volumeMounts: [{ mountPath: '/bin/entrypoint.sh', name: 'nvidia-device-plugin-entrypoint', readOnly: true, subPath: 'entrypoint.sh' }, { mountPath: '/var/lib/kubelet/device-plugins', name: 'device-plugin' }, VALIDATIONS, { mountPath: '/driver-root', mountPropagation: 'HostToContainer', name: 'driver-install-dir' }, { mountPath: '/host', mountPropagation: 'HostToContainer', name: 'host-root', readOnly: true }],
          },
          configManager(false, 'nvidia-device-plugin'),
        ],
        volumes: [{ configMap: { defaultMode: 448, name: 'nvidia-device-plugin-entrypoint' }, name: 'nvidia-device-plugin-entrypoint' }, { hostPath: { path: '/var/lib/kubelet/device-plugins', type: '' }, name: 'device-plugin' }, { hostPath: { path: '/run/nvidia/validations', type: 'DirectoryOrCreate' }, name: 'run-nvidia-validations' }, { hostPath: { path: '/run/nvidia/driver', type: 'DirectoryOrCreate' }, name: 'driver-install-dir' }, { hostPath: { path: '/', type: '' }, name: 'host-root' }],
        sa: 'nvidia-device-plugin',
      };
    case 'gfd':
      return {
        init: [validationWait(img.validator, 'toolkit-ready', 'toolkit'), configManager(true)],
        containers: [
          {
            name: 'gpu-feature-discovery', image: img.gfd, ...(img.gfd === img.devicePlugin ? { command: ['gpu-feature-discovery'] } : {}),
            env: [{ name: 'GFD_SLEEP_INTERVAL', value: '60s' }, { name: 'GFD_FAIL_ON_INIT_ERROR', value: 'true' }, { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }, { name: 'MIG_STRATEGY', value: 'single' }, { name: 'NVIDIA_MIG_MONITOR_DEVICES', value: 'all' }],
            securityContext: { privileged: true },
            volumeMounts: [{ mountPath: '/etc/kubernetes/node-feature-discovery/features.d', name: 'output-dir' }, { mountPath: '/sys', name: 'host-sys' }, VALIDATIONS],
          },
          configManager(false, 'gpu-feature-discovery'),
        ],
        volumes: [{ hostPath: { path: '/etc/kubernetes/node-feature-discovery/features.d', type: '' }, name: 'output-dir' }, { hostPath: { path: '/sys', type: '' }, name: 'host-sys' }, { hostPath: { path: '/run/nvidia/validations', type: 'DirectoryOrCreate' }, name: 'run-nvidia-validations' }],
        sa: 'nvidia-gpu-feature-discovery',
      };
    case 'dcgmExporter':
      return {
        init: [validationWait(img.validator, 'toolkit-ready', 'toolkit')],
        containers: [{
          name: 'nvidia-dcgm-exporter', image: img.dcgmExporter,
          env: [{ name: 'DCGM_EXPORTER_LISTEN', value: ':9400' }, { name: 'DCGM_EXPORTER_KUBERNETES', value: 'true' }, { name: 'DCGM_EXPORTER_COLLECTORS', value: '/etc/dcgm-exporter/dcp-metrics-included.csv' }],
          ports: [{ containerPort: 9400, name: 'metrics', protocol: 'TCP' }],
          securityContext: { privileged: true },
          volumeMounts: [{ mountPath: '/var/lib/kubelet/pod-resources', name: 'pod-gpu-resources', readOnly: true }],
        }],
        volumes: [{ hostPath: { path: '/var/lib/kubelet/pod-resources', type: '' }, name: 'pod-gpu-resources' }, { hostPath: { path: '/run/nvidia/validations', type: 'DirectoryOrCreate' }, name: 'run-nvidia-validations' }],
        sa: 'nvidia-dcgm-exporter',
      };
    case 'migManager':
      return {
        init: [validationWait(img.validator, 'toolkit-ready', 'toolkit')],
        containers: [{
          name: 'nvidia-mig-manager', image: img.migManager, command: ['nvidia-mig-manager'],
          env: [nodeNameEnv, { name: 'CONFIG_FILE', value: '/mig-parted-config/config.yaml' }, { name: 'GPU_CLIENTS_FILE', value: '/gpu-clients/clients.yaml' }, { name: 'DEFAULT_GPU_CLIENTS_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } }, { name: 'WITH_REBOOT', value: 'false' }],
          securityContext: { privileged: true },
          volumeMounts: [{ mountPath: '/host', mountPropagation: 'HostToContainer', name: 'host-root' }, { mountPath: '/sys', name: 'host-sys' }, { mountPath: '/mig-parted-config', name: 'mig-parted-config' }],
        }],
        volumes: [{ hostPath: { path: '/', type: '' }, name: 'host-root' }, { hostPath: { path: '/sys', type: 'Directory' }, name: 'host-sys' }, { configMap: { defaultMode: 420, name: 'default-mig-parted-config' }, name: 'mig-parted-config' }],
        sa: 'nvidia-mig-manager',
      };
    case 'validator': {
      const env = (component, more = []) => [{ name: 'WITH_WAIT', value: component === 'driver' ? 'true' : 'false' }, { name: 'COMPONENT', value: component }, ...more];
      const vinit = (component, more, mounts = [RUN_NVIDIA]) => ({ name: `${component}-validation`, image: img.validator, command: ['sh', '-c'], args: ['nvidia-validator'], env: env(component, more), securityContext: { privileged: true, seLinuxOptions: { level: 's0' } }, volumeMounts: mounts });
      const validatorImageEnv = [{ name: 'VALIDATOR_IMAGE', value: img.validator }, { name: 'VALIDATOR_IMAGE_PULL_POLICY', value: 'IfNotPresent' }, { name: 'VALIDATOR_RUNTIME_CLASS', value: 'nvidia' }];
      return {
        init: [
          vinit('driver', [], [{ mountPath: '/run/nvidia/driver', mountPropagation: 'HostToContainer', name: 'driver-install-path' }, RUN_NVIDIA, { mountPath: '/host', mountPropagation: 'HostToContainer', name: 'host-root', readOnly: true }, { mountPath: '/host-dev-char', name: 'host-dev-char' }]),
          vinit('toolkit', [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }]),
          vinit('cuda', [nodeNameEnv, nsEnv, ...validatorImageEnv]),
          vinit('plugin', [{ name: 'MIG_STRATEGY', value: 'single' }, nodeNameEnv, nsEnv, ...validatorImageEnv, { name: 'WITH_WORKLOAD', value: extra.withWorkload ? 'true' : 'false' }]),
        ],
        containers: [{ name: 'nvidia-operator-validator', image: img.validator, command: ['sh', '-c'], args: ['echo all validations are successful; sleep infinity'], lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'rm -f /run/nvidia/validations/*-ready'] } } }, securityContext: { privileged: true }, volumeMounts: [RUN_NVIDIA] }],
        volumes: [{ hostPath: { path: '/run/nvidia', type: '' }, name: 'run-nvidia' }, { hostPath: { path: '/run/nvidia/driver', type: '' }, name: 'driver-install-path' }, { hostPath: { path: '/', type: '' }, name: 'host-root' }, { hostPath: { path: '/dev/char', type: '' }, name: 'host-dev-char' }],
        sa: 'nvidia-operator-validator',
      };
    }
  }
  throw new Error(component);
}

const DS_NAME = { toolkit: 'nvidia-container-toolkit-daemonset', devicePlugin: 'nvidia-device-plugin-daemonset', gfd: 'gpu-feature-discovery', dcgmExporter: 'nvidia-dcgm-exporter', migManager: 'nvidia-mig-manager', validator: 'nvidia-operator-validator' };

/** One operand pod on one node; status is { phase, startTime, conditions, init, containers, podIP }. */
export function operandPod(cluster, g, component, nodeName, suffix, created, status, extra = {}) {
  const dsName = DS_NAME[component];
  const ds = g.operands[dsName];
  const spec = operandPodSpec(g, component, extra);
  const imgOf = (name, list) => list.find((c) => c.name === name).image;
  return pod(cluster, {
    ns: g.ns, name: `${dsName}-${suffix}`, node: nodeName, created, owner: ds,
    labels: g.dsPodLabels(dsName),
    priorityClassName: 'system-node-critical', serviceAccount: spec.sa, runtimeClassName: g.rcName,
    nodeSelector: ds.spec.template.spec.nodeSelector, tolerations: GPU_TOLERATION,
    init: spec.init, containers: spec.containers, volumes: spec.volumes, hostPID: component === 'migManager' ? true : undefined,
    status: {
      hostIP: g.ipOf(nodeName), ...status,
      init: status.init?.map((s) => ({ image: imgOf(s.name, spec.init), ...s })),
      containers: status.containers?.map((s) => ({ image: imgOf(s.name, spec.containers), ...s })),
    },
  });
}

/** Pod status of an operand that started cleanly at t and is Running and Ready. */
export function operandRunning(g, component, t, podIP, opts = {}) {
  const spec = operandPodSpec(g, component, opts);
  let at = t;
  const init = spec.init.map((c) => {
    const s = { name: c.name, state: 'terminated', started: addSeconds(at, 1), finished: addSeconds(at, opts.initSeconds?.[c.name] ?? 2), ready: true };
    at = addSeconds(at, (opts.initSeconds?.[c.name] ?? 2) + 1);
    return s;
  });
  return {
    phase: 'Running', podIP, startTime: opts.startTime ?? t,
    conditions: readyConditions(opts.scheduled ?? t, at, addSeconds(at, 2)),
    init,
    containers: spec.containers.map((c) => ({ name: c.name, state: 'running', started: at, restarts: opts.restarts ?? 0, ...(opts.last ? { last: opts.last } : {}) })),
  };
}

/** A pod stuck before its sandbox exists (FailedCreatePodSandBox): every container waiting. */
export function sandboxFailing(g, component, t, opts = {}) {
  const spec = operandPodSpec(g, component, opts);
  const initNames = spec.init.map((c) => c.name);
  const names = spec.containers.map((c) => c.name);
  return {
    phase: 'Pending', startTime: t,
    conditions: [
      ['PodReadyToStartContainers', 'False', t],
      ['Initialized', 'False', t, 'ContainersNotInitialized', `containers with incomplete status: [${initNames.join(' ')}]`],
      ['Ready', 'False', t, 'ContainersNotReady', `containers with unready status: [${names.join(' ')}]`],
      ['ContainersReady', 'False', t, 'ContainersNotReady', `containers with unready status: [${names.join(' ')}]`],
      ['PodScheduled', 'True', t],
    ],
    init: initNames.map((name) => ({ name, state: 'waiting', reason: 'PodInitializing' })),
    containers: names.map((name) => ({ name, state: 'waiting', reason: 'PodInitializing' })),
  };
}

/** The NFD worker on a node, the master/gc and the operator pods, all Running. */
export function operatorCorePods(cluster, g, { cpNode, gcNode, t, nodes, opIP, masterIP, gcIP, workerIPs, restarts = {} }) {
  const img = g.img;
  const opLabels = { ...g.op.rs.spec.selector.matchLabels, 'nvidia.com/gpu-driver-upgrade-drain.skip': 'true' };
  pod(cluster, {
    ns: g.ns, name: `gpu-operator-${g.op.rs.metadata.labels['pod-template-hash']}-${kid(cluster.name + 'oppod', 5)}`, node: cpNode, created: g.op.dep.metadata.creationTimestamp, owner: g.op.rs,
    labels: opLabels, annotations: { 'openshift.io/scc': 'restricted-readonly' }, priorityClassName: 'system-node-critical', serviceAccount: 'gpu-operator', tolerations: OPERATOR_TOLERATIONS,
    affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ preference: { matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'In', values: [''] }] }, weight: 1 }] } },
    containers: [{ name: 'gpu-operator', image: img.operator, command: ['gpu-operator'], args: ['--leader-elect', '--zap-time-encoding=epoch', '--zap-log-level=info'], env: [{ name: 'WATCH_NAMESPACE', value: '' }, { name: 'OPERATOR_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } }, { name: 'DRIVER_MANAGER_IMAGE', value: 'nvcr.io/nvidia/cloud-native/k8s-driver-manager:v0.6.5' }], resources: { limits: { cpu: '500m', memory: '350Mi' }, requests: { cpu: '200m', memory: '100Mi' } }, livenessProbe: { failureThreshold: 3, httpGet: { path: '/healthz', port: 8081, scheme: 'HTTP' }, initialDelaySeconds: 15, periodSeconds: 20, successThreshold: 1, timeoutSeconds: 1 }, readinessProbe: { failureThreshold: 3, httpGet: { path: '/readyz', port: 8081, scheme: 'HTTP' }, initialDelaySeconds: 5, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 }, ports: [{ containerPort: 8080, name: 'metrics', protocol: 'TCP' }] }],
    status: { phase: 'Running', hostIP: g.ipOf(cpNode), podIP: opIP, qos: 'Burstable', startTime: t, conditions: readyConditions(t, t, addSeconds(t, 21)), containers: [{ name: 'gpu-operator', image: img.operator, state: 'running', started: addSeconds(t, 3), restarts: restarts.operator ?? 0, ...(restarts.operatorLast ? { last: restarts.operatorLast } : {}) }] },
  });
  pod(cluster, {
    ns: g.ns, name: `gpu-operator-node-feature-discovery-master-${g.master.rs.metadata.labels['pod-template-hash']}-${kid(cluster.name + 'nfdmpod', 5)}`, node: cpNode, created: g.master.dep.metadata.creationTimestamp, owner: g.master.rs,
    labels: { ...g.master.rs.spec.selector.matchLabels }, serviceAccount: 'node-feature-discovery', tolerations: OPERATOR_TOLERATIONS,
    containers: [{ name: 'master', image: img.nfd, command: ['nfd-master'], args: ['-crd-controller=true', '-metrics=8081'], ports: [{ containerPort: 8081, name: 'metrics', protocol: 'TCP' }], resources: { limits: { memory: '4Gi' }, requests: { cpu: '100m', memory: '128Mi' } } }],
    status: { phase: 'Running', hostIP: g.ipOf(cpNode), podIP: masterIP, qos: 'Burstable', startTime: t, conditions: readyConditions(t, t, addSeconds(t, 12)), containers: [{ name: 'master', image: img.nfd, state: 'running', started: addSeconds(t, 2) }] },
  });
  pod(cluster, {
    ns: g.ns, name: `gpu-operator-node-feature-discovery-gc-${g.gc.rs.metadata.labels['pod-template-hash']}-${kid(cluster.name + 'nfdgcpod', 5)}`, node: gcNode, created: g.gc.dep.metadata.creationTimestamp, owner: g.gc.rs,
    labels: { ...g.gc.rs.spec.selector.matchLabels }, serviceAccount: 'gpu-operator-node-feature-discovery-gc',
    containers: [{ name: 'gc', image: img.nfd, command: ['nfd-gc'], args: ['-gc-interval=1h'], resources: { limits: { memory: '1Gi' }, requests: { cpu: '10m', memory: '128Mi' } } }],
    status: { phase: 'Running', hostIP: g.ipOf(gcNode), podIP: gcIP, qos: 'Burstable', startTime: restarts.gcStart ?? t, conditions: readyConditions(restarts.gcStart ?? t, restarts.gcStart ?? t, addSeconds(restarts.gcStart ?? t, 3)), containers: [{ name: 'gc', image: img.nfd, state: 'running', started: addSeconds(restarts.gcStart ?? t, 2), restarts: restarts.gc ?? 0, ...(restarts.gcLast ? { last: restarts.gcLast } : {}) }] },
  });
  const wHash = kid(cluster.name + 'nfdw', 10);
  for (const n of nodes) {
    const name = n.metadata.name;
    const start = restarts.workerStart?.[name] ?? t;
    pod(cluster, {
      ns: g.ns, name: `gpu-operator-node-feature-discovery-worker-${kid(name + 'nfdw', 5)}`, node: name, created: g.nfdWorker.metadata.creationTimestamp, owner: g.nfdWorker,
      labels: { ...g.nfdBase, 'controller-revision-hash': wHash, 'pod-template-generation': '1', role: 'worker' }, serviceAccount: 'node-feature-discovery',
      tolerations: [...OPERATOR_TOLERATIONS, { effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Equal', value: 'present' }],
      containers: [{ name: 'worker', image: img.nfd, command: ['nfd-worker'], args: ['-metrics=8081'], env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }], resources: { limits: { memory: '512Mi' }, requests: { cpu: '5m', memory: '64Mi' } }, volumeMounts: [{ mountPath: '/host-boot', name: 'host-boot', readOnly: true }, { mountPath: '/host-etc/os-release', name: 'host-os-release', readOnly: true }, { mountPath: '/host-sys', name: 'host-sys', readOnly: true }, { mountPath: '/host-usr/lib', name: 'host-usr-lib', readOnly: true }, { mountPath: '/etc/kubernetes/node-feature-discovery/features.d/', name: 'features-d', readOnly: true }, { mountPath: '/etc/kubernetes/node-feature-discovery', name: 'nfd-worker-conf', readOnly: true }] }],
      volumes: [{ hostPath: { path: '/boot', type: '' }, name: 'host-boot' }, { hostPath: { path: '/etc/os-release', type: '' }, name: 'host-os-release' }, { hostPath: { path: '/sys', type: '' }, name: 'host-sys' }, { hostPath: { path: '/usr/lib', type: '' }, name: 'host-usr-lib' }, { hostPath: { path: '/etc/kubernetes/node-feature-discovery/features.d/', type: '' }, name: 'features-d' }, { configMap: { defaultMode: 420, items: [{ key: 'nfd-worker.conf', path: 'nfd-worker.conf' }], name: 'gpu-operator-node-feature-discovery-worker-conf' }, name: 'nfd-worker-conf' }],
      status: { phase: 'Running', hostIP: g.ipOf(name), podIP: workerIPs[name], qos: 'Burstable', startTime: start, conditions: readyConditions(start, start, addSeconds(start, 3)), containers: [{ name: 'worker', image: img.nfd, state: 'running', started: addSeconds(start, 2), restarts: restarts.worker?.[name] ?? 0, ...(restarts.workerLast?.[name] ? { last: restarts.workerLast[name] } : {}) }] },
    });
  }
}

/** A pod the validator creates (nvidia-cuda-validator-…, nvidia-device-plugin-validator-…): owned, like the validator DaemonSet, by the ClusterPolicy. */
export function validatorWorkloadPod(cluster, g, kind, nodeName, suffix, created, status, { gpuLimit = false } = {}) {
  const name = `nvidia-${kind}-validator-${suffix}`;
  const initName = kind === 'cuda' ? 'cuda-validation' : 'plugin-validation';
  const img = g.img.validator;
  return pod(cluster, {
    ns: g.ns, name, node: nodeName, created, ownerRefs: [g.cpRef], generateName: `nvidia-${kind}-validator-`,
    labels: { app: `nvidia-${kind}-validator` },
    restartPolicy: 'OnFailure', serviceAccount: 'nvidia-operator-validator', runtimeClassName: g.rcName, tolerations: GPU_TOLERATION,
    securityContext: {},
    init: [{
      name: initName, image: img, command: ['sh', '-c'], args: ['vectorAdd'], securityContext: { allowPrivilegeEscalation: false },
      ...(gpuLimit ? { resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { 'nvidia.com/gpu': '1' } } } : {}),
      ...(kind === 'cuda' ? { env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }, { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'compute,utility' }] } : {}),
    }],
    containers: [{ name: `nvidia-${kind}-validator`, image: img, command: ['sh', '-c'], args: [`echo ${kind} workload validation is successful`], securityContext: { allowPrivilegeEscalation: false } }],
    status: { hostIP: g.ipOf(nodeName), ...status, init: status.init?.map((s) => ({ image: img, ...s })), containers: status.containers?.map((s) => ({ image: img, ...s })) },
  });
}

export { completedConditions, readyConditions };

/**
 * The operands of nodes where everything went well: toolkit, device plugin, GFD, DCGM exporter and validator
 * Running and Ready, then the Completed CUDA validator. `more(node, t0, ip, suffix)` adds a node's extra operands
 * (MIG manager) before the CUDA validator, in creation order.
 */
export function runningOperands(cluster, g, gpuNodes, { created, ipBase, toolkitSeconds, validatorSeconds, cudaAfter, more }) {
  const suffix = (n, what) => kid(`${n}/${what}`, 5);
  for (const [i, n] of gpuNodes.entries()) {
    const name = n.metadata.name;
    const ip = (k) => ipBase[name] + (5 + k);
    const t0 = addSeconds(created, 1 + i);
    operandPod(cluster, g, 'toolkit', name, suffix(name, 'tk'), created, operandRunning(g, 'toolkit', t0, ip(0)));
    operandPod(cluster, g, 'devicePlugin', name, suffix(name, 'dp'), created, operandRunning(g, 'devicePlugin', t0, ip(1), { initSeconds: { 'toolkit-validation': toolkitSeconds } }));
    operandPod(cluster, g, 'gfd', name, suffix(name, 'gfd'), created, operandRunning(g, 'gfd', t0, ip(2), { initSeconds: { 'toolkit-validation': toolkitSeconds } }));
    operandPod(cluster, g, 'dcgmExporter', name, suffix(name, 'dcgm'), created, operandRunning(g, 'dcgmExporter', t0, ip(3), { initSeconds: { 'toolkit-validation': toolkitSeconds + 1 } }));
    operandPod(cluster, g, 'validator', name, suffix(name, 'val'), created, operandRunning(g, 'validator', t0, ip(4), { initSeconds: validatorSeconds }));
    more?.(n, t0, ip, suffix);
    const ct = addSeconds(t0, cudaAfter);
    validatorWorkloadPod(cluster, g, 'cuda', name, suffix(name, 'cuda'), ct, {
      phase: 'Succeeded', podIP: ip(7), startTime: ct, conditions: completedConditions(ct, addSeconds(ct, 9), addSeconds(ct, 11)),
      init: [{ name: 'cuda-validation', state: 'terminated', started: addSeconds(ct, 2), finished: addSeconds(ct, 8), ready: true }],
      containers: [{ name: 'nvidia-cuda-validator', state: 'terminated', started: addSeconds(ct, 10), finished: addSeconds(ct, 10), ready: false }],
    });
  }
}
