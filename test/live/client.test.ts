import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient, RequestFailure } from '../../src/sources/live/client.js';
import type { FakeApi, Override } from './fake-api.js';
import { cutMidBody, json, startFakeApi, status } from './fake-api.js';
import { selfSignedCert } from './tls.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function clientFor(override: Override, options: { timeoutMs?: number; maxDelayMs?: number } = {}) {
  api = await startFakeApi({ override });
  return new KubeClient({ server: api.url, credentials: { headers: { Authorization: 'Bearer t0k\n' } }, timeoutMs: options.timeoutMs ?? 5000, backoffMs: 5, maxDelayMs: options.maxDelayMs });
}

async function failureOf(promise: Promise<unknown>): Promise<RequestFailure> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RequestFailure);
  return err as RequestFailure;
}

describe('KubeClient', () => {
  it('sends the credentials (trimmed) and decodes a JSON answer', async () => {
    const client = await clientFor(() => false);
    const res = await client.getJson<{ gitVersion: string }>('/version');
    expect(res).toMatchObject({ status: 200, attempts: 1, value: { gitVersion: 'v1.31.2' } });
    expect(api!.requests[0]!.headers).toMatchObject({ authorization: 'Bearer t0k', accept: 'application/json' });
    expect(api!.requests[0]!.headers['user-agent']).toMatch(/^gpuctl\//);
    client.close();
  });

  it('gives up after the request timeout, without retrying', async () => {
    const client = await clientFor(() => true /* never answers */, { timeoutMs: 300 });
    const started = Date.now();
    const err = await failureOf(client.getJson('/version'));
    expect(err.message).toBe('no answer within 300ms (--request-timeout)');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(api!.count('/version')).toBe(1);
    client.close();
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    const client = await clientFor((req, res, nth) => nth === 1 && (status(res, 429, 'TooManyRequests', 'Too many requests', { 'retry-after': '1' }), true));
    const started = Date.now();
    const res = await client.getJson('/version');
    expect(res).toMatchObject({ status: 200, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    client.close();
  });

  it('caps a long Retry-After', async () => {
    const client = await clientFor((req, res, nth) => nth === 1 && (status(res, 429, 'TooManyRequests', 'slow down', { 'retry-after': '3600' }), true), { maxDelayMs: 50 });
    const res = await client.getJson('/version');
    expect(res).toMatchObject({ status: 200, attempts: 2 });
    client.close();
  });

  it('retries a persistent 500 four times, then returns it', async () => {
    const client = await clientFor((req, res) => (status(res, 500, 'InternalError', 'etcdserver: request timed out'), true));
    const res = await client.getJson('/api/v1/pods');
    expect(res).toMatchObject({ status: 500, statusLine: '500 Internal Server Error', attempts: 4, message: 'etcdserver: request timed out' });
    expect(api!.count('/api/v1/pods')).toBe(4);
    client.close();
  });

  it('does not retry a 403', async () => {
    const client = await clientFor((req, res) => (status(res, 403, 'Forbidden', 'pods is forbidden: User "x" cannot list resource "pods"'), true));
    const res = await client.getJson('/api/v1/pods');
    expect(res).toMatchObject({ status: 403, attempts: 1, message: 'pods is forbidden: User "x" cannot list resource "pods"' });
    client.close();
  });

  it('retries a body cut off mid-way, then succeeds', async () => {
    const client = await clientFor((req, res, nth) => nth === 1 && (cutMidBody(res), true));
    const res = await client.getJson('/version');
    expect(res).toMatchObject({ status: 200, attempts: 2, value: { gitVersion: 'v1.31.2' } });
    client.close();
  });

  it('retries a complete-looking body that is not JSON (a truncated close-delimited answer)', async () => {
    const client = await clientFor((req, res, nth) => {
      if (nth > 1) return false;
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end('{"items":[');
      return true;
    });
    const res = await client.getJson('/version');
    expect(res).toMatchObject({ status: 200, attempts: 2 });
    client.close();
  });

  it('retries a socket hang up, and reports it after the last attempt', async () => {
    const client = await clientFor((req, res) => (res.socket?.destroy(), true));
    const err = await failureOf(client.getJson('/version'));
    expect(err.message).toBe('connection closed by the server (socket hang up)');
    expect(err.attempts).toBe(4);
    client.close();
  });

  it('names a refused connection and does not retry it', async () => {
    api = await startFakeApi();
    const url = api.url;
    await api.close();
    api = undefined;
    const client = new KubeClient({ server: url, credentials: {}, timeoutMs: 2000 });
    const err = await failureOf(client.getJson('/version'));
    expect(err).toMatchObject({ message: 'connection refused', attempts: 1 });
  });

  it('names a DNS failure', async () => {
    const client = new KubeClient({ server: 'https://nonexistent.invalid:6443', credentials: {}, timeoutMs: 5000 });
    const err = await failureOf(client.getJson('/version'));
    expect(err.message).toBe('no such host nonexistent.invalid (DNS lookup failed)');
  });

  it('keeps a path prefix of the server URL', async () => {
    api = await startFakeApi({ override: (req, res) => (json(res, 200, { path: req.path }), true) });
    const client = new KubeClient({ server: `${api.url}/k8s/clusters/c-42/`, credentials: {}, timeoutMs: 2000 });
    expect((await client.getJson('/version')).value).toEqual({ path: '/k8s/clusters/c-42/version' });
    client.close();
  });

  describe('over HTTPS', () => {
    const tls = selfSignedCert();
    async function httpsServer() {
      const server = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => json(res, 200, { gitVersion: 'v1.30.0' }));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` };
    }

    it('verifies the server against the CA of the kubeconfig', async () => {
      const { server, url } = await httpsServer();
      const client = new KubeClient({ server: url, credentials: { ca: tls.cert }, timeoutMs: 2000 });
      expect((await client.getJson('/version')).value).toEqual({ gitVersion: 'v1.30.0' });
      client.close();
      server.close();
    });

    it('names a certificate it cannot verify as a TLS error', async () => {
      const { server, url } = await httpsServer();
      const client = new KubeClient({ server: url, credentials: {}, timeoutMs: 2000 });
      const err = await failureOf(client.getJson('/version'));
      expect(err.message).toMatch(/^TLS error: self[- ]signed certificate/);
      client.close();
      server.close();
    });
  });
});

describe('KubeClient compression', () => {
  it('asks for gzip and decodes it; a gzip stream cut short is retried', async () => {
    const { gzipSync } = await import('node:zlib');
    const full = gzipSync(JSON.stringify({ gitVersion: 'v1.29.0' }));
    const client = await clientFor((req, res, nth) => {
      const body = nth === 1 ? full.subarray(0, full.length - 8) : full;
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length });
      res.end(body);
      return true;
    });
    const res = await client.getJson('/version');
    expect(res).toMatchObject({ status: 200, attempts: 2, value: { gitVersion: 'v1.29.0' } });
    expect(api!.requests[0]!.headers['accept-encoding']).toBe('gzip');
    client.close();
  });
});
