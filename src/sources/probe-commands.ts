// The commands a node probe runs, as data: their stdout lands in nodes/NODE/commands/NAME.txt
// (NAME.exit holds a non-zero exit code, NAME.stderr the stderr). DESIGN.md lists the first ones;
// later entries extend the contract compatibly (a snapshot without them makes the checks skip).

export interface ProbeCommand {
  name: string;
  /** Run with `sh -c` on the host (or chrooted into the host filesystem). */
  shell: string;
  why: string;
}

export const PROBE_COMMANDS: ProbeCommand[] = [
  { name: 'nvidia-smi', shell: 'nvidia-smi', why: 'driver version, CUDA version, GPUs, NVML errors' },
  {
    name: 'nvidia-smi-query',
    shell: 'nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader',
    why: 'machine-readable GPU list',
  },
  { name: 'lsmod', shell: 'lsmod', why: 'nvidia and nouveau modules' },
  { name: 'lspci', shell: 'lspci -nn', why: 'NVIDIA PCI devices (vendor 10de)' },
  { name: 'uname', shell: 'uname -r', why: 'kernel release, for driver builds' },
  { name: 'containerd-config-dump', shell: 'containerd config dump', why: 'the effective containerd config' },
  { name: 'apt-holds', shell: 'apt-mark showhold', why: 'driver packages held back from upgrades' },
  { name: 'dev-nvidia', shell: 'ls -1 /dev | grep nvidia', why: 'device nodes created by the driver' },
  // driver checks
  {
    name: 'dpkg-nvidia',
    shell: "dpkg-query -W -f='${Package} ${Version} ${Status}\\n' '*nvidia*' 'unattended-upgrades'",
    why: 'installed NVIDIA driver packages, their hold state, and whether unattended-upgrades is installed',
  },
];

/** Host files a probe copies into nodes/NODE/files/ when they exist; `*` matches within one directory. */
export const PROBE_FILES: string[] = [
  '/proc/driver/nvidia/version',
  '/etc/containerd/config.toml',
  '/etc/docker/daemon.json',
  '/etc/rancher/k3s/registries.yaml',
  '/etc/rancher/rke2/registries.yaml',
  '/var/lib/rancher/k3s/agent/etc/containerd/config.toml',
  '/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl',
  '/var/lib/rancher/rke2/agent/etc/containerd/config.toml',
  '/var/lib/rancher/rke2/agent/etc/containerd/config.toml.tmpl',
  '/var/lib/rancher/k3s/agent/etc/containerd/config-v3.toml.tmpl',
  '/var/snap/microk8s/current/args/containerd-template.toml',
  '/var/snap/microk8s/current/args/containerd.toml',
  '/etc/containerd/conf.d/*.toml',
  '/etc/containerd/config.d/*.toml',
  '/etc/containerd/certs.d/*/hosts.toml',
  '/var/lib/rancher/k3s/agent/etc/containerd/certs.d/*/hosts.toml',
  '/etc/apt/apt.conf.d/20auto-upgrades',
  '/etc/modprobe.d/blacklist-nouveau.conf',
  '/etc/os-release',
  // driver checks
  '/etc/modprobe.d/nvidia-installer-disable-nouveau.conf',
  '/proc/cmdline',
];

/** Directories whose existence is a fact (nodes/NODE/dirs.txt), e.g. the mirrors k3s generated. */
export const PROBE_DIRS: string[] = [
  // The parents too: a k3s node whose certs.d is empty (registries.yaml never loaded) still shows it was looked at.
  '/etc/containerd/certs.d',
  '/var/lib/rancher/k3s/agent/etc/containerd',
  '/var/lib/rancher/k3s/agent/etc/containerd/certs.d',
  '/var/lib/rancher/rke2/agent/etc/containerd',
  '/var/lib/rancher/rke2/agent/etc/containerd/certs.d',
  '/etc/containerd/certs.d/*',
  '/var/lib/rancher/k3s/agent/etc/containerd/certs.d/*',
  '/var/lib/rancher/rke2/agent/etc/containerd/certs.d/*',
];
