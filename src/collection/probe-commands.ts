// The commands a node probe runs, as data: their stdout lands in nodes/NODE/commands/NAME.txt
// (NAME.exit holds a non-zero exit code, NAME.stderr the stderr). DESIGN.md lists the first ones;
// later entries extend the contract compatibly (a snapshot without them makes the checks skip).

export interface ProbeCommand {
  name: string;
  /** Run with `sh -c` on the host (or chrooted into the host filesystem). */
  shell: string;
  why: string;
  /**
   * Run although no check reads it, and why: for a person reading a `gpuctl collect` bundle. The doctor runs
   * only the commands its checks declare (`node-command:NAME`); collect runs these too.
   */
  forPeople?: string;
}

/** Runtime binaries whose existence `runtime-binaries` always reports (the configured ones come on top). */
export const RUNTIME_BINARY_CANDIDATES: string[] = [
  '/usr/bin/nvidia-container-runtime',
  '/usr/bin/nvidia-container-runtime-cdi',
  '/usr/bin/nvidia-container-runtime.cdi',
  '/usr/bin/nvidia-container-runtime.legacy',
  '/usr/bin/nvidia-container-runtime-hook',
  '/usr/bin/nvidia-container-cli',
  '/usr/bin/nvidia-ctk',
  '/usr/local/nvidia/toolkit/nvidia-container-runtime',
  '/usr/local/nvidia/toolkit/nvidia-container-runtime.cdi',
  '/usr/local/nvidia/toolkit/nvidia-container-runtime.legacy',
  '/usr/local/nvidia/toolkit/nvidia-ctk',
  '/usr/bin/runc',
  '/usr/sbin/runc',
  '/usr/local/bin/runc',
  '/usr/local/sbin/runc',
];

/** Where containerd configs (and their BinaryName lines) live, for every distribution gpuctl reads. */
const RUNTIME_CONFIG_DIRS = [
  '/etc/containerd',
  '/var/lib/rancher/k3s/agent/etc/containerd',
  '/var/lib/rancher/rke2/agent/etc/containerd',
  '/var/snap/microk8s/current/args',
  '/etc/crio',
];

/**
 * Prints, one a line, each candidate binary and each BinaryName / docker runtime `path` configured on
 * the host that exists (`command -v` for bare names). A configured path missing from the output is
 * missing on the node.
 */
function runtimeBinariesShell(): string {
  // $GPUCTL_PROBE_ROOT: the host root of a local probe that does not chroot (tests); empty on a node.
  const R = '"$GPUCTL_PROBE_ROOT"';
  const configured = String.raw`$(grep -rhoE '(BinaryName|runtime_path) *= *["'\''][^"'\'']+' ` + RUNTIME_CONFIG_DIRS.map((d) => R + d).join(' ') + String.raw` 2>/dev/null | sed 's/.*["'\'']//')`;
  const docker = `$(grep -hoE '"path" *: *"[^"]+"' ${R}/etc/docker/daemon.json 2>/dev/null | sed 's/.*: *"//; s/"$//')`;
  return `for p in ${RUNTIME_BINARY_CANDIDATES.join(' ')} ${configured} ${docker}; do case "$p" in /*) [ -e ${R}"$p" ] && echo "$p";; *) command -v "$p";; esac; done; true`;
}

/** Lines of a journal or log file a probe keeps: enough for a restart loop, bounded for a snapshot. */
const JOURNAL_LINES = 300;

/**
 * The last lines of systemd units' journals (`-o cat`: the message only, as the component printed it), then of
 * log files where a distribution writes instead (k3s, RKE2), optionally only lines matching `grep`.
 */
function journalShell(units: string[], files: string[], grep?: string): string {
  const R = '"$GPUCTL_PROBE_ROOT"';
  const journal = `journalctl ${units.map((u) => `-u ${u}`).join(' ')} --no-pager -o cat -n ${grep ? JOURNAL_LINES * 10 : JOURNAL_LINES} 2>/dev/null`;
  const logs = files.map((f) => `[ -f ${R}${f} ] && tail -n ${JOURNAL_LINES} ${R}${f}`);
  const all = `{ ${[journal, ...logs].join('; ')}; true; }`;
  return grep ? `${all} | grep -iE '${grep}' | tail -n ${JOURNAL_LINES}; true` : all;
}

export const PROBE_COMMANDS = probeCommands([
  { name: 'nvidia-smi', shell: 'nvidia-smi', why: 'driver version, CUDA version, GPUs, NVML errors' },
  {
    name: 'nvidia-smi-query',
    shell: 'nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader',
    why: 'machine-readable GPU list',
  },
  { name: 'lsmod', shell: 'lsmod', why: 'nvidia and nouveau modules' },
  { name: 'lspci', shell: 'lspci -nn', why: 'NVIDIA PCI devices (vendor 10de)' },
  {
    name: 'uname',
    shell: 'uname -r',
    why: 'kernel release, for driver builds',
    forPeople: 'the kernel release is for a person reading a bundle and for driver builds (gpuctl install); no check reads it',
  },
  { name: 'containerd-config-dump', shell: 'containerd config dump', why: 'the effective containerd config' },
  { name: 'apt-holds', shell: 'apt-mark showhold', why: 'driver packages held back from upgrades' },
  { name: 'dev-nvidia', shell: 'ls -1 /dev | grep nvidia', why: 'device nodes created by the driver' },
  // driver checks
  {
    name: 'dpkg-nvidia',
    shell: "dpkg-query -W -f='${Package} ${Version} ${Status}\\n' '*nvidia*' 'unattended-upgrades'",
    why: 'installed NVIDIA driver packages, their hold state, and whether unattended-upgrades is installed',
  },
  { name: 'runtime-binaries', shell: runtimeBinariesShell(), why: 'which configured runtime binaries exist (runtime-binary-missing)' },
  // Host services' own words, bounded: what containerd, CRI-O, the kubelet, the fabric manager and the kernel
  // said about a config that does not load, a runtime that is not there, a driver that does not match.
  {
    name: 'journal-containerd',
    shell: journalShell(['containerd'], ['/var/lib/rancher/k3s/agent/containerd/containerd.log', '/var/lib/rancher/rke2/agent/containerd/containerd.log']),
    why: 'containerd refusing its config or a runtime (containerd-config-invalid, toolkit-config-unsupported, nvidia-runtime-missing)',
  },
  { name: 'journal-crio', shell: journalShell(['crio'], []), why: 'CRI-O refusing a runtime_path or default_runtime (runtime-binary-missing, nvidia-runtime-missing)' },
  {
    name: 'journal-kubelet',
    shell: journalShell(['kubelet', 'k3s', 'k3s-agent', 'rke2-server', 'rke2-agent', 'snap.microk8s.daemon-kubelite'], [], 'nvidia|gpu|runtime|device'),
    why: 'the kubelet on device plugins, runtimes and RuntimeClasses (lines naming them only)',
    forPeople: "the kubelet's journal lines on device plugins, runtimes and RuntimeClasses are for a person reading a bundle; the same words reach the checks as the kubelet's events and pod states",
  },
  {
    name: 'journal-fabricmanager',
    shell: journalShell(['nvidia-fabricmanager'], ['/var/log/fabricmanager.log']),
    why: 'the fabric manager failing to start or to match the driver (fabric-manager-not-running)',
  },
  {
    name: 'kernel-nvidia',
    shell: `{ journalctl -k -b --no-pager -o cat 2>/dev/null || dmesg -t 2>/dev/null || dmesg; } | grep -E 'NVRM|nvidia|nouveau' | tail -n ${JOURNAL_LINES}`,
    why: 'NVRM messages: API mismatch, probe not called, Xid (driver-library-mismatch, nouveau-loaded)',
  },
]);

/** The name of a command the node probe runs: what a check's `node-command:NAME` need may name. */
export type ProbeCommandName = (typeof PROBE_COMMANDS)[number]['name'];

function probeCommands<const N extends string>(commands: (ProbeCommand & { name: N })[]): (ProbeCommand & { name: N })[] {
  return commands;
}

/**
 * The sets of host files a check may declare (`node-files:SET`): the probe copies the files of the sets the
 * checks declare.
 */
export const PROBE_FILE_SETS = {
  driver: 'the loaded driver version, the kernel command line and the nouveau blacklists',
  'containerd-config': "containerd's configs, templates and drop-ins (kubeadm, k3s, RKE2, MicroK8s)",
  'registry-mirrors': "containerd's certs.d hosts.toml, k3s/RKE2 registries.yaml, CRI-O's registries.conf(.d)",
  docker: "Docker's daemon.json (its runtimes)",
  'crio-config': "CRI-O's crio.conf and drop-ins",
  'oci-hooks': 'OCI hooks (how OpenShift injects the GPU through CRI-O)',
  'os-release': 'the distribution',
  'unattended-upgrades': "apt's automatic upgrades",
} as const;

export type ProbeFileSet = keyof typeof PROBE_FILE_SETS;

/**
 * Host files a probe copies into nodes/NODE/files/ when they exist, `*` matching within one directory, each
 * with the set it belongs to.
 */
export const PROBE_FILE_ENTRIES: readonly (readonly [path: string, set: ProbeFileSet])[] = [
  ['/proc/driver/nvidia/version', 'driver'],
  ['/etc/containerd/config.toml', 'containerd-config'],
  ['/etc/docker/daemon.json', 'docker'],
  ['/etc/rancher/k3s/registries.yaml', 'registry-mirrors'],
  ['/etc/rancher/rke2/registries.yaml', 'registry-mirrors'],
  ['/var/lib/rancher/k3s/agent/etc/containerd/config.toml', 'containerd-config'],
  ['/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl', 'containerd-config'],
  ['/var/lib/rancher/rke2/agent/etc/containerd/config.toml', 'containerd-config'],
  ['/var/lib/rancher/rke2/agent/etc/containerd/config.toml.tmpl', 'containerd-config'],
  ['/var/lib/rancher/k3s/agent/etc/containerd/config-v3.toml.tmpl', 'containerd-config'],
  ['/var/lib/rancher/rke2/agent/etc/containerd/config-v3.toml.tmpl', 'containerd-config'],
  ['/var/snap/microk8s/current/args/containerd-template.toml', 'containerd-config'],
  ['/var/snap/microk8s/current/args/containerd.toml', 'containerd-config'],
  ['/etc/containerd/conf.d/*.toml', 'containerd-config'],
  ['/etc/containerd/config.d/*.toml', 'containerd-config'],
  // k3s/RKE2 drop-in directories (their generated config imports them on recent releases).
  ['/var/lib/rancher/k3s/agent/etc/containerd/config.toml.d/*.toml', 'containerd-config'],
  ['/var/lib/rancher/k3s/agent/etc/containerd/config-v3.toml.d/*.toml', 'containerd-config'],
  ['/var/lib/rancher/rke2/agent/etc/containerd/config.toml.d/*.toml', 'containerd-config'],
  ['/var/lib/rancher/rke2/agent/etc/containerd/config-v3.toml.d/*.toml', 'containerd-config'],
  ['/etc/containerd/certs.d/*/hosts.toml', 'registry-mirrors'],
  ['/var/lib/rancher/k3s/agent/etc/containerd/certs.d/*/hosts.toml', 'registry-mirrors'],
  ['/var/lib/rancher/rke2/agent/etc/containerd/certs.d/*/hosts.toml', 'registry-mirrors'],
  ['/etc/apt/apt.conf.d/20auto-upgrades', 'unattended-upgrades'],
  ['/etc/modprobe.d/blacklist-nouveau.conf', 'driver'],
  ['/etc/os-release', 'os-release'],
  // driver checks
  ['/etc/modprobe.d/nvidia-installer-disable-nouveau.conf', 'driver'],
  ['/proc/cmdline', 'driver'],
  // CRI-O: its config, the drop-ins it reads and the directory nvidia-ctk 1.18.0–1.19.0 wrote to by mistake,
  // and the OCI hooks through which OpenShift's GPU Operator injects the GPU.
  // CRI-O's registry mirrors (containers-registries.conf(5) and .d(5)).
  ['/etc/containers/registries.conf', 'registry-mirrors'],
  ['/etc/containers/registries.conf.d/*.conf', 'registry-mirrors'],
  ['/etc/crio/crio.conf', 'crio-config'],
  ['/etc/crio/crio.conf.d/*', 'crio-config'],
  ['/etc/crio/conf.d/*', 'crio-config'],
  ['/usr/share/containers/oci/hooks.d/*.json', 'oci-hooks'],
  ['/etc/containers/oci/hooks.d/*.json', 'oci-hooks'],
  ['/run/containers/oci/hooks.d/*.json', 'oci-hooks'],
];

/** Every host file a probe may copy (PROBE_FILE_ENTRIES' paths). */
export const PROBE_FILES: string[] = PROBE_FILE_ENTRIES.map(([path]) => path);

const FILE_PATTERNS = PROBE_FILE_ENTRIES.map(([glob, set]) => [globPattern(glob), set] as const);

/** The set a copied host file belongs to; undefined for a file the probe does not copy. */
export function probeFileSetOf(path: string): ProbeFileSet | undefined {
  return FILE_PATTERNS.find(([pattern]) => pattern.test(path))?.[1];
}

/** A probe glob as a pattern: `*` matches within one directory. */
export function globPattern(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
}

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
  '/etc/crio/crio.conf.d',
];

/** What one node probe runs and copies: the script (src/sources/node-probe/script.ts) is built from it. */
export interface ProbeSelection {
  /** Names of PROBE_COMMANDS to run, in any order (they run in PROBE_COMMANDS' order). */
  commands: readonly string[];
  /** Of PROBE_FILES, those to copy. */
  files: readonly string[];
  /** Of PROBE_DIRS, those whose existence is recorded. */
  dirs: readonly string[];
}

/** Everything the probe knows: `gpuctl collect`'s bundle for a person, `gpuctl install`'s own checks, tests. */
export const FULL_PROBE: ProbeSelection = { commands: PROBE_COMMANDS.map((c) => c.name), files: PROBE_FILES, dirs: PROBE_DIRS };
