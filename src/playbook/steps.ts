// The troubleshooting playbooks of the seed documents, as data: each step is a question an operator asks,
// the commands that answer it by hand, and the findings that mean "this step failed".
// Layers give the dependency order: fix the driver before the validator.
import type { CheckName } from '../catalogue.js';

export const LAYERS = [
  'hardware',
  'driver',
  'toolkit',
  'runtime',
  'nodes',
  'operator',
  'scheduling',
  'registry',
  'workload',
  'injection',
  'stack',
  'monitoring',
] as const;
export type Layer = (typeof LAYERS)[number];

export interface PlaybookStep {
  id: string;
  layer: Layer;
  title: string;
  /** The commands the seed tells a person to run to answer the question. */
  verify: string[];
  /** Finding names that mean this step failed. */
  findings: string[];
}

export interface Playbook {
  id: string;
  title: string;
  /** The seed document and section it follows. */
  source: string;
  steps: PlaybookStep[];
}

/** A step as written below: its findings are catalogue names, so a misspelt one is a type error. */
type StepDefinition = Omit<PlaybookStep, 'findings'> & { findings: CheckName[] };

export const PLAYBOOKS: Playbook[] = [
  {
    id: 'homelab-ladder',
    title: 'Bottom-up verification of a GPU node',
    source: 'rtx-gpu-kubernetes-homelab (在 Kubernetes 上配置 NVIDIA RTX GPU)',
    steps: [
      { id: 'pci', layer: 'hardware', title: 'Does the host see an NVIDIA PCI device?', verify: ['sudo lspci | grep NVIDIA', 'lspci -nn | grep 10de'], findings: ['no-nvidia-pci-device', 'no-gpu-nodes'] },
      { id: 'nouveau', layer: 'driver', title: 'Is nouveau out of the way?', verify: ['lsmod | grep nouveau'], findings: ['nouveau-loaded'] },
      { id: 'driver', layer: 'driver', title: 'Is the NVIDIA driver installed, loaded and matching its libraries?', verify: ['nvidia-smi', 'cat /proc/driver/nvidia/version', 'lsmod | grep nvidia', "ls /dev/ | grep 'nvidia[0-9]\\+'"], findings: ['driver-not-loaded', 'driver-library-mismatch', 'driver-below-minimum'] },
      { id: 'holds', layer: 'driver', title: 'Are the driver packages held against upgrades?', verify: ["dpkg-query -W --showformat='${Package} ${Status}\\n' | grep -v deinstall | awk '{ print $1 }' | grep -E 'nvidia.*-[0-9]+$'", 'apt-mark showhold'], findings: ['driver-packages-unheld'] },
      { id: 'toolkit', layer: 'toolkit', title: 'Is the NVIDIA container toolkit installed?', verify: ['nvidia-ctk --version', 'ls -l /usr/bin/nvidia-container-runtime'], findings: ['runtime-binary-missing', 'toolkit-config-unsupported'] },
      { id: 'containerd', layer: 'runtime', title: 'Does containerd have the nvidia runtime?', verify: ['sudo cat /etc/containerd/config.toml | grep "containerd.runtimes.nvidia."', 'containerd config dump | grep -A3 runtimes.nvidia'], findings: ['nvidia-runtime-missing', 'containerd-config-invalid'] },
      { id: 'runtimeclass', layer: 'runtime', title: 'Does the nvidia RuntimeClass exist and point at a configured handler?', verify: ['kubectl get runtimeclass'], findings: ['runtimeclass-missing', 'nvidia-runtime-not-selected'] },
      { id: 'operator', layer: 'operator', title: 'Are the GPU Operator pods healthy?', verify: ['kubectl get pods -n gpu-operator | grep -i nvidia', 'kubectl -n gpu-operator logs deployment/gpu-operator | grep GPU'], findings: ['operand-unhealthy', 'clusterpolicy-not-ready', 'validator-failed'] },
      { id: 'allocatable', layer: 'operator', title: 'Does the node advertise nvidia.com/gpu?', verify: ["kubectl get nodes -o custom-columns=NAME:.metadata.name,GPU:.status.allocatable.nvidia\\.com/gpu"], findings: ['gpu-not-allocatable', 'no-device-plugin'] },
      { id: 'test-job', layer: 'workload', title: 'Does a test job with runtimeClassName nvidia run nvidia-smi?', verify: ['kubectl logs job/test-job-gpu'], findings: ['driver-too-old-for-cuda'] },
    ],
  },
  {
    id: 'gpu-operator',
    title: 'NVIDIA GPU Operator: install, validators, scheduling',
    source: 'gpu-operator-on-y-k8s (排查, GPU节点调度异常排查)',
    steps: [
      { id: 'nfd-labels', layer: 'nodes', title: 'Did NFD label the GPU nodes (pci-10de)?', verify: ["kubectl get nodes -o json | jq '.items[].metadata.labels' | grep 10de"], findings: ['no-gpu-nodes', 'gpu-node-unlabeled'] },
      { id: 'operands-opt-out', layer: 'nodes', title: 'Is the node opted out of operands?', verify: ['kubectl get nodes -L nvidia.com/gpu.deploy.operands'], findings: ['operands-disabled', 'operand-deploy-label-missing'] },
      { id: 'operand-placement', layer: 'nodes', title: 'Does every operand DaemonSet tolerate the GPU nodes\' taints?', verify: ['kubectl get ds -n gpu-operator', 'kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints'], findings: ['operand-taint-untolerated'] },
      { id: 'driver-image', layer: 'driver', title: 'Does the driver image exist for the nodes\' OS?', verify: ['kubectl get pods -n gpu-operator -l app=nvidia-driver-daemonset', 'kubectl get nodes -L feature.node.kubernetes.io/system-os_release.ID -L feature.node.kubernetes.io/system-os_release.VERSION_ID'], findings: ['driver-image-unavailable'] },
      { id: 'fabric-manager', layer: 'driver', title: 'On NVSwitch systems: is the fabric manager running, of the driver\'s version?', verify: ['systemctl status nvidia-fabricmanager', 'nvidia-smi -q | grep -A2 -i fabric'], findings: ['fabric-manager-not-running'] },
      { id: 'runtime-after-operator', layer: 'runtime', title: 'Did the toolkit rewrite config.toml and lose the nvidia runtime?', verify: ['kubectl describe pods -n gpu-operator', 'sudo grep -n nvidia /etc/containerd/config.toml'], findings: ['nvidia-runtime-missing', 'toolkit-config-unsupported'] },
      { id: 'validators', layer: 'operator', title: 'Which validator stage fails?', verify: ['kubectl get pods -n gpu-operator -l app=nvidia-operator-validator', 'kubectl logs -n gpu-operator POD -c plugin-validation'], findings: ['validator-failed', 'clusterpolicy-not-ready'] },
      { id: 'leftover-pod', layer: 'scheduling', title: 'Does a finished pod (cuda-vectoradd) still hold the only GPU?', verify: ['kubectl get pods -A -o wide | grep -E "Completed|NotReady"', 'kubectl describe pods cuda-vectoradd'], findings: ['gpu-held-by-finished-pod', 'unexpected-admission-error'] },
      { id: 'capacity', layer: 'scheduling', title: 'Are there enough free GPUs for what is Pending?', verify: ['kubectl describe node NODE | grep -A8 Allocated', 'kubectl get pods -A --field-selector status.phase=Pending'], findings: ['insufficient-gpu', 'gpu-taint-untolerated'] },
      { id: 'vectoradd', layer: 'workload', title: 'Does cuda-vectoradd print Test PASSED?', verify: ['kubectl logs cuda-vectoradd'], findings: ['driver-too-old-for-cuda'] },
    ],
  },
  {
    id: 'tensor-fusion',
    title: 'TensorFusion troubleshooting',
    source: 'tensor-fusion-troubleshooting (问题处理手册)',
    steps: [
      { id: 'gpu-nodes', layer: 'nodes', title: 'GPU nodes not found: are they labelled nvidia.com/gpu.present=true?', verify: ['kubectl get nodes --show-labels | grep nvidia.com/gpu.present=true'], findings: ['gpu-node-unlabeled', 'no-gpu-nodes'] },
      { id: 'operator-restarts', layer: 'stack', title: 'Is the TensorFusion operator restarting?', verify: ['kubectl logs -n tensor-fusion-sys -l app.kubernetes.io/component=controller'], findings: ['tf-operator-restarting'] },
      { id: 'worker', layer: 'stack', title: 'Is the GPU worker crashing?', verify: ['kubectl logs -n WORKLOAD_NAMESPACE WORKER_POD --previous', '# set TF_ENABLE_LOG=1 in the worker template of the TensorFusionCluster'], findings: ['tf-worker-crashing'] },
      { id: 'invalid-memory', layer: 'stack', title: 'Does the worker hit "Invalid Memory Address"?', verify: ['kubectl logs POD | grep "Invalid Memory Address"'], findings: ['tf-invalid-memory-address'] },
      { id: 'image-pulls', layer: 'registry', title: 'Can the nodes pull the images (mirrors loaded)?', verify: ['ll /var/lib/rancher/k3s/agent/etc/containerd/certs.d', 'cat /etc/docker/daemon.json'], findings: ['image-pull-failing', 'mirror-not-loaded', 'no-mirror-for-host'] },
      { id: 'native-scheduling', layer: 'operator', title: 'Native nvidia.com/gpu scheduling needs the device plugin', verify: ['kubectl get ds -A | grep nvidia-device-plugin'], findings: ['no-device-plugin'] },
      { id: 'stuck-starting', layer: 'stack', title: 'Pod stuck starting: is its worker running (no GPU) or not (injection)?', verify: ['kubectl get po -A --show-labels | grep tensor-fusion.ai/workload', 'kubectl describe tensorfusionworkload NAME', 'kubectl get gpu'], findings: ['tf-worker-not-running', 'tf-schedule-failed', 'tf-gpus-undiscovered'] },
      { id: 'injection', layer: 'injection', title: 'Did PATH, LD_LIBRARY_PATH and LD_PRELOAD reach the process?', verify: ['kubectl exec -it POD -- sh -c "bash …"', 'echo $PATH', 'strace -e execve -s 99999 PROGRAM ARGS'], findings: ['injection-env-missing', 'shell-drops-preload', 'env-dropped-by-child'] },
      { id: 'device-count', layer: 'injection', title: 'PyTorch device-count assertion: injection failed', verify: ['kubectl logs POD | grep -E "DeferredCudaCallError|num_gpus"'], findings: ['device-count-assert'] },
    ],
  },
  {
    id: 'kantaloupe',
    title: 'Kantaloupe prerequisites: Prometheus, GPU Operator, HAMi, ServiceMonitors, Gateway API',
    source: 'kantaloupe-prerequisites (系统要求, 组件安装)',
    steps: [
      { id: 'driver', layer: 'driver', title: 'Driver 440 or newer on every GPU node', verify: ['nvidia-smi'], findings: ['driver-below-minimum'] },
      { id: 'helm', layer: 'stack', title: 'Helm 3.14 or newer', verify: ['helm version --short'], findings: ['helm-too-old'] },
      { id: 'prometheus', layer: 'monitoring', title: 'Prometheus 2.37 or newer (kube-prometheus-stack)', verify: ['kubectl get prometheus -A -o jsonpath="{..version}"'], findings: ['prometheus-too-old'] },
      { id: 'operator-for-hami', layer: 'operator', title: 'GPU Operator installed with devicePlugin.enabled=false', verify: ['kubectl get ds -A | grep device-plugin'], findings: ['device-plugin-conflict'] },
      { id: 'hami-nodes', layer: 'nodes', title: 'HAMi GPU nodes labelled gpu=on', verify: ['kubectl get nodes -L gpu'], findings: ['hami-node-not-enabled'] },
      { id: 'servicemonitors', layer: 'monitoring', title: 'Does Prometheus select the HAMi and DCGM ServiceMonitors?', verify: ['kubectl get servicemonitors -A --show-labels', 'kubectl get prometheus -A -o jsonpath="{..serviceMonitorSelector}"'], findings: ['servicemonitor-not-selected'] },
      { id: 'metrics', layer: 'monitoring', title: 'Does Prometheus return DCGM_FI_DEV_GPU_UTIL, HostCoreUtilization and GPUDeviceCoreAllocated?', verify: ['curl -s "http://PROMETHEUS:9090/api/v1/query?query=DCGM_FI_DEV_GPU_UTIL"', 'curl -s "http://PROMETHEUS:9090/api/v1/query?query=HostCoreUtilization"', 'curl -s "http://PROMETHEUS:9090/api/v1/query?query=GPUDeviceCoreAllocated"'], findings: ['gpu-metrics-missing'] },
      { id: 'gateway', layer: 'stack', title: 'Is a Gateway API implementation installed?', verify: ['kubectl get crd gateways.gateway.networking.k8s.io', 'kubectl get gateway -A'], findings: ['gateway-api-missing'] },
    ],
  },
  {
    id: 'bitfusion',
    title: 'Bitfusion on Kubernetes',
    source: 'bitfusion-kubernetes-integration (troubleshooting)',
    steps: [
      { id: 'components', layer: 'stack', title: 'Are the device plugin, webhook and webhook configurations deployed?', verify: ['kubectl get ds -n kube-system | grep bitfusion', 'kubectl get pods -n bwki', 'kubectl get mutatingwebhookconfigurations'], findings: ['bitfusion-components-missing'] },
      { id: 'secret', layer: 'stack', title: 'Does bitfusion-secret exist in kube-system and the workload namespace?', verify: ['kubectl get secret bitfusion-secret -n kube-system', 'kubectl get secret bitfusion-secret -n NAMESPACE'], findings: ['bitfusion-secret-missing'] },
      { id: 'annotations', layer: 'workload', title: 'Are the pod annotations and resources valid?', verify: ['kubectl get pod POD -o jsonpath="{.metadata.annotations}"'], findings: ['bitfusion-annotation-invalid'] },
      { id: 'injected', layer: 'injection', title: 'Was the pod injected (auto-management/status: injected, bitfusion run)?', verify: ['kubectl get pod POD -o yaml | grep -E "auto-management/status|bitfusion run"'], findings: ['bitfusion-not-injected', 'injection-env-missing'] },
      { id: 'token', layer: 'stack', title: 'Can the workload reach the Bitfusion server with its token?', verify: ['kubectl logs POD'], findings: ['bitfusion-token-invalid'] },
    ],
  },
] satisfies (Omit<Playbook, 'steps'> & { steps: StepDefinition[] })[];
