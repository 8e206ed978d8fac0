// The simulator at the HTTP level: discovery, LIST/GET, selectors, pagination, logs, as an API server answers.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../src/facts/kube.js';
import { type Collection, emptyCollection, logKey } from '../../src/sources/collection.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { guessPlural } from './catalog.js';
import { get, listAll, type ListBody } from './helpers.js';
import { startSimulator, type Simulator } from './server.js';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/sim');
let sim: Simulator;
let snapshot: Collection;

beforeAll(async () => {
  snapshot = await loadSnapshot(FIXTURE);
  sim = await startSimulator({ collection: snapshot });
});
afterAll(() => sim?.close());

const find = (kind: string, name: string) => snapshot.objects.find((o) => o.kind === kind && o.metadata.name === name)!;
const names = (body: ListBody) => body.items.map((o) => o.metadata.name);

describe('discovery', () => {
  it('serves /version from the snapshot meta', async () => {
    const r = await get(sim.url, '/version');
    expect(r.body).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.2' });
  });

  it('serves /api and the core resource list with subresources', async () => {
    expect((await get(sim.url, '/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const core = (await get(sim.url, '/api/v1')).body;
    expect(core).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    const byName = new Map(core.resources.map((r: { name: string }) => [r.name, r]));
    expect(byName.get('pods')).toEqual({ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'], categories: ['all'] });
    expect(byName.get('pods/log')).toMatchObject({ namespaced: true, kind: 'Pod', verbs: ['get'] });
    expect(byName.get('nodes')).toMatchObject({ namespaced: false, kind: 'Node' });
    expect([...byName.keys()]).toEqual(expect.arrayContaining(['events', 'namespaces']));
  });

  it('lists groups with the preferred version first, and each group version', async () => {
    const groups = (await get(sim.url, '/apis')).body.groups as { name: string; versions: { version: string }[]; preferredVersion: { version: string } }[];
    const nvidia = groups.find((g) => g.name === 'nvidia.com')!;
    expect(nvidia.versions.map((v) => v.version)).toEqual(['v1', 'v1alpha1']);
    expect(nvidia.preferredVersion).toEqual({ groupVersion: 'nvidia.com/v1', version: 'v1' });
    expect(groups.map((g) => g.name)).toEqual(expect.arrayContaining(['apps', 'node.k8s.io', 'apiextensions.k8s.io']));
    expect((await get(sim.url, '/apis/nvidia.com')).body).toMatchObject({ kind: 'APIGroup', name: 'nvidia.com' });
    const apps = (await get(sim.url, '/apis/apps/v1')).body;
    expect(apps.resources.map((r: { name: string }) => r.name)).toEqual(['daemonsets', 'deployments', 'statefulsets', 'replicasets']);
    expect((await get(sim.url, '/apis/tensor-fusion.ai/v1')).status).toBe(404);
  });

  it('answers aggregated-discovery requests with the plain documents, so clients fall back', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const r = await get(sim.url, '/apis', { Accept: accept });
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.body.kind).toBe('APIGroupList');
  });

  it('serves CRD kinds only when the snapshot shows them, and other kinds found in the snapshot', async () => {
    const objects: KubeObject[] = [
      // gpuctl's table knows TensorFusionCluster: cluster-scoped, served because an object shows it
      { apiVersion: 'tensor-fusion.ai/v1', kind: 'TensorFusionCluster', metadata: { name: 'shared' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'dcgm', namespace: 'gpu-operator' } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'ml' } },
      {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'gpus.tensor-fusion.ai' },
        spec: { group: 'tensor-fusion.ai', scope: 'Cluster', names: { kind: 'GPU', plural: 'gpus', singular: 'gpu' }, versions: [{ name: 'v1', served: true, storage: true }] },
      },
    ];
    const other = await startSimulator({ collection: { ...emptyCollection('t'), objects } });
    try {
      const core = (await get(other.url, '/api/v1')).body.resources.map((r: { name: string }) => r.name);
      expect(core).toEqual(expect.arrayContaining(['pods', 'nodes', 'events', 'namespaces', 'services']));
      const groups = (await get(other.url, '/apis')).body.groups.map((g: { name: string }) => g.name);
      expect(groups).not.toContain('nvidia.com'); // ClusterPolicy: no object, no CRD object
      expect((await get(other.url, '/apis/nvidia.com/v1/clusterpolicies')).body).toMatchObject({ code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' });
      const tf = (await get(other.url, '/apis/tensor-fusion.ai/v1')).body.resources;
      expect(tf).toEqual([
        { name: 'gpus', singularName: 'gpu', namespaced: false, kind: 'GPU', verbs: ['get', 'list'] },
        { name: 'tensorfusionclusters', singularName: 'tensorfusioncluster', namespaced: false, kind: 'TensorFusionCluster', verbs: ['get', 'list'] },
      ]);
      expect(names((await get(other.url, '/apis/tensor-fusion.ai/v1/tensorfusionclusters')).body)).toEqual(['shared']);
      expect((await get(other.url, '/apis/tensor-fusion.ai/v1/gpus')).body).toMatchObject({ kind: 'GPUList', items: [] });
      expect(names((await get(other.url, '/apis/networking.k8s.io/v1/networkpolicies')).body)).toEqual(['deny']);
    } finally {
      await other.close();
    }
  });

  it('guesses plurals the way the API server names them', () => {
    expect(['Pod', 'Policy', 'Ingress', 'Endpoints', 'Gateway', 'Mesh', 'Index'].map(guessPlural)).toEqual([
      'pods',
      'policies',
      'ingresses',
      'endpoints',
      'gateways',
      'meshes',
      'indexes',
    ]);
  });
});

describe('LIST and GET', () => {
  it('lists cluster-wide and per namespace, in etcd order, with the list kind and a resourceVersion', async () => {
    const all = (await get<ListBody>(sim.url, '/api/v1/pods')).body;
    expect(all).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
    expect(all.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(all.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(
      snapshot.objects
        .filter((o) => o.kind === 'Pod')
        .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
        .sort(),
    );
    expect(names((await get<ListBody>(sim.url, '/api/v1/namespaces/kube-system/pods')).body)).toEqual(['coredns-7db6d8ff4d-h2k9x', 'kube-proxy-8xj2l']);
    expect((await get<ListBody>(sim.url, '/api/v1/namespaces/nowhere/pods')).body.items).toEqual([]);
    const ds = (await get<ListBody>(sim.url, '/apis/apps/v1/namespaces/gpu-operator/daemonsets')).body;
    expect(ds).toMatchObject({ kind: 'DaemonSetList', apiVersion: 'apps/v1' });
    expect(names(ds)).toEqual(['nvidia-container-toolkit-daemonset', 'nvidia-device-plugin-daemonset', 'nvidia-operator-validator']);
  });

  it('returns each object unchanged, cluster-scoped and namespaced, core and group', async () => {
    expect((await get(sim.url, '/api/v1/nodes/gpu-2')).body).toStrictEqual(find('Node', 'gpu-2'));
    expect((await get(sim.url, '/api/v1/namespaces/ml/pods/train-0')).body).toStrictEqual(find('Pod', 'train-0'));
    expect((await get(sim.url, '/api/v1/namespaces/ml')).body).toStrictEqual(find('Namespace', 'ml'));
    expect((await get(sim.url, '/apis/apps/v1/namespaces/gpu-operator/deployments/gpu-operator')).body).toStrictEqual(find('Deployment', 'gpu-operator'));
    expect((await get(sim.url, '/apis/nvidia.com/v1/clusterpolicies/cluster-policy')).body).toStrictEqual(find('ClusterPolicy', 'cluster-policy'));
    expect((await get(sim.url, '/apis/node.k8s.io/v1/runtimeclasses/nvidia')).body).toStrictEqual(find('RuntimeClass', 'nvidia'));
  });

  it('answers unknown names and resources with 404 Status objects', async () => {
    expect((await get(sim.url, '/api/v1/namespaces/ml/pods/ghost')).body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "ghost" not found',
      reason: 'NotFound',
      details: { name: 'ghost', kind: 'pods' },
      code: 404,
    });
    expect((await get(sim.url, '/apis/apps/v1/namespaces/ml/daemonsets/ghost')).body).toMatchObject({
      message: 'daemonsets.apps "ghost" not found',
      details: { name: 'ghost', group: 'apps', kind: 'daemonsets' },
    });
    for (const p of ['/api/v1/widgets', '/apis/apps/v2/daemonsets', '/api/v1/namespaces/ml/nodes', '/api/v1/pods/train-0', '/nope', '/api/v1/namespaces/ml/pods/%E0%A4%A']) {
      const r = await get(sim.url, p);
      expect(r.status, p).toBe(404);
      expect(r.body, p).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource' });
    }
    // pods/exec is a WebSocket upgrade (test/live/exec.test.ts); a plain GET is refused as the API server refuses it.
    const exec = await get(sim.url, '/api/v1/namespaces/ml/pods/train-0/exec');
    expect([exec.status, exec.body]).toMatchObject([400, { reason: 'BadRequest', message: 'Upgrade request required' }]);
  });

  it('answers Table requests with Tables, as kube-apiserver prints them (cells checked in test/apiserver/tables.test.ts)', async () => {
    const accept = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' };
    const r = await get<{ kind: string; columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[] }>(sim.url, '/api/v1/nodes?limit=500', accept);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.body.kind).toBe('Table');
    expect(r.body.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version']);
    expect(r.body.rows.map((row) => row.cells[0])).toEqual(['cpu-1', 'gpu-1', 'gpu-2']);
    expect(r.body.rows[0]!.object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'cpu-1' } });
    const one = await get<{ kind: string; rows: unknown[] }>(sim.url, '/api/v1/nodes/gpu-1', accept);
    expect([one.body.kind, one.body.rows.length]).toEqual(['Table', 1]);
    const bad = await get(sim.url, '/api/v1/nodes?includeObject=All', accept);
    expect([bad.status, bad.body]).toMatchObject([400, { reason: 'BadRequest' }]);
  });

  it('refuses invalid writes, PUT and watches', async () => {
    const post = await fetch(`${sim.url}/api/v1/namespaces/ml/pods`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(422);
    expect((await fetch(`${sim.url}/api/v1/nodes/gpu-1`, { method: 'PUT', body: '{}' })).status).toBe(405);
    expect((await get(sim.url, '/api/v1/pods?watch=true')).body).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
  });

  it('logs every request with method, path, query and status', async () => {
    const before = sim.requests.length;
    await get(sim.url, '/api/v1/namespaces/ml/pods?labelSelector=tier&limit=2');
    await get(sim.url, '/api/v1/namespaces/ml/pods/ghost');
    expect(sim.requests.slice(before)).toEqual([
      { method: 'GET', path: '/api/v1/namespaces/ml/pods', query: { labelSelector: 'tier', limit: '2' }, status: 200 },
      { method: 'GET', path: '/api/v1/namespaces/ml/pods/ghost', query: {}, status: 404 },
    ]);
  });
});

describe('selectors', () => {
  const select = async (query: string) => names((await get<ListBody>(sim.url, `/api/v1/pods?${query}`)).body).sort();

  it('labelSelector: =, ==, !=, in, notin, exists, !exists, and their conjunction', async () => {
    expect(await select('labelSelector=' + encodeURIComponent('team=nlp'))).toEqual(['infer-7c9d8b6f5-z9x8c', 'notebook-5d4c8b7f9-q2w3e']);
    expect(await select('labelSelector=' + encodeURIComponent('team==vision'))).toEqual(['train-0']);
    expect(await select('labelSelector=' + encodeURIComponent('k8s-app!=kube-dns,k8s-app'))).toEqual(['kube-proxy-8xj2l']);
    expect(await select('labelSelector=' + encodeURIComponent('tier in (batch, serving)'))).toEqual(['infer-7c9d8b6f5-z9x8c', 'train-0']);
    expect(await select('labelSelector=' + encodeURIComponent('tier notin (batch,serving),team'))).toEqual(['notebook-5d4c8b7f9-q2w3e']);
    expect(await select('labelSelector=' + encodeURIComponent('!app,!pod-template-hash'))).toEqual(['kube-proxy-8xj2l']);
    expect(await select('labelSelector=' + encodeURIComponent('app=nvidia-device-plugin-daemonset,app.kubernetes.io/part-of=nvidia-gpu'))).toEqual(['nvidia-device-plugin-daemonset-7xk2p']);
  });

  it("fieldSelector: the fields kube-apiserver supports for the resource, a 400 for others", async () => {
    expect(await select('fieldSelector=spec.nodeName%3Dcpu-1')).toEqual(['coredns-7db6d8ff4d-h2k9x', 'gpu-operator-6b8c9d7f5-x2x7q']);
    expect(await select('fieldSelector=status.phase%3D%3DPending,metadata.namespace%21%3Dml')).toEqual(['nvidia-operator-validator-q8r4t']);
    const refused = await get(sim.url, '/api/v1/pods?fieldSelector=spec.runtimeClassName%3Dnvidia');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'field label not supported: spec.runtimeClassName' });
    const events = (await get<ListBody>(sim.url, '/api/v1/namespaces/ml/events?fieldSelector=' + encodeURIComponent('involvedObject.name=train-0,type!=Normal'))).body;
    expect(events.items.map((e) => e.reason)).toEqual(['FailedScheduling']);
  });

  it('rejects a malformed selector with 400 BadRequest', async () => {
    const r = await get(sim.url, '/api/v1/pods?labelSelector=' + encodeURIComponent('team in nlp'));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    expect(r.body.message).toMatch(/^unable to parse requirement/);
  });
});

describe('pagination', () => {
  it('pages with limit/continue, remainingItemCount and one resourceVersion for the whole list', async () => {
    const { items, pages } = await listAll(sim.url, '/api/v1/pods', 3);
    expect(items.map((p) => p.metadata.name)).toEqual(names((await get<ListBody>(sim.url, '/api/v1/pods')).body));
    expect(pages.map((p) => p.items.length)).toEqual([3, 3, 3, 1]);
    expect(pages.map((p) => p.metadata.remainingItemCount)).toEqual([7, 4, 1, undefined]);
    expect(new Set(pages.map((p) => p.metadata.resourceVersion)).size).toBe(1);
    expect(pages.at(-1)!.metadata.continue).toBeUndefined();
  });

  it('pages a selected list without remainingItemCount, as etcd does', async () => {
    const { items, pages } = await listAll(sim.url, '/api/v1/pods?labelSelector=team', 1);
    expect(items.map((p) => p.metadata.name)).toEqual(['infer-7c9d8b6f5-z9x8c', 'notebook-5d4c8b7f9-q2w3e', 'train-0']);
    expect(pages.every((p) => p.metadata.remainingItemCount === undefined)).toBe(true);
  });

  it('rejects a continue token that is garbage or belongs to another list', async () => {
    expect((await get(sim.url, '/api/v1/pods?limit=1&continue=bm90LWEtdG9rZW4')).body).toMatchObject({ code: 400, reason: 'BadRequest' });
    const first = (await get<ListBody>(sim.url, '/api/v1/nodes?limit=1')).body;
    const r = await get(sim.url, `/api/v1/pods?limit=1&continue=${first.metadata.continue}`);
    expect(r.body).toMatchObject({ code: 400, reason: 'BadRequest' });
  });
});

describe('pods/log', () => {
  const base = '/api/v1/namespaces';
  const file = (rel: string) => readFile(path.join(FIXTURE, 'logs', rel), 'utf8');

  it('streams the current and previous log, a tail and a byte limit', async () => {
    const p = `${base}/gpu-operator/pods/nvidia-device-plugin-daemonset-7xk2p/log`;
    const current = await get(sim.url, p);
    expect(current.headers.get('content-type')).toBe('text/plain');
    expect(current.body).toBe(await file('gpu-operator/nvidia-device-plugin-daemonset-7xk2p/nvidia-device-plugin.log'));
    expect((await get(sim.url, `${p}?previous=true`)).body).toBe(await file('gpu-operator/nvidia-device-plugin-daemonset-7xk2p/nvidia-device-plugin.previous.log'));
    expect((await get(sim.url, `${p}?tailLines=1`)).body).toBe(
      'I0302 08:01:12.152409       1 server.go:135] "Registered device plugin with Kubelet" resource="nvidia.com/gpu"\n',
    );
    expect((await get(sim.url, `${p}?tailLines=0`)).body).toBe('');
    expect((await get(sim.url, `${p}?tailLines=2&limitBytes=10`)).body).toBe('I0302 08:0');
    expect((await get(sim.url, `${p}?container=toolkit-validation`)).body).toBe(''); // an init container with no log kept
  });

  it('wants a container name for a pod with several, worded like the API server', async () => {
    const r = await get(sim.url, `${base}/ml/pods/notebook-5d4c8b7f9-q2w3e/log`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'a container name must be specified for pod notebook-5d4c8b7f9-q2w3e, choose one of: [jupyter git-sync] or one of the init containers: [fetch-data]',
      reason: 'BadRequest',
      code: 400,
    });
    const without = { ...emptyCollection('t'), objects: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'n' }, spec: { containers: [{ name: 'a' }, { name: 'b' }] } } as KubeObject] };
    const other = await startSimulator({ collection: without });
    try {
      expect((await get(other.url, '/api/v1/namespaces/n/pods/x/log')).body.message).toBe('a container name must be specified for pod x, choose one of: [a b]');
    } finally {
      await other.close();
    }
  });

  it('refuses an unknown container, a missing previous log, an unknown pod', async () => {
    expect((await get(sim.url, `${base}/ml/pods/train-0/log?container=nope`)).body).toMatchObject({ code: 400, message: 'container nope is not valid for pod train-0' });
    expect((await get(sim.url, `${base}/ml/pods/train-0/log?previous=true`)).body).toMatchObject({ code: 400, message: 'previous terminated container "trainer" in pod "train-0" not found' });
    expect((await get(sim.url, `${base}/ml/pods/ghost/log`)).body).toMatchObject({ code: 404, message: 'pods "ghost" not found' });
    expect((await get(sim.url, `${base}/ml/pods/train-0/log?tailLines=-1`)).status).toBe(400);
  });

  it('serves logs held only in the collection, keyed as the snapshot keys them', async () => {
    const collection = { ...emptyCollection('t'), objects: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n' }, spec: { containers: [{ name: 'c' }] } } as KubeObject] };
    collection.logs.set(logKey('n', 'p', 'c'), 'héllo\nwörld\n');
    const other = await startSimulator({ collection });
    try {
      expect((await get(other.url, '/api/v1/namespaces/n/pods/p/log?tailLines=1')).body).toBe('wörld\n');
      const res = await fetch(`${other.url}/api/v1/namespaces/n/pods/p/log?limitBytes=2`);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from('héllo').subarray(0, 2)); // bytes, mid-character
    } finally {
      await other.close();
    }
  });
});

describe('writeKubeconfig', () => {
  it('writes a kubeconfig whose current context points at the simulator', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-sim-kc-'));
    try {
      const file = await sim.writeKubeconfig(path.join(dir, 'nested/config'), { token: 't0ken', context: 'lab', namespace: 'ml' });
      const config = parseYaml(await readFile(file, 'utf8'));
      expect(config['current-context']).toBe('lab');
      expect(config.clusters[0].cluster.server).toBe(sim.url);
      expect(config.users[0].user).toEqual({ token: 't0ken' });
      expect(config.contexts[0]).toEqual({ name: 'lab', context: { cluster: 'lab', user: 'lab', namespace: 'ml' } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
