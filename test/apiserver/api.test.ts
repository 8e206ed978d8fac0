// The real kube-apiserver + etcd with an example loaded: what the loader put there, and how the real
// server answers the requests gpuctl's live path depends on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/facts/kube.js';
import { apiRequest } from './control-plane.js';
import { controlPlane, kubeletFor, loadExample, type LoadedExample } from './helpers.js';
import type { KubeletStandIn } from './kubelet.js';

let kubelet: KubeletStandIn;
let example: LoadedExample;
beforeAll(async () => {
  kubelet = await kubeletFor();
  example = await loadExample('examples/passthrough-gpu-held', kubelet);
});
afterAll(async () => {
  await example?.unload();
  await kubelet?.close();
});

const get = (path: string, user: 'admin' | 'restricted' = 'admin') => apiRequest(controlPlane(), { path, user });
const names = (list: { items: KubeObject[] }) => list.items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);
const snapshotObjects = (kind: string) => example.collection.objects.filter((o) => o.kind === kind);

describe('examples/passthrough-gpu-held loaded into a real kube-apiserver', () => {
  it('takes every object of the snapshot, repairing only what no real server would have taken', () => {
    expect(example.refused).toEqual([]);
    // The example's mirror pods name a ServiceAccount and mount its token; its ReplicaSets' templates
    // lack the pod-template-hash their selectors carry.
    const repairs = new Set(example.repairs.map((r) => r.replace(/^\S+ \S+: /, '').replace(/(pod-template-hash=|volume )\S+/, '$1…')));
    expect([...repairs].sort()).toEqual([
      'mirror pod: dropped service-account token volume … (a mirror pod may not use ServiceAccountToken volume projections)',
      'mirror pod: dropped spec.serviceAccountName (a mirror pod may not reference service accounts)',
      'template label pod-template-hash=… added: the selector requires it',
    ]);
    const loadedKinds = new Set(example.created.map((r) => r.kind));
    for (const kind of ['Node', 'Pod', 'Event', 'DaemonSet', 'ClusterPolicy', 'Namespace']) expect(loadedKinds).toContain(kind);
  });

  it('serves the pods with their status, in etcd order (namespace, name)', async () => {
    const res = await get('/api/v1/pods');
    expect(res.status).toBe(200);
    const list = res.json() as { items: KubeObject[] };
    const want = snapshotObjects('Pod')
      .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
      .sort();
    expect(names(list)).toEqual(want);
    const validator = list.items.find((p) => p.metadata.name.startsWith('nvidia-device-plugin-validator'))!;
    expect((validator as { status?: { phase?: string; reason?: string } }).status).toMatchObject({ phase: 'Failed', reason: 'UnexpectedAdmissionError' });
  });

  it('selects pods by label on the server', async () => {
    const res = await get('/api/v1/namespaces/gpu-operator/pods?labelSelector=' + encodeURIComponent('app=nvidia-operator-validator'));
    expect(res.status).toBe(200);
    const want = snapshotObjects('Pod').filter((p) => p.metadata.namespace === 'gpu-operator' && p.metadata.labels?.app === 'nvidia-operator-validator');
    expect(want.length).toBeGreaterThan(0);
    expect(names(res.json())).toEqual(want.map((p) => `gpu-operator/${p.metadata.name}`).sort());
  });

  it('keeps the nodes as the snapshot has them: taints restored after TaintNodesByCondition, status written', async () => {
    const res = await get('/api/v1/nodes');
    const nodes = res.json().items as (KubeObject & { spec?: { taints?: unknown[] }; status?: { capacity?: Record<string, string> } })[];
    for (const want of snapshotObjects('Node') as typeof nodes) {
      const got = nodes.find((n) => n.metadata.name === want.metadata.name)!;
      expect(got.spec?.taints).toEqual(want.spec?.taints);
      expect(got.status?.capacity).toEqual(want.status?.capacity);
    }
  });

  it('answers 404 for a CRD that is not installed: plain text where no CRD serves the group, a Status in a built-in group', async () => {
    const absentGroup = await get('/apis/tensor-fusion.ai/v1/tensorfusionclusters');
    expect(absentGroup.status).toBe(404);
    expect(absentGroup.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(absentGroup.text).toBe('404 page not found\n');
    const absentResource = await get('/apis/apps/v1/nvidiadrivers');
    expect(absentResource.status).toBe(404);
    expect(absentResource.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
  });

  it('refuses a field selector the type does not support with a 400 Status', async () => {
    const res = await get('/api/v1/pods?fieldSelector=' + encodeURIComponent('spec.runtimeClassName=nvidia'));
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ reason: 'BadRequest', message: 'field label not supported: spec.runtimeClassName' });
  });

  it('refuses the restricted user with RBAC\'s own Status', async () => {
    const res = await get('/api/v1/pods', 'restricted');
    expect(res.status).toBe(403);
    expect(res.json()).toMatchObject({
      reason: 'Forbidden',
      code: 403,
      message: 'pods is forbidden: User "gpuctl-restricted" cannot list resource "pods" in API group "" at the cluster scope',
    });
  });
});
