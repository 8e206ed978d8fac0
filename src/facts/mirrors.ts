// Registry mirrors configured on a node, judged by which files its runtime reads: k3s / RKE2
// registries.yaml and their generated certs.d, containerd hosts.toml under `config_path` (read from
// the effective containerd config, imports followed) and the deprecated `registry.mirrors` tables,
// docker's daemon.json. And where a new mirror would go for that runtime. Pure: reads the NodeHost
// facts a source collected; the files themselves are parsed by registry-files.ts.
import type { NodeHost } from '../collection/collection.js';
import { DOCKER_HUB } from './images.js';
import type { Node } from '../collection/kube.js';
import type { HostsToml, Mirror, RegistriesYaml, RegistryFileProblem } from './registry-files.js';
import { crioRegistriesMirrors, hostDirNames, hostsTomlMirror, mirrorEndpoints, mirrorTablesIn, parseDaemonJsonMirrors, parseHostsToml, parseRegistriesYaml, registriesYamlMirrors, registryOfHostDir, WILDCARD } from './registry-files.js';
import type { ContainerdConfig, ReadOptions } from './runtime/containerd-config.js';
import { readContainerdConfig } from './runtime/containerd-config.js';
import { CRI_IMAGES_V3, CRI_V2 } from './runtime/containerd-plugins.js';
import { DOCKER_DAEMON_JSON } from './runtime/docker-config.js';
import type { Distro } from './runtime/services.js';
import { distroServices } from './runtime/services.js';

export type RuntimeFlavour = Distro | 'containerd' | 'docker' | 'cri-o' | 'unknown';

/** Where k3s and RKE2 keep their registry configuration and what they generate from it. */
export const DISTRO_PATHS: Record<Distro, { registriesYaml: string; certsDir: string; generatedConfig: string }> = {
  k3s: {
    registriesYaml: '/etc/rancher/k3s/registries.yaml',
    certsDir: '/var/lib/rancher/k3s/agent/etc/containerd/certs.d',
    generatedConfig: '/var/lib/rancher/k3s/agent/etc/containerd/config.toml',
  },
  rke2: {
    registriesYaml: '/etc/rancher/rke2/registries.yaml',
    certsDir: '/var/lib/rancher/rke2/agent/etc/containerd/certs.d',
    generatedConfig: '/var/lib/rancher/rke2/agent/etc/containerd/config.toml',
  },
};

export const CONTAINERD_CONFIG = '/etc/containerd/config.toml';
export const CONTAINERD_HOSTS_DIRS = ['/etc/containerd/certs.d', '/etc/docker/certs.d'];
/** CRI-O reads registries.conf and the drop-ins of this directory. */
export const CRIO_REGISTRIES_DIR = '/etc/containers/registries.conf.d';
export const CRIO_REGISTRIES_CONF = '/etc/containers/registries.conf';

/** CRI-O's registry files the probe copied: registries.conf, then the drop-ins in name order. */
export function crioRegistryFiles(host: NodeHost | undefined): string[] {
  if (!host) return [];
  const dropIns = [...host.files.keys()].filter((p) => p.startsWith(`${CRIO_REGISTRIES_DIR}/`) && p.endsWith('.conf')).sort();
  return [...(host.files.has(CRIO_REGISTRIES_CONF) ? [CRIO_REGISTRIES_CONF] : []), ...dropIns];
}

// ---------------------------------------------------------------- containerd config.toml

export interface ContainerdRegistrySettings {
  path: string;
  version: number;
  /** `config_path`; undefined when the config does not set it. */
  configPath?: string;
  /** True when read from `containerd config dump`, which spells out defaults. */
  fromDump: boolean;
  /** Deprecated `registry.mirrors."HOST".endpoint` tables. */
  legacyMirrors: { registry: string; endpoints: string[] }[];
  error?: string;
}

/** config_path and legacy mirrors of a containerd config as containerd reads it (containerd-config.ts). */
function registrySettingsOf(model: ContainerdConfig): ContainerdRegistrySettings {
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

/** The registry settings of the node's containerd config (imports followed, or its dump). */
export function nodeRegistrySettings(host: NodeHost, options: ReadOptions = { flavor: 'containerd' }): ContainerdRegistrySettings | undefined {
  const model = readContainerdConfig(host, {}, options);
  return model ? registrySettingsOf(model) : undefined;
}

/** Reads config_path and the deprecated mirrors from the text of one containerd config file. */
export function containerdRegistrySettings(text: string, path: string, fromDump = false): ContainerdRegistrySettings {
  const host: NodeHost = fromDump
    ? { files: new Map(), dirs: new Set(), commands: new Map([['containerd-config-dump', { stdout: text, exitCode: 0 }]]) }
    : { files: new Map([[path, text]]), dirs: new Set(), commands: new Map() };
  return nodeRegistrySettings(host, { flavor: 'containerd', mainFile: path })!;
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
  problems: RegistryFileProblem[];
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
  const standalone = runtime === 'containerd' || anyRuntime;
  if (standalone) {
    const settings = nodeRegistrySettings(host);
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

  // CRI-O: /etc/containers/registries.conf and its drop-ins (later files win per registry, as containers-registries.conf.d(5)).
  if (runtime === 'cri-o' || runtime === 'unknown') {
    const files = crioRegistryFiles(host);
    for (const path of files) {
      const parsed = crioRegistriesMirrors(host.files.get(path)!, path);
      if (parsed.error) config.problems.push({ path, error: parsed.error });
      config.looked.push(`${path}: ${parsed.error ? `unreadable (${parsed.error})` : describeMirrors(parsed.mirrors)}`);
      for (const m of parsed.mirrors) use(m, true, '');
    }
    if (runtime === 'cri-o' && files.length === 0) config.looked.push(`${CRIO_REGISTRIES_CONF}, ${CRIO_REGISTRIES_DIR}/*.conf: absent`);
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

// ---------------------------------------------------------------- mirrors k3s / RKE2 generated

/** Host directories k3s writes for a mirror, and whether the node shows one of them. */
export function generatedMirrorState(host: NodeHost, distro: Distro, mirror: Mirror): { loaded: boolean; evidence: string } {
  const paths = DISTRO_PATHS[distro];
  const dirs = hostDirNames(mirror.registry).map((name) => `${paths.certsDir}/${name}`);
  for (const dir of dirs) {
    const copy = host.files.get(`${dir}/hosts.toml`);
    if (copy !== undefined) {
      const generated = parseHostsToml(copy, `${dir}/hosts.toml`);
      const hostOf = (url: string) => url.replace(/^[a-z]+:\/\//i, '').split('/')[0]!.toLowerCase();
      const have = new Set(generated.hosts.map((h) => hostOf(h.url)));
      const missing = mirror.endpoints.filter((e) => !have.has(hostOf(e)));
      if (!generated.error && missing.length) {
        return { loaded: false, evidence: `${dir}/hosts.toml exists but lacks ${missing.join(', ')} from registries.yaml: it was generated from an older registries.yaml` };
      }
      return { loaded: true, evidence: `${dir}/hosts.toml` };
    }
    if (host.dirs.has(dir)) return { loaded: true, evidence: `${dir} exists (dirs.txt)` };
  }
  // k3s before the certs.d switch wrote mirrors into its generated config.toml instead.
  const generatedConfig = host.files.get(paths.generatedConfig);
  if (generatedConfig !== undefined) {
    if (mirrorTablesIn(generatedConfig).includes(mirror.registry)) {
      return { loaded: true, evidence: `${paths.generatedConfig} has registry.mirrors."${mirror.registry}"` };
    }
  }
  return { loaded: false, evidence: `${dirs.join(' / ')} does not exist (dirs.txt)` };
}

/** Whether the collected facts looked under the distro's agent directory at all. */
export function listedAgentDir(host: NodeHost, distro: Distro): boolean {
  const prefix = `/var/lib/rancher/${distro}/agent`;
  return [...host.dirs, ...host.files.keys()].some((p) => p.startsWith(prefix));
}

// ---------------------------------------------------------------- where a new mirror goes

/** Where a mirror for a registry is configured on a node, for the runtime that pulls there. */
export type MirrorTarget =
  | { via: 'registries.yaml'; runtime: Distro; registriesYaml: string; registriesYamlExists: boolean; certsDir: string; services: string[] }
  /** docker's registry-mirrors serve Docker Hub only. */
  | { via: 'daemon.json'; daemonJson: string; daemonJsonExists: boolean; servesOnly: string }
  | { via: 'registries.conf.d'; registriesDir: string }
  | {
      via: 'hosts.toml';
      /** containerd, and the common case where the runtime is not known. */
      runtime: 'containerd' | 'unknown';
      /** The hosts directory containerd reads: the first of config_path, else its default. */
      hostsDir: string;
      /** The config reads, and does not set config_path: a hosts.toml there alone is not read. */
      configPathUnset: boolean;
      /** The plugin whose `registry` table holds config_path in this config's version. */
      registryPlugin: string;
      mainConfig: string;
    };

export function mirrorTarget(runtime: RuntimeFlavour, host: NodeHost | undefined, config: NodeRegistryConfig | undefined, node: Node | undefined): MirrorTarget {
  // Files the node already has hold other settings (the nvidia runtime, other mirrors): never overwritten.
  const has = (path: string) => host?.files.has(path) ?? false;
  if (runtime === 'k3s' || runtime === 'rke2') {
    const paths = DISTRO_PATHS[runtime];
    return { via: 'registries.yaml', runtime, registriesYaml: paths.registriesYaml, registriesYamlExists: has(paths.registriesYaml), certsDir: paths.certsDir, services: distroServices(runtime, node) };
  }
  if (runtime === 'docker') return { via: 'daemon.json', daemonJson: DOCKER_DAEMON_JSON, daemonJsonExists: has(DOCKER_DAEMON_JSON), servesOnly: DOCKER_HUB };
  if (runtime === 'cri-o') return { via: 'registries.conf.d', registriesDir: CRIO_REGISTRIES_DIR };
  const containerd = config?.containerd;
  return {
    via: 'hosts.toml',
    runtime,
    hostsDir: containerd?.configPath?.split(':').find(Boolean) ?? CONTAINERD_HOSTS_DIRS[0]!,
    configPathUnset: !!containerd && !containerd.error && !containerd.configPath,
    registryPlugin: (containerd?.version ?? 2) >= 3 ? CRI_IMAGES_V3 : CRI_V2,
    mainConfig: CONTAINERD_CONFIG,
  };
}
