// The API server's service proxy, for the one service behind it gpuctl talks to: Prometheus.
// GET /api/v1/namespaces/NS/services/[SCHEME:]NAME[:PORT]/proxy/api/v1/query?query=… answers from the
// queries the snapshot recorded (prometheus/queries.json): the recorded series, the recorded error, or an
// empty vector for a query never recorded — what Prometheus says of a metric it does not have.
import type { KubeObject } from '../../src/facts/kube.js';
import type { PrometheusQueries } from '../../src/collection/collection.js';
import type { Catalog } from './catalog.js';
import { notFound, serviceUnavailable, type Status } from './status.js';

export interface ProxyReply {
  status: number;
  contentType: string;
  body: string;
}

const PROXY_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/;

const json = (status: number, value: unknown): ProxyReply => ({ status, contentType: 'application/json', body: JSON.stringify(value) });
const statusReply = (s: Status): ProxyReply => json(s.code, s);

/** `[scheme:]name[:port]`, as the API server reads the service part of a proxy path. */
export function parseServiceRef(ref: string): { name: string; port?: string } {
  const parts = decodeURIComponent(ref).split(':');
  if (parts.length === 3) return { name: parts[1]!, port: parts[2] || undefined };
  if (parts.length === 2 && /^https?$/.test(parts[0]!)) return { name: parts[1]! };
  return { name: parts[0]!, port: parts[1] || undefined };
}

function hasPort(service: KubeObject, port: string | undefined): boolean {
  const ports = (service.spec?.ports ?? []) as { name?: string; port?: number }[];
  if (port === undefined) return ports.length > 0;
  return ports.some((p) => p.name === port || String(p.port) === port);
}

/** A proxied request's answer, or undefined when the path is no service proxy path. */
export function serviceProxy(catalog: Catalog, prometheus: PrometheusQueries | undefined, urlPath: string, params: URLSearchParams): ProxyReply | undefined {
  const m = PROXY_PATH.exec(urlPath);
  if (!m) return undefined;
  const namespace = decodeURIComponent(m[1]!);
  const { name, port } = parseServiceRef(m[2]!);
  const service = catalog.lookup('', 'v1', 'services')?.byKey.get(`${namespace}/${name}`);
  if (!service) return statusReply(notFound({ verb: 'get', group: '', plural: 'services', namespace, name }));
  if (!hasPort(service, port)) return statusReply(serviceUnavailable(`no endpoints available for service "${decodeURIComponent(m[2]!)}"`));

  if ((m[3] ?? '/') !== '/api/v1/query') return { status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' };
  const query = params.get('query');
  if (!query) return json(400, { status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": unknown position: parse error: no expression found in input' });
  const recorded = prometheus?.results.find((r) => r.query === query);
  if (recorded?.error !== undefined) {
    const code = Number(/^(\d{3}) /.exec(recorded.error)?.[1] ?? 503);
    return statusReply({ ...serviceUnavailable(recorded.error.replace(/^\d{3} [^:]*: /, '')), code });
  }
  return json(200, { status: 'success', data: { resultType: 'vector', result: recorded?.result ?? [] } });
}
