// Namespace-scoped lists and metadata-only lists (Secrets): the path, the Accept header, and that no
// secret content survives the list — against the fake API and the simulator.
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/facts/kube.js';
import { emptyCollection } from '../../src/collection/collection.js';
import { KubeClient } from '../../src/sources/live/client.js';
import { listAll, listPath, PARTIAL_METADATA_LIST } from '../../src/sources/live/list.js';
import { resourceTypeOfKind } from '../../src/collection/resources.js';
import type { Simulator } from '../simulator/server.js';
import { startSimulator } from '../simulator/server.js';
import type { FakeApi } from './fake-api.js';
import { json, startFakeApi, status } from './fake-api.js';

const SECRET = resourceTypeOfKind('Secret')!;
const CONFIG_MAP = resourceTypeOfKind('ConfigMap')!;
const JOB = resourceTypeOfKind('Job')!;
const TOKEN_DATA = { 'client.yaml': 'dG9rZW46IHMzY3IzdA==', 'ca.crt': 'LS0tLS1CRUdJTg==' };
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function secret(namespace: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'bitfusion-secret',
      namespace,
      uid: `uid-${namespace}`,
      creationTimestamp: '2024-05-02T09:14:07Z',
      annotations: { [LAST_APPLIED]: JSON.stringify({ data: TOKEN_DATA }) },
    },
    type: 'Opaque',
    data: TOKEN_DATA,
  };
}

let api: FakeApi | undefined;
let sim: Simulator | undefined;
afterEach(async () => {
  await api?.close();
  await sim?.close();
  api = sim = undefined;
});

describe('resource types of one namespace and by name', () => {
  it('lists TensorFusion jobs and its GPU model table in tensor-fusion-sys only, the table by name', () => {
    expect(listPath(JOB, 500)).toBe('/apis/batch/v1/namespaces/tensor-fusion-sys/jobs?limit=500');
    expect(listPath(CONFIG_MAP, 500)).toBe(
      '/api/v1/namespaces/tensor-fusion-sys/configmaps?limit=500&fieldSelector=metadata.name%3Dtensor-fusion-sys-public-gpu-info',
    );
    expect(listPath(SECRET, 500)).toBe('/api/v1/secrets?limit=500&fieldSelector=metadata.name%3Dbitfusion-secret');
  });
});

describe('metadata-only lists', () => {
  it('ask for PartialObjectMetadataList, with no fallback to full objects', async () => {
    api = await startFakeApi({ override: (req, res) => (json(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: {}, items: [] }), true) });
    const client = new KubeClient({ server: api.url, credentials: {}, timeoutMs: 5000 });
    await listAll(client, SECRET, 500);
    await listAll(client, resourceTypeOfKind('Pod')!, 500);
    client.close();
    expect(api.requests.map((r) => r.headers.accept)).toEqual([PARTIAL_METADATA_LIST, 'application/json']);
    expect(PARTIAL_METADATA_LIST).not.toContain(',');
  });

  it('keep only metadata, without last-applied-configuration, even from a server that sent everything', async () => {
    // A proxy that ignores the Accept header answers with full Secrets.
    api = await startFakeApi({ override: (req, res) => (json(res, 200, { kind: 'SecretList', apiVersion: 'v1', metadata: {}, items: [secret('kube-system')] }), true) });
    const client = new KubeClient({ server: api.url, credentials: {}, timeoutMs: 5000 });
    const outcome = await listAll(client, SECRET, 500);
    client.close();
    expect(outcome).toEqual({
      objects: [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'bitfusion-secret', namespace: 'kube-system', uid: 'uid-kube-system', creationTimestamp: '2024-05-02T09:14:07Z', annotations: {} },
        },
      ],
    });
    expect(JSON.stringify(outcome)).not.toContain(TOKEN_DATA['client.yaml']);
  });

  it('make a 406 unavailable, with the reason', async () => {
    api = await startFakeApi({ override: (req, res) => (status(res, 406, 'NotAcceptable', 'only the following media types are accepted: application/json'), true) });
    const client = new KubeClient({ server: api.url, credentials: {}, timeoutMs: 5000, attempts: 1 });
    expect(await listAll(client, SECRET, 500)).toEqual({ unavailable: 'the API server does not list metadata only (406 Not Acceptable)' });
    client.close();
  });

  it('against the simulator: every namespace, by name, and no data on the wire', async () => {
    const other: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'registry-cred', namespace: 'ml', uid: 'u3' }, data: { '.dockerconfigjson': 'e30=' } };
    sim = await startSimulator({ collection: { ...emptyCollection('test'), objects: [secret('kube-system'), secret('ml'), other] } });
    const client = new KubeClient({ server: sim.url, credentials: {}, timeoutMs: 5000 });
    const outcome = await listAll(client, SECRET, 1);
    client.close();
    expect('objects' in outcome && outcome.objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['kube-system/bitfusion-secret', 'ml/bitfusion-secret']);
    expect('objects' in outcome && outcome.objects.every((o) => Object.keys(o).sort().join() === 'apiVersion,kind,metadata')).toBe(true);
    // one page per object scanned (limit 1), each with the name selector: the filtering is the server's
    expect(sim.requests.length).toBeGreaterThanOrEqual(2);
    expect(sim.requests.every((r) => r.query.fieldSelector === 'metadata.name=bitfusion-secret')).toBe(true);
  });

  it('the simulator answers the metadata Accept header as the API server does', async () => {
    sim = await startSimulator({ collection: { ...emptyCollection('test'), objects: [secret('kube-system')] } });
    const res = await fetch(`${sim.url}/api/v1/namespaces/kube-system/secrets`, { headers: { Accept: PARTIAL_METADATA_LIST } });
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      items: [{ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'bitfusion-secret' } }],
    });
    expect(body).not.toContain('"data"');
    const full = await (await fetch(`${sim.url}/api/v1/namespaces/kube-system/secrets`)).json();
    expect(full).toMatchObject({ kind: 'SecretList', items: [{ data: TOKEN_DATA }] });
  });
});
