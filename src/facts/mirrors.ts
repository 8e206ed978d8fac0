// Registry mirrors configured on a node, read from the files the runtime reads:
//  - k3s / RKE2 `registries.yaml` (`mirrors: HOST: endpoint: [...]`, `rewrite`, `configs`), which k3s turns
//    into containerd hosts.toml files under its own certs.d directory when it starts;
//  - containerd `hosts.toml` under the `config_path` directories (`server`, `[host."URL"]` with capabilities),
//    and the deprecated `registry.mirrors` tables of config.toml;
//  - docker `daemon.json` `registry-mirrors` (Docker Hub only).
// Pure: reads the NodeHost facts a source collected.
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { readContainerdConfig } from './containerd.js';
import type { CommandOutput, NodeHost } from '../sources/collection.js';
import { DOCKER_HUB, isUpstreamHost } from './images.js';
import type { Node } from './kube.js';

export type Distro = 'k3s' | 'rke2';
export type RuntimeFlavour = Distro | 'containerd' | 'docker' | 'cri-o' | 'unknown';

/** Where k3s and RKE2 keep their registry configuration and what they generate from it. */
export const DISTRO_PATHS: Record<Distro, { registriesYaml: string; certsDir: string; generatedConfig: string; serverService: string; agentService: string }> = {
  k3s: {
    registriesYaml: '/etc/rancher/k3s/registries.yaml',
    certsDir: '/var/lib/rancher/k3s/agent/etc/containerd/certs.d',
    generatedConfig: '/var/lib/rancher/k3s/agent/etc/containerd/config.toml',
    serverService: 'k3s',
    agentService: 'k3s-agent',
  },
  rke2: {
    registriesYaml: '/etc/rancher/rke2/registries.yaml',
    certsDir: '/var/lib/rancher/rke2/agent/etc/containerd/certs.d',
    generatedConfig: '/var/lib/rancher/rke2/agent/etc/containerd/config.toml',
    serverService: 'rke2-server',
    agentService: 'rke2-agent',
  },
};

const CONTROL_PLANE_LABELS = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];

/** The systemd unit of k3s / RKE2 on a node: the server's or the agent's; both when the Node is unknown. */
export function distroServices(distro: Distro, node: Node | undefined): string[] {
  const paths = DISTRO_PATHS[distro];
  if (!node) return [paths.serverService, paths.agentService];
  const server = CONTROL_PLANE_LABELS.some((l) => node.metadata.labels?.[l] !== undefined);
  return [server ? paths.serverService : paths.agentService];
}

export const CONTAINERD_CONFIG = '/etc/containerd/config.toml';
export const CONTAINERD_HOSTS_DIRS = ['/etc/containerd/certs.d', '/etc/docker/certs.d'];
export const DOCKER_DAEMON_JSON = '/etc/docker/daemon.json';

/** The registry key that applies to every registry without its own entry. */
export const WILDCARD = '*';

export type MirrorKind = 'registries.yaml' | 'hosts.toml' | 'config.toml' | 'daemon.json';

export interface Mirror {
  /** Registry host namespace the mirror serves, or `*` for all. */
  registry: string;
  /** Endpoints tried before the registry itself (the registry's own endpoint left out). */
  endpoints: string[];
  kind: MirrorKind;
  /** The file it was read from. */
  path: string;
  rewrite?: Record<string, string>;
}

export interface ConfigProblem {
  path: string;
  error: string;
}

// ---------------------------------------------------------------- registries.yaml

export interface RegistriesYamlMirror {
  registry: string;
  endpoints: string[];
  rewrite?: Record<string, string>;
}

export interface RegistriesYaml {
  path: string;
  mirrors: RegistriesYamlMirror[];
  /** Registries with a `configs` entry (auth or TLS). */
  configs: string[];
  /** Why k3s cannot use the file (not YAML, or the wrong shape); nothing else is set then. */
  error?: string;
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shapeOf = (v: unknown): string => (Array.isArray(v) ? 'a list' : v === null ? 'empty' : `a ${typeof v}`);

function yamlError(err: unknown): string {
  const e = err as { message?: string; linePos?: { line: number }[] };
  const line = e.linePos?.[0]?.line;
  return `not valid YAML${line ? ` (line ${line})` : ''}: ${String(e.message ?? err).split('\n')[0]}`;
}

/** Parses registries.yaml as k3s (rancher/wharfie) reads it: unknown keys are ignored, wrong types are errors. */
export function parseRegistriesYaml(text: string, path: string): RegistriesYaml {
  const failed = (error: string): RegistriesYaml => ({ path, mirrors: [], configs: [], error });
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return failed(yamlError(err));
  }
  if (doc === null || doc === undefined) return { path, mirrors: [], configs: [] };
  if (!isMapping(doc)) return failed(`the top level must be a mapping with mirrors: and configs:, not ${shapeOf(doc)}`);
  const mirrors: RegistriesYamlMirror[] = [];
  if (doc.mirrors !== undefined && doc.mirrors !== null) {
    if (!isMapping(doc.mirrors)) return failed(`mirrors must be a mapping of registry host to {endpoint: [...]}, not ${shapeOf(doc.mirrors)}`);
    for (const [registry, entry] of Object.entries(doc.mirrors)) {
      if (entry === null) {
        mirrors.push({ registry, endpoints: [] });
        continue;
      }
      if (!isMapping(entry)) return failed(`mirrors.${registry} must be a mapping with endpoint: [...], not ${shapeOf(entry)}`);
      const endpoint = entry.endpoint ?? [];
      if (!Array.isArray(endpoint) || !endpoint.every((e) => typeof e === 'string')) {
        return failed(`mirrors.${registry}.endpoint must be a list of URLs, not ${shapeOf(endpoint)}`);
      }
      const rewrite = entry.rewrite;
      if (rewrite !== undefined && rewrite !== null && (!isMapping(rewrite) || !Object.values(rewrite).every((v) => typeof v === 'string'))) {
        return failed(`mirrors.${registry}.rewrite must map a regular expression to a replacement, not ${shapeOf(rewrite)}`);
      }
      mirrors.push({ registry, endpoints: endpoint as string[], ...(isMapping(rewrite) ? { rewrite: rewrite as Record<string, string> } : {}) });
    }
  }
  let configs: string[] = [];
  if (doc.configs !== undefined && doc.configs !== null) {
    if (!isMapping(doc.configs)) return failed(`configs must be a mapping of registry host to {auth:, tls:}, not ${shapeOf(doc.configs)}`);
    configs = Object.keys(doc.configs);
  }
  return { path, mirrors, configs };
}

/** The mirrors of a registries.yaml that send pulls somewhere else than the registry itself. */
export function registriesYamlMirrors(file: RegistriesYaml): Mirror[] {
  return file.mirrors
    .map((m): Mirror => ({
      registry: m.registry,
      endpoints: mirrorEndpoints(m.registry, m.endpoints),
      kind: 'registries.yaml',
      path: file.path,
      ...(m.rewrite ? { rewrite: m.rewrite } : {}),
    }))
    .filter((m) => m.endpoints.length > 0);
}

// ---------------------------------------------------------------- hosts.toml

export interface HostsToml {
  path: string;
  /** The registry the directory is named after (`_default` → `*`, `host_5000_` → `host:5000`). */
  registry: string;
  server?: string;
  hosts: { url: string; capabilities: string[] }[];
  error?: string;
}

function tomlError(err: unknown): string {
  const e = err as { message?: string; line?: number };
  return `not valid TOML${e.line ? ` (line ${e.line})` : ''}: ${String(e.message ?? err).split('\n')[0]}`;
}

/** containerd's host directory names for a registry: `host_port_` (all platforms) and `host:port`, `_default` for `*`. */
export function hostDirNames(registry: string): string[] {
  if (registry === WILDCARD) return ['_default'];
  const colon = registry.lastIndexOf(':');
  if (colon > 0 && !registry.endsWith(']')) return [`${registry.slice(0, colon)}_${registry.slice(colon + 1)}_`, registry];
  return [registry];
}

export function registryOfHostDir(dirName: string): string {
  if (dirName === '_default') return WILDCARD;
  const port = /^(.+)_(\d+)_$/.exec(dirName);
  return port ? `${port[1]}:${port[2]}` : dirName;
}

const DEFAULT_CAPABILITIES = ['pull', 'resolve', 'push'];

export function parseHostsToml(text: string, path: string): HostsToml {
  const registry = registryOfHostDir(path.split('/').at(-2) ?? '');
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    return { path, registry, hosts: [], error: tomlError(err) };
  }
  const hosts: HostsToml['hosts'] = [];
  if (isMapping(doc.host)) {
    for (const [url, entry] of Object.entries(doc.host)) {
      const caps = isMapping(entry) && Array.isArray(entry.capabilities) ? entry.capabilities.map(String) : DEFAULT_CAPABILITIES;
      hosts.push({ url, capabilities: caps });
    }
  }
  return { path, registry, ...(typeof doc.server === 'string' ? { server: doc.server } : {}), hosts };
}

function hostOfUrl(url: string): string {
  const withScheme = url.includes('://') ? url : `//${url}`;
  try {
    return new URL(withScheme, 'https://x').host || url;
  } catch {
    return url;
  }
}

/** Endpoints other than the registry itself: those are what makes an entry a mirror. */
function mirrorEndpoints(registry: string, urls: string[]): string[] {
  return urls.filter((url) => registry === WILDCARD || !isUpstreamHost(registry, hostOfUrl(url)));
}

function hostsTomlMirror(file: HostsToml): Mirror | undefined {
  const pulling = file.hosts.filter((h) => h.capabilities.includes('pull')).map((h) => h.url);
  // `server` pointing elsewhere than the registry redirects every pull: a mirror too.
  const endpoints = mirrorEndpoints(file.registry, [...pulling, ...(file.server ? [file.server] : [])]);
  return endpoints.length ? { registry: file.registry, endpoints, kind: 'hosts.toml', path: file.path } : undefined;
}

// ---------------------------------------------------------------- containerd config.toml

/** The CRI registry tables of config versions 1, 2 and 3. */
const CRI_REGISTRY_PLUGINS = ['io.containerd.cri.v1.images', 'io.containerd.grpc.v1.cri', 'cri'];

export interface ContainerdRegistrySettings {
  path: string;
  version: number;
  /** `config_path`; undefined when the file does not set it. */
  configPath?: string;
  /** True when read from `containerd config dump`, which spells out defaults. */
  fromDump: boolean;
  /** Deprecated `registry.mirrors."HOST".endpoint` tables. */
  legacyMirrors: { registry: string; endpoints: string[] }[];
  error?: string;
}

/** config_path and legacy mirrors of the effective config (imports followed), from the runtime model. */
function effectiveRegistrySettings(host: NodeHost): ContainerdRegistrySettings | undefined {
  const model = readContainerdConfig(host);
  if (!model || model.flavor !== 'containerd') return undefined;
  const fatal = model.problems.find((p) => p.fatal && p.kind === 'parse');
  return {
    path: model.source === 'dump' ? 'containerd config dump' : model.files.join(' + ') || model.mainFile,
    version: model.version,
    fromDump: model.source === 'dump',
    legacyMirrors: Object.entries(model.mirrors).map(([registry, endpoints]) => ({ registry, endpoints })),
    ...(model.configPath !== undefined ? { configPath: model.configPath } : {}),
    ...(fatal ? { error: `${fatal.file}${fatal.line ? `:${fatal.line}` : ''}: ${fatal.message}` } : {}),
  };
}

function fallbackSettings(text: string | undefined, fromDump: boolean): ContainerdRegistrySettings | undefined {
  return text === undefined ? undefined : containerdRegistrySettings(text, fromDump ? 'containerd config dump' : CONTAINERD_CONFIG, fromDump);
}

/** Reads config_path and the deprecated mirrors from a containerd config (imports are not followed here). */
export function containerdRegistrySettings(text: string, path: string, fromDump = false): ContainerdRegistrySettings {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    return { path, version: 0, fromDump, legacyMirrors: [], error: tomlError(err) };
  }
  const version = typeof doc.version === 'number' ? doc.version : typeof doc.version === 'bigint' ? Number(doc.version) : 1;
  const plugins = isMapping(doc.plugins) ? doc.plugins : {};
  let configPath: string | undefined;
  const legacyMirrors: ContainerdRegistrySettings['legacyMirrors'] = [];
  for (const name of CRI_REGISTRY_PLUGINS) {
    const plugin = plugins[name];
    const registry = isMapping(plugin) ? plugin.registry : undefined;
    if (!isMapping(registry)) continue;
    if (typeof registry.config_path === 'string') configPath ??= registry.config_path;
    if (isMapping(registry.mirrors)) {
      for (const [host, entry] of Object.entries(registry.mirrors)) {
        const endpoint = isMapping(entry) && Array.isArray(entry.endpoint) ? entry.endpoint.map(String) : [];
        legacyMirrors.push({ registry: host, endpoints: endpoint });
      }
    }
  }
  return { path, version, fromDump, legacyMirrors, ...(configPath !== undefined ? { configPath } : {}) };
}

function configDump(command: CommandOutput | undefined): string | undefined {
  return command && command.exitCode === 0 && command.stdout.trim() ? command.stdout : undefined;
}

// ---------------------------------------------------------------- daemon.json

export function parseDaemonJsonMirrors(text: string, path: string): { mirrors: string[]; error?: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { mirrors: [], error: `not valid JSON: ${(err as Error).message}` };
  }
  if (!isMapping(doc)) return { mirrors: [], error: `${path} must hold a JSON object, not ${shapeOf(doc)}` };
  const list = doc['registry-mirrors'];
  if (list === undefined) return { mirrors: [] };
  if (!Array.isArray(list) || !list.every((m) => typeof m === 'string')) {
    return { mirrors: [], error: `"registry-mirrors" must be a list of URLs, not ${shapeOf(list)}` };
  }
  return { mirrors: list };
}

// ---------------------------------------------------------------- the node

/** Which runtime pulls images on a node: from the Node's nodeInfo, else from the files found on it. */
export function runtimeOf(node: Node | undefined, host: NodeHost | undefined): RuntimeFlavour {
  const kubelet = node?.status?.nodeInfo?.kubeletVersion ?? '';
  const runtime = node?.status?.nodeInfo?.containerRuntimeVersion ?? '';
  // RKE2 ships k3s's containerd build (containerd://1.7.11-k3s2), so the kubelet version decides first.
  if (/\+rke2/.test(kubelet)) return 'rke2';
  if (/\+k3s/.test(kubelet) || /-k3s/.test(runtime)) return 'k3s';
  if (runtime.startsWith('docker://')) return 'docker';
  if (runtime.startsWith('cri-o://')) return 'cri-o';
  if (runtime.startsWith('containerd://')) return 'containerd';
  if (host) {
    const has = (prefix: string) => [...host.files.keys(), ...host.dirs].some((p) => p.startsWith(prefix));
    if (has('/etc/rancher/k3s') || has('/var/lib/rancher/k3s')) return 'k3s';
    if (has('/etc/rancher/rke2') || has('/var/lib/rancher/rke2')) return 'rke2';
  }
  return 'unknown';
}

export interface NodeRegistryConfig {
  runtime: RuntimeFlavour;
  /** Mirrors the node's runtime uses. */
  mirrors: Mirror[];
  /** Mirrors configured in a place this runtime does not read, with why. */
  ignored: { mirror: Mirror; why: string }[];
  /** One line per place looked at, for evidence. */
  looked: string[];
  problems: ConfigProblem[];
  registriesYaml?: RegistriesYaml;
  containerd?: ContainerdRegistrySettings;
}

interface HostsTomlSource {
  dir: string;
  files: HostsToml[];
  /** Host directories listed in dirs.txt whose hosts.toml was not copied. */
  uncollected: string[];
}

function hostsTomlsUnder(host: NodeHost, dir: string): HostsTomlSource {
  const files: HostsToml[] = [];
  const seen = new Set<string>();
  for (const [path, text] of host.files) {
    const m = path.startsWith(`${dir}/`) ? /^([^/]+)\/hosts\.toml$/.exec(path.slice(dir.length + 1)) : null;
    if (!m) continue;
    seen.add(m[1]!);
    files.push(parseHostsToml(text, path));
  }
  const uncollected = [...host.dirs]
    .filter((d) => d.startsWith(`${dir}/`) && !d.slice(dir.length + 1).includes('/'))
    .map((d) => d.slice(dir.length + 1))
    .filter((name) => !seen.has(name));
  return { dir, files, uncollected };
}

/** A host directory listed without its hosts.toml: given the benefit of the doubt, as a mirror. */
function uncollectedMirror(dir: string, name: string): Mirror {
  return { registry: registryOfHostDir(name), endpoints: ['(hosts.toml not collected)'], kind: 'hosts.toml', path: `${dir}/${name}/hosts.toml` };
}

function describeMirrors(mirrors: Mirror[]): string {
  return mirrors.length ? mirrors.map((m) => `${m.registry} → ${m.endpoints.join(', ')}`).join('; ') : 'no mirrors';
}

/** Everything the node's files say about registry mirrors, judged for the runtime that runs there. */
export function registryConfigOf(host: NodeHost, runtime: RuntimeFlavour): NodeRegistryConfig {
  const config: NodeRegistryConfig = { runtime, mirrors: [], ignored: [], looked: [], problems: [] };
  const use = (mirror: Mirror, applies: boolean, why: string) => {
    if (applies) config.mirrors.push(mirror);
    else config.ignored.push({ mirror, why });
  };
  const anyRuntime = runtime === 'unknown' || runtime === 'cri-o';

  // k3s / RKE2 registries.yaml, and the hosts.toml files under their own certs.d.
  for (const distro of Object.keys(DISTRO_PATHS) as Distro[]) {
    const paths = DISTRO_PATHS[distro];
    const applies = runtime === distro || anyRuntime;
    const text = host.files.get(paths.registriesYaml);
    if (text !== undefined) {
      const parsed = parseRegistriesYaml(text, paths.registriesYaml);
      if (runtime === distro || (anyRuntime && !config.registriesYaml)) config.registriesYaml = parsed;
      if (parsed.error) config.problems.push({ path: paths.registriesYaml, error: parsed.error });
      const mirrors = registriesYamlMirrors(parsed);
      config.looked.push(`${paths.registriesYaml}: ${parsed.error ? `unreadable (${parsed.error})` : describeMirrors(mirrors)}`);
      for (const m of mirrors) use(m, applies, `${distro} is not the runtime of this node`);
    } else if (runtime === distro) {
      config.looked.push(`${paths.registriesYaml}: absent`);
    }
    if (runtime === distro) {
      // Generated from registries.yaml, or written by hand: k3s leaves directories it did not write alone.
      const certs = hostsTomlsUnder(host, paths.certsDir);
      for (const file of certs.files) {
        if (file.error) config.problems.push({ path: file.path, error: file.error });
        const mirror = hostsTomlMirror(file);
        if (mirror) use(mirror, true, '');
      }
      for (const name of certs.uncollected) use(uncollectedMirror(paths.certsDir, name), true, '');
      const registries = [...certs.files.map((f) => f.registry), ...certs.uncollected.map(registryOfHostDir)];
      if (registries.length) config.looked.push(`${paths.certsDir}: hosts.toml for ${registries.join(', ')}`);
    }
  }

  // containerd: config_path decides which hosts.toml files count.
  const dump = configDump(host.commands.get('containerd-config-dump'));
  const standalone = runtime === 'containerd' || anyRuntime;
  if (standalone) {
    const settings = effectiveRegistrySettings(host) ?? fallbackSettings(dump ?? host.files.get(CONTAINERD_CONFIG), !!dump);
    if (settings) config.containerd = settings;
    let hostsDirs: string[];
    let hostsDirsWhy: string;
    if (!settings || settings.error) {
      hostsDirs = CONTAINERD_HOSTS_DIRS;
      hostsDirsWhy = settings ? `${settings.path} does not parse; assuming ${hostsDirs.join(':')}` : `${CONTAINERD_CONFIG} not collected; assuming config_path ${hostsDirs.join(':')}`;
    } else if (settings.configPath) {
      hostsDirs = settings.configPath.split(':').filter(Boolean);
      hostsDirsWhy = `config_path = "${settings.configPath}" (${settings.path})`;
    } else if (settings.fromDump || settings.version < 3) {
      hostsDirs = [];
      hostsDirsWhy = `config_path is not set (${settings.path}): containerd reads no hosts.toml`;
    } else {
      // containerd 2.x: the default differs between releases; do not claim hosts.toml are ignored.
      hostsDirs = CONTAINERD_HOSTS_DIRS;
      hostsDirsWhy = `config_path is not set (${settings.path}, version ${settings.version}); assuming containerd 2.x's ${hostsDirs.join(':')}`;
    }
    config.looked.push(hostsDirsWhy);
    for (const dir of [...new Set([...hostsDirs, ...CONTAINERD_HOSTS_DIRS])]) {
      const source = hostsTomlsUnder(host, dir);
      const read = hostsDirs.includes(dir);
      for (const file of source.files) {
        if (file.error) config.problems.push({ path: file.path, error: file.error });
        const mirror = hostsTomlMirror(file);
        if (mirror) use(mirror, read, `${dir} is not in containerd's config_path`);
      }
      for (const name of source.uncollected) use(uncollectedMirror(dir, name), read, `${dir} is not in containerd's config_path`);
      if (source.files.length || source.uncollected.length) {
        config.looked.push(`${dir}: hosts.toml for ${[...source.files.map((f) => f.registry), ...source.uncollected.map(registryOfHostDir)].join(', ')}`);
      } else if (read) {
        config.looked.push(`${dir}: no hosts.toml`);
      }
    }
    for (const legacy of settings?.legacyMirrors ?? []) {
      const endpoints = mirrorEndpoints(legacy.registry, legacy.endpoints);
      if (endpoints.length) use({ registry: legacy.registry, endpoints, kind: 'config.toml', path: settings!.path }, !settings!.configPath, 'config_path is set, so containerd ignores registry.mirrors');
    }
  }

  // docker: daemon.json registry-mirrors, which only ever apply to Docker Hub.
  const daemon = host.files.get(DOCKER_DAEMON_JSON);
  if (daemon !== undefined) {
    const parsed = parseDaemonJsonMirrors(daemon, DOCKER_DAEMON_JSON);
    if (parsed.error) config.problems.push({ path: DOCKER_DAEMON_JSON, error: parsed.error });
    const applies = runtime === 'docker' || anyRuntime;
    config.looked.push(`${DOCKER_DAEMON_JSON}: ${parsed.error ? `unreadable (${parsed.error})` : parsed.mirrors.length ? `registry-mirrors ${parsed.mirrors.join(', ')}` : 'no registry-mirrors'}`);
    if (parsed.mirrors.length) {
      use({ registry: DOCKER_HUB, endpoints: parsed.mirrors, kind: 'daemon.json', path: DOCKER_DAEMON_JSON }, applies, `the node runs ${runtime}, which does not read ${DOCKER_DAEMON_JSON}`);
    }
  } else if (runtime === 'docker') {
    config.looked.push(`${DOCKER_DAEMON_JSON}: absent`);
  }
  return config;
}

/** Mirrors that serve pulls from `registry`: its own entries, else the wildcard / _default ones. */
export function mirrorsFor(mirrors: Mirror[], registry: string): Mirror[] {
  const own = mirrors.filter((m) => m.registry === registry);
  return own.length ? own : mirrors.filter((m) => m.registry === WILDCARD);
}
