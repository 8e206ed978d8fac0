// Simplified Chinese titles of the playbooks (src/playbook/steps.ts) and their steps, keyed by ids.
// The verify commands and finding names stay as they are.
import type { PlaybookTranslation } from './checks.js';

export const ZH_CN_PLAYBOOKS: Record<string, PlaybookTranslation> = {
  'homelab-ladder': {
    title: '自底向上验证 GPU 节点',
    steps: {
      pci: '主机能看到 NVIDIA PCI 设备吗？',
      nouveau: 'nouveau 已经让开了吗？',
      driver: 'NVIDIA 驱动程序已安装、已加载，并与其库版本一致吗？',
      holds: '驱动软件包已锁定、不会被自动升级吗？',
      toolkit: '已安装 NVIDIA 容器工具包吗？',
      containerd: 'containerd 中有 nvidia 运行时吗？',
      runtimeclass: 'nvidia RuntimeClass 存在，且指向已配置的 handler 吗？',
      operator: 'GPU Operator 的 Pod 都正常吗？',
      allocatable: '节点上报 nvidia.com/gpu 了吗？',
      'test-job': '使用 runtimeClassName nvidia 的测试 Job 能运行 nvidia-smi 吗？',
    },
  },
  'gpu-operator': {
    title: 'NVIDIA GPU Operator：安装、验证器、调度',
    steps: {
      'nfd-labels': 'NFD 为 GPU 节点打上 pci-10de 标签了吗？',
      'operands-opt-out': '节点是否被排除在 operand 之外？',
      'operand-placement': '每个组件 DaemonSet 都能容忍 GPU 节点的污点吗？',
      'driver-image': '驱动镜像对节点的操作系统存在吗？',
      'fabric-manager': 'NVSwitch 系统上：fabric manager 在运行，且与驱动版本一致吗？',
      'runtime-after-operator': '工具包重写 config.toml 后丢失了 nvidia 运行时吗？',
      validators: '哪个验证器步骤失败了？',
      'leftover-pod': '已结束的 Pod（cuda-vectoradd）是否仍占着唯一的 GPU？',
      capacity: '空闲的 GPU 够 Pending 的 Pod 使用吗？',
      vectoradd: 'cuda-vectoradd 输出 Test PASSED 了吗？',
    },
  },
  'tensor-fusion': {
    title: 'TensorFusion 问题处理',
    steps: {
      'gpu-nodes': '未识别 GPU 节点：节点带有 nvidia.com/gpu.present=true 标签吗？',
      'operator-restarts': 'TensorFusion Operator 在重启吗？',
      worker: 'GPU worker 在崩溃吗？',
      'invalid-memory': 'worker 遇到 "Invalid Memory Address" 了吗？',
      'image-pulls': '节点能拉取镜像吗（镜像源已加载）？',
      'native-scheduling': '原生的 nvidia.com/gpu 调度需要设备插件',
      'stuck-starting': 'Pod 卡在启动中：worker 在运行吗（未运行：没有 GPU；已运行：注入失败）？',
      injection: 'PATH、LD_LIBRARY_PATH 和 LD_PRELOAD 到达进程了吗？',
      'device-count': 'PyTorch 设备数断言错误：注入失败',
    },
  },
  kantaloupe: {
    title: 'Kantaloupe 前置条件：Prometheus、GPU Operator、HAMi、ServiceMonitor、Gateway API',
    steps: {
      driver: '每个 GPU 节点的驱动程序为 440 或更高版本',
      helm: 'Helm 3.14 或更高版本',
      prometheus: 'Prometheus 2.37 或更高版本（kube-prometheus-stack）',
      'operator-for-hami': 'GPU Operator 以 devicePlugin.enabled=false 安装',
      'hami-nodes': 'HAMi 的 GPU 节点带有 gpu=on 标签',
      servicemonitors: 'Prometheus 选中了 HAMi 和 DCGM 的 ServiceMonitor 吗？',
      metrics: 'Prometheus 能返回 DCGM_FI_DEV_GPU_UTIL、HostCoreUtilization 和 GPUDeviceCoreAllocated 吗？',
      gateway: '已安装 Gateway API 实现了吗？',
    },
  },
  bitfusion: {
    title: '在 Kubernetes 上使用 Bitfusion',
    steps: {
      components: '设备插件、Webhook 及其 Webhook 配置都已部署了吗？',
      secret: 'kube-system 和工作负载的命名空间中都有 bitfusion-secret 吗？',
      annotations: 'Pod 的注解和资源有效吗？',
      injected: 'Pod 已被注入了吗（auto-management/status: injected、bitfusion run）？',
      token: '工作负载能用其令牌连接 Bitfusion 服务器吗？',
    },
  },
};
