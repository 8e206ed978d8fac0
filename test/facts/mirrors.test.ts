import { describe, expect, it } from 'vitest';
import { containerdRegistrySettings, mirrorsFor, registryConfigOf, runtimeOf } from '../../src/facts/mirrors.js';
import { hostDirNames, parseDaemonJsonMirrors, parseHostsToml, parseRegistriesYaml, registryOfHostDir } from '../../src/facts/registry-files.js';
import {
  CONTAINERD_V2_CONFIG_PATH,
  CONTAINERD_V2_LEGACY_MIRRORS,
  CONTAINERD_V2_NO_CONFIG_PATH,
  CONTAINERD_V3_IMAGES,
  DAEMON_JSON_MIRRORS,
  HOSTS_TOML_DOCKER_MIRROR,
  HOSTS_TOML_UPSTREAM_ONLY,
  K3S_REGISTRIES_YAML,
} from '../fixtures/registry-files.js';
import { host, node } from '../helpers/facts.js';

const REG = '/etc/rancher/k3s/registries.yaml';

describe('parseRegistriesYaml', () => {
  it('reads mirrors with endpoints and rewrites, and the configs hosts', () => {
    expect(parseRegistriesYaml(K3S_REGISTRIES_YAML, REG)).toEqual({
      path: REG,
      mirrors: [
        { registry: 'docker.io', endpoints: ['https://docker.m.daocloud.io', 'https://docker.1ms.run'] },
        { registry: 'registry.local:5000', endpoints: ['http://registry.local:5000'], rewrite: { '^rancher/(.*)': 'mirrorproject/rancher-images/$1' } },
      ],
      configs: ['registry.local:5000'],
    });
  });
  it('accepts an empty file', () => {
    expect(parseRegistriesYaml('# nothing yet\n', REG)).toEqual({ path: REG, mirrors: [], configs: [] });
  });
  it.each([
    ['not YAML', 'mirrors:\n  docker.io:\n    endpoint: ["https://a"\n', /^not valid YAML \(line \d+\): /],
    ['a duplicate mirrors key (appended twice)', 'mirrors:\n  docker.io:\n    endpoint: ["https://a"]\nmirrors:\n  quay.io:\n    endpoint: ["https://b"]\n', /^not valid YAML \(line 4\): Map keys must be unique/],
    ['mirrors as a list', 'mirrors:\n  - docker.io: ["https://a"]\n', /^mirrors must be a mapping of registry host to \{endpoint: \[\.\.\.\]\}, not a list$/],
    ['endpoint as a string', 'mirrors:\n  docker.io:\n    endpoint: "https://a"\n', /^mirrors\.docker\.io\.endpoint must be a list of URLs, not a string$/],
    ['a top-level list', '- mirrors\n', /^the top level must be a mapping/],
    ['configs as a list', 'configs:\n  - registry.local\n', /^configs must be a mapping/],
  ])('gives the error for %s', (_, text, error) => {
    const parsed = parseRegistriesYaml(text, REG);
    expect(parsed.error).toMatch(error);
    expect(parsed.mirrors).toEqual([]);
  });
});

describe('hosts.toml', () => {
  it('names host directories as containerd looks them up', () => {
    expect(hostDirNames('docker.io')).toEqual(['docker.io']);
    expect(hostDirNames('registry.local:5000')).toEqual(['registry.local_5000_', 'registry.local:5000']);
    expect(hostDirNames('*')).toEqual(['_default']);
    expect(registryOfHostDir('registry.local_5000_')).toBe('registry.local:5000');
    expect(registryOfHostDir('_default')).toBe('*');
  });
  it('reads server and hosts with their capabilities', () => {
    expect(parseHostsToml(HOSTS_TOML_DOCKER_MIRROR, '/etc/containerd/certs.d/docker.io/hosts.toml')).toEqual({
      path: '/etc/containerd/certs.d/docker.io/hosts.toml',
      registry: 'docker.io',
      server: 'https://registry-1.docker.io',
      hosts: [
        { url: 'https://public-mirror.example.com', capabilities: ['pull'] },
        { url: 'https://docker-mirror.internal', capabilities: ['pull', 'resolve'] },
      ],
    });
  });
  it('reports TOML errors with the line', () => {
    expect(parseHostsToml('server = "https://a"\nserver = "https://b"\n', '/etc/containerd/certs.d/x/hosts.toml').error).toMatch(/^not valid TOML \(line 2\)/);
  });
});

describe('containerdRegistrySettings (through the containerd config reader)', () => {
  it.each([
    [CONTAINERD_V2_CONFIG_PATH, 2, '/etc/containerd/certs.d'],
    [CONTAINERD_V3_IMAGES, 3, '/etc/containerd/certs.d:/etc/docker/certs.d'],
    ['[plugins.cri.registry]\nconfig_path = "/etc/containerd/certs.d"\n', 1, '/etc/containerd/certs.d'],
    [CONTAINERD_V2_NO_CONFIG_PATH, 2, undefined],
  ])('reads config_path', (text, version, configPath) => {
    const s = containerdRegistrySettings(text, '/etc/containerd/config.toml');
    expect(s.version).toBe(version);
    expect(s.configPath).toBe(configPath);
  });
  it('reads the deprecated registry.mirrors tables', () => {
    expect(containerdRegistrySettings(CONTAINERD_V2_LEGACY_MIRRORS, 'x').legacyMirrors).toEqual([
      { registry: 'docker.io', endpoints: ['https://docker.m.daocloud.io', 'https://registry-1.docker.io'] },
      { registry: 'quay.io', endpoints: ['https://quay.io'] },
    ]);
  });
});

describe('parseDaemonJsonMirrors', () => {
  it('reads registry-mirrors and reports broken files', () => {
    expect(parseDaemonJsonMirrors(DAEMON_JSON_MIRRORS, '/etc/docker/daemon.json')).toEqual({ mirrors: ['https://docker.m.daocloud.io', 'https://docker.1ms.run'] });
    expect(parseDaemonJsonMirrors('{"registry-mirrors": ["https://a",]}', 'd').error).toMatch(/^not valid JSON/);
    expect(parseDaemonJsonMirrors('{"registry-mirrors": "https://a"}', 'd').error).toBe('"registry-mirrors" must be a list of URLs, not a string');
  });
});

describe('runtimeOf', () => {
  const withInfo = (kubeletVersion: string, containerRuntimeVersion: string) => node('n', {}, { nodeInfo: { kubeletVersion, containerRuntimeVersion } });
  it('reads nodeInfo, then the files', () => {
    expect(runtimeOf(withInfo('v1.30.4+k3s1', 'containerd://1.7.20-k3s1'), undefined)).toBe('k3s');
    expect(runtimeOf(withInfo('v1.29.3+rke2r1', 'containerd://1.7.11-k3s2'), undefined)).toBe('rke2');
    expect(runtimeOf(withInfo('v1.28.2', 'docker://24.0.7'), undefined)).toBe('docker');
    expect(runtimeOf(withInfo('v1.30.1', 'containerd://1.7.13'), undefined)).toBe('containerd');
    expect(runtimeOf(undefined, host({ [REG]: '' }))).toBe('k3s');
    expect(runtimeOf(undefined, host())).toBe('unknown');
  });
});

describe('registryConfigOf', () => {
  it('k3s: registries.yaml mirrors count; a daemon.json is not read and says so', () => {
    const config = registryConfigOf(host({ [REG]: K3S_REGISTRIES_YAML, '/etc/docker/daemon.json': DAEMON_JSON_MIRRORS }), 'k3s');
    expect(mirrorsFor(config.mirrors, 'docker.io')).toMatchObject([{ kind: 'registries.yaml', endpoints: ['https://docker.m.daocloud.io', 'https://docker.1ms.run'] }]);
    // A mirror whose only endpoint is the registry itself is no mirror.
    expect(mirrorsFor(config.mirrors, 'registry.local:5000')).toEqual([]);
    expect(config.ignored).toMatchObject([{ mirror: { kind: 'daemon.json' }, why: 'the node runs k3s, which does not read /etc/docker/daemon.json' }]);
  });
  it('k3s: the wildcard mirror serves every registry', () => {
    const config = registryConfigOf(host({ [REG]: 'mirrors:\n  "*":\n    endpoint: ["https://mirror.corp"]\n' }), 'k3s');
    expect(mirrorsFor(config.mirrors, 'quay.io')).toMatchObject([{ registry: '*', endpoints: ['https://mirror.corp'] }]);
  });
  it('containerd: hosts.toml counts only under config_path', () => {
    const hostsToml = { '/etc/containerd/certs.d/docker.io/hosts.toml': HOSTS_TOML_DOCKER_MIRROR };
    const withPath = registryConfigOf(host({ '/etc/containerd/config.toml': CONTAINERD_V2_CONFIG_PATH, ...hostsToml }), 'containerd');
    expect(mirrorsFor(withPath.mirrors, 'docker.io')).toMatchObject([{ kind: 'hosts.toml', endpoints: ['https://public-mirror.example.com', 'https://docker-mirror.internal'] }]);
    const withoutPath = registryConfigOf(host({ '/etc/containerd/config.toml': CONTAINERD_V2_NO_CONFIG_PATH, ...hostsToml }), 'containerd');
    expect(mirrorsFor(withoutPath.mirrors, 'docker.io')).toEqual([]);
    expect(withoutPath.ignored).toMatchObject([{ why: "/etc/containerd/certs.d is not in containerd's config_path" }]);
    expect(withoutPath.looked).toContain('config_path is not set (/etc/containerd/config.toml): containerd reads no hosts.toml');
  });
  it('containerd: config dump is the truth, and an upstream-only hosts.toml is no mirror', () => {
    const files = { '/etc/containerd/config.toml': CONTAINERD_V2_NO_CONFIG_PATH, '/etc/containerd/certs.d/docker.io/hosts.toml': HOSTS_TOML_UPSTREAM_ONLY };
    const dump = host(files, { 'containerd-config-dump': CONTAINERD_V3_IMAGES });
    const config = registryConfigOf(dump, 'containerd');
    expect(config.looked[0]).toBe('config_path = "/etc/containerd/certs.d:/etc/docker/certs.d" (containerd config dump)');
    expect(mirrorsFor(config.mirrors, 'docker.io')).toEqual([]);
  });
  it('containerd: a listed host directory whose hosts.toml was not copied is given the benefit of the doubt', () => {
    const config = registryConfigOf(host({ '/etc/containerd/config.toml': CONTAINERD_V2_CONFIG_PATH }, {}, ['/etc/containerd/certs.d/nvcr.io']), 'containerd');
    expect(mirrorsFor(config.mirrors, 'nvcr.io')).toMatchObject([{ endpoints: ['(hosts.toml not collected)'] }]);
  });
  it('containerd 1.x: the deprecated registry.mirrors work while config_path is unset', () => {
    const config = registryConfigOf(host({ '/etc/containerd/config.toml': CONTAINERD_V2_LEGACY_MIRRORS }), 'containerd');
    expect(mirrorsFor(config.mirrors, 'docker.io')).toMatchObject([{ kind: 'config.toml', endpoints: ['https://docker.m.daocloud.io'] }]);
    expect(mirrorsFor(config.mirrors, 'quay.io')).toEqual([]);
  });
  it('docker: registry-mirrors serve docker.io only', () => {
    const config = registryConfigOf(host({ '/etc/docker/daemon.json': DAEMON_JSON_MIRRORS }), 'docker');
    expect(mirrorsFor(config.mirrors, 'docker.io')).toMatchObject([{ kind: 'daemon.json' }]);
    expect(mirrorsFor(config.mirrors, 'nvcr.io')).toEqual([]);
  });
  it('records unreadable files as problems', () => {
    const config = registryConfigOf(host({ [REG]: 'mirrors:\n  - docker.io\n' }), 'k3s');
    expect(config.problems).toEqual([{ path: REG, error: 'mirrors must be a mapping of registry host to {endpoint: [...]}, not a list' }]);
    expect(config.mirrors).toEqual([]);
  });
});

describe('registryConfigOf on plain containerd follows imports for config_path', () => {
  it('takes config_path from a drop-in the main config imports', () => {
    const files = {
      '/etc/containerd/config.toml': 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n',
      '/etc/containerd/conf.d/10-registry.toml': 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
      '/etc/containerd/certs.d/docker.io/hosts.toml': 'server = "https://registry-1.docker.io"\n[host."https://mirror.example.com"]\n  capabilities = ["pull", "resolve"]\n',
    };
    const config = registryConfigOf(host(files), 'containerd');
    expect(config.containerd).toMatchObject({ configPath: '/etc/containerd/certs.d', fromDump: false });
    expect(config.mirrors.map((m) => m.registry)).toContain('docker.io');
    expect(config.ignored).toEqual([]);
  });
});
