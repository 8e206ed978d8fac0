// The simulator at benchmark scale: 5,000 nodes and 100,000 pods, paged 500 at a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/facts/kube.js';
import { get, type ListBody } from './helpers.js';
import { startSimulator, type Simulator } from './server.js';
import { type SyntheticCluster, syntheticCluster } from './synthetic.js';

const NODES = 5000;
const PODS_PER_NODE = 20;
let cluster: SyntheticCluster;
let sim: Simulator;

beforeAll(async () => {
  const started = performance.now();
  cluster = syntheticCluster({ nodes: NODES, podsPerNode: PODS_PER_NODE, brokenFraction: 0.02, seed: 42 });
  const generated = performance.now();
  sim = await startSimulator({ collection: cluster });
  console.log(`synthetic ${NODES}×${PODS_PER_NODE}: generated in ${Math.round(generated - started)} ms, indexed in ${Math.round(performance.now() - generated)} ms`);
}, 180_000);
afterAll(() => sim?.close());

/** Follows continue tokens, handing each page to `onPage`; returns the pages' metadata. */
async function pageThrough(path: string, limit: number, onPage: (items: KubeObject[]) => void): Promise<ListBody['metadata'][]> {
  const metas: ListBody['metadata'][] = [];
  let token: string | undefined;
  do {
    const r = await get<ListBody>(sim.url, `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
    expect(r.status).toBe(200);
    onPage(r.body.items);
    metas.push(r.body.metadata);
    token = r.body.metadata.continue;
  } while (token);
  return metas;
}

describe('100,000 pods', () => {
  it('continue tokens walk every pod exactly once, 500 at a time', async () => {
    const seen = new Set<string>();
    let duplicates = 0;
    const started = performance.now();
    const metas = await pageThrough('/api/v1/pods', 500, (items) => {
      expect(items.length).toBeLessThanOrEqual(500);
      for (const pod of items) {
        const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
        if (seen.has(key)) duplicates++;
        seen.add(key);
      }
    });
    const elapsed = performance.now() - started;
    console.log(`all pages of ${seen.size} pods with limit=500: ${metas.length} requests in ${Math.round(elapsed)} ms`);
    expect(duplicates).toBe(0);
    expect(seen.size).toBe(NODES * PODS_PER_NODE);
    expect(metas).toHaveLength((NODES * PODS_PER_NODE) / 500);
    expect(metas.map((m) => m.remainingItemCount ?? 0)).toEqual(metas.map((_, i) => NODES * PODS_PER_NODE - 500 * (i + 1)));
    expect(new Set(metas.map((m) => m.resourceVersion)).size).toBe(1);
    const expected = cluster.objects.filter((o) => o.kind === 'Pod').map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect([...seen].sort()).toEqual(expected.sort());
  }, 180_000);

  it('pages a server-side filtered list to the same objects as filtering the whole', async () => {
    const pending = cluster.objects.filter((o) => o.kind === 'Pod' && o.status?.phase === 'Pending' && o.metadata.labels?.tier === 'training');
    expect(pending.length).toBeGreaterThan(0);
    const got: string[] = [];
    await pageThrough('/api/v1/pods?fieldSelector=status.phase%3DPending&labelSelector=tier%3Dtraining', 500, (items) => got.push(...items.map((p) => p.metadata.name)));
    expect(got.sort()).toEqual(pending.map((p) => p.metadata.name).sort());
    const onNode = await get<ListBody>(sim.url, '/api/v1/pods?fieldSelector=spec.nodeName%3Dgpu-node-0042');
    expect(onNode.body.items).toHaveLength(PODS_PER_NODE);
  }, 120_000);

  it('answers a continue token from before a compaction with 410 Expired; a new list starts over', async () => {
    const first = await get<ListBody>(sim.url, '/api/v1/pods?limit=500');
    const second = await get<ListBody>(sim.url, `/api/v1/pods?limit=500&continue=${encodeURIComponent(first.body.metadata.continue!)}`);
    expect(second.status).toBe(200);
    sim.expireContinueTokens();
    const stale = await get(sim.url, `/api/v1/pods?limit=500&continue=${encodeURIComponent(second.body.metadata.continue!)}`);
    expect(stale.status).toBe(410);
    expect(stale.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    const restart = await get<ListBody>(sim.url, '/api/v1/pods?limit=500');
    expect(restart.status).toBe(200);
    expect(Number(restart.body.metadata.resourceVersion)).toBeGreaterThan(Number(first.body.metadata.resourceVersion));
    expect(restart.body.items.map((p) => p.metadata.name)).toEqual(first.body.items.map((p) => p.metadata.name));
    const next = await get<ListBody>(sim.url, `/api/v1/pods?limit=500&continue=${encodeURIComponent(restart.body.metadata.continue!)}`);
    expect(next.status).toBe(200);
  }, 60_000);
});
