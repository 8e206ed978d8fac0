// What is on this node already: read-only probes and files. Probe results are cached until refresh().
import { nvidiaPciLines } from '../facts/gpu.js';
import type { Exec } from './exec.js';
import { globHostFiles, hostExists, hostPath, readHostFile } from './host-files.js';
import { osInfo, type OsInfo } from './os.js';
import { ALL_RUNTIME_UNITS, RUNTIME_TARGETS, templateFor, type RuntimeKind, type RuntimeTarget } from './runtime-targets.js';

export const DPKG_FRONTEND_LOCK = '/var/lib/dpkg/lock-frontend';
export const TOOLKIT_PACKAGE = 'nvidia-container-toolkit';
/** Keys DKMS signs modules with: Ubuntu (update-secureboot-policy) and Debian 12 (dkms). */
export const MOK_KEYS = ['/var/lib/shim-signed/mok/MOK.der', '/var/lib/dkms/mok.pub'];
const MODPROBE_DIRS = ['/etc/modprobe.d', '/lib/modprobe.d', '/usr/lib/modprobe.d'];

export interface DriverState {
  installed: boolean;
  /** Driver version the kernel runs (/proc/driver/nvidia/version) or nvidia-smi reports. */
  version?: string;
  loaded: boolean;
  packages: string[];
  evidence: string[];
}

export interface RuntimeChoice {
  target?: RuntimeTarget;
  evidence: string;
}

/** The seed's rule for packages to hold: every installed nvidia package that carries the branch number. */
export function isDriverPackage(name: string): boolean {
  return /nvidia.*-\d+(-server)?(-open)?$/.test(name) || /^(nvidia-driver|nvidia-kernel-dkms|nvidia-kernel-open-dkms|cuda-drivers)$/.test(name);
}

export function parseDriverVersionFile(text: string | undefined): string | undefined {
  return /Kernel Module(?:\s+for\s+\S+)?\s+(\d+\.\d+(?:\.\d+)?)/.exec(text ?? '')?.[1];
}

export class HostFacts {
  constructor(
    private readonly root: string,
    private readonly exec: Exec,
  ) {}

  async os(): Promise<OsInfo> {
    return osInfo(await readHostFile(this.root, '/etc/os-release'));
  }

  /** `lspci -nn` lines of NVIDIA devices (vendor 10de). */
  async nvidiaDevices(): Promise<{ lines: string[]; problem?: string; lspciMissing?: boolean }> {
    const r = await this.exec.probe(['lspci', '-nn']);
    if (r.missing) return { lines: [], problem: 'lspci is not installed (apt-get install pciutils / dnf install pciutils)', lspciMissing: true };
    if (r.exitCode !== 0) return { lines: [], problem: `lspci -nn failed (exit ${r.exitCode}): ${r.stderr.trim()}` };
    return { lines: nvidiaPciLines(r.stdout).map((l) => l.trim()) };
  }

  /** nouveau in /proc/modules (what lsmod prints), and a blacklist file if one exists. */
  async nouveau(): Promise<{ loaded: boolean; line?: string; blacklist?: string }> {
    const modules = (await readHostFile(this.root, '/proc/modules')) ?? '';
    const line = modules.split('\n').find((l) => l.startsWith('nouveau '));
    let blacklist: string | undefined;
    for (const dir of MODPROBE_DIRS) {
      for (const file of await globHostFiles(this.root, `${dir}/*.conf`)) {
        if (/^\s*blacklist\s+nouveau\b/m.test((await readHostFile(this.root, file)) ?? '')) blacklist ??= file;
      }
    }
    return { loaded: !!line, ...(line ? { line: line.trim() } : {}), ...(blacklist ? { blacklist } : {}) };
  }

  /** Installed packages → version (dpkg-query on Debian/Ubuntu, rpm on RHEL). */
  async packages(): Promise<Map<string, string>> {
    const os = await this.os();
    const out = new Map<string, string>();
    if (os.family === 'rhel') {
      const r = await this.exec.probe(['rpm', '-qa', '--qf', '%{NAME}\\t%{VERSION}-%{RELEASE}\\n']);
      for (const line of r.exitCode === 0 ? r.stdout.split('\n') : []) {
        const [name, version] = line.split('\t');
        if (name && version) out.set(name, version);
      }
      return out;
    }
    const r = await this.exec.probe(['dpkg-query', '-W', '-f=${Package}\\t${Version}\\t${db:Status-Abbrev}\\n']);
    for (const line of r.exitCode === 0 ? r.stdout.split('\n') : []) {
      const [name, version, status] = line.split('\t');
      // The second letter of the status is the current state: i = installed.
      if (name && version && status?.[1] === 'i') out.set(name, version);
    }
    return out;
  }

  async holds(): Promise<Set<string>> {
    const r = await this.exec.probe(['apt-mark', 'showhold']);
    return new Set(r.exitCode === 0 ? r.stdout.split('\n').map((s) => s.trim()).filter(Boolean) : []);
  }

  async driver(): Promise<DriverState> {
    const evidence: string[] = [];
    const pkgs = await this.packages();
    const packages = [...pkgs.keys()].filter((n) => /^(nvidia-driver(-\d+.*)?|cuda-drivers.*|kmod-nvidia.*)$/.test(n)).sort();
    for (const p of packages) evidence.push(`package ${p} ${pkgs.get(p)}`);
    const loadedVersion = parseDriverVersionFile(await readHostFile(this.root, '/proc/driver/nvidia/version'));
    if (loadedVersion) evidence.push(`/proc/driver/nvidia/version: kernel module ${loadedVersion}`);
    const smi = await this.exec.probe(['nvidia-smi', '--query-gpu=driver_version', '--format=csv,noheader']);
    const smiVersion = smi.exitCode === 0 ? smi.stdout.split('\n')[0]?.trim() || undefined : undefined;
    if (smiVersion) evidence.push(`nvidia-smi: driver ${smiVersion}`);
    else if (packages.length && !loadedVersion) evidence.push('the kernel module is not loaded yet (reboot)');
    else if (!packages.length && !smi.missing) evidence.push(`nvidia-smi: ${firstLine(smi.stdout + '\n' + smi.stderr) || `exit ${smi.exitCode}`}`);
    const version = loadedVersion ?? smiVersion;
    return { installed: !!version || packages.length > 0, ...(version ? { version } : {}), loaded: !!loadedVersion, packages, evidence };
  }

  async toolkit(): Promise<{ installed: boolean; version?: string }> {
    const version = (await this.packages()).get(TOOLKIT_PACKAGE);
    return { installed: !!version, ...(version ? { version } : {}) };
  }

  /** `mokutil --sb-state`: "SecureBoot enabled" / "SecureBoot disabled" / no EFI. */
  async secureBoot(): Promise<{ state: 'enabled' | 'disabled' | 'unknown'; evidence: string }> {
    const r = await this.exec.probe(['mokutil', '--sb-state']);
    const text = `${r.stdout}\n${r.stderr}`.trim();
    if (r.missing) return { state: 'unknown', evidence: 'mokutil is not installed' };
    if (/SecureBoot enabled/i.test(text)) return { state: 'enabled', evidence: `mokutil --sb-state: ${firstLine(text)}` };
    if (/SecureBoot disabled|not supported/i.test(text)) return { state: 'disabled', evidence: `mokutil --sb-state: ${firstLine(text)}` };
    return { state: 'unknown', evidence: `mokutil --sb-state: ${firstLine(text) || `exit ${r.exitCode}`}` };
  }

  /** A Machine Owner Key DKMS signs with, and whether the firmware has it enrolled. */
  async mok(): Promise<{ key?: string; enrolled: boolean; evidence: string }> {
    for (const key of MOK_KEYS) {
      if (!(await hostExists(this.root, key))) continue;
      const r = await this.exec.probe(['mokutil', '--test-key', hostPath(this.root, key)]);
      const text = `${r.stdout}\n${r.stderr}`.trim();
      return { key, enrolled: /already enrolled/i.test(text), evidence: `mokutil --test-key ${key}: ${firstLine(text)}` };
    }
    return { enrolled: false, evidence: `no MOK key (${MOK_KEYS.join(', ')})` };
  }

  /** Another process holding the dpkg frontend lock (unattended-upgrades, another apt). */
  async aptLock(): Promise<{ pid: string; process?: string } | undefined> {
    const r = await this.exec.probe(['fuser', hostPath(this.root, DPKG_FRONTEND_LOCK)]);
    if (r.missing || r.exitCode !== 0) return undefined;
    const pid = r.stdout.trim().split(/\s+/)[0]?.replace(/\D+$/, '');
    if (!pid) return undefined;
    const comm = (await readHostFile(this.root, `/proc/${pid}/comm`))?.trim();
    return { pid, ...(comm ? { process: comm } : {}) };
  }

  /** `systemctl is-active` of every runtime unit, one answer a line in argument order. */
  async units(): Promise<Map<string, string>> {
    const r = await this.exec.probe(['systemctl', 'is-active', ...ALL_RUNTIME_UNITS]);
    const states = r.missing ? [] : r.stdout.split('\n').map((s) => s.trim());
    return new Map(ALL_RUNTIME_UNITS.map((u, i) => [u, states[i] || 'unknown']));
  }

  async runtime(requested: 'auto' | RuntimeKind): Promise<RuntimeChoice> {
    const resolve = async (kind: RuntimeKind) => {
      const target = RUNTIME_TARGETS[kind];
      return target.seedFrom ? templateFor(target, await readHostFile(this.root, target.seedFrom)) : target;
    };
    if (requested !== 'auto') return { target: await resolve(requested), evidence: `--runtime ${requested}` };
    const units = await this.units();
    const order: RuntimeKind[] = ['k3s', 'rke2', 'containerd', 'docker'];
    for (const kind of order) {
      const active = RUNTIME_TARGETS[kind].units.find((u) => units.get(u) === 'active');
      if (active) return { target: await resolve(kind), evidence: `systemctl is-active ${active}: active` };
    }
    for (const kind of order) {
      for (const marker of RUNTIME_TARGETS[kind].markers) {
        if (await hostExists(this.root, marker)) return { target: await resolve(kind), evidence: `${marker} exists (no runtime unit is active)` };
      }
    }
    return { evidence: `no runtime unit is active (${ALL_RUNTIME_UNITS.join(', ')}) and none of their directories exists` };
  }

  /** The unit to restart for a runtime: the active one, else the first. */
  async unitFor(target: RuntimeTarget): Promise<string> {
    const units = await this.units();
    return target.units.find((u) => units.get(u) === 'active') ?? target.units.find((u) => units.get(u) !== 'unknown' && units.get(u) !== 'inactive') ?? target.units[0]!;
  }
}

export function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).find(Boolean) ?? '';
}
