// Parsers for what the host says about the NVIDIA driver: /proc/driver/nvidia/version, lsmod,
// `lspci -nn`, the /dev listing, apt holds and dpkg-query. Pure: text in, structure out.

// ---------------------------------------------------------------------------------------------
// /proc/driver/nvidia/version

export interface KernelModuleVersion {
  version: string;
  /** The open GPU kernel modules ("Open Kernel Module") or the proprietary ones. */
  flavor: 'open' | 'proprietary';
  arch?: string;
  /** The NVRM line as written. */
  line: string;
  gcc?: string;
}

/** Parses /proc/driver/nvidia/version; undefined when there is no NVRM version line. */
export function parseProcDriverVersion(text: string): KernelModuleVersion | undefined {
  const line = text.split('\n').find((l) => /^NVRM version:/.test(l.trim()));
  if (!line) return undefined;
  const version = /\s(\d+\.\d+(?:\.\d+)*)(?:\s|$)/.exec(line.replace(/^\s*NVRM version:/, ' '))?.[1];
  if (!version) return undefined;
  const arch = /\b(x86_64|aarch64|ppc64le|arm64)\b/.exec(line)?.[1];
  const gcc = text.split('\n').find((l) => /^GCC version:/.test(l.trim()));
  return {
    version,
    flavor: /Open Kernel Module/i.test(line) ? 'open' : 'proprietary',
    ...(arch ? { arch } : {}),
    line: line.trim().replace(/\s+/g, ' '),
    ...(gcc ? { gcc: gcc.trim().replace(/^GCC version:\s*/, '') } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// lsmod

export interface KernelModule {
  name: string;
  size: number;
  useCount: number;
  usedBy: string[];
  line: string;
}

export function parseLsmod(text: string): Map<string, KernelModule> {
  const modules = new Map<string, KernelModule>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const m = /^(\S+)\s+(\d+)\s+(-?\d+)(?:\s+(\S+))?/.exec(line);
    if (!m) continue; // the "Module Size Used by" header, blank lines
    modules.set(m[1]!, {
      name: m[1]!,
      size: Number(m[2]),
      useCount: Number(m[3]),
      usedBy: m[4] ? m[4].split(',').filter((s) => s && s !== '-') : [],
      line: line.replace(/\s+/g, ' '),
    });
  }
  return modules;
}

/** The NVIDIA kernel modules, in load order of importance. */
export const NVIDIA_MODULES = ['nvidia', 'nvidia_uvm', 'nvidia_modeset', 'nvidia_drm', 'nvidia_peermem'];

// ---------------------------------------------------------------------------------------------
// lspci -nn

export interface PciDevice {
  slot: string;
  classText: string;
  classId: string;
  description: string;
  vendorId: string;
  deviceId: string;
  line: string;
}

export const NVIDIA_VENDOR_ID = '10de';

/** Parses `lspci -nn` lines: `01:00.0 VGA compatible controller [0300]: NVIDIA Corporation … [10de:2204] (rev a1)`. */
export function parseLspci(text: string): PciDevice[] {
  const devices: PciDevice[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const m = /^(\S+)\s+(.+?)\s+\[([0-9a-f]{4})\]:\s+(.*)\s+\[([0-9a-f]{4}):([0-9a-f]{4})\](?:\s+\(rev [0-9a-f]+\))?\s*$/i.exec(line);
    if (!m) continue;
    devices.push({
      slot: m[1]!,
      classText: m[2]!,
      classId: m[3]!.toLowerCase(),
      description: m[4]!,
      vendorId: m[5]!.toLowerCase(),
      deviceId: m[6]!.toLowerCase(),
      line,
    });
  }
  return devices;
}

/** NVIDIA display-class devices (VGA 0300, 3D 0302, display 0380): GPUs, not their audio or USB functions. */
export function nvidiaGpus(devices: PciDevice[]): PciDevice[] {
  return devices.filter((d) => d.vendorId === NVIDIA_VENDOR_ID && d.classId.startsWith('03'));
}

// ---------------------------------------------------------------------------------------------
// ls -1 /dev | grep nvidia

export interface DeviceNodes {
  all: string[];
  /** /dev/nvidia0, /dev/nvidia1, … one per GPU. */
  gpus: string[];
  control: boolean;
  uvm: boolean;
}

export function parseDevNvidia(text: string): DeviceNodes {
  const all = text
    .split('\n')
    .map((l) => l.trim().replace(/^\/dev\//, ''))
    .filter((l) => /^nvidia/.test(l));
  return {
    all,
    gpus: all.filter((n) => /^nvidia\d+$/.test(n)),
    control: all.includes('nvidiactl'),
    uvm: all.includes('nvidia-uvm'),
  };
}

// ---------------------------------------------------------------------------------------------
// apt-mark showhold; dpkg-query -W -f='${Package} ${Version} ${Status}\n' '*nvidia*' 'unattended-upgrades'

export function parseAptHolds(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .map((l) => l.trim().replace(/:[a-z0-9]+$/, ''))
      .filter((l) => /^[a-z0-9][a-z0-9.+-]+$/.test(l)),
  );
}

export interface DpkgPackage {
  name: string;
  version: string;
  /** dpkg's selection: install, hold, deinstall, purge, unknown. */
  want: string;
  /** dpkg's state: installed, config-files, not-installed, half-installed… */
  state: string;
  installed: boolean;
  held: boolean;
}

export function parseDpkgQuery(text: string): { packages: DpkgPackage[]; notes: string[] } {
  const packages: DpkgPackage[] = [];
  const notes: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (/^dpkg-query:/.test(line)) {
      notes.push(line);
      continue;
    }
    // Version is empty for packages dpkg knows but never installed: "name  unknown ok not-installed".
    const m = /^(\S+)\s+(\S*)\s+(\S+)\s+(\S+)\s+(\S+)$/.exec(line) ?? /^(\S+)\s+()(\S+)\s+(\S+)\s+(\S+)$/.exec(line);
    if (!m) {
      notes.push(`line not understood: "${line.slice(0, 100)}"`);
      continue;
    }
    const [, name, version, want, , state] = m;
    packages.push({
      name: name!.replace(/:[a-z0-9]+$/, ''),
      version: version!,
      want: want!,
      state: state!,
      installed: state === 'installed',
      held: want === 'hold',
    });
  }
  return { packages, notes };
}

/** The upstream driver version inside a Debian package version: "535.154.05-0ubuntu0.22.04.1" → "535.154.05". */
export function upstreamDriverVersion(debianVersion: string): string | undefined {
  return /^(?:\d+:)?(\d{3}\.\d+(?:\.\d+)?)/.exec(debianVersion)?.[1];
}

/**
 * NVIDIA driver packages among the dpkg list: every package with "nvidia" in its name except the
 * container toolkit (not the driver, upgraded on its own), kernel-flavour packages (they follow
 * the kernel; holding them blocks kernel updates) and desktop tools.
 */
const NOT_DRIVER_PACKAGES = [/^(lib)?nvidia-container/, /^nvidia-docker/, /^linux-/, /^nvidia-prime$/, /^nvidia-settings$/, /^screen-resolution-extra$/];

export function isDriverPackage(name: string): boolean {
  return /nvidia/.test(name) && !NOT_DRIVER_PACKAGES.some((p) => p.test(name));
}
