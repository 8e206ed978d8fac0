// Container runtime configuration: containerd 2.x config versions 3 and 4 and drop-ins, CRI-O drop-in
// directories and hooks, Docker nodes that take no RuntimeClass handler.
import { addSeconds, dsPod, logrus } from '../lib.mjs';
import { HOST_TOOLKIT, OPERATOR_TOOLKIT, containerdV2, containerdV3, crioConf, crioNvidiaDropIn, dockerDaemonJson, nvidiaDropIn, operatorDeployLabels, gfdLabels } from '../host.mjs';
import { cluster, devicePluginChart, gpuHost, gpuOperator, gpuPod, healthyOperands, initStuckOperand, sandboxFailingOperand, policyNotReady as notReady } from '../stacks.mjs';

const allNotReady = (gpuNodes) => Object.fromEntries(['driver', 'toolkit', 'devicePlugin', 'gfd', 'dcgmExporter', 'validator'].map((c) => [c, { desired: gpuNodes, ready: 0 }]));

export const cases = [
  {
    id: 'gpu-operator-2060',
    title: 'EKS 1.33 (containerd 2.1.5, config version 3): the container-toolkit daemonset fails with "unsupported config version: 3"',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/2060', state: 'closed' },
    setup: 'AWS EKS updated to 1.33, which moves the AMI from containerd 1.7.27 (config version 2) to containerd 2.1.5 (config version 3). GPU Operator 25.10.1 with a values override pinning toolkit to container-toolkit:v1.14.6-centos7.',
    quotes: [
      { who: 'stefanandres (reporter)', text: '# > = 1.33 node\n\n# containerd --version\ncontainerd github.com/containerd/containerd/v2 2.1.5 fcd43222d6b07379a4be9786bda52438f0dd16a1\n\n# containerd config dump|head\nversion = 3' },
      { who: 'stefanandres (reporter)', text: 'time="2026-01-21T12:32:09Z" level=fatal msg="Error: unable to load config: unsupported config version: 3"\ntime="2026-01-21T12:32:09Z" level=info msg="Shutting Down"\ntime="2026-01-21T12:32:09Z" level=error msg="error running nvidia-toolkit: unable to setup runtime: error running containerd command: exit status 1"' },
      { who: 'stefanandres (reporter)', text: 'Solved. We had an override to use container-toolkit:v1.14.6-centos7 instead of using the upstream values (which is 1.18.1 currently)' },
    ],
    rootCause: 'The toolkit pinned by the override (1.14.6) predates containerd config version 3 support (added in toolkit 1.17.4, commit 29180593): its containerd config loader stops at "unsupported config version: 3", the toolkit container restarts, containerd never gets an nvidia runtime and every operand with RuntimeClass nvidia waits. The operator\'s default toolkit (1.18.1) works.',
    confirmation: { by: 'reporter', quote: 'Solved. We had an override to use container-toolkit:v1.14.6-centos7 instead of using the upstream values' },
    expect: { errors: ['toolkit-config-unsupported'] },
    components: { 'gpu-operator': 'v25.10.1', 'container-toolkit': 'v1.14.6-centos7', containerd: '2.1.5', kubernetes: 'v1.33.5-eks' },
    rebuilt: 'The toolkit log lines, containerd version and config version are the reporter\'s. The EKS node names, the AL2023 containerd config (version 3, CRI runtime plugin io.containerd.cri.v1.runtime) and the operand states are filled in.',
    snapshot: { context: 'arn:aws:eks:eu-central-1:123456789012:cluster/ml-prod', serverVersion: 'v1.33.5-eks-3025e55', capturedAt: '2026-01-21T12:40:02Z' },
    build(s) {
      const created = '2026-01-21T12:05:00Z';
      const kernel = '6.12.46-66.121.amzn2023.x86_64';
      const node = 'ip-10-42-17-93.eu-central-1.compute.internal';
      cluster(s, {
        flavour: 'eks', k8s: 'v1.33.5-eks-113cf36', runtime: 'containerd://2.1.5', kernel, os: 'amzn2023', osImage: 'Amazon Linux 2023.8.20250915', created: '2026-01-20T09:00:00Z', heartbeat: '2026-01-21T12:39:40Z',
        workers: [
          { name: 'ip-10-42-3-11.eu-central-1.compute.internal', labels: { 'eks.amazonaws.com/nodegroup': 'system' } },
          { name: node, gpu: 'A10', labels: { ...operatorDeployLabels(), 'eks.amazonaws.com/nodegroup': 'gpu-g5', 'node.kubernetes.io/instance-type': 'g5.2xlarge' }, providerID: 'aws:///eu-central-1a/i-0a9d3c1e77b2f4e08' },
        ],
      });
      const g = gpuOperator(s, { version: 'v25.10.1', versions: { toolkit: 'v1.14.6-centos7' }, osTag: 'amzn2023', driver: false, created, cpNode: 'ip-10-42-3-11.eu-central-1.compute.internal', allNodes: ['ip-10-42-3-11.eu-central-1.compute.internal', node], gpuNodes: [node], policyStatus: notReady('gpu-operator', addSeconds(created, 90), ['state-container-toolkit', 'state-operator-validation', 'state-device-plugin', 'state-dcgm-exporter', 'gpu-feature-discovery']), dsStatus: allNotReady(1) });
      const t = addSeconds(created, 50);
      const tk = dsPod(s, g.ds.toolkit, node, { created: t, phase: 'Running', initContainers: [{ state: { terminated: 'Completed', exitCode: 0, startedAt: t, finishedAt: addSeconds(t, 3) } }], containers: [{ state: { waiting: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=nvidia-container-toolkit-ctr pod=nvidia-container-toolkit-daemonset_gpu-operator' }, restarts: 9, last: { reason: 'Error', exitCode: 1, startedAt: '2026-01-21T12:32:08Z', finishedAt: '2026-01-21T12:32:09Z' } }] });
      const log = [
        logrus('info', '2026-01-21T12:32:08Z', 'Parsing arguments'),
        logrus('info', '2026-01-21T12:32:08Z', 'Starting nvidia-toolkit'),
        logrus('info', '2026-01-21T12:32:08Z', 'Verifying Flags'),
        logrus('info', '2026-01-21T12:32:09Z', 'Installing NVIDIA container toolkit to \'/usr/local/nvidia/toolkit\''),
        logrus('info', '2026-01-21T12:32:09Z', 'Setting up runtime'),
        logrus('info', '2026-01-21T12:32:09Z', 'Starting \'setup\' for containerd'),
        'time="2026-01-21T12:32:09Z" level=fatal msg="Error: unable to load config: unsupported config version: 3"',
        'time="2026-01-21T12:32:09Z" level=info msg="Shutting Down"',
        'time="2026-01-21T12:32:09Z" level=error msg="error running nvidia-toolkit: unable to setup runtime: error running containerd command: exit status 1"',
      ].join('\n');
      s.log(tk, 'nvidia-container-toolkit-ctr', log, { previous: true });
      s.log(tk, 'nvidia-container-toolkit-ctr', log.split('\n').slice(0, 6).join('\n'));
      s.event({ object: tk, reason: 'BackOff', fieldPath: 'spec.containers{nvidia-container-toolkit-ctr}', message: 'Back-off restarting failed container nvidia-container-toolkit-ctr in pod nvidia-container-toolkit-daemonset-0_gpu-operator(a1b2)'.replace('-0_', `-${tk.metadata.name.split('-').pop()}_`).replace('(a1b2)', `(${tk.metadata.uid})`), host: node, count: 41, first: addSeconds(t, 80), last: '2026-01-21T12:39:31Z' });
      for (const c of ['devicePlugin', 'gfd', 'dcgmExporter', 'validator']) {
        const p = sandboxFailingOperand(s, g, c, node, t);
        s.event({ object: p, reason: 'FailedCreatePodSandBox', message: `Failed to create pod sandbox: rpc error: code = Unknown desc = unable to get OCI runtime for sandbox "${p.metadata.uid.replace(/-/g, '').padEnd(64, '0')}": no runtime for "nvidia" is configured`, host: node, count: 97, first: addSeconds(t, 2), last: '2026-01-21T12:39:55Z' });
      }
      const cfg = containerdV3({ imports: ['/etc/containerd/conf.d/*.toml'] });
      gpuHost(s, node, { gpu: 'A10', kernel, os: 'amzn2023', driver: '580.95.05', cuda: '13.0', built: 'Tue Sep 23 09:25:23 UTC 2025', gcc: 'gcc version 11.5.0 20240719 (Red Hat 11.5.0-5) (GCC)', files: { '/etc/containerd/config.toml': cfg }, commands: { 'containerd-config-dump': { stdout: cfg } }, binaries: ['/usr/bin/nvidia-container-runtime', '/usr/bin/nvidia-ctk', '/usr/bin/runc'] });
    },
  },
  {
    id: 'aicr-1688',
    title: 'AKS Ubuntu 24.04 GPU nodes NotReady: the toolkit wrote a version 4 containerd drop-in next to a version 2 root config',
    thread: { url: 'https://github.com/NVIDIA/aicr/issues/1688', state: 'closed' },
    setup: 'AKS Ubuntu 24.04 GPU node image with containerd 2.3.2, whose /etc/containerd/config.toml declares version = 2; GPU Operator v26.3.2 (nvidia-container-toolkit v1.19.1) with default values.',
    quotes: [
      { who: 'mchmarny (reporter, maintainer of the repository)', text: 'All pods on the node fail with `no runtime for "nvidia" is configured`, then `dial unix /run/containerd/containerd.sock: connect: connection refused`. On the node:\n\n```\ncontainerd: drop-in config version 4 higher than root config version 2\ncontainerd.service: Main process exited, code=exited, status=1/FAILURE\n```' },
      { who: 'mchmarny', text: 'nvidia-container-toolkit v1.19.1 (as shipped by gpu-operator v26.3.2) defaults its containerd config source to `["command", "file"]`. The `command` loader runs `containerd config dump`, which returns the **migrated effective config** — `version = 4` on containerd 2.x — while AKS\'s on-disk `/etc/containerd/config.toml` declares `version = 2`. The toolkit then writes `/etc/containerd/conf.d/99-nvidia.toml` with `version = 4`; containerd refuses to merge a drop-in with a higher version than the root config and exits' },
      { who: 'mchmarny', text: 'Set the toolkit env `RUNTIME_CONFIG_SOURCE=file` in the AKS gpu-operator values so the toolkit reads the on-disk config (version 2) and emits a matching version-2' },
    ],
    rootCause: 'The toolkit built its drop-in from `containerd config dump` (version 4 after containerd 2.3\'s migration) while the root config on disk is version 2; containerd 2.3 refuses a drop-in whose version is higher than the root config\'s (cmd/containerd/server/config/config.go:480) and exits, so the node loses its container runtime.',
    confirmation: { by: 'reporter (repository maintainer), fixed in the recipe with RUNTIME_CONFIG_SOURCE=file' },
    expect: { errors: ['toolkit-config-unsupported'], note: 'The node NotReady and every pod failing are consequences of containerd exiting.' },
    components: { 'gpu-operator': 'v26.3.2', 'container-toolkit': 'v1.19.1', containerd: '2.3.2', kubernetes: 'v1.34.2' },
    rebuilt: 'The containerd messages and file paths are the reporter\'s. The drop-in content follows nvidia-ctk\'s drop-in format at version 4; `containerd config dump` on the node fails the same way containerd does (its stderr carries the loader\'s message); names and other objects are filled in.',
    snapshot: { context: 'aicr-aks-eastus2', serverVersion: 'v1.34.2', capturedAt: '2026-07-09T16:12:40Z' },
    build(s) {
      const created = '2026-07-09T15:40:00Z';
      const kernel = '6.8.0-1041-azure';
      const gpuNodes = ['aks-gpu-31472690-vmss000000', 'aks-gpu-31472690-vmss000001'];
      cluster(s, {
        flavour: 'aks', k8s: 'v1.34.2', runtime: 'containerd://2.3.2-1', kernel, os: 'ubuntu24.04', created: '2026-07-09T14:00:00Z', heartbeat: '2026-07-09T15:52:10Z',
        workers: [
          { name: 'aks-system-21733415-vmss000000', labels: { 'kubernetes.azure.com/agentpool': 'system' } },
          ...gpuNodes.map((name) => ({ name, gpu: 'A100', labels: { ...operatorDeployLabels(), 'kubernetes.azure.com/agentpool': 'gpu', 'node.kubernetes.io/instance-type': 'Standard_NC24ads_A100_v4' }, ready: false, notReadyMessage: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized; container runtime is down: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /run/containerd/containerd.sock: connect: connection refused"', taints: [{ effect: 'NoSchedule', key: 'node.kubernetes.io/not-ready', timeAdded: '2026-07-09T15:52:30Z' }] })),
        ],
      });
      const g = gpuOperator(s, { version: 'v26.3.2', created, driver: false, osTag: 'ubuntu24.04', cpNode: 'aks-system-21733415-vmss000000', allNodes: ['aks-system-21733415-vmss000000', ...gpuNodes], gpuNodes, policyStatus: notReady('gpu-operator', addSeconds(created, 700), ['state-container-toolkit', 'state-operator-validation', 'state-device-plugin', 'state-dcgm-exporter', 'gpu-feature-discovery']), dsStatus: allNotReady(2) });
      const t = addSeconds(created, 50);
      gpuNodes.forEach((node, i) => {
        const tk = dsPod(s, g.ds.toolkit, node, { created: t, phase: 'Running', podIP: `10.244.${i + 2}.5`, initContainers: [{ state: { terminated: 'Completed', exitCode: 0, startedAt: t, finishedAt: addSeconds(t, 4) } }], containers: [{ state: { running: addSeconds(t, 6) }, ready: false }] });
        s.log(tk, 'nvidia-container-toolkit-ctr', [
          logrus('info', addSeconds(t, 7), "Starting 'setup' for containerd"),
          logrus('info', addSeconds(t, 7), 'Loading config from command [containerd config dump]'),
          logrus('info', addSeconds(t, 7), 'Using config version 4'),
          logrus('info', addSeconds(t, 7), 'Using CRI runtime plugin name "io.containerd.cri.v1.runtime"'),
          logrus('info', addSeconds(t, 8), 'Wrote updated config to /etc/containerd/conf.d/99-nvidia.toml'),
          logrus('info', addSeconds(t, 8), 'Sending SIGHUP signal to containerd'),
          logrus('warning', addSeconds(t, 9), 'Error signaling containerd, attempt 1/6: unable to dial: dial unix /run/containerd/containerd.sock: connect: connection refused'),
        ].join('\n'));
        for (const c of ['devicePlugin', 'gfd', 'dcgmExporter', 'validator']) {
          const p = sandboxFailingOperand(s, g, c, node, t);
          s.event({ object: p, reason: 'FailedCreatePodSandBox', message: `Failed to create pod sandbox: rpc error: code = Unknown desc = unable to get OCI runtime for sandbox "${p.metadata.uid.replace(/-/g, '').padEnd(64, 'e')}": no runtime for "nvidia" is configured`, host: node, count: 3, first: addSeconds(t, 2), last: addSeconds(t, 8) });
          s.event({ object: p, reason: 'FailedCreatePodSandBox', message: 'Failed to create pod sandbox: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix /run/containerd/containerd.sock: connect: connection refused"', host: node, count: 88, first: addSeconds(t, 12), last: '2026-07-09T16:12:01Z' });
        }
        const root = containerdV2({ sandbox: 'mcr.microsoft.com/oss/kubernetes/pause:3.6', imports: ['/etc/containerd/conf.d/*.toml'] });
        gpuHost(s, node, { gpu: 'A100', kernel, os: 'ubuntu24.04', driver: '580.126.09', cuda: '13.0', built: 'Fri Jan 16 00:35:41 UTC 2026', gcc: 'gcc version 13.3.0 (Ubuntu 13.3.0-6ubuntu2~24.04)', files: { '/etc/containerd/config.toml': root, '/etc/containerd/conf.d/99-nvidia.toml': nvidiaDropIn({ version: 4, setDefault: false }) }, commands: { 'containerd-config-dump': { stdout: '', exit: 1, stderr: 'containerd: drop-in config version 4 higher than root config version 2\n' } }, binaries: OPERATOR_TOOLKIT });
      });
    },
  },
  {
    id: 'gpu-operator-2236',
    title: 'RKE2 with CRI-O: nvidia-ctk wrote its CRI-O drop-in to /etc/crio/conf.d, which CRI-O does not read',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/2236', state: 'open' },
    setup: 'RKE2 cluster whose GPU worker runs CRI-O; driver and NVIDIA Container Toolkit 1.19.0 installed on the host, `nvidia-ctk runtime configure --runtime=crio`; GPU Operator with driver and toolkit disabled.',
    quotes: [
      { who: 'Aashiqps (reporter)', text: '`Failed to create pod sandbox: rpc error: code = Unknown desc = failed to find runtime handler nvidia from runtime list map[crun:0xc000305680 runc:0xc000305980]`' },
      { who: 'Aashiqps (reporter)', text: 'export NVIDIA_CONTAINER_TOOLKIT_VERSION=1.19.0-1\n...\nsudo nvidia-ctk runtime configure --runtime=crio\nsudo systemctl restart crio' },
      { who: 'Aashiqps (reporter)', text: 'root@k8s-worker-gpu-01:/etc/crio/conf.d# cat 99-nvidia.toml \n\n[crio]\n\n  [crio.runtime]\n\n    [crio.runtime.runtimes]\n\n      [crio.runtime.runtimes.nvidia]\n        runtime_path = "/usr/bin/nvidia-conta' },
    ],
    rootCause: 'nvidia-ctk 1.18.0–1.19.0 defaults its CRI-O drop-in to /etc/crio/conf.d/99-nvidia.toml, but CRI-O reads drop-ins from /etc/crio/crio.conf.d (pkg/config/config_unix.go CrioConfigDropInPath); the nvidia runtime never reaches CRI-O, whose runtime list stays crun and runc. Fixed in the toolkit ("[cri-o config] fix drop-in config directory used for config overrides", commit 584f68ef, released in 1.19.1 and 1.20.0).',
    confirmation: { by: 'the toolkit fix (NVIDIA/nvidia-container-toolkit commit 584f68ef, v1.19.1); the thread itself has no maintainer answer yet' },
    expect: { errors: ['nvidia-runtime-missing', 'toolkit-config-unsupported'] },
    components: { 'container-toolkit': '1.19.0-1', 'cri-o': '1.33.4', rke2: 'v1.33.5+rke2r1', 'gpu-operator': 'v25.10.1' },
    rebuilt: 'The event, the toolkit version, the commands and the drop-in\'s path and head are the reporter\'s; the rest of the drop-in follows nvidia-ctk\'s CRI-O output. crio.conf, node names and operand states are filled in. runtime-binaries.txt lists what the probe prints for the runtime_path lines of crio.conf (crun and runc exist: CRI-O runs).',
    snapshot: { context: 'rke2-ml', serverVersion: 'v1.33.5+rke2r1', capturedAt: '2026-03-20T08:41:12Z' },
    build(s) {
      const created = '2026-03-20T07:50:00Z';
      const kernel = '6.8.0-101-generic';
      const node = 'k8s-worker-gpu-01';
      cluster(s, {
        flavour: 'rke2', k8s: 'v1.33.5+rke2r1', runtime: 'containerd://2.1.4-k3s1', kernel, os: 'ubuntu24.04', cp: 'k8s-master-01', created: '2026-03-10T10:00:00Z', heartbeat: '2026-03-20T08:40:51Z',
        workers: [{ name: node, gpu: 'L4', runtime: 'cri-o://1.33.4', labels: operatorDeployLabels() }],
      });
      const g = gpuOperator(s, { version: 'v25.10.1', created, driver: false, toolkit: false, defaultRuntime: 'crio', cpNode: 'k8s-master-01', allNodes: ['k8s-master-01', node], gpuNodes: [node], policyStatus: notReady('gpu-operator', addSeconds(created, 90), ['state-operator-validation', 'state-device-plugin', 'state-dcgm-exporter', 'gpu-feature-discovery']), dsStatus: { devicePlugin: { desired: 1, ready: 0 }, gfd: { desired: 1, ready: 0 }, dcgmExporter: { desired: 1, ready: 0 }, validator: { desired: 1, ready: 0 } } });
      // The operator sets no RuntimeClass on CRI-O nodes (setRuntimeClass: containerd only); the user's test pod does.
      const t = addSeconds(created, 50);
      for (const c of ['devicePlugin', 'gfd', 'dcgmExporter', 'validator']) initStuckOperand(s, g, c, node, t);
      const smoke = gpuPod(s, { name: 'cuda-vectoradd', image: 'nvcr.io/nvidia/k8s/cuda-sample:vectoradd-cuda12.5.0', runtimeClassName: 'nvidia', node, created: '2026-03-20T08:10:00Z', restartPolicy: 'OnFailure', gpus: 0, phase: 'Pending', state: { waiting: 'ContainerCreating' } });
      smoke.spec.containers[0].resources = {};
      s.event({ object: smoke, reason: 'FailedCreatePodSandBox', message: 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to find runtime handler nvidia from runtime list map[crun:0xc000305680 runc:0xc000305980]', host: node, count: 139, first: '2026-03-20T08:10:02Z', last: '2026-03-20T08:40:44Z' });
      gpuHost(s, node, { gpu: 'L4', kernel, os: 'ubuntu24.04', driver: '580.126.09', cuda: '13.0', built: 'Fri Jan 16 00:35:41 UTC 2026', gcc: 'gcc version 13.3.0 (Ubuntu 13.3.0-6ubuntu2~24.04)', files: { '/etc/crio/crio.conf': crioConf(), '/etc/crio/conf.d/99-nvidia.toml': crioNvidiaDropIn('/usr/bin/nvidia-container-runtime') }, dirs: ['/etc/crio/crio.conf.d', '/etc/crio/conf.d'], binaries: [...HOST_TOOLKIT, '/usr/libexec/crio/crun', '/usr/libexec/crio/runc'], holds: [] });
    },
  },
  {
    id: 'gpu-operator-1298',
    title: 'OpenShift (CRI-O): a pod with runtimeClassName nvidia fails "failed to find runtime handler nvidia"',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/1298', state: 'open' },
    setup: 'OpenShift cluster, GPU Operator with default values (CRI-O: the toolkit installs an OCI prestart hook, no nvidia runtime handler); an application pod sets runtimeClassName: nvidia to create MIG profiles.',
    quotes: [
      { who: 'okyspace (reporter)', text: 'Error “Failled to create pod sandbox:rpc error code = Unknown desc = failed to find runtime handler nvidia from \nruntime list map [crun:0x0004dd5f0 runc: 0xc0004dd790]' },
      { who: 'okyspace (reporter)', text: 'The logs shows\n- Starting \'setup\' for crio\n- Installing prestart hook\n- waiting for signal.' },
      { who: 'tariq1890 (maintainer)', text: 'Oh, `crio` uses the OCI runtime hooks. The `nvidia` runtime handler is not applicable in your case' },
      { who: 'rajathagasthya (maintainer)', text: 'Closing this one as `nvidia` runtimeclass is not applicable.' },
    ],
    rootCause: 'On CRI-O the GPU Operator\'s toolkit injects the GPU through an OCI prestart hook; CRI-O has no `nvidia` runtime handler. A pod that names runtimeClassName: nvidia asks CRI-O for a handler it does not have; the fix is to drop runtimeClassName from the pod.',
    confirmation: { by: 'maintainers (tariq1890, rajathagasthya)', quote: 'The `nvidia` runtime handler is not applicable in your case' },
    expect: { errors: ['runtimeclass-missing'], note: 'The operands themselves are healthy: the error is the workload\'s RuntimeClass, whose handler no CRI-O runtime provides.' },
    components: { 'gpu-operator': 'v24.9.2', openshift: '4.16', 'cri-o': '1.29.10' },
    rebuilt: 'The error and the toolkit log lines are the reporter\'s (the event below is the kubelet\'s form of the hand-copied error: "map[crun:… runc:…]"). OpenShift versions, node names, the MIG-capable A100 and the healthy operands are filled in.',
    snapshot: { context: 'admin@ocp-ai', serverVersion: 'v1.29.10+67d3387', capturedAt: '2025-02-26T10:21:40Z' },
    build(s) {
      const created = '2025-02-24T09:00:00Z';
      const kernel = '5.14.0-427.42.1.el9_4.x86_64';
      const node = 'worker-gpu-0.ocp-ai.example.com';
      cluster(s, {
        flavour: 'openshift', k8s: 'v1.29.10+67d3387', runtime: 'cri-o://1.29.10-3.rhaos4.16.git1a6d7bd.el9', kernel, os: 'rhcos4.16', osImage: 'Red Hat Enterprise Linux CoreOS 416.94.202411201433-0', cp: 'master-0.ocp-ai.example.com', created: '2025-01-10T09:00:00Z', heartbeat: '2025-02-26T10:21:11Z',
        workers: [{ name: node, gpu: 'A100', labels: { ...operatorDeployLabels({ mig: true }), ...gfdLabels({ product: 'NVIDIA-A100-SXM4-80GB', count: 1, memory: 81920, driver: '550.144.03', cuda: '12.4', family: 'ampere', computeMajor: 8, computeMinor: 0, migCapable: true, migStrategy: 'single' }), 'node-role.kubernetes.io/worker': '' }, gpus: 1 }],
      });
      const g = gpuOperator(s, { ns: 'nvidia-gpu-operator', version: 'v24.9.2', created, defaultRuntime: 'crio', osTag: 'rhcos4.16', cpNode: 'master-0.ocp-ai.example.com', allNodes: ['master-0.ocp-ai.example.com', node], gpuNodes: [node], mig: true });
      healthyOperands(s, g, [node], addSeconds(created, 60));
      const tk = s.objects.find((o) => o.kind === 'Pod' && o.metadata.name.startsWith('nvidia-container-toolkit-daemonset'));
      s.log(tk, 'nvidia-container-toolkit-ctr', [logrus('info', addSeconds(created, 90), "Starting 'setup' for crio"), logrus('info', addSeconds(created, 90), 'Installing prestart hook'), logrus('info', addSeconds(created, 91), 'Waiting for signal')].join('\n'));
      const app = gpuPod(s, { ns: 'mig-tools', name: 'mig-profiler-6d4c9b7f5-2xk8q', image: 'quay.io/example/mig-profiler:1.2', runtimeClassName: 'nvidia', node, created: '2025-02-26T09:50:00Z', gpus: 0, phase: 'Pending', state: { waiting: 'ContainerCreating' } });
      app.spec.containers[0].resources = {};
      s.ns('mig-tools', '2025-02-26T09:40:00Z');
      s.event({ object: app, reason: 'FailedCreatePodSandBox', message: 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to find runtime handler nvidia from runtime list map[crun:0xc0004dd5f0 runc:0xc0004dd790]', host: node, count: 142, first: '2025-02-26T09:50:02Z', last: '2025-02-26T10:21:20Z' });
      gpuHost(s, node, { gpu: 'A100', kernel, os: 'rhel9.4', driver: '550.144.03', cuda: '12.4', built: 'Thu Dec 19 02:42:59 UTC 2024', gcc: 'gcc version 11.4.1 20231218 (Red Hat 11.4.1-3) (GCC)', files: { '/etc/crio/crio.conf': crioConf({ hooksDir: ['/usr/share/containers/oci/hooks.d', '/run/containers/oci/hooks.d'] }), '/run/containers/oci/hooks.d/oci-nvidia-hook.json': JSON.stringify({ version: '1.0.0', hook: { path: '/usr/local/nvidia/toolkit/nvidia-container-runtime-hook', args: ['nvidia-container-runtime-hook', 'prestart'], env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/nvidia/toolkit'] }, when: { always: true, commands: ['.*'] }, stages: ['prestart'] }, null, 2) + '\n' }, binaries: ['/usr/local/nvidia/toolkit/nvidia-container-runtime-hook', '/usr/local/nvidia/toolkit/nvidia-ctk', '/usr/libexec/crio/crun', '/usr/libexec/crio/runc'] });
    },
  },
  {
    id: 'gpu-operator-236',
    title: 'Kubernetes 1.21 on Docker (dockershim): vectorAdd with the nvidia RuntimeClass fails "RuntimeHandler \\"nvidia\\" not supported"',
    thread: { url: 'https://github.com/NVIDIA/gpu-operator/issues/236', state: 'closed' },
    setup: 'Kubernetes 1.21 whose kubelet uses dockershim (Docker Engine); GPU Operator installed with `--set driver.enabled=false --set toolkit.enabled=false --set operator.defaultRuntime=containerd`; a vectorAdd pod naming the nvidia RuntimeClass.',
    quotes: [
      { who: 'sakaia (reporter)', text: 'helm install --wait --generate-name \\\n     nvidia/gpu-operator \\\n     --set driver.enabled=false --set toolkit.enabled=false --set operator.defaultRuntime=containerd' },
      { who: 'sakaia (reporter)', text: 'I try to run vectorAdd, But failed with `RuntimeHandler  nvidia not supported.`\nIt seems following message comes from dockershim. But I set helm chart with containerd as defaultRuntime (strange).' },
      { who: 'sakaia (reporter)', text: 'Jul 30 04:54:23 du3 kubelet[50437]: E0730 04:54:23.216598   50437 remote_runtime.go:116] "RunPodSandbox from runtime service failed" err="rpc error: code = Unknown desc = R' },
    ],
    rootCause: 'The node\'s runtime is Docker through dockershim, which accepts no RuntimeClass handler at all (pkg/kubelet/dockershim/docker_sandbox.go:108 "RuntimeHandler %q not supported"). The operator was told the runtime is containerd, so it created RuntimeClass nvidia; on Docker the nvidia runtime must be Docker\'s default-runtime (it is, here) and pods must not name a RuntimeClass (operator.defaultRuntime=docker).',
    confirmation: { by: 'reporter\'s own analysis (dockershim), issue closed' },
    expect: { errors: ['runtimeclass-missing'] },
    components: { 'gpu-operator': 'v1.7.1', kubernetes: 'v1.21.3', docker: '20.10.7' },
    rebuilt: 'The helm flags, the error and the kubelet log head are the reporter\'s; the event is the kubelet\'s FailedCreatePodSandBox form of the dockershim error. Node names, GPU, Docker\'s daemon.json (nvidia as default-runtime, which the standalone device plugin of that time needs) and the device plugin are filled in.',
    snapshot: { context: 'kubernetes-admin@du', serverVersion: 'v1.21.3', capturedAt: '2021-07-30T05:02:11Z' },
    build(s) {
      const created = '2021-07-30T04:30:00Z';
      const kernel = '5.4.0-80-generic';
      const node = 'du3';
      cluster(s, {
        flavour: 'kubeadm', k8s: 'v1.21.3', runtime: 'docker://20.10.7', kernel, os: 'ubuntu18.04', osImage: 'Ubuntu 18.04.5 LTS', cp: 'du1', created: '2021-07-01T00:00:00Z', heartbeat: '2021-07-30T05:01:50Z',
        workers: [{ name: node, gpu: 'V100', gpus: 1, labels: { 'nvidia.com/gpu.present': 'true' } }],
      });
      s.runtimeClass('nvidia', 'nvidia', addSeconds(created, 30));
      const dp = devicePluginChart(s, { ns: 'kube-system', static: true, version: 'v0.9.0', created: '2021-07-02T00:00:00Z', nodes: [node], tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] });
      dsPod(s, dp.ds, node, { created: '2021-07-29T22:10:00Z', containers: [{ state: { running: '2021-07-29T22:10:04Z' } }] });
      const pod = gpuPod(s, { name: 'cuda-vectoradd', image: 'nvidia/samples:vectoradd-cuda11.2.1', runtimeClassName: 'nvidia', node, created: '2021-07-30T04:54:20Z', restartPolicy: 'OnFailure', phase: 'Pending', state: { waiting: 'ContainerCreating' } });
      s.event({ object: pod, reason: 'FailedCreatePodSandBox', message: 'Failed to create pod sandbox: rpc error: code = Unknown desc = RuntimeHandler "nvidia" not supported', host: node, count: 47, first: '2021-07-30T04:54:23Z', last: '2021-07-30T05:01:40Z' });
      gpuHost(s, node, { gpu: 'V100', kernel, os: 'ubuntu18.04', driver: '470.57.02', cuda: '11.4', built: 'Tue Jul  6 19:28:01 UTC 2021', gcc: 'gcc version 7.5.0 (Ubuntu 7.5.0-3ubuntu1~18.04)', files: { '/etc/docker/daemon.json': dockerDaemonJson({ defaultRuntime: 'nvidia' }) }, binaries: ['/usr/bin/nvidia-container-runtime', '/usr/bin/nvidia-container-runtime-hook', '/usr/bin/nvidia-container-cli', '/usr/bin/runc'] });
    },
  },
];

