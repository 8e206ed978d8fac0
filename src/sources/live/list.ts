// One resource type, listed cluster-wide in pages (limit/continue) with its server-side selectors.
// Each page is parsed and slimmed at once, so no raw JSON of a big cluster stays in memory.
import type { KubeObject } from '../../collection/kube.js';
import type { ResourceType } from '../../collection/resources.js';
import { apiVersionOf } from '../../collection/resources.js';
import type { ApiResponse, KubeClient } from './client.js';
import { RequestFailure } from './client.js';

export type ListOutcome =
  | { objects: KubeObject[] }
  /** Why the type could not be listed: the checks needing it are skipped with this reason. */
  | { unavailable: string }
  /** A CRD whose API is not served: the stack is absent, a fact. */
  | { notInstalled: true };

interface ListPage {
  items?: Record<string, unknown>[];
  metadata?: { continue?: string };
}

/**
 * Metadata only, and nothing else: no fallback to the full object, so a server that cannot answer this
 * way answers 406 and the type is unavailable, rather than handing over Secret data.
 */
export const PARTIAL_METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

/** Annotations that can hold an object's whole content (kubectl apply writes the applied manifest). */
const CONTENT_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

export function listPath(type: ResourceType, chunkSize: number, continueToken?: string): string {
  const group = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  const base = type.namespace ? `${group}/namespaces/${encodeURIComponent(type.namespace)}` : group;
  const query = new URLSearchParams({ limit: String(chunkSize) });
  if (continueToken) query.set('continue', continueToken);
  if (type.fieldSelector) query.set('fieldSelector', type.fieldSelector);
  if (type.labelSelector) query.set('labelSelector', type.labelSelector);
  return `${base}/${type.plural}?${query}`;
}

export async function listAll(
  client: KubeClient,
  type: ResourceType,
  chunkSize: number,
  onPage?: (listedSoFar: number) => void,
  keepUnread = false,
): Promise<ListOutcome> {
  let objects: KubeObject[] = [];
  const share = sharedStrings();
  let continueToken: string | undefined;
  let restarted = false;
  for (;;) {
    let page: ApiResponse<ListPage>;
    try {
      page = await client.getJson<ListPage>(listPath(type, chunkSize, continueToken), type.metadataOnly ? PARTIAL_METADATA_LIST : undefined);
    } catch (err) {
      if (!(err instanceof RequestFailure)) throw err;
      return { unavailable: afterAttempts(err.attempts, err.message) };
    }
    if (page.status === 410 && continueToken && !restarted) {
      // The continue token expired (etcd compacted): the list restarts once, from the beginning.
      restarted = true;
      objects = [];
      continueToken = undefined;
      continue;
    }
    if (!page.value) return failed(type, page);
    for (const item of page.value.items ?? []) objects.push(slim(item, type, keepUnread, share));
    onPage?.(objects.length);
    continueToken = page.value.metadata?.continue || undefined;
    if (!continueToken) return { objects };
  }
}

function failed(type: ResourceType, page: ApiResponse<unknown>): ListOutcome {
  if (page.status === 404 && type.crd) return { notInstalled: true };
  if (page.status === 403) return { unavailable: `forbidden: ${page.message}` };
  if (page.status === 401) return { unavailable: `unauthorized: ${page.message}` };
  if (page.status === 406 && type.metadataOnly) return { unavailable: 'the API server does not list metadata only (406 Not Acceptable)' };
  const detail = page.message && page.attempts === 1 ? `${page.statusLine}: ${page.message}` : page.statusLine;
  return { unavailable: afterAttempts(page.attempts, detail) };
}

function afterAttempts(attempts: number, cause: string): string {
  return attempts > 1 ? `failed after ${attempts} attempts: ${cause}` : cause;
}

/** Keeps one copy of each repeated string value: one per list (see ResourceType.shared). */
export function sharedStrings(): (value: string) => string {
  const kept = new Map<string, string>();
  return (value) => {
    const copy = kept.get(value);
    if (copy !== undefined) return copy;
    kept.set(value, value);
    return value;
  };
}

/**
 * Items of a list carry no kind; managedFields and the type's `strip` fields go before anything keeps
 * them, and unless `keepUnread` its `unread` fields too, while its `shared` fields go through `share`.
 */
export function slim(item: Record<string, unknown>, type: ResourceType, keepUnread = false, share: (value: string) => string = (v) => v): KubeObject {
  const metadata = item.metadata as Record<string, unknown> | undefined;
  if (metadata) delete metadata.managedFields;
  if (type.metadataOnly) return metadataOnly(metadata ?? {}, type);
  for (const field of type.strip ?? []) deletePath(item, field.split('.'));
  if (!keepUnread && (type.unread || type.shared)) compactor(type)(item, share);
  item.apiVersion = apiVersionOf(type);
  item.kind = type.kind;
  return item as KubeObject;
}

/** Field paths as a tree: a leaf drops the field or shares its value; a subtree goes into it (`[]`: into each element). */
interface PathTree {
  [field: string]: PathTree | 'drop' | 'share';
}

type Compactor = (obj: Record<string, unknown>, share: (value: string) => string) => void;

const compactors = new WeakMap<ResourceType, Compactor>();

function compactor(type: ResourceType): Compactor {
  let compact = compactors.get(type);
  if (!compact) {
    const tree: PathTree = {};
    const add = (path: string, leaf: 'drop' | 'share') => {
      let node = tree;
      const parts = path.split('.').flatMap((p) => (p.endsWith('[]') ? [p.slice(0, -2), '[]'] : [p]));
      for (const [i, part] of parts.entries()) {
        const next = node[part];
        if (next === 'drop') return; // a shorter path drops the whole field already
        if (i === parts.length - 1) node[part] = leaf;
        else if (typeof next === 'object') node = next;
        else node = node[part] = {};
      }
    };
    for (const path of type.unread ?? []) add(path, 'drop');
    for (const path of type.shared ?? []) add(path, 'share');
    // Compiled to a function with the field names written out: it runs for each of 100,000 pods, and
    // V8 reads `o["status"]` with a constant name far faster than `o[field]` with a variable one.
    compact = new Function('o', 'share', compactorSource(tree, 'o', 0)) as Compactor;
    compactors.set(type, compact);
  }
  return compact;
}

/**
 * The body that compacts `v` in place. Dropped fields are set to undefined: what they held is freed and
 * the object keeps its shape. `delete` would turn each object into a slow dictionary in V8, which made
 * 100,000 pods bigger instead of smaller; copying them cost more CPU than it saved. JSON.stringify leaves
 * undefined out. Field names come from RESOURCE_TYPES, never from input; JSON.stringify quotes them.
 */
function compactorSource(tree: PathTree, v: string, depth: number): string {
  let body = '';
  for (const [field, rule] of Object.entries(tree)) {
    const at = `${v}[${JSON.stringify(field)}]`;
    if (rule === 'drop') {
      body += `if (${at} !== undefined) ${at} = undefined;\n`;
      continue;
    }
    if (rule === 'share') {
      body += `if (typeof ${at} === 'string') ${at} = share(${at});\n`;
      continue;
    }
    const inner = `v${depth + 1}`;
    const each = rule['[]'];
    if (each && typeof each === 'object') {
      body += `{ const a = ${at}; if (Array.isArray(a)) for (const ${inner} of a) if (${inner} !== null && typeof ${inner} === 'object') {\n${compactorSource(each, inner, depth + 1)}} }\n`;
    }
    const { '[]': _, ...fields } = rule;
    if (Object.keys(fields).length) {
      body += `{ const ${inner} = ${at}; if (${inner} !== null && typeof ${inner} === 'object' && !Array.isArray(${inner})) {\n${compactorSource(fields, inner, depth + 1)}} }\n`;
    }
  }
  return body;
}

function deletePath(obj: Record<string, unknown>, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    delete obj[head];
    return;
  }
  const child = obj[head];
  if (child && typeof child === 'object') deletePath(child as Record<string, unknown>, rest);
}

/**
 * A metadata-only object: whatever the server sent besides metadata is dropped (a proxy that ignored the
 * Accept header), and so are annotations that can carry the content.
 */
function metadataOnly(metadata: Record<string, unknown>, type: ResourceType): KubeObject {
  const annotations = metadata.annotations as Record<string, string> | undefined;
  if (annotations) for (const key of CONTENT_ANNOTATIONS) delete annotations[key];
  return { apiVersion: apiVersionOf(type), kind: type.kind, metadata: metadata as unknown as KubeObject['metadata'] };
}
