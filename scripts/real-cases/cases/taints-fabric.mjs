// Taints the GPU stack does not tolerate, and NVSwitch systems whose fabric manager does not run or does not match.
import { addSeconds, dsPod } from '../lib.mjs';
import { HOST_TOOLKIT, OPERATOR_TOOLKIT, containerdV2, gfdLabels, operatorDeployLabels, dockerDaemonJson } from '../host.mjs';
import { GPU_TOLERATION, cluster, devicePluginChart, gpuHost, gpuOperator, gpuPod, healthyOperands, runningOperand } from '../stacks.mjs';

const NVSWITCH = (n) => Array.from({ length: n }, (_, i) => `${(0xc0 + i * 2).toString(16)}:00.0 Bridge [0680]: NVIDIA Corporation GH100 [H100 NVSwitch] [10de:22a3] (rev a1)`);

export const cases = [
  {
    id: 'gpu-operator-156',
    title: 'OpenShift 4.5: nvidia-device-plugin-validation does not tolerate the GPU machineset\'s taint',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/156', state: 'closed' },
    setup: 'OpenShift 4.5.31, GPU Operator v1.5.2; the GPU machineset is tainted workload=aiml:NoSchedule and the ClusterPolicy gives the toleration to dcgmExporter, devicePlugin, driver, gfd and toolkit.',
    quotes: [
      { who: 'worsco (reporter)', text: "I've applied a taint to a machineset.  I've added the toleration in the ClusterPolicy for dcgmExporter, devicePlugin, driver, gfd, and toolkit.\n\nnvidia-device-plugin-validation reports: \n\n```\n  reason: Unschedulable\n      message: >-\n        0/10 nodes are available: 1 node(s) had taint {workload: aiml}, that the\n        pod didn't tolerate, 9 Insufficient nvidia.com/gpu.\n```" },
      { who: 'worsco (reporter)', text: 'It looks like tolerations are picked up in the TransformDevicePlugin via:\n…\nHowever, there are no transformations in the TransformDevicePluginValidator' },
    ],
    rootCause: 'The operator copied the ClusterPolicy tolerations into the operand DaemonSets but not into the device-plugin validation pod, which asks for one nvidia.com/gpu: it cannot go to the only GPU node (tainted) and no other node has a GPU.',
    confirmation: { by: 'reporter, pointing at the operator code that omits the tolerations (TransformDevicePluginValidator); issue closed' },
    expect: { errors: ['gpu-taint-untolerated'] },
    components: { 'gpu-operator': 'v1.5.2', openshift: '4.5.31', kubernetes: 'v1.18.3' },
    rebuilt: 'The scheduler message and the taint are the reporter\'s (scheduler wording of Kubernetes ≤ 1.23: "had taint {k: v}, that the pod didn\'t tolerate"). The 10 nodes, the running operands with the toleration and the names are filled in.',
    snapshot: { context: 'admin@ocp45', serverVersion: 'v1.18.3+e574db2', capturedAt: '2021-02-24T15:10:02Z' },
    build(s) {
      const created = '2021-02-24T13:00:00Z';
      const taint = { effect: 'NoSchedule', key: 'workload', value: 'aiml' };
      const gpuNode = 'ocp-gpu-worker-7x2kq';
      const workers = Array.from({ length: 9 }, (_, i) => ({ name: `ocp-worker-${['a', 'b', 'c'][i % 3]}-${i}`, labels: { 'node-role.kubernetes.io/worker': '' } }));
      cluster(s, { flavour: 'openshift', k8s: 'v1.18.3+e574db2', runtime: 'cri-o://1.18.4-12.rhaos4.5.git0a6ffe5.el8', kernel: '4.18.0-193.41.1.el8_2.x86_64', os: 'rhel8.2', osImage: 'Red Hat Enterprise Linux CoreOS 45.82.202101261228-0 (Ootpa)', created: '2021-01-10T00:00:00Z', heartbeat: '2021-02-24T15:09:40Z', workers: [...workers, { name: gpuNode, gpu: 'V100', gpus: 1, taints: [taint], labels: { 'node-role.kubernetes.io/worker': '', ...operatorDeployLabels(), ...gfdLabels({ product: 'Tesla-V100-PCIE-32GB', count: 1, memory: 32510, driver: '460.32.03', cuda: '11.2', family: 'volta', computeMajor: 7, computeMinor: 0 }) } }] });
      const tol = [{ ...taint, operator: 'Equal' }, GPU_TOLERATION];
      const g = gpuOperator(s, { ns: 'gpu-operator-resources', version: 'v1.5.2', created, defaultRuntime: 'crio', validator: false, runtimeClass: false, osTag: 'rhcos4.5', cpNode: workers[0].name, allNodes: [...workers.map((w) => w.name), gpuNode], gpuNodes: [gpuNode], tolerations: tol, nfdTolerations: [{ ...taint, operator: 'Equal' }] });
      healthyOperands(s, g, [gpuNode], addSeconds(created, 60));
      const v = s.pod({ ns: 'gpu-operator-resources', name: 'nvidia-device-plugin-validation', labels: { app: 'nvidia-device-plugin-validation' }, owner: g.policy, created: addSeconds(created, 120), restartPolicy: 'OnFailure', phase: 'Pending', unschedulable: "0/10 nodes are available: 1 node(s) had taint {workload: aiml}, that the pod didn't tolerate, 9 Insufficient nvidia.com/gpu.", containers: [{ name: 'cuda-vector-add', image: 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda10.2', resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { 'nvidia.com/gpu': '1' } } }] });
      s.event({ object: v, scheduler: true, reason: 'FailedScheduling', message: "0/10 nodes are available: 1 node(s) had taint {workload: aiml}, that the pod didn't tolerate, 9 Insufficient nvidia.com/gpu.", first: addSeconds(created, 120), last: '2021-02-24T15:08:30Z', count: 57, instance: 'default-scheduler' });
      gpuHost(s, gpuNode, { gpu: 'V100', kernel: '4.18.0-193.41.1.el8_2.x86_64', os: 'rhel9.4', driver: '460.32.03', cuda: '11.2', built: 'Sun Dec 27 19:00:34 UTC 2020', gcc: 'gcc version 8.3.1 20191121 (Red Hat 8.3.1-5) (GCC)', binaries: ['/usr/local/nvidia/toolkit/nvidia-container-toolkit', '/usr/bin/runc'] });
    },
  },
  {
    id: 'gpu-operator-26',
    title: 'GPU nodes tainted dedicated=gpu:NoSchedule: the operator\'s DaemonSets place no pod there',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/26', state: 'closed' },
    setup: 'GPU Operator 1.0 (driver, toolkit, device plugin, DCGM exporter DaemonSets in gpu-operator-resources) on a cluster whose GPU nodes carry the taint dedicated=gpu:NoSchedule.',
    quotes: [
      { who: 'silashansen (reporter)', text: 'Our GPU nodes are tainted with dedicated=gpu:NoSchedule. This means that the gpu-operator-resource pods/daemonsets are not able to run on those nodes, unless we manually edit the definitions after the operator has created them, which is not a viable solution.\n\nWe\'d love to see a way to provide tolerations in the values provided to the helm chart.' },
      { who: 'BarthV', text: '* nvidia-container-toolkit-daemonset is deployed from a static asset file https://github.com/NVIDIA/gpu-operator/blob/master/assets/state-container-toolkit/0400_container_toolkit.yml\n* This file is parsed by the operator' },
    ],
    rootCause: 'The operand DaemonSets tolerate only nvidia.com/gpu; the DaemonSet controller places no pod on nodes whose NoSchedule taint a pod does not tolerate, so DESIRED is 0 there, with no event. No driver, no toolkit, no device plugin: the nodes never advertise nvidia.com/gpu. Tolerations became configurable in the chart (daemonsets.tolerations).',
    confirmation: { by: 'reporter and maintainers (enhancement implemented: ClusterPolicy daemonsets.tolerations)' },
    expect: { errors: ['operand-taint-untolerated'] },
    components: { 'gpu-operator': '1.0.0', kubernetes: 'v1.16.4' },
    rebuilt: 'The taint and the behaviour are the reporter\'s. The DaemonSets\' status (DESIRED 0), the pending workload and the node facts are filled in as Kubernetes and the 1.0 assets behave. The GPU nodes carry the nvidia.com/gpu.deploy.* labels that the rebuilt DaemonSets select, as the operator sets them on every node with nvidia.com/gpu.present=true whatever its taints.',
    snapshot: { context: 'prod-ml', serverVersion: 'v1.16.4', capturedAt: '2020-01-14T10:20:11Z' },
    build(s) {
      const created = '2020-01-13T16:00:00Z';
      const taint = { effect: 'NoSchedule', key: 'dedicated', value: 'gpu' };
      const gpuNodes = ['gpu-pool-node-1', 'gpu-pool-node-2'];
      cluster(s, { flavour: 'kubeadm', k8s: 'v1.16.4', runtime: 'docker://19.3.5', kernel: '4.15.0-72-generic', os: 'ubuntu18.04', cp: 'master-1', created: '2019-12-01T00:00:00Z', heartbeat: '2020-01-14T10:19:50Z', workers: [{ name: 'cpu-pool-node-1' }, ...gpuNodes.map((name) => ({ name, gpu: 'T4', taints: [taint], labels: operatorDeployLabels() }))] });
      const g = gpuOperator(s, { ns: 'gpu-operator-resources', version: 'v1.0.0', created, defaultRuntime: 'docker', validator: false, gfd: false, runtimeClass: false, osTag: 'ubuntu18.04', cpNode: 'master-1', allNodes: ['master-1', 'cpu-pool-node-1', ...gpuNodes], nfdNodes: ['master-1', 'cpu-pool-node-1'], nfdDesired: 2, gpuNodes, dsStatus: Object.fromEntries(['driver', 'toolkit', 'devicePlugin', 'dcgmExporter'].map((c) => [c, { desired: 0, current: 0, ready: 0 }])), policyStatus: { state: 'ready' } });
      const wl = gpuPod(s, { ns: 'ml', name: 'trainer-0', image: 'tensorflow/tensorflow:2.0.0-gpu', created: '2020-01-14T09:00:00Z', tolerations: [{ ...taint, operator: 'Equal' }], unschedulable: '0/4 nodes are available: 1 node(s) had taints that the pod didn\'t tolerate, 3 Insufficient nvidia.com/gpu.' });
      s.ns('ml', '2019-12-02T00:00:00Z');
      s.event({ object: wl, scheduler: true, reason: 'FailedScheduling', message: '0/4 nodes are available: 1 node(s) had taints that the pod didn\'t tolerate, 3 Insufficient nvidia.com/gpu.', first: '2020-01-14T09:00:00Z', last: '2020-01-14T10:18:00Z', count: 81 });
      for (const n of gpuNodes) gpuHost(s, n, { gpu: 'T4', kernel: '4.15.0-72-generic', os: 'ubuntu18.04', driver: null, smiFailure: { exit: 127, stderr: 'bash: nvidia-smi: command not found\n' }, files: { '/etc/docker/daemon.json': JSON.stringify({ 'exec-opts': ['native.cgroupdriver=systemd'] }, null, 2) + '\n' } });
    },
  },
  {
    id: 'k8s-device-plugin-68',
    title: 'A nvidia.com/gpu:NoSchedule taint repels the device plugin DaemonSet itself',
    thread: { url: 'https://github.com/NVIDIA/k8s-device-plugin/issues/68', state: 'closed' },
    setup: 'Kubernetes 1.11 with the static device plugin manifest 1.0.0-beta; the GPU node was tainted nvidia.com/gpu=true:NoSchedule so that only GPU pods land there.',
    quotes: [
      { who: 'notnami (reporter)', text: '**The original issue described below shows a symptom, but not the cause of the problem. For the underlying cause, please see further comments.**' },
      { who: 'notnami (reporter, title)', text: 'Setting nvidia.com/gpu:NoSchedule taint causes GPU nodes to repel k8s-device-plugin, making GPU nodes unschedulable for GPU jobs' },
      { who: 'notnami (reporter)', text: 'As the title says, my GPU node is reporting itself as having `alpha.kubernetes.io/nvidia-gpu` instead of `nvidia.com/gpu`, where previously it had reported `nvidia.com/gpu`. As a result, my pods, which request `nvidia.com/gpu` don\'t get scheduled.' },
    ],
    rootCause: 'The device plugin DaemonSet of that manifest tolerated CriticalAddonsOnly but not the nvidia.com/gpu taint; once the node was tainted, no plugin pod ran there, so nvidia.com/gpu disappeared from the node (only the legacy accelerator resource remained) and GPU pods could not be scheduled. Later manifests tolerate nvidia.com/gpu.',
    confirmation: { by: 'reporter (the cause named in the issue title, found in the later comments); issue closed' },
    expect: { errors: ['operand-taint-untolerated'] },
    components: { 'k8s-device-plugin': '1.0.0-beta', kubernetes: 'v1.11.2', docker: '17.03.2' },
    rebuilt: 'The taint, the resource names and the consequence are the reporter\'s; the DaemonSet object (tolerating CriticalAddonsOnly only, DESIRED 0 on the tainted node) and the pending workload are filled in.',
    snapshot: { context: 'kubernetes-admin@lab', serverVersion: 'v1.11.2', capturedAt: '2018-08-21T08:30:00Z' },
    build(s) {
      const node = 'gpu-node-01';
      cluster(s, { flavour: 'kubeadm', k8s: 'v1.11.2', runtime: 'docker://17.3.2', kernel: '4.4.0-131-generic', os: 'ubuntu16.04', osImage: 'Ubuntu 16.04.5 LTS', cp: 'master-01', created: '2018-06-01T00:00:00Z', heartbeat: '2018-08-21T08:29:40Z', workers: [{ name: 'worker-01', nfd: false }, { name: node, gpu: 'V100', nfd: false, extended: { 'alpha.kubernetes.io/nvidia-gpu': '1' }, taints: [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', value: 'true' }] }] });
      devicePluginChart(s, { ns: 'kube-system', static: true, version: '1.0.0-beta', created: '2018-06-02T00:00:00Z', nodes: [node], tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }], status: { desired: 0, current: 0, ready: 0 } });
      const wl = gpuPod(s, { name: 'digits-5c8f9b6d4-qx2lm', image: 'nvidia/digits:6.0', created: '2018-08-21T08:00:00Z', tolerations: [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', operator: 'Exists' }], unschedulable: '0/3 nodes are available: 1 node(s) had taints that the pod didn\'t tolerate, 2 Insufficient nvidia.com/gpu.' });
      s.event({ object: wl, scheduler: true, reason: 'FailedScheduling', message: '0/3 nodes are available: 1 node(s) had taints that the pod didn\'t tolerate, 2 Insufficient nvidia.com/gpu.', first: '2018-08-21T08:00:00Z', last: '2018-08-21T08:28:00Z', count: 33 });
      gpuHost(s, node, { gpu: 'V100', kernel: '4.4.0-131-generic', os: 'ubuntu16.04', driver: '396.44', cuda: '9.2', built: 'Wed Jul 11 23:01:25 PDT 2018', gcc: 'gcc version 5.4.0 20160609 (Ubuntu 5.4.0-6ubuntu1~16.04.10)', files: { '/etc/docker/daemon.json': dockerDaemonJson({ defaultRuntime: 'nvidia' }) }, binaries: ['/usr/bin/nvidia-container-runtime', '/usr/bin/nvidia-container-runtime-hook', '/usr/bin/docker-runc'] });
    },
  },
  {
    id: 'gpu-driver-container-735',
    title: 'H200 HGX: the 580.126.09 driver image ships fabric manager 590.48.01, which refuses to start',
    thread: { url: 'https://github.com/NVIDIA/gpu-driver-container/issues/735', state: 'closed' },
    setup: 'GPU Operator with the operator-managed driver container 580.126.09 (Ubuntu 22.04) on 8-GPU H200 HGX nodes with NVSwitches.',
    quotes: [
      { who: 'kphatak (reporter)', text: 'The `gpu-driver-container` image for driver version `580.126.09` on Ubuntu 22.04 ships with a\nmismatched Fabric Manager binary — `nv-fabricmanager` version `590.48.01`. When the driver\ncontainer starts, it installs driver `580.126.09` onto the host but then launches the bundled FM\nbinary which fails its own version compatibility check and aborts:' },
      { who: 'kphatak (reporter)', text: "fabric manager NVIDIA GPU driver interface version 590.48.01 don't match with driver version 580.126.09.\nPlease update with matching NVIDIA driver package." },
      { who: 'kphatak (reporter)', text: "This causes NVSwitch fabric initialization to fail on H200/HGX nodes, leaving GPUs inaccessible\nto CUDA workloads. The GPU Operator's `cuda-validator` pod subsequently fails with vector addition\nerrors." },
      { who: 'kphatak (reporter)', text: '**Root cause:** The `fabricmanager_install()` function in `ubuntu22.04/install.sh` installs\n`nvidia-fabricmanager=${DRIVER_VERSION}*` without an `apt-mark hold`.' },
    ],
    rootCause: 'The image\'s fabric manager (590.48.01) does not match its driver (580.126.09); FM aborts, the NVSwitch fabric is never trained and CUDA on the node fails ("system not yet initialized"). The driver image was rebuilt with a matching FM.',
    confirmation: { by: 'reporter (root cause traced to the image build), labelled bug and closed' },
    expect: { errors: ['fabric-manager-not-running'] },
    components: { 'gpu-operator': 'v26.3.2', driver: '580.126.09', 'nvidia-fabricmanager': '590.48.01' },
    rebuilt: 'The fabric manager message and the driver/FM versions are quoted. The cuda-validator\'s exact output is not in the thread: it is vectorAdd\'s text for cudaErrorSystemNotReady. The 8×H200 node, NVSwitch PCI functions and the operands are filled in.',
    snapshot: { context: 'hgx-prod', serverVersion: 'v1.32.4', capturedAt: '2026-04-27T11:12:40Z' },
    build(s) {
      const created = '2026-04-27T10:00:00Z';
      const node = 'hgx-h200-017';
      cluster(s, { flavour: 'kubeadm', k8s: 'v1.32.4', runtime: 'containerd://1.7.27', kernel: '5.15.0-139-generic', os: 'ubuntu22.04', cp: 'cp-01', created: '2026-03-01T00:00:00Z', heartbeat: '2026-04-27T11:12:10Z', workers: [{ name: node, gpu: 'H200', gpus: 8, labels: { ...operatorDeployLabels(), ...gfdLabels({ product: 'NVIDIA-H200', count: 8, memory: 143771, driver: '580.126.09', cuda: '13.0', family: 'hopper', computeMajor: 9, computeMinor: 0, migCapable: true }) } }] });
      const g = gpuOperator(s, { version: 'v26.3.2', created, cpNode: 'cp-01', allNodes: ['cp-01', node], gpuNodes: [node], policyStatus: { conditions: [{ lastTransitionTime: addSeconds(created, 600), message: '', reason: 'Error', status: 'False', type: 'Ready' }, { lastTransitionTime: addSeconds(created, 600), message: 'ClusterPolicy is not ready, states not ready: [state-operator-validation]', reason: 'OperandNotReady', status: 'True', type: 'Error' }], namespace: 'gpu-operator', state: 'notReady' }, dsStatus: { validator: { desired: 1, ready: 0 } } });
      const t = addSeconds(created, 60);
      for (const c of ['driver', 'toolkit', 'devicePlugin', 'gfd', 'dcgmExporter']) runningOperand(s, g, c, node, t);
      const drv = s.objects.find((o) => o.kind === 'Pod' && o.metadata.name.startsWith('nvidia-driver-daemonset'));
      s.log(drv, 'nvidia-driver-ctr', ['========== NVIDIA Software Installer ==========', '', 'Starting installation of NVIDIA driver version 580.126.09 for Linux kernel version 5.15.0-139-generic', '', 'Stopping NVIDIA persistence daemon...', 'Unloading NVIDIA driver kernel modules...', 'Unmounting NVIDIA driver rootfs...', 'Checking NVIDIA driver packages...', 'Installing NVIDIA driver kernel modules...', 'Loading ipmi and i2c_core kernel modules...', 'Loading NVIDIA driver kernel modules...', '+ modprobe nvidia', '+ modprobe nvidia-uvm', '+ modprobe nvidia-modeset', 'Starting NVIDIA persistence daemon...', 'Starting NVIDIA fabric manager daemon...', "fabric manager NVIDIA GPU driver interface version 590.48.01 don't match with driver version 580.126.09.", 'Please update with matching NVIDIA driver package.', 'Mounting NVIDIA driver rootfs...', 'Done, now waiting for signal'].join('\n'));
      const v = dsPod(s, g.ds.validator, node, { created: t, phase: 'Pending', initContainers: [{ state: { terminated: 'Completed', exitCode: 0 } }, { state: { terminated: 'Completed', exitCode: 0 } }, { state: { running: addSeconds(t, 30) } }, { state: { waiting: 'PodInitializing' } }], containers: [{ state: { waiting: 'PodInitializing' } }] });
      const cv = s.pod({ ns: 'gpu-operator', name: 'nvidia-cuda-validator-7k2dq', labels: { app: 'nvidia-cuda-validator', 'app.kubernetes.io/part-of': 'gpu-operator' }, owner: g.ds.validator, nodeName: node, created: addSeconds(t, 40), restartPolicy: 'OnFailure', runtimeClassName: 'nvidia', phase: 'Pending', initContainers: [{ name: 'cuda-validation', image: 'nvcr.io/nvidia/cloud-native/gpu-operator-validator:v26.3.2', command: ['sh', '-c'], args: ['vectorAdd'], state: { waiting: 'CrashLoopBackOff' }, restarts: 7, last: { reason: 'Error', exitCode: 1 } }], containers: [{ name: 'nvidia-cuda-validator', image: 'nvcr.io/nvidia/cloud-native/gpu-operator-validator:v26.3.2', state: { waiting: 'PodInitializing' } }] });
      s.log(cv, 'cuda-validation', '[Vector addition of 50000 elements]\nFailed to allocate device vector A (error code system not yet initialized)!', { previous: true });
      s.log(v, 'cuda-validation', 'time="2026-04-27T11:10:02Z" level=info msg="pod nvidia-cuda-validator-7k2dq is curently in Pending phase"');
      const smiProcs = [];
      gpuHost(s, node, { gpu: 'H200', count: 8, bus: { bus0: 0x19, step: 0x1c }, nvswitches: NVSWITCH(4), kernel: '5.15.0-139-generic', os: 'ubuntu22.04', driver: '580.126.09', cuda: '13.0', built: 'Fri Jan 16 00:35:41 UTC 2026', procs: smiProcs, files: { '/etc/containerd/config.toml': containerdV2({ nvidia: '/usr/local/nvidia/toolkit/nvidia-container-runtime', defaultRuntime: 'nvidia' }) }, binaries: OPERATOR_TOOLKIT });
    },
  },
  {
    id: 'gpu-operator-2781',
    title: 'HGX B200 on EKS: the driver container starts fabric manager on the wrong path, reports Ready, CUDA fails with 802',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/2781', state: 'closed' },
    setup: 'AWS EKS 1.35, Canonical Ubuntu 24.04 EKS AMI (no linux-modules-extra, so mlx5_ib/ib_umad not loaded), p6-b200.48xlarge, GPU Operator v26.3.3 with driver container 580.126.20 and Fabric Manager 580.126.20.',
    quotes: [
      { who: 'shivam-dubey-1 (reporter)', text: 'On HGX B200 (p6-b200.48xlarge, AWS EKS), the NVSwitches are managed through the\nInfiniBand kernel stack. The driver container detects NVLink5 systems via\n`_assert_nvlink5_system()` (scanning `/sys/class/infiniband/*/device/vpd` for\n`SW_MNG`). On AMIs that do not load `mlx5_ib`/`ib_umad` (e.g. the Canonical\nUbuntu EKS AMIs, which do not include `linux-modules-extra` by default), no IB\ndevices are present, so NVLink5 detection fails.' },
      { who: 'shivam-dubey-1 (reporter)', text: 'The startup script then falls through to the legacy NVSwitch path\n(`_assert_nvswitch_system`) and starts Fabric Manager against an interface that\nhas no devices on this platform. FM errors and exits, yet the driver pod reports\nReady (1/1 Running). The GPU fabric stays "In Progress" on all 8 GPUs\nindefinitely and all CUDA initialization fails with error 802 ("system not yet\ninitialized"), while nvidia-smi otherwise looks healthy.' },
    ],
    rootCause: 'Without the InfiniBand modules the driver container misdetects the B200 as a legacy NVSwitch system; fabric manager starts on the wrong interface and exits, the fabric never trains, and every CUDA program fails with 802 while nvidia-smi and the driver pod look healthy.',
    confirmation: { by: 'reporter (driver container script path traced), labelled bug and closed' },
    expect: { errors: ['fabric-manager-not-running'] },
    components: { 'gpu-operator': 'v26.3.3', driver: '580.126.20', 'nvidia-fabricmanager': '580.126.20', kubernetes: 'v1.35.1-eks' },
    rebuilt: 'The behaviour, versions and instance type are the reporter\'s. The fabric manager error text, the workload\'s PyTorch 802 warning (the wording of pytorch c10/cuda/CUDAFunctions.cpp) and the objects are filled in.',
    snapshot: { context: 'arn:aws:eks:us-east-2:123456789012:cluster/b200', serverVersion: 'v1.35.1-eks-0f3ac2d', capturedAt: '2026-08-21T09:40:00Z' },
    build(s) {
      const created = '2026-08-21T08:00:00Z';
      const node = 'ip-10-7-81-4.us-east-2.compute.internal';
      cluster(s, { flavour: 'eks', k8s: 'v1.35.1-eks-113cf36', runtime: 'containerd://2.1.4', kernel: '6.14.0-1011-aws', os: 'ubuntu24.04', created: '2026-08-20T00:00:00Z', heartbeat: '2026-08-21T09:39:30Z', workers: [{ name: 'ip-10-7-1-20.us-east-2.compute.internal' }, { name: node, gpu: 'B200', gpus: 8, labels: { ...operatorDeployLabels(), 'node.kubernetes.io/instance-type': 'p6-b200.48xlarge', ...gfdLabels({ product: 'NVIDIA-B200', count: 8, memory: 183359, driver: '580.126.20', cuda: '13.0', family: 'blackwell', computeMajor: 10, computeMinor: 0, migCapable: true }) } }] });
      const g = gpuOperator(s, { version: 'v26.3.3', created, osTag: 'ubuntu24.04', cpNode: 'ip-10-7-1-20.us-east-2.compute.internal', allNodes: ['ip-10-7-1-20.us-east-2.compute.internal', node], gpuNodes: [node] });
      healthyOperands(s, g, [node], addSeconds(created, 60));
      const drv = s.objects.find((o) => o.kind === 'Pod' && o.metadata.name.startsWith('nvidia-driver-daemonset'));
      s.log(drv, 'nvidia-driver-ctr', ['Starting NVIDIA persistence daemon...', 'Starting NVIDIA fabric manager daemon...', '[Aug 21 2026 08:02:31] [ERROR] [tid 412] request to query NVSwitch device information from NVSwitch driver failed with error:WARNING Nothing to do [NV_WARN_NOTHING_TO_DO]', '[Aug 21 2026 08:02:31] [ERROR] [tid 412] fabric manager failed to start with error: NV_WARN_NOTHING_TO_DO', 'Mounting NVIDIA driver rootfs...', 'Done, now waiting for signal'].join('\n'));
      s.ns('training', '2026-08-20T00:00:00Z');
      const wl = gpuPod(s, { ns: 'training', name: 'llm-pretrain-worker-0', image: 'nvcr.io/nvidia/pytorch:25.08-py3', gpus: 8, node, created: '2026-08-21T09:00:00Z', restartPolicy: 'Never', phase: 'Failed', state: { terminated: 'Error', exitCode: 1, startedAt: '2026-08-21T09:00:20Z', finishedAt: '2026-08-21T09:01:02Z' }, ready: false });
      s.log(wl, 'main', '/usr/local/lib/python3.12/dist-packages/torch/cuda/__init__.py:182: UserWarning: CUDA initialization: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 802: system not yet initialized (Triggered internally at /opt/pytorch/pytorch/c10/cuda/CUDAFunctions.cpp:109.)\n  return torch._C._cuda_getDeviceCount() > 0\nRuntimeError: No CUDA GPUs are available');
      gpuHost(s, node, { gpu: 'B200', count: 8, bus: { bus0: 0x18, step: 0x1b }, kernel: '6.14.0-1011-aws', os: 'ubuntu24.04', driver: '580.126.20', cuda: '13.0', built: 'Thu Feb 26 04:12:33 UTC 2026', gcc: 'gcc version 13.3.0 (Ubuntu 13.3.0-6ubuntu2~24.04)', files: { '/etc/containerd/config.toml': containerdV2({ nvidia: '/usr/local/nvidia/toolkit/nvidia-container-runtime', defaultRuntime: 'nvidia' }) }, binaries: OPERATOR_TOOLKIT });
    },
  },
];
