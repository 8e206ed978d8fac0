// The resource types the simulator serves and its objects indexed by type, built once at start.
// Types: gpuctl's RESOURCE_TYPES (CRD ones only when the snapshot shows them), the types that
// CustomResourceDefinition objects define, and any other kind present in the snapshot.
import type { KubeObject } from '../../src/facts/kube.js';
import type { Collection } from '../../src/sources/collection.js';
import { apiVersionOf, RESOURCE_TYPES, type ResourceType } from '../../src/sources/resources.js';
import type { PrinterColumn } from './tables.js';

export interface ServedType {
  kind: string;
  group: string;
  version: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Subresources served under this type, e.g. `log` for pods. */
  subresources?: string[];
  /** Defined by a CustomResourceDefinition: its served version's printer columns (a Table's columns). */
  printerColumns?: PrinterColumn[];
}

export interface TypeIndex {
  type: ServedType;
  /** Sorted like etcd keys: namespace, then name. */
  all: KubeObject[];
  /** Namespace → its objects, same order. */
  byNamespace: Map<string, KubeObject[]>;
  /** `namespace/name` (`/name` when cluster-scoped) → object. */
  byKey: Map<string, KubeObject>;
}

/** Short names and categories of built-in types, as the real API server announces them. */
const BUILTIN_EXTRAS: Record<string, { shortNames?: string[]; categories?: string[]; subresources?: string[] }> = {
  nodes: { shortNames: ['no'] },
  pods: { shortNames: ['po'], categories: ['all'], subresources: ['log'] },
  events: { shortNames: ['ev'] },
  namespaces: { shortNames: ['ns'] },
  daemonsets: { shortNames: ['ds'], categories: ['all'] },
  deployments: { shortNames: ['deploy'], categories: ['all'] },
  services: { shortNames: ['svc'], categories: ['all'] },
  configmaps: { shortNames: ['cm'] },
  serviceaccounts: { shortNames: ['sa'] },
  replicasets: { shortNames: ['rs'], categories: ['all'] },
  statefulsets: { shortNames: ['sts'], categories: ['all'] },
  persistentvolumeclaims: { shortNames: ['pvc'] },
  persistentvolumes: { shortNames: ['pv'] },
  customresourcedefinitions: { shortNames: ['crd', 'crds'] },
  endpoints: { shortNames: ['ep'] },
};

const ALWAYS_SERVED: ResourceType[] = [
  { kind: 'Service', group: '', version: 'v1', plural: 'services', namespaced: true },
  { kind: 'ReplicationController', group: '', version: 'v1', plural: 'replicationcontrollers', namespaced: true },
  { kind: 'ReplicaSet', group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true },
];

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The plural the API server would use for a kind with no CRD to say otherwise (kubectl's guess, a little wiser). */
export function guessPlural(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('endpoints')) return lower;
  if (/(s|x|z|ch|sh)$/.test(lower)) return lower + 'es';
  if (/[^aeiou]y$/.test(lower)) return lower.slice(0, -1) + 'ies';
  return lower + 's';
}

function builtinType(t: ResourceType): ServedType {
  return {
    kind: t.kind,
    group: t.group,
    version: t.version,
    plural: t.plural,
    singular: t.kind.toLowerCase(),
    namespaced: t.namespaced,
    ...BUILTIN_EXTRAS[t.plural],
  };
}

/** The type a CustomResourceDefinition object defines (v1, or the older v1beta1 shape). */
function typeFromCrd(crd: KubeObject): ServedType | undefined {
  const spec = crd.spec as
    | {
        group?: string;
        version?: string;
        scope?: string;
        names?: { kind?: string; plural?: string; singular?: string; shortNames?: string[]; categories?: string[] };
        versions?: { name: string; served?: boolean; storage?: boolean; additionalPrinterColumns?: PrinterColumn[] }[];
        additionalPrinterColumns?: (PrinterColumn & { JSONPath?: string })[];
      }
    | undefined;
  const kind = spec?.names?.kind;
  const group = spec?.group;
  if (!kind || !group) return undefined;
  const served = (spec.versions ?? []).filter((v) => v.served !== false);
  const servedVersion = served.find((v) => v.storage) ?? served[0];
  const version = servedVersion?.name ?? spec.version;
  if (!version) return undefined;
  // v1 keeps columns per version; v1beta1 had one list for all, with `JSONPath` spelled so.
  const printerColumns =
    servedVersion?.additionalPrinterColumns ?? spec.additionalPrinterColumns?.map((c) => ({ ...c, jsonPath: c.jsonPath ?? c.JSONPath ?? '' })) ?? [];
  return {
    kind,
    group,
    version,
    plural: spec.names?.plural ?? guessPlural(kind),
    singular: spec.names?.singular ?? kind.toLowerCase(),
    namespaced: spec.scope !== 'Cluster',
    printerColumns,
    ...(spec.names?.shortNames?.length ? { shortNames: spec.names.shortNames } : {}),
    ...(spec.names?.categories?.length ? { categories: spec.names.categories } : {}),
  };
}

const groupKind = (group: string, kind: string) => `${group}/${kind}`;

/** `namespace/name`; cluster-scoped objects have no namespace, whatever the file said. */
function objectKey(type: ServedType, obj: KubeObject): string {
  return `${type.namespaced ? (obj.metadata.namespace ?? '') : ''}/${obj.metadata.name}`;
}

export class Catalog {
  /** `group/version/plural` → index. */
  private readonly byResource = new Map<string, TypeIndex>();
  readonly types: ServedType[] = [];

  constructor(collection: Collection) {
    const typesByGroupKind = new Map<string, ServedType>();
    const add = (type: ServedType) => {
      if (typesByGroupKind.has(groupKind(type.group, type.kind))) return;
      typesByGroupKind.set(groupKind(type.group, type.kind), type);
      this.types.push(type);
    };
    for (const t of RESOURCE_TYPES) if (!t.crd) add(builtinType(t));
    // Core types every API server serves, even empty: `kubectl cluster-info dump` lists them.
    for (const t of ALWAYS_SERVED) add(builtinType(t));
    for (const obj of collection.objects) {
      if (obj.kind !== 'CustomResourceDefinition') continue;
      const type = typeFromCrd(obj);
      if (type) add(type);
    }
    // gpuctl's CRD types, in case the snapshot holds their objects without the CRD object.
    const knownCrds = new Map(RESOURCE_TYPES.filter((t) => t.crd).map((t) => [groupKind(t.group, t.kind), { ...builtinType(t), printerColumns: [] }]));
    const kindOnly = new Map<string, ServedType>();
    for (const t of [...this.types, ...knownCrds.values()]) if (!kindOnly.has(t.kind)) kindOnly.set(t.kind, t);

    const objectsByType = new Map<ServedType, KubeObject[]>();
    for (const obj of collection.objects) {
      let type: ServedType | undefined;
      if (typeof obj.apiVersion === 'string' && obj.apiVersion) {
        const { group, version } = splitApiVersion(obj.apiVersion);
        type = typesByGroupKind.get(groupKind(group, obj.kind)) ?? knownCrds.get(groupKind(group, obj.kind));
        if (!type) {
          type = {
            kind: obj.kind,
            group,
            version,
            plural: guessPlural(obj.kind),
            singular: obj.kind.toLowerCase(),
            namespaced: !!obj.metadata.namespace,
            ...BUILTIN_EXTRAS[guessPlural(obj.kind)],
          };
        }
      } else {
        // Items of a typed list (`PodList`) may come without apiVersion: resolve by kind.
        type = kindOnly.get(obj.kind);
        if (!type) continue; // No group to serve it under: a real cluster would never return it.
      }
      add(type);
      let list = objectsByType.get(type);
      if (!list) objectsByType.set(type, (list = []));
      // A real API server always sends apiVersion; fill it in only where the snapshot lacks it.
      list.push(obj.apiVersion ? obj : ({ apiVersion: apiVersionOf(type), ...obj } as KubeObject));
    }

    for (const type of this.types) {
      const byKey = new Map<string, KubeObject>();
      for (const obj of objectsByType.get(type) ?? []) byKey.set(objectKey(type, obj), obj);
      // Default sort compares UTF-16 code units: for the ASCII of Kubernetes names, etcd's bytewise order.
      const keys = [...byKey.keys()].sort();
      const all = keys.map((k) => byKey.get(k)!);
      const byNamespace = new Map<string, KubeObject[]>();
      if (type.namespaced) {
        for (const obj of all) {
          const ns = obj.metadata.namespace ?? '';
          let list = byNamespace.get(ns);
          if (!list) byNamespace.set(ns, (list = []));
          list.push(obj);
        }
      }
      this.byResource.set(`${type.group}/${type.version}/${type.plural}`, { type, all, byNamespace, byKey });
    }
  }

  /** Adds or replaces an object (the simulator's writes: probe pods, DaemonSets, events), in etcd order. */
  put(index: TypeIndex, obj: KubeObject): void {
    index.byKey.set(objectKey(index.type, obj), obj);
    this.reindex(index);
  }

  /** Removes an object; returns it, or undefined when there was none. */
  remove(index: TypeIndex, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = `${index.type.namespaced ? (namespace ?? '') : ''}/${name}`;
    const obj = index.byKey.get(key);
    if (obj && index.byKey.delete(key)) this.reindex(index);
    return obj;
  }

  private reindex(index: TypeIndex): void {
    index.all.splice(0, index.all.length, ...[...index.byKey.keys()].sort().map((k) => index.byKey.get(k)!));
    index.byNamespace.clear();
    if (!index.type.namespaced) return;
    for (const obj of index.all) {
      const ns = obj.metadata.namespace ?? '';
      let list = index.byNamespace.get(ns);
      if (!list) index.byNamespace.set(ns, (list = []));
      list.push(obj);
    }
  }

  lookup(group: string, version: string, plural: string): TypeIndex | undefined {
    return this.byResource.get(`${group}/${version}/${plural}`);
  }

  /** Groups other than core, each with its served versions, in the order first seen. */
  groups(): { name: string; versions: string[] }[] {
    const groups = new Map<string, Set<string>>();
    for (const t of this.types) {
      if (!t.group) continue;
      let versions = groups.get(t.group);
      if (!versions) groups.set(t.group, (versions = new Set()));
      versions.add(t.version);
    }
    return [...groups].map(([name, versions]) => ({ name, versions: [...versions].sort(compareVersionPriority) }));
  }

  typesIn(group: string, version: string): ServedType[] {
    return this.types.filter((t) => t.group === group && t.version === version);
  }

  /** The newest resourceVersion any object carries: lists start from there. */
  maxResourceVersion(): number {
    let max = 0;
    for (const index of this.byResource.values()) {
      for (const obj of index.all) {
        const rv = Number((obj.metadata as { resourceVersion?: string }).resourceVersion);
        if (Number.isFinite(rv) && rv > max) max = rv;
      }
    }
    return max;
  }
}

/** Kubernetes version priority: v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > anything else (alphabetical). */
export function compareVersionPriority(a: string, b: string): number {
  const rank = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(beta|alpha)(\d+))?$/.exec(v);
    if (!m) return undefined;
    const stability = m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0;
    return [stability, Number(m[1]), m[3] === undefined ? 0 : Number(m[3])];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (!ra || !rb) return ra ? -1 : rb ? 1 : a.localeCompare(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
  return 0;
}
