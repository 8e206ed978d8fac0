import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/facts/kube.js';
import { KubeClient } from '../../src/sources/live/client.js';
import { listAll, listPath } from '../../src/sources/live/list.js';
import type { ResourceType } from '../../src/collection/resources.js';
import { resourceTypeOfKind } from '../../src/collection/resources.js';
import type { FakeApi, FakeApiOptions } from './fake-api.js';
import { startFakeApi, status } from './fake-api.js';

const POD = resourceTypeOfKind('Pod')!;
const pods = (n: number): KubeObject[] =>
  Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p${i}`, namespace: 'default', managedFields: [{ manager: 'kubelet' }] } as KubeObject['metadata'],
    spec: { nodeName: 'gpu-1' },
  }));

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function clientFor(options: FakeApiOptions): Promise<KubeClient> {
  api = await startFakeApi(options);
  return new KubeClient({ server: api.url, credentials: {}, timeoutMs: 5000, backoffMs: 1 });
}

describe('listAll', () => {
  it('follows continue tokens page by page, one request per page', async () => {
    const client = await clientFor({ objects: pods(5) });
    const seen: number[] = [];
    const outcome = await listAll(client, POD, 2, (n) => seen.push(n));
    expect('objects' in outcome && outcome.objects.map((o) => o.metadata.name)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(api!.requests.map((r) => `${r.query.get('limit')}/${r.query.get('continue')}`)).toEqual(['2/null', '2/2', '2/4']);
    expect(seen).toEqual([2, 4, 5]);
    client.close();
  });

  it('gives list items their kind and apiVersion and drops managedFields', async () => {
    const client = await clientFor({ objects: pods(1) });
    const outcome = await listAll(client, POD, 500);
    const [obj] = 'objects' in outcome ? outcome.objects : [];
    expect(obj).toMatchObject({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'p0' } });
    expect(obj!.metadata).not.toHaveProperty('managedFields');
    client.close();
  });

  it("drops the type's strip fields", async () => {
    const type: ResourceType = { ...POD, strip: ['spec.nodeName', 'status.nothing.here'] };
    const client = await clientFor({ objects: pods(1) });
    const outcome = await listAll(client, type, 500);
    expect('objects' in outcome && outcome.objects[0]!.spec).toEqual({});
    client.close();
  });

  it('sends the server-side selectors of the table', () => {
    const events = resourceTypeOfKind('Event')!;
    const query = new URL(listPath(events, 500), 'http://x').searchParams;
    expect(query.get('fieldSelector')).toBe('type!=Normal');
    expect(listPath({ ...POD, labelSelector: 'app in (nvidia-device-plugin-daemonset)' }, 10)).toContain('labelSelector=app+in+%28nvidia-device-plugin-daemonset%29');
    expect(listPath(resourceTypeOfKind('ClusterPolicy')!, 7)).toBe('/apis/nvidia.com/v1/clusterpolicies?limit=7');
  });

  it('restarts the list once when a continue token expires (410 Gone)', async () => {
    let expired = false;
    const client = await clientFor({
      objects: pods(5),
      override: (req, res) => {
        if (req.query.get('continue') !== '4' || expired) return false;
        expired = true;
        status(res, 410, 'Expired', 'The provided continue parameter is too old to display a consistent list result.');
        return true;
      },
    });
    const outcome = await listAll(client, POD, 2);
    expect('objects' in outcome && outcome.objects.map((o) => o.metadata.name)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(api!.requests.map((r) => r.query.get('continue'))).toEqual([null, '2', '4', null, '2', '4']);
    client.close();
  });

  it('reports a second 410 instead of looping', async () => {
    const client = await clientFor({
      objects: pods(5),
      override: (req, res) => req.query.has('continue') && (status(res, 410, 'Expired', 'too old'), true),
    });
    expect(await listAll(client, POD, 2)).toEqual({ unavailable: '410 Gone: too old' });
    client.close();
  });

  it('reports 403 as forbidden with the Status message', async () => {
    const client = await clientFor({
      override: (req, res) => (status(res, 403, 'Forbidden', 'pods is forbidden: User "dev" cannot list resource "pods" in API group "" at the cluster scope'), true),
    });
    expect(await listAll(client, POD, 500)).toEqual({
      unavailable: 'forbidden: pods is forbidden: User "dev" cannot list resource "pods" in API group "" at the cluster scope',
    });
    client.close();
  });

  it('takes a 404 on a CRD type as not installed, on a core type as unavailable', async () => {
    const client = await clientFor({ override: (req, res) => (status(res, 404, 'NotFound', 'the server could not find the requested resource'), true) });
    expect(await listAll(client, resourceTypeOfKind('ClusterPolicy')!, 500)).toEqual({ notInstalled: true });
    expect(await listAll(client, POD, 500)).toEqual({ unavailable: '404 Not Found: the server could not find the requested resource' });
    client.close();
  });

  it('reports a persistent 503 after the retries', async () => {
    const client = await clientFor({ override: (req, res) => (status(res, 503, 'ServiceUnavailable', 'unavailable'), true) });
    expect(await listAll(client, POD, 500)).toEqual({ unavailable: 'failed after 4 attempts: 503 Service Unavailable' });
    expect(api!.count('/api/v1/pods')).toBe(4);
    client.close();
  });

  it('reports a connection that keeps dropping after the retries', async () => {
    const client = await clientFor({ override: (req, res) => (res.socket?.destroy(), true) });
    expect(await listAll(client, POD, 500)).toEqual({
      unavailable: 'failed after 4 attempts: connection closed by the server (socket hang up)',
    });
    client.close();
  });
});
