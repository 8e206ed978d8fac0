// Simplified Chinese texts of every check, keyed by the stable check name. The English texts stay in the
// check definitions; a finding's specific message, evidence and commands are shown as they are, under the
// generic headline and fix summary written here. Terms follow the seed playbooks: 节点, 驱动程序, 容器运行时,
// 镜像拉取, 镜像源, 注入, 污点/容忍; Kubernetes kinds (Pod, DaemonSet, RuntimeClass…) stay in English.
// Names not in ALL_CHECKS yet belong to checks other branches are adding: they are looked up by name only.
import type { CheckName } from '../catalogue.js';
import type { CheckTranslation } from './checks.js';

export const ZH_CN_CHECKS: Record<CheckName, CheckTranslation> = {
  // ── snapshot ──────────────────────────────────────────────────────────────
  'snapshot-file-unreadable': {
    title: '快照中的每个文件都能解析',
    ok: '输入的每个文件都已读取',
    headline: '快照中的文件无法读取，其中的对象未被分析',
    fixSummary: '以 JSON 格式重新导出这些对象，或重新采集快照',
    explain: {
      detects: '快照中的某个文件（或 API 的某个响应）无法解析：JSON 或 YAML 格式错误、二进制数据，或文件超过大小限制。',
      why: '该文件中的对象不会进入分析，依赖它们的检查可能漏掉问题。',
      fix: '用 `kubectl get … -o json > FILE` 重新导出该文件，或用 `gpuctl collect` 重新采集快照。',
    },
  },

  // ── nodes ─────────────────────────────────────────────────────────────────
  'no-gpu-nodes': {
    title: '至少有一个节点显示有 NVIDIA GPU',
    ok: '已在节点上找到 NVIDIA GPU',
    headline: '没有任何节点显示有 NVIDIA GPU',
    fixSummary: '先在 GPU 主机上确认硬件，再确认 NFD 为节点打上了标签',
    explain: {
      detects:
        '没有任何节点带有 NVIDIA GPU 的迹象：没有厂商 10de 的 NFD PCI 标签，没有 GFD 的 nvidia.com/gpu.* 标签，没有 nvidia.com/gpu 容量；在已探测的节点上，lspci 中也没有 NVIDIA 设备。',
      why: '看不到 GPU，上层的一切都无法工作：GPU Operator 不部署任何 operand，设备插件不上报任何资源，GPU Pod 一直处于 Pending。',
      fix: '确认显卡已插好并已直通（在主机上执行 lspci -nn | grep 10de），并确认 Node Feature Discovery（NFD）正在运行并为节点打上了标签。',
    },
  },
  'gpu-node-unlabeled': {
    title: 'GPU 节点带有 nvidia.com/gpu.present=true 标签',
    ok: '每个有 NVIDIA GPU 的节点都带有 nvidia.com/gpu.present=true 标签',
    headline: '节点有 NVIDIA GPU，但缺少 nvidia.com/gpu.present=true 标签',
    fixSummary: '为节点打上标签；对于节点组，把标签写进模板，让新节点也带上',
    explain: {
      detects: '节点显示有 NVIDIA GPU 的迹象（NFD PCI 标签、GFD 标签、GPU 容量或 lspci），却没有 nvidia.com/gpu.present=true 标签。',
      why: 'TensorFusion、GPU Operator 和许多 Helm Chart 都按这个标签选择 GPU 节点；缺少它，它们的 DaemonSet 不会调度到该节点，节点看起来就像没有 GPU。',
      fix: '为节点打上标签（或交给 GPU Feature Discovery）；在自动扩缩容的集群中，把标签写进节点组模板或 userdata（IaC 代码），让新节点自动带上。',
    },
  },
  'operands-disabled': {
    title: 'GPU 节点没有被排除在 GPU Operator 之外（nvidia.com/gpu.deploy.operands=false）',
    ok: '没有 GPU 节点带有 nvidia.com/gpu.deploy.operands=false 标签',
    headline: 'GPU 节点带有 nvidia.com/gpu.deploy.operands=false，GPU Operator 不会在其上部署 operand',
    fixSummary: '如果该节点应运行 GPU Operator 的 operand，删除该标签（若是有意排除则保留）',
    explain: {
      detects:
        'GPU 节点带有 nvidia.com/gpu.deploy.operands=false 标签。该标签没有造成影响时仅作提示；若已安装 GPU Operator 而该节点上没有任何 operand，或 GPU Pod 在等待而节点不上报 GPU，则为警告。',
      why: 'GPU Operator 不会在这样的节点上部署驱动程序、容器工具包、设备插件、GFD 或验证器，其 GPU 永远不会变为可分配，GPU Pod 一直 Pending。维护之后很容易忘记去掉这个标签。',
      fix: '如果节点应运行 operand，删除该标签（kubectl label node NODE nvidia.com/gpu.deploy.operands-）；如果是有意排除（使用其他驱动栈，或节点另作他用），则保留。',
    },
  },
  'gpu-not-allocatable': {
    title: 'GPU 节点上报可分配的 nvidia.com/gpu',
    ok: '每个 GPU 节点都上报了可分配的 nvidia.com/gpu',
    headline: '有 NVIDIA GPU 的节点没有上报（足够的）可分配 nvidia.com/gpu',
    fixSummary: '查看该节点上设备插件 Pod 的日志，找出它为何没有注册 GPU 或将 GPU 标记为不健康；没有设备插件时安装一个',
    explain: {
      detects:
        '有 NVIDIA GPU 的节点，其可分配（allocatable）的 nvidia.com/gpu 缺失或为 0：有容量（capacity）时，说明设备插件注册了 GPU 但将其标记为不健康；两者都没有时，说明没有设备插件在该节点上注册。可分配数少于容量时为警告。改为上报 MIG 资源的节点属正常；只由 TensorFusion 或 Bitfusion 分配 GPU 时仅作提示。',
      why: '调度器只会把请求 nvidia.com/gpu 的 Pod 调度到上报了该资源的节点；没有它，无论节点有多少张卡，Pod 都会以 "Insufficient nvidia.com/gpu" 一直 Pending。',
      fix: '查看该节点上的设备插件 Pod（其日志会说明为何没有注册 GPU 或为何将其标记为不健康）；去掉让插件无法调度到该节点的标签；在没有设备插件的地方安装一个。',
    },
  },
  'hami-node-not-enabled': {
    title: 'GPU 节点已为 HAMi 启用（gpu=on）',
    ok: '每个 GPU 节点都匹配 HAMi 设备插件的 nodeSelector',
    headline: 'GPU 节点缺少 HAMi 设备插件所选择的标签，HAMi 无法使用其 GPU',
    fixSummary: '为节点打上 HAMi 的标签，其设备插件随后会在该节点上启动',
    explain: {
      detects:
        '已安装 HAMi，而某个 GPU 节点缺少其设备插件所选择的标签：Chart 默认为 gpu=on，或 DaemonSet 中配置的 devicePlugin.nvidiaNodeSelector。未安装 HAMi，或 HAMi 设备插件已在该节点上运行时，不会报告。',
      why: 'HAMi 的设备插件 DaemonSet 只会调度到被选中的节点。其他节点上没有组件向 HAMi 注册 GPU，HAMi 调度器也就不会把 vGPU Pod 调度过去；没有任何节点启用时，所有 HAMi Pod 都会一直 Pending。',
      fix: '为每个应由 HAMi 管理的 GPU 节点打上标签（kubectl label nodes NODE gpu=on），设备插件会自动在其上启动。',
    },
  },
  'gpu-taint-untolerated': {
    title: 'Pending 的 GPU Pod 能容忍 GPU 节点的污点',
    ok: '没有 Pending 的 GPU Pod 因污点而无法调度到 GPU 节点',
    headline: 'Pending 的 GPU Pod 不容忍 GPU 节点的污点',
    fixSummary: '在工作负载的 Pod 模板中添加对应的容忍（toleration）',
    explain: {
      detects:
        '一个面向 GPU 节点的 Pending Pod（它请求 nvidia.com/… 资源，或其 nodeSelector 只选中 GPU 节点），而所有能承载它的 GPU 节点都带有它不容忍的 NoSchedule/NoExecute 污点，例如 nvidia.com/gpu=present:NoSchedule。容忍的匹配方式与 Kubernetes 完全一致；没有 Node 对象时改为读取 FailedScheduling 事件。',
      why: 'GPU 节点池常常带有污点，只让 GPU 工作负载调度上去。没有对应容忍的 Pod 会以 "node(s) had untolerated taint" 一直 Pending，即使 GPU 是空闲的。',
      fix: '在工作负载的 Pod 模板中添加容忍（修复建议会以 YAML 和 kubectl patch 两种形式给出）；node.kubernetes.io/not-ready 这类表示节点状态的污点永远不应被容忍。',
    },
  },

  // ── runtime ───────────────────────────────────────────────────────────────
  'nvidia-runtime-missing': {
    title: 'GPU 节点的容器运行时配置中有 nvidia 运行时',
    ok: '每个读取了运行时配置的 GPU 节点都有 nvidia 运行时，也没有 Pod 因缺少它而失败',
    headline: 'GPU 节点的容器运行时没有 nvidia 运行时',
    fixSummary: '为节点的容器运行时配置 NVIDIA 运行时（nvidia-ctk runtime configure）并重启它，然后重建失败的 Pod',
    explain: {
      detects:
        'GPU 节点的有效 containerd 配置（配置版本 1–3、imports 引入的 drop-in、k3s/RKE2/MicroK8s 路径，或 `containerd config dump`）或 docker 的 daemon.json 中没有 nvidia 运行时；或者有 Pod 的沙箱创建失败并报 `no runtime for "nvidia" is configured`。',
      why: '使用 runtimeClassName nvidia 的 Pod 无法启动（FailedCreatePodSandBox），GPU Operator 的验证器和设备插件停在 Init 阶段；没有 NVIDIA Container Runtime，任何容器都看不到 GPU。',
      fix: '针对节点的容器运行时执行 `nvidia-ctk runtime configure` 并重启；k3s/RKE2 使用其 config.toml.tmpl（或让它们在启动时自动检测工具包）；把 containerd 没有读取的 drop-in 加入 imports；配置中已有该运行时的，重启 containerd。',
    },
  },
  'runtime-binary-missing': {
    title: '配置的运行时二进制文件在节点上存在',
    ok: '已探测节点上配置的每个运行时二进制文件都存在',
    headline: '容器运行时配置的运行时二进制文件在节点上不存在',
    fixSummary: '安装提供该二进制文件的 NVIDIA Container Toolkit（或修正运行时的路径），然后重启容器运行时',
    explain: {
      detects:
        '有效 containerd 配置（options.BinaryName）或 docker daemon.json（`path`）中的某个运行时指向节点上不存在的二进制文件，依据 `runtime-binaries` 探测结果或复制来的文件判断。',
      why: 'containerd 接受该配置，但所有使用该运行时的 Pod 都会以 OCI "executable file not found" 错误启动失败；常见于卸载容器工具包或 GPU Operator 之后（GPU Operator 的工具包位于 /usr/local/nvidia/toolkit）。',
      fix: '安装 nvidia-container-toolkit（或让 GPU Operator 的 toolkit Pod 在该节点上运行），或把运行时指向一个存在的二进制文件，然后重启容器运行时。',
    },
  },
  'runtimeclass-missing': {
    title: 'Pod 使用的 RuntimeClass 存在，且其 handler 是已配置的运行时',
    ok: '使用中的每个 runtimeClassName 都指向存在的 RuntimeClass，且在已读取配置的节点上其 handler 已配置',
    headline: 'Pod 使用的 RuntimeClass 不存在，或其 handler 不是节点上配置的运行时',
    fixSummary: '创建 RuntimeClass（NVIDIA 运行时的 handler 为 nvidia），或用节点上已有的运行时名称重建它',
    explain: {
      detects:
        'Pod 或工作负载使用 `runtimeClassName: X`，但 RuntimeClass X 不存在（Pod 被拒绝并报 `RuntimeClass "X" not found`）；或 X 的 handler 不是 gpuctl 读取到的节点容器运行时配置中的运行时（`no runtime for "H" is configured`）。',
      why: 'RuntimeClass 不存在时 API Server 会拒绝创建 Pod，Deployment 和 DaemonSet 因而一个 Pod 都没有；节点不认识的 handler 会让每个沙箱都以 FailedCreatePodSandBox 失败。',
      fix: '创建 RuntimeClass（NVIDIA 运行时的 handler 为 nvidia）；handler 错误时，用节点上实际的运行时名称重建 RuntimeClass（handler 不可修改），或在节点上添加该运行时。',
    },
  },
  'containerd-config-invalid': {
    title: '容器运行时配置可以解析，且含义与写法一致',
    ok: '采集到的每个 containerd 配置、drop-in 和模板都能解析，containerd 会读取其全部内容',
    headline: '容器运行时配置无法解析，或其中部分设置被 containerd 忽略',
    fixSummary: '修正所指文件的对应行（或改用 containerd 会读取的插件 ID 和文件），用 containerd config dump 确认后重启容器运行时',
    explain: {
      detects:
        '无法解析的 containerd 配置、drop-in 或 k3s/RKE2/MicroK8s 模板（给出文件、行号和解析器消息；重复的表）；属于其他配置版本的插件 ID（containerd 1.x 上的 v3 ID、v3 配置中的 v2 ID、v2 配置中的 v1 名称）；指向不存在文件的 imports 或匹配不到任何文件的通配符；没有被任何配置引入的 drop-in；插件段会覆盖主配置的 drop-in（containerd 1.x）；未定义的默认运行时；以及不是合法 JSON 的 docker daemon.json。',
      why: 'containerd 无法加载的配置会让它在下次重启时无法启动（节点变为 NotReady）；被它悄悄忽略的配置段会让 nvidia 运行时或镜像源配置消失，却没有任何报错。',
      fix: '修正所指文件的对应行，或把设置移到 containerd 会读取的插件 ID 和文件中；用 `containerd config dump` 检查，然后重启容器运行时。',
    },
  },

  // ── driver ────────────────────────────────────────────────────────────────
  'no-nvidia-pci-device': {
    title: '已探测的 GPU 节点在 PCI 总线上有 NVIDIA 设备',
    ok: '每个已探测节点的 lspci 都列出了其 NVIDIA GPU',
    headline: 'lspci 在节点上没有列出 NVIDIA GPU',
    fixSummary: '让显卡出现在主机的 PCI 总线上：检查硬件、直通配置或线缆',
    explain: {
      detects:
        '节点上的 `lspci -nn` 没有列出 NVIDIA 显示设备（厂商 10de，类别 03xx）——节点被标记或上报为 GPU 节点时为错误；只是被探测且本来就没有 GPU 时仅作提示。',
      why: '显卡不在 PCI 总线上，上层的一切都无法工作：没有驱动程序绑定，设备插件不上报 GPU，GPU Pod 一直 Pending。Node Feature Discovery 或 GFD 遗留的标签可能让这样的节点看起来仍像 GPU 节点。',
      fix: '检查硬件：显卡是否插好并通电、是否已 PCI 直通给虚拟机（云主机规格、虚拟化配置）、eGPU 的雷电线缆。然后在主机上用 `lspci -nn | grep 10de` 确认。',
    },
  },
  'driver-not-loaded': {
    title: 'GPU 节点已加载 NVIDIA 驱动程序',
    ok: '每个已探测的 GPU 节点都已加载 NVIDIA 驱动程序',
    headline: 'GPU 节点没有加载 NVIDIA 驱动程序（或缺少 /dev/nvidia* 设备节点）',
    fixSummary: '为当前内核安装并加载驱动程序（由 GPU Operator 安装时，查看其驱动 Pod 为何没有加载）；dmesg 会说明加载失败的原因',
    explain: {
      detects:
        '有 NVIDIA GPU（lspci、标签或容量）的节点没有加载驱动程序：lsmod 中没有 `nvidia` 模块，没有 /proc/driver/nvidia/version，也没有 /dev/nvidia* 设备节点。会说明三者中看到了哪些；模块已加载但没有设备节点时为警告。',
      why: '没有内核驱动，容器工具包无从注入，设备插件找不到 GPU（NVML 初始化失败），GPU Pod 一直 Pending 或崩溃。',
      fix: '为当前运行的内核安装驱动程序（或让 GPU Operator 的驱动 DaemonSet 安装）并加载它；用 `dmesg` 查看加载失败的原因：安全启动（Secure Boot）拒绝未签名的模块、新内核缺少 DKMS 编译结果、nouveau 占用了显卡。',
    },
  },
  'nouveau-loaded': {
    title: 'nouveau 驱动没有占用 GPU',
    ok: '没有已探测节点加载 nouveau',
    headline: '节点加载了 nouveau 内核模块，NVIDIA 驱动程序无法加载',
    fixSummary: '将 nouveau 加入黑名单，重建 initramfs，然后重启节点（先 drain 排空节点）',
    explain: {
      detects: '节点上加载了开源的 `nouveau` 内核模块（lsmod），并检查是否已有黑名单文件（若已有，说明没有重建 initramfs 或没有重启节点）。',
      why: 'nouveau 会先绑定 NVIDIA 显卡，导致专有或开源的 `nvidia` 模块无法加载：nvidia-smi 失败，Kubernetes 看不到 GPU。',
      fix: '在 /etc/modprobe.d 中将 nouveau 加入黑名单，重建 initramfs（update-initramfs -u；RHEL 系发行版用 dracut --force），然后重启节点。',
    },
  },
  'driver-library-mismatch': {
    title: '已加载的驱动程序与其用户态库版本一致',
    ok: 'nvidia-smi 输出和容器日志中没有驱动程序与库版本不匹配',
    headline: '驱动程序与库版本不匹配（Driver/library version mismatch）',
    fixSummary: '重启节点（先 drain），或卸载并重新加载 nvidia 模块，使内核模块与库一致；之后锁定驱动软件包版本',
    explain: {
      detects:
        '节点上的 nvidia-smi，或 Pod（首先是驱动程序、工具包和设备插件 operand）的日志、状态和事件中出现 `Failed to initialize NVML: Driver/library version mismatch`；以及已安装的驱动软件包版本与已加载的内核模块不同（下一次 NVML 调用就会遇到的不匹配）。',
      why: '仍在运行的内核模块比磁盘上新的 libnvidia-ml/libcuda 旧，通常是 unattended-upgrades 更新了驱动软件包却没有重启：所有 NVML 和 CUDA 调用都会失败，设备插件不上报任何资源，GPU Pod 崩溃。',
      fix: '重启节点（先 drain），或卸载并重新加载 nvidia 模块，使模块与库版本一致；然后锁定（hold）驱动软件包，避免再次发生。',
    },
  },
  'driver-too-old-for-cuda': {
    title: '工作负载的 CUDA 版本能在其节点的驱动程序上运行',
    ok: '没有工作负载需要比其节点驱动程序所支持的更新的 CUDA',
    headline: '节点的驱动程序版本太旧，不支持 Pod 的 CUDA 版本',
    fixSummary: '把节点驱动程序升级到所需的最低版本，或改用与驱动程序支持的 CUDA 版本相匹配的镜像',
    explain: {
      detects:
        '将 Pod 的 CUDA 版本——来自镜像标签（nvidia/cuda:X.Y…、nvcr.io/nvidia/cuda、…-cudaX.Y-… 标签）、spec 中的 CUDA_VERSION / NVIDIA_REQUIRE_CUDA，或其日志、状态和事件中的失败信息（`CUDA driver version is insufficient for CUDA runtime version`、`unsatisfied condition: cuda>=X.Y`）——与其所在节点的驱动程序（nvidia-smi、查询 CSV、/proc/driver/nvidia/version，或 GFD 标签 nvidia.com/cuda.driver-version.* / nvidia.com/cuda.driver.*）对照，依据 CUDA 发行说明的表 3 和次版本兼容性（minor version compatibility）规则判断。',
      why: '比驱动程序新的 CUDA 运行时会在第一次 CUDA 调用时失败（或容器工具包拒绝启动容器）。在次版本兼容模式下程序能运行但功能受限，较新代码的 PTX JIT 会失败，表现为奇怪的 kernel 启动错误。',
      fix: '把节点驱动程序至少升级到表中对应行的最低版本，或使用为驱动程序所支持的 CUDA 版本构建的镜像。在数据中心 GPU 上，cuda-compat 软件包可以让较新的 CUDA 运行在较旧的长期支持驱动上。',
    },
  },
  'driver-below-minimum': {
    title: '驱动程序满足已安装软件栈的最低版本要求',
    ok: '每个已知的 GPU 驱动程序都满足已发现软件栈的最低版本（HAMi、Kantaloupe：440）',
    headline: '节点的驱动程序版本低于已安装软件栈要求的最低版本',
    fixSummary: '把节点驱动程序升级到受支持的分支（优先选择 LTS 分支），然后重启该软件栈的设备插件 Pod',
    explain: {
      detects: 'GPU 节点的驱动程序（nvidia-smi、/proc/driver/nvidia/version、GFD 标签）低于已检测到的软件栈声明的最低版本：HAMi 和 Kantaloupe 要求 440 或更高版本。',
      why: '低于最低版本时，软件栈的设备插件和容器内运行时（HAMi-core 的 libvgpu）所依赖的驱动 API 并不存在，GPU 共享会以看似应用程序缺陷的方式失败。',
      fix: '把节点驱动程序升级到受支持的分支（目前如 535、570 或 580 等 LTS 分支），然后重启该软件栈的设备插件 Pod。',
    },
  },
  'driver-packages-unheld': {
    title: '运行 unattended-upgrades 的节点锁定了驱动软件包',
    ok: '没有已探测节点会让 unattended-upgrades 替换其 NVIDIA 驱动软件包',
    headline: '节点上的 NVIDIA 驱动软件包未锁定，unattended-upgrades 会升级它们',
    fixSummary: '用 apt-mark hold 锁定驱动软件包（计划升级时再 unhold）',
    explain: {
      detects:
        '节点上安装了 NVIDIA 驱动软件包（dpkg）但没有锁定（`apt-mark showhold`、dpkg 选择状态 "hold"），同时已安装并启用了 unattended-upgrades（/etc/apt/apt.conf.d/20auto-upgrades）。',
      why: 'unattended-upgrades 会在后台替换驱动程序的用户态库；开机时加载的内核模块仍是旧版本，此后每次 NVML/CUDA 调用都会以 "Driver/library version mismatch" 失败，直到节点重启（homelab 手册正是遇到了这种情况）。',
      fix: '用 `apt-mark hold` 锁定驱动软件包（计划升级时再用 `apt-mark unhold` 解除），或在 GPU 节点上移除 unattended-upgrades。',
    },
  },

  // ── registry ──────────────────────────────────────────────────────────────
  'image-pull-failing': {
    title: '容器镜像能够拉取',
    ok: '没有容器在等待镜像拉取',
    headline: '镜像拉取失败',
    fixSummary: '按原因处理：网络问题配置镜像源或代理，401/403 或私有仓库配置 imagePullSecret，限流使用已认证账号，改用存在的标签或正确的镜像名',
    explain: {
      detects:
        '处于 ErrImagePull、ImagePullBackOff 或 InvalidImageName 的容器（包括 init 容器）。因同一镜像失败的 Pod 合并为一条发现，给出镜像、其仓库地址、kubelet 事件文本，以及从中读出的原因：网络/超时、限流、未授权、仓库不存在或为私有、标签不存在、TLS、平台不符、镜像名无效。',
      why: 'GPU 软件栈的镜像大多来自 docker.io、nvcr.io 和 registry.k8s.io；节点拉不下它们时，operand、验证器和工作负载都无法启动，下游的一切看起来都坏了。',
      fix: '按原因处理：网络错误配置镜像源或代理（见 no-mirror-for-host），401/403 和私有仓库配置 imagePullSecret，限流使用已认证的 Docker Hub 账号，"not found" 改用存在的标签，无效名称改正镜像引用。',
    },
  },
  'mirror-not-loaded': {
    title: 'k3s/RKE2 已加载 registries.yaml 中的镜像源',
    ok: 'registries.yaml 中的每个镜像源都有对应的 certs.d 主机目录',
    headline: 'k3s/RKE2 没有加载 registries.yaml 中的镜像源',
    fixSummary: '修正 registries.yaml（若无法解析），重启 k3s/RKE2，然后确认 certs.d 下有对应主机的目录',
    explain: {
      detects:
        'k3s（或 RKE2）的 registries.yaml 为某个主机定义了镜像源，但节点上没有 …/agent/etc/containerd/certs.d/HOST 目录（或其中没有列出该镜像源的 hosts.toml）；或 registries.yaml 本身不是合法的 YAML，或结构不对。',
      why: 'k3s 只在启动时读取 registries.yaml，并为每个镜像源写入一个 certs.d/HOST/hosts.toml；在此之前（或文件有误时），containerd 直接从上游仓库拉取，即使镜像源看起来已经配置，拉取仍会不断超时。',
      fix: 'YAML 无法解析时先修正它，然后重启 k3s（agent 节点上为 k3s-agent；RKE2 上为 rke2-server / rke2-agent），并确认 certs.d 中有该主机的目录。',
    },
  },
  'no-mirror-for-host': {
    title: '连接超时的镜像仓库配置了镜像源',
    ok: '节点无法访问的每个镜像仓库都在该节点上配置了镜像源',
    headline: '节点上拉取失败的镜像仓库没有配置镜像源',
    fixSummary: '为节点使用的容器运行时配置该仓库的镜像源（k3s：registries.yaml 并重启；containerd：hosts.toml；docker：registry-mirrors 并重启）',
    explain: {
      detects:
        '拉取失败（该 Pod 所在节点上的网络错误或 Docker Hub 限流）的镜像仓库主机，在节点容器运行时读取的配置中没有镜像源：k3s/RKE2 的 registries.yaml、config_path 下的 containerd hosts.toml，或 docker daemon.json 的 registry-mirrors。没有节点文件时，若错误中出现的是仓库本身（registry-1.docker.io、nvcr.io），说明没有尝试任何镜像源。',
      why: '处于防火墙后或位于中国大陆的集群无法直接访问 docker.io、nvcr.io 或 GreptimeDB 的镜像；每次拉取都要几分钟后才超时，GPU 软件栈始终起不来。',
      fix: '为节点使用的容器运行时配置镜像源（k3s：registries.yaml 并重启；containerd：hosts.toml；docker：registry-mirrors 并重启）。TensorFusion 排查手册：GreptimeDB 在 tensor-fusion Chart 上设置 greptime.image.repository；nvcr.io 的镜像同步到私有仓库，并让 Chart 指向它。',
    },
  },

  // ── operator ──────────────────────────────────────────────────────────────
  'operand-unhealthy': {
    title: 'GPU Operator 和设备插件的 operand 运行正常',
    ok: '每个 GPU Operator / 设备插件的 operand Pod 都已 Ready 且没有重启',
    headline: 'GPU Operator 或设备插件的 operand Pod 不健康',
    fixSummary: '查看失败容器的日志（重启过则看上一次运行的日志），从最底层坏掉的组件修起',
    explain: {
      detects:
        'NVIDIA GPU Operator 的 operand Pod（驱动程序、容器工具包、设备插件、GPU Feature Discovery、DCGM、DCGM exporter、MIG manager、NFD），或独立部署的设备插件、HAMi 设备插件的 Pod，处于未 Ready、CrashLoop、反复重启、卡在 init 容器、无法调度或 Failed 状态。验证器 Pod 由 validator-failed 负责，镜像拉取由 image-pull-failing 负责。',
      why: '每个 operand 都是下一层所等待的基础：驱动程序崩溃会让工具包、设备插件和验证器都停在 init 容器中，节点永远不会上报 nvidia.com/gpu。',
      fix: '查看失败容器的日志（重启过则看上一次运行的日志），按 operand 修复：驱动程序需要内核头文件且不能被安全启动阻止，工具包需要正确的 containerd 配置路径和 socket，设备插件需要 nvidia 运行时。先修复最底层坏掉的组件，等待它的 Pod 会自行恢复。',
    },
  },
  'validator-failed': {
    title: 'GPU Operator 验证器通过',
    ok: '没有 GPU Operator 验证器 Pod 失败或卡住',
    headline: 'GPU Operator 验证器 Pod 失败或卡住',
    fixSummary: '修复失败步骤所对应的层，然后删除验证器 Pod 让验证重新运行',
    explain: {
      detects:
        'GPU Operator 的验证器 Pod（nvidia-operator-validator、nvidia-cuda-validator、nvidia-device-plugin-validator）失败、在准入时被拒绝，或卡在 init 容器中；指出失败的步骤（driver-validation、toolkit-validation、cuda-validation、plugin-validation）及其所验证的层。',
      why: '验证器是整个软件栈的关卡：operand 等待它们写入 /run/nvidia/validations 的文件，ClusterPolicy 在它们通过之前一直是 notReady。失败的步骤说明了哪一层坏了：驱动程序、容器运行时、CUDA 或设备插件。',
      fix: '修复失败步骤所对应的层（driver → 驱动程序相关检查，toolkit → 容器运行时，cuda → 驱动程序与 CUDA 的兼容性，plugin → 设备插件和可分配的 GPU），然后删除验证器 Pod 让验证重新运行。',
    },
  },
  'gpu-held-by-finished-pod': {
    title: '没有已结束的 Pod 占用其他 Pod 在等待的 GPU',
    ok: '没有已结束的 Pod 占用其他 Pod 在等待的 GPU',
    headline: '已结束的 Pod 仍占用 GPU，而节点上有其他 Pod 在等待 GPU',
    fixSummary: '删除已结束的 Pod 以释放 GPU（需要时先保存其日志），然后重建准入失败的 Pod',
    explain: {
      detects:
        '一个已结束（Completed、Error，或 GPU 容器已退出的 NotReady）或 GPU 容器处于 CrashLoopBackOff（重启之间设备仍被占用）、但仍绑定在节点上、请求了 nvidia.com/gpu 的 Pod，而该节点上有其他 Pod 在等待 GPU：以 UnexpectedAdmissionError 被拒绝、以 "Insufficient nvidia.com/gpu" Pending，或 GPU Operator 验证器拿不到 GPU。',
      why: '在只有一块 GPU 的节点（直通显卡）上，遗留的测试 Pod（如 cuda-vectoradd）会一直占着设备：节点重启后 kubelet 先准入它，设备插件验证器随后发现可用 GPU 为 0 而失败，真正的工作负载一直 Pending。kubelet 是否释放已终止 Pod 的设备取决于其版本；删除 Pod 则总能释放。',
      fix: '删除已结束的 Pod（其日志会一并删除：需要的话先保存）；等待的 Pod 会在下一次重试时被准入或调度。一次性的 GPU 测试请用带 ttlSecondsAfterFinished 的 Job 运行，让它们自行清理。',
    },
  },
  'unexpected-admission-error': {
    title: '没有 Pod 因缺少 GPU 而被 kubelet 拒绝',
    ok: '没有 Pod 以 UnexpectedAdmissionError 失败',
    headline: 'Pod 在准入时被 kubelet 拒绝：没有可用的 GPU（UnexpectedAdmissionError）',
    fixSummary: '先释放 GPU（删除占用它的已结束 Pod，或修复设备插件），再删除被拒绝的 Pod 使其重建',
    explain: {
      detects:
        '处于 Failed 阶段、原因为 UnexpectedAdmissionError 的 Pod：调度器已经调度了它们，但 kubelet 的设备管理器发现空闲设备少于请求量（"Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 1, Available: 0, which is unexpected"）。',
      why: '在准入时被拒绝的 Pod 永远不会启动，也不会重试：它会一直保持 Failed，直到被删除。常见原因是 GPU 被调度器已不再计算的另一个 Pod 占用（单 GPU 节点上已结束的 Pod，即遗留 cuda-vectoradd 的情况），或设备插件在重启后丢失了之前上报的 GPU。',
      fix: '先释放 GPU（删除占用它的已结束 Pod，或修复设备插件），再删除被拒绝的 Pod：其控制器会创建新的 Pod；裸 Pod 则需重新 apply。',
    },
  },
  'device-plugin-conflict': {
    title: '每个节点只有一个设备插件上报 nvidia.com/gpu',
    ok: '没有节点运行两个设备插件',
    headline: '同一节点上有两个设备插件上报 nvidia.com/gpu',
    fixSummary: '只保留一个设备插件（使用 HAMi 时，以 devicePlugin.enabled=false 安装 GPU Operator）',
    explain: {
      detects: '同一节点上有两个上报 nvidia.com/gpu 的设备插件：GPU Operator 的和 HAMi 的、GPU Operator 的和独立部署的 nvidia-device-plugin，或同一插件的两个 release。',
      why: '两者都通过 /var/lib/kubelet/device-plugins 向 kubelet 注册同一种资源；最后注册的生效，另一个不断重新注册，GPU 分配（以及 HAMi 的 GPU 共享）变得不可预测。',
      fix: '只保留一个。使用 HAMi 时，以 --set devicePlugin.enabled=false 安装 GPU Operator（Kantaloupe/HAMi 的前置要求）；使用 GPU Operator 时，删除独立部署的 Helm release。',
    },
  },
  'no-device-plugin': {
    title: '有设备插件为请求 nvidia.com/gpu 的 Pod 服务',
    ok: '有设备插件在运行，或没有 Pod 请求 nvidia.com/gpu',
    headline: '有 Pod 请求 nvidia.com/gpu，但集群中没有运行设备插件',
    fixSummary: '已有设备插件 DaemonSet 时让它落到 GPU 节点上（节点选择器、容忍）；没有时安装 NVIDIA 设备插件（或启用 GPU Operator 的设备插件；需要共享 GPU 时安装 HAMi）',
    explain: {
      detects:
        '有 Pod 请求 nvidia.com/gpu，但不存在任何设备插件 Pod：既没有 GPU Operator 的 nvidia-device-plugin-daemonset，也没有独立部署的 nvidia-device-plugin（Helm Chart 或静态清单），也没有 HAMi 的设备插件。',
      why: '只有设备插件能让 kubelet 上报 nvidia.com/gpu；没有它，每个节点的可分配 GPU 都是 0，每个 GPU Pod 都以 "Insufficient nvidia.com/gpu" 一直 Pending。',
      fix: '用 Helm 安装 NVIDIA 设备插件（或启用 GPU Operator 的 devicePlugin；需要共享 GPU 时安装 HAMi）。如果设备插件 DaemonSet 存在却没有 Pod，修正它的节点选择器，或它所选择的节点标签。',
    },
  },
  'insufficient-gpu': {
    title: 'Pending 的 GPU Pod 能被空闲的 nvidia.com/gpu 满足',
    ok: '没有 Pod 因缺少 nvidia.com/gpu 而 Pending',
    headline: 'Pod 因空闲的 nvidia.com/gpu 不足而 Pending',
    fixSummary: '先看调度器给出的原因：GPU 被占满时释放不再需要的 Pod 占用的 GPU、增加 GPU 或降低请求量；GPU 空闲时按其消息修正（污点、节点选择器）',
    explain: {
      detects:
        '被调度器以 "0/N nodes are available: … Insufficient nvidia.com/gpu" 留在 Pending 的 Pod（来自其 PodScheduled 条件或 FailedScheduling 事件）；列出每个 GPU 节点的可分配 GPU 与绑定在其上的 Pod 的请求量，以及占用它们的 Pod。',
      why: '在有 GPU 空出来之前，这些 Pod 永远不会启动。GPU 常常被不再需要的 Pod 占用（已结束的测试 Pod、闲置的 Notebook），或者请求量超过了任何单个节点拥有的数量。',
      fix: '释放 GPU（删除占用 GPU 的已结束或闲置 Pod），增加 GPU 节点或 GPU，或把请求量降到单个节点能提供的范围内。如果根本没有节点上报 GPU，先修复设备插件（no-device-plugin、gpu-not-allocatable）。',
    },
  },
  'clusterpolicy-not-ready': {
    title: 'GPU Operator 的 ClusterPolicy 已就绪',
    ok: 'ClusterPolicy 已就绪',
    headline: 'GPU Operator 的 ClusterPolicy 未就绪',
    fixSummary: '根据其 conditions 修复所列出的 operand；没有 status 时检查 gpu-operator 控制器；状态为 ignored 时删除多余的 ClusterPolicy',
    explain: {
      detects:
        'status.state 不是 "ready" 的 ClusterPolicy（nvidia.com/v1）：notReady，并列出阻碍它的 operand 状态（conditions Ready=False、Error=True "ClusterPolicy is not ready, states not ready: [state-driver …]"）；ignored（存在第二个 ClusterPolicy）；或完全没有 status（operator 控制器没有在调谐它）。',
      why: 'ClusterPolicy 是 GPU Operator 对整个软件栈的汇总：它未就绪时，某个 GPU 节点上有某个 operand（驱动程序、工具包、设备插件、验证器……）没有运行，那里的 GPU Pod 会失败或等待。',
      fix: '查看其 conditions，然后修复其中列出的 operand（见 operand-unhealthy 和 validator-failed）；没有 status 时，查看 gpu-operator 控制器 Pod；状态为 ignored 时，删除多余的 ClusterPolicy。',
    },
  },

  // ── injection ─────────────────────────────────────────────────────────────
  'injection-env-missing': {
    title: '注入的 GPU 运行时到达了容器（TensorFusion、HAMi、Bitfusion）',
    ok: '每个已采集的工作负载都获得了其 GPU 软件栈注入的环境变量',
    headline: 'GPU 软件栈的运行时没有注入到工作负载的进程中',
    fixSummary: '检查该软件栈的准入 Webhook 是否修改了这个 Pod，然后重建 Pod',
    explain: {
      detects:
        '使用注入式软件栈的工作负载，其第一个进程缺少该软件栈注入的内容：TensorFusion 把 /tensor-fusion 加入 PATH、LD_LIBRARY_PATH 和 LD_PRELOAD；HAMi 预加载 libvgpu.so（LD_PRELOAD 或 /etc/ld.so.preload）；Bitfusion 把其客户端库加入 LD_LIBRARY_PATH。',
      why: '没有注入的库，应用程序会直接与真实的驱动程序通信，或者根本找不到驱动：它看不到 GPU，或看到全部 GPU，PyTorch 报 `device >= 0 && device < num_gpus`。',
      fix: '检查该软件栈的准入 Webhook 是否修改了 Pod（其环境变量和卷），然后重建 Pod。',
    },
  },
  'shell-drops-preload': {
    title: '入口中的 bash/zsh 保留了 LD_PRELOAD',
    ok: '已采集的进程树中没有 bash 或 zsh 丢失 LD_PRELOAD',
    headline: '入口中的 bash/zsh 丢失了 LD_PRELOAD',
    fixSummary: '通过 sh 启动 bash/zsh（sh -c "bash …"），或直接使用 sh',
    explain: {
      detects: '进程树中 bash 或 zsh 进程之上存在 LD_PRELOAD，而在它本身或其下的进程中消失（TensorFusion 的已知问题：LD_PRELOAD 可能被 bash/zsh 忽略）。',
      why: '使用 GPU 的进程在没有预加载拦截库的情况下运行：TensorFusion 或 HAMi 的限制不生效，PyTorch 可能报设备数断言错误。',
      fix: '通过 `sh -c "bash …"` 运行 shell，或直接使用 sh，正如 TensorFusion 排查手册所述。',
    },
  },
  'env-dropped-by-child': {
    title: '工作负载中没有 exec 丢失注入的环境变量',
    ok: '已采集的进程树中没有 exec 丢失注入的环境变量',
    headline: '工作负载中的某次 exec 丢失了注入的环境变量',
    fixSummary: '修改入口或启动器以保留环境变量（不要用 env -i、exec -c、sudo env_reset，或自行构建新环境的启动方式）',
    explain: {
      detects: '工作负载进程树中（来自 /proc 或 strace 的 execve 跟踪）丢失注入变量的那一次 exec：父进程有该变量，它启动的程序却没有。',
      why: '真正使用 GPU 的进程在没有注入运行时的情况下运行，尽管容器本身拿到了它：GPU 共享悄悄失效，或 CUDA 在启动时失败。',
      fix: '修改所指的入口或启动器以保留环境变量（去掉 `env -i`、`exec -c`、sudo 的 env_reset，以及构建新环境的 `subprocess(env={…})`）。',
    },
  },
  'device-count-assert': {
    title: '工作负载日志中没有 PyTorch 设备数断言错误',
    ok: '没有工作负载日志出现 PyTorch 设备数断言错误',
    headline: '工作负载日志中出现 PyTorch 设备数断言错误：GPU 运行时没有注入到进程中',
    fixSummary: '从 Pod 内部找出注入的环境变量在哪里丢失（gpuctl exec-check）',
    explain: {
      detects: '容器日志中出现 `DeferredCudaCallError` 或 `device >= 0 && device < num_gpus INTERNAL ASSERT FAILED`。',
      why: 'PyTorch 没有看到可用的 GPU：对于 TensorFusion 或 HAMi，这意味着运行时注入没有到达进程（见 injection-env-missing、env-dropped-by-child、shell-drops-preload）。',
      fix: '在程序启动时打印 PATH、LD_LIBRARY_PATH 和 LD_PRELOAD，或运行 `gpuctl exec-check POD`（加 --strace）找出丢失它们的那次 exec。',
    },
  },

  // ── tensor-fusion ─────────────────────────────────────────────────────────
  'tf-operator-restarting': {
    title: 'TensorFusion Operator 没有在重启',
    ok: 'TensorFusion Operator 的 Pod 没有在重启',
    headline: 'TensorFusion Operator 的 Pod 在反复重启',
    fixSummary: '查看日志中的错误行：配置错误按 TensorFusion 自定义资源文档修正，其他错误把日志交给 TensorFusion 支持团队',
    explain: {
      detects:
        'TensorFusion Operator（命名空间 tensor-fusion-sys，标签 app.kubernetes.io/component=controller）的控制器 Pod 发生重启、CrashLoop 或失败；引用其日志中的错误行（先看上一次运行的日志）。',
      why: 'Operator 为 TensorFusionWorkload 调度 GPU、启动 worker，并维护 GPUNode 和 GPU 的状态：它重启期间，新的 TensorFusion Pod 会一直卡在启动中。',
      fix: '查看错误行：配置错误会指出需要修正的自定义资源（见 TensorFusion 自定义资源参考文档）；其他情况请把日志交给 TensorFusion 支持团队。',
    },
  },
  'tf-worker-crashing': {
    title: 'TensorFusion GPU worker 没有崩溃',
    ok: '没有 TensorFusion GPU worker 处于 CrashLoop 或在重启',
    headline: 'TensorFusion GPU worker 在崩溃，其客户端会失去 GPU',
    fixSummary: '查看崩溃日志；信息不够时在 TensorFusionCluster 的 worker Pod 模板中设置 TF_ENABLE_LOG=1，再把崩溃日志发给 TensorFusion 支持团队',
    explain: {
      detects:
        '处于 CrashLoop、失败，或以非零退出码重启过的 TensorFusion GPU worker Pod（标签 tensor-fusion.ai/component=worker）；引用崩溃日志，并说明 worker 模板中是否设置了 TF_ENABLE_LOG。',
      why: 'worker 持有其客户端远程使用的 GPU 份额：每次崩溃都会让客户端丢失 CUDA 上下文，反复崩溃的 worker 会让客户端一直卡在启动中。',
      fix: '查看崩溃日志；如果不够详细，在 TensorFusionCluster 内的 worker Pod 模板中设置 TF_ENABLE_LOG=1，并把崩溃日志发送给 TensorFusion 支持团队。',
    },
  },
  'tf-invalid-memory-address': {
    title: 'TensorFusion 内存管理器没有报 "Invalid Memory Address"',
    ok: '没有 TensorFusion 日志出现 "Invalid Memory Address"',
    headline: 'TensorFusion 工作负载出现 "Invalid Memory Address"（GPU 内存管理器的已知问题）',
    fixSummary: '在 TensorFusionCluster 的 GPU worker Pod 模板中设置 TF_DISABLE_MEMORY_MANAGER=1（代价：内存冻结和显存扩展/分层将不可用）',
    explain: {
      detects:
        'TensorFusion worker 和工作负载的日志中出现 "Invalid Memory Address"（Go 的 "invalid memory address or nil pointer dereference" panic 不计入：那是崩溃，见 tf-operator-restarting 和 tf-worker-crashing）。',
      why: 'TensorFusion 的底层虚拟化使用了针对 GPU 的特殊 MMIO，CUDA 的 cuMemMap 在这种情况下行为异常；为此开发的 GPU 内存管理器在极少数情况下会导致 "Invalid Memory Address"：CUDA 程序因此失败。',
      fix: '在 TensorFusionCluster 的 GPU worker Pod 模板中设置环境变量 TF_DISABLE_MEMORY_MANAGER=1。代价是内存冻结和显存（VRAM）扩展/分层功能将无法使用。',
    },
  },
  'tf-schedule-failed': {
    title: 'TensorFusion 工作负载能获得 GPU',
    ok: '没有 TensorFusionWorkload 报告 "Failed to schedule GPU"',
    headline: 'TensorFusionWorkload 无法获得 GPU（"Failed to schedule GPU"）',
    fixSummary: '降低本应用或池中其他应用的 TFlops/显存请求，或为池增加 GPU',
    explain: {
      detects: 'TensorFusionWorkload 的 Warning 事件 "Failed to schedule GPU"（原因 ScheduleGPUFailed），并把工作负载的 TFlops/显存请求与其所在池中每块 GPU 的可用量和总量对比。',
      why: '该工作负载没有 worker 启动，其 Pod 会一直卡在启动中（排查手册中的第一种情况）。',
      fix: '降低本应用或其他应用的 GPU 请求，或增加 GPU；如果一块 GPU 都没有列出，说明 TensorFusion 没有发现它们（tf-gpus-undiscovered）。',
    },
  },
  'tf-gpus-undiscovered': {
    title: 'TensorFusion 已发现所有 GPU',
    ok: 'TensorFusion 列出了其节点的每块 GPU 及其 TFlops',
    headline: 'TensorFusion 没有发现节点上的 GPU',
    fixSummary: '如有需要，把 GPU 型号按 nvidia-smi 显示的名称加入型号表 ConfigMap，然后删除 NodeDiscovery Job 让它重新运行',
    explain: {
      detects:
        'GPUNode 显示总 TFlops 为 0、GPU 没有出现在 `kubectl get gpu` 中（少于节点上的数量），或 tensor-fusion-sys 中的 NodeDiscovery Job 失败的节点；然后检查 ConfigMap tensor-fusion-sys-public-gpu-info 是否列出了该节点的 GPU 型号（来自发现日志、nvidia-smi 或 GFD 标签）。',
      why: '节点发现会按 nvidia-smi 显示的名称在型号表中查找每块 GPU 的 TFlops，遇到未知型号就会退出：该 GPU 永远不会被列出，总 TFlops 保持为 0，工作负载以 "Failed to schedule GPU" 失败。',
      fix: '把 GPU 型号加入 tensor-fusion-sys-public-gpu-info（fullModelName 必须与 nvidia-smi 显示的完全一致），然后删除 NodeDiscovery Job，让它重新运行并刷新总量。',
    },
  },
  'tf-worker-not-running': {
    title: 'TensorFusion Pod 没有卡在启动中',
    ok: '没有 TensorFusion 工作负载 Pod 卡在启动中',
    headline: 'TensorFusion Pod 卡在启动中（没有可用的 GPU，或客户端运行时注入失败）',
    fixSummary: 'worker 未运行：查明为何没有分配到 GPU；worker 已运行：让 PATH、LD_LIBRARY_PATH 和 LD_PRELOAD 到达 GPU 进程',
    explain: {
      detects:
        '带有 tensor-fusion.ai/workload 标签（不是 worker）且未 Ready 的 Pod，按排查手册分为两种情况：其工作负载的 worker 没有运行（1：没有可用的 GPU 资源），或 worker 已运行且 Ready（2：客户端注入失败）。',
      why: 'TensorFusion Pod 只有在持有其 GPU 份额的 worker 已运行、且 TensorFusion 库已注入其进程时才能启动；缺少任何一个都会卡在启动中。',
      fix: '情况 1：用 `kubectl describe tensorfusionworkload` 查看是否有 "Failed to schedule GPU"，用 `kubectl get gpu` 查看空闲和总资源。情况 2：让 PATH、LD_LIBRARY_PATH 和 LD_PRELOAD 到达 GPU 进程（`gpuctl exec-check POD`；用 `sh -c "bash …"` 代替直接运行 bash）。',
    },
  },

  // ── hami-kantaloupe ───────────────────────────────────────────────────────
  'helm-too-old': {
    title: 'Helm 为 3.14 或更高版本（Kantaloupe）',
    ok: '本机的 helm 为 3.14 或更高版本',
    headline: '本机没有安装 Helm，或其版本低于 Kantaloupe 要求的 3.14',
    fixSummary: '用官方 get-helm-3 脚本（或包管理器）安装或升级 Helm 3',
    explain: {
      detects: '在部署了 HAMi 或 Kantaloupe 前置组件的集群上，运行 gpuctl 的机器上的 helm（`helm version --short`）低于 3.14，或没有安装。',
      why: 'Kantaloupe 和 HAMi 商业版都用 Helm 安装，要求 3.14 或更高版本；旧版 Helm 处理它们的 Chart（OCI 仓库、较新的 Chart 特性）时会在安装中途失败。',
      fix: '用官方的 get-helm-3 脚本（或包管理器）安装最新的 Helm 3，然后用 `helm version --short` 确认。',
    },
  },
  'prometheus-too-old': {
    title: 'Prometheus 为 2.37 或更高版本（Kantaloupe）',
    ok: '集群中每个 Prometheus 都是 2.37 或更高版本',
    headline: '没有 Prometheus，或其版本低于 Kantaloupe 要求的最低版本',
    fixSummary: '升级 kube-prometheus-stack（或 Prometheus 镜像），或让 Kantaloupe 使用一个版本足够新的外部 Prometheus',
    explain: {
      detects:
        '在部署了 HAMi 或 Kantaloupe 前置组件的集群上，Prometheus 低于 2.37（版本来自运行中 Pod 的镜像、其 StatefulSet，或 Prometheus 对象的 spec.image / spec.version），或者根本没有 Prometheus。',
      why: 'Kantaloupe 从 Prometheus 读取 GPU 指标（DCGM、HAMi），要求 2.37 或更高版本；旧版本缺少 Kantaloupe 查询的 API，其监控页面会一直为空。',
      fix: '升级 kube-prometheus-stack（或 Prometheus 镜像），或让 Kantaloupe 使用一个 2.37 或更高版本的外部 Prometheus。',
    },
  },
  'servicemonitor-not-selected': {
    title: 'Prometheus 选中了 HAMi 和 DCGM exporter 的 ServiceMonitor',
    ok: '每个 HAMi 和 DCGM exporter 的 ServiceMonitor 都被某个 Prometheus 选中',
    headline: 'HAMi 或 DCGM exporter 的 ServiceMonitor 没有被任何 Prometheus 选中（或根本不存在）',
    fixSummary: '给 ServiceMonitor 加上 Prometheus 选择的标签（写在 Chart 的 values 中，升级后仍会保留），或放宽 Prometheus 的选择器',
    explain: {
      detects:
        '没有任何 Prometheus Operator 的 `Prometheus` 读取的 HAMi 和 DCGM exporter ServiceMonitor：其标签不匹配 spec.serviceMonitorSelector（kube-prometheus-stack 默认为 release=RELEASE；为 null 的选择器什么都不选），或其命名空间不匹配 spec.serviceMonitorNamespaceSelector（为 null 时只选 Prometheus 自身所在的命名空间）。使用 HAMi 时，还包括根本没有 ServiceMonitor 的 HAMi 或 DCGM exporter。',
      why: '未被选中的 ServiceMonitor 会被悄悄忽略：Prometheus 从不抓取该 exporter，DCGM_FI_DEV_GPU_UTIL、HostCoreUtilization 和 GPUDeviceCoreAllocated 一直为空，Kantaloupe 显示不出 GPU 使用情况。',
      fix: '通过 Chart 的 values 给 ServiceMonitor 加上选择器需要的标签（GPU Operator：dcgmExporter.serviceMonitor.additionalLabels；HAMi：global.labels），或放宽 Prometheus 的选择器（kube-prometheus-stack：prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues=false）。',
    },
  },
  'gateway-api-missing': {
    title: '存在 Gateway API 实现和 Gateway（Kantaloupe）',
    ok: '已安装 Gateway API，并有被接受的 GatewayClass 和已生效（programmed）的 Gateway',
    headline: '没有可用的 Gateway API 网关：Kantaloupe 无法打开 VSCode、SSH 和 Jupyter 会话',
    fixSummary: '安装 Gateway API 实现（如 Envoy Gateway）并创建 GatewayClass 和 Gateway，或为 Kantaloupe 提供已有网关的地址',
    explain: {
      detects:
        '在部署了 HAMi 或 Kantaloupe 前置组件的集群上：没有 Gateway API（未提供 gateway.networking.k8s.io/v1 CRD），没有 GatewayClass（没有控制器实现它），没有被接受的 GatewayClass，或没有已生效（programmed）的 Gateway。正在准备 Kantaloupe 前置组件时为警告，仅运行 HAMi 时仅作提示。',
      why: 'Kantaloupe 通过 Gateway API 网关转发其工作负载的 VSCode、SSH 和 Jupyter 会话；接入集群时需要填写网关地址，没有网关，这些会话就无法打开。',
      fix: '为 Kantaloupe 提供一个支持 Gateway API 的现有网关（Istio、Envoy）的地址，或用 Helm 安装 Envoy Gateway 并创建 GatewayClass 和 Gateway。',
    },
  },
  'gpu-metrics-missing': {
    title: 'Prometheus 中有 Kantaloupe 读取的 GPU 指标（DCGM、HAMi）',
    ok: 'Prometheus 能返回 DCGM_FI_DEV_GPU_UTIL、HostCoreUtilization 和 GPUDeviceCoreAllocated 的时间序列',
    headline: 'Prometheus 中缺少 Kantaloupe 需要的 GPU 指标',
    fixSummary: '让 Prometheus 抓取该 exporter：启用其 ServiceMonitor，让 Prometheus 选中它，然后检查 targets',
    explain: {
      detects:
        '通过 API Server 的服务代理（或 --prometheus-url）向 Prometheus 查询 DCGM_FI_DEV_GPU_UTIL（dcgm-exporter）、HostCoreUtilization（hami-exporter）和 GPUDeviceCoreAllocated（hami-device-plugin-exporter），与 kantaloupe-prerequisites 的验证步骤一致；报告每个缺少时间序列的 exporter，并结合集群对象说明原因（exporter 未运行、ServiceMonitor 缺失或未被选中）。',
      why: 'Kantaloupe 从这些时间序列中获取 GPU 利用率和 HAMi 的分配情况；exporter 没有被抓取时，即使所有 Pod 都在运行，其页面也一直为空。',
      fix: '让 Prometheus 抓取该 exporter：启用其 ServiceMonitor（dcgmExporter.serviceMonitor.enabled、HAMi 的 scheduler/devicePlugin serviceMonitor），让 Prometheus 选中它，然后在 Prometheus 中查看 targets。',
    },
  },

  // ── bitfusion ─────────────────────────────────────────────────────────────
  'bitfusion-components-missing': {
    title: '已部署 Bitfusion 设备插件、Webhook 及其 Webhook 配置',
    ok: 'Bitfusion 组件已部署并就绪',
    headline: '正在使用 Bitfusion，但其组件缺失或未就绪',
    fixSummary: '从 bitfusion-with-kubernetes-integration 重新部署 Bitfusion 组件（make deploy），然后检查 kube-system 和 bwki 中的 Pod',
    explain: {
      detects:
        '在使用 Bitfusion 的地方（存在其命名空间 bwki、带有 auto-management/bitfusion 注解的 Pod，或其任何组件）：kube-system 中的设备插件 DaemonSet、bwki 中的 Webhook Deployment、MutatingWebhookConfiguration bwki-webhook-cfg 或 ValidatingWebhookConfiguration validation.bitfusion.io-cfg 缺失或未就绪。',
      why: '没有设备插件，就没有节点提供 bitfusion.io/gpu；没有 Webhook 及其配置，Pod 永远不会被注入 Bitfusion 客户端，其命令也不会变成 `bitfusion run`。',
      fix: '在 bitfusion-with-kubernetes-integration 的 bitfusion_device_plugin 目录中执行 `make deploy`，然后检查 kube-system 和 bwki 中的 Pod。',
    },
  },
  'bitfusion-secret-missing': {
    title: 'Bitfusion 令牌 Secret（bitfusion-secret）存在于需要它的命名空间',
    ok: 'bitfusion-secret 存在于 kube-system 以及每个有 Bitfusion 工作负载的命名空间中',
    headline: 'Bitfusion 令牌 Secret bitfusion-secret 缺失',
    fixSummary: '用 Bitfusion Baremetal 令牌创建该 Secret（先在 kube-system 中创建），然后重建 Pod',
    explain: {
      detects:
        '在使用 Bitfusion 的地方：kube-system（设备插件和 Webhook 从这里读取）中，或某个有 auto-management/bitfusion: all 或 injection 注解的 Pod 所在的命名空间中，缺少 Secret bitfusion-secret。Secret 只读取元数据：其内容不会离开集群。',
      why: '该 Secret 保存 Bitfusion 令牌（ca.crt、client.yaml、servers.conf）。Webhook 在注入时把它复制到每个工作负载命名空间；没有它，客户端无法向 Bitfusion 服务器认证，Pod 也无法挂载它。',
      fix: '把从 vCenter 下载的 Bitfusion Baremetal 令牌解压到 tokens/ 并创建 Secret：`kubectl create secret generic bitfusion-secret --from-file=tokens -n NAMESPACE`（先在 kube-system 中创建）。',
    },
  },
  'bitfusion-annotation-invalid': {
    title: 'Bitfusion 注解和资源的取值有效',
    ok: '每个 Bitfusion Pod 的注解和资源都有效',
    headline: 'Pod 的 Bitfusion 注解或资源设置无效',
    fixSummary: '在清单中改正注解和 bitfusion.io 资源，然后重新创建 Pod（Webhook 只在创建 Pod 时读取它们）',
    explain: {
      detects:
        'Pod（以及尚无 Pod 的 Deployment 或 DaemonSet 模板）的 auto-management/bitfusion 不是 all/injection/none，bitfusion-client/os 不是 ubuntu18/ubuntu20/centos7/centos8，bitfusion-client/version 不是 250；或其容器请求 bitfusion.io/gpu-amount 时不是正整数，或 bitfusion.io/gpu-percent 与 bitfusion.io/gpu-memory 同时给出或都没有给出。',
      why: 'Webhook 根据这些值安装客户端并生成 `bitfusion run -n N -p P` 命令：取值错误会使 Pod 未被注入、装上错误的客户端，或提出设备插件无法满足的资源请求。',
      fix: '使用文档规定的取值，给出 GPU 数量，并在百分比与显存中二选一，然后重建 Pod。',
    },
  },
  'bitfusion-not-injected': {
    title: 'Bitfusion Pod 已被 Webhook 注入',
    ok: '每个请求 Bitfusion 的 Pod 都已被注入',
    headline: '请求 Bitfusion 的 Pod 没有被 Webhook 注入',
    fixSummary: '找出 Webhook 跳过该 Pod 的原因（Pod 自身的注解或资源无效，或 Webhook 没有运行、没有注册），修正后重建 Pod',
    explain: {
      detects:
        '带有 auto-management/bitfusion: all 或 injection 注解、却没有 auto-management/status: injected 的 Pod；以及注解为 all、但容器命令没有被改写为 `bitfusion run` 的 Pod。',
      why: 'Webhook 在创建 Pod 时安装 Bitfusion 客户端（init 容器、LD_LIBRARY_PATH、令牌）并改写命令；被它跳过的 Pod 会在完全没有 GPU 的情况下运行程序。',
      fix: '检查 Webhook（bwki 中的 Pod、MutatingWebhookConfiguration bwki-webhook-cfg、其日志），然后重建 Pod。',
    },
  },
  'bitfusion-token-invalid': {
    title: 'Bitfusion 工作负载能连接 Bitfusion 服务器',
    ok: '没有 Bitfusion 工作负载的日志显示连接 Bitfusion 服务器出错',
    headline: 'Bitfusion 工作负载无法连接 Bitfusion 服务器：日志中有连接或令牌错误',
    fixSummary: '在 vCenter 中检查 Baremetal 令牌并下载有效令牌，删除所有旧的 bitfusion-secret，在 kube-system 中重建并重新部署',
    explain: {
      detects:
        'Bitfusion 工作负载（带 auto-management/bitfusion 注解或请求 bitfusion.io 资源的 Pod）的日志中出现客户端连接服务器的错误："Token expired at: …"，以及关于服务器、servers.conf、令牌、认证、证书或连接的 `[ERROR]` 行。',
      why: 'Bitfusion 客户端使用 bitfusion-secret 中的令牌向远程 GPU 服务器认证；令牌过期或被吊销，或 servers.conf 不再匹配，都会让每次 `bitfusion run` 失败。',
      fix: '在 vCenter 的 Bitfusion 插件中检查令牌，下载新令牌，删除每个命名空间中的 bitfusion-secret，在 kube-system 中重新创建，执行 `make deploy`，然后重建工作负载。',
    },
  },
  'nvidia-runtime-not-selected': {
    title: 'GPU Pod 使用节点上已配置的 nvidia 运行时',
    ok: '在已读取运行时配置的节点上，每个 GPU Pod 都运行在 NVIDIA 运行时下（通过 RuntimeClass 或默认运行时）',
    headline: '节点已配置 nvidia 运行时，但 GPU Pod 没有使用它',
    fixSummary: '给 GPU Pod 设置 runtimeClassName: nvidia，或把 nvidia 设为节点的默认运行时',
    explain: {
      detects:
        '节点的容器运行时配置里有 NVIDIA 运行时，但 GPU Pod（请求 nvidia.com/… 资源的 Pod，以及设备插件、GFD、DCGM、验证器）运行在其他 handler 下：Pod 没有指定 RuntimeClass 而 default_runtime_name 是 runc，或其 RuntimeClass 指向非 NVIDIA 的 handler。设备插件和工作负载日志中"找不到 NVML / 驱动"的报错会作为证据引用。',
      why: 'k3s、RKE2 以及不带 --set-as-default 的 nvidia-ctk runtime configure 只把 nvidia 添加为额外的 handler。没有选择它的 Pod 拿不到驱动库：设备插件报 "could not load NVML library"，不上报 GPU；CUDA 程序报 "no CUDA-capable device" 或 "driver version is insufficient"，尽管节点本身没有问题。',
      fix: '给 GPU Pod 设置 runtimeClassName: nvidia（没有该 RuntimeClass 时先创建，handler 为 nvidia；设备插件 chart 有 runtimeClassName 参数），或把 nvidia 设为节点默认运行时（k3s/RKE2：在 config.yaml 中设置 default-runtime: nvidia；containerd：nvidia-ctk runtime configure --set-as-default）。',
    },
  },

  'toolkit-config-unsupported': {
    title: 'NVIDIA Container Toolkit 能识别节点的容器运行时配置',
    ok: '没有节点的 toolkit 版本过旧，也没有写入 containerd 不读取的 drop-in',
    headline: 'NVIDIA Container Toolkit 不支持节点的运行时配置',
    fixSummary: '升级 toolkit（containerd 2.x 需 1.17.4 及以上），让它从配置文件读取配置，并把 drop-in 写到 containerd 会 import 的位置',
    explain: {
      detects:
        'toolkit 对节点来说过旧：containerd 配置 version 3（containerd 2.x）而 toolkit 早于 1.17.4（"unsupported config version: 3"），cgroup v2 主机而 libnvidia-container 早于 1.8（"cgroup subsystem devices not found"），或 ldconfig 路径属于其他发行版；或者 toolkit 写的 drop-in containerd 不会读取：版本高于根配置（containerd 2.3 拒绝启动："drop-in config version 4 higher than root config version 2"），或所在目录不在根配置的 imports 中。会读取 toolkit 日志、容器状态、事件以及 `containerd config dump` 的退出码和 stderr。',
      why: 'toolkit 因此从未添加 nvidia 运行时，或添加到了 containerd 不读取的位置，甚至让 containerd 无法启动：所有需要 nvidia 运行时的组件和 GPU Pod 都在等待，而 toolkit Pod 只是在不断重启。',
      fix: '使用支持该节点的 toolkit 版本（containerd 2.x 需 1.17.4+），让它从文件读取配置（RUNTIME_CONFIG_SOURCE=file）或迁移根配置，并把 drop-in 写到 containerd import 的目录。',
    },
  },

  'operand-deploy-label-missing': {
    title: 'GPU 节点带有 GPU Operator 各 DaemonSet 所选择的 nvidia.com/gpu.deploy.<组件> 标签',
    ok: '每个 GPU 节点都带有选择它的 GPU Operator DaemonSet 所需的 nvidia.com/gpu.deploy.<组件>=true 标签',
    headline: 'GPU 节点缺少 nvidia.com/gpu.deploy.<组件> 标签，对应组件不会部署到该节点',
    fixSummary: '把节点上的 nvidia.com/gpu.deploy.<组件> 标签设回 true，或检查 Operator 控制器为何没有设置',
    explain: {
      detects:
        'GPU 节点（nvidia.com/gpu.present=true）上某个 GPU Operator DaemonSet 没有 Pod，因为其 nodeSelector 要求的组件标签（nvidia.com/gpu.deploy.driver、.container-toolkit、.device-plugin 等）不存在、为空或不是 "true"。整体退出（nvidia.com/gpu.deploy.operands=false）属于 operands-disabled；vm-passthrough 和 vm-vgpu 节点本就部署其他组件。',
      why: 'Operator 通过这些标签选择每个组件的节点，并在协调 GPU 节点时自行设置它们。标签缺失说明 Operator 没有协调该节点（控制器异常，或标签被手动删除、设为 false）：该组件永远不会部署到这里，缺少驱动、toolkit 或设备插件时节点无法提供 GPU。',
      fix: '把标签设回 true（kubectl label node NODE nvidia.com/gpu.deploy.组件=true --overwrite），或让 Operator 来设置：检查其控制器 Pod 是否运行并查看日志。有意设置的 false 保留即可。',
    },
  },

  'fabric-manager-not-running': {
    title: 'NVSwitch 系统运行着与驱动版本一致的 fabric manager',
    ok: '在读取到的日志、事件和节点文件中，没有 NVSwitch 节点出现 fabric manager 故障或 CUDA 802 错误',
    headline: 'NVSwitch 系统上的 fabric manager 没有运行',
    fixSummary: '安装并启动与驱动版本完全一致的 nvidia-fabricmanager，或使用带有匹配版本的驱动镜像',
    explain: {
      detects:
        'GPU 通过 NVSwitch 互联的节点（lspci 列出 NVSwitch 设备，或 8 × A100/H100/H200/B200 SXM）上 fabric manager 没有运行：其日志显示版本与驱动不一致或启动失败，驱动容器找不到 fabricmanager.cfg，或节点上的 CUDA 程序报错误 802 "system not yet initialized"。会读取 Pod 日志（当前与上一次）、容器状态、事件以及 /var/log/fabricmanager.log。',
      why: '在 NVSwitch 系统上，fabric manager 完成 NVLink 拓扑训练之前 CUDA 不会分配设备。此时 nvidia-smi 和驱动 Pod 看起来都正常，设备插件也上报了所有 GPU，但所有 CUDA 程序（包括 GPU Operator 的 CUDA 验证器）都会失败。',
      fix: '安装并启动与驱动版本完全一致的 nvidia-fabricmanager（主机驱动），或使用带有匹配 fabric manager 的 GPU Operator 驱动镜像；Blackwell HGX 上还需加载 fabric manager 和 NVLSM 所需的 InfiniBand 模块（ib_umad）。',
    },
  },

  'operand-taint-untolerated': {
    title: 'GPU 组件的 DaemonSet 能容忍其需要运行的 GPU 节点的污点',
    ok: '每个 GPU 组件 DaemonSet 都能容忍其所选 GPU 节点的污点',
    headline: 'GPU 组件的 DaemonSet 不容忍 GPU 节点的污点，没有在该节点上运行 Pod',
    fixSummary: '在 DaemonSet 的 Pod 模板中添加容忍：GPU Operator 在 ClusterPolicy 的 daemonsets.tolerations 中设置',
    explain: {
      detects:
        'GPU 组件的 DaemonSet（设备插件、NFD worker、GFD、DCGM exporter、驱动、toolkit、验证器、HAMi 设备插件）的 Pod 模板选中了某个 GPU 节点（nodeSelector 与必需的节点亲和性），却不容忍该节点的某个 NoSchedule/NoExecute 污点，因而在那里没有 Pod。容忍按 Kubernetes 的规则匹配；DaemonSet 控制器自动容忍的节点状态污点不计入。',
      why: 'DaemonSet 控制器不会把 Pod 放到其模板不容忍污点的节点上：该节点的 DESIRED 为 0，也没有任何事件说明原因。没有设备插件，节点永远不会上报 nvidia.com/gpu；没有驱动或 toolkit，其他组件都无法启动，GPU Pod 以 "Insufficient nvidia.com/gpu" 一直 Pending。',
      fix: '在 DaemonSet 的 Pod 模板中添加容忍：GPU Operator 在 ClusterPolicy 的 daemonsets.tolerations 中设置（chart 参数 daemonsets.tolerations），Helm chart 设置其 tolerations 参数，其他情况用 kubectl patch。',
    },
  },

  'driver-image-unavailable': {
    title: 'GPU Operator 的驱动镜像存在，且适用于节点的操作系统和内核',
    ok: '没有 GPU Operator 驱动 Pod 因镜像或内核软件包不存在而失败',
    headline: 'GPU Operator 的驱动镜像对节点的操作系统或内核不存在',
    fixSummary: '使用受支持的操作系统或已发布的驱动版本、预编译/自定义驱动镜像，或在主机上安装驱动并设置 driver.enabled=false——镜像仓库的 mirror 无济于事',
    explain: {
      detects:
        'GPU Operator 的驱动 Pod 无法启动，因为其镜像不存在：镜像仓库对 Operator 根据节点操作系统标签推导出的 tag（<驱动版本>-<ID><VERSION_ID>）返回 "not found" / "manifest unknown"；或驱动容器找不到节点内核对应的软件包；或 Operator 读不到内核和操作系统标签而无法推导 tag。会引用节点的 NFD os_release 标签。',
      why: 'NVIDIA 只为受支持的发行版和版本发布驱动镜像。在其他操作系统上（或新版本尚未支持时）该 tag 根本不存在，驱动永远装不上，其他组件都在等待它——而拉取错误看起来像是镜像仓库问题，仿佛配置 mirror 就能解决。',
      fix: '让 GPU 节点运行受支持的操作系统，选择已为其发布的驱动版本，使用预编译或自定义驱动镜像，或在主机上安装驱动并设置 driver.enabled=false。',
    },
  },

};
