// The simulator's writes (writes.ts) and service proxy (service-proxy.ts) over HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/facts/kube.js';
import { type Collection, emptyCollection } from '../../src/collection/collection.js';
import { node, pod } from '../helpers/facts.js';
import { mergePatch } from './writes.js';
import { parseServiceRef } from './service-proxy.js';
import { startSimulator, type Simulator } from './server.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function serve(objects: KubeObject[], extra: Partial<Collection> = {}): Promise<Simulator> {
  sim = await startSimulator({ collection: { ...emptyCollection('test'), objects, ...extra } });
  return sim;
}

async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(`${sim!.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'Content-Type': contentType } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('merge patch (RFC 7386)', () => {
  it('merges objects, deletes on null, replaces arrays and scalars', () => {
    expect(mergePatch({ a: 1, m: { x: 1, y: 2 }, l: [1, 2] }, { m: { y: null, z: 3 }, l: [3], a: 'b' })).toEqual({ a: 'b', m: { x: 1, z: 3 }, l: [3] });
    expect(mergePatch('old', { a: 1 })).toEqual({ a: 1 });
  });
});

describe('writes', () => {
  it('PATCH a node with a merge patch: labels set and removed, later GETs and LISTs see it, the collection does not change', async () => {
    const original = node('gpu-1', { keep: 'yes', 'nvidia.com/gpu.deploy.operands': 'false' });
    await serve([original]);
    const r = await call('PATCH', '/api/v1/nodes/gpu-1', { metadata: { labels: { gpu: 'on', 'nvidia.com/gpu.deploy.operands': null } } }, 'application/merge-patch+json');
    expect(r.status).toBe(200);
    expect(r.body.metadata.labels).toEqual({ keep: 'yes', gpu: 'on' });
    expect((await call('GET', '/api/v1/nodes/gpu-1')).body.metadata.labels).toEqual({ keep: 'yes', gpu: 'on' });
    expect((await call('GET', '/api/v1/nodes?labelSelector=gpu%3Don')).body.items.map((n: KubeObject) => n.metadata.name)).toEqual(['gpu-1']);
    expect(original.metadata.labels).toEqual({ keep: 'yes', 'nvidia.com/gpu.deploy.operands': 'false' });
    expect(Number(r.body.metadata.resourceVersion)).toBeGreaterThan(0);
  });
  it('refuses a JSON patch (415) and an unknown object (404)', async () => {
    await serve([node('gpu-1')]);
    expect((await call('PATCH', '/api/v1/nodes/gpu-1', [{ op: 'add', path: '/x', value: 1 }], 'application/json-patch+json')).status).toBe(415);
    expect(await call('PATCH', '/api/v1/nodes/nope', {}, 'application/merge-patch+json')).toMatchObject({ status: 404, body: { message: 'nodes "nope" not found' } });
  });
  it('DELETE a pod: gone from GET and LIST', async () => {
    await serve([pod('default', 'cuda-vectoradd'), pod('default', 'other')]);
    expect((await call('DELETE', '/api/v1/namespaces/default/pods/cuda-vectoradd')).status).toBe(200);
    expect((await call('GET', '/api/v1/namespaces/default/pods/cuda-vectoradd')).status).toBe(404);
    expect((await call('GET', '/api/v1/pods')).body.items.map((p: KubeObject) => p.metadata.name)).toEqual(['other']);
    expect((await call('DELETE', '/api/v1/namespaces/default/pods/cuda-vectoradd')).status).toBe(404);
  });
  it('DELETE a job takes its pods with Background propagation, and leaves them with the Job default (Orphan)', async () => {
    const job = (name: string): KubeObject => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'tf', uid: `uid-${name}` } });
    const jobPod = (name: string, owner: string) => {
      const p = pod('tf', name);
      p.metadata.ownerReferences = [{ kind: 'Job', name: owner, uid: `uid-${owner}`, controller: true }];
      return p;
    };
    await serve([job('discover-a'), job('discover-b'), jobPod('discover-a-x1', 'discover-a'), jobPod('discover-b-y2', 'discover-b')]);
    expect((await call('DELETE', '/apis/batch/v1/namespaces/tf/jobs/discover-a?propagationPolicy=Background')).status).toBe(200);
    expect((await call('DELETE', '/apis/batch/v1/namespaces/tf/jobs/discover-b')).status).toBe(200);
    expect((await call('GET', '/api/v1/namespaces/tf/pods')).body.items.map((p: KubeObject) => p.metadata.name)).toEqual(['discover-b-y2']);
    expect((await call('GET', '/apis/batch/v1/namespaces/tf/jobs')).body.items).toEqual([]);
  });
  it('POST creates with uid and creationTimestamp; a second POST is 409 AlreadyExists', async () => {
    await serve([node('gpu-1')]);
    const rc = { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'nvidia' }, handler: 'nvidia' };
    const created = await call('POST', '/apis/node.k8s.io/v1/runtimeclasses', rc);
    expect(created).toMatchObject({ status: 201, body: { kind: 'RuntimeClass', handler: 'nvidia', metadata: { name: 'nvidia', uid: expect.any(String), creationTimestamp: expect.stringMatching(/Z$/) } } });
    expect((await call('GET', '/apis/node.k8s.io/v1/runtimeclasses/nvidia')).body.handler).toBe('nvidia');
    expect(await call('POST', '/apis/node.k8s.io/v1/runtimeclasses', rc)).toMatchObject({ status: 409, body: { reason: 'AlreadyExists', message: 'runtimeclasses.node.k8s.io "nvidia" already exists' } });
    expect((await call('POST', '/apis/node.k8s.io/v1/runtimeclasses', { kind: 'RuntimeClass', metadata: {} })).status).toBe(422);
  });
  it('records the writes with their method and status', async () => {
    await serve([node('gpu-1')]);
    await call('PATCH', '/api/v1/nodes/gpu-1', { metadata: { labels: { a: 'b' } } }, 'application/merge-patch+json');
    expect(sim!.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['PATCH /api/v1/nodes/gpu-1 200']);
  });
});

describe('service proxy to Prometheus', () => {
  const service: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'prometheus-operated', namespace: 'monitoring' }, spec: { ports: [{ name: 'web', port: 9090 }] } };
  const prometheus = { results: [{ query: 'up', series: 1, result: [{ metric: { job: 'x' }, value: [1, '1'] as [number, string] }] }, { query: 'broken', error: '504 Gateway Timeout: the query timed out' }] };
  const base = '/api/v1/namespaces/monitoring/services';

  it('reads [scheme:]name[:port] as the API server does', () => {
    expect(parseServiceRef('prometheus-operated:web')).toEqual({ name: 'prometheus-operated', port: 'web' });
    expect(parseServiceRef('http:prometheus-operated:web')).toEqual({ name: 'prometheus-operated', port: 'web' });
    expect(parseServiceRef('https:prometheus-operated')).toEqual({ name: 'prometheus-operated' });
    expect(parseServiceRef('prometheus-operated')).toEqual({ name: 'prometheus-operated' });
  });
  it('answers recorded queries, an empty vector for others, and the recorded error', async () => {
    await serve([service], { prometheus });
    expect((await call('GET', `${base}/prometheus-operated:web/proxy/api/v1/query?query=up`)).body).toEqual({ status: 'success', data: { resultType: 'vector', result: [{ metric: { job: 'x' }, value: [1, '1'] }] } });
    expect((await call('GET', `${base}/http:prometheus-operated:9090/proxy/api/v1/query?query=nothing`)).body.data.result).toEqual([]);
    expect(await call('GET', `${base}/prometheus-operated:web/proxy/api/v1/query?query=broken`)).toMatchObject({ status: 504, body: { message: 'the query timed out' } });
  });
  it('404 for an unknown Service, 503 for an unknown port, 400 without a query', async () => {
    await serve([service], { prometheus });
    expect(await call('GET', `${base}/nope:web/proxy/api/v1/query?query=up`)).toMatchObject({ status: 404, body: { message: 'services "nope" not found' } });
    expect(await call('GET', `${base}/prometheus-operated:http/proxy/api/v1/query?query=up`)).toMatchObject({ status: 503, body: { message: 'no endpoints available for service "prometheus-operated:http"' } });
    expect((await call('GET', `${base}/prometheus-operated:web/proxy/api/v1/query`)).status).toBe(400);
  });
});
