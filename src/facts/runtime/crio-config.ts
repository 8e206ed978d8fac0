// CRI-O's effective config: /etc/crio/crio.conf with the drop-ins of /etc/crio/crio.conf.d merged over
// it in name order (cri-o/cri-o pkg/config: CrioConfigPath, CrioConfigDropInPath), the runtime handlers
// it defines, its default runtime, and the OCI hooks that inject the GPU without a handler (OpenShift's
// GPU Operator: oci-nvidia-hook.json).
import type { NodeHost } from '../../collection/collection.js';
import { isTable, mergeTables, parseToml, type TomlTable } from '../toml.js';
import type { ConfigProblem } from './containerd-problems.js';
import { unparsable } from './containerd-problems.js';
import type { UnusedConfig } from './containerd-config.js';
import type { RuntimeEntry } from './runtimes.js';
import { isNvidiaRuntime } from './runtimes.js';

export const CRIO_CONFIG = '/etc/crio/crio.conf';
export const CRIO_DROP_IN_DIR = '/etc/crio/crio.conf.d';
/** Where nvidia-ctk 1.18.0–1.19.0 wrote its CRI-O drop-in by default; CRI-O never reads it (fixed in 1.19.1). */
const STRAY_DROP_IN_DIRS = ['/etc/crio/conf.d'];
/** CRI-O's default hooks_dir, and the runtime directory OpenShift's operator writes hooks to. */
const DEFAULT_HOOK_DIRS = ['/usr/share/containers/oci/hooks.d', '/etc/containers/oci/hooks.d', '/run/containers/oci/hooks.d'];
const NVIDIA_HOOK = /nvidia-container-(?:runtime-)?(?:hook|toolkit)/;

export interface CrioConfig {
  engine: 'cri-o';
  mainFile: string;
  /** Files merged, in load order. */
  files: string[];
  runtimes: RuntimeEntry[];
  defaultRuntime: string;
  /** OCI hook files that run the NVIDIA hook for GPU containers, whatever the handler. */
  nvidiaHooks: string[];
  problems: ConfigProblem[];
  unused: UnusedConfig[];
  notes: string[];
}

function runtimesOf(table: TomlTable, file: (name: string) => string): RuntimeEntry[] {
  const runtimes = (((table.crio as TomlTable | undefined)?.runtime as TomlTable | undefined)?.runtimes ?? {}) as TomlTable;
  return Object.entries(runtimes)
    .filter(([, v]) => isTable(v))
    .map(([name, v]) => {
      const t = v as TomlTable;
      return {
        name,
        ...(typeof t.runtime_type === 'string' ? { type: t.runtime_type } : {}),
        ...(typeof t.runtime_path === 'string' && t.runtime_path ? { binary: t.runtime_path } : {}),
        definedIn: file(name),
      };
    });
}

function filesIn(host: NodeHost, dir: string): string[] {
  return [...host.files.keys()].filter((f) => f.startsWith(`${dir}/`)).sort();
}

/** CRI-O's config on a node, or undefined when no CRI-O file was collected. */
export function readCrioConfig(host: NodeHost | undefined): CrioConfig | undefined {
  if (!host) return undefined;
  const dropIns = filesIn(host, CRIO_DROP_IN_DIR);
  if (!host.files.has(CRIO_CONFIG) && dropIns.length === 0) return undefined;
  const config: CrioConfig = { engine: 'cri-o', mainFile: CRIO_CONFIG, files: [], runtimes: [], defaultRuntime: 'crun', nvidiaHooks: [], problems: [], unused: [], notes: [] };
  let merged: TomlTable = {};
  const definedIn = new Map<string, string>();
  for (const file of [CRIO_CONFIG, ...dropIns].filter((f) => host.files.has(f))) {
    const parsed = parseToml(host.files.get(file)!);
    if (!parsed.table) {
      config.problems.push(unparsable(file, parsed.problem));
      continue;
    }
    config.files.push(file);
    for (const r of runtimesOf(parsed.table, () => file)) definedIn.set(r.name, file);
    merged = mergeTables(merged, parsed.table);
  }
  config.runtimes = runtimesOf(merged, (name) => definedIn.get(name) ?? CRIO_CONFIG);
  const runtimeTable = ((merged.crio as TomlTable | undefined)?.runtime ?? {}) as TomlTable;
  if (typeof runtimeTable.default_runtime === 'string' && runtimeTable.default_runtime) {
    config.defaultRuntime = runtimeTable.default_runtime;
  } else {
    // Unset: CRI-O ≥ 1.28 defaults to crun, older releases to runc; the table that exists tells.
    config.defaultRuntime = config.runtimes.some((r) => r.name === 'crun') || !config.runtimes.some((r) => r.name === 'runc') ? 'crun' : 'runc';
    config.notes.push(`default_runtime is not set: taken as ${config.defaultRuntime}`);
  }
  if (!config.runtimes.some((r) => r.name === config.defaultRuntime)) {
    // CRI-O adds its default runtime itself when no table names it.
    config.runtimes.unshift({ name: config.defaultRuntime, definedIn: 'built-in' });
  }
  const hookDirs = [...new Set([...(Array.isArray(runtimeTable.hooks_dir) ? runtimeTable.hooks_dir.filter((d): d is string => typeof d === 'string') : []), ...DEFAULT_HOOK_DIRS])];
  for (const dir of hookDirs) {
    for (const file of [...host.files.keys()].filter((f) => f.startsWith(`${dir}/`) && f.endsWith('.json'))) {
      if (NVIDIA_HOOK.test(host.files.get(file) ?? '')) config.nvidiaHooks.push(file);
    }
  }
  for (const dir of STRAY_DROP_IN_DIRS) {
    for (const file of [...host.files.keys()].filter((f) => f.startsWith(`${dir}/`)).sort()) {
      const parsed = parseToml(host.files.get(file)!);
      const runtimes = parsed.table ? runtimesOf(parsed.table, () => file) : [];
      config.unused.push({ file, why: `CRI-O reads drop-ins from ${CRIO_DROP_IN_DIR}, not ${dir}`, runtimes });
    }
  }
  return config;
}

/** CRI-O gives GPU containers the driver through the NVIDIA runtime or through the NVIDIA OCI hook. */
export function crioInjectsGpu(config: CrioConfig): boolean {
  return config.nvidiaHooks.length > 0 || config.runtimes.some(isNvidiaRuntime);
}
