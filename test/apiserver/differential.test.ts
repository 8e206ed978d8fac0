// The simulator against the real thing: the same snapshot in both, every request shape gpuctl makes (the
// simulator's request log of a full doctor run) and the shapes kubectl and paging use, replayed against
// both; status codes, Status bodies, list contents and order, paging, Tables, metadata-only lists compared.
// Every difference found must be one of KNOWN below (and test/simulator/README.md): a new one fails.
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiVersionOf, RESOURCE_TYPES } from '../../src/sources/resources.js';
import { gpuctl } from '../helpers/cli.js';
import { startSimulator, type Simulator } from '../simulator/server.js';
import { apiRequest, compactEtcd, startControlPlane, type ApiResponse } from './control-plane.js';
import { controlPlane, kubeletFor, loadExample, type LoadedExample } from './helpers.js';
import type { KubeletStandIn } from './kubelet.js';

const EXAMPLE = 'examples/tensor-fusion-injection';
let kubelet: KubeletStandIn;
let example: LoadedExample;
let sim: Simulator;
/** GET paths (with query) of a full `gpuctl doctor` run against the simulator. */
let doctorRequests: string[] = [];

beforeAll(async () => {
  kubelet = await kubeletFor();
  example = await loadExample(EXAMPLE, kubelet);
  sim = await startSimulator({ collection: example.collection });
  const home = mkdtempSync(path.join(tmpdir(), 'gpuctl-diff-'));
  const kubeconfig = await sim.writeKubeconfig(path.join(home, 'kubeconfig'));
  await gpuctl(['doctor', '-o', 'json', '--node-probe', 'none', '--kubeconfig', kubeconfig], { HOME: home, KUBECONFIG: '' });
  doctorRequests = [
    ...new Set(sim.requests.filter((r) => r.method === 'GET' && !r.path.endsWith('/exec')).map((r) => r.path + (Object.keys(r.query).length ? '?' + new URLSearchParams(r.query).toString() : ''))),
  ];
});
afterAll(async () => {
  await sim?.close();
  await example?.unload();
  await kubelet?.close();
});

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

function simGet(p: string, accept = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(new URL(p, sim.url), { headers: { accept } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString() }));
      })
      .on('error', reject);
  });
}
const realGet = async (p: string, accept = 'application/json'): Promise<Answer> => {
  const r: ApiResponse = await apiRequest(controlPlane(), { path: p, accept });
  return { status: r.status, contentType: String(r.headers['content-type'] ?? ''), text: r.text };
};

const parse = (a: Answer) => {
  try {
    return JSON.parse(a.text);
  } catch {
    return undefined;
  }
};
const itemNames = (body: { items?: { metadata?: { name?: string; namespace?: string } }[] }) => body.items?.map((o) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`);

/** One line per way the two answers differ (empty when they agree on what gpuctl and kubectl read). */
function compare(sim: Answer, real: Answer): string[] {
  const out: string[] = [];
  if (sim.status !== real.status) out.push(`status ${sim.status} vs ${real.status}`);
  const s = parse(sim);
  const r = parse(real);
  if ((s === undefined) !== (r === undefined)) {
    out.push(`body ${s === undefined ? 'text' : 'JSON'} vs ${r === undefined ? `text ${JSON.stringify(real.text.trim())}` : 'JSON'}`);
    return out;
  }
  if (s === undefined) return sim.text === real.text ? out : [...out, `text ${JSON.stringify(sim.text.slice(0, 80))} vs ${JSON.stringify(real.text.slice(0, 80))}`];
  if (s.kind !== r.kind) out.push(`kind ${s.kind} vs ${r.kind}`);
  if (s.kind === 'Status' || r.kind === 'Status') {
    for (const f of ['reason', 'code', 'message']) if (s[f] !== r[f]) out.push(`${f} ${JSON.stringify(s[f])} vs ${JSON.stringify(r[f])}`);
    return out;
  }
  if (s.kind === 'Table' || r.kind === 'Table') {
    // rows against items: compared by the columns below
  } else if (Array.isArray(s.items) || Array.isArray(r.items)) {
    // A real metadata-only list leaves out an empty items: clients read it as [].
    const a = JSON.stringify(itemNames(s) ?? []);
    const b = JSON.stringify(itemNames(r) ?? []);
    if (a !== b) out.push(`items ${a} vs ${b}`);
    const rc = (x: { metadata?: { remainingItemCount?: number; continue?: string } }) => `${x.metadata?.remainingItemCount ?? '-'} ${x.metadata?.continue ? 'continue' : 'last'}`;
    if (rc(s) !== rc(r)) out.push(`page ${rc(s)} vs ${rc(r)}`);
  }
  if (Array.isArray(s.rows) || Array.isArray(r.rows)) {
    type Table = { columnDefinitions?: { name: string; type: string; priority?: number }[]; rows?: { cells: unknown[]; object?: { kind?: string; metadata?: { name?: string } } }[] };
    const cols = (x: Table) => JSON.stringify(x.columnDefinitions?.map((c) => [c.name, c.type, c.priority ?? 0]));
    if (cols(s) !== cols(r)) out.push(`columns ${cols(s)} vs ${cols(r)}`);
    // Cells, except those that count time from the object's creation: the real server stamped its copies
    // when the example was loaded, the simulator serves the snapshot's timestamps.
    const timeColumns = new Set(['Age', 'Created At', 'Last Seen', 'First Seen']);
    const keep = ((r as Table).columnDefinitions ?? []).map((c) => !timeColumns.has(c.name) && c.type !== 'date');
    const rows = (x: Table) => (x.rows ?? []).map((row) => JSON.stringify([row.object?.kind ?? '-', ...row.cells.filter((_, i) => keep[i])]));
    const a = rows(s);
    const b = rows(r);
    for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) out.push(`row ${i} ${a[i] ?? 'absent'} vs ${b[i] ?? 'absent'}`);
  }
  return out;
}

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const METADATA = 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json';

/**
 * The differences that stay, by request shape, with the reason (also in test/simulator/README.md).
 * The key is the request as the test names it; the value, every line compare() reports for it.
 */
const KNOWN: Record<string, string[]> = {
  // The real server answers a group no CRD serves with its mux's plain-text 404; the simulator with a
  // Status. client-node and gpuctl read both as "not installed" (the status code is what they use).
  'GET /apis/nvidia.com/v1/clusterpolicies': ['body JSON vs text "404 page not found"'],
  'GET /apis/monitoring.coreos.com/v1/prometheuses': ['body JSON vs text "404 page not found"'],
  'GET /apis/monitoring.coreos.com/v1/servicemonitors': ['body JSON vs text "404 page not found"'],
  'GET /apis/gateway.networking.k8s.io/v1/gatewayclasses': ['body JSON vs text "404 page not found"'],
  'GET /apis/gateway.networking.k8s.io/v1/gateways': ['body JSON vs text "404 page not found"'],
};

describe(`the simulator and the real kube-apiserver, both serving ${EXAMPLE}`, () => {
  const found: Record<string, string[]> = {};
  const check = async (name: string, p: string, accept?: string) => {
    const diff = compare(await simGet(p, accept), await realGet(p, accept));
    if (diff.length) found[name] = diff;
  };

  it('answer every GET of a full gpuctl doctor run alike', async () => {
    expect(doctorRequests.length).toBeGreaterThan(20);
    expect(doctorRequests.some((p) => p.includes('/log?'))).toBe(true);
    for (const p of doctorRequests) await check(`GET ${p.replace(/\?limit=500$/, '')}`, p);
  });

  it('answer kubectl\'s shapes alike: Tables, metadata-only lists, selectors, absent objects, refused field selectors', async () => {
    // What `kubectl get` asks for in the playbooks gpuctl replaces, one object, a CRD, and the object policies.
    const tables = ['/api/v1/pods', '/api/v1/nodes', '/api/v1/events', '/api/v1/namespaces', '/apis/apps/v1/daemonsets', '/apis/apps/v1/deployments', '/apis/node.k8s.io/v1/runtimeclasses', '/api/v1/pods?limit=5'];
    // A custom resource (its CRD declares no printer columns on either side: Name and Age).
    const custom = RESOURCE_TYPES.find((t) => t.crd && example.collection.objects.some((o) => o.kind === t.kind && o.apiVersion === apiVersionOf(t)));
    expect(custom, 'the example holds TensorFusion objects').toBeDefined();
    tables.push(`/apis/${custom!.group}/${custom!.version}/${custom!.plural}`);
    const onePod = example.collection.objects.find((o) => o.kind === 'Pod')!;
    tables.push(`/api/v1/namespaces/${onePod.metadata.namespace}/pods/${onePod.metadata.name}`, '/api/v1/pods?includeObject=Object', '/api/v1/nodes?includeObject=None', '/api/v1/pods?includeObject=Everything');
    for (const p of tables) await check(`Table GET ${p}`, p, TABLE);
    await check('metadata GET /api/v1/secrets', '/api/v1/secrets', METADATA);
    await check('metadata GET /api/v1/pods', '/api/v1/pods', METADATA);
    await check('GET pods by label', '/api/v1/pods?labelSelector=' + encodeURIComponent('app in (sd-webui,qwen-chat)'));
    await check('GET pods by phase', '/api/v1/pods?fieldSelector=' + encodeURIComponent('status.phase!=Running'));
    await check('GET events by reason', '/api/v1/events?fieldSelector=' + encodeURIComponent('reason=BackOff'));
    await check('GET absent pod', '/api/v1/namespaces/ml/pods/nope');
    await check('GET absent namespace', '/api/v1/namespaces/nope');
    await check('GET unsupported field selector', '/api/v1/pods?fieldSelector=' + encodeURIComponent('spec.runtimeClassName=nvidia'));
    await check('GET log of an absent container', '/api/v1/namespaces/ml/pods/' + example.collection.objects.find((o) => o.kind === 'Pod' && o.metadata.namespace === 'ml')!.metadata.name + '/log?container=nope');
  });

  it('page alike: limit, continue, remainingItemCount, and 410 for a continue token after compaction', async () => {
    let simPath = '/api/v1/pods?limit=7';
    let realPath = simPath;
    for (let page = 1; page < 10; page++) {
      const s = await simGet(simPath);
      const r = await realGet(realPath);
      const diff = compare(s, r);
      if (diff.length) found[`page ${page} of /api/v1/pods?limit=7`] = diff;
      const sc = parse(s).metadata?.continue;
      const rc = parse(r).metadata?.continue;
      if (!sc || !rc) break;
      simPath = `/api/v1/pods?limit=7&continue=${encodeURIComponent(sc)}`;
      realPath = `/api/v1/pods?limit=7&continue=${encodeURIComponent(rc)}`;
    }
    // A token from before a compaction: etcd no longer has that revision.
    const s = parse(await simGet('/api/v1/pods?limit=3')).metadata.continue as string;
    const r = parse(await realGet('/api/v1/pods?limit=3')).metadata.continue as string;
    // Something must change after the token for its revision to fall behind the compacted one.
    await apiRequest(controlPlane(), { method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: { metadata: { generateName: 'bump-' } } });
    await compactEtcd(controlPlane().etcdUrl);
    sim.expireContinueTokens();
    // kube-apiserver 1.34+ serves a continued list from its watch cache's snapshot
    // (ListFromCacheSnapshot, beta, on): the token outlives the etcd compaction.
    const cached = await realGet(`/api/v1/pods?limit=3&continue=${encodeURIComponent(r)}`);
    expect(cached.status).toBe(200);
    const expiredSim = await simGet(`/api/v1/pods?limit=3&continue=${encodeURIComponent(s)}`);
    expect(expiredSim.status).toBe(410);
    // Without the snapshots, the continuation goes to etcd, which has compacted the revision away.
    const bare = await startControlPlane({ extraArgs: ['--feature-gates=ListFromCacheSnapshot=false'] });
    try {
      for (let i = 0; i < 5; i++) await apiRequest(bare, { method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: { metadata: { name: `cm-${i}` } } });
      const token = (await apiRequest(bare, { path: '/api/v1/namespaces/default/configmaps?limit=2' })).json().metadata.continue as string;
      await apiRequest(bare, { method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: { metadata: { name: 'cm-bump' } } });
      await compactEtcd(bare.etcdUrl);
      const expired = await apiRequest(bare, { path: `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(token)}` });
      expect(expired.status).toBe(410);
      const diff = compare(expiredSim, { status: expired.status, contentType: String(expired.headers['content-type']), text: expired.text });
      if (diff.length) found['expired continue'] = diff;
    } finally {
      await bare.stop();
    }
  });

  it('differ only where test/simulator/README.md says why', () => {
    expect(found).toEqual(KNOWN);
  });
});
