// Host files and probe command outputs, byte for byte as the tools print them.

function check(lines, width) {
  for (const l of lines) if (l.trim() && l.length !== width && !/^\w{3} \w{3} [ \d]\d /.test(l)) throw new Error(`width ${l.length} != ${width}: ${JSON.stringify(l)}`);
  return lines;
}

/**
 * `nvidia-smi` for driver branches 535 (89 columns) and 550 (91 columns).
 * gpus: [{ name, busId, fan, temp, perf, power, cap, used, total, util, ecc, mig }]; procs: [{ gpu, pid, type, name, mem }]
 */
export function nvidiaSmi({ date, driver, cuda, gpus, procs = [] }) {
  const wide = !driver.startsWith('535');
  const W = wide ? 91 : 89;
  const c2 = wide ? 24 : 22;
  const bar = (ch, l = '+', r = '+') => l + ch.repeat(W - 2) + r;
  const cells = (a, b, c) => `|${a}|${b}|${c}|`;
  const sep = (ch, j = '+') => j + ch.repeat(41) + j + ch.repeat(c2) + j + ch.repeat(22) + j;
  const out = [`${date}       `, bar('-')];
  const head = `| NVIDIA-SMI ${driver.padEnd(23)}Driver Version: ${driver.padEnd(wide ? 15 : 13)}CUDA Version: ${cuda.padEnd(9)}|`;
  out.push(head);
  out.push('|' + '-'.repeat(41) + '+' + '-'.repeat(c2) + '+' + '-'.repeat(22) + '+');
  out.push(cells(' GPU  Name                 Persistence-M ', wide ? ' Bus-Id          Disp.A ' : ' Bus-Id        Disp.A ', ' Volatile Uncorr. ECC '));
  out.push(cells(' Fan  Temp   Perf          Pwr:Usage/Cap ', wide ? '           Memory-Usage ' : '         Memory-Usage ', ' GPU-Util  Compute M. '));
  out.push(cells(' '.repeat(41), ' '.repeat(c2), '               MIG M. '));
  out.push('|' + '='.repeat(41) + '+' + '='.repeat(c2) + '+' + '='.repeat(22) + '|');
  gpus.forEach((g, i) => {
    const power = wide ? `${g.power}W / ${(g.cap + 'W').padStart(5)} ` : `${g.power}W / ${(g.cap + 'W').padStart(4)} `;
    const left = ` ${g.fan.padEnd(3)}   ${String(g.temp).padStart(2)}C    ${g.perf}`.padEnd(41 - power.length) + power;
    out.push(cells(`   ${i}  ${g.name.padEnd(31)}On  `, wide ? `   ${g.busId} Off ` : ` ${g.busId} Off `, `${String(g.ecc).padStart(21)} `));
    const mem = wide ? `${(g.used + 'MiB').padStart(11)} / ${(g.total + 'MiB').padStart(9)} ` : `${(g.used + 'MiB').padStart(10)} / ${(g.total + 'MiB').padStart(8)} `;
    out.push(cells(left, mem, `${(g.util + '%').padStart(8)}${'Default'.padStart(13)} `));
    out.push(cells(' '.repeat(41), ' '.repeat(c2), `${(g.mig ?? 'N/A').padStart(21)} `));
    out.push(sep('-'));
  });
  out.push(' '.repeat(89));
  out.push(bar('-'));
  out.push(`| Processes:`.padEnd(W - 1) + '|');
  const nameW = wide ? 43 : 41;
  out.push(wide ? '|  GPU   GI   CI        PID   Type   Process name                              GPU Memory |' : '|  GPU   GI   CI        PID   Type   Process name                            GPU Memory |');
  out.push(wide ? '|        ID   ID                                                               Usage      |' : '|        ID   ID                                                             Usage      |');
  out.push(bar('=', '|', '|'));
  if (!procs.length) out.push('|  No running processes found'.padEnd(W - 1) + '|');
  for (const p of procs) out.push(`|    ${p.gpu}   N/A  N/A${String(p.pid).padStart(10)}${p.type.padStart(7)}   ${p.name.padEnd(nameW)}${(p.mem + 'MiB').padStart(9)} |`);
  out.push(bar('-'));
  return check(out.slice(1), W).length && out.join('\n') + '\n';
}

export const smiQuery = (gpus, driver) => gpus.map((g, i) => `${i}, ${g.name}, ${driver}, ${g.total} MiB`).join('\n') + '\n';

export const procVersion = (driver, built, gcc = '11.4.0 (Ubuntu 11.4.0-1ubuntu1~22.04)') =>
  `NVRM version: NVIDIA UNIX x86_64 Kernel Module  ${driver}  ${built}\nGCC version:  gcc version ${gcc} \n`;

export const devNvidia = (count, { caps = true } = {}) =>
  [...(caps ? ['nvidia-caps'] : []), 'nvidia-modeset', 'nvidia-uvm', 'nvidia-uvm-tools', ...Array.from({ length: count }, (_, i) => `nvidia${i}`), 'nvidiactl'].join('\n') + '\n';

/** `lsmod` of an Ubuntu 22.04 Kubernetes node (flannel, kube-proxy iptables), with or without the NVIDIA modules. */
export function lsmod({ nvidia, branch = '535', bareMetal = false }) {
  const rows = [
    ['xt_conntrack', 16384, '4'],
    ['nft_chain_nat', 16384, '3'],
    ['xt_MASQUERADE', 20480, '6'],
    ['nf_nat', 49152, '4 ip6table_nat,nft_chain_nat,iptable_nat,xt_MASQUERADE'],
    ['nf_conntrack_netlink', 53248, '0'],
    ['nf_conntrack', 180224, '6 xt_conntrack,nf_nat,xt_nat,nf_conntrack_netlink,xt_CT,xt_MASQUERADE'],
    ['nf_defrag_ipv6', 24576, '1 nf_conntrack'],
    ['nf_defrag_ipv4', 16384, '1 nf_conntrack'],
    ['xfrm_user', 53248, '1'],
    ['xfrm_algo', 16384, '1 xfrm_user'],
    ['xt_addrtype', 16384, '2'],
    ['nft_compat', 20480, '74'],
    ['nf_tables', 258048, '208 nft_compat,nft_chain_nat'],
    ['nfnetlink', 20480, '5 nft_compat,nf_conntrack_netlink,nf_tables'],
    ['vxlan', 94208, '0'],
    ['ip6_udp_tunnel', 16384, '1 vxlan'],
    ['udp_tunnel', 24576, '1 vxlan'],
    ['br_netfilter', 32768, '0'],
    ['bridge', 311296, '1 br_netfilter'],
    ['stp', 16384, '1 bridge'],
    ['llc', 16384, '2 bridge,stp'],
    ['overlay', 151552, '31'],
    ...(nvidia
      ? branch === '535'
        ? [
            ['nvidia_uvm', 1523712, '0'],
            ['nvidia_drm', 90112, '0'],
            ['nvidia_modeset', 1314816, '1 nvidia_drm'],
            ['nvidia', 56745984, '2 nvidia_uvm,nvidia_modeset'],
          ]
        : [
            ['nvidia_uvm', 4956160, '4'],
            ['nvidia_drm', 122880, '0'],
            ['nvidia_modeset', 1355776, '1 nvidia_drm'],
            ['nvidia', 54407168, '44 nvidia_uvm,nvidia_modeset'],
          ]
      : []),
    ['intel_rapl_msr', 20480, '0'],
    ['intel_rapl_common', 40960, '1 intel_rapl_msr'],
    ...(bareMetal
      ? [
          ['ipmi_ssif', 40960, '0'],
          ['ipmi_si', 81920, '0'],
          ['acpi_ipmi', 20480, '0'],
          ['ipmi_devintf', 20480, '0'],
          ['ipmi_msghandler', 122880, '4 ipmi_devintf,ipmi_si,acpi_ipmi,ipmi_ssif'],
          ['i10nm_edac', 28672, '0'],
          ['mei_me', 49152, '0'],
          ['mei', 159744, '1 mei_me'],
        ]
      : [
          ['kvm_intel', 372736, '0'],
          ['kvm', 1032192, '1 kvm_intel'],
          ['input_leds', 16384, '0'],
          ['joydev', 32768, '0'],
          ['serio_raw', 20480, '0'],
          ['qemu_fw_cfg', 20480, '0'],
        ]),
    ['sch_fq_codel', 20480, '3'],
    ['dm_multipath', 40960, '0'],
    ['scsi_dh_rdac', 20480, '0'],
    ['scsi_dh_emc', 16384, '0'],
    ['scsi_dh_alua', 20480, '0'],
    ['efi_pstore', 16384, '0'],
    ['ip_tables', 32768, '0'],
    ['x_tables', 53248, '11 xt_conntrack,nft_compat,xt_tcpudp,xt_addrtype,xt_CT,ip6table_nat,xt_nat,ip6_tables,ip_tables,iptable_nat,xt_MASQUERADE'],
    ['autofs4', 49152, '2'],
    ['btrfs', 1564672, '0'],
    ['raid10', 69632, '0'],
    ['raid456', 163840, '0'],
    ['raid1', 49152, '0'],
    ['raid0', 24576, '0'],
    ['crct10dif_pclmul', 16384, '1'],
    ['crc32_pclmul', 16384, '0'],
    ['ghash_clmulni_intel', 16384, '0'],
    ['aesni_intel', 376832, '0'],
    ['crypto_simd', 16384, '1 aesni_intel'],
    ['cryptd', 24576, '2 crypto_simd,ghash_clmulni_intel'],
    ...(nvidia ? [['drm_kms_helper', 311296, bareMetal ? '4 ast,nvidia_drm' : '4 bochs,drm_vram_helper,nvidia_drm']] : [['drm_kms_helper', 311296, bareMetal ? '3 ast' : '3 bochs,drm_vram_helper']]),
    ['drm', 622592, nvidia ? (bareMetal ? '6 drm_kms_helper,ast,nvidia,drm_shmem_helper,nvidia_drm' : '7 drm_kms_helper,drm_vram_helper,bochs,nvidia,drm_ttm_helper,nvidia_drm,ttm') : bareMetal ? '4 drm_kms_helper,ast,drm_shmem_helper' : '6 drm_kms_helper,drm_vram_helper,bochs,drm_ttm_helper,ttm'],
    ...(bareMetal ? [['ast', 69632, '0'], ['i40e', 483328, '0'], ['ahci', 49152, '0'], ['nvme', 49152, '3']] : [['bochs', 16384, '0'], ['drm_vram_helper', 24576, '1 bochs'], ['virtio_net', 61440, '0'], ['net_failover', 24576, '1 virtio_net'], ['failover', 16384, '1 net_failover'], ['virtio_scsi', 28672, '2'], ['ahci', 49152, '0']]),
  ];
  return 'Module                  Size  Used by\n' + rows.map(([m, s, u]) => `${m.padEnd(19)}${String(s).padStart(8)}  ${u}`).join('\n') + '\n';
}

/** `lspci -nn` of a QEMU/KVM q35 guest with one GPU passed through. */
export function lspciQ35(gpuLine) {
  return [
    '00:00.0 Host bridge [0600]: Intel Corporation 82G33/G31/P35/P31 Express DRAM Controller [8086:29c0]',
    '00:01.0 VGA compatible controller [0300]: Device [1234:1111] (rev 02)',
    '00:02.0 PCI bridge [0604]: Red Hat, Inc. QEMU PCIe Root port [1b36:000c]',
    '00:02.1 PCI bridge [0604]: Red Hat, Inc. QEMU PCIe Root port [1b36:000c]',
    '00:02.2 PCI bridge [0604]: Red Hat, Inc. QEMU PCIe Root port [1b36:000c]',
    '00:02.3 PCI bridge [0604]: Red Hat, Inc. QEMU PCIe Root port [1b36:000c]',
    '00:02.4 PCI bridge [0604]: Red Hat, Inc. QEMU PCIe Root port [1b36:000c]',
    '00:02.5 PCI bridge [0604]: Red Hat, Inc. QEMU PCIe Root port [1b36:000c]',
    '00:1f.0 ISA bridge [0601]: Intel Corporation 82801IB (ICH9) LPC Interface Controller [8086:2918] (rev 02)',
    '00:1f.2 SATA controller [0106]: Intel Corporation 82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode] [8086:2922] (rev 02)',
    '00:1f.3 SMBus [0c05]: Intel Corporation 82801I (ICH9 Family) SMBus Controller [8086:2930] (rev 02)',
    '01:00.0 Ethernet controller [0200]: Red Hat, Inc. Virtio network device [1af4:1041] (rev 01)',
    '02:00.0 USB controller [0c03]: Red Hat, Inc. QEMU XHCI Host Controller [1b36:000d] (rev 01)',
    '03:00.0 Communication controller [0780]: Red Hat, Inc. Virtio console [1af4:1043] (rev 01)',
    '04:00.0 SCSI storage controller [0100]: Red Hat, Inc. Virtio SCSI [1af4:1048] (rev 01)',
    '05:00.0 Unclassified device [00ff]: Red Hat, Inc. Virtio memory balloon [1af4:1045] (rev 01)',
    gpuLine,
  ].join('\n') + '\n';
}

/** `lspci -nn` of a two-socket Ice Lake server with one GPU. */
export function lspciServer(gpuBus, gpuLine) {
  return [
    '00:00.0 Host bridge [0600]: Intel Corporation Ice Lake Memory Map/VT-d [8086:09a2] (rev 04)',
    '00:00.1 System peripheral [0880]: Intel Corporation Ice Lake Mesh 2 PCIe [8086:09a4] (rev 04)',
    '00:00.4 Generic system peripheral [0807]: Intel Corporation Device [8086:0b23]',
    '00:14.0 USB controller [0c03]: Intel Corporation C620 Series Chipset Family USB 3.0 xHCI Controller [8086:a1af] (rev 09)',
    '00:16.0 Communication controller [0780]: Intel Corporation C620 Series Chipset Family MEI Controller #1 [8086:a1ba] (rev 09)',
    '00:17.0 SATA controller [0106]: Intel Corporation C620 Series Chipset Family SATA Controller [AHCI mode] [8086:a182] (rev 09)',
    '00:1f.0 ISA bridge [0601]: Intel Corporation C621 Series Chipset LPC/eSPI Controller [8086:a1c2] (rev 09)',
    '00:1f.4 SMBus [0c05]: Intel Corporation C620 Series Chipset Family SMBus [8086:a1a3] (rev 09)',
    '02:00.0 PCI bridge [0604]: PLDA PCI Express Bridge [1556:be00] (rev 02)',
    '03:00.0 VGA compatible controller [0300]: Matrox Electronics Systems Ltd. Integrated Matrox G200eW3 Graphics Controller [102b:0536] (rev 04)',
    '15:00.0 System peripheral [0880]: Intel Corporation Ice Lake Memory Map/VT-d [8086:09a2] (rev 04)',
    `${gpuBus} ${gpuLine}`,
    '31:00.0 Ethernet controller [0200]: Broadcom Inc. and subsidiaries NetXtreme BCM5720 Gigabit Ethernet PCIe [14e4:165f]',
    '31:00.1 Ethernet controller [0200]: Broadcom Inc. and subsidiaries NetXtreme BCM5720 Gigabit Ethernet PCIe [14e4:165f]',
    '4b:00.0 Ethernet controller [0200]: Intel Corporation Ethernet Controller E810-XXV for SFP [8086:159b] (rev 02)',
    '4b:00.1 Ethernet controller [0200]: Intel Corporation Ethernet Controller E810-XXV for SFP [8086:159b] (rev 02)',
    'ca:00.0 Non-Volatile memory controller [0108]: Samsung Electronics Co Ltd NVMe SSD Controller PM173X [144d:a824]',
  ].join('\n') + '\n';
}

// ---------- containerd ----------

const runcOptions = (binary, systemd = true) => `            BinaryName = "${binary}"
            CriuImagePath = ""
            CriuPath = ""
            CriuWorkPath = ""
            IoGid = 0
            IoUid = 0
            NoNewKeyring = false
            NoPivotRoot = false
            Root = ""
            ShimCgroup = ""
            SystemdCgroup = ${systemd}`;

const runtime = (name, binary) => `        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.${name}]
          base_runtime_spec = ""
          cni_conf_dir = ""
          cni_max_conf_num = 0
          container_annotations = []
          pod_annotations = []
          privileged_without_host_devices = false
          privileged_without_host_devices_all_devices_allowed = false
          runtime_engine = ""
          runtime_path = ""
          runtime_root = ""
          runtime_type = "io.containerd.runc.v2"
          sandbox_mode = "podsandbox"
          snapshotter = ""

          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.${name}.options]
${runcOptions(binary)}
`;

/** The placeholder runtime tables `containerd config default` prints (default_runtime, untrusted_workload_runtime). */
const unsetRuntime = (name) => `      [plugins."io.containerd.grpc.v1.cri".containerd.${name}]
        base_runtime_spec = ""
        cni_conf_dir = ""
        cni_max_conf_num = 0
        container_annotations = []
        pod_annotations = []
        privileged_without_host_devices = false
        privileged_without_host_devices_all_devices_allowed = false
        runtime_engine = ""
        runtime_path = ""
        runtime_root = ""
        runtime_type = ""
        sandbox_mode = ""
        snapshotter = ""

        [plugins."io.containerd.grpc.v1.cri".containerd.${name}.options]
`;

/**
 * /etc/containerd/config.toml of containerd 1.7 (config version 2): `containerd config default` with SystemdCgroup = true,
 * and, where given, the runtimes the NVIDIA Container Toolkit adds (`nvidia`, `nvidia-cdi`, `nvidia-legacy`).
 */
export function containerdConfig({ sandboxImage = 'registry.k8s.io/pause:3.8', nvidia, defaultRuntime = 'runc' }) {
  const runtimes = [['runc', '']];
  if (nvidia) for (const [name, bin] of nvidia) runtimes.push([name, bin]);
  runtimes.sort((a, b) => a[0].localeCompare(b[0]));
  return `disabled_plugins = []
imports = []
oom_score = 0
plugin_dir = ""
required_plugins = []
root = "/var/lib/containerd"
state = "/run/containerd"
temp = ""
version = 2

[cgroup]
  path = ""

[debug]
  address = ""
  format = ""
  gid = 0
  level = ""
  uid = 0

[grpc]
  address = "/run/containerd/containerd.sock"
  gid = 0
  max_recv_message_size = 16777216
  max_send_message_size = 16777216
  tcp_address = ""
  tcp_tls_ca = ""
  tcp_tls_cert = ""
  tcp_tls_key = ""
  uid = 0

[metrics]
  address = ""
  grpc_histogram = false

[plugins]

  [plugins."io.containerd.gc.v1.scheduler"]
    deletion_threshold = 0
    mutation_threshold = 100
    pause_threshold = 0.02
    schedule_delay = "0s"
    startup_delay = "100ms"

  [plugins."io.containerd.grpc.v1.cri"]
    cdi_spec_dirs = ["/etc/cdi", "/var/run/cdi"]
    device_ownership_from_security_context = false
    disable_apparmor = false
    disable_cgroup = false
    disable_hugetlb_controller = true
    disable_proc_mount = false
    disable_tcp_service = true
    drain_exec_sync_io_timeout = "0s"
    enable_cdi = false
    enable_selinux = false
    enable_tls_streaming = false
    enable_unprivileged_icmp = false
    enable_unprivileged_ports = false
    ignore_deprecation_warnings = []
    ignore_image_defined_volumes = false
    image_pull_progress_timeout = "5m0s"
    max_concurrent_downloads = 3
    max_container_log_line_size = 16384
    netns_mounts_under_state_dir = false
    restrict_oom_score_adj = false
    sandbox_image = "${sandboxImage}"
    selinux_category_range = 1024
    stats_collect_period = 10
    stream_idle_timeout = "4h0m0s"
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    systemd_cgroup = false
    tolerate_missing_hugetlb_controller = true
    unset_seccomp_profile = ""

    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/opt/cni/bin"
      conf_dir = "/etc/cni/net.d"
      conf_template = ""
      ip_pref = ""
      max_conf_num = 1
      setup_serially = false

    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "${defaultRuntime}"
      disable_snapshot_annotations = true
      discard_unpacked_layers = false
      ignore_blockio_not_enabled_errors = false
      ignore_rdt_not_enabled_errors = false
      no_pivot = false
      snapshotter = "overlayfs"

${unsetRuntime('default_runtime')}
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes]

${runtimes.map(([n, b]) => runtime(n, b)).join('\n')}
${unsetRuntime('untrusted_workload_runtime')}
    [plugins."io.containerd.grpc.v1.cri".image_decryption]
      key_model = "node"

    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = ""

      [plugins."io.containerd.grpc.v1.cri".registry.auths]

      [plugins."io.containerd.grpc.v1.cri".registry.configs]

      [plugins."io.containerd.grpc.v1.cri".registry.headers]

      [plugins."io.containerd.grpc.v1.cri".registry.mirrors]

    [plugins."io.containerd.grpc.v1.cri".x509_key_pair_streaming]
      tls_cert_file = ""
      tls_key_file = ""

  [plugins."io.containerd.internal.v1.opt"]
    path = "/opt/containerd"

  [plugins."io.containerd.internal.v1.restart"]
    interval = "10s"

  [plugins."io.containerd.internal.v1.tracing"]
    sampling_ratio = 1.0
    service_name = "containerd"

  [plugins."io.containerd.metadata.v1.bolt"]
    content_sharing_policy = "shared"

  [plugins."io.containerd.monitor.v1.cgroups"]
    no_prometheus = false

  [plugins."io.containerd.nri.v1.nri"]
    disable = true
    disable_connections = false
    plugin_config_path = "/etc/nri/conf.d"
    plugin_path = "/opt/nri/plugins"
    plugin_registration_timeout = "5s"
    plugin_request_timeout = "2s"
    socket_path = "/var/run/nri/nri.sock"

  [plugins."io.containerd.runtime.v1.linux"]
    no_shim = false
    runtime = "runc"
    runtime_root = ""
    shim = "containerd-shim"
    shim_debug = false

  [plugins."io.containerd.runtime.v2.task"]
    platforms = ["linux/amd64"]
    sched_core = false

  [plugins."io.containerd.service.v1.diff-service"]
    default = ["walking"]

  [plugins."io.containerd.service.v1.tasks-service"]
    blockio_config_file = ""
    rdt_config_file = ""

  [plugins."io.containerd.snapshotter.v1.aufs"]
    root_path = ""

  [plugins."io.containerd.snapshotter.v1.btrfs"]
    root_path = ""

  [plugins."io.containerd.snapshotter.v1.devmapper"]
    async_remove = false
    base_image_size = ""
    discard_blocks = false
    fs_options = ""
    fs_type = ""
    pool_name = ""
    root_path = ""

  [plugins."io.containerd.snapshotter.v1.native"]
    root_path = ""

  [plugins."io.containerd.snapshotter.v1.overlayfs"]
    mount_options = []
    root_path = ""
    sync_remove = false
    upperdir_label = false

  [plugins."io.containerd.snapshotter.v1.zfs"]
    root_path = ""

  [plugins."io.containerd.tracing.processor.v1.otlp"]
    endpoint = ""
    insecure = false
    protocol = ""

  [plugins."io.containerd.transfer.v1.local"]
    config_path = ""
    max_concurrent_downloads = 3
    max_concurrent_uploaded_layers = 3

    [[plugins."io.containerd.transfer.v1.local".unpack_config]]
      differ = ""
      platform = "linux/amd64"
      snapshotter = "overlayfs"

[proxy_plugins]

[stream_processors]

  [stream_processors."io.containerd.ocicrypt.decoder.v1.tar"]
    accepts = ["application/vnd.oci.image.layer.v1.tar+encrypted"]
    args = ["--decryption-keys-path", "/etc/containerd/ocicrypt/keys"]
    env = ["OCICRYPT_KEYPROVIDER_CONFIG=/etc/containerd/ocicrypt/ocicrypt_keyprovider.conf"]
    path = "ctd-decoder"
    returns = "application/vnd.oci.image.layer.v1.tar"

  [stream_processors."io.containerd.ocicrypt.decoder.v1.tar.gzip"]
    accepts = ["application/vnd.oci.image.layer.v1.tar+gzip+encrypted"]
    args = ["--decryption-keys-path", "/etc/containerd/ocicrypt/keys"]
    env = ["OCICRYPT_KEYPROVIDER_CONFIG=/etc/containerd/ocicrypt/ocicrypt_keyprovider.conf"]
    path = "ctd-decoder"
    returns = "application/vnd.oci.image.layer.v1.tar+gzip"

[timeouts]
  "io.containerd.timeout.bolt.open" = "0s"
  "io.containerd.timeout.metrics.shimstats" = "2s"
  "io.containerd.timeout.shim.cleanup" = "5s"
  "io.containerd.timeout.shim.load" = "5s"
  "io.containerd.timeout.shim.shutdown" = "3s"
  "io.containerd.timeout.task.state" = "2s"

[ttrpc]
  address = ""
  gid = 0
  uid = 0
`;
}

/** The runtimes the GPU Operator's toolkit container (and `nvidia-ctk runtime configure`) writes. */
export const TOOLKIT_RUNTIMES = [
  ['nvidia', '/usr/local/nvidia/toolkit/nvidia-container-runtime'],
  ['nvidia-cdi', '/usr/local/nvidia/toolkit/nvidia-container-runtime.cdi'],
  ['nvidia-legacy', '/usr/local/nvidia/toolkit/nvidia-container-runtime.legacy'],
];

export const osRelease = (version) => `PRETTY_NAME="Ubuntu ${version} LTS"
NAME="Ubuntu"
VERSION_ID="${version.split('.').slice(0, 2).join('.')}"
VERSION="${version} LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=jammy
`;

/** Ubuntu's default: unattended upgrades on. */
export const AUTO_UPGRADES = `APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
`;

/**
 * Host files and probe outputs of a bare-metal Ubuntu GPU worker with the 550 server driver pre-installed and
 * held, the toolkit's nvidia runtime as containerd's default. v: { gpu, proc?, lspci: [bus, line] }.
 */
export function bareMetalGpuNodeFiles(w, nodeName, v, { driver, built, smiDate, cuda, kernel, osVersion }) {
  const d = `nodes/${nodeName}`;
  const config = containerdConfig({ sandboxImage: 'registry.k8s.io/pause:3.9', nvidia: TOOLKIT_RUNTIMES, defaultRuntime: 'nvidia' });
  w.file(`${d}/files/etc/containerd/config.toml`, config);
  w.file(`${d}/files/proc/driver/nvidia/version`, procVersion(driver, built));
  w.file(`${d}/files/etc/os-release`, osRelease(osVersion));
  w.file(`${d}/files/etc/apt/apt.conf.d/20auto-upgrades`, AUTO_UPGRADES);
  w.file(`${d}/commands/nvidia-smi.txt`, nvidiaSmi({ date: smiDate, driver, cuda, gpus: [v.gpu], procs: v.proc ? [v.proc] : [] }));
  w.file(`${d}/commands/nvidia-smi-query.txt`, smiQuery([v.gpu], driver));
  w.file(`${d}/commands/lsmod.txt`, lsmod({ nvidia: true, branch: '550', bareMetal: true }));
  w.file(`${d}/commands/lspci.txt`, lspciServer(v.lspci[0], v.lspci[1]));
  w.file(`${d}/commands/uname.txt`, kernel + '\n');
  w.file(`${d}/commands/dev-nvidia.txt`, devNvidia(1));
  const packages = ['libnvidia-compute-550-server', 'nvidia-dkms-550-server', 'nvidia-driver-550-server', 'nvidia-kernel-common-550-server', 'nvidia-utils-550-server'];
  w.file(`${d}/commands/apt-holds.txt`, packages.join('\n') + '\n');
  w.file(`${d}/commands/dpkg-nvidia.txt`, [...packages.map((p) => `${p} ${driver}-0ubuntu0.22.04.1 hold ok installed`), 'unattended-upgrades 2.8ubuntu1 install ok installed'].join('\n') + '\n');
  w.file(`${d}/commands/runtime-binaries.txt`, ['/usr/local/nvidia/toolkit/nvidia-container-runtime', '/usr/local/nvidia/toolkit/nvidia-container-runtime.cdi', '/usr/local/nvidia/toolkit/nvidia-container-runtime.legacy', '/usr/local/nvidia/toolkit/nvidia-ctk'].join('\n') + '\n');
  w.file(`${d}/commands/containerd-config-dump.txt`, config);
}
