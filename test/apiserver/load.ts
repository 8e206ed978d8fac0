// Loads a snapshot (a Collection: examples/, test fixtures, a synthetic cluster) into a real API server:
// CustomResourceDefinitions (the snapshot's own, or permissive ones for the kinds it holds that the server
// does not serve), namespaces, what admission needs (ServiceAccounts, PriorityClasses, RuntimeClasses the
// pods name), the objects, their status through the status subresource, and last the objects that would
// change what admission lets in (webhook configurations, quotas, limit ranges). `unload` removes it all,
// so one API server serves one test file's examples one after another.
import type { KubeObject } from '../../src/facts/kube.js';
import type { Collection } from '../../src/collection/collection.js';
import { RESOURCE_TYPES } from '../../src/collection/resources.js';
import { guessPlural, splitApiVersion } from '../simulator/catalog.js';
import { apiRequest, type ApiResponse, type ControlPlaneInfo } from './control-plane.js';

interface Resource {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  kind: string;
  status: boolean;
}

export interface LoadOptions {
  /** The kubelet stand-in's port: every node gets it as its kubelet port and an InternalDNS address `localhost`. */
  kubeletPort?: number;
  /** Concurrent requests (default 16). */
  concurrency?: number;
}

export interface Loaded {
  /** Objects created, in creation order (those admission needed included). */
  created: ObjectRef[];
  /** Objects the server refused, with its message: a loader test expects none. */
  refused: { ref: string; status: number; message: string }[];
  /** What was changed so that the server would take an object (see repairForCreate). */
  repairs: string[];
  seconds: number;
  unload(): Promise<void>;
}

export interface ObjectRef {
  path: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Kinds loaded after everything else: once they exist, admission would judge (or call out for) the rest. */
const LAST_KINDS = new Set([
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'ResourceQuota',
  'LimitRange',
]);
/** What the server owns, or refuses to have created. */
const SKIP_KINDS = new Set(['Binding', 'ComponentStatus', 'APIService', 'Lease']);
const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
/** Built-in PriorityClasses the API server creates at start. */
const SYSTEM_PRIORITY_CLASSES = new Set(['system-node-critical', 'system-cluster-critical']);

const fail = (what: string, res: ApiResponse) => new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 400)}`);

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

/** Every resource the server serves, by `group/Kind` (preferred version). */
async function discover(cp: ControlPlaneInfo): Promise<Map<string, Resource>> {
  const out = new Map<string, Resource>();
  const versions: { group: string; version: string; path: string }[] = [{ group: '', version: 'v1', path: '/api/v1' }];
  const groups = await apiRequest(cp, { path: '/apis' });
  for (const g of groups.json().groups as { name: string; versions: { version: string }[]; preferredVersion: { version: string } }[]) {
    // Every served version: an object may be stored in an older one than the preferred.
    for (const v of g.versions) versions.push({ group: g.name, version: v.version, path: `/apis/${g.name}/${v.version}` });
  }
  await pool(versions, 8, async (v) => {
    const res = await apiRequest(cp, { path: v.path });
    if (res.status !== 200) return;
    const list = res.json().resources as { name: string; kind: string; namespaced: boolean }[];
    const subs = new Set(list.filter((r) => r.name.includes('/')).map((r) => r.name));
    for (const r of list) {
      if (r.name.includes('/')) continue;
      const key = `${v.group}/${v.version}/${r.kind}`;
      out.set(key, { group: v.group, version: v.version, plural: r.name, namespaced: r.namespaced, kind: r.kind, status: subs.has(`${r.name}/status`) });
    }
  });
  return out;
}

function resourcePath(r: Resource, namespace?: string, name?: string, sub?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ''}${sub ? `/${sub}` : ''}`;
}

/** A CustomResourceDefinition that takes any object of this kind, with a status subresource. */
export function permissiveCrd(group: string, version: string, kind: string, plural: string, namespaced: boolean): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: namespaced ? 'Namespaced' : 'Cluster',
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  } as KubeObject;
}

/** The object as a client may create it: no server-set metadata, no status (that goes through /status). */
function forCreate(obj: KubeObject): KubeObject {
  const { status: _status, ...rest } = obj as KubeObject & { status?: unknown };
  const m = { ...obj.metadata } as Record<string, unknown>;
  for (const f of ['resourceVersion', 'uid', 'creationTimestamp', 'selfLink', 'managedFields', 'generation', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'finalizers']) delete m[f];
  return { ...rest, metadata: m } as unknown as KubeObject;
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const clone = <T>(o: T): T => structuredClone(o);

/**
 * What a snapshot holds that a real API server refuses from a client, made acceptable. Each repair is
 * noted (`Loaded.repairs`) except server-derived fields (a Job's generated selector, a Service's allocated
 * IP, a pod's QoS class); the notes are snapshot shapes no real server would have taken (a mirror pod
 * naming a ServiceAccount or mounting its token, a ReplicaSet template without its selector's labels, a
 * mount of an undeclared volume, a v1 webhook with sideEffects Unknown). Only fields no check reads change.
 */
export function repairForCreate(obj: KubeObject, note: (what: string) => void): KubeObject {
  const o = clone(obj) as Obj;
  const spec = o.spec as Obj | undefined;
  if (o.kind === 'Pod' && spec) {
    if (o.metadata.annotations?.['kubernetes.io/config.mirror'] && (spec.serviceAccountName || spec.serviceAccount)) {
      delete spec.serviceAccountName;
      delete spec.serviceAccount;
      note('mirror pod: dropped spec.serviceAccountName (a mirror pod may not reference service accounts)');
    }
    if (o.metadata.annotations?.['kubernetes.io/config.mirror']) {
      const tokenVolumes = ((spec.volumes ?? []) as Obj[]).filter((v) => (v.projected?.sources as Obj[] | undefined)?.some((src) => src.serviceAccountToken));
      for (const v of tokenVolumes) {
        spec.volumes = (spec.volumes as Obj[]).filter((x) => x !== v);
        for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Obj[]) c.volumeMounts = ((c.volumeMounts ?? []) as Obj[]).filter((m) => m.name !== v.name);
        note(`mirror pod: dropped service-account token volume ${v.name} (a mirror pod may not use ServiceAccountToken volume projections)`);
      }
    }
    const volumes = new Set(((spec.volumes ?? []) as Obj[]).map((v) => v.name));
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Obj[]) {
      for (const mount of (c.volumeMounts ?? []) as Obj[]) {
        if (volumes.has(mount.name)) continue;
        volumes.add(mount.name);
        (spec.volumes ??= []).push({ name: mount.name, emptyDir: {} });
        note(`added emptyDir volume ${mount.name} that container ${c.name} mounts`);
      }
    }
  }
  if (['ReplicaSet', 'Deployment', 'DaemonSet', 'StatefulSet'].includes(o.kind) && spec?.selector?.matchLabels && spec.template) {
    const labels = ((spec.template.metadata ??= {}).labels ??= {}) as Record<string, string>;
    for (const [k, v] of Object.entries(spec.selector.matchLabels as Record<string, string>)) {
      if (labels[k] === v) continue;
      labels[k] = v;
      note(`template label ${k}=${v} added: the selector requires it`);
    }
  }
  if (o.kind === 'Job' && spec && !spec.manualSelector) {
    // The server generates the selector and these labels from the Job's (new) uid.
    delete spec.selector;
    const labels = spec.template?.metadata?.labels as Record<string, string> | undefined;
    for (const k of ['controller-uid', 'batch.kubernetes.io/controller-uid']) if (labels && k in labels) delete labels[k];
  }
  if (o.kind === 'Service' && spec && (spec.clusterIP || spec.clusterIPs) && spec.clusterIP !== 'None') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  }
  if ((o.kind === 'MutatingWebhookConfiguration' || o.kind === 'ValidatingWebhookConfiguration') && o.apiVersion === 'admissionregistration.k8s.io/v1') {
    for (const w of (o.webhooks ?? []) as Obj[]) {
      if (w.sideEffects === 'None' || w.sideEffects === 'NoneOnDryRun') continue;
      note(`webhook ${w.name}: sideEffects ${w.sideEffects ?? '(unset)'} → None (v1 accepts None or NoneOnDryRun only)`);
      w.sideEffects = 'None';
    }
  }
  return o as KubeObject;
}

/** The status as the status subresource takes it: the QoS class is the server's to compute from the spec. */
function repairStatus(kind: string, status: Obj): Obj {
  if (kind !== 'Pod' || status.qosClass === undefined) return status;
  const { qosClass: _qosClass, ...rest } = status;
  return rest;
}

const refOf = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

async function waitEstablished(cp: ControlPlaneInfo, names: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (const name of names) {
    for (;;) {
      const res = await apiRequest(cp, { path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}` });
      const conditions = (res.status === 200 ? res.json().status?.conditions : []) as { type: string; status: string }[] | undefined;
      if (conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CustomResourceDefinition ${name} not established after 60 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Waits until discovery serves every kind in `keys` (CRDs take a moment after Established). */
async function waitServed(cp: ControlPlaneInfo, keys: string[]): Promise<Map<string, Resource>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const types = await discover(cp);
    const missing = keys.filter((k) => !types.has(k));
    if (missing.length === 0) return types;
    if (Date.now() > deadline) throw new Error(`not served after 60 s: ${missing.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function loadCollection(cp: ControlPlaneInfo, collection: Collection, options: LoadOptions = {}): Promise<Loaded> {
  const started = Date.now();
  const concurrency = options.concurrency ?? 16;
  const created: ObjectRef[] = [];
  const refused: Loaded['refused'] = [];
  const repairs: string[] = [];
  const objects = collection.objects.filter((o) => o.kind && o.metadata?.name && !SKIP_KINDS.has(o.kind) && !o.kind.endsWith('List'));

  const create = async (r: Resource, obj: KubeObject, tolerateExisting = false): Promise<KubeObject | undefined> => {
    const namespace = r.namespaced ? (obj.metadata.namespace ?? 'default') : undefined;
    const repaired = repairForCreate(obj, (what) => repairs.push(`${refOf(obj)}: ${what}`));
    const body = forCreate({ ...repaired, metadata: { ...repaired.metadata, ...(namespace ? { namespace } : {}) } });
    if (!r.namespaced) delete (body.metadata as { namespace?: string }).namespace;
    const res = await apiRequest(cp, { method: 'POST', path: resourcePath(r, namespace), body });
    if (res.status === 409 && tolerateExisting) return undefined;
    if (res.status !== 201 && res.status !== 200) {
      refused.push({ ref: refOf(obj), status: res.status, message: res.json().message ?? res.text });
      return undefined;
    }
    created.push({ path: resourcePath(r, namespace, obj.metadata.name), kind: r.kind, namespace, name: obj.metadata.name });
    return res.json() as KubeObject;
  };

  // 1. CustomResourceDefinitions: the snapshot's, then permissive ones for kinds nothing serves.
  let types = await discover(cp);
  const crdType = types.get('apiextensions.k8s.io/v1/CustomResourceDefinition')!;
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  const defined = new Set<string>();
  for (const crd of crds) {
    const spec = crd.spec as { group: string; names: { kind: string }; versions?: { name: string }[] };
    for (const v of spec.versions ?? []) defined.add(`${spec.group}/${v.name}/${spec.names.kind}`);
  }
  const wanted = new Map<string, KubeObject>();
  for (const o of objects) {
    const { group, version } = splitApiVersion(o.apiVersion ?? 'v1');
    const key = `${group}/${version}/${o.kind}`;
    if (types.has(key) || defined.has(key) || wanted.has(key)) continue;
    const known = RESOURCE_TYPES.find((t) => t.kind === o.kind && t.group === group);
    const plural = known?.plural ?? guessPlural(o.kind);
    const namespaced = known?.namespaced ?? Boolean(o.metadata.namespace);
    wanted.set(key, permissiveCrd(group, version, o.kind, plural, namespaced));
  }
  // The CRD kinds gpuctl reads whose CustomResourceDefinition the snapshot lists without objects.
  const allCrds = [...crds, ...wanted.values()];
  await pool(allCrds, concurrency, async (crd) => void (await create(crdType, crd)));
  await waitEstablished(cp, allCrds.map((c) => c.metadata.name));
  const needed = [...new Set(objects.map((o) => { const { group, version } = splitApiVersion(o.apiVersion ?? 'v1'); return `${group}/${version}/${o.kind}`; }))];
  types = await waitServed(cp, needed.filter((k) => defined.has(k) || wanted.has(k)));
  const typeOf = (o: KubeObject): Resource | undefined => {
    const { group, version } = splitApiVersion(o.apiVersion ?? 'v1');
    return types.get(`${group}/${version}/${o.kind}`);
  };

  // 2. Namespaces: the snapshot's, and every namespace an object names.
  const nsType = types.get('/v1/Namespace')!;
  const namespaces = new Map<string, KubeObject>();
  for (const o of objects) {
    if (o.kind === 'Namespace') namespaces.set(o.metadata.name, o);
  }
  for (const o of objects) {
    const ns = o.metadata.namespace;
    if (ns && typeOf(o)?.namespaced && !namespaces.has(ns)) namespaces.set(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }
  await pool(
    [...namespaces.values()].filter((n) => !SYSTEM_NAMESPACES.has(n.metadata.name)),
    concurrency,
    async (n) => void (await create(nsType, n, true)),
  );

  // 3. What admission needs for the pods: their ServiceAccounts, PriorityClasses, RuntimeClasses.
  const pods = objects.filter((o) => o.kind === 'Pod' && !o.apiVersion?.includes('/'));
  const have = (kind: string, name: string, namespace?: string) =>
    objects.some((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  const saType = types.get('/v1/ServiceAccount')!;
  const pcType = types.get('scheduling.k8s.io/v1/PriorityClass')!;
  const rcType = types.get('node.k8s.io/v1/RuntimeClass')!;
  const serviceAccounts = new Map<string, KubeObject>();
  const priorityClasses = new Map<string, KubeObject>();
  const runtimeClasses = new Map<string, KubeObject>();
  for (const pod of pods) {
    const spec = (pod.spec ?? {}) as { serviceAccountName?: string; serviceAccount?: string; priorityClassName?: string; priority?: number; runtimeClassName?: string };
    const ns = pod.metadata.namespace ?? 'default';
    const sa = spec.serviceAccountName || spec.serviceAccount || 'default';
    if (!have('ServiceAccount', sa, ns)) serviceAccounts.set(`${ns}/${sa}`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: ns } });
    const pc = spec.priorityClassName;
    if (pc && !SYSTEM_PRIORITY_CLASSES.has(pc) && !have('PriorityClass', pc)) {
      priorityClasses.set(pc, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: pc }, value: spec.priority ?? 0 } as KubeObject);
    }
    const rc = spec.runtimeClassName;
    if (rc && !have('RuntimeClass', rc)) runtimeClasses.set(rc, { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: rc }, handler: rc } as KubeObject);
  }
  await pool([...serviceAccounts.values()], concurrency, async (o) => void (await create(saType, o, true)));
  await pool([...priorityClasses.values()], concurrency, async (o) => void (await create(pcType, o, true)));
  // A pod may name a RuntimeClass that is gone (that is what a check finds): it existed when the pod
  // was admitted. Create it for the pods' admission and delete it again after.
  const temporary: ObjectRef[] = [];
  for (const rc of runtimeClasses.values()) {
    const res = await apiRequest(cp, { method: 'POST', path: resourcePath(rcType), body: rc });
    if (res.status !== 201) throw fail(`temporary RuntimeClass ${rc.metadata.name}`, res);
    temporary.push({ path: resourcePath(rcType, undefined, rc.metadata.name), kind: 'RuntimeClass', name: rc.metadata.name });
  }

  // 4. Objects: cluster-scoped first, then namespaced; admission-changing kinds and events last.
  const rest = objects.filter((o) => o.kind !== 'CustomResourceDefinition' && o.kind !== 'Namespace');
  const unknown = rest.filter((o) => !typeOf(o));
  for (const o of unknown) refused.push({ ref: refOf(o), status: 0, message: `no resource serves ${o.apiVersion} ${o.kind}` });
  const rank = (o: KubeObject) => (LAST_KINDS.has(o.kind) ? 3 : o.kind === 'Event' ? 2 : typeOf(o)!.namespaced ? 1 : 0);
  const ordered = rest.filter((o) => typeOf(o)).sort((a, b) => rank(a) - rank(b));
  const createdObjects = new Map<KubeObject, KubeObject>();
  for (const phase of [0, 1, 2, 3]) {
    if (phase === 2) {
      // Statuses before the admission-changing kinds arrive.
      await writeStatuses();
      for (const t of temporary) await apiRequest(cp, { method: 'DELETE', path: t.path });
    }
    await pool(ordered.filter((o) => rank(o) === phase), concurrency, async (o) => {
      const made = await create(typeOf(o)!, o.kind === 'Pod' ? withAdmittedPriority(o) : o);
      if (made) createdObjects.set(o, made);
    });
  }

  async function writeStatuses(): Promise<void> {
    const withStatus = [...createdObjects.entries()].filter(([o]) => typeOf(o)!.status && (o as { status?: unknown }).status);
    await pool(withStatus, concurrency, async ([o, made]) => {
      const r = typeOf(o)!;
      const path = resourcePath(r, made.metadata.namespace, made.metadata.name, 'status');
      const res = await apiRequest(cp, { method: 'PATCH', path, contentType: 'application/merge-patch+json', body: { status: repairStatus(o.kind, statusFor(o, options) as Obj) } });
      if (res.status !== 200) refused.push({ ref: `${refOf(o)} status`, status: res.status, message: res.json().message ?? res.text });
      if (o.kind === 'Node') await restoreTaints(o, path.replace(/\/status$/, ''));
    });
  }

  /** TaintNodesByCondition taints every new node not-ready; the snapshot's taints are the truth. */
  async function restoreTaints(node: KubeObject, path: string): Promise<void> {
    const taints = ((node.spec ?? {}) as { taints?: unknown[] }).taints ?? null;
    const res = await apiRequest(cp, { method: 'PATCH', path, contentType: 'application/merge-patch+json', body: { spec: { taints } } });
    if (res.status !== 200) refused.push({ ref: `${refOf(node)} taints`, status: res.status, message: res.json().message ?? res.text });
  }

  const all = [...created];
  return {
    created: all,
    refused,
    repairs,
    seconds: (Date.now() - started) / 1000,
    unload: () => unload(cp, all, concurrency),
  };
}

/** A pod without a PriorityClass gets priority 0 from admission, which refuses any other value. */
function withAdmittedPriority(pod: KubeObject): KubeObject {
  const spec = pod.spec as { priorityClassName?: string; priority?: number } | undefined;
  if (!spec || spec.priorityClassName || !spec.priority) return pod;
  const { priority: _priority, ...rest } = spec;
  return { ...pod, spec: rest } as KubeObject;
}

function statusFor(o: KubeObject, options: LoadOptions): unknown {
  const status = (o as { status?: Record<string, unknown> }).status!;
  if (o.kind !== 'Node' || options.kubeletPort === undefined) return status;
  const addresses = ((status.addresses ?? []) as { type: string; address: string }[]).filter((a) => a.type !== 'InternalDNS');
  return {
    ...status,
    addresses: [{ type: 'InternalDNS', address: 'localhost' }, ...addresses],
    daemonEndpoints: { kubeletEndpoint: { Port: options.kubeletPort } },
    // The stand-in speaks WebSocket exec itself: kube-apiserver then proxies the upgrade as is.
    declaredFeatures: [...new Set([...((status.declaredFeatures ?? []) as string[]), 'ExtendWebSocketsToKubelet'])],
  };
}

/** Deletes what `loadCollection` created, last first; namespaces are finalized (no namespace controller runs). */
async function unload(cp: ControlPlaneInfo, created: ObjectRef[], concurrency: number): Promise<void> {
  const order = (r: ObjectRef) => (LAST_KINDS.has(r.kind) ? 0 : r.kind === 'Namespace' ? 3 : r.kind === 'CustomResourceDefinition' ? 2 : 1);
  for (const phase of [0, 1, 2, 3]) {
    await pool(created.filter((r) => order(r) === phase), concurrency, async (r) => {
      const res = await apiRequest(cp, { method: 'DELETE', path: `${r.path}?gracePeriodSeconds=0&propagationPolicy=Background` });
      if (res.status === 404) return;
      if (res.status !== 200 && res.status !== 202) throw fail(`delete ${r.path}`, res);
      if (r.kind === 'Namespace') {
        const ns = res.json();
        const fin = await apiRequest(cp, { method: 'PUT', path: `${r.path}/finalize`, body: { ...ns, spec: { finalizers: [] } } });
        if (fin.status !== 200 && fin.status !== 404) throw fail(`finalize ${r.path}`, fin);
      }
    });
  }
  // Wait until every object is gone (CRDs drain their custom resources first).
  const deadline = Date.now() + 60_000;
  for (const r of created) {
    for (;;) {
      const res = await apiRequest(cp, { path: r.path });
      if (res.status === 404) break;
      if (Date.now() > deadline) throw new Error(`still there after delete: ${r.path} (${res.status})`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}
