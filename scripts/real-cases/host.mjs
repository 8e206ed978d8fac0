// Host-side texts of a GPU node as the real tools print them: nvidia-smi, lsmod, lspci, /proc/driver/nvidia/version,
// os-release, containerd configs (version 2 and 3, k3s/RKE2 generated), CRI-O configs, Docker's daemon.json.

export const procVersion = (driver, built = 'Tue Apr  1 05:14:41 UTC 2025', gcc = 'gcc version 11.4.0 (Ubuntu 11.4.0-1ubuntu1~22.04)') =>
  `NVRM version: NVIDIA UNIX x86_64 Kernel Module  ${driver}  ${built}\nGCC version:  ${gcc}\n`;

const OS = {
  'ubuntu16.04': ['Ubuntu 16.04.5 LTS', '16.04', 'xenial'],
  'ubuntu18.04': ['Ubuntu 18.04.5 LTS', '18.04', 'bionic'],
  'ubuntu20.04': ['Ubuntu 20.04.6 LTS', '20.04', 'focal'],
  'ubuntu22.04': ['Ubuntu 22.04.4 LTS', '22.04', 'jammy'],
  'ubuntu24.04': ['Ubuntu 24.04 LTS', '24.04', 'noble'],
};
export function osRelease(tag) {
  if (tag.startsWith('ubuntu')) {
    const [pretty, version, codename] = OS[tag];
    return `PRETTY_NAME="${pretty}"\nNAME="Ubuntu"\nVERSION_ID="${version}"\nVERSION="${pretty.replace('Ubuntu ', '').replace(' LTS', '')} LTS (${codename[0].toUpperCase()}${codename.slice(1)})"\nVERSION_CODENAME=${codename}\nID=ubuntu\nID_LIKE=debian\nHOME_URL="https://www.ubuntu.com/"\nUBUNTU_CODENAME=${codename}\n`;
  }
  if (tag === 'rhel9.4') return 'NAME="Red Hat Enterprise Linux"\nVERSION="9.4 (Plow)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="9.4"\nPLATFORM_ID="platform:el9"\nPRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"\n';
  if (tag === 'nixos25.05') return 'BUG_REPORT_URL="https://github.com/NixOS/nixpkgs/issues"\nBUILD_ID="25.05.20260701.0000000"\nID=nixos\nNAME=NixOS\nPRETTY_NAME="NixOS 25.05 (Warbler)"\nVERSION="25.05 (Warbler)"\nVERSION_CODENAME=warbler\nVERSION_ID="25.05"\n';
  if (tag === 'amzn2023') return 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\nPLATFORM_ID="platform:al2023"\nPRETTY_NAME="Amazon Linux 2023.8.20250915"\n';
  if (tag === 'debian12') return 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n';
  if (tag === 'sles15.5') return 'NAME="SLES"\nVERSION="15-SP5"\nVERSION_ID="15.5"\nPRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"\nID="sles"\nID_LIKE="suse"\n';
  if (tag.startsWith('buildroot')) return `NAME=Buildroot\nVERSION=${tag.replace('buildroot', '')}\nID=buildroot\nVERSION_ID=${tag.replace('buildroot', '')}\nPRETTY_NAME="Buildroot ${tag.replace('buildroot', '')}"\n`;
  throw new Error(`unknown os ${tag}`);
}

/** NFD labels the GPU Operator reads: kernel, os_release, PCI vendors. */
export function nfdLabels({ kernel, osId, osVersion, pci = ['10de'], extra = {} }) {
  const [major, minor = '0'] = kernel.split('.');
  const l = {
    'feature.node.kubernetes.io/cpu-cpuid.AVX2': 'true',
    'feature.node.kubernetes.io/cpu-cpuid.AVX512F': 'true',
    'feature.node.kubernetes.io/kernel-version.full': kernel,
    'feature.node.kubernetes.io/kernel-version.major': major,
    'feature.node.kubernetes.io/kernel-version.minor': minor,
    'feature.node.kubernetes.io/system-os_release.ID': osId,
    'feature.node.kubernetes.io/system-os_release.VERSION_ID': osVersion,
    'feature.node.kubernetes.io/system-os_release.VERSION_ID.major': osVersion.split('.')[0],
    ...extra,
  };
  for (const v of pci) l[`feature.node.kubernetes.io/pci-${v}.present`] = 'true';
  if (pci.includes('10de')) l['feature.node.kubernetes.io/pci-0302_10de.present'] = 'true';
  return l;
}

/** Labels GPU Feature Discovery writes (v0.8+ names). */
export function gfdLabels({ product, count, memory, driver, cuda, family, computeMajor, computeMinor, migCapable = false, migStrategy = 'none', replicas = 1, sharing = 'none', extra = {} }) {
  const [dMaj, dMin, dRev = ''] = driver.split('.');
  const [cMaj, cMin] = cuda.split('.');
  return {
    'nvidia.com/cuda.driver-version.full': driver,
    'nvidia.com/cuda.driver-version.major': dMaj,
    'nvidia.com/cuda.driver-version.minor': dMin,
    'nvidia.com/cuda.driver-version.revision': dRev,
    'nvidia.com/cuda.driver.major': dMaj,
    'nvidia.com/cuda.driver.minor': dMin,
    'nvidia.com/cuda.driver.rev': dRev,
    'nvidia.com/cuda.runtime-version.full': cuda,
    'nvidia.com/cuda.runtime-version.major': cMaj,
    'nvidia.com/cuda.runtime-version.minor': cMin,
    'nvidia.com/cuda.runtime.major': cMaj,
    'nvidia.com/cuda.runtime.minor': cMin,
    'nvidia.com/gfd.timestamp': '1718851200',
    'nvidia.com/gpu.compute.major': String(computeMajor),
    'nvidia.com/gpu.compute.minor': String(computeMinor),
    'nvidia.com/gpu.count': String(count),
    'nvidia.com/gpu.family': family,
    'nvidia.com/gpu.machine': 'PowerEdge-R750xa',
    'nvidia.com/gpu.memory': String(memory),
    'nvidia.com/gpu.mode': 'compute',
    'nvidia.com/gpu.present': 'true',
    'nvidia.com/gpu.product': sharing === 'time-slicing' ? `${product}-SHARED` : product,
    'nvidia.com/gpu.replicas': String(replicas),
    'nvidia.com/gpu.sharing-strategy': sharing,
    'nvidia.com/mig.capable': String(migCapable),
    'nvidia.com/mig.strategy': migStrategy,
    'nvidia.com/mps.capable': 'false',
    ...extra,
  };
}

/** The labels the GPU Operator puts on a GPU node (controllers/state_manager.go gpuStateLabels). */
export function operatorDeployLabels({ mig = false, overrides = {} } = {}) {
  return {
    'nvidia.com/gpu.deploy.container-toolkit': 'true',
    'nvidia.com/gpu.deploy.dcgm': 'true',
    'nvidia.com/gpu.deploy.dcgm-exporter': 'true',
    'nvidia.com/gpu.deploy.device-plugin': 'true',
    'nvidia.com/gpu.deploy.driver': 'true',
    'nvidia.com/gpu.deploy.gpu-feature-discovery': 'true',
    'nvidia.com/gpu.deploy.node-status-exporter': 'true',
    'nvidia.com/gpu.deploy.operator-validator': 'true',
    ...(mig ? { 'nvidia.com/gpu.deploy.mig-manager': 'true' } : {}),
    'nvidia.com/gpu.present': 'true',
    ...overrides,
  };
}

/** `nvidia-smi` as the R535+ drivers print it. gpus: [{ name, bus, mem, used?, temp?, pwr?, cap?, perf? , mig? }] */
export function nvidiaSmi({ date, driver, cuda, gpus, procs = [] }) {
  const line = '+-----------------------------------------------------------------------------------------+';
  const sep = '|=========================================+========================+======================|';
  const rows = [];
  gpus.forEach((g, i) => {
    const name = g.name.padEnd(25).slice(0, 25);
    rows.push(`| ${String(i).padStart(3)}  ${name}      ${g.persistence ?? 'On '}  | ${g.bus.padEnd(16)} Off |                    ${g.ecc ?? '0'} |`);
    rows.push(`| N/A   ${String(g.temp ?? 34).padStart(2)}C    ${g.perf ?? 'P0'}            ${String(g.pwr ?? 42).padStart(3)}W / ${String(g.cap ?? 300).padStart(4)}W |   ${String(g.used ?? 1).padStart(5)}MiB / ${String(g.mem).padStart(6)}MiB |      0%      Default |`);
    rows.push(`|                                         |                        |             ${g.mig ? 'Enabled ' : 'Disabled'} |`);
    rows.push('+-----------------------------------------+------------------------+----------------------+');
  });
  const procLines = procs.length
    ? procs.map((p) => `|    ${p.gpu}   N/A  N/A   ${String(p.pid).padStart(8)}      C   ${p.name.padEnd(42).slice(0, 42)} ${String(p.mem).padStart(6)}MiB |`)
    : ['|  No running processes found                                                             |'];
  return [
    date,
    line,
    `| NVIDIA-SMI ${driver.padEnd(22)} Driver Version: ${driver.padEnd(14)} CUDA Version: ${cuda.padEnd(8)} |`,
    '|-----------------------------------------+------------------------+----------------------+',
    '| GPU  Name                 Persistence-M | Bus-Id          Disp.A | Volatile Uncorr. ECC |',
    '| Fan  Temp   Perf          Pwr:Usage/Cap |           Memory-Usage | GPU-Util  Compute M. |',
    '|                                         |                        |               MIG M. |',
    sep,
    ...rows,
    '',
    line,
    '| Processes:                                                                              |',
    '|  GPU   GI   CI        PID   Type   Process name                              GPU Memory |',
    '|        ID   ID                                                               Usage      |',
    '|=========================================================================================|',
    ...procLines,
    line,
    '',
  ].join('\n');
}
export const smiQuery = (gpus, driver) => gpus.map((g, i) => `${i}, ${g.name}, ${driver}, ${g.mem} MiB`).join('\n') + '\n';

export function lsmod({ nvidia = true, nouveau = false, uvm = true, fabric = false } = {}) {
  const l = ['Module                  Size  Used by'];
  if (nvidia) {
    if (uvm) l.push('nvidia_uvm           4653056  4');
    l.push('nvidia_drm             122880  0', 'nvidia_modeset        1355776  1 nvidia_drm', `nvidia              54296576  ${uvm ? 92 : 14} nvidia_uvm,nvidia_modeset`);
    if (fabric) l.push('nvidia_peermem          16384  0');
  }
  if (nouveau) l.push('nouveau              2433024  1', 'mxm_wmi                16384  1 nouveau', 'drm_ttm_helper         16384  1 nouveau', 'ttm                    86016  2 drm_ttm_helper,nouveau', 'i2c_algo_bit           16384  1 nouveau');
  l.push('drm_kms_helper        311296  2 nvidia_drm' + (nouveau ? ',nouveau' : ''), 'drm                   622592  6 drm_kms_helper,nvidia,nvidia_drm' + (nouveau ? ',ttm,drm_ttm_helper,nouveau' : ''), 'ipmi_msghandler        77824  2 ipmi_devintf,ipmi_si', 'overlay               151552  22', 'br_netfilter           32768  0', 'bridge                307200  1 br_netfilter', 'xt_conntrack           16384  8', 'nf_conntrack          172032  5 xt_conntrack,nf_nat,xt_nat,nf_conntrack_netlink,xt_MASQUERADE');
  return l.join('\n') + '\n';
}

/** lspci -nn of a server with `gpus` (lines of the NVIDIA functions) and optional NVSwitches. */
export function lspci(gpuLines, { nvswitches = [] } = {}) {
  return [
    '00:00.0 Host bridge [0600]: Intel Corporation Ice Lake Memory Map/VT-d [8086:09a2] (rev 04)',
    '00:14.0 USB controller [0c03]: Intel Corporation C620 Series Chipset Family USB 3.0 xHCI Controller [8086:a1af] (rev 09)',
    '00:17.0 SATA controller [0106]: Intel Corporation C620 Series Chipset Family SATA Controller [AHCI mode] [8086:a182] (rev 09)',
    '03:00.0 VGA compatible controller [0300]: Matrox Electronics Systems Ltd. Integrated Matrox G200eW3 Graphics Controller [102b:0536] (rev 04)',
    ...gpuLines,
    ...nvswitches,
    '31:00.0 Ethernet controller [0200]: Broadcom Inc. and subsidiaries BCM57414 NetXtreme-E 10Gb/25Gb RDMA Ethernet Controller [14e4:16d7] (rev 01)',
  ].join('\n') + '\n';
}

export const devNvidia = (n, { caps = true, nvswitch = 0 } = {}) =>
  [...Array.from({ length: n }, (_, i) => `nvidia${i}`), ...(caps ? ['nvidia-caps'] : []), 'nvidia-modeset', 'nvidia-uvm', 'nvidia-uvm-tools', 'nvidiactl', ...Array.from({ length: nvswitch }, (_, i) => `nvidia-nvswitch${i}`), ...(nvswitch ? ['nvidia-nvswitchctl'] : [])].join('\n') + '\n';

const runcV2 = (plugin, systemd = true) => `
    [${plugin}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"

      [${plugin}.containerd.runtimes.runc.options]
        SystemdCgroup = ${systemd}`;

const nvidiaRuntime = (plugin, name, binary) => `
    [${plugin}.containerd.runtimes.${name}]
      privileged_without_host_devices = false
      runtime_engine = ""
      runtime_root = ""
      runtime_type = "io.containerd.runc.v2"

      [${plugin}.containerd.runtimes.${name}.options]
        BinaryName = "${binary}"
        SystemdCgroup = true`;

/**
 * /etc/containerd/config.toml, version 2 (containerd 1.5–1.7, read by 2.x too), as `containerd config default`
 * trimmed to what matters, plus the nvidia runtimes nvidia-ctk / the toolkit container add.
 */
export function containerdV2({ sandbox = 'registry.k8s.io/pause:3.9', nvidia = null, defaultRuntime = 'runc', imports = [] }) {
  const P = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    ...(imports.length ? [`imports = [${imports.map((i) => JSON.stringify(i)).join(', ')}]`] : []),
    'version = 2',
    '',
    '[plugins]',
    '',
    `  [${P}]`,
    `    sandbox_image = "${sandbox}"`,
    '',
    `    [${P}.cni]`,
    '      bin_dir = "/opt/cni/bin"',
    '      conf_dir = "/etc/cni/net.d"',
    '',
    `    [${P}.containerd]`,
    `      default_runtime_name = "${defaultRuntime}"`,
    '      snapshotter = "overlayfs"',
    '',
    `    [${P}.containerd.runtimes]`,
    // The operator's toolkit container adds nvidia, nvidia-cdi and nvidia-legacy; `nvidia-ctk runtime configure` on a host adds nvidia only.
    ...(nvidia ? [nvidiaRuntime(P, 'nvidia', nvidia), ...(nvidia.startsWith('/usr/local/nvidia/') ? [nvidiaRuntime(P, 'nvidia-cdi', nvidia.replace(/nvidia-container-runtime$/, 'nvidia-container-runtime.cdi')), nvidiaRuntime(P, 'nvidia-legacy', nvidia.replace(/nvidia-container-runtime$/, 'nvidia-container-runtime.legacy'))] : [])] : []),
    runcV2(P),
    '',
    `    [${P}.registry]`,
    '      config_path = "/etc/containerd/certs.d"',
    '',
  ].join('\n');
}

/** A containerd 2.x `version = 3` config (io.containerd.cri.v1.runtime / .images). */
export function containerdV3({ sandbox = 'registry.k8s.io/pause:3.10', imports = ['/etc/containerd/conf.d/*.toml'], nvidia = null, defaultRuntime = 'runc' } = {}) {
  const P = 'plugins."io.containerd.cri.v1.runtime"';
  return [
    ...(imports.length ? [`imports = [${imports.map((i) => JSON.stringify(i)).join(', ')}]`] : []),
    'version = 3',
    'root = "/var/lib/containerd"',
    'state = "/run/containerd"',
    '',
    '[plugins]',
    '  [plugins."io.containerd.cri.v1.images"]',
    '    snapshotter = "overlayfs"',
    '    [plugins."io.containerd.cri.v1.images".pinned_images]',
    `      sandbox = "${sandbox}"`,
    '    [plugins."io.containerd.cri.v1.images".registry]',
    '      config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"',
    '',
    `  [${P}]`,
    `    [${P}.cni]`,
    '      bin_dirs = ["/opt/cni/bin"]',
    '      conf_dir = "/etc/cni/net.d"',
    `    [${P}.containerd]`,
    `      default_runtime_name = "${defaultRuntime}"`,
    ...(nvidia ? [nvidiaRuntime(P, 'nvidia', nvidia)] : []),
    runcV2(P),
    '',
  ].join('\n');
}

/** The drop-in nvidia-ctk (toolkit ≥ 1.18) writes: the whole CRI runtime plugin section with the nvidia runtimes. */
export function nvidiaDropIn({ version = 3, binary = '/usr/local/nvidia/toolkit/nvidia-container-runtime', setDefault = true }) {
  const P = version >= 3 ? 'plugins."io.containerd.cri.v1.runtime"' : 'plugins."io.containerd.grpc.v1.cri"';
  return [
    `version = ${version}`,
    '',
    `[${P}]`,
    '',
    `  [${P}.containerd]`,
    ...(setDefault ? ['    default_runtime_name = "nvidia"'] : []),
    nvidiaRuntime(P, 'nvidia', binary).replace(/^ {4}/gm, '  '),
    nvidiaRuntime(P, 'nvidia-cdi', binary.replace(/nvidia-container-runtime$/, 'nvidia-container-runtime.cdi')).replace(/^ {4}/gm, '  '),
    nvidiaRuntime(P, 'nvidia-legacy', binary.replace(/nvidia-container-runtime$/, 'nvidia-container-runtime.legacy')).replace(/^ {4}/gm, '  '),
    runcV2(P).replace(/^ {4}/gm, '  '),
    '',
  ].join('\n');
}

/**
 * The containerd config k3s/RKE2 generate (pkg/agent/templates/templates_linux.go): version 2 (k3s ≤ 1.31 with
 * containerd 1.7) or 3 (containerd 2.x); nvidia runtimes appear as extra handlers for the binaries it found
 * (nvidia-container-runtime → nvidia, nvidia-container-runtime-experimental → nvidia-experimental, .cdi → nvidia-cdi).
 */
export function k3sContainerd({ program = 'k3s', dataDir = '/var/lib/rancher/k3s', version = 2, nvidia = null, defaultRuntime = null, cdi = false, experimental = false }) {
  const P = version >= 3 ? 'plugins."io.containerd.cri.v1.runtime"' : 'plugins."io.containerd.grpc.v1.cri"';
  const out = [
    `# File generated by ${program}. DO NOT EDIT. Use config${version >= 3 ? '-v3' : ''}.toml.tmpl instead.`,
    `version = ${version}`,
    '',
    `[plugins."io.containerd.internal.v1.opt"]`,
    `  path = "${dataDir}/agent/containerd"`,
    version >= 3 ? `[plugins."io.containerd.grpc.v1.cri"]` : `[${P}]`,
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "10010"',
    ...(version < 3 ? ['  enable_selinux = false', '  enable_unprivileged_ports = true', '  enable_unprivileged_icmp = true', `  sandbox_image = "rancher/mirrored-pause:3.6"`] : []),
    '',
    `[${P}.containerd]`,
    '  snapshotter = "overlayfs"',
    '  disable_snapshot_annotations = true',
    ...(defaultRuntime ? [`  default_runtime_name = "${defaultRuntime}"`] : []),
    '',
    `[${P}.cni]`,
    `  bin_dir = "${dataDir}/data/current/bin"`,
    `  conf_dir = "${dataDir}/agent/etc/cni/net.d"`,
    '',
    `[${P}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    '',
    `[${P}.containerd.runtimes.runc.options]`,
    '  SystemdCgroup = true',
    '',
  ];
  const extra = nvidia ? [['nvidia', nvidia], ...(experimental ? [['nvidia-experimental', `${nvidia}-experimental`]] : []), ...(cdi ? [['nvidia-cdi', nvidia.replace(/nvidia-container-runtime$/, 'nvidia-container-runtime.cdi')]] : [])] : [];
  for (const [name, bin] of extra) {
    out.push(`[${P}.containerd.runtimes."${name}"]`, '  runtime_type = "io.containerd.runc.v2"', `[${P}.containerd.runtimes."${name}".options]`, `  BinaryName = "${bin}"`, '  SystemdCgroup = true', '');
  }
  return out.join('\n');
}

/** /etc/crio/crio.conf as CRI-O 1.2x ships it (runtimes trimmed), optionally with an nvidia runtime table. */
export function crioConf({ nvidia = null, defaultRuntime = 'crun', hooksDir = ['/usr/share/containers/oci/hooks.d'] } = {}) {
  return [
    '[crio]',
    'log_dir = "/var/log/crio/pods"',
    '',
    '[crio.runtime]',
    `default_runtime = "${defaultRuntime}"`,
    'cgroup_manager = "systemd"',
    `hooks_dir = [${hooksDir.map((h) => JSON.stringify(h)).join(', ')}]`,
    '',
    '[crio.runtime.runtimes.crun]',
    'runtime_path = "/usr/libexec/crio/crun"',
    'runtime_root = "/run/crun"',
    'monitor_path = "/usr/libexec/crio/conmon"',
    'allowed_annotations = ["io.containers.trace-syscall"]',
    '',
    '[crio.runtime.runtimes.runc]',
    'runtime_path = "/usr/libexec/crio/runc"',
    'runtime_root = "/run/runc"',
    'monitor_path = "/usr/libexec/crio/conmon"',
    ...(nvidia
      ? ['', '[crio.runtime.runtimes.nvidia]', `runtime_path = "${nvidia}"`, 'runtime_type = "oci"', 'monitor_path = "/usr/libexec/crio/conmon"']
      : []),
    '',
    '[crio.image]',
    'pause_image = "registry.k8s.io/pause:3.9"',
    '',
  ].join('\n');
}

/** The drop-in `nvidia-ctk runtime configure --runtime=crio` writes (toolkit 1.18+). */
export const crioNvidiaDropIn = (binary = '/usr/bin/nvidia-container-runtime') =>
  `\n[crio]\n\n  [crio.runtime]\n\n    [crio.runtime.runtimes]\n\n      [crio.runtime.runtimes.nvidia]\n        runtime_path = "${binary}"\n        runtime_type = "oci"\n        monitor_path = "/usr/libexec/crio/conmon"\n`;

export const dockerDaemonJson = ({ defaultRuntime = null, path = 'nvidia-container-runtime' } = {}) =>
  JSON.stringify({ ...(defaultRuntime ? { 'default-runtime': defaultRuntime } : {}), 'exec-opts': ['native.cgroupdriver=systemd'], 'log-driver': 'json-file', 'log-opts': { 'max-size': '100m' }, runtimes: { nvidia: { args: [], path } } }, null, 4) + '\n';

/** `ls` of a toolkit install (the probe's runtime-binaries list). */
export const runtimeBinaries = (paths) => paths.join('\n') + '\n';
export const HOST_TOOLKIT = ['/usr/bin/nvidia-container-runtime', '/usr/bin/nvidia-container-runtime.cdi', '/usr/bin/nvidia-container-runtime-hook', '/usr/bin/nvidia-container-cli', '/usr/bin/nvidia-ctk', '/usr/bin/runc'];
export const OPERATOR_TOOLKIT = ['/usr/local/nvidia/toolkit/nvidia-container-runtime', '/usr/local/nvidia/toolkit/nvidia-container-runtime.cdi', '/usr/local/nvidia/toolkit/nvidia-container-runtime.legacy', '/usr/local/nvidia/toolkit/nvidia-ctk', '/usr/bin/runc'];

export const GPU = {
  A100: { name: 'NVIDIA A100-SXM4-80GB', pci: '[10de:20b2]', device: '3D controller [0302]: NVIDIA Corporation GA100 [A100 SXM4 80GB]', mem: 81920, family: 'ampere', cc: [8, 0], cap: 400 },
  A100PCIE: { name: 'NVIDIA A100-PCIE-40GB', pci: '[10de:20f1]', device: '3D controller [0302]: NVIDIA Corporation GA100 [A100 PCIe 40GB]', mem: 40960, family: 'ampere', cc: [8, 0], cap: 250 },
  H100: { name: 'NVIDIA H100 80GB HBM3', pci: '[10de:2330]', device: '3D controller [0302]: NVIDIA Corporation GH100 [H100 SXM5 80GB]', mem: 81559, family: 'hopper', cc: [9, 0], cap: 700 },
  H200: { name: 'NVIDIA H200', pci: '[10de:2335]', device: '3D controller [0302]: NVIDIA Corporation GH100 [H200 SXM 141GB]', mem: 143771, family: 'hopper', cc: [9, 0], cap: 700 },
  B200: { name: 'NVIDIA B200', pci: '[10de:2901]', device: '3D controller [0302]: NVIDIA Corporation GB100 [B200]', mem: 183359, family: 'blackwell', cc: [10, 0], cap: 1000 },
  L4: { name: 'NVIDIA L4', pci: '[10de:27b8]', device: '3D controller [0302]: NVIDIA Corporation AD104GL [L4]', mem: 23034, family: 'ada-lovelace', cc: [8, 9], cap: 72 },
  T4: { name: 'Tesla T4', pci: '[10de:1eb8]', device: '3D controller [0302]: NVIDIA Corporation TU104GL [Tesla T4]', mem: 15360, family: 'turing', cc: [7, 5], cap: 70 },
  A10: { name: 'NVIDIA A10', pci: '[10de:2236]', device: '3D controller [0302]: NVIDIA Corporation GA102GL [A10]', mem: 23028, family: 'ampere', cc: [8, 6], cap: 150 },
  RTX3090: { name: 'NVIDIA GeForce RTX 3090', pci: '[10de:2204]', device: 'VGA compatible controller [0300]: NVIDIA Corporation GA102 [GeForce RTX 3090]', mem: 24576, family: 'ampere', cc: [8, 6], cap: 350 },
  RTX4090: { name: 'NVIDIA GeForce RTX 4090', pci: '[10de:2684]', device: 'VGA compatible controller [0300]: NVIDIA Corporation AD102 [GeForce RTX 4090]', mem: 24564, family: 'ada-lovelace', cc: [8, 9], cap: 450 },
  P4: { name: 'Tesla P4', pci: '[10de:1bb3]', device: '3D controller [0302]: NVIDIA Corporation GP104GL [Tesla P4]', mem: 7680, family: 'pascal', cc: [6, 1], cap: 75 },
  V100: { name: 'Tesla V100-PCIE-32GB', pci: '[10de:1db6]', device: '3D controller [0302]: NVIDIA Corporation GV100GL [Tesla V100 PCIe 32GB]', mem: 32768, family: 'volta', cc: [7, 0], cap: 250 },
};

/** lspci lines and nvidia-smi rows for `n` GPUs of a kind, on consecutive buses from `bus0` (hex). */
export function gpuSet(kind, n, { bus0 = 0x17, step = 0x1a } = {}) {
  const g = GPU[kind];
  const buses = Array.from({ length: n }, (_, i) => (bus0 + i * step).toString(16).padStart(2, '0'));
  return {
    kind: g,
    lspci: buses.map((b) => `${b}:00.0 ${g.device} ${g.pci} (rev a1)`),
    smi: buses.map((b) => ({ name: g.name, bus: `00000000:${b.toUpperCase()}:00.0`, mem: g.mem, cap: g.cap })),
  };
}

export const AUTO_UPGRADES = 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n';
