// A tiny Kubernetes API for the live source's unit tests: serves /version, paginated lists of the given
// objects and pod logs, records every request, and lets a test take over any path (faults).
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../../src/facts/kube.js';
import { RESOURCE_TYPES } from '../../src/collection/resources.js';

export interface RecordedRequest {
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}

/** Return true when the request was answered; false lets the default API answer it. */
export type Override = (req: RecordedRequest, res: http.ServerResponse, nth: number) => boolean;

export interface FakeApi {
  url: string;
  requests: RecordedRequest[];
  /** Requests to one path (query ignored). */
  count(path: string): number;
  close(): Promise<void>;
}

export interface FakeApiOptions {
  objects?: KubeObject[];
  /** `ns/pod/container[.previous]` → log text. */
  logs?: Record<string, string>;
  override?: Override;
  /** Require this bearer token (401 otherwise). */
  token?: string;
  /** Serve HTTPS with this certificate. */
  tls?: { cert: Buffer; key: Buffer };
}

export async function startFakeApi(options: FakeApiOptions = {}): Promise<FakeApi> {
  const requests: RecordedRequest[] = [];
  const perPath = new Map<string, number>();
  const handler: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const recorded = { path: url.pathname, query: url.searchParams, headers: req.headers };
    requests.push(recorded);
    const nth = (perPath.get(url.pathname) ?? 0) + 1;
    perPath.set(url.pathname, nth);
    if (options.override?.(recorded, res, nth)) return;
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      return status(res, 401, 'Unauthorized', 'Unauthorized');
    }
    serveDefault(recorded, res, options);
  };
  const server = options.tls ? https.createServer(options.tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    count: (path) => requests.filter((r) => r.path === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serveDefault(req: RecordedRequest, res: http.ServerResponse, options: FakeApiOptions): void {
  if (req.path === '/version') return json(res, 200, { major: '1', minor: '31', gitVersion: 'v1.31.2' });
  const log = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(req.path);
  if (log) {
    const key = `${log[1]}/${log[2]}/${req.query.get('container')}${req.query.get('previous') === 'true' ? '.previous' : ''}`;
    const text = options.logs?.[key];
    if (text === undefined) return status(res, 400, 'BadRequest', `previous terminated container "${req.query.get('container')}" in pod "${log[2]}" not found`);
    res.writeHead(200, { 'content-type': 'text/plain' });
    return void res.end(text);
  }
  const type = RESOURCE_TYPES.find((t) => {
    const group = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
    return req.path === (t.namespace ? `${group}/namespaces/${t.namespace}/${t.plural}` : `${group}/${t.plural}`);
  });
  if (!type) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
  const items = (options.objects ?? []).filter((o) => o.kind === type.kind);
  const limit = Number(req.query.get('limit') ?? items.length) || items.length;
  const start = Number(req.query.get('continue') ?? 0);
  const next = start + limit < items.length ? String(start + limit) : undefined;
  // Real list items carry no kind or apiVersion.
  const page = items.slice(start, start + limit).map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
  json(res, 200, { kind: `${type.kind}List`, apiVersion: 'v1', metadata: { resourceVersion: '1', ...(next ? { continue: next } : {}) }, items: page });
}

export function json(res: http.ServerResponse, code: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A Kubernetes Status answer, as the API server writes it. */
export function status(res: http.ServerResponse, code: number, reason: string, message: string, headers: http.OutgoingHttpHeaders = {}): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }, headers);
}

/** Starts a JSON body, then destroys the connection: a response cut off mid-way. */
export function cutMidBody(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
  res.write('{"kind":"PodList","items":[{"metadata":');
  setTimeout(() => res.destroy(), 10);
}

export interface KubeconfigSpec {
  server: string;
  token?: string;
  context?: string;
  /** Extra contexts (no cluster of their own needed for listing). */
  otherContexts?: string[];
  currentContext?: string | null;
}

/** A kubeconfig in YAML, as kubectl writes it. */
export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const context = spec.context ?? 'fake';
  const current = spec.currentContext === undefined ? context : spec.currentContext;
  const contexts = [context, ...(spec.otherContexts ?? [])]
    .map((name) => `- name: ${name}\n  context:\n    cluster: ${name === context ? context : 'elsewhere'}\n    user: ${context}-user`)
    .join('\n');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${context}`,
    '  cluster:',
    `    server: ${spec.server}`,
    ...(spec.otherContexts?.length ? ['- name: elsewhere', '  cluster:', '    server: https://elsewhere.invalid:6443'] : []),
    'contexts:',
    contexts,
    'users:',
    `- name: ${context}-user`,
    `  user:${spec.token ? `\n    token: ${spec.token}` : ' {}'}`,
    current === null ? '' : `current-context: ${current}`,
    '',
  ].join('\n');
}

export function writeKubeconfig(file: string, spec: KubeconfigSpec): string {
  writeFileSync(file, kubeconfigYaml(spec));
  return file;
}
