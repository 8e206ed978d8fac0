// The files registry mirrors are configured in, parsed as the runtimes read them:
//  - k3s / RKE2 `registries.yaml` (`mirrors: HOST: endpoint: [...]`, `rewrite`, `configs`), which k3s turns
//    into containerd hosts.toml files under its own certs.d directory when it starts;
//  - containerd `hosts.toml` (`server`, `[host."URL"]` with capabilities), one directory per registry;
//  - docker `daemon.json` `registry-mirrors` (Docker Hub only).
// Pure: text in, structure out; a file that does not parse says why in `error`.
import { parse as parseToml } from 'smol-toml';
import { isTable, parseToml as readToml } from './toml.js';
import { parse as parseYaml } from 'yaml';
import { isUpstreamHost } from './images.js';

/** The registry key that applies to every registry without its own entry. */
export const WILDCARD = '*';

export type MirrorKind = 'registries.yaml' | 'hosts.toml' | 'config.toml' | 'daemon.json' | 'registries.conf';

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

export interface RegistryFileProblem {
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

export const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const shapeOf = (v: unknown): string => (Array.isArray(v) ? 'a list' : v === null ? 'empty' : `a ${typeof v}`);

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
export function mirrorEndpoints(registry: string, urls: string[]): string[] {
  return urls.filter((url) => registry === WILDCARD || !isUpstreamHost(registry, hostOfUrl(url)));
}

export function hostsTomlMirror(file: HostsToml): Mirror | undefined {
  const pulling = file.hosts.filter((h) => h.capabilities.includes('pull')).map((h) => h.url);
  // `server` pointing elsewhere than the registry redirects every pull: a mirror too.
  const endpoints = mirrorEndpoints(file.registry, [...pulling, ...(file.server ? [file.server] : [])]);
  return endpoints.length ? { registry: file.registry, endpoints, kind: 'hosts.toml', path: file.path } : undefined;
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

/** The CRI registry tables of config versions 3, 2 and 1. */
const CRI_REGISTRY_PLUGINS = ['io.containerd.cri.v1.images', 'io.containerd.grpc.v1.cri', 'cri'];

/**
 * Registries with a `registry.mirrors."HOST"` table in a containerd config file, under any config
 * version's plugin id: what a file says was written into it (k3s before certs.d wrote its mirrors
 * there), not what containerd reads (that is containerd-config.ts's). Empty when it does not parse.
 */
export function mirrorTablesIn(text: string): string[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch {
    return [];
  }
  const plugins = isMapping(doc.plugins) ? doc.plugins : {};
  return CRI_REGISTRY_PLUGINS.flatMap((name) => {
    const plugin = plugins[name];
    const registry = isMapping(plugin) ? plugin.registry : undefined;
    return isMapping(registry) && isMapping(registry.mirrors) ? Object.keys(registry.mirrors) : [];
  });
}

/**
 * CRI-O's (containers-registries.conf(5), version 2) mirrors: `[[registry]]` with `prefix` (else `location`)
 * and its `[[registry.mirror]]` locations. The registry is the host part of the prefix.
 */
export function crioRegistriesMirrors(text: string, path: string): { mirrors: Mirror[]; error?: string } {
  const parsed = readToml(text);
  if (!parsed.table) return { mirrors: [], error: `${parsed.problem?.line ? `line ${parsed.problem.line}: ` : ''}${parsed.problem?.message ?? 'does not parse'}` };
  const registries = Array.isArray(parsed.table.registry) ? (parsed.table.registry as unknown[]) : [];
  const mirrors: Mirror[] = [];
  for (const entry of registries) {
    if (!isTable(entry)) continue;
    const scope = typeof entry.prefix === 'string' ? entry.prefix : typeof entry.location === 'string' ? entry.location : undefined;
    if (!scope) continue;
    const endpoints = (Array.isArray(entry.mirror) ? entry.mirror : []).flatMap((m) => (isTable(m) && typeof m.location === 'string' ? [m.location] : []));
    if (endpoints.length) mirrors.push({ registry: scope.split('/')[0]!, endpoints, kind: 'registries.conf', path });
  }
  return { mirrors };
}
