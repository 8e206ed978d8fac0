// containerd's plugin ids per config version, the migration containerd 2.x applies to older files,
// and what the CRI plugin's section says: runtimes, the default runtime, registry settings.
//
// Version 1 names plugins by short id (`cri`), 2 by URI (`io.containerd.grpc.v1.cri`); containerd 1.x
// rejects short ids in a version ≥2 config and ignores URIs in a version 1 config. Version 3
// (containerd 2.x) moves runtimes to `io.containerd.cri.v1.runtime` and registries to
// `io.containerd.cri.v1.images`; containerd 2.x migrates older files, containerd 1.x does not know
// those ids. A `runtimes` table replaces the built-in `runc` entry in 1.x.
import { pushAll } from '../../bounded.js';
import type { TomlTable } from '../toml.js';
import { isTable } from '../toml.js';
import type { RuntimeEntry } from './runtimes.js';

export const CRI_V2 = 'io.containerd.grpc.v1.cri';
export const CRI_RUNTIME_V3 = 'io.containerd.cri.v1.runtime';
export const CRI_IMAGES_V3 = 'io.containerd.cri.v1.images';

/** containerd 2.x's v1 → v2 plugin renames (cmd/containerd/server/config, v1MigratePluginName). */
const V1_PLUGIN_IDS: Record<string, string> = {
  cri: CRI_V2,
  cgroups: 'io.containerd.monitor.v1.cgroups',
  linux: 'io.containerd.runtime.v1.linux',
  scheduler: 'io.containerd.gc.v1.scheduler',
  bolt: 'io.containerd.metadata.v1.bolt',
  task: 'io.containerd.runtime.v2.task',
  opt: 'io.containerd.internal.v1.opt',
  restart: 'io.containerd.internal.v1.restart',
  tracing: 'io.containerd.internal.v1.tracing',
  otlp: 'io.containerd.tracing.processor.v1.otlp',
  aufs: 'io.containerd.snapshotter.v1.aufs',
  btrfs: 'io.containerd.snapshotter.v1.btrfs',
  devmapper: 'io.containerd.snapshotter.v1.devmapper',
  native: 'io.containerd.snapshotter.v1.native',
  overlayfs: 'io.containerd.snapshotter.v1.overlayfs',
  zfs: 'io.containerd.snapshotter.v1.zfs',
};

function v1PluginUri(id: string): string {
  if (id.includes('.')) return id;
  if (V1_PLUGIN_IDS[id]) return V1_PLUGIN_IDS[id]!;
  if (id.endsWith('-service')) return `io.containerd.service.v1.${id}`;
  return `io.containerd.grpc.v1.${id}`;
}

/** containerd 2.x reads every file as version 3: rename v1 ids, move the CRI plugin's config. */
export function migrateToV3(plugins: TomlTable, version: number): TomlTable {
  if (version >= 3) return plugins;
  let out: TomlTable = plugins;
  if (version <= 1) {
    out = {};
    for (const [id, value] of Object.entries(plugins)) out[v1PluginUri(id)] = value;
  }
  const cri = out[CRI_V2];
  if (isTable(cri)) {
    // plugins/cri/runtime: the whole v2 CRI section becomes the runtime plugin's config.
    out = { ...out, [CRI_RUNTIME_V3]: cri };
    // plugins/cri/images: registry settings move to the image plugin.
    if (isTable(cri.registry)) {
      const images = isTable(out[CRI_IMAGES_V3]) ? (out[CRI_IMAGES_V3] as TomlTable) : {};
      out[CRI_IMAGES_V3] = { ...images, registry: cri.registry };
    }
  }
  return out;
}

export function toInt(value: unknown): number {
  if (typeof value === 'bigint') return Number(value);
  return typeof value === 'number' && Number.isInteger(value) ? value : 0;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The runtimes of a `containerd.runtimes` table. */
export function runtimeEntries(runtimes: unknown, definedIn: (name: string) => string): RuntimeEntry[] {
  if (!isTable(runtimes)) return [];
  return Object.entries(runtimes)
    .filter(([, value]) => isTable(value))
    .map(([name, value]) => {
      const r = value as TomlTable;
      const options = isTable(r.options) ? r.options : {};
      const binary = [options.BinaryName, r.runtime_engine, options.Runtime].find((v): v is string => typeof v === 'string' && v !== '');
      return {
        name,
        ...(typeof r.runtime_type === 'string' && r.runtime_type ? { type: r.runtime_type } : {}),
        ...(binary ? { binary } : {}),
        definedIn: definedIn(name),
      };
    });
}

const BUILTIN_RUNC: RuntimeEntry = { name: 'runc', type: 'io.containerd.runc.v2', definedIn: 'built-in' };

export interface CriView {
  runtimes: RuntimeEntry[];
  defaultRuntime: string;
  configPath?: string;
  mirrors: Record<string, string[]>;
}

/** Reads runtimes, default runtime and registry settings out of merged plugin tables. */
export function criView(
  plugins: TomlTable,
  runtimePlugin: string,
  imagesPlugin: string,
  /** Built-in runc: 1.x drops it when a `runtimes` table exists, 2.x keeps it, a dump already lists it. */
  builtinRunc: 'unless-runtimes-table' | 'always' | 'as-listed',
  definedIn: (name: string) => string,
): CriView {
  const cri = isTable(plugins[runtimePlugin]) ? (plugins[runtimePlugin] as TomlTable) : {};
  const containerd = isTable(cri.containerd) ? cri.containerd : {};
  let runtimes = runtimeEntries(containerd.runtimes, definedIn);
  if (builtinRunc === 'always' || (builtinRunc === 'unless-runtimes-table' && !isTable(containerd.runtimes))) {
    if (!runtimes.some((r) => r.name === 'runc')) runtimes = [BUILTIN_RUNC, ...runtimes];
  }
  let defaultRuntime = typeof containerd.default_runtime_name === 'string' && containerd.default_runtime_name ? containerd.default_runtime_name : 'runc';
  // containerd 1.x: a legacy `default_runtime` section with a type becomes runtime "default".
  const legacy = isTable(containerd.default_runtime) ? containerd.default_runtime : undefined;
  if (legacy && typeof legacy.runtime_type === 'string' && legacy.runtime_type) {
    runtimes = [...runtimes.filter((r) => r.name !== 'default'), ...runtimeEntries({ default: legacy }, definedIn)];
    defaultRuntime = 'default';
  }
  const images = isTable(plugins[imagesPlugin]) ? (plugins[imagesPlugin] as TomlTable) : {};
  const registry = isTable(images.registry) ? images.registry : {};
  const configPath = typeof registry.config_path === 'string' && registry.config_path ? registry.config_path : undefined;
  const mirrors: Record<string, string[]> = {};
  if (isTable(registry.mirrors)) {
    for (const [host, mirror] of Object.entries(registry.mirrors)) {
      if (isTable(mirror)) mirrors[host] = strings(mirror.endpoint);
    }
  }
  return { runtimes, defaultRuntime, ...(configPath ? { configPath } : {}), mirrors };
}

/** Runtimes a config file's text would add (any config version), whether or not containerd reads it. */
export function runtimesInTable(table: TomlTable, file: string): RuntimeEntry[] {
  const plugins = isTable(table.plugins) ? table.plugins : {};
  const out: RuntimeEntry[] = [];
  for (const id of [CRI_RUNTIME_V3, CRI_V2, 'cri']) {
    const cri = plugins[id];
    if (isTable(cri) && isTable(cri.containerd)) pushAll(out, runtimeEntries(cri.containerd.runtimes, () => file));
  }
  return out;
}
