// The writes the simulator accepts, so `gpuctl doctor --fix` can be tested end to end: POST (create),
// PATCH (JSON merge patch; a strategic merge patch is merged the same way, which is exact for the maps
// --fix changes), DELETE (dependents removed unless propagationPolicy is Orphan, as the garbage collector
// would). Changes go into the simulator's indexes only: the Collection it was started with is not touched.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../src/facts/kube.js';
import type { Catalog, TypeIndex } from './catalog.js';
import { apiVersionOf } from '../../src/collection/resources.js';
import { badRequest, notFound, type ResourceTarget, status, type Status } from './status.js';

export interface WritePath {
  group: string;
  version: string;
  namespace?: string;
  plural: string;
  name?: string;
  subresource?: string;
}

export interface WriteRequest {
  method: string;
  path: WritePath;
  params: URLSearchParams;
  body: string;
  contentType: string;
}

export interface WriteResult {
  status: number;
  /** The object written or deleted, or a Status. */
  body: KubeObject | Status;
}

const MERGE_TYPES = new Set(['application/merge-patch+json', 'application/strategic-merge-patch+json']);

/** RFC 7386: objects merge key by key, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

const keyOf = (index: TypeIndex, namespace: string | undefined, name: string) => `${index.type.namespaced ? (namespace ?? '') : ''}/${name}`;
const qualified = (index: TypeIndex) => (index.type.group ? `${index.type.plural}.${index.type.group}` : index.type.plural);

function put(index: TypeIndex, obj: KubeObject, replacing?: KubeObject): void {
  const key = keyOf(index, obj.metadata.namespace, obj.metadata.name);
  index.byKey.set(key, obj);
  const swap = (list: KubeObject[]) => {
    const at = replacing ? list.indexOf(replacing) : -1;
    if (at >= 0) list[at] = obj;
    else {
      list.push(obj);
      list.sort((a, b) => (keyOf(index, a.metadata.namespace, a.metadata.name) < keyOf(index, b.metadata.namespace, b.metadata.name) ? -1 : 1));
    }
  };
  swap(index.all);
  if (index.type.namespaced) {
    const ns = obj.metadata.namespace ?? '';
    let list = index.byNamespace.get(ns);
    if (!list) index.byNamespace.set(ns, (list = []));
    swap(list);
  }
}

function remove(index: TypeIndex, obj: KubeObject): void {
  index.byKey.delete(keyOf(index, obj.metadata.namespace, obj.metadata.name));
  const drop = (list: KubeObject[] | undefined) => {
    const at = list?.indexOf(obj) ?? -1;
    if (at >= 0) list!.splice(at, 1);
  };
  drop(index.all);
  drop(index.byNamespace.get(obj.metadata.namespace ?? ''));
}

function parseBody(body: string): unknown | Status {
  try {
    return JSON.parse(body);
  } catch (err) {
    return badRequest(`the body of the request was in an unknown format: ${(err as Error).message}`);
  }
}

const isStatus = (v: unknown): v is Status => !!v && typeof v === 'object' && (v as Status).kind === 'Status';

export function applyWrite(catalog: Catalog, req: WriteRequest, nextResourceVersion: () => number): WriteResult {
  const { path } = req;
  const index = catalog.lookup(path.group, path.version, path.plural);
  if (!index || path.subresource !== undefined) return { status: 404, body: notFound() };
  if (path.namespace !== undefined && !index.type.namespaced) return { status: 404, body: notFound() };
  const target: ResourceTarget = { verb: 'get', group: index.type.group, plural: index.type.plural, namespace: path.namespace, name: path.name };

  if (req.method === 'POST') {
    if (path.name !== undefined) return { status: 405, body: status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource') };
    const parsed = parseBody(req.body);
    if (isStatus(parsed)) return { status: 400, body: parsed };
    const obj = parsed as KubeObject;
    if (!obj || typeof obj !== 'object' || !obj.metadata?.name) return { status: 422, body: status(422, 'Invalid', `${index.type.kind} is invalid: metadata.name: Required value: name or generateName is required`) };
    if (obj.kind && obj.kind !== index.type.kind) return { status: 400, body: badRequest(`the kind of the object (${obj.kind}) does not match the resource (${index.type.kind})`) };
    if (index.type.namespaced && obj.metadata.namespace && path.namespace && obj.metadata.namespace !== path.namespace) {
      return { status: 400, body: badRequest('the namespace of the provided object does not match the namespace sent on the request') };
    }
    const namespace = index.type.namespaced ? (path.namespace ?? obj.metadata.namespace) : undefined;
    if (index.byKey.has(keyOf(index, namespace, obj.metadata.name))) {
      return { status: 409, body: status(409, 'AlreadyExists', `${qualified(index)} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, group: index.type.group, kind: index.type.plural }) };
    }
    const created: KubeObject = {
      ...obj,
      apiVersion: apiVersionOf(index.type),
      kind: index.type.kind,
      metadata: {
        ...obj.metadata,
        ...(namespace ? { namespace } : {}),
        uid: randomUUID(),
        creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        resourceVersion: String(nextResourceVersion()),
      } as KubeObject['metadata'],
    };
    put(index, created);
    return { status: 201, body: created };
  }

  if (path.name === undefined) return { status: 405, body: status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource') };
  const existing = index.byKey.get(keyOf(index, path.namespace, path.name));
  if (!existing) return { status: 404, body: notFound(target) };

  if (req.method === 'PATCH') {
    const type = req.contentType.split(';')[0]!.trim();
    if (!MERGE_TYPES.has(type)) return { status: 415, body: status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${[...MERGE_TYPES].join(', ')}`) };
    const patch = parseBody(req.body);
    if (isStatus(patch)) return { status: 400, body: patch };
    const patched = mergePatch(structuredClone(existing), patch) as KubeObject;
    // name, namespace and kind are not the patch's to change
    patched.metadata = { ...patched.metadata, name: existing.metadata.name, namespace: existing.metadata.namespace, resourceVersion: String(nextResourceVersion()) } as KubeObject['metadata'];
    patched.kind = existing.kind;
    put(index, patched, existing);
    return { status: 200, body: patched };
  }

  if (req.method === 'DELETE') {
    const body = req.body ? parseBody(req.body) : {};
    const policy = req.params.get('propagationPolicy') ?? (isStatus(body) ? undefined : (body as { propagationPolicy?: string }).propagationPolicy) ?? (index.type.kind === 'Job' ? 'Orphan' : 'Background');
    remove(index, existing);
    if (policy !== 'Orphan') removeDependents(catalog, existing);
    return { status: 200, body: existing };
  }
  return { status: 405, body: status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource') };
}

/** What the garbage collector does after a cascading delete: objects owned by the deleted one go too. */
function removeDependents(catalog: Catalog, owner: KubeObject): void {
  for (const type of catalog.types) {
    const index = catalog.lookup(type.group, type.version, type.plural);
    if (!index) continue;
    const owned = index.all.filter(
      (o) =>
        o.metadata.namespace === owner.metadata.namespace &&
        o.metadata.ownerReferences?.some((r) => (r.uid && owner.metadata.uid ? r.uid === owner.metadata.uid : r.kind === owner.kind && r.name === owner.metadata.name)),
    );
    for (const o of owned) {
      remove(index, o);
      removeDependents(catalog, o);
    }
  }
}
