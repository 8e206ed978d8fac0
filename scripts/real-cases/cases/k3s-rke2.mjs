// k3s and RKE2 find the NVIDIA runtime and add it as an extra containerd handler ("nvidia"), not as the default:
// pods run under runc unless they name RuntimeClass nvidia (k3s/RKE2 pkg/agent/containerd/nvidia.go, runtimes.go).
import { addSeconds, dsPod, klog, logrus } from '../lib.mjs';
import { HOST_TOOLKIT, OPERATOR_TOOLKIT, gfdLabels, k3sContainerd, operatorDeployLabels } from '../host.mjs';
import { cluster, devicePluginChart, gpuHost, gpuOperator, gpuPod, healthyOperands } from '../stacks.mjs';

const K3S = '/var/lib/rancher/k3s/agent/etc/containerd';
const RKE2 = '/var/lib/rancher/rke2/agent/etc/containerd';

/** The log of a device plugin v0.14.x that runs without the driver injected (internal/plugin/manager/factory.go). */
const dp014NoNvml = (t, version) =>
  [
    klog('I', t, 'main.go:154', 'Starting FS watcher.'),
    klog('I', t, 'main.go:161', 'Starting OS watcher.'),
    klog('I', t, 'main.go:176', 'Starting Plugins.'),
    klog('I', t, 'main.go:234', 'Loading configuration.'),
    klog('I', t, 'main.go:242', 'Updating config with default resource matching patterns.'),
    klog('I', t, 'main.go:253', `\nRunning with config:\n{\n  "version": "v1",\n  "flags": {\n    "migStrategy": "none",\n    "failOnInitError": true,\n    "nvidiaDriverRoot": "/",\n    "gdsEnabled": false,\n    "mofedEnabled": false,\n    "plugin": {\n      "passDeviceSpecs": false,\n      "deviceListStrategy": [\n        "envvar"\n      ],\n      "deviceIDStrategy": "uuid",\n      "cdiAnnotationPrefix": "cdi.k8s.io/",\n      "nvidiaCTKPath": "/usr/bin/nvidia-ctk",\n      "containerDriverRoot": "/driver-root"\n    }\n  },\n  "resources": {\n    "gpus": [\n      {\n        "pattern": "*",\n        "name": "nvidia.com/gpu"\n      }\n    ]\n  },\n  "sharing": {\n    "timeSlicing": {}\n  }\n}`),
    klog('I', t, 'main.go:256', 'Retreiving plugins.'),
    klog('W', t, 'factory.go:31', "No valid resources detected, creating a null CDI handler"),
    klog('I', t, 'factory.go:107', 'Detected non-NVML platform: could not load NVML library: libnvidia-ml.so.1: cannot open shared object file: No such file or directory'),
    klog('I', t, 'factory.go:107', 'Detected non-Tegra platform: /sys/devices/soc0/family file not found'),
    klog('E', t, 'factory.go:115', 'Incompatible platform detected'),
    klog('E', t, 'factory.go:116', 'If this is a GPU node, did you configure the NVIDIA Container Toolkit?'),
    klog('E', t, 'factory.go:117', 'You can check the prerequisites at: https://github.com/NVIDIA/k8s-device-plugin#prerequisites'),
    klog('E', t, 'factory.go:118', 'You can learn how to set the runtime at: https://github.com/NVIDIA/k8s-device-plugin#quick-start'),
    klog('E', t, 'factory.go:119', 'If this is not a GPU node, you should set up a toleration or nodeSelector to only deploy this plugin on GPU nodes'),
    klog('E', t, 'main.go:123', 'error starting plugins: error getting plugins: unable to create plugin manager: platform detection failed'),
  ].join('\n');

export const cases = [
  {
    id: 'k8s-device-plugin-406',
    title: 'k3s: nvidia-device-plugin v0.14.0 crash-loops; k3s found the nvidia runtime but it is not the default',
    thread: { url: 'https://github.com/NVIDIA/k8s-device-plugin/issues/406', state: 'open' },
    setup: 'k3s with its embedded containerd, driver and nvidia-container-toolkit on the host (k3s detected /usr/bin/nvidia-container-runtime), device plugin v0.14.0 from the static manifest without runtimeClassName.',
    quotes: [
      { who: 'elezar (maintainer)', text: 'Note that in an earlier comment you mention `/etc/containerd/config.toml` referencing the NVIDIA Container runtime, but the k3s documentation mentions:\n\n> Confirm that the nvidia container runtime has been found by k3s: grep nvidia /var/lib/rancher/k3s/agent/etc/containerd/config.toml\n\nCould you confirm that the `nvidia` runtime is defined there too? If it is (but is not the default runtime), specifying the `nvidia` runtime class name for the device plugin pod too may address this.' },
      { who: 'zachfi (reporter)', text: 'Good eyes.  It looks like it also is detected here.\n```sh\n# grep nvidia /var/lib/rancher/k3s/agent/etc/containerd/config.toml\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes."nvidia"]\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes."nvidia".options]\n  BinaryName = "/usr/bin/nvidia-container-runtime"\n```\n\nHere is the full config, but how do I know if it is the non-default?' },
    ],
    rootCause: 'k3s adds the nvidia runtime as an extra handler; its default stays runc. The device plugin pod names no RuntimeClass, so it runs under runc without the driver libraries and cannot load NVML. Giving the plugin pod runtimeClassName: nvidia (or making nvidia the default) fixes it.',
    confirmation: { by: 'maintainer (elezar) diagnosis, reporter confirmed the runtime is only an extra handler', quote: 'If it is (but is not the default runtime), specifying the `nvidia` runtime class name for the device plugin pod too may address this.' },
    expect: { errors: ['nvidia-runtime-not-selected'] },
    components: { k3s: 'v1.27.2+k3s1', containerd: '1.7.1-k3s1', 'k8s-device-plugin': 'v0.14.0', 'container-toolkit': '1.13.1' },
    rebuilt: 'The k3s config lines and the maintainer\'s diagnosis are quoted. The device plugin log is v0.14.0\'s output for a container without NVML (internal/plugin/manager/factory.go), the rest of the k3s config is what k3s v1.27 generates, node and GPU are filled in.',
    snapshot: { context: 'default', serverVersion: 'v1.27.2+k3s1', capturedAt: '2023-06-08T19:44:02Z' },
    build(s) {
      const node = 'nuc-gpu';
      const created = '2023-06-01T12:00:00Z';
      cluster(s, { flavour: 'k3s', k8s: 'v1.27.2+k3s1', runtime: 'containerd://1.7.1-k3s1', kernel: '6.1.0-9-amd64', os: 'debian12', cp: 'k3s-server', created, heartbeat: '2023-06-08T19:43:40Z', workers: [{ name: node, gpu: 'RTX3090', gpus: undefined }] });
      const dp = devicePluginChart(s, { ns: 'kube-system', static: true, version: 'v0.14.0', created: '2023-06-05T10:00:00Z', nodes: ['k3s-server', node], tolerations: [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }], status: { desired: 2, ready: 1 } });
      dsPod(s, dp.ds, 'k3s-server', { created: '2023-06-05T10:00:00Z', containers: [{ state: { running: '2023-06-05T10:00:05Z' } }] });
      const p = dsPod(s, dp.ds, node, { created: '2023-06-05T10:00:00Z', phase: 'Running', containers: [{ state: { waiting: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=nvidia-device-plugin-ctr' }, restarts: 412, last: { reason: 'Error', exitCode: 1, startedAt: '2023-06-08T19:40:11Z', finishedAt: '2023-06-08T19:40:11Z' } }] });
      s.log(p, 'nvidia-device-plugin-ctr', dp014NoNvml('2023-06-08T19:40:11Z'), { previous: true });
      s.event({ object: p, reason: 'BackOff', fieldPath: 'spec.containers{nvidia-device-plugin-ctr}', message: `Back-off restarting failed container nvidia-device-plugin-ctr in pod ${p.metadata.name}_kube-system(${p.metadata.uid})`, host: node, count: 9814, first: '2023-06-05T10:02:00Z', last: '2023-06-08T19:43:21Z' });
      const cfg = k3sContainerd({ version: 2, nvidia: '/usr/bin/nvidia-container-runtime' });
      gpuHost(s, node, { gpu: 'RTX3090', kernel: '6.1.0-9-amd64', os: 'debian12', driver: '530.41.03', cuda: '12.1', built: 'Thu Mar 16 19:48:20 UTC 2023', gcc: 'gcc version 12.2.0 (Debian 12.2.0-14)', files: { [`${K3S}/config.toml`]: cfg }, dirs: [K3S, `${K3S}/certs.d`], binaries: [...HOST_TOOLKIT.filter((b) => !b.endsWith('runc')), '/var/lib/rancher/k3s/data/current/bin/runc'] });
    },
  },
  {
    id: 'k8s-device-plugin-477',
    title: 'k3s: the device plugin Helm chart 0.14.3 cannot find NVML until runtimeClassName is set',
    thread: { url: 'https://github.com/NVIDIA/k8s-device-plugin/issues/477', state: 'open' },
    setup: 'GPU driver and nvidia-container-toolkit installed on the OS, then k3s, which configured its containerd with the nvidia runtime; device plugin chart 0.14.3 installed without runtimeClassName.',
    quotes: [
      { who: 'wdennis (reporter)', text: 'Had already installed GPU driver and the nvidia-container-toolkit on the OS, and thereafter installed the K3s Kubernetes distro, which configured containerd\'s config.toml with the "nvidia" runtime support.' },
      { who: 'wdennis (reporter)', text: 'root@k8s-c1:~# helm upgrade -i nvdp nvdp/nvidia-device-plugin \\\n    --version=0.14.3 \\\n    --namespace nvidia-device-plugin \\\n    --create-namespace \\\n    --set-file config.map.nvdp-config=/root/nvdp-config.yaml' },
      { who: 'wdennis (reporter)', text: 'However, the pods did not run correctly, due to them not finding the NVML library, as so:' },
    ],
    rootCause: 'On k3s the nvidia runtime is a RuntimeClass-selected handler, not the default. The chart\'s pods name no RuntimeClass (the title\'s question: how to set `runtimeClassName` in the chart), so they run under runc and cannot load libnvidia-ml. The chart\'s `runtimeClassName=nvidia` value fixes it.',
    confirmation: { by: 'reporter (the fix is the chart\'s runtimeClassName value, as the issue title asks and k3s documents)' },
    expect: { errors: ['nvidia-runtime-not-selected'] },
    components: { k3s: 'v1.28.5+k3s1', containerd: '1.7.11-k3s2', 'k8s-device-plugin': 'v0.14.3' },
    rebuilt: 'The install command and the symptom are quoted; the plugin log is v0.14.3\'s output when NVML cannot be loaded (failOnInitError true from the reporter\'s config), the k3s-generated config and the cluster are filled in.',
    snapshot: { context: 'default', serverVersion: 'v1.28.5+k3s1', capturedAt: '2024-01-15T20:20:41Z' },
    build(s) {
      const node = 'k8s-c1';
      const created = '2024-01-15T19:00:00Z';
      cluster(s, { flavour: 'k3s', k8s: 'v1.28.5+k3s1', runtime: 'containerd://1.7.11-k3s2', kernel: '5.15.0-91-generic', os: 'ubuntu22.04', created, heartbeat: '2024-01-15T20:20:11Z', workers: [{ name: node, gpu: 'A10', labels: { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' } }] });
      s.runtimeClass('nvidia', 'nvidia', created);
      const dp = devicePluginChart(s, { release: 'nvdp', version: 'v0.14.3', created: '2024-01-15T19:55:06Z', nodes: [node], status: { desired: 1, ready: 0 } });
      const p = dsPod(s, dp.ds, node, { created: '2024-01-15T19:55:06Z', phase: 'Running', containers: [{ state: { waiting: 'CrashLoopBackOff' }, restarts: 5, last: { reason: 'Error', exitCode: 1, startedAt: '2024-01-15T20:11:29Z', finishedAt: '2024-01-15T20:11:29Z' } }] });
      s.log(p, 'nvidia-device-plugin-ctr', dp014NoNvml('2024-01-15T20:11:29Z'), { previous: true });
      const cfg = k3sContainerd({ version: 2, nvidia: '/usr/bin/nvidia-container-runtime' });
      gpuHost(s, node, { gpu: 'A10', kernel: '5.15.0-91-generic', os: 'ubuntu22.04', driver: '535.129.03', cuda: '12.2', files: { [`${K3S}/config.toml`]: cfg }, dirs: [K3S, `${K3S}/certs.d`], binaries: [...HOST_TOOLKIT.filter((b) => !b.endsWith('runc')), '/var/lib/rancher/k3s/data/current/bin/runc'] });
    },
  },
  {
    id: 'k3s-4070',
    title: 'k3s 1.21: "Failed to initialize NVML" in the device plugin; crictl shows its pods in the (default) runtime',
    thread: { url: 'https://github.com/k3s-io/k3s/issues/4070', state: 'closed' },
    setup: 'k3s v1.21 with the NVIDIA runtime found by k3s; the device plugin DaemonSet and workloads without a RuntimeClass.',
    quotes: [
      { who: 'kralicky (k3s maintainer)', text: 'The config.toml will be overwritten by k3s when it restarts, so I would recommend keeping the RuntimeClass for now. You can check the runtime associated with all running pods with the command `crictl pods`. Under the runtime column you should see either `(default)` or `nvidia`.' },
      { who: 'audrey-siqueira (reporter)', text: 'They are in default no nvidia' },
      { who: 'kralicky (k3s maintainer)', text: 'Are you using the RuntimeClass? k3s will overwrite any changes you make to config.toml so it will be easiest to keep the defaults and change the runtime as needed using the RuntimeClass.' },
    ],
    rootCause: 'k3s registers the nvidia runtime as a handler next to runc and regenerates config.toml on restart, so editing the default does not stick; the device plugin and GPU pods ran in the (default) runc runtime. The fix is the RuntimeClass (runtimeClassName: nvidia) on those pods.',
    confirmation: { by: 'k3s maintainer (kralicky)', quote: 'keep the defaults and change the runtime as needed using the RuntimeClass' },
    expect: { errors: ['nvidia-runtime-not-selected'] },
    components: { k3s: 'v1.21.4+k3s1', containerd: '1.4.9-k3s1', 'k8s-device-plugin': 'v0.9.0' },
    rebuilt: 'The maintainer\'s and reporter\'s words are quoted; the plugin log is v0.9.0\'s NVML failure text (main.go:111–115), the k3s 1.21 config and node are filled in.',
    snapshot: { context: 'default', serverVersion: 'v1.21.4+k3s1', capturedAt: '2021-09-24T14:10:00Z' },
    build(s) {
      const node = 'gpu-server';
      const created = '2021-09-20T10:00:00Z';
      cluster(s, { flavour: 'k3s', k8s: 'v1.21.4+k3s1', runtime: 'containerd://1.4.9-k3s1', kernel: '5.4.0-86-generic', os: 'ubuntu20.04', created, heartbeat: '2021-09-24T14:09:30Z', workers: [{ name: node, gpu: 'T4', labels: { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' } }] });
      s.runtimeClass('nvidia', 'nvidia', '2021-09-24T13:00:00Z');
      const dp = devicePluginChart(s, { ns: 'kube-system', static: true, version: 'v0.9.0', created: '2021-09-21T09:00:00Z', nodes: [node], tolerations: [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }] });
      const p = dsPod(s, dp.ds, node, { created: '2021-09-21T09:00:00Z', containers: [{ state: { running: '2021-09-21T09:00:04Z' } }] });
      s.log(p, 'nvidia-device-plugin-ctr', ['2021/09/21 09:00:04 Loading NVML', '2021/09/21 09:00:04 Failed to initialize NVML: could not load NVML library.', '2021/09/21 09:00:04 If this is a GPU node, did you set the docker default runtime to `nvidia`?', '2021/09/21 09:00:04 You can check the prerequisites at: https://github.com/NVIDIA/k8s-device-plugin#prerequisites', '2021/09/21 09:00:04 You can learn how to set the runtime at: https://github.com/NVIDIA/k8s-device-plugin#quick-start', '2021/09/21 09:00:04 If this is not a GPU node, you should set up a toleration or nodeSelector to only deploy this plugin on GPU nodes'].join('\n'));
      const cfg = k3sContainerd({ version: 2, nvidia: '/usr/bin/nvidia-container-runtime' });
      gpuHost(s, node, { gpu: 'T4', kernel: '5.4.0-86-generic', os: 'ubuntu20.04', driver: '470.57.02', cuda: '11.4', built: 'Tue Jul  6 19:28:01 UTC 2021', gcc: 'gcc version 9.3.0 (Ubuntu 9.3.0-17ubuntu1~20.04)', files: { [`${K3S}/config.toml`]: cfg }, dirs: [K3S], binaries: [...HOST_TOOLKIT.filter((b) => !b.endsWith('runc') && !b.endsWith('.cdi') && !b.endsWith('nvidia-ctk')), '/var/lib/rancher/k3s/data/current/bin/runc'] });
    },
  },
  {
    id: 'gpu-operator-473',
    title: 'RKE2: the GPU Operator\'s toolkit edits config.toml, RKE2 regenerates it, nvidia never becomes the default runtime',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/473', state: 'closed' },
    setup: 'RKE2 with the GPU Operator; toolkit env CONTAINERD_CONFIG=/var/lib/rancher/rke2/agent/etc/containerd/config.toml and CONTAINERD_SET_AS_DEFAULT=true; a GPU workload without runtimeClassName.',
    quotes: [
      { who: 'eabochasjauregui (reporter)', text: 'Alright, that was the issue! We set `CONTAINERD_CONFIG` to `/var/lib/rancher/rke2/agent/etc/containerd/config.toml.tmpl` and the `config.toml` file was now updated properly. We also tested starting a GPU pod, without setting its `runtimeClassName`, and everything worked as expected.' },
      { who: 'cdesiniotis (maintainer)', text: 'Thanks for verifying @eabochasjauregui . I have updated our docs to use `config.toml.tmpl` https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/getting-started.html#custom-configuration-for-runtime-containerd' },
    ],
    rootCause: 'RKE2 regenerates config.toml from its template at start; the toolkit\'s edit of config.toml (default_runtime_name = "nvidia") is lost, RKE2 keeps nvidia only as an extra handler, and GPU pods without runtimeClassName run under runc with no driver injected (vectorAdd then reports cudaErrorInsufficientDriver, though the driver is fine). Pointing the toolkit at config.toml.tmpl fixes it.',
    confirmation: { by: 'reporter and maintainer (docs changed)', quote: 'Alright, that was the issue!' },
    expect: { errors: ['nvidia-runtime-not-selected'], note: 'The vectorAdd text ("CUDA driver version is insufficient") names the driver, but the node\'s driver (525.60.13, CUDA 12.0) is new enough for CUDA 11.7: the library was never injected.' },
    components: { rke2: 'v1.26.0+rke2r1', 'gpu-operator': 'v22.9.1', containerd: '1.6.12-k3s1' },
    rebuilt: 'The resolution is quoted. The broken state (RKE2-generated config without default nvidia, the workload\'s vectorAdd output) is rebuilt from what RKE2 and the toolkit do; versions and names are filled in.',
    snapshot: { context: 'rke2-gpu', serverVersion: 'v1.26.0+rke2r1', capturedAt: '2023-01-17T09:30:12Z' },
    build(s) {
      const created = '2023-01-16T10:00:00Z';
      const node = 'rke2-gpu-01';
      cluster(s, { flavour: 'rke2', k8s: 'v1.26.0+rke2r1', runtime: 'containerd://1.6.12-k3s1', kernel: '5.15.0-57-generic', os: 'ubuntu22.04', cp: 'rke2-server-01', created, heartbeat: '2023-01-17T09:29:50Z', workers: [{ name: node, gpu: 'A100PCIE', gpus: 1, labels: { ...operatorDeployLabels(), ...gfdLabels({ product: 'NVIDIA-A100-PCIE-40GB', count: 1, memory: 40960, driver: '525.60.13', cuda: '12.0', family: 'ampere', computeMajor: 8, computeMinor: 0, migCapable: true }) } }] });
      const g = gpuOperator(s, { version: 'v22.9.0', versions: { operator: 'v22.9.1' }, created: addSeconds(created, 600), cpNode: 'rke2-server-01', allNodes: ['rke2-server-01', node], gpuNodes: [node], driverVersion: '525.60.13', toolkitEnv: [{ name: 'CONTAINERD_CONFIG', value: '/var/lib/rancher/rke2/agent/etc/containerd/config.toml' }, { name: 'CONTAINERD_SOCKET', value: '/run/k3s/containerd/containerd.sock' }, { name: 'CONTAINERD_RUNTIME_CLASS', value: 'nvidia' }, { name: 'CONTAINERD_SET_AS_DEFAULT', value: 'true' }] });
      healthyOperands(s, g, [node], addSeconds(created, 700));
      const wl = gpuPod(s, { ns: 'ml', name: 'cuda-vectoradd', image: 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1-ubuntu20.04', node, created: '2023-01-17T09:10:00Z', restartPolicy: 'OnFailure', phase: 'Running', state: { waiting: 'CrashLoopBackOff' }, restarts: 6, last: { reason: 'Error', exitCode: 1, startedAt: '2023-01-17T09:26:01Z', finishedAt: '2023-01-17T09:26:01Z' } });
      s.ns('ml', '2023-01-16T12:00:00Z');
      s.log(wl, 'main', '[Vector addition of 50000 elements]\nFailed to allocate device vector A (error code CUDA driver version is insufficient for CUDA runtime version)!', { previous: true });
      const cfg = k3sContainerd({ program: 'RKE2', dataDir: '/var/lib/rancher/rke2', version: 2, nvidia: '/usr/local/nvidia/toolkit/nvidia-container-runtime' });
      gpuHost(s, node, { gpu: 'A100PCIE', kernel: '5.15.0-57-generic', os: 'ubuntu22.04', driver: '525.60.13', cuda: '12.0', built: 'Wed Nov 30 06:39:21 UTC 2022', files: { [`${RKE2}/config.toml`]: cfg }, dirs: [RKE2, `${RKE2}/certs.d`], binaries: [...OPERATOR_TOOLKIT.filter((b) => !b.endsWith('runc')), '/var/lib/rancher/rke2/bin/runc'] });
    },
  },
];
