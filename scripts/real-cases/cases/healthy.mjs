// Healthy clusters with unusual but valid setups: gpuctl must report no error on any of them.
import { addSeconds, dsPod } from '../lib.mjs';
import { HOST_TOOLKIT, OPERATOR_TOOLKIT, containerdV2, containerdV3, crioConf, gfdLabels, k3sContainerd, nvidiaDropIn, operatorDeployLabels } from '../host.mjs';
import { cluster, devicePluginChart, gpuHost, gpuOperator, gpuPod, hami, healthyOperands } from '../stacks.mjs';

const K3S = '/var/lib/rancher/k3s/agent/etc/containerd';
const RKE2 = '/var/lib/rancher/rke2/agent/etc/containerd';
const held = (branch, v, extra = []) => [`libnvidia-compute-${branch}`, `nvidia-dkms-${branch}`, `nvidia-driver-${branch}`, `nvidia-utils-${branch}`, ...extra];

export const cases = [
  {
    id: 'healthy-containerd2-v3-dropin',
    title: 'EKS 1.33, containerd 2.1.5 with config version 3: the operator\'s toolkit 1.18.1 writes a version 3 drop-in that config.toml imports',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/2060', state: 'closed' },
    setup: 'The resolution of gpu-operator#2060: GPU Operator 25.10.1 with its default toolkit (v1.18.1) on containerd 2.1.5 nodes; /etc/containerd/config.toml (version 3) imports /etc/containerd/conf.d/*.toml, where the toolkit writes 99-nvidia.toml (version 3, plugin io.containerd.cri.v1.runtime, default runtime nvidia).',
    quotes: [
      { who: 'stefanandres (reporter)', text: 'Solved. We had an override to use container-toolkit:v1.14.6-centos7 instead of using the upstream values (which is 1.18.1 currently)' },
      { who: 'NVIDIA/nvidia-container-toolkit#862 (elezar)', text: 'This change adds support for containerd configs with version=3.\nFrom the perspective of the runtime configuration the contents of the\nconfig are the same. This means that we just have to load the new\nversion and ensure that this is propagated to the generated config.\n\nThe one exception is that the v3 config also requires a switch to the `io.containerd.cri.v1.runtime`\nCRI runtime plugin.' },
    ],
    rootCause: 'Valid: containerd 2.x reads its root config (version 3) and merges imported drop-ins of the same version; toolkit ≥ 1.17.4 writes version 3 under io.containerd.cri.v1.runtime, and ≥ 1.18 writes a drop-in and adds the import (pkg/config/engine/containerd/config_drop_in.go ensureImports). The effective config (`containerd config dump`) has the nvidia runtime as default.',
    confirmation: { by: 'reporter (works with the default toolkit 1.18.1); toolkit maintainers (PR #862)' },
    expect: { errors: [] },
    components: { 'gpu-operator': 'v25.10.1', 'container-toolkit': 'v1.18.1', containerd: '2.1.5' },
    rebuilt: 'Versions from the thread; the drop-in and merged dump follow toolkit 1.18\'s output; objects filled in.',
    snapshot: { context: 'arn:aws:eks:eu-central-1:123456789012:cluster/ml-prod', serverVersion: 'v1.33.5-eks-3025e55', capturedAt: '2026-01-22T09:00:00Z' },
    build(s) {
      const created = '2026-01-22T08:00:00Z';
      const kernel = '6.12.46-66.121.amzn2023.x86_64';
      const node = 'ip-10-42-17-93.eu-central-1.compute.internal';
      const sys = 'ip-10-42-3-11.eu-central-1.compute.internal';
      cluster(s, { flavour: 'eks', k8s: 'v1.33.5-eks-113cf36', runtime: 'containerd://2.1.5', kernel, os: 'amzn2023', osImage: 'Amazon Linux 2023.8.20250915', created: '2026-01-20T09:00:00Z', heartbeat: '2026-01-22T08:59:40Z', workers: [{ name: sys }, { name: node, gpu: 'A10', gpus: 1, labels: { ...operatorDeployLabels(), ...gfdLabels({ product: 'NVIDIA-A10G', count: 1, memory: 23028, driver: '580.95.05', cuda: '13.0', family: 'ampere', computeMajor: 8, computeMinor: 6 }), 'node.kubernetes.io/instance-type': 'g5.2xlarge' } }] });
      const g = gpuOperator(s, { version: 'v25.10.1', created, driver: false, osTag: 'amzn2023', cpNode: sys, allNodes: [sys, node], gpuNodes: [node] });
      healthyOperands(s, g, [node], addSeconds(created, 60));
      const root = containerdV3({ imports: ['/etc/containerd/conf.d/*.toml'] });
      const dropIn = nvidiaDropIn({ version: 3, binary: '/usr/local/nvidia/toolkit/nvidia-container-runtime' });
      const dump = containerdV3({ imports: ['/etc/containerd/conf.d/99-nvidia.toml'], nvidia: '/usr/local/nvidia/toolkit/nvidia-container-runtime', defaultRuntime: 'nvidia' });
      gpuHost(s, node, { gpu: 'A10', kernel, os: 'amzn2023', driver: '580.95.05', cuda: '13.0', built: 'Tue Sep 23 09:25:23 UTC 2025', gcc: 'gcc version 11.5.0 20240719 (Red Hat 11.5.0-5) (GCC)', files: { '/etc/containerd/config.toml': root, '/etc/containerd/conf.d/99-nvidia.toml': dropIn }, commands: { 'containerd-config-dump': { stdout: dump } }, binaries: OPERATOR_TOOLKIT });
    },
  },
  {
    id: 'healthy-k3s-runtimeclass',
    title: 'k3s with the nvidia runtime it detected, the device plugin and workloads using runtimeClassName: nvidia',
    thread: { url: 'https://github.com/NVIDIA/k8s-device-plugin/issues/477', state: 'open' },
    setup: 'k3s v1.30 (which pre-installs RuntimeClass nvidia and adds the runtime when it finds /usr/bin/nvidia-container-runtime), host driver and toolkit, device plugin chart with runtimeClassName=nvidia, a workload with runtimeClassName: nvidia.',
    quotes: [
      { who: 'wdennis (reporter, title)', text: 'How to specify alternate runtimeClassName in Helm chart' },
      { who: 'brandond (k3s maintainer), k3s-io/k3s#8700', text: 'Pre-install RuntimeClass resources for any runtimes that we support auto-detecting. These are cluster-level resources, and it is harmless for these to be present even if some/all nodes do not have the matching runtime in their containerd config.' },
    ],
    rootCause: 'Valid: the nvidia runtime is only an extra handler, and every GPU pod selects it through RuntimeClass nvidia; the default (runc) is untouched.',
    confirmation: { by: 'k3s maintainers (RuntimeClass pre-installed, k3s#8700/#8751); device plugin chart value runtimeClassName' },
    expect: { errors: [] },
    components: { k3s: 'v1.30.4+k3s1', containerd: '1.7.20-k3s1', 'k8s-device-plugin': 'v0.16.2' },
    rebuilt: 'Built from the behaviour the threads describe; names and versions filled in.',
    snapshot: { context: 'default', serverVersion: 'v1.30.4+k3s1', capturedAt: '2024-09-10T12:00:00Z' },
    build(s) {
      const node = 'k8s-c1';
      const created = '2024-09-01T00:00:00Z';
      cluster(s, { flavour: 'k3s', k8s: 'v1.30.4+k3s1', runtime: 'containerd://1.7.20-k3s1', kernel: '6.8.0-41-generic', os: 'ubuntu24.04', created, heartbeat: '2024-09-10T11:59:40Z', workers: [{ name: node, gpu: 'A10', gpus: 1, labels: { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true', 'nvidia.com/gpu.present': 'true' } }] });
      s.runtimeClass('nvidia', 'nvidia', created);
      s.runtimeClass('nvidia-experimental', 'nvidia-experimental', created);
      const dp = devicePluginChart(s, { release: 'nvdp', version: 'v0.16.2', created, nodes: [node], runtimeClassName: 'nvidia' });
      dsPod(s, dp.ds, node, { created, containers: [{ state: { running: addSeconds(created, 6) } }] });
      gpuPod(s, { ns: 'default', name: 'ollama-7d9c8b6f5-m2k4z', image: 'ollama/ollama:0.3.9', runtimeClassName: 'nvidia', node, created: '2024-09-05T10:00:00Z', state: { running: '2024-09-05T10:00:40Z' } });
      const cfg = k3sContainerd({ version: 2, nvidia: '/usr/bin/nvidia-container-runtime' });
      gpuHost(s, node, { gpu: 'A10', kernel: '6.8.0-41-generic', os: 'ubuntu24.04', driver: '550.107.02', cuda: '12.4', built: 'Wed Jul 24 23:53:34 UTC 2024', gcc: 'gcc version 13.2.0 (Ubuntu 13.2.0-23ubuntu4)', procs: [{ gpu: 0, pid: 21877, name: '/usr/bin/ollama', mem: 5120 }], files: { [`${K3S}/config.toml`]: cfg }, dirs: [K3S, `${K3S}/certs.d`], binaries: [...HOST_TOOLKIT.filter((b) => !b.endsWith('runc')), '/var/lib/rancher/k3s/data/current/bin/runc'], holds: held('550'), dpkg: ['nvidia-driver-550 550.107.02-0ubuntu0.24.04.1 hold ok installed'] });
    },
  },
  {
    id: 'healthy-k3s-cdi',
    title: 'k3s on NixOS with CDI: the device plugin and workloads run under RuntimeClass nvidia-cdi',
    thread: { url: 'https://github.com/davealtena/homelab/pull/1848', state: 'merged' },
    setup: 'k3s with nvidia-container-toolkit tools on its PATH (k3s detects nvidia and nvidia-cdi), a host CDI spec, the device plugin under runtimeClassName nvidia-cdi with DEVICE_ID_STRATEGY=index, RTX 5060 Ti, driver 595.71.05.',
    quotes: [
      { who: 'davealtena (author)', text: '- **k3s.nix**: add `nvidia-container-toolkit.tools` to k3s\'s PATH → k3s auto-detects nvidia-container-runtime and wires the `nvidia`/`nvidia-cdi` containerd runtimes.\n- **nvidia-device-plugin** DaemonSet: advertises `nvidia.com/gpu`, runs under `runtimeClassName: nvidia-cdi`, `DEVICE_ID_STRATEGY=index` (matches the host CDI spec).\n- **RuntimeClass nvidia-cdi** (the legacy nvidia runtime needs nvidia-container-cli, not set up on NixOS; CDI is via hardware.nvidia-container-toolkit).' },
      { who: 'davealtena (author)', text: 'Verified end-to-end: a pod with `runtimeClassName: nvidia-cdi` + `nvidia.com/gpu: 1` runs nvidia-smi and sees the RTX 5060 Ti (16GB, driver 595.71.05).' },
    ],
    rootCause: 'Valid: the CDI runtime (nvidia-container-runtime.cdi) injects the devices from the host CDI spec; the legacy nvidia handler is present but unused because nvidia-container-cli is absent on NixOS.',
    confirmation: { by: 'author, verified end-to-end' },
    expect: { errors: [] },
    components: { k3s: 'v1.33.3+k3s1', driver: '595.71.05', 'k8s-device-plugin': 'v0.17.3' },
    rebuilt: 'The setup is the author\'s; k3s version, node name, the generated config and the CDI spec path are filled in.',
    snapshot: { context: 'default', serverVersion: 'v1.33.3+k3s1', capturedAt: '2026-07-12T20:00:00Z' },
    build(s) {
      const node = 'phobos';
      const created = '2026-07-12T18:00:00Z';
      cluster(s, { flavour: 'k3s', k8s: 'v1.33.3+k3s1', runtime: 'containerd://2.0.5-k3s1', kernel: '6.12.36', os: 'nixos25.05', osImage: 'NixOS 25.05 (Warbler)', created: '2026-06-01T00:00:00Z', heartbeat: '2026-07-12T19:59:40Z', workers: [{ name: node, gpu: 'RTX4090', gpus: 1, labels: { 'node-role.kubernetes.io/control-plane': 'true', 'nvidia.com/gpu.present': 'true' } }] });
      s.runtimeClass('nvidia', 'nvidia', created);
      s.runtimeClass('nvidia-cdi', 'nvidia-cdi', created);
      const dp = devicePluginChart(s, { ns: 'kube-system', static: true, version: 'v0.17.3', created, nodes: [node], runtimeClassName: 'nvidia-cdi', env: [{ name: 'DEVICE_ID_STRATEGY', value: 'index' }, { name: 'DEVICE_LIST_STRATEGY', value: 'cdi-annotations' }] });
      dsPod(s, dp.ds, node, { created, containers: [{ state: { running: addSeconds(created, 5) } }] });
      gpuPod(s, { name: 'gpu-smoke', image: 'nvcr.io/nvidia/cuda:12.9.1-base-ubuntu24.04', command: ['nvidia-smi'], runtimeClassName: 'nvidia-cdi', node, created: '2026-07-12T19:00:00Z', restartPolicy: 'Never', phase: 'Succeeded', state: { terminated: 'Completed', exitCode: 0, startedAt: '2026-07-12T19:00:05Z', finishedAt: '2026-07-12T19:00:06Z' }, ready: false });
      const cfg = k3sContainerd({ version: 3, nvidia: '/run/current-system/sw/bin/nvidia-container-runtime', cdi: true });
      gpuHost(s, node, { gpu: 'RTX4090', kernel: '6.12.36', os: 'nixos25.05', driver: '595.71.05', cuda: '13.2', built: 'Fri May 29 00:00:00 UTC 2026', gcc: 'gcc version 14.2.1 20250322 (GCC)', files: { '/var/lib/rancher/k3s/agent/etc/containerd/config.toml': cfg, '/var/run/cdi/nvidia-container-toolkit.json': JSON.stringify({ cdiVersion: '0.5.0', kind: 'nvidia.com/gpu', devices: [{ name: '0', containerEdits: { deviceNodes: [{ path: '/dev/nvidia0' }] } }, { name: 'all', containerEdits: { deviceNodes: [{ path: '/dev/nvidia0' }] } }], containerEdits: { deviceNodes: [{ path: '/dev/nvidiactl' }, { path: '/dev/nvidia-uvm' }] } }, null, 2) + '\n' }, dirs: [K3S], binaries: ['/run/current-system/sw/bin/nvidia-container-runtime', '/run/current-system/sw/bin/nvidia-container-runtime.cdi', '/run/current-system/sw/bin/nvidia-ctk', '/var/lib/rancher/k3s/data/current/bin/runc'] });
    },
  },
  {
    id: 'healthy-rke2-template',
    title: 'RKE2 with CONTAINERD_CONFIG=config.toml.tmpl: nvidia is the default runtime, GPU pods need no runtimeClassName',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/473', state: 'closed' },
    setup: 'The resolution of gpu-operator#473: the GPU Operator\'s toolkit writes RKE2\'s config.toml.tmpl; RKE2 renders config.toml from it with default_runtime_name = "nvidia".',
    quotes: [{ who: 'eabochasjauregui (reporter)', text: 'We set `CONTAINERD_CONFIG` to `/var/lib/rancher/rke2/agent/etc/containerd/config.toml.tmpl` and the `config.toml` file was now updated properly. We also tested starting a GPU pod, without setting its `runtimeClassName`, and everything worked as expected.' }],
    rootCause: 'Valid: with nvidia as the default handler, pods without runtimeClassName get the driver injected.',
    confirmation: { by: 'reporter and maintainer (docs updated)' },
    expect: { errors: [] },
    components: { rke2: 'v1.26.0+rke2r1', 'gpu-operator': 'v22.9.1' },
    rebuilt: 'From the resolution; objects filled in.',
    snapshot: { context: 'rke2-gpu', serverVersion: 'v1.26.0+rke2r1', capturedAt: '2023-01-20T12:00:00Z' },
    build(s) {
      const created = '2023-01-16T10:00:00Z';
      const node = 'rke2-gpu-01';
      cluster(s, { flavour: 'rke2', k8s: 'v1.26.0+rke2r1', runtime: 'containerd://1.6.12-k3s1', kernel: '5.15.0-57-generic', os: 'ubuntu22.04', cp: 'rke2-server-01', created, heartbeat: '2023-01-20T11:59:50Z', workers: [{ name: node, gpu: 'A100PCIE', gpus: 1, labels: { ...operatorDeployLabels(), ...gfdLabels({ product: 'NVIDIA-A100-PCIE-40GB', count: 1, memory: 40960, driver: '525.60.13', cuda: '12.0', family: 'ampere', computeMajor: 8, computeMinor: 0, migCapable: true }) } }] });
      const g = gpuOperator(s, { version: 'v22.9.0', versions: { operator: 'v22.9.1' }, created: addSeconds(created, 600), cpNode: 'rke2-server-01', allNodes: ['rke2-server-01', node], gpuNodes: [node], driverVersion: '525.60.13', toolkitEnv: [{ name: 'CONTAINERD_CONFIG', value: '/var/lib/rancher/rke2/agent/etc/containerd/config.toml.tmpl' }, { name: 'CONTAINERD_SOCKET', value: '/run/k3s/containerd/containerd.sock' }, { name: 'CONTAINERD_RUNTIME_CLASS', value: 'nvidia' }, { name: 'CONTAINERD_SET_AS_DEFAULT', value: 'true' }] });
      healthyOperands(s, g, [node], addSeconds(created, 700));
      s.ns('ml', '2023-01-16T12:00:00Z');
      gpuPod(s, { ns: 'ml', name: 'cuda-vectoradd', image: 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda11.7.1-ubuntu20.04', node, created: '2023-01-20T11:00:00Z', restartPolicy: 'OnFailure', phase: 'Succeeded', state: { terminated: 'Completed', exitCode: 0, startedAt: '2023-01-20T11:00:05Z', finishedAt: '2023-01-20T11:00:07Z' }, ready: false });
      const cfg = k3sContainerd({ program: 'RKE2', dataDir: '/var/lib/rancher/rke2', version: 2, nvidia: '/usr/local/nvidia/toolkit/nvidia-container-runtime', defaultRuntime: 'nvidia' });
      gpuHost(s, node, { gpu: 'A100PCIE', kernel: '5.15.0-57-generic', os: 'ubuntu22.04', driver: '525.60.13', cuda: '12.0', built: 'Wed Nov 30 06:39:21 UTC 2022', files: { [`${RKE2}/config.toml`]: cfg, [`${RKE2}/config.toml.tmpl`]: cfg.replace('# File generated by RKE2. DO NOT EDIT. Use config.toml.tmpl instead.\n', '') }, dirs: [RKE2, `${RKE2}/certs.d`], binaries: [...OPERATOR_TOOLKIT.filter((b) => !b.endsWith('runc')), '/var/lib/rancher/rke2/bin/runc'] });
    },
  },
  {
    id: 'healthy-crio-hooks',
    title: 'OpenShift with CRI-O: GPU injection through the OCI prestart hook, no nvidia runtime handler, pods without runtimeClassName',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/1298', state: 'open' },
    setup: 'OpenShift, GPU Operator with defaults: on CRI-O the toolkit installs a prestart hook, operands carry no runtimeClassName (controllers/object_controls.go setRuntimeClass: containerd only).',
    quotes: [
      { who: 'okyspace (reporter)', text: 'The logs shows\n- Starting \'setup\' for crio\n- Installing prestart hook\n- waiting for signal.' },
      { who: 'tariq1890 (maintainer)', text: 'Oh, `crio` uses the OCI runtime hooks. The `nvidia` runtime handler is not applicable in your case' },
    ],
    rootCause: 'Valid: CRI-O runs the NVIDIA hook for every container (hooks.d), so no handler and no RuntimeClass are involved.',
    confirmation: { by: 'maintainer (tariq1890)' },
    expect: { errors: [] },
    components: { 'gpu-operator': 'v24.9.2', openshift: '4.16', 'cri-o': '1.29.10' },
    rebuilt: 'The mechanism is the maintainer\'s; cluster filled in (the healthy counterpart of gpu-operator-1298).',
    snapshot: { context: 'admin@ocp-ai', serverVersion: 'v1.29.10+67d3387', capturedAt: '2025-02-27T10:00:00Z' },
    build(s) {
      const created = '2025-02-24T09:00:00Z';
      const kernel = '5.14.0-427.42.1.el9_4.x86_64';
      const node = 'worker-gpu-0.ocp-ai.example.com';
      cluster(s, { flavour: 'openshift', k8s: 'v1.29.10+67d3387', runtime: 'cri-o://1.29.10-3.rhaos4.16.git1a6d7bd.el9', kernel, os: 'rhcos4.16', osImage: 'Red Hat Enterprise Linux CoreOS 416.94.202411201433-0', cp: 'master-0.ocp-ai.example.com', created: '2025-01-10T09:00:00Z', heartbeat: '2025-02-27T09:59:40Z', workers: [{ name: node, gpu: 'A100', gpus: 1, labels: { ...operatorDeployLabels(), ...gfdLabels({ product: 'NVIDIA-A100-SXM4-80GB', count: 1, memory: 81920, driver: '550.144.03', cuda: '12.4', family: 'ampere', computeMajor: 8, computeMinor: 0, migCapable: true }), 'node-role.kubernetes.io/worker': '' } }] });
      const g = gpuOperator(s, { ns: 'nvidia-gpu-operator', version: 'v24.9.2', created, defaultRuntime: 'crio', osTag: 'rhcos4.16', cpNode: 'master-0.ocp-ai.example.com', allNodes: ['master-0.ocp-ai.example.com', node], gpuNodes: [node] });
      healthyOperands(s, g, [node], addSeconds(created, 60));
      s.ns('inference', '2025-02-25T00:00:00Z');
      gpuPod(s, { ns: 'inference', name: 'triton-5b9c7d8f6-q7w2e', image: 'nvcr.io/nvidia/tritonserver:24.12-py3', node, created: '2025-02-26T08:00:00Z', state: { running: '2025-02-26T08:01:10Z' } });
      gpuHost(s, node, { gpu: 'A100', kernel, os: 'rhel9.4', driver: '550.144.03', cuda: '12.4', built: 'Thu Dec 19 02:42:59 UTC 2024', gcc: 'gcc version 11.4.1 20231218 (Red Hat 11.4.1-3) (GCC)', procs: [{ gpu: 0, pid: 88412, name: 'tritonserver', mem: 30212 }], files: { '/etc/crio/crio.conf': crioConf({ hooksDir: ['/usr/share/containers/oci/hooks.d', '/run/containers/oci/hooks.d'] }), '/run/containers/oci/hooks.d/oci-nvidia-hook.json': JSON.stringify({ version: '1.0.0', hook: { path: '/usr/local/nvidia/toolkit/nvidia-container-runtime-hook', args: ['nvidia-container-runtime-hook', 'prestart'] }, when: { always: true, commands: ['.*'] }, stages: ['prestart'] }, null, 2) + '\n' }, binaries: ['/usr/local/nvidia/toolkit/nvidia-container-runtime-hook', '/usr/local/nvidia/toolkit/nvidia-ctk', '/usr/libexec/crio/crun', '/usr/libexec/crio/runc'] });
    },
  },
  {
    id: 'healthy-mig-mixed',
    title: 'A100 with MIG mixed strategy: the node advertises nvidia.com/mig-<g>g.<mem>gb resources, pods request them',
    thread: { url: 'https://github.com/NVIDIA/k8s-device-plugin/blob/v0.17.0/README.md', state: 'documentation' },
    setup: 'GPU Operator with mig.strategy=mixed and the MIG manager; an A100 80GB partitioned all-balanced (2×1g.10gb, 1×2g.20gb, 1×3g.40gb); pods request MIG resources, none requests nvidia.com/gpu.',
    quotes: [{ who: 'k8s-device-plugin README (v0.17.0)', text: '**Note:** With a `MIG_STRATEGY` of mixed, you will have additional resources\n  available to you of the form `nvidia.com/mig-<slice_count>g.<memory_size>gb`\n  that you can set in your pod spec to get access to a specific MIG device.' }],
    rootCause: 'Valid: with the mixed strategy the full-GPU resource is 0 on a MIG-enabled GPU; capacity appears as per-profile MIG resources, which the pods ask for.',
    confirmation: { by: 'device plugin documentation' },
    expect: { errors: [] },
    components: { 'gpu-operator': 'v24.9.2', 'mig-manager': 'v0.10.0' },
    rebuilt: 'Documented behaviour; the cluster is filled in.',
    snapshot: { context: 'dgx-lab', serverVersion: 'v1.30.6', capturedAt: '2025-03-01T10:00:00Z' },
    build(s) {
      const created = '2025-02-20T00:00:00Z';
      const node = 'a100-node-01';
      const mig = { 'nvidia.com/mig-1g.10gb': '2', 'nvidia.com/mig-2g.20gb': '1', 'nvidia.com/mig-3g.40gb': '1' };
      cluster(s, { flavour: 'kubeadm', k8s: 'v1.30.6', runtime: 'containerd://1.7.22', kernel: '5.15.0-125-generic', os: 'ubuntu22.04', cp: 'cp-01', created, heartbeat: '2025-03-01T09:59:40Z', workers: [{ name: node, gpu: 'A100', gpus: 0, extended: mig, labels: { ...operatorDeployLabels({ mig: true }), 'nvidia.com/mig.config': 'all-balanced', 'nvidia.com/mig.config.state': 'success', ...gfdLabels({ product: 'NVIDIA-A100-SXM4-80GB', count: 1, memory: 81920, driver: '550.127.08', cuda: '12.4', family: 'ampere', computeMajor: 8, computeMinor: 0, migCapable: true, migStrategy: 'mixed', extra: { 'nvidia.com/mig-1g.10gb.count': '2', 'nvidia.com/mig-1g.10gb.memory': '9728', 'nvidia.com/mig-2g.20gb.count': '1', 'nvidia.com/mig-3g.40gb.count': '1' } }) } }] });
      const g = gpuOperator(s, { version: 'v24.9.2', created, mig: true, migStrategy: 'mixed', driverVersion: '550.127.08', cpNode: 'cp-01', allNodes: ['cp-01', node], gpuNodes: [node] });
      healthyOperands(s, g, [node], addSeconds(created, 60));
      s.ns('research', created);
      gpuPod(s, { ns: 'research', name: 'jupyter-alice', image: 'nvcr.io/nvidia/pytorch:24.12-py3', resource: 'nvidia.com/mig-1g.10gb', node, created: '2025-02-28T09:00:00Z', state: { running: '2025-02-28T09:01:00Z' } });
      gpuPod(s, { ns: 'research', name: 'finetune-bert', image: 'nvcr.io/nvidia/pytorch:24.12-py3', resource: 'nvidia.com/mig-3g.40gb', node, created: '2025-02-28T10:00:00Z', state: { running: '2025-02-28T10:01:00Z' } });
      gpuHost(s, node, { gpu: 'A100', kernel: '5.15.0-125-generic', os: 'ubuntu22.04', driver: '550.127.08', cuda: '12.4', built: 'Sun Nov  3 02:34:20 UTC 2024', mig: true, files: { '/etc/containerd/config.toml': containerdV2({ nvidia: '/usr/local/nvidia/toolkit/nvidia-container-runtime', defaultRuntime: 'nvidia' }) }, binaries: OPERATOR_TOOLKIT });
    },
  },
  {
    id: 'healthy-time-slicing',
    title: 'Time-slicing: one T4 advertised as 4 nvidia.com/gpu replicas, four pods share it',
    thread: { url: 'https://github.com/NVIDIA/k8s-device-plugin/blob/v0.17.0/README.md', state: 'documentation' },
    setup: 'GPU Operator with a device plugin config sharing.timeSlicing replicas: 4 (renameByDefault false); GFD labels the product "-SHARED" and replicas=4.',
    quotes: [{ who: 'k8s-device-plugin README (v0.17.0)', text: 'If this configuration were applied to a node with 8 GPUs on it, the plugin\nwould now advertise 80 `nvidia.com/gpu` resources to Kubernetes instead of 8.' }],
    rootCause: 'Valid: 4 allocatable nvidia.com/gpu on a node with one physical GPU, each pod holding one replica, nvidia-smi showing four processes on GPU 0.',
    confirmation: { by: 'device plugin documentation' },
    expect: { errors: [] },
    components: { 'gpu-operator': 'v24.9.2', 'k8s-device-plugin': 'v0.17.0' },
    rebuilt: 'Documented behaviour; the cluster is filled in.',
    snapshot: { context: 'edge-ts', serverVersion: 'v1.31.2', capturedAt: '2025-03-02T10:00:00Z' },
    build(s) {
      const created = '2025-02-25T00:00:00Z';
      const node = 't4-edge-01';
      cluster(s, { flavour: 'kubeadm', k8s: 'v1.31.2', runtime: 'containerd://1.7.23', kernel: '5.15.0-126-generic', os: 'ubuntu22.04', cp: 'cp-01', created, heartbeat: '2025-03-02T09:59:40Z', workers: [{ name: node, gpu: 'T4', gpus: 4, labels: { ...operatorDeployLabels(), 'nvidia.com/device-plugin.config': 'tesla-t4', ...gfdLabels({ product: 'Tesla-T4', count: 1, memory: 15360, driver: '550.127.08', cuda: '12.4', family: 'turing', computeMajor: 7, computeMinor: 5, replicas: 4, sharing: 'time-slicing' }) } }] });
      const g = gpuOperator(s, { version: 'v24.9.2', created, driverVersion: '550.127.08', cpNode: 'cp-01', allNodes: ['cp-01', node], gpuNodes: [node], devicePluginConfig: { name: 'time-slicing-config', default: 'tesla-t4' } });
      healthyOperands(s, g, [node], addSeconds(created, 60));
      s.add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'time-slicing-config', namespace: 'gpu-operator', creationTimestamp: created, resourceVersion: s.nextRv(), uid: 'cm-time-slicing' }, data: { 'tesla-t4': 'version: v1\nflags:\n  migStrategy: none\nsharing:\n  timeSlicing:\n    resources:\n    - name: nvidia.com/gpu\n      replicas: 4\n' } });
      s.ns('apps', created);
      for (let i = 1; i <= 4; i++) gpuPod(s, { ns: 'apps', name: `detector-${i}`, image: 'nvcr.io/nvidia/deepstream:7.1-triton-multiarch', node, created: '2025-03-01T08:00:00Z', state: { running: '2025-03-01T08:00:45Z' } });
      gpuHost(s, node, { gpu: 'T4', kernel: '5.15.0-126-generic', os: 'ubuntu22.04', driver: '550.127.08', cuda: '12.4', built: 'Sun Nov  3 02:34:20 UTC 2024', procs: [1, 2, 3, 4].map((i) => ({ gpu: 0, pid: 61000 + i, name: 'deepstream-app', mem: 2900 })), files: { '/etc/containerd/config.toml': containerdV2({ nvidia: '/usr/local/nvidia/toolkit/nvidia-container-runtime', defaultRuntime: 'nvidia' }) }, binaries: OPERATOR_TOOLKIT });
    },
  },
  {
    id: 'healthy-host-driver',
    title: 'GPU Operator with driver.enabled=false on nodes with a pre-installed, held host driver',
    thread: { url: 'https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/install-gpu-operator.html', state: 'documentation' },
    setup: 'Host driver 550.127.05 from Ubuntu packages (apt-mark hold), GPU Operator with --set driver.enabled=false, operator-managed toolkit; no driver DaemonSet exists (the deploy label stays true; the driver manager would relabel it pre-installed only when driver.enabled=true finds a host driver).',
    quotes: [{ who: 'GPU Operator documentation (Chart Customization Options)', text: 'By default, the Operator deploys NVIDIA drivers as a container on the system. Set this value to false when using the Operator on systems with pre-installed drivers.' }],
    rootCause: 'Valid: no driver DaemonSet, the validator finds the host driver ("Detected a pre-installed driver on the host", validator/main.go:769), the toolkit points at driver root /.',
    confirmation: { by: 'GPU Operator documentation' },
    expect: { errors: [] },
    components: { 'gpu-operator': 'v24.9.2', driver: '550.127.05 (host packages)' },
    rebuilt: 'Documented setup; the cluster is filled in.',
    snapshot: { context: 'kubernetes-admin@bm', serverVersion: 'v1.30.5', capturedAt: '2025-01-15T10:00:00Z' },
    build(s) {
      const created = '2025-01-10T00:00:00Z';
      const nodes = ['bm-gpu-01', 'bm-gpu-02'];
      cluster(s, { flavour: 'kubeadm', k8s: 'v1.30.5', runtime: 'containerd://1.7.22', kernel: '5.15.0-127-generic', os: 'ubuntu22.04', cp: 'bm-cp-01', created, heartbeat: '2025-01-15T09:59:40Z', workers: nodes.map((name) => ({ name, gpu: 'L4', gpus: 2, labels: { ...operatorDeployLabels(), ...gfdLabels({ product: 'NVIDIA-L4', count: 2, memory: 23034, driver: '550.127.05', cuda: '12.4', family: 'ada-lovelace', computeMajor: 8, computeMinor: 9 }) } })) });
      const g = gpuOperator(s, { version: 'v24.9.2', created, driver: false, cpNode: 'bm-cp-01', allNodes: ['bm-cp-01', ...nodes], gpuNodes: nodes });
      healthyOperands(s, g, nodes, addSeconds(created, 60));
      const v = s.objects.find((o) => o.kind === 'Pod' && o.metadata.name.startsWith('nvidia-operator-validator'));
      s.log(v, 'driver-validation', ['time="2025-01-10T00:01:10Z" level=info msg="version: 3d3b1b13-amd64, commit: 3d3b1b1"', 'time="2025-01-10T00:01:10Z" level=info msg="Attempting to validate a pre-installed driver on the host"', 'Fri Jan 10 00:01:10 2025', 'time="2025-01-10T00:01:11Z" level=info msg="Detected a pre-installed driver on the host"', 'time="2025-01-10T00:01:11Z" level=info msg="creating symlinks under /dev/char that correspond to NVIDIA character devices"'].join('\n'));
      for (const n of nodes) gpuHost(s, n, { gpu: 'L4', count: 2, kernel: '5.15.0-127-generic', os: 'ubuntu22.04', driver: '550.127.05', cuda: '12.4', built: 'Tue Oct 22 23:07:17 UTC 2024', files: { '/etc/containerd/config.toml': containerdV2({ nvidia: '/usr/local/nvidia/toolkit/nvidia-container-runtime', defaultRuntime: 'nvidia' }), '/etc/modprobe.d/blacklist-nouveau.conf': 'blacklist nouveau\noptions nouveau modeset=0\n' }, binaries: OPERATOR_TOOLKIT, holds: held('550', '550.127.05', ['nvidia-kernel-common-550']), dpkg: ['libnvidia-compute-550 550.127.05-0ubuntu0.22.04.1 hold ok installed', 'nvidia-dkms-550 550.127.05-0ubuntu0.22.04.1 hold ok installed', 'nvidia-driver-550 550.127.05-0ubuntu0.22.04.1 hold ok installed', 'nvidia-kernel-common-550 550.127.05-0ubuntu0.22.04.1 hold ok installed', 'nvidia-utils-550 550.127.05-0ubuntu0.22.04.1 hold ok installed'] });
    },
  },
  {
    id: 'healthy-hami-operator',
    title: 'HAMi beside the GPU Operator (devicePlugin.enabled=false): HAMi\'s device plugin on gpu=on nodes, vGPU pods running',
    thread: { url: 'https://github.com/Project-HAMi/HAMi/blob/v2.5.0/README.md', state: 'documentation' },
    setup: 'GPU Operator (driver, toolkit as default runtime, GFD, DCGM) with devicePlugin.enabled=false; HAMi v2.5.0 with the gpu=on label on both GPU nodes; pods request nvidia.com/gpu with nvidia.com/gpumem.',
    quotes: [
      { who: 'HAMi README (v2.5.0)', text: 'First, Label your GPU nodes for scheduling with HAMi by adding the label "gpu=on". Without this label, the nodes cannot be managed by our scheduler.' },
      { who: 'HAMi README (v2.5.0), prerequisites', text: '- default runtime configured as nvidia for containerd/docker/cri-o container runtime' },
    ],
    rootCause: 'Valid: one device plugin per node (HAMi\'s), nvidia as containerd\'s default runtime (HAMi\'s plugin sets no runtimeClassName), every GPU node labelled gpu=on.',
    confirmation: { by: 'HAMi documentation' },
    expect: { errors: [] },
    components: { hami: 'v2.5.0', 'gpu-operator': 'v24.9.2' },
    rebuilt: 'Documented setup; the cluster is filled in.',
    snapshot: { context: 'kubernetes-admin@hami', serverVersion: 'v1.30.5', capturedAt: '2025-02-01T10:00:00Z' },
    build(s) {
      const created = '2025-01-20T00:00:00Z';
      const nodes = ['gpu-a10-01', 'gpu-a10-02'];
      cluster(s, { flavour: 'kubeadm', k8s: 'v1.30.5', runtime: 'containerd://1.7.22', kernel: '5.15.0-127-generic', os: 'ubuntu22.04', cp: 'cp-01', created, heartbeat: '2025-02-01T09:59:40Z', workers: nodes.map((name) => ({ name, gpu: 'A10', gpus: 10, extended: { 'nvidia.com/gpumem': '23028', 'nvidia.com/gpucores': '100' }, labels: { gpu: 'on', ...operatorDeployLabels({ overrides: { 'nvidia.com/gpu.deploy.device-plugin': 'true' } }), ...gfdLabels({ product: 'NVIDIA-A10', count: 1, memory: 23028, driver: '550.127.08', cuda: '12.4', family: 'ampere', computeMajor: 8, computeMinor: 6 }) }, annotations: { 'hami.io/node-handshake': 'Reported 2025-02-01 09:59:31.221097338 +0000 UTC', 'hami.io/node-nvidia-register': `GPU-${name === nodes[0] ? '6c2ab1a3' : '9e1f04bd'}-3f2e-5b0c-9d54-2b1e0f6a7c11,10,23028,100,NVIDIA-NVIDIA A10,0,true:` } })) });
      const g = gpuOperator(s, { version: 'v24.9.2', created, devicePlugin: false, driverVersion: '550.127.08', cpNode: 'cp-01', allNodes: ['cp-01', ...nodes], gpuNodes: nodes });
      healthyOperands(s, g, nodes, addSeconds(created, 60));
      // The validator's plugin-validation is skipped when the operator's device plugin is disabled: drop that workload pod.
      s.objects = s.objects.filter((o) => !(o.kind === 'Pod' && o.metadata.name.startsWith('nvidia-device-plugin-validator')));
      const h = hami(s, { version: 'v2.5.0', k8s: 'v1.30.5', created, cpNode: 'cp-01', nodes });
      for (const n of nodes) dsPod(s, h.plugin, n, { created, containers: [{ state: { running: addSeconds(created, 5) } }, { state: { running: addSeconds(created, 5) } }] });
      s.ns('ai', created);
      gpuPod(s, { ns: 'ai', name: 'chatglm-0', image: 'registry.local/chatglm3:6b', extraLimits: { 'nvidia.com/gpumem': '12000', 'nvidia.com/gpucores': '50' }, schedulerName: 'hami-scheduler', node: nodes[0], created: '2025-01-30T08:00:00Z', annotations: { 'hami.io/vgpu-node': nodes[0], 'hami.io/bind-phase': 'success' }, state: { running: '2025-01-30T08:00:50Z' } });
      gpuPod(s, { ns: 'ai', name: 'whisper-0', image: 'registry.local/whisper:large-v3', extraLimits: { 'nvidia.com/gpumem': '8000' }, schedulerName: 'hami-scheduler', node: nodes[0], created: '2025-01-30T09:00:00Z', annotations: { 'hami.io/vgpu-node': nodes[0], 'hami.io/bind-phase': 'success' }, state: { running: '2025-01-30T09:00:40Z' } });
      for (const n of nodes) gpuHost(s, n, { gpu: 'A10', kernel: '5.15.0-127-generic', os: 'ubuntu22.04', driver: '550.127.08', cuda: '12.4', built: 'Sun Nov  3 02:34:20 UTC 2024', procs: n === nodes[0] ? [{ gpu: 0, pid: 3011, name: 'python3', mem: 11800 }, { gpu: 0, pid: 3190, name: 'python3', mem: 7900 }] : [], files: { '/etc/containerd/config.toml': containerdV2({ nvidia: '/usr/local/nvidia/toolkit/nvidia-container-runtime', defaultRuntime: 'nvidia' }) }, binaries: OPERATOR_TOOLKIT });
    },
  },
];
