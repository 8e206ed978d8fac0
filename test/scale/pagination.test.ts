// gpuctl's own list code (listAll over KubeClient) at 100,000 pods: 200 pages of 500, every pod exactly
// once. And a list whose continue token expires halfway (etcd compacted) starts over and still yields
// every pod exactly once: shown on 10,000 pods, where it behaves the same and costs a tenth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/facts/kube.js';
import { KubeClient } from '../../src/sources/live/client.js';
import { listAll, type ListOutcome } from '../../src/sources/live/list.js';
import { resourceTypeOfKind } from '../../src/collection/resources.js';
import { type Simulator, startSimulator } from '../simulator/server.js';
import { syntheticCluster } from '../simulator/synthetic.js';
import { type CountingProxy, startCountingProxy } from './counting-proxy.js';

const NODES = 1000;
const PODS_PER_NODE = 100;
const PODS = NODES * PODS_PER_NODE;
const PAGE = 500;
const PODS_TYPE = resourceTypeOfKind('Pod')!;

interface Served {
  sim: Simulator;
  /** namespace/name of every pod, sorted. */
  pods: string[];
}

async function serve(nodes: number, podsPerNode: number): Promise<Served> {
  const cluster = syntheticCluster({ nodes, podsPerNode, brokenFraction: 0.02, seed: 3 });
  const pods = cluster.objects.filter((o) => o.kind === 'Pod').map(podKey).sort();
  // The JSON cache: a restarted list serves its first pages again.
  return { sim: await startSimulator({ collection: cluster, cacheJson: true }), pods };
}

let big: Served;
let small: Served;
beforeAll(async () => {
  [big, small] = [await serve(NODES, PODS_PER_NODE), await serve(100, 100)];
}, 180_000);

afterAll(async () => {
  await big?.sim.close();
  await small?.sim.close();
});

const podKey = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

function client(url: string): KubeClient {
  return new KubeClient({ server: url, credentials: {}, timeoutMs: 60_000 });
}

function objectsOf(outcome: ListOutcome): KubeObject[] {
  if (!('objects' in outcome)) throw new Error(`the list failed: ${JSON.stringify(outcome)}`);
  return outcome.objects;
}

/** Each pod once: no pod twice, none missing. */
function expectEveryPodOnce(objects: KubeObject[], served: Served): void {
  const keys = objects.map(podKey);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys.sort()).toEqual(served.pods);
}

describe(`${PODS.toLocaleString('en-US')} pods`, () => {
  it(`lists them in ${PODS / PAGE} pages of ${PAGE}, every pod once`, async () => {
    const { sim } = big;
    expect(big.pods).toHaveLength(PODS);
    const kube = client(sim.url);
    const seenPages: number[] = [];
    const before = sim.requests.length;
    try {
      const objects = objectsOf(await listAll(kube, PODS_TYPE, PAGE, (n) => seenPages.push(n)));
      expectEveryPodOnce(objects, big);
    } finally {
      kube.close();
    }
    const requests = sim.requests.slice(before);
    expect(requests).toHaveLength(PODS / PAGE);
    expect(requests.every((r) => r.path === '/api/v1/pods' && r.query.limit === String(PAGE) && r.status === 200)).toBe(true);
    // Each page continues where the previous one ended, with the token it handed out.
    expect(requests[0]!.query.continue).toBeUndefined();
    expect(requests.slice(1).every((r) => !!r.query.continue)).toBe(true);
    expect(seenPages).toEqual(Array.from({ length: PODS / PAGE }, (_, i) => (i + 1) * PAGE));
  }, 180_000);

  it('starts over when the continue token expires halfway (410 Gone), and still yields every pod once', async () => {
    const { sim } = small;
    const pages = small.pods.length / PAGE;
    const halfway = pages / 2;
    // Compaction just as the list asks for the page after the first half: that token is now too old.
    const proxy: CountingProxy = await startCountingProxy(sim.url, {
      onRequest: (_url, kind, before) => before === halfway && kind === 'list' && sim.expireContinueTokens(),
    });
    const kube = client(proxy.url);
    const before = sim.requests.length;
    try {
      expectEveryPodOnce(objectsOf(await listAll(kube, PODS_TYPE, PAGE)), small);
    } finally {
      kube.close();
      await proxy.close();
    }
    const requests = sim.requests.slice(before);
    const expired = requests.findIndex((r) => r.status === 410);
    expect(expired).toBe(halfway);
    // After the 410: a fresh list from the start (no token), then all its pages.
    expect(requests[expired + 1]!.query.continue).toBeUndefined();
    expect(requests).toHaveLength(halfway + 1 + pages);
    expect(requests.filter((r) => r.status === 410)).toHaveLength(1);
  }, 60_000);
});
