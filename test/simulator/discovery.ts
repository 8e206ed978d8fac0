// Discovery documents (/version, /api, /api/v1, /apis, /apis/GROUP, /apis/GROUP/VERSION) in the legacy
// shape. Clients that ask for aggregated discovery (apidiscovery.k8s.io) get these too and fall back,
// as they do against an API server that predates aggregated discovery.
import type { Catalog, ServedType } from './catalog.js';

export function versionInfo(serverVersion: string | undefined): Record<string, string> {
  const gitVersion = serverVersion && /^v\d+\.\d+/.test(serverVersion) ? serverVersion : 'v1.32.0';
  const [, major, minor] = /^v(\d+)\.(\d+)/.exec(gitVersion)!;
  return {
    major: major!,
    minor: minor!,
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDocument(group: { name: string; versions: string[] }): object {
  const versions = group.versions.map((version) => ({ groupVersion: `${group.name}/${version}`, version }));
  return { name: group.name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(catalog: Catalog): object {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: catalog.groups().map(groupDocument) };
}

export function apiGroup(catalog: Catalog, name: string): object | undefined {
  const group = catalog.groups().find((g) => g.name === name);
  return group && { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(group) };
}

function resourceEntries(type: ServedType): object[] {
  const entry = {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: ['get', 'list'],
    ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    ...(type.categories ? { categories: type.categories } : {}),
  };
  const subresources = (type.subresources ?? []).map((sub) => ({
    name: `${type.plural}/${sub}`,
    singularName: '',
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: ['get'],
  }));
  return [entry, ...subresources];
}

/** The APIResourceList of one group version; undefined when nothing is served there. */
export function apiResourceList(catalog: Catalog, group: string, version: string): object | undefined {
  const types = catalog.typesIn(group, version);
  if (types.length === 0 && group !== '') return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: types.flatMap(resourceEntries),
  };
}
