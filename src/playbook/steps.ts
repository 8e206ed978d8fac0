// The troubleshooting playbooks gpuctl walks: the stacks' own, each written in its module
// (src/stacks/<id>.ts `playbook:`), after the bottom-up check of a GPU node that every stack needs. Each step
// is a question an operator asks, the commands that answer it by hand, and the findings that mean "this step
// failed"; the shapes and the layers' dependency order are in src/stacks/playbook.ts.
import type { CheckName } from '../catalogue.js';
import { stackPlaybooks } from '../stacks/derived.js';
import type { STACKS } from '../stacks/index.js';
import type { Playbook, StackPlaybook, StepDefinition } from '../stacks/playbook.js';

export { LAYERS, type Layer, type Playbook, type PlaybookStep } from '../stacks/playbook.js';

/** A finding a step names must be a catalogue name: a misspelt one is a type error (here and in the stacks'). */
type Named<N extends CheckName> = N;
type StackPlaybookFinding = Extract<(typeof STACKS)[number], { playbook: unknown }>['playbook']['steps'][number]['findings'][number];
/** The finding names the stacks' playbooks use. */
export type StackPlaybookFindings = Named<StackPlaybookFinding>;

/** The GPU node from the PCI device up to a test job: not one stack's, so first and here. */
const NODE_LADDER = {
  id: 'homelab-ladder',
  title: 'Bottom-up verification of a GPU node',
  zh: '自底向上验证 GPU 节点',
  source: 'rtx-gpu-kubernetes-homelab (在 Kubernetes 上配置 NVIDIA RTX GPU)',
  steps: [
    { id: 'pci', layer: 'hardware', title: 'Does the host see an NVIDIA PCI device?', zh: '主机能看到 NVIDIA PCI 设备吗？', verify: ['sudo lspci | grep NVIDIA', 'lspci -nn | grep 10de'], findings: ['no-nvidia-pci-device', 'no-gpu-nodes'] },
    { id: 'nouveau', layer: 'driver', title: 'Is nouveau out of the way?', zh: 'nouveau 已经让开了吗？', verify: ['lsmod | grep nouveau'], findings: ['nouveau-loaded'] },
    { id: 'driver', layer: 'driver', title: 'Is the NVIDIA driver installed, loaded and matching its libraries?', zh: 'NVIDIA 驱动程序已安装、已加载，并与其库版本一致吗？', verify: ['nvidia-smi', 'cat /proc/driver/nvidia/version', 'lsmod | grep nvidia', "ls /dev/ | grep 'nvidia[0-9]\\+'"], findings: ['driver-not-loaded', 'driver-library-mismatch', 'driver-below-minimum'] },
    { id: 'holds', layer: 'driver', title: 'Are the driver packages held against upgrades?', zh: '驱动软件包已锁定、不会被自动升级吗？', verify: ["dpkg-query -W --showformat='${Package} ${Status}\\n' | grep -v deinstall | awk '{ print $1 }' | grep -E 'nvidia.*-[0-9]+$'", 'apt-mark showhold'], findings: ['driver-packages-unheld'] },
    { id: 'toolkit', layer: 'toolkit', title: 'Is the NVIDIA container toolkit installed?', zh: '已安装 NVIDIA 容器工具包吗？', verify: ['nvidia-ctk --version', 'ls -l /usr/bin/nvidia-container-runtime'], findings: ['runtime-binary-missing', 'toolkit-config-unsupported'] },
    { id: 'containerd', layer: 'runtime', title: 'Does the container runtime (containerd, CRI-O) have the nvidia runtime?', zh: '容器运行时（containerd、CRI-O）中有 nvidia 运行时吗？', verify: ['sudo cat /etc/containerd/config.toml | grep "containerd.runtimes.nvidia."', 'containerd config dump | grep -A3 runtimes.nvidia', "sudo grep -rn -A3 'runtimes.nvidia' /etc/crio/crio.conf /etc/crio/crio.conf.d/   # CRI-O"], findings: ['nvidia-runtime-missing', 'containerd-config-invalid'] },
    { id: 'runtimeclass', layer: 'runtime', title: 'Does the nvidia RuntimeClass exist and point at a configured handler?', zh: 'nvidia RuntimeClass 存在，且指向已配置的 handler 吗？', verify: ['kubectl get runtimeclass'], findings: ['runtimeclass-missing', 'nvidia-runtime-not-selected'] },
    { id: 'operator', layer: 'operator', title: 'Are the GPU Operator pods healthy?', zh: 'GPU Operator 的 Pod 都正常吗？', verify: ['kubectl get pods -n gpu-operator | grep -i nvidia', 'kubectl -n gpu-operator logs deployment/gpu-operator | grep GPU'], findings: ['operand-unhealthy', 'clusterpolicy-not-ready', 'validator-failed'] },
    { id: 'allocatable', layer: 'operator', title: 'Does the node advertise nvidia.com/gpu?', zh: '节点上报 nvidia.com/gpu 了吗？', verify: ["kubectl get nodes -o custom-columns=NAME:.metadata.name,GPU:.status.allocatable.nvidia\\.com/gpu"], findings: ['gpu-not-allocatable', 'no-device-plugin'] },
    { id: 'test-job', layer: 'workload', title: 'Does a test job with runtimeClassName nvidia run nvidia-smi?', zh: '使用 runtimeClassName nvidia 的测试 Job 能运行 nvidia-smi 吗？', verify: ['kubectl logs job/test-job-gpu'], findings: ['driver-too-old-for-cuda'] },
  ],
} satisfies StackPlaybook & { id: string; steps: (StepDefinition & { findings: CheckName[] })[] };

/** Every playbook, in the order `gpuctl playbook` prints them: the node's, then the stacks' in list order. */
export const PLAYBOOKS: Playbook[] = [NODE_LADDER, ...stackPlaybooks()];
