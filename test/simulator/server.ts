// A Kubernetes API simulator: a real HTTP server (node:http) that serves a Collection the way an API
// server would, for kubectl, @kubernetes/client-node and plain fetch. See README.md beside this file.
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { KubeObject, Pod } from '../../src/facts/kube.js';
import type { Collection } from '../../src/sources/collection.js';
import { apiVersionOf } from '../../src/sources/resources.js';
import { Catalog, type TypeIndex, type ServedType } from './catalog.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.js';
import { type Behaviours, createExecServer } from './exec.js';
import { DEFAULT_USER, type Fault, FaultTable } from './faults.js';
import { ProbeCluster, type ProbeClusterOptions } from './probe-cluster.js';
import { podLog, readLogQuery } from './logs.js';
import { partialMetadataList, wantsPartialMetadataList } from './metadata.js';
import { asTable, wantsTable } from './tables.js';
import { combine, compileFieldSelector, compileLabelSelector, type Predicate, SelectorError, supportsFieldLabel } from './selectors.js';
import { serviceProxy } from './service-proxy.js';
import { applyWrite } from './writes.js';
import {
  badRequest,
  expired,
  methodNotAllowed,
  notFound,
  type ResourceTarget,
  type Status,
  statusForCode,
} from './status.js';

export type { Fault } from './faults.js';
export type { Behaviours, ContainerBehaviour } from './exec.js';

export interface SimulatorOptions {
  collection: Collection;
  /** 0 or absent: any free port. */
  port?: number;
  host?: string;
  faults?: Fault[];
  /**
   * Keep each object's JSON once serialised: repeated lists (benchmarks) then cost string joins only,
   * at the price of holding the JSON of every object served (about 370 MB for 100,000 pods).
   */
  cacheJson?: boolean;
  /**
   * The cluster side of the node probe (probe-cluster.ts): pods and DaemonSets created and deleted, a
   * DaemonSet controller, a tiny kubelet, SelfSubjectAccessReview, the probe script answered by exec.
   */
  probe?: ProbeClusterOptions;
  /** pods/exec: what each container (`ns/pod/container`) has beyond the snapshot (sh, strace, /proc). */
  containers?: Behaviours;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The status sent; 0 while unanswered (and forever for a hung request). */
  status: number;
  /** The fault applied to this request, if any. */
  fault?: 'latency' | 'status' | 'cut' | 'hang' | 'refuse';
}

export interface KubeconfigOptions {
  token?: string;
  context?: string;
  namespace?: string;
}

export interface Simulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** Every request received, in order, so tests can count API requests. */
  requests: RequestRecord[];
  /** Replaces the armed faults (and their counts). */
  setFaults(faults: Fault[]): void;
  /** Compacts history: every continue token handed out so far answers 410 Expired from now on. */
  expireContinueTokens(): void;
  /** With `probe`: the objects created, the probe scripts answered. */
  probe?: ProbeCluster;
  /** Writes a kubeconfig whose current context points at this simulator; returns the file. */
  writeKubeconfig(file: string, options?: KubeconfigOptions): Promise<string>;
  close(): Promise<void>;
}

/** What a route answers: a status, headers and a body produced chunk by chunk. */
interface Reply {
  status: number;
  contentType: string;
  headers?: Record<string, string>;
  body: Iterable<string | Buffer>;
}

interface RequestContext {
  method: string;
  path: string;
  params: URLSearchParams;
  req: IncomingMessage;
}

/** A handler for `RESOURCE/NAME/SUBRESOURCE`: pods/log; pods/exec answers here only without an upgrade (exec.ts). */
type SubresourceHandler = (object: KubeObject, ctx: RequestContext) => Reply | Promise<Reply>;

const JSON_TYPE = 'application/json';
/** Objects per serialised chunk: big enough to amortise writes, small enough to stream. */
const CHUNK_CHARS = 256 * 1024;

function jsonReply(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return { status, contentType: JSON_TYPE, headers, body: [JSON.stringify(value)] };
}

function statusReply(s: Status, headers?: Record<string, string>): Reply {
  return jsonReply(s.code, s, headers);
}

type Serialize = (obj: KubeObject) => string;

/** A list streamed as it is serialised: one JSON.stringify per object, never one for the whole list. */
function* listBody(kind: string, apiVersion: string, metadata: object, items: KubeObject[], serialize: Serialize): Generator<string> {
  let chunk = `{"kind":${JSON.stringify(kind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(metadata)},"items":[`;
  for (let i = 0; i < items.length; i++) {
    chunk += (i === 0 ? '' : ',') + serialize(items[i]!);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk + ']}';
}

interface ContinueToken {
  v: string;
  rv: number;
  /** group/plural/namespace the list was of: a token is only good for the same list. */
  key: string;
  /** Position in the unfiltered, sorted objects where the next page starts. */
  pos: number;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(raw: string): ContinueToken | undefined {
  try {
    const token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof token.rv === 'number' && typeof token.key === 'string' && Number.isInteger(token.pos) && token.pos >= 0) return token;
  } catch {
    /* not ours */
  }
  return undefined;
}

const CORE_PREFIX = /^\/api\/v1(?:\/|$)/;
const GROUP_PREFIX = /^\/apis\/([^/]+)\/([^/]+)(?:\/|$)/;

/** `/api/v1/namespaces/ns/pods/p/log` → its parts; undefined when the path names no resource. */
function parseResourcePath(urlPath: string):
  | { group: string; version: string; namespace?: string; plural: string; name?: string; subresource?: string; extra: boolean }
  | undefined {
  let group = '';
  let version = 'v1';
  let rest: string;
  const core = CORE_PREFIX.exec(urlPath);
  if (core) rest = urlPath.slice(core[0].length);
  else {
    const g = GROUP_PREFIX.exec(urlPath);
    if (!g) return undefined;
    group = g[1]!;
    version = g[2]!;
    rest = urlPath.slice(g[0].length);
  }
  let segments: string[];
  try {
    segments = rest.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    return undefined; // malformed %-escapes name nothing
  }
  if (segments.length === 0) return undefined;
  let namespace: string | undefined;
  if (segments[0] === 'namespaces' && segments.length >= 3) {
    namespace = segments[1];
    segments.splice(0, 2);
  }
  const [plural, name, subresource] = segments as [string, string?, string?];
  return { group, version, namespace, plural, name, subresource, extra: segments.length > 3 };
}

/** What a fault's Status should name: the resource and verb of the request, when it names one. */
function targetOf(urlPath: string): ResourceTarget | undefined {
  const parsed = parseResourcePath(urlPath);
  if (!parsed) return undefined;
  return {
    verb: parsed.name === undefined ? 'list' : 'get',
    group: parsed.group,
    plural: parsed.plural,
    namespace: parsed.namespace,
    name: parsed.name,
    subresource: parsed.subresource,
  };
}

export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const { collection } = options;
  const catalog = new Catalog(collection);
  const faults = new FaultTable();
  faults.set(options.faults ?? []);
  const requests: RequestRecord[] = [];
  const probe = options.probe ? new ProbeCluster(catalog, collection, options.probe) : undefined;
  let resourceVersion = Math.max(catalog.maxResourceVersion(), 1000);
  /** Tokens issued at a resourceVersion below this have been "compacted away": 410. */
  let compactedBelow = 0;
  let serverAddress = '';
  const jsonCache = new WeakMap<KubeObject, string>();
  const serialize: Serialize = options.cacheJson
    ? (obj) => {
        let json = jsonCache.get(obj);
        if (json === undefined) jsonCache.set(obj, (json = JSON.stringify(obj)));
        return json;
      }
    : (obj) => JSON.stringify(obj);

  const subresources: Record<string, SubresourceHandler> = {
    'pods/log': (object, ctx) => {
      const query = readLogQuery(ctx.params);
      if ('code' in query) return statusReply(query);
      const result = podLog(object as Pod, collection.logs, query);
      if (!Buffer.isBuffer(result)) return statusReply(result);
      return { status: 200, contentType: 'text/plain', body: [result] };
    },
    'pods/exec': () => statusReply(badRequest('Upgrade request required')),
  };

  function list(index: TypeIndex, namespace: string | undefined, params: URLSearchParams): Reply {
    const { type } = index;
    let predicate: Predicate | undefined;
    try {
      predicate = combine(compileLabelSelector(params.get('labelSelector')), compileFieldSelector(params.get('fieldSelector'), (f) => supportsFieldLabel(type.group, type.plural, f)));
    } catch (err) {
      if (err instanceof SelectorError) return statusReply(badRequest(err.message));
      throw err;
    }
    const source = namespace === undefined ? index.all : (index.byNamespace.get(namespace) ?? []);
    const listKey = `${type.group}/${type.plural}/${namespace ?? ''}`;
    const limitParam = Number(params.get('limit') ?? 0);
    const limit = Number.isInteger(limitParam) && limitParam > 0 ? limitParam : Number.POSITIVE_INFINITY;

    let start = 0;
    let listRv = resourceVersion;
    const rawContinue = params.get('continue');
    if (rawContinue) {
      const token = decodeContinue(rawContinue);
      if (!token || token.key !== listKey) return statusReply(badRequest('continue key is not valid: the continue token does not belong to this list'));
      if (token.rv < compactedBelow) return statusReply(expired());
      start = token.pos;
      listRv = token.rv; // every page of one list is served at the first page's resourceVersion
    }

    let items: KubeObject[];
    let next: number;
    if (!predicate) {
      next = Math.min(source.length, start + limit);
      items = source.slice(start, next);
    } else {
      items = [];
      next = start;
      while (next < source.length && items.length < limit) {
        const obj = source[next++]!;
        if (predicate(obj)) items.push(obj);
      }
    }
    const metadata: Record<string, string | number> = { resourceVersion: String(listRv) };
    if (next < source.length) {
      metadata.continue = encodeContinue({ v: 'meta.k8s.io/v1', rv: listRv, key: listKey, pos: next });
      // Like etcd: a count of what is left only when no selector filters the list.
      if (!predicate) metadata.remainingItemCount = source.length - next;
    }
    return { status: 200, contentType: JSON_TYPE, body: listBody(`${type.kind}List`, apiVersionOf(type), metadata, items, serialize) };
  }

  /** `kubectl get`'s Accept: the list or object printed server-side, as kube-apiserver does. */
  function tableReply(body: Iterable<string | Buffer>, type: ServedType, params: URLSearchParams): Reply {
    const table = asTable(body, { group: type.group, plural: type.plural, crdColumns: type.printerColumns, includeObject: params.get('includeObject') });
    return { status: table.status, contentType: JSON_TYPE, body: [table.body] };
  }

  async function resource(ctx: RequestContext): Promise<Reply | undefined> {
    const parsed = parseResourcePath(ctx.path);
    if (!parsed) return undefined;
    const index = catalog.lookup(parsed.group, parsed.version, parsed.plural);
    if (!index || parsed.extra) return statusReply(notFound());
    const { type } = index;
    if (parsed.namespace !== undefined && !type.namespaced) return statusReply(notFound());
    if (parsed.name === undefined) {
      if (ctx.params.get('watch') === 'true' || ctx.params.get('watch') === '1') return statusReply(methodNotAllowed());
      const reply = list(index, parsed.namespace, ctx.params);
      if (reply.status !== 200) return reply;
      if (wantsTable(ctx.req)) return tableReply(reply.body, type, ctx.params);
      return wantsPartialMetadataList(ctx.req) ? { ...reply, body: [partialMetadataList(reply.body)] } : reply;
    }
    if (type.namespaced && parsed.namespace === undefined) return statusReply(notFound());
    const target: ResourceTarget = { verb: 'get', group: type.group, plural: type.plural, namespace: parsed.namespace, name: parsed.name };
    const object = index.byKey.get(`${parsed.namespace ?? ''}/${parsed.name}`);
    if (parsed.subresource !== undefined) {
      const handler = subresources[`${type.plural}/${parsed.subresource}`];
      if (!handler) return statusReply(notFound());
      if (!object) return statusReply(notFound(target));
      return handler(object, ctx);
    }
    if (!object) return statusReply(notFound(target));
    if (wantsTable(ctx.req)) return tableReply([serialize(object)], type, ctx.params);
    return { status: 200, contentType: JSON_TYPE, body: [serialize(object)] };
  }

  /** Discovery and resources; a 404 Status for paths the API server does not know. */
  async function route(ctx: RequestContext): Promise<Reply> {
    const p = ctx.path.length > 1 ? ctx.path.replace(/\/+$/, '') : ctx.path;
    if (p === '/version') return jsonReply(200, versionInfo(collection.meta.serverVersion));
    if (p === '/api') return jsonReply(200, apiVersions(serverAddress));
    if (p === '/api/v1') return jsonReply(200, apiResourceList(catalog, '', 'v1'));
    if (p === '/apis') return jsonReply(200, apiGroupList(catalog));
    let m: RegExpExecArray | null;
    if ((m = /^\/apis\/([^/]+)$/.exec(p))) {
      const doc = apiGroup(catalog, m[1]!);
      return doc ? jsonReply(200, doc) : statusReply(notFound());
    }
    if ((m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(p))) {
      const doc = apiResourceList(catalog, m[1]!, m[2]!);
      return doc ? jsonReply(200, doc) : statusReply(notFound());
    }
    const proxied = serviceProxy(catalog, collection.prometheus, p, ctx.params);
    if (proxied) return { status: proxied.status, contentType: proxied.contentType, body: [proxied.body] };
    return (await resource({ ...ctx, path: p })) ?? statusReply(notFound());
  }

  /** POST, PATCH, DELETE of an object (writes.ts): the indexes change, later reads see it. */
  async function write(method: string, url: URL, req: IncomingMessage): Promise<Reply> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    // Probe pods and DaemonSets, access reviews (probe-cluster.ts) first; every other write changes the catalog.
    const probed = probe?.handle(method, url.pathname, parseJson(body));
    if (probed) return jsonReply(probed.status, probed.value);
    const parsed = parseResourcePath(url.pathname.replace(/\/+$/, ''));
    if (!parsed || parsed.extra) return statusReply(notFound());
    const result = applyWrite(catalog, { method, path: parsed, params: url.searchParams, body, contentType: req.headers['content-type'] ?? '' }, () => ++resourceVersion);
    return jsonReply(result.status, result.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    const record: RequestRecord = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0 };
    requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));

    const fault = faults.take(method, url.pathname, url.search.slice(1));
    if (fault?.latencyMs) {
      record.fault = 'latency';
      await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
      if (res.destroyed) return;
    }
    if (fault?.hang) {
      record.fault = 'hang';
      return; // the socket stays open until the client or close() ends it
    }
    if (fault?.refuse) {
      record.fault = 'refuse';
      refuseConnections();
      req.socket.destroy();
      return;
    }
    let reply: Reply;
    if (fault?.status) {
      record.fault = 'status';
      const retryAfterSeconds = fault.retryAfterSeconds ?? 1;
      const s = statusForCode(
        fault.status,
        { method, path: url.pathname, target: targetOf(url.pathname) },
        { user: fault.user ?? DEFAULT_USER, message: fault.message, retryAfterSeconds },
      );
      reply = statusReply(s, fault.status === 429 || fault.status === 503 ? { 'Retry-After': String(retryAfterSeconds) } : undefined);
    } else if (method === 'POST' || method === 'PATCH' || method === 'DELETE') {
      reply = await write(method, url, req);
    } else if (method !== 'GET' && method !== 'HEAD') {
      reply = statusReply(methodNotAllowed());
    } else {
      reply = await route({ method, path: url.pathname, params: url.searchParams, req });
    }
    if (fault?.cut) {
      record.fault = 'cut';
      record.status = reply.status;
      await sendCut(res, reply, fault.cut === true ? undefined : fault.cut.afterBytes);
    } else {
      await send(res, reply);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the simulator, not a fault under test: say so loudly in the response.
      if (!res.headersSent) {
        const s = statusForCode(500, { method: req.method ?? 'GET', path: req.url ?? '' }, {
          user: DEFAULT_USER,
          message: `simulator: ${(err as Error).stack ?? String(err)}`,
          retryAfterSeconds: 1,
        });
        res.writeHead(500, { 'Content-Type': JSON_TYPE }).end(JSON.stringify(s));
      } else res.destroy();
    });
  });
  const exec = createExecServer({
    catalog,
    collection,
    faults,
    behaviours: options.containers ?? {},
    record: (entry) => requests.push(entry),
    refuseConnections: () => refuseConnections(),
    ...(probe ? { script: (pod: Pod, container: string, command: string[]) => probe.execScript(pod, container, command) } : {}),
  });
  server.on('upgrade', exec.upgrade);
  let listening = true;
  /** Stops accepting connections (idle keep-alive ones close too, as Node's http server does): later ones are refused. */
  const refuseConnections = () => {
    if (!listening) return;
    listening = false;
    server.close();
  };
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port, address } = server.address() as AddressInfo;
  serverAddress = `${address}:${port}`;
  const url = `http://${address}:${port}`;

  return {
    url,
    port,
    requests,
    ...(probe ? { probe } : {}),
    setFaults: (list) => faults.set(list),
    expireContinueTokens() {
      resourceVersion++;
      compactedBelow = resourceVersion;
    },
    async writeKubeconfig(file, kubeconfigOptions = {}) {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, kubeconfigFor(url, kubeconfigOptions), { mode: 0o600 });
      return file;
    },
    async close() {
      probe?.close();
      const closed = listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
      listening = false;
      server.closeAllConnections();
      exec.close();
      await closed;
    },
  };
}

export function kubeconfigFor(url: string, options: KubeconfigOptions = {}): string {
  const context = options.context ?? 'simulator';
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    // @kubernetes/client-node refuses http:// servers unless TLS verification is off; kubectl ignores it.
    clusters: [{ name: context, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: context, user: { token: options.token ?? 'simulator-token' } }],
    contexts: [{ name: context, context: { cluster: context, user: context, ...(options.namespace ? { namespace: options.namespace } : {}) } }],
    'current-context': context,
  });
}

/** A request body as JSON; undefined when there is none or it does not parse. */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a reply with backpressure; stops quietly when the client has gone. */
async function send(res: ServerResponse, reply: Reply): Promise<void> {
  res.writeHead(reply.status, { 'Content-Type': reply.contentType, ...reply.headers });
  for (const chunk of reply.body) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await drained(res);
  }
  res.end();
}

/** Headers and the first bytes of the body, then the socket destroyed: a connection cut mid-body. */
async function sendCut(res: ServerResponse, reply: Reply, afterBytes?: number): Promise<void> {
  const head: Buffer[] = [];
  let total = 0;
  for (const chunk of reply.body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    head.push(buf);
    total += buf.length;
    if (total >= Math.max(afterBytes ?? 0, 1024)) break;
  }
  const all = Buffer.concat(head);
  const cutAt = Math.min(afterBytes ?? Math.min(512, Math.floor(all.length / 2)), Math.max(all.length - 1, 0));
  res.writeHead(reply.status, { 'Content-Type': reply.contentType, ...reply.headers });
  res.flushHeaders();
  if (cutAt > 0) res.write(all.subarray(0, cutAt));
  // Let the partial body reach the socket before it is torn down.
  await new Promise((resolve) => setTimeout(resolve, 20));
  res.socket?.destroy();
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
