// A kubelet stand-in on loopback: the real kube-apiserver proxies pods/log to a node's kubelet (the node's
// InternalDNS address, localhost here, at status.daemonEndpoints.kubeletEndpoint.Port), and this HTTPS
// server answers `GET /containerLogs/NS/POD/CONTAINER` from the loaded snapshot's logs, as a kubelet
// does: the bytes with tailLines/limitBytes applied, or a 400 whose text the API server wraps in a Status.
// It authenticates the API server by its client certificate (signed by the test CA), as a kubelet does.
// pods/exec: nodes are loaded declaring the ExtendWebSocketsToKubelet feature (status.declaredFeatures),
// so kube-apiserver proxies the client's WebSocket (v5.channel.k8s.io) to `/exec/NS/POD/CONTAINER` as is,
// where the simulator's container replay (test/simulator/exec.ts) answers from the snapshot's process
// tables. Without that declaration the API server would translate to SPDY towards the kubelet.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Pod } from '../../src/facts/kube.js';
import type { Collection } from '../../src/collection/collection.js';
import { Catalog } from '../simulator/catalog.js';
import { createExecServer, type ExecServer } from '../simulator/exec.js';
import { FaultTable } from '../simulator/faults.js';
import { podLog, readLogQuery } from '../simulator/logs.js';

export interface KubeletStandIn {
  port: number;
  /** The snapshot whose pods and logs it answers for (replaced on each load). */
  serve(collection: Collection | undefined): void;
  /** Requests received: `GET /containerLogs/…?…`, `GET /exec/…?…` (upgrades). */
  requests: string[];
  close(): Promise<void>;
}

export async function startKubelet(certDir: string): Promise<KubeletStandIn> {
  let collection: Collection | undefined;
  let pods = new Map<string, Pod>();
  const requests: string[] = [];
  const read = (f: string) => readFileSync(path.join(certDir, f));
  const server = https.createServer({ cert: read('kubelet.crt'), key: read('kubelet.key'), ca: read('ca.crt'), requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const text = (code: number, body: string) => {
      res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return text(404, '404 page not found\n');
    const [namespace, name, container] = m.slice(1).map(decodeURIComponent) as [string, string, string];
    const pod = pods.get(`${namespace}/${name}`);
    // The kubelet answers for a pod it does not run with this text (kubelet server.go getContainerLogs).
    if (!pod || !collection) return text(404, `pod "${name}" not found\n`);
    const query = readLogQuery(url.searchParams);
    if ('kind' in query) return text(query.code, query.message);
    const out = podLog(pod, collection.logs, { ...query, container });
    if (Buffer.isBuffer(out)) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(out);
    }
    text(out.code, out.message);
  });
  let exec: ExecServer | undefined;
  server.on('upgrade', (req, socket, head) => {
    requests.push(`${req.method} ${req.url} (upgrade)`);
    if (!exec) return socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    exec.upgrade(req, socket, head);
  });
  const KUBELET_EXEC = /^\/exec\/([^/]+)\/([^/]+)\/([^/]+)$/;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    serve(c) {
      collection = c;
      exec?.close();
      exec = c
        ? createExecServer({
            catalog: new Catalog(c),
            collection: c,
            faults: new FaultTable(),
            behaviours: {},
            route: (url) => {
              const m = KUBELET_EXEC.exec(url.pathname);
              return m ? { namespace: decodeURIComponent(m[1]!), name: decodeURIComponent(m[2]!), container: decodeURIComponent(m[3]!) } : undefined;
            },
            record: () => {},
          })
        : undefined;
      pods = new Map((c?.objects ?? []).filter((o) => o.kind === 'Pod').map((p) => [`${p.metadata.namespace ?? 'default'}/${p.metadata.name}`, p as Pod]));
    },
    close: () =>
      new Promise<void>((resolve) => {
        exec?.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
