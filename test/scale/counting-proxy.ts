// An HTTP proxy in front of the simulator that counts the requests in flight at once (by kind: list
// pages, logs, other) and can act when the Nth request of a kind arrives, e.g. expire continue tokens
// in the middle of a list. Kept beside the scale tests so that the simulator stays as it is.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type RequestKind = 'list' | 'log' | 'other';

export interface CountingProxy {
  url: string;
  /** The most requests of each kind that were in flight at the same moment. */
  maxInFlight: Record<RequestKind, number>;
  /** Requests forwarded, by kind. */
  count: Record<RequestKind, number>;
  close(): Promise<void>;
}

export interface ProxyHooks {
  /** Called before a request is forwarded, with its URL and how many of its kind came before it. */
  onRequest?(url: URL, kind: RequestKind, before: number): void;
}

export function requestKind(path: string): RequestKind {
  if (path.endsWith('/log')) return 'log';
  // A collection: /api/v1/pods, /api/v1/namespaces/x/pods, /apis/group/version/things.
  const rest = path.replace(/^\/api\/v1\/?|^\/apis\/[^/]+\/[^/]+\/?/, '');
  if (rest === path) return 'other';
  const segments = rest.split('/').filter(Boolean);
  return segments.length === 1 || (segments[0] === 'namespaces' && segments.length === 3) ? 'list' : 'other';
}

export async function startCountingProxy(target: string, hooks: ProxyHooks = {}): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const inFlight: Record<RequestKind, number> = { list: 0, log: 0, other: 0 };
  const maxInFlight: Record<RequestKind, number> = { list: 0, log: 0, other: 0 };
  const count: Record<RequestKind, number> = { list: 0, log: 0, other: 0 };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', upstream);
    const kind = requestKind(url.pathname);
    hooks.onRequest?.(url, kind, count[kind]);
    count[kind]++;
    inFlight[kind]++;
    maxInFlight[kind] = Math.max(maxInFlight[kind], inFlight[kind]);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight[kind]--;
    };
    res.once('close', finish);
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    maxInFlight,
    count,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}
