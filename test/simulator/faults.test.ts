// Injected faults, each as a client sees it over HTTP: status codes with real Status bodies, latency,
// a connection cut mid-body, a request never answered.
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { get, type ListBody } from './helpers.js';
import { startSimulator, type Simulator } from './server.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ collection: await loadSnapshot('test/fixtures/sim') });
});
afterAll(() => sim?.close());
beforeEach(() => sim.setFaults([]));

describe('status faults', () => {
  it('401 Unauthorized', async () => {
    sim.setFaults([{ path: '.*', status: 401 }]);
    const r = await get(sim.url, '/api/v1/nodes');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  it('403 Forbidden, worded for the verb, resource, group and scope of the request', async () => {
    sim.setFaults([{ path: '/pods$|/daemonsets|/nodes/|/log$|^/apis$', status: 403, user: 'system:serviceaccount:default:x' }]);
    const cases: [string, string][] = [
      ['/api/v1/pods', 'pods is forbidden: User "system:serviceaccount:default:x" cannot list resource "pods" in API group "" at the cluster scope'],
      ['/api/v1/namespaces/ml/pods', 'pods is forbidden: User "system:serviceaccount:default:x" cannot list resource "pods" in API group "" in the namespace "ml"'],
      ['/apis/apps/v1/namespaces/gpu-operator/daemonsets', 'daemonsets.apps is forbidden: User "system:serviceaccount:default:x" cannot list resource "daemonsets" in API group "apps" in the namespace "gpu-operator"'],
      ['/api/v1/nodes/gpu-1', 'nodes "gpu-1" is forbidden: User "system:serviceaccount:default:x" cannot get resource "nodes" in API group "" at the cluster scope'],
      ['/api/v1/namespaces/ml/pods/train-0/log', 'pods "train-0" is forbidden: User "system:serviceaccount:default:x" cannot get resource "pods/log" in API group "" in the namespace "ml"'],
      ['/apis', 'forbidden: User "system:serviceaccount:default:x" cannot get path "/apis"'],
    ];
    for (const [p, message] of cases) {
      const r = await get(sim.url, p);
      expect(r.status, p).toBe(403);
      expect(r.body, p).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403, message });
    }
    expect((await get(sim.url, '/apis/apps/v1/daemonsets')).body.details).toEqual({ group: 'apps', kind: 'daemonsets' });
  });

  it('404 NotFound on a list, as for a CRD that is not installed', async () => {
    sim.setFaults([{ path: '^/apis/nvidia.com/v1/clusterpolicies$', status: 404 }]);
    const r = await get(sim.url, '/apis/nvidia.com/v1/clusterpolicies');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ reason: 'NotFound', message: 'the server could not find the requested resource' });
  });

  it('410 Expired on continue requests only', async () => {
    sim.setFaults([{ path: '^/api/v1/pods$', query: 'continue=', status: 410 }]);
    const first = await get<ListBody>(sim.url, '/api/v1/pods?limit=2');
    expect(first.status).toBe(200);
    const second = await get(sim.url, `/api/v1/pods?limit=2&continue=${first.body.metadata.continue}`);
    expect(second.status).toBe(410);
    expect(second.body).toMatchObject({ reason: 'Expired', code: 410 });
    expect(second.body.message).toMatch(/^The provided continue parameter is too old to display a consistent list result\./);
  });

  it('429 TooManyRequests with Retry-After, for the first N requests only', async () => {
    sim.setFaults([{ path: '^/api/v1/nodes$', status: 429, retryAfterSeconds: 2, count: 2 }]);
    for (let i = 0; i < 2; i++) {
      const r = await get(sim.url, '/api/v1/nodes');
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('2');
      expect(r.body).toMatchObject({ reason: 'TooManyRequests', message: 'Too many requests, please try again later.', details: { retryAfterSeconds: 2 } });
    }
    expect((await get(sim.url, '/api/v1/nodes')).status).toBe(200);
    expect(sim.requests.slice(-3).map((q) => [q.status, q.fault])).toEqual([
      [429, 'status'],
      [429, 'status'],
      [200, undefined],
    ]);
  });

  it('500 InternalError and 503 ServiceUnavailable', async () => {
    sim.setFaults([
      { path: '^/api/v1/nodes$', status: 500 },
      { path: '^/api/v1/pods$', status: 500, message: 'etcdserver: leader changed' },
      { path: '^/api/v1/events$', status: 503 },
    ]);
    expect((await get(sim.url, '/api/v1/nodes')).body).toMatchObject({
      code: 500,
      reason: 'InternalError',
      message: 'Internal error occurred: etcdserver: request timed out',
      details: { causes: [{ message: 'etcdserver: request timed out' }] },
    });
    expect((await get(sim.url, '/api/v1/pods')).body.message).toBe('Internal error occurred: etcdserver: leader changed');
    const unavailable = await get(sim.url, '/api/v1/events');
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('1');
    expect(unavailable.body).toMatchObject({ reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' });
  });

  it('matches by method, and setFaults replaces what was armed', async () => {
    sim.setFaults([{ method: 'POST', path: '.*', status: 500 }]);
    expect((await get(sim.url, '/api/v1/nodes')).status).toBe(200);
    sim.setFaults([{ method: 'GET', path: '^/api/v1/nodes$', status: 503 }]);
    expect((await get(sim.url, '/api/v1/nodes')).status).toBe(503);
    sim.setFaults([]);
    expect((await get(sim.url, '/api/v1/nodes')).status).toBe(200);
  });
});

describe('latency, cut connections, hangs', () => {
  it('delays matching requests and still answers them', async () => {
    sim.setFaults([{ path: '^/api/v1/nodes$', latencyMs: 300 }]);
    const started = performance.now();
    const r = await get<ListBody>(sim.url, '/api/v1/nodes');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(r.body.items).toHaveLength(3);
    const fast = performance.now();
    await get(sim.url, '/api/v1/namespaces');
    expect(performance.now() - fast).toBeLessThan(290);
  });

  it('cuts the connection mid-body: status and part of the JSON arrive, then the socket dies', async () => {
    const full = (await get(sim.url, '/api/v1/pods')).text;
    sim.setFaults([{ path: '^/api/v1/pods$', cut: true, count: 1 }]);
    const received = await new Promise<{ status: number; body: string; error?: string }>((resolve) => {
      const req = request(`${sim.url}/api/v1/pods`, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('error', (err) => resolve({ status: res.statusCode!, body, error: err.message }));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', (err) => resolve({ status: 0, body: '', error: err.message }));
      req.end();
    });
    expect(received.status).toBe(200);
    expect(received.error).toBe('aborted');
    expect(received.body.length).toBeGreaterThan(0);
    expect(received.body.length).toBeLessThan(full.length);
    expect(full.startsWith(received.body)).toBe(true);
    expect(() => JSON.parse(received.body)).toThrow();
    // fetch sees the same fault as a body that fails to read.
    sim.setFaults([{ path: '^/api/v1/pods$', cut: { afterBytes: 100 } }]);
    const res = await fetch(`${sim.url}/api/v1/pods`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(sim.requests.at(-1)).toMatchObject({ path: '/api/v1/pods', status: 200, fault: 'cut' });
  });

  it('never answers a hung request; the client times out and close() still returns', async () => {
    const hung = await startSimulator({ collection: await loadSnapshot('test/fixtures/sim'), faults: [{ path: '^/api/v1/nodes$', hang: true }] });
    try {
      await expect(fetch(`${hung.url}/api/v1/nodes`, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/timeout|aborted/i);
      expect(hung.requests.at(-1)).toMatchObject({ path: '/api/v1/nodes', status: 0, fault: 'hang' });
      // A second hung request is still open when the simulator closes.
      void fetch(`${hung.url}/api/v1/nodes`).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect((await get(hung.url, '/api/v1/namespaces')).status).toBe(200);
    } finally {
      const closing = performance.now();
      await hung.close();
      expect(performance.now() - closing).toBeLessThan(1000);
    }
  });
});
