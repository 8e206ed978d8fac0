// The simulator against the real thing: the same snapshot in both, every request shape gpuctl makes (the
// simulator's request log of a full doctor run) and the shapes kubectl and paging use, replayed against
// both; status codes, Status bodies, list contents and order, paging, Tables, metadata-only lists compared.
// Every difference found must be one of KNOWN below (and test/simulator/README.md): a new one fails.
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    const cols = (x: { columnDefinitions?: { name: string }[] }) => JSON.stringify(x.columnDefinitions?.map((c) => c.name));
    if (cols(s) !== cols(r)) out.push(`columns ${cols(s)} vs ${cols(r)}`);
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
  // Tables: the simulator answers a Table request with the plain list (kubectl prints it with its own
  // columns); the real server sends a Table.
  'Table GET /api/v1/pods': ['kind PodList vs Table', 'columns undefined vs ["Name","Ready","Status","Restarts","Age","IP","Node","Nominated Node","Readiness Gates"]'],
  'Table GET /api/v1/nodes': ['kind NodeList vs Table', 'columns undefined vs ["Name","Status","Roles","Age","Version","Internal-IP","External-IP","OS-Image","Kernel-Version","Container-Runtime"]'],
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
    for (const p of ['/api/v1/pods', '/api/v1/nodes']) await check(`Table GET ${p}`, p, TABLE);
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
