// The container runtimes a node may run, as data: which file nvidia-ctk edits and which unit to restart;
// and what their configs say now, read through the doctor's own readers (src/facts/runtime/).
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { readContainerdConfig } from '../facts/runtime/containerd-config.js';
import type { ContainerdFlavor } from '../facts/runtime/containerd-paths.js';
import { CONTAINERD_DUMP_COMMAND } from '../facts/runtime/containerd-paths.js';
import { CRI_RUNTIME_V3, CRI_V2, runtimeEntries } from '../facts/runtime/containerd-plugins.js';
import { DOCKER_DAEMON_JSON, readDockerConfig } from '../facts/runtime/docker-config.js';
import { isTable, parseToml } from '../facts/toml.js';
import type { NodeHost } from '../collection/collection.js';
import { globHostFiles, hostPath, readHostFile } from './host-files.js';

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

// The runtimes table of the CRI plugin in config versions 2, 3 and 1.
const RUNTIME_PLUGINS = [CRI_V2, CRI_RUNTIME_V3, 'cri'];
const NVIDIA_CONTAINER_RUNTIME = /nvidia-container-runtime/;

/** The nvidia runtime in one parsed containerd config: its table, when it runs nvidia-container-runtime. */
export function nvidiaRuntimeIn(config: unknown): string | undefined {
  const plugins = isTable(config) && isTable(config.plugins) ? config.plugins : {};
  for (const plugin of RUNTIME_PLUGINS) {
    const cri = plugins[plugin];
    const runtimes = isTable(cri) && isTable(cri.containerd) ? cri.containerd.runtimes : undefined;
    const nvidia = runtimeEntries(runtimes, () => '').find((r) => NVIDIA_CONTAINER_RUNTIME.test(r.binary ?? ''));
    if (nvidia) return `[${['plugins', plugin, 'containerd', 'runtimes', nvidia.name].map(tomlKey).join('.')}]`;
  }
  return undefined;
}

function tomlKey(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : `"${k}"`;
}

export function parseTomlText(text: string): { value?: unknown; error?: string } {
  const parsed = parseToml(text);
  return parsed.problem ? { error: parsed.problem.message } : { value: parsed.table };
}

/** The containerd flavor whose rules (drop-in directories, templates) apply to a target. */
const FLAVOR: Record<Exclude<RuntimeKind, 'docker'>, ContainerdFlavor> = { containerd: 'containerd', k3s: 'k3s', rke2: 'rke2' };

/**
 * The host files a containerd config brings with it: the file, what its `imports` name (globs listed
 * against both the config's directory and /, as containerd 2.x and 1.x resolve a relative pattern), and
 * theirs. The doctor's reader then decides which of them containerd loads.
 */
async function containerdFiles(root: string, file: string): Promise<NodeHost> {
  const host: NodeHost = { files: new Map(), dirs: new Set(), commands: new Map() };
  const pending = [file];
  while (pending.length && host.files.size < MAX_CONFIG_FILES) {
    const next = pending.shift()!;
    if (host.files.has(next)) continue;
    const text = await readHostFile(root, next);
    if (text === undefined) continue;
    host.files.set(next, text);
    const imports = parseToml(text).table?.imports;
    for (const entry of Array.isArray(imports) ? imports.filter((i): i is string => typeof i === 'string') : []) {
      const candidates = path.isAbsolute(entry) ? [entry] : [path.join(path.dirname(next), entry), path.join('/', entry)];
      for (const candidate of candidates) pending.push(...(await globHostFiles(root, candidate)));
    }
  }
  return host;
}

const MAX_CONFIG_FILES = 64;

function located(file: string, main: string): string {
  return file === main ? file : `${file} (imported by ${main})`;
}

/** Reads a containerd config and the files it imports as the doctor does; says where the nvidia runtime is, or why it cannot tell. */
export async function inspectContainerdConfig(root: string, file: string, flavor: ContainerdFlavor = 'containerd'): Promise<ConfigState> {
  const host = await containerdFiles(root, file);
  if (!host.files.has(file)) return { exists: false };
  const config = readContainerdConfig(host, {}, { flavor, mainFile: file });
  const unreadable = config?.problems.find((p) => p.fatal && UNREADABLE.has(p.kind));
  if (unreadable) return { exists: true, parseError: { path: unreadable.file, message: unreadable.message } };
  const nvidia = config?.runtimes.find((r) => NVIDIA_CONTAINER_RUNTIME.test(r.binary ?? ''));
  if (!nvidia) return { exists: true };
  const table = nvidiaRuntimeIn(parseToml(host.files.get(nvidia.definedIn) ?? '').table);
  return { exists: true, nvidia: `${table ?? `runtime "${nvidia.name}"`} in ${located(nvidia.definedIn, file)}` };
}

/** Problems that mean the file cannot be read at all (the others containerd may still start with). */
const UNREADABLE = new Set(['parse', 'duplicate-table']);

/** The nvidia runtime in the output of `containerd config dump`, read as the doctor reads a dump. */
export function nvidiaRuntimeInDump(stdout: string): string | undefined {
  const host: NodeHost = { files: new Map(), dirs: new Set(), commands: new Map([[CONTAINERD_DUMP_COMMAND, { stdout, exitCode: 0 }]]) };
  const config = readContainerdConfig(host, {}, { flavor: 'containerd' });
  return config?.source === 'dump' && config.runtimes.some((r) => NVIDIA_CONTAINER_RUNTIME.test(r.binary ?? '')) ? nvidiaRuntimeIn(parseToml(stdout).table) : undefined;
}

export async function inspectDockerConfig(root: string, file: string): Promise<ConfigState> {
  const text = await readHostFile(root, file);
  if (text === undefined) return { exists: false };
  const config = readDockerConfig({ files: new Map([[DOCKER_DAEMON_JSON, text]]), dirs: new Set(), commands: new Map() })!;
  const broken = config.problems.find((p) => p.fatal);
  if (broken) return { exists: true, parseError: { path: file, message: broken.message.replace(/; dockerd refuses to start$/, '') } };
  const entry = config.runtimes.find((r) => r.definedIn === DOCKER_DAEMON_JSON && NVIDIA_CONTAINER_RUNTIME.test(r.binary ?? ''));
  return { exists: true, ...(entry ? { nvidia: `"runtimes"."${entry.name}" in ${file}` } : {}) };
}

export async function inspectConfig(root: string, target: RuntimeTarget): Promise<ConfigState> {
  // A directory (or a FIFO) where the config file belongs is not "no config yet": nothing may be written there.
  const st = await lstat(hostPath(root, target.configPath)).catch(() => undefined);
  if (st && !st.isFile() && !st.isSymbolicLink()) return { exists: true, parseError: { path: target.configPath, message: st.isDirectory() ? 'a directory, not a file' : 'not a regular file' } };
  if (target.kind === 'docker') return inspectDockerConfig(root, target.configPath);
  return inspectContainerdConfig(root, target.configPath, FLAVOR[target.kind]);
}
