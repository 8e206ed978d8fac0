// KubeClient's writes (doctor --fix): the body and content type sent, and retries only where nothing changed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient, RequestFailure } from '../../src/sources/live/client.js';

interface Seen {
  method: string;
  path: string;
  contentType?: string;
  body: string;
}

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** Answers the nth request with answers[n] (status, body), or destroys the socket for 'reset'. */
async function clientFor(answers: (readonly [number, unknown] | 'reset')[]): Promise<{ client: KubeClient; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    seen.push({ method: req.method!, path: req.url!, contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString() });
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    if (answer === 'reset') return req.socket.destroy();
    res.writeHead(answer[0], { 'Content-Type': 'application/json', ...(answer[0] === 429 ? { 'Retry-After': '0' } : {}) }).end(answer[1] === undefined ? '' : JSON.stringify(answer[1]));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server!.once('listening', resolve));
  const client = new KubeClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, credentials: {}, timeoutMs: 5000, backoffMs: 5 });
  return { client, seen };
}

describe('KubeClient writes', () => {
  it('PATCH sends a JSON merge patch', async () => {
    const { client, seen } = await clientFor([[200, { kind: 'Node' }]]);
    const res = await client.patchMerge('/api/v1/nodes/gpu-1', { metadata: { labels: { gpu: 'on', x: null } } });
    expect(res).toMatchObject({ status: 200, value: { kind: 'Node' } });
    expect(seen).toEqual([{ method: 'PATCH', path: '/api/v1/nodes/gpu-1', contentType: 'application/merge-patch+json', body: '{"metadata":{"labels":{"gpu":"on","x":null}}}' }]);
    client.close();
  });
  it('POST sends JSON; DELETE sends no body; an empty 2xx body is still a success', async () => {
    const { client, seen } = await clientFor([[201, { kind: 'RuntimeClass' }], [200, undefined]]);
    expect((await client.post('/apis/node.k8s.io/v1/runtimeclasses', { kind: 'RuntimeClass' })).status).toBe(201);
    expect(await client.delete('/api/v1/namespaces/default/pods/p')).toMatchObject({ status: 200, statusLine: '200 OK' });
    expect(seen.map((s) => [s.method, s.contentType, s.body])).toEqual([
      ['POST', 'application/json', '{"kind":"RuntimeClass"}'],
      ['DELETE', undefined, ''],
    ]);
    client.close();
  });
  it('retries a 429 (nothing was done) but not a 500 or a reset (something may have been)', async () => {
    const throttled = await clientFor([[429, { message: 'Too many requests' }], [200, {}]]);
    expect((await throttled.client.delete('/x')).attempts).toBe(2);
    throttled.client.close();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;

    const failing = await clientFor([[500, { kind: 'Status', message: 'etcdserver: request timed out' }], [200, {}]]);
    expect(await failing.client.patchMerge('/x', {})).toMatchObject({ status: 500, attempts: 1, message: 'etcdserver: request timed out' });
    failing.client.close();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;

    const reset = await clientFor(['reset', [200, {}]]);
    const err = await reset.client.post('/x', {}).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RequestFailure);
    expect(reset.seen).toHaveLength(1);
    reset.client.close();
  });
});
