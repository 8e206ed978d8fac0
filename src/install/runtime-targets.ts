// The container runtimes a node may run, as data: which file nvidia-ctk edits and which unit to restart.
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { globHostFiles, readHostFile } from './host-files.js';

export type RuntimeKind = 'containerd' | 'docker' | 'k3s' | 'rke2';
export const RUNTIME_KINDS: RuntimeKind[] = ['containerd', 'docker', 'k3s', 'rke2'];

export interface RuntimeTarget {
  kind: RuntimeKind;
  title: string;
  /** The file nvidia-ctk edits (host view, without the root). */
  configPath: string;
  format: 'toml' | 'json';
  ctkRuntime: 'containerd' | 'docker';
  /** k3s/RKE2 render config.toml from a template: the template starts as a copy of the rendered file. */
  seedFrom?: string;
  /** systemd units that run it; the active one is restarted. */
  units: string[];
  /** Directories whose existence shows the runtime is installed. */
  markers: string[];
}

const K3S_DIR = '/var/lib/rancher/k3s/agent/etc/containerd';
const RKE2_DIR = '/var/lib/rancher/rke2/agent/etc/containerd';

export const RUNTIME_TARGETS: Record<RuntimeKind, RuntimeTarget> = {
  // k3s and RKE2 come first: they embed their own containerd and a host containerd unit may exist beside them.
  k3s: {
    kind: 'k3s',
    title: 'k3s (embedded containerd)',
    configPath: `${K3S_DIR}/config.toml.tmpl`,
    format: 'toml',
    ctkRuntime: 'containerd',
    seedFrom: `${K3S_DIR}/config.toml`,
    units: ['k3s', 'k3s-agent'],
    markers: ['/var/lib/rancher/k3s/agent'],
  },
  rke2: {
    kind: 'rke2',
    title: 'RKE2 (embedded containerd)',
    configPath: `${RKE2_DIR}/config.toml.tmpl`,
    format: 'toml',
    ctkRuntime: 'containerd',
    seedFrom: `${RKE2_DIR}/config.toml`,
    units: ['rke2-server', 'rke2-agent'],
    markers: ['/var/lib/rancher/rke2/agent'],
  },
  containerd: {
    kind: 'containerd',
    title: 'containerd',
    configPath: '/etc/containerd/config.toml',
    format: 'toml',
    ctkRuntime: 'containerd',
    units: ['containerd'],
    markers: ['/etc/containerd'],
  },
  docker: {
    kind: 'docker',
    title: 'Docker',
    configPath: '/etc/docker/daemon.json',
    format: 'json',
    ctkRuntime: 'docker',
    units: ['docker'],
    markers: ['/etc/docker'],
  },
};

/** Every unit whose state decides the runtime (one `systemctl is-active` call). */
export const ALL_RUNTIME_UNITS = [...new Set(Object.values(RUNTIME_TARGETS).flatMap((t) => t.units))];

/** k3s with containerd 2 renders a version 3 config and reads config-v3.toml.tmpl instead. */
export function templateFor(target: RuntimeTarget, renderedText: string | undefined): RuntimeTarget {
  if (!target.seedFrom || !/^\s*version\s*=\s*3\b/m.test(renderedText ?? '')) return target;
  return { ...target, configPath: path.join(path.dirname(target.configPath), 'config-v3.toml.tmpl') };
}

export interface ConfigState {
  exists: boolean;
  /** The file (or one it imports) does not parse: gpuctl never overwrites it. */
  parseError?: { path: string; message: string };
  /** Where the nvidia runtime is defined, e.g. the table name; undefined when absent. */
  nvidia?: string;
}

// The runtimes table of the CRI plugin in config versions 1, 2 and 3.
const RUNTIME_TABLES: string[][] = [
  ['plugins', 'io.containerd.grpc.v1.cri', 'containerd', 'runtimes'],
  ['plugins', 'io.containerd.cri.v1.runtime', 'containerd', 'runtimes'],
  ['plugins', 'cri', 'containerd', 'runtimes'],
];

function dig(obj: unknown, keys: string[]): unknown {
  let cur = obj;
  for (const k of keys) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** The nvidia runtime in one parsed containerd config: its table, when it runs nvidia-container-runtime. */
export function nvidiaRuntimeIn(config: unknown): string | undefined {
  for (const table of RUNTIME_TABLES) {
    const runtimes = dig(config, table) as Record<string, unknown> | undefined;
    if (!runtimes || typeof runtimes !== 'object') continue;
    for (const [name, rt] of Object.entries(runtimes)) {
      const binary = String(dig(rt, ['options', 'BinaryName']) ?? dig(rt, ['runtime_engine']) ?? '');
      if (/nvidia-container-runtime/.test(binary)) return `[${table.map(tomlKey).join('.')}.${tomlKey(name)}]`;
    }
  }
  return undefined;
}

function tomlKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : `"${k}"`;
}

export function parseTomlText(text: string): { value?: unknown; error?: string } {
  try {
    return { value: parseToml(text) };
  } catch (err) {
    return { error: (err as Error).message.split('\n')[0]!.trim() };
  }
}

/** Reads a containerd config and the files it imports; says where the nvidia runtime is, or why it cannot tell. */
export async function inspectContainerdConfig(root: string, file: string): Promise<ConfigState> {
  const text = await readHostFile(root, file);
  if (text === undefined) return { exists: false };
  const parsed = parseTomlText(text);
  if (parsed.error) return { exists: true, parseError: { path: file, message: parsed.error } };
  const own = nvidiaRuntimeIn(parsed.value);
  if (own) return { exists: true, nvidia: `${own} in ${file}` };
  const imports = (parsed.value as { imports?: unknown }).imports;
  for (const pattern of Array.isArray(imports) ? imports.map(String) : []) {
    const absolute = path.isAbsolute(pattern) ? pattern : path.join(path.dirname(file), pattern);
    for (const dropIn of await globHostFiles(root, absolute)) {
      const dropText = (await readHostFile(root, dropIn)) ?? '';
      const drop = parseTomlText(dropText);
      if (drop.error) return { exists: true, parseError: { path: dropIn, message: drop.error } };
      const found = nvidiaRuntimeIn(drop.value);
      if (found) return { exists: true, nvidia: `${found} in ${dropIn} (imported by ${file})` };
    }
  }
  return { exists: true };
}

export async function inspectDockerConfig(root: string, file: string): Promise<ConfigState> {
  const text = await readHostFile(root, file);
  if (text === undefined) return { exists: false };
  if (!text.trim()) return { exists: true };
  try {
    const config = JSON.parse(text) as { runtimes?: Record<string, { path?: string }> };
    const entry = Object.entries(config.runtimes ?? {}).find(([, rt]) => /nvidia-container-runtime/.test(rt?.path ?? ''));
    return { exists: true, ...(entry ? { nvidia: `"runtimes"."${entry[0]}" in ${file}` } : {}) };
  } catch (err) {
    return { exists: true, parseError: { path: file, message: (err as Error).message } };
  }
}

export function inspectConfig(root: string, target: RuntimeTarget): Promise<ConfigState> {
  return target.format === 'json' ? inspectDockerConfig(root, target.configPath) : inspectContainerdConfig(root, target.configPath);
}
