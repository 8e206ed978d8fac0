// The GPU Operator's driver image for the node's OS does not exist (the tag is <version>-<ID><VERSION_ID>).
import { addSeconds, dsPod, logrus } from '../lib.mjs';
import { containerdV2, crioConf, operatorDeployLabels } from '../host.mjs';
import { cluster, gpuHost, gpuOperator, initStuckOperand, sandboxFailingOperand, policyNotReady as notReady } from '../stacks.mjs';


export const cases = [
  {
    id: 'gpu-operator-418',
    title: 'nvidia-driver-daemonset cannot pull nvcr.io/nvidia/driver:515.65.01-buildroot2021.02.12: not found',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/418', state: 'closed' },
    setup: 'GPU Operator v22.9.0 installed with defaults (`helm install --wait --generate-name -n gpu-operator --create-namespace nvidia/gpu-operator`) on nodes running a Buildroot-based OS (os_release ID=buildroot, VERSION_ID=2021.02.12), containerd.',
    quotes: [
      {
        who: 'Zubnix (reporter)',
        text: 'The nvidia-driver-daemonset pod fails to start:\n`Failed to pull image "nvcr.io/nvidia/driver:515.65.01-buildroot2021.02.12": rpc error: code = NotFound desc = failed to pull and unpack image "nvcr.io/nvidia/driver:515.65.01-buildroot2021.02.12": failed to resolve reference "nvcr.io/nvidia/driver:515.65.01-buildroot2021.02.12": nvcr.io/nvidia/driver:515.65.01-buildroot2021.02.12: not found`',
      },
      { who: 'shivamerla (maintainer)', text: '@Zubnix We only publish driver images for supported OS distributions [here](https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/platform-support.html#supported-operating-systems-and-kubernetes-platforms).' },
    ],
    rootCause: 'The operator derives the driver image tag from the node\'s NFD os_release labels (`515.65.01-buildroot2021.02.12`); NVIDIA publishes driver images only for supported distributions, so that tag does not exist. No mirror can help: the fix is a supported OS, precompiled/custom driver image, or a host driver with `driver.enabled=false`.',
    confirmation: { by: 'maintainer (shivamerla)', quote: 'We only publish driver images for supported OS distributions' },
    expect: { errors: ['driver-image-unavailable'], note: 'The operands waiting for the driver (toolkit driver-validation, sandbox failures of pods with RuntimeClass nvidia before the toolkit configured containerd) are consequences.' },
    components: { 'gpu-operator': 'v22.9.0', containerd: '1.6.8', kubernetes: 'v1.25.2' },
    rebuilt: 'The event text is the reporter\'s, verbatim. Node names, kernel (5.15.71), GPU (Tesla T4), timestamps, the other operands\' states and the node\'s probe outputs (no driver loaded, no nvidia runtime in containerd yet) are filled in as a v22.9.0 install behaves while the driver pod cannot start.',
    snapshot: { context: 'kubernetes-admin@edge', serverVersion: 'v1.25.2', capturedAt: '2022-10-12T14:20:31Z' },
    build(s) {
      const created = '2022-10-12T13:31:02Z';
      const kernel = '5.15.71';
      const gpuNode = 'edge-gpu-01';
      cluster(s, {
        flavour: 'kubeadm', k8s: 'v1.25.2', runtime: 'containerd://1.6.8', kernel, os: 'buildroot2021.02.12', osImage: 'Buildroot 2021.02.12', cp: 'edge-cp-01', created: '2022-09-30T08:00:00Z', heartbeat: '2022-10-12T14:20:12Z',
        workers: [{ name: gpuNode, gpu: 'T4', labels: operatorDeployLabels() }],
      });
      const g = gpuOperator(s, { version: 'v22.9.0', created, cpNode: 'edge-cp-01', allNodes: ['edge-cp-01', gpuNode], gpuNodes: [gpuNode], osTag: 'buildroot2021.02.12', release: 'gpu-operator-1665581456', policyStatus: notReady('gpu-operator', addSeconds(created, 60), ['state-driver', 'state-container-toolkit', 'state-operator-validation', 'state-device-plugin', 'state-dcgm-exporter', 'gpu-feature-discovery']), dsStatus: { driver: { desired: 1, ready: 0 }, toolkit: { desired: 1, ready: 0 }, devicePlugin: { desired: 1, ready: 0 }, gfd: { desired: 1, ready: 0 }, dcgmExporter: { desired: 1, ready: 0 }, validator: { desired: 1, ready: 0 } } });
      const t = addSeconds(created, 46);
      const image = 'nvcr.io/nvidia/driver:515.65.01-buildroot2021.02.12';
      const driver = dsPod(s, g.ds.driver, gpuNode, { created: t, phase: 'Pending', initContainers: [{ state: { terminated: 'Completed', exitCode: 0, startedAt: t, finishedAt: addSeconds(t, 9) } }], containers: [{ state: { waiting: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } }] });
      s.event({ object: driver, reason: 'Failed', fieldPath: 'spec.containers{nvidia-driver-ctr}', message: `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`, host: gpuNode, count: 11, first: addSeconds(t, 12), last: '2022-10-12T14:17:40Z' });
      s.event({ object: driver, reason: 'Failed', fieldPath: 'spec.containers{nvidia-driver-ctr}', message: 'Error: ErrImagePull', host: gpuNode, count: 11, first: addSeconds(t, 12), last: '2022-10-12T14:17:40Z' });
      s.event({ object: driver, reason: 'BackOff', fieldPath: 'spec.containers{nvidia-driver-ctr}', message: `Back-off pulling image "${image}"`, host: gpuNode, count: 204, first: addSeconds(t, 13), last: '2022-10-12T14:20:01Z' });
      const tk = initStuckOperand(s, g, 'toolkit', gpuNode, t);
      s.log(tk, 'driver-validation', ['running command chroot with args [/run/nvidia/driver nvidia-smi]', "chroot: failed to run command 'nvidia-smi': No such file or directory", 'command failed, retrying after 5 seconds', 'running command chroot with args [/run/nvidia/driver nvidia-smi]', "chroot: failed to run command 'nvidia-smi': No such file or directory", 'command failed, retrying after 5 seconds'].join('\n'));
      for (const c of ['devicePlugin', 'gfd', 'dcgmExporter', 'validator']) {
        const p = sandboxFailingOperand(s, g, c, gpuNode, t);
        s.event({ object: p, reason: 'FailedCreatePodSandBox', message: 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "nvidia" is configured', host: gpuNode, count: 212, first: addSeconds(t, 1), last: '2022-10-12T14:20:05Z' });
      }
      s.log(g.operatorPod, 'gpu-operator', [
        JSON.stringify({ level: 'info', ts: 1665582031.2, logger: 'controllers.ClusterPolicy', msg: 'Found kernel version label', version: kernel }),
        JSON.stringify({ level: 'info', ts: 1665582031.3, logger: 'controllers.ClusterPolicy', msg: 'ClusterPolicy step completed', 'state:': 'state-driver', status: 'notReady' }),
        JSON.stringify({ level: 'info', ts: 1665582031.4, logger: 'controllers.ClusterPolicy', msg: 'ClusterPolicy step completed', 'state:': 'state-container-toolkit', status: 'notReady' }),
      ].join('\n'));
      gpuHost(s, gpuNode, { gpu: 'T4', kernel, os: 'buildroot2021.02.12', driver: null, files: { '/etc/containerd/config.toml': containerdV2({ sandbox: 'registry.k8s.io/pause:3.8' }) }, commands: { 'containerd-config-dump': { stdout: containerdV2({ sandbox: 'registry.k8s.io/pause:3.8' }) } }, binaries: ['/usr/bin/runc'] });
    },
  },
  {
    id: 'gpu-operator-722',
    title: 'Ubuntu 24.04 nodes: nvcr.io/nvidia/driver:550.54.15-ubuntu24.04 does not exist',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/722', state: 'closed' },
    setup: 'GPU Operator 24.3.0 on Kubernetes with CRI-O, Ubuntu 24.04 worker (kernel 6.8.0-1008-aws), operator-managed driver.',
    quotes: [
      { who: 'isugimpy (reporter)', text: '* OS/Version(e.g. RHEL8.6, Ubuntu22.04): Ubuntu24.04\n* Kernel Version:6.8.0-1008-aws\n* Container Runtime Type/Version(e.g. Containerd, CRI-O, Docker): CRI-O\n* K8s Flavor/Version(e.g. K8s, OCP, Rancher, GKE, EKS): K8s\n* GPU Operator Version: 24.3.0' },
      { who: 'isugimpy (reporter)', text: 'Installed gpu-operator on a cluster hosting Ubuntu 24.04 nodes.  Unable to install drivers because nvcr.io/nvidia/driver:550.54.15-ubuntu24.04 does not exist.' },
      { who: 'isugimpy (reporter)', text: '3. Observe ImagePullBackOff due to image not existing.' },
      { who: 'frittentheke', text: 'While Ubuntu 24.04 is not yet listed as supported OS (https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/platform-support.html#supported-operating-systems-and-kubernetes-platforms) for the Operator' },
    ],
    rootCause: 'The operator asked for `<driver>-ubuntu24.04` (from the node\'s os_release labels) before NVIDIA published driver images for Ubuntu 24.04; the tag did not exist. The issue is labelled `feature` and was closed when 24.04 images were published.',
    confirmation: { by: 'reporter and a second user (frittentheke), label feature (support added later)', quote: 'Unable to install drivers because nvcr.io/nvidia/driver:550.54.15-ubuntu24.04 does not exist.' },
    expect: { errors: ['driver-image-unavailable'] },
    components: { 'gpu-operator': 'v24.3.0', 'cri-o': '1.30.1', kubernetes: 'v1.30.1' },
    rebuilt: 'The image name, OS, kernel, runtime and operator version are the reporter\'s. The pull error is CRI-O\'s wording for a missing tag (containers/image "reading manifest … manifest unknown"), not quoted in the thread; the rest of the cluster is filled in.',
    snapshot: { context: 'gpu-prod', serverVersion: 'v1.30.1', capturedAt: '2024-05-15T18:02:11Z' },
    build(s) {
      const created = '2024-05-15T17:20:00Z';
      const kernel = '6.8.0-1008-aws';
      const node = 'ip-10-20-33-141.ec2.internal';
      cluster(s, {
        flavour: 'kubeadm', k8s: 'v1.30.1', runtime: 'cri-o://1.30.1', kernel, os: 'ubuntu24.04', cp: 'ip-10-20-1-12.ec2.internal', created: '2024-05-02T10:00:00Z', heartbeat: '2024-05-15T18:01:50Z',
        workers: [{ name: node, gpu: 'A10', labels: { ...operatorDeployLabels(), 'node.kubernetes.io/instance-type': 'g5.xlarge' }, providerID: 'aws:///us-east-1a/i-0f3a9c2b7d1e44a51' }],
      });
      const g = gpuOperator(s, { version: 'v24.3.0', created, cpNode: 'ip-10-20-1-12.ec2.internal', allNodes: ['ip-10-20-1-12.ec2.internal', node], gpuNodes: [node], osTag: 'ubuntu24.04', defaultRuntime: 'crio', policyStatus: notReady('gpu-operator', addSeconds(created, 60), ['state-driver', 'state-container-toolkit', 'state-operator-validation', 'state-device-plugin', 'state-dcgm-exporter', 'gpu-feature-discovery']), dsStatus: { driver: { desired: 1, ready: 0 }, toolkit: { desired: 1, ready: 0 }, devicePlugin: { desired: 1, ready: 0 }, gfd: { desired: 1, ready: 0 }, dcgmExporter: { desired: 1, ready: 0 }, validator: { desired: 1, ready: 0 } } });
      const t = addSeconds(created, 46);
      const image = 'nvcr.io/nvidia/driver:550.54.15-ubuntu24.04';
      const driver = dsPod(s, g.ds.driver, node, { created: t, phase: 'Pending', initContainers: [{ state: { terminated: 'Completed', exitCode: 0, startedAt: t, finishedAt: addSeconds(t, 7) } }], containers: [{ state: { waiting: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } }] });
      s.event({ object: driver, reason: 'Failed', fieldPath: 'spec.containers{nvidia-driver-ctr}', message: `Failed to pull image "${image}": rpc error: code = Unknown desc = reading manifest 550.54.15-ubuntu24.04 in nvcr.io/nvidia/driver: manifest unknown: manifest unknown`, host: node, count: 9, first: addSeconds(t, 10), last: '2024-05-15T17:58:31Z' });
      s.event({ object: driver, reason: 'BackOff', fieldPath: 'spec.containers{nvidia-driver-ctr}', message: `Back-off pulling image "${image}"`, host: node, count: 171, first: addSeconds(t, 11), last: '2024-05-15T18:01:40Z' });
      const tk = initStuckOperand(s, g, 'toolkit', node, t);
      s.log(tk, 'driver-validation', [logrus('info', addSeconds(t, 20), 'version: 0a2b1c9e, commit: 0a2b1c9'), logrus('info', addSeconds(t, 20), 'Driver is not pre-installed on the host and is managed by GPU Operator. Checking driver container status.'), 'running command bash with args [-c stat /run/nvidia/validations/.driver-ctr-ready]', "stat: cannot statx '/run/nvidia/validations/.driver-ctr-ready': No such file or directory", 'command failed, retrying after 5 seconds'].join('\n'));
      for (const c of ['devicePlugin', 'gfd', 'dcgmExporter', 'validator']) initStuckOperand(s, g, c, node, t);
      gpuHost(s, node, { gpu: 'A10', kernel, os: 'ubuntu24.04', driver: null, files: { '/etc/crio/crio.conf': crioConf({ hooksDir: ['/usr/share/containers/oci/hooks.d', '/run/containers/oci/hooks.d'] }) }, binaries: ['/usr/libexec/crio/crun', '/usr/libexec/crio/runc'] });
    },
  },
];

