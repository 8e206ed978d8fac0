// The host driver (library/module mismatch, nouveau, too old for the image's CUDA) and GPU scheduling
// (more GPUs asked than a node has, crash-looping holders, kubelet admission).
import { addSeconds, dsPod, klog, suffix } from '../lib.mjs';
import { AUTO_UPGRADES, HOST_TOOLKIT, OPERATOR_TOOLKIT, containerdV2, gfdLabels, operatorDeployLabels, dockerDaemonJson } from '../host.mjs';
import { cluster, devicePluginChart, gpuHost, gpuOperator, gpuPod, hami, healthyOperands, runningOperand } from '../stacks.mjs';

export const cases = [
  {
    id: 'homelab-4110',
    title: 'unattended-upgrades upgrades the host NVIDIA packages under a loaded module: the device plugin restarts 269 times',
    thread: { url: 'https://github.com/pando85/homelab/pull/4110', state: 'merged' },
    setup: 'Homelab cluster, Ubuntu GPU node "prusik" with NVIDIA host packages (nvidia-headless-*, libnvidia-*), unattended-upgrades enabled, GPU Operator device plugin.',
    quotes: [
      { who: 'pando85 (author)', text: 'Unattended-upgrades was automatically upgrading NVIDIA host packages (`nvidia-headless-*`, `libnvidia-*`, `cuda-*`, etc.) on GPU nodes. This conflicts with the GPU Operator, which manages NVIDIA drivers as containers. When the host library gets upgraded but the kernel modules are still from the old version (or vice versa), the device plugin crashes with:\n\n```\nDriver/library version mismatch — failed to initialize NVML\n```\n\nThis caused 269 restarts of the `nvidia-device-plugin` on `prusik` before a node reboot realigned the versions.' },
      { who: 'pando85 (author)', text: 'Add NVIDIA package patterns to the unattended-upgrades blacklist in `50unattended-upgrades`:\n\n- `nvidia-.*`\n- `libnvidia-.*`\n- `cuda-.*`\n- `xserver-xorg-video-nvidia-.*`' },
    ],
    rootCause: 'The NVIDIA user-space libraries on the host were upgraded while the loaded kernel module kept the old version: NVML refuses to initialise (driver/library version mismatch) until a reboot loads the matching module. The fix keeps unattended-upgrades away from NVIDIA packages.',
    confirmation: { by: 'author of the fix (merged)', quote: 'This caused 269 restarts of the `nvidia-device-plugin` on `prusik` before a node reboot realigned the versions.' },
    expect: { errors: ['driver-library-mismatch'], note: 'driver-packages-unheld (a warning) belongs to the same story.' },
    components: { 'gpu-operator': 'v25.3.0', driver: '570.158.01 loaded, 570.172.08 user space', kubernetes: 'v1.33.1' },
    rebuilt: 'The node name, the restart count and the symptom are the author\'s (his "—" line paraphrases NVML\'s message; the snapshot carries nvidia-smi\'s and the device plugin\'s real wording). Versions, the host-driver layout (driver.enabled=false with the host packages the PR names) and the other objects are filled in.',
    snapshot: { context: 'homelab', serverVersion: 'v1.33.1', capturedAt: '2026-06-04T07:12:00Z' },
    build(s) {
      const node = 'prusik';
      const created = '2026-05-01T00:00:00Z';
      cluster(s, { flavour: 'kubeadm', k8s: 'v1.33.1', runtime: 'containerd://1.7.27', kernel: '6.8.0-60-generic', os: 'ubuntu24.04', cp: 'grigri', created, heartbeat: '2026-06-04T07:11:40Z', workers: [{ name: node, gpu: 'RTX4090', gpus: 1, allocatableGpus: 0, labels: { ...operatorDeployLabels(), ...gfdLabels({ product: 'NVIDIA-GeForce-RTX-4090', count: 1, memory: 24564, driver: '570.158.01', cuda: '12.8', family: 'ada-lovelace', computeMajor: 8, computeMinor: 9 }) } }] });
      const g = gpuOperator(s, { version: 'v25.3.0', created, driver: false, cpNode: 'grigri', allNodes: ['grigri', node], gpuNodes: [node], osTag: 'ubuntu24.04', dsStatus: { devicePlugin: { desired: 1, ready: 0 } }, policyStatus: { conditions: [{ lastTransitionTime: '2026-06-03T02:10:00Z', message: '', reason: 'Error', status: 'False', type: 'Ready' }, { lastTransitionTime: '2026-06-03T02:10:00Z', message: 'ClusterPolicy is not ready, states not ready: [state-device-plugin]', reason: 'OperandNotReady', status: 'True', type: 'Error' }], namespace: 'gpu-operator', state: 'notReady' } });
      const t = addSeconds(created, 60);
      for (const c of ['toolkit', 'gfd', 'dcgmExporter', 'validator']) runningOperand(s, g, c, node, t);
      const dp = dsPod(s, g.ds.devicePlugin, node, { created: t, phase: 'Running', initContainers: [{ state: { terminated: 'Completed', exitCode: 0 } }], containers: [{ state: { waiting: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=nvidia-device-plugin' }, restarts: 269, last: { reason: 'Error', exitCode: 1, startedAt: '2026-06-04T07:05:12Z', finishedAt: '2026-06-04T07:05:12Z' } }] });
      s.log(dp, 'nvidia-device-plugin', [klog('I', '2026-06-04T07:05:12Z', 'main.go:317', 'Loading configuration.'), klog('I', '2026-06-04T07:05:12Z', 'main.go:353', 'Updating config with default resource matching patterns.'), klog('E', '2026-06-04T07:05:12Z', 'factory.go:93', 'Failed to initialize NVML: Driver/library version mismatch.'), klog('E', '2026-06-04T07:05:12Z', 'factory.go:94', 'If this is a GPU node, did you set the docker default runtime to `nvidia`?'), klog('E', '2026-06-04T07:05:12Z', 'main.go:173', 'error starting plugins: error creating plugin manager: unable to create plugin manager: nvml init failed: Driver/library version mismatch')].join('\n'), { previous: true });
      const dpkg = ['libnvidia-compute-570-server 570.172.08-0ubuntu0.24.04.1 install ok installed', 'nvidia-headless-no-dkms-570-server 570.172.08-0ubuntu0.24.04.1 install ok installed', 'nvidia-kernel-common-570-server 570.172.08-0ubuntu0.24.04.1 install ok installed', 'nvidia-utils-570-server 570.172.08-0ubuntu0.24.04.1 install ok installed', 'linux-modules-nvidia-570-server-6.8.0-60-generic 6.8.0-60.63+1 install ok installed', 'unattended-upgrades 2.9.1+nmu4ubuntu1 install ok installed'];
      gpuHost(s, node, { gpu: 'RTX4090', kernel: '6.8.0-60-generic', os: 'ubuntu24.04', driver: '570.158.01', built: 'Sun Jun  8 03:17:19 UTC 2025', gcc: 'gcc version 13.3.0 (Ubuntu 13.3.0-6ubuntu2~24.04)', smiFailure: { stdout: 'Failed to initialize NVML: Driver/library version mismatch\nNVML library version: 570.172\n', exit: 18 }, files: { '/etc/containerd/config.toml': containerdV2({ nvidia: '/usr/local/nvidia/toolkit/nvidia-container-runtime', defaultRuntime: 'nvidia' }), '/etc/apt/apt.conf.d/20auto-upgrades': AUTO_UPGRADES }, binaries: OPERATOR_TOOLKIT, holds: [], dpkg });
    },
  },
  {
    id: 'gpu-operator-8',
    title: 'Driver container fails ("Unable to open \'kernel/dkms.conf\'") until nouveau is disabled',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/8', state: 'closed' },
    setup: 'Early GPU Operator (driver 418.87.01 container, Ubuntu 18.04, kernel 4.15.0-66-generic) on a node where nouveau was loaded.',
    quotes: [
      { who: 'dkozlov (reporter)', text: 'Update:\n\nInstallation has been successfully completed after disabling nouveau and updating initramfs as root:\n`\necho -e "blacklist nouveau\\noptions nouveau modeset=0" > /etc/modprobe.d/disable-nouveau.conf\nupdate-initramfs -u\n`' },
      { who: 'dkozlov (reporter)', text: '========== NVIDIA Software Installer ==========                              \n                                                   \nStarting installation of NVIDIA driver version 418.87.01 for Linux kernel version 4.15.0-66-generic\n                                  \nStopping NVIDIA persistence daemon...            \nUnloading NVIDIA driver kernel modules...\nUnmounting NVIDIA driver rootfs...\nChecking NVIDIA driver packages...               \nFound NVIDIA driver package nvidia-modules-4.15.0-builtin\nInstalling NVIDIA driver kernel modules...\n                                                                                                                                  \nWARNING: The nvidia-drm module will not be installed. As a result, DRM-KMS will not function with this installation of the NVIDIA driver.\n                                       \n                                     \nERROR: Unable to open \'kernel/dkms.conf\' for copying (No su' },
    ],
    rootCause: 'nouveau owned the GPU, so the driver container could not install and load nvidia.ko; blacklisting nouveau (and rebuilding the initramfs) let the installation complete.',
    confirmation: { by: 'reporter', quote: 'Installation has been successfully completed after disabling nouveau' },
    expect: { errors: ['nouveau-loaded'] },
    components: { 'gpu-operator': '1.0.0-beta', driver: '418.87.01', kubernetes: 'v1.15.3', docker: '18.09.7' },
    rebuilt: 'The driver container log head is the reporter\'s (completed with the installer\'s kernel-module-load error that follows it); lsmod with nouveau, the node and the operator objects are filled in.',
    snapshot: { context: 'kubernetes-admin@dgx-lab', serverVersion: 'v1.15.3', capturedAt: '2019-11-03T10:02:00Z' },
    build(s) {
      const node = 'gpu-ws-01';
      const created = '2019-11-03T09:00:00Z';
      cluster(s, { flavour: 'kubeadm', k8s: 'v1.15.3', runtime: 'docker://18.9.7', kernel: '4.15.0-66-generic', os: 'ubuntu18.04', cp: 'k8s-master', created: '2019-10-01T00:00:00Z', heartbeat: '2019-11-03T10:01:40Z', workers: [{ name: node, gpu: 'RTX3090', labels: { 'nvidia.com/gpu.present': 'true' } }] });
      const g = gpuOperator(s, { ns: 'gpu-operator-resources', version: 'v1.0.0', created, defaultRuntime: 'docker', validator: false, gfd: false, runtimeClass: false, osTag: 'ubuntu18.04', cpNode: 'k8s-master', allNodes: ['k8s-master', node], gpuNodes: [node], dsStatus: { driver: { desired: 1, ready: 0 }, toolkit: { desired: 1, ready: 0 }, devicePlugin: { desired: 1, ready: 0 }, dcgmExporter: { desired: 1, ready: 0 } }, policyStatus: { state: 'notReady' } });
      const drv = dsPod(s, g.ds.driver, node, { created: addSeconds(created, 30), phase: 'Running', initContainers: [{ state: { terminated: 'Completed', exitCode: 0 } }], containers: [{ state: { waiting: 'CrashLoopBackOff' }, restarts: 14, last: { reason: 'Error', exitCode: 1 } }] });
      s.log(drv, 'nvidia-driver-ctr', ['========== NVIDIA Software Installer ==========', '', 'Starting installation of NVIDIA driver version 418.87.01 for Linux kernel version 4.15.0-66-generic', '', 'Stopping NVIDIA persistence daemon...', 'Unloading NVIDIA driver kernel modules...', 'Unmounting NVIDIA driver rootfs...', 'Checking NVIDIA driver packages...', 'Found NVIDIA driver package nvidia-modules-4.15.0-builtin', 'Installing NVIDIA driver kernel modules...', '', 'WARNING: The nvidia-drm module will not be installed. As a result, DRM-KMS will not function with this installation of the NVIDIA driver.', '', '', "ERROR: Unable to open 'kernel/dkms.conf' for copying (No such file or directory)", '', '', "ERROR: Unable to load the kernel module 'nvidia.ko'.  This happens most frequently when this kernel module was built against the wrong or improperly configured kernel sources, with a version of gcc that differs from the one used to build the target kernel, or if another driver, such as nouveau, is present and prevents the NVIDIA kernel module from obtaining ownership of the NVIDIA GPU(s), or no NVIDIA GPU installed in this system is supported by this NVIDIA Linux graphics driver release.", '', "Please see the log entries 'Kernel module load error' and 'Kernel messages' at the end of the file '/var/log/nvidia-installer.log' for more information.", '', '', 'ERROR: Installation has failed.  Please see the file \'/var/log/nvidia-installer.log\' for details.  You may find suggestions on fixing installation problems in the README available on the Linux driver download page at www.nvidia.com.'].join('\n'), { previous: true });
      for (const c of ['toolkit', 'devicePlugin', 'dcgmExporter']) dsPod(s, g.ds[c], node, { created: addSeconds(created, 30), phase: 'Pending', initContainers: (g.ds[c].spec.template.spec.initContainers ?? []).map(() => ({ state: { running: addSeconds(created, 40) } })), containers: [{ state: { waiting: 'PodInitializing' } }] });
      gpuHost(s, node, { gpu: 'RTX3090', kernel: '4.15.0-66-generic', os: 'ubuntu18.04', driver: null, nouveau: true, smiFailure: { exit: 127, stderr: 'bash: nvidia-smi: command not found\n' }, files: { '/etc/docker/daemon.json': JSON.stringify({ 'exec-opts': ['native.cgroupdriver=systemd'] }, null, 2) + '\n' } });
    },
  },
  {
    id: 'gpu-operator-277',
    title: 'nvidia-cuda-validator vectorAdd fails on driver 450: "CUDA driver version is insufficient for CUDA runtime version"',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/277', state: 'closed' },
    setup: 'GPU Operator v1.8.x with driver.version pinned to a 450 driver; the validator\'s cuda-validation runs vectorAdd built against a newer CUDA.',
    quotes: [
      { who: 'ClementGautier', text: 'Soooo I fixed this using the latest drivers (470) instead of the 450 I was using. I guess there is a missmatch version between the cuda samples used in the image and the driver.' },
      { who: 'skirsten', text: 'The only strange thing I found is that the node-labels are wrong:\n```\nnvidia.com/cuda.runtime.major=11\nnvidia.com/cuda.runtime.minor=7\n```' },
    ],
    rootCause: 'The validator\'s vectorAdd needs a newer CUDA than the 450 driver supports (CUDA 11.0), so CUDA returns cudaErrorInsufficientDriver; with a 470 driver (CUDA 11.4) validation passes.',
    confirmation: { by: 'reporter (ClementGautier)', quote: 'I fixed this using the latest drivers (470) instead of the 450 I was using.' },
    expect: { errors: ['driver-too-old-for-cuda'] },
    components: { 'gpu-operator': 'v1.8.2', driver: '450.80.02', validator: 'v1.8.2 (CUDA 11.4 samples)' },
    rebuilt: 'The resolution is quoted. The failing cuda-validation output is vectorAdd\'s text for cudaErrorInsufficientDriver (quoted in other reports of the same validator, e.g. gpu-operator#167); versions and objects are filled in.',
    snapshot: { context: 'kubernetes-admin@ml', serverVersion: 'v1.21.5', capturedAt: '2021-11-10T09:30:00Z' },
    build(s) {
      const node = 'gpu-02';
      const created = '2021-11-10T08:00:00Z';
      cluster(s, { flavour: 'kubeadm', k8s: 'v1.21.5', runtime: 'containerd://1.4.11', kernel: '5.4.0-89-generic', os: 'ubuntu20.04', cp: 'cp-01', created: '2021-10-01T00:00:00Z', heartbeat: '2021-11-10T09:29:40Z', workers: [{ name: node, gpu: 'T4', gpus: 1, labels: { ...operatorDeployLabels(), ...gfdLabels({ product: 'Tesla-T4', count: 1, memory: 15109, driver: '450.80.02', cuda: '11.0', family: 'turing', computeMajor: 7, computeMinor: 5 }) } }] });
      const g = gpuOperator(s, { version: 'v1.8.2', created, driverVersion: '450.80.02', osTag: 'ubuntu20.04', cpNode: 'cp-01', allNodes: ['cp-01', node], gpuNodes: [node], dsStatus: { validator: { desired: 1, ready: 0 } }, policyStatus: { conditions: [], namespace: 'gpu-operator', state: 'notReady' } });
      const t = addSeconds(created, 60);
      for (const c of ['driver', 'toolkit', 'devicePlugin', 'gfd', 'dcgmExporter']) runningOperand(s, g, c, node, t);
      dsPod(s, g.ds.validator, node, { created: t, phase: 'Pending', initContainers: [{ state: { terminated: 'Completed', exitCode: 0 } }, { state: { terminated: 'Completed', exitCode: 0 } }, { state: { running: addSeconds(t, 30) } }, { state: { waiting: 'PodInitializing' } }], containers: [{ state: { waiting: 'PodInitializing' } }] });
      const cv = s.pod({ ns: 'gpu-operator', name: 'nvidia-cuda-validator-hv2w8', labels: { app: 'nvidia-cuda-validator' }, owner: g.ds.validator, nodeName: node, created: addSeconds(t, 40), restartPolicy: 'OnFailure', runtimeClassName: 'nvidia', phase: 'Pending', initContainers: [{ name: 'cuda-validation', image: 'nvcr.io/nvidia/cloud-native/gpu-operator-validator:v1.8.2', command: ['sh', '-c'], args: ['vectorAdd'], state: { waiting: 'CrashLoopBackOff' }, restarts: 11, last: { reason: 'Error', exitCode: 1 } }], containers: [{ name: 'nvidia-cuda-validator', image: 'nvcr.io/nvidia/cloud-native/gpu-operator-validator:v1.8.2', state: { waiting: 'PodInitializing' } }] });
      s.log(cv, 'cuda-validation', '[Vector addition of 50000 elements]\nFailed to allocate device vector A (error code CUDA driver version is insufficient for CUDA runtime version)!', { previous: true });
      gpuHost(s, node, { gpu: 'T4', kernel: '5.4.0-89-generic', os: 'ubuntu20.04', driver: '450.80.02', cuda: '11.0', built: 'Sun Sep 27 15:26:23 UTC 2020', gcc: 'gcc version 9.3.0 (Ubuntu 9.3.0-17ubuntu1~20.04)', files: { '/etc/containerd/config.toml': containerdV2({ nvidia: '/usr/local/nvidia/toolkit/nvidia-container-runtime', defaultRuntime: 'nvidia', sandbox: 'k8s.gcr.io/pause:3.5' }) }, binaries: OPERATOR_TOOLKIT });
    },
  },
  {
    id: 'llmkube-1424',
    title: 'AKS: a CUDA 13 vLLM image on a driver 550.144.03 node dies with "The NVIDIA driver on your system is too old (found version 12040)"',
    thread: { url: 'https://github.com/defilantech/LLMKube/issues/1424', state: 'closed' },
    setup: 'AKS GPU node image with driver 550.144.03 (CUDA 12.4); an inference pod using the project\'s default vLLM image, whose user space is CUDA 13.',
    quotes: [
      { who: 'brandonliuli (reporter)', text: 'When an InferenceService image bundles a CUDA userspace newer than what the node\'s kernel driver supports, the engine dies at init — after a GPU node has been provisioned and a multi-GB image pulled — and the only explanation is buried in the crashed container\'s logs:\n\n```\nRuntimeError: The NVIDIA driver on your system is too old (found version 12040).\n```' },
      { who: 'brandonliuli (reporter)', text: 'Hit in production-like usage on AKS: the current default vLLM image ships a CUDA 13 userspace, while Azure\'s GPU node image bakes in driver 550.144.03 (CUDA 12.4).' },
      { who: 'brandonliuli (reporter)', text: 'the node driver\'s supported CUDA **major** must be >= the image\'s CUDA major. Minor versions within a major are compatible ([NVIDIA minor version compatibility](https://docs.nvidia.com/deploy/cuda-compatibility/minor-version-compatibility.html)) — verified live: a CUDA 12.9 vLLM image serves fine on a 12.4 driver, while a 13.0' },
    ],
    rootCause: 'The image\'s CUDA 13 user space needs a driver of the R580 branch or newer; the node\'s 550.144.03 supports CUDA 12.4. Minor-version compatibility does not cross a major version.',
    confirmation: { by: 'reporter (maintainer of the project), verified live against a CUDA 12.9 image' },
    expect: { errors: ['driver-too-old-for-cuda'] },
    components: { kubernetes: 'v1.32.6 (AKS)', driver: '550.144.03', image: 'vllm/vllm-openai (CUDA 13.0)' },
    rebuilt: 'The error and versions are quoted. The image tag (a vLLM release built on CUDA 13.0) with its CUDA_VERSION env, the AKS node and the device plugin are filled in.',
    snapshot: { context: 'llmkube-aks', serverVersion: 'v1.32.6', capturedAt: '2026-08-06T12:00:00Z' },
    build(s) {
      const node = 'aks-gpua10-18254716-vmss000002';
      const created = '2026-08-06T10:00:00Z';
      cluster(s, { flavour: 'aks', k8s: 'v1.32.6', runtime: 'containerd://1.7.27-1', kernel: '5.15.0-1092-azure', os: 'ubuntu22.04', created, heartbeat: '2026-08-06T11:59:40Z', workers: [{ name: 'aks-system-30210553-vmss000000' }, { name: node, gpu: 'A10', gpus: 1, labels: { 'kubernetes.azure.com/accelerator': 'nvidia', 'node.kubernetes.io/instance-type': 'Standard_NV36ads_A10_v5' }, taints: [{ effect: 'NoSchedule', key: 'sku', value: 'gpu' }] }] });
      const dp = devicePluginChart(s, { ns: 'kube-system', static: true, version: 'v0.17.2', created, nodes: [node], tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }, { key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] });
      dsPod(s, dp.ds, node, { created, containers: [{ state: { running: addSeconds(created, 5) } }] });
      s.ns('llmkube', created);
      const p = gpuPod(s, { ns: 'llmkube', name: 'qwen3-8b-predictor-6f9d5c7b8-xl4tq', image: 'vllm/vllm-openai:v0.12.0', env: [{ name: 'CUDA_VERSION', value: '13.0.1' }, { name: 'NVIDIA_REQUIRE_CUDA', value: 'cuda>=13.0' }], args: ['--model', 'Qwen/Qwen3-8B'], node, created: '2026-08-06T11:20:00Z', tolerations: [{ key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }], state: { waiting: 'CrashLoopBackOff' }, restarts: 8, last: { reason: 'Error', exitCode: 1 }, ready: false });
      s.log(p, 'main', 'INFO 08-06 11:48:12 [__init__.py:244] Automatically detected platform cuda.\nTraceback (most recent call last):\n  File "/usr/local/lib/python3.12/dist-packages/torch/cuda/__init__.py", line 372, in _lazy_init\n    torch._C._cuda_init()\nRuntimeError: The NVIDIA driver on your system is too old (found version 12040). Please update your GPU driver by downloading and installing a new version from the URL: http://www.nvidia.com/Download/index.aspx Alternatively, go to: https://pytorch.org to install a PyTorch version that has been compiled with your version of the CUDA driver.', { previous: true });
      gpuHost(s, node, { gpu: 'A10', kernel: '5.15.0-1092-azure', os: 'ubuntu22.04', driver: '550.144.03', cuda: '12.4', built: 'Mon Dec 16 22:51:28 UTC 2024', files: { '/etc/containerd/config.toml': containerdV2({ nvidia: '/usr/bin/nvidia-container-runtime', defaultRuntime: 'nvidia', sandbox: 'mcr.microsoft.com/oss/kubernetes/pause:3.6' }) }, binaries: HOST_TOOLKIT });
    },
  },
  {
    id: 'k8s-device-plugin-165',
    title: '"0/3 nodes are available: 3 Insufficient nvidia.com/gpu": a pod asks for 2 GPUs, every node has 1',
    thread: { url: 'https://github.com/NVIDIA/k8s-device-plugin/issues/165', state: 'closed' },
    setup: 'Three GPU workers with one GPU each, the device plugin running on each; a pod requesting nvidia.com/gpu: 2.',
    quotes: [
      { who: 'LearnKen (reporter, title)', text: '0/3 nodes are available: 3 insufficient nvidia.com/gpu.' },
      { who: 'klueska (maintainer)', text: 'You are still asking for 2 GPUs, but none of your nodes has more than 1 GPU on it.\n\nIn your setup, it will only work if you have 3 separate pods that each ask for 1 GPU.' },
    ],
    rootCause: 'No node advertises two GPUs: a pod cannot span nodes, so a request for 2 never fits. The request must be at most the largest node\'s allocatable count.',
    confirmation: { by: 'maintainer (klueska)', quote: 'You are still asking for 2 GPUs, but none of your nodes has more than 1 GPU on it.' },
    expect: { errors: ['insufficient-gpu'] },
    components: { 'k8s-device-plugin': '1.0.0-beta6', kubernetes: 'v1.18.2', docker: '19.03.8' },
    rebuilt: 'The maintainer\'s diagnosis and the scheduler message (title, retyped in lower case by the reporter; the event carries the scheduler\'s "Insufficient") are quoted; nodes, GPUs and the plugin are filled in.',
    snapshot: { context: 'kubernetes-admin@kubernetes', serverVersion: 'v1.18.2', capturedAt: '2020-05-03T06:00:00Z' },
    build(s) {
      const created = '2020-04-20T00:00:00Z';
      const nodes = ['k8s-node1', 'k8s-node2', 'k8s-node3'];
      cluster(s, { flavour: 'kubeadm', k8s: 'v1.18.2', runtime: 'docker://19.3.8', kernel: '4.15.0-99-generic', os: 'ubuntu18.04', cp: 'k8s-master', created, heartbeat: '2020-05-03T05:59:40Z', workers: nodes.map((name) => ({ name, gpu: 'T4', gpus: 1, nfd: false })) });
      const dp = devicePluginChart(s, { ns: 'kube-system', static: true, version: '1.0.0-beta6', created: '2020-04-21T00:00:00Z', nodes, tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }] });
      for (const n of nodes) dsPod(s, dp.ds, n, { created: '2020-04-21T00:00:00Z', containers: [{ state: { running: '2020-04-21T00:00:05Z' } }] });
      const p = gpuPod(s, { name: 'gpu-pod', image: 'nvidia/cuda:9.0-devel', container: 'cuda-container', gpus: 2, created: '2020-05-03T05:30:00Z', unschedulable: '0/4 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn\'t tolerate, 3 Insufficient nvidia.com/gpu.' });
      s.event({ object: p, scheduler: true, reason: 'FailedScheduling', message: '0/4 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn\'t tolerate, 3 Insufficient nvidia.com/gpu.', first: '2020-05-03T05:30:00Z', last: '2020-05-03T05:58:00Z', count: 29 });
      for (const n of nodes) gpuHost(s, n, { gpu: 'T4', kernel: '4.15.0-99-generic', os: 'ubuntu18.04', driver: '440.64.00', cuda: '10.2', built: 'Wed Feb 26 16:26:08 UTC 2020', gcc: 'gcc version 7.5.0 (Ubuntu 7.5.0-3ubuntu1~18.04)', files: { '/etc/docker/daemon.json': dockerDaemonJson({ defaultRuntime: 'nvidia' }) }, binaries: ['/usr/bin/nvidia-container-runtime', '/usr/bin/nvidia-container-runtime-hook', '/usr/bin/runc'] });
    },
  },
  {
    id: 'k8s-device-plugin-328',
    title: 'A crash-looping pod keeps its GPU: the next pod stays Pending although nvidia-smi shows GPU 0 idle',
    thread: { url: 'https://github.com/NVIDIA/k8s-device-plugin/issues/328', state: 'closed' },
    setup: 'A physical server with RTX A5000 GPUs, device plugin with migStrategy single; some GPU pods of the user are in CrashLoopBackOff.',
    quotes: [
      { who: 'klueska (maintainer)', text: 'Yes. Allocation of the GPU happens at scheduling time. So if its crash looping then it’s already been scheduled. And if it asked for a GPU then it is reserved for that pod and not available for anyone else (even if it’s crashing).' },
      { who: 'shan100github (reporter)', text: 'thank you for your comments & sharing @klueska.\non the deletion of those pods in crashloop got the `GPU 0` pod allocation.' },
    ],
    rootCause: 'A pod in CrashLoopBackOff still holds the GPUs it was allocated; they are not free for other pods even though no process runs on them. Deleting the crash-looping pods released GPU 0.',
    confirmation: { by: 'maintainer (klueska) and reporter', quote: 'on the deletion of those pods in crashloop got the `GPU 0` pod allocation.' },
    expect: { errors: ['gpu-held-by-finished-pod'], note: 'issue 15: gpu-held-by-finished-pod also counts crash-looping holders.' },
    components: { 'k8s-device-plugin': 'v0.12.2', kubernetes: 'v1.24.3', driver: '510.54' },
    rebuilt: 'The diagnosis and the fix are quoted; the driver version (510.54) and GPU model are from the reporter\'s nvidia-smi. The number of GPUs, the pods and the pending one are filled in.',
    snapshot: { context: 'kubernetes-admin@a5000', serverVersion: 'v1.24.3', capturedAt: '2022-08-13T04:00:00Z' },
    build(s) {
      const node = 'gpu-a5000-01';
      const created = '2022-08-01T00:00:00Z';
      cluster(s, { flavour: 'kubeadm', k8s: 'v1.24.3', runtime: 'containerd://1.6.6', kernel: '5.15.0-43-generic', os: 'ubuntu22.04', cp: 'cp-01', created, heartbeat: '2022-08-13T03:59:40Z', workers: [{ name: node, gpu: 'A10', gpus: 4, nfd: false }] });
      const dp = devicePluginChart(s, { ns: 'kube-system', static: true, version: 'v0.12.2', created, nodes: [node] });
      dsPod(s, dp.ds, node, { created, containers: [{ state: { running: addSeconds(created, 5) } }] });
      s.ns('research', created);
      for (let i = 1; i <= 3; i++) gpuPod(s, { ns: 'research', name: `notebook-${i}`, image: 'nvcr.io/nvidia/pytorch:22.07-py3', node, created: '2022-08-12T10:00:00Z', state: { running: '2022-08-12T10:00:30Z' } });
      gpuPod(s, { ns: 'research', name: 'trainer-7f8d9c-k2x9p', image: 'registry.local/trainer:0.3.1', node, created: '2022-08-12T11:00:00Z', state: { waiting: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=main pod=trainer-7f8d9c-k2x9p_research' }, restarts: 187, last: { reason: 'Error', exitCode: 1, startedAt: '2022-08-13T03:55:00Z', finishedAt: '2022-08-13T03:55:09Z' }, ready: false });
      const p = gpuPod(s, { ns: 'research', name: 'notebook-4', image: 'nvcr.io/nvidia/pytorch:22.07-py3', created: '2022-08-13T03:30:00Z', unschedulable: '0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.' });
      s.event({ object: p, scheduler: true, reason: 'FailedScheduling', message: '0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.', first: '2022-08-13T03:30:00Z', last: '2022-08-13T03:58:00Z', count: 12 });
      gpuHost(s, node, { gpu: 'A10', count: 4, kernel: '5.15.0-43-generic', os: 'ubuntu22.04', driver: '510.54', cuda: '11.6', built: 'Tue Feb  8 01:09:43 UTC 2022', procs: [1, 2, 3].map((gpu) => ({ gpu, pid: 48000 + gpu, name: '/usr/bin/python', mem: 12620 })), files: { '/etc/containerd/config.toml': containerdV2({ nvidia: '/usr/bin/nvidia-container-runtime', defaultRuntime: 'nvidia' }) }, binaries: HOST_TOOLKIT });
    },
  },
  {
    id: 'hami-596',
    title: 'HAMi: a pod fails with UnexpectedAdmissionError "requested number of devices unavailable … Requested: 1, Available: 0"',
    thread: { url: 'https://github.com/Project-HAMi/HAMi/issues/596', state: 'open' },
    setup: 'An older HAMi release scheduling nvidia.com/gpu on a GPU node labelled gpu=on.',
    quotes: [
      { who: 'jfboy233 (reporter)', text: '创建一个pod时出现UnexpectedAdmissionError，具体信息是Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 1, Available: 0, which is unexpected。' },
      { who: 'Nimbus318 (maintainer)', text: '3. hami 的版本可能有点老，可以尝试更新到 2.4.0，期间修复了部分问题' },
      { who: 'kate1128', text: '升级到2.5.1已解决' },
    ],
    rootCause: 'The kubelet rejected the pod at admission: its device manager saw no free nvidia.com/gpu device for the pod HAMi had bound there (HAMi\'s device accounting and the kubelet\'s disagreed in that release). Upgrading HAMi (2.4.0 fixed several of these, 2.5.1 solved it for another user) resolved it.',
    confirmation: { by: 'maintainer (Nimbus318) suggesting the upgrade, a user confirming 2.5.1 solved it' },
    expect: { errors: ['unexpected-admission-error'] },
    components: { hami: 'v2.3.12', kubernetes: 'v1.27.6' },
    rebuilt: 'The admission message is the reporter\'s (translated context, message verbatim); the HAMi version, node and pods are filled in.',
    snapshot: { context: 'kubernetes-admin@cluster.local', serverVersion: 'v1.27.6', capturedAt: '2024-11-06T08:00:00Z' },
    build(s) {
      const node = 'gpu-node-01';
      const created = '2024-11-01T00:00:00Z';
      cluster(s, { flavour: 'kubeadm', k8s: 'v1.27.6', runtime: 'containerd://1.7.3', kernel: '5.15.0-122-generic', os: 'ubuntu22.04', cp: 'master-01', created, heartbeat: '2024-11-06T07:59:40Z', workers: [{ name: node, gpu: 'A10', gpus: 10, extended: { 'nvidia.com/gpumem': '23028', 'nvidia.com/gpucores': '100' }, labels: { gpu: 'on' }, annotations: { 'hami.io/node-handshake': 'Reported 2024-11-06 07:59:31.221097338 +0000 UTC m=+432011.9', 'hami.io/node-nvidia-register': 'GPU-6c2ab1a3-3f2e-5b0c-9d54-2b1e0f6a7c11,10,23028,100,NVIDIA-NVIDIA A10,0,true:' } }] });
      const h = hami(s, { version: 'v2.3.12', k8s: 'v1.27.6', created, cpNode: 'master-01', nodes: [node] });
      dsPod(s, h.plugin, node, { created, containers: [{ state: { running: addSeconds(created, 5) } }, { state: { running: addSeconds(created, 5) } }] });
      const p = gpuPod(s, { name: 'gpu-test', image: 'nvidia/cuda:12.2.0-base-ubuntu22.04', command: ['sleep', 'infinity'], node, schedulerName: 'hami-scheduler', created: '2024-11-06T07:40:00Z', phase: 'Failed', statusReason: 'UnexpectedAdmissionError', statusMessage: 'Pod was rejected: Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 1, Available: 0, which is unexpected', annotations: { 'hami.io/vgpu-node': node, 'hami.io/vgpu-time': '1730878800', 'hami.io/bind-phase': 'allocating' }, conditions: [], state: { waiting: 'ContainerCreating' }, ready: false });
      p.status.containerStatuses = undefined;
      delete p.status.containerStatuses;
      s.event({ object: p, reason: 'UnexpectedAdmissionError', message: 'Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 1, Available: 0, which is unexpected', host: node, first: '2024-11-06T07:40:01Z' });
      gpuHost(s, node, { gpu: 'A10', kernel: '5.15.0-122-generic', os: 'ubuntu22.04', driver: '550.90.07', cuda: '12.4', files: { '/etc/containerd/config.toml': containerdV2({ nvidia: '/usr/bin/nvidia-container-runtime', defaultRuntime: 'nvidia' }) }, binaries: HOST_TOOLKIT });
    },
  },
];
