// Concurrent requests are bounded: at most LIST_CONCURRENCY lists and LOG_CONCURRENCY logs in flight at
// once, counted at the server (a proxy in front of the simulator), whatever the size of the cluster.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIST_CONCURRENCY, LOG_CONCURRENCY } from '../../src/sources/live/collect.js';
import { collectLive } from '../../src/sources/live.js';
import { RESOURCE_TYPES } from '../../src/collection/resources.js';
import { kubeconfigFor, type Simulator, startSimulator } from '../simulator/server.js';
import { syntheticCluster } from '../simulator/synthetic.js';
import { type CountingProxy, startCountingProxy } from './counting-proxy.js';

let sim: Simulator;
let proxy: CountingProxy;
let dir: string;

beforeAll(async () => {
  // 2,000 pods with a fifth of them broken: more troubled pods than LOG_CONCURRENCY, so logs queue too.
  const cluster = syntheticCluster({ nodes: 50, podsPerNode: 40, brokenFraction: 0.2, seed: 7, now: new Date().toISOString() });
  // Every request waits a little, so that whatever the client lets overlap does overlap.
  sim = await startSimulator({ collection: cluster, faults: [{ path: '^/api', latencyMs: 40 }] });
  proxy = await startCountingProxy(sim.url);
  dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-scale-'));
  await writeFile(path.join(dir, 'kubeconfig'), kubeconfigFor(proxy.url));
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('concurrent requests', () => {
  it(`keeps at most ${LIST_CONCURRENCY} lists and ${LOG_CONCURRENCY} logs in flight`, async () => {
    const collection = await collectLive({ kubeconfig: path.join(dir, 'kubeconfig'), requestTimeoutMs: 30_000, chunkSize: 100 });
    expect(collection.unavailable.size).toBe(0);
    expect(collection.objects.filter((o) => o.kind === 'Pod')).toHaveLength(2000);

    // More types than the limit, each paged: the limit is reached, never passed.
    expect(RESOURCE_TYPES.length).toBeGreaterThan(LIST_CONCURRENCY);
    expect(proxy.maxInFlight.list).toBe(LIST_CONCURRENCY);
    expect(proxy.count.log).toBeGreaterThan(LOG_CONCURRENCY);
    expect(proxy.maxInFlight.log).toBe(LOG_CONCURRENCY);
  }, 60_000);
});
