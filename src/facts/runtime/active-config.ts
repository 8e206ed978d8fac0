// The runtime config a node's kubelet really uses: docker's daemon.json on a docker:// node, else
// the effective containerd config; and how to say where a reading of it comes from.
import type { NodeHost } from '../../collection/collection.js';
import type { ContainerdConfig } from './containerd-config.js';
import { readContainerdConfig } from './containerd-config.js';
import type { RuntimeHints } from './containerd-paths.js';
import { kubeletRuntimeOf } from './containerd-paths.js';
import type { CrioConfig } from './crio-config.js';
import { readCrioConfig } from './crio-config.js';
import type { DockerConfig } from './docker-config.js';
import { readDockerConfig } from './docker-config.js';
import { isNvidiaRuntime } from './runtimes.js';

export type RuntimeConfig = ContainerdConfig | DockerConfig | CrioConfig;

/** The config the node's kubelet runtime reads: docker's for a docker:// node, else containerd's. */
export function activeRuntimeConfig(host: NodeHost | undefined, hints: RuntimeHints = {}): RuntimeConfig | undefined {
  const kubeletRuntime = kubeletRuntimeOf(hints);
  if (kubeletRuntime === 'cri-o') return readCrioConfig(host);
  if (kubeletRuntime === 'docker') return readDockerConfig(host);
  return readContainerdConfig(host, hints) ?? (kubeletRuntime ? undefined : (readDockerConfig(host) ?? readCrioConfig(host)));
}

/** containerd's registry hosts directory (`config_path`) for a node, with the file it came from. */
export function containerdConfigPath(host: NodeHost | undefined, hints: RuntimeHints = {}): { configPath?: string; source: string } | undefined {
  const config = readContainerdConfig(host, hints);
  if (!config) return undefined;
  return { ...(config.configPath ? { configPath: config.configPath } : {}), source: describeSource(config) };
}

/** One line saying where a config verdict comes from. */
export function describeSource(config: RuntimeConfig): string {
  if (config.engine === 'docker') return config.file;
  if (config.engine === 'cri-o') return config.files.join(' + ') || config.mainFile;
  if (config.source === 'dump') {
    return `\`containerd config dump\` on the node (loaded: ${config.files.join(', ') || 'no file'})`;
  }
  const merge = config.files.length > 1 ? `; containerd ${config.containerdMajor}.x merge: ${config.mergeRule === 'replace-plugin-sections' ? 'plugin sections replaced whole' : 'deep merge'}` : '';
  return `${config.files.join(' + ') || config.mainFile} (config version ${config.version}${merge})`;
}

/** The runtime cannot load this config (a parse error, an import that does not exist…). */
export function hasFatalProblem(config: RuntimeConfig): boolean {
  return config.problems.some((p) => p.fatal);
}

/** Evidence lines describing what the node's runtime config says about runtimes. */
export function runtimeConfigEvidence(config: RuntimeConfig): string[] {
  const lines = [`runtime config read from ${describeSource(config)}`];
  lines.push(`runtimes: ${config.runtimes.map((r) => `${r.name}${r.binary ? ` (${r.binary})` : ''}`).join(', ') || 'none'}`);
  lines.push(`default runtime: ${config.defaultRuntime}`);
  if (config.engine !== 'docker') {
    for (const unused of config.unused.filter((u) => u.runtimes.some(isNvidiaRuntime))) {
      lines.push(`${unused.file} defines ${unused.runtimes.filter(isNvidiaRuntime).map((r) => r.name).join(', ')}, but ${config.engine === 'cri-o' ? 'CRI-O' : 'containerd'} does not read it: ${unused.why}`);
    }
    if (config.engine === 'cri-o' && config.nvidiaHooks.length) lines.push(`NVIDIA OCI hook: ${config.nvidiaHooks.join(', ')} (injects the GPU for every handler)`);
    lines.push(...config.notes);
  }
  return lines;
}
