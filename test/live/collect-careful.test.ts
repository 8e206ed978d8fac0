// `gpuctl collect` is careful with the user's files: it refuses a non-empty directory and an existing bundle
// unless --force (before it reads the cluster), writes under a temporary name and renames, names files after
// the API's resource plurals, and takes the log of every container of a GPU pod, the GPU container first.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Facts } from '../../src/facts/facts.js';
import { logTargets } from '../../src/facts/log-targets.js';
import type { Collection } from '../../src/collection/collection.js';
import { emptyCollection } from '../../src/collection/collection.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { gpuctl } from '../helpers/cli.js';
import { pod } from '../helpers/facts.js';
import type { Simulator } from '../simulator/server.js';
import { startSimulator } from '../simulator/server.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function collect(collection?: Collection) {
  sim = await startSimulator({ collection: collection ?? (await loadSnapshot('test/fixtures/sim')) });
  const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-careful-'));
  const kubeconfig = await sim.writeKubeconfig(path.join(dir, 'kubeconfig'), { context: 'lab' });
  const run = (more: string[]) => gpuctl(['collect', '--node-probe', 'none', '--kubeconfig', kubeconfig, ...more], { HOME: dir, KUBECONFIG: '' });
  return { dir, run };
}

describe('gpuctl collect and the user\'s files', () => {
  it('refuses a directory that holds anything, before reading the cluster; --force writes into it', async () => {
    const c = await collect();
    const checkout = path.join(c.dir, 'checkout');
    mkdirSync(checkout);
    writeFileSync(path.join(checkout, 'README.md'), 'mine\n');
    const requestsBefore = sim!.requests.length;
    const r = await c.run(['-f', checkout]);
    expect([r.exitCode, r.stderr.split('\n')[0]]).toEqual([2, `gpuctl: error: ${checkout} is not empty: collect writes into a new or empty directory`]);
    expect(sim!.requests.length).toBe(requestsBefore); // refused before any request
    expect(readdirSync(checkout)).toEqual(['README.md']);
    const forced = await c.run(['-f', checkout, '--force']);
    expect(forced.exitCode).toBe(0);
    expect(readdirSync(checkout).sort()).toEqual(['README.md', 'cluster', 'logs', 'meta.json']);
    expect(readFileSync(path.join(checkout, 'README.md'), 'utf8')).toBe('mine\n');
  });

  it('refuses an existing bundle file unless --force, and replaces it atomically', async () => {
    const c = await collect();
    const bundle = path.join(c.dir, 'bundle.tar.gz');
    writeFileSync(bundle, 'an older bundle');
    const r = await c.run(['-f', bundle]);
    expect([r.exitCode, r.stderr.split('\n')[0]]).toEqual([2, `gpuctl: error: ${bundle} exists: collect does not overwrite it`]);
    expect(readFileSync(bundle, 'utf8')).toBe('an older bundle');
    const forced = await c.run(['-f', bundle, '--force']);
    expect(forced.exitCode).toBe(0);
    expect((await loadSnapshot(bundle)).objects.length).toBeGreaterThan(0);
    // No temporary name is left beside it.
    expect(readdirSync(c.dir).filter((f) => f.includes('gpuctl-partial'))).toEqual([]);
  });

  it('writes a new directory (or an empty one) under a temporary name, then renames it; files named after the resource plurals', async () => {
    const c = await collect();
    const empty = path.join(c.dir, 'empty');
    mkdirSync(empty);
    const r = await c.run(['-f', empty]);
    expect(r.exitCode).toBe(0);
    const files = readdirSync(path.join(empty, 'cluster')).sort();
    expect(files).toEqual(expect.arrayContaining(['clusterpolicies.json', 'runtimeclasses.json', 'pods.json', 'nodes.json', 'daemonsets.json']));
    expect(files.filter((f) => /(ys|ss)\.json$/.test(f) && !/classes|policies/.test(f))).toEqual([]);
    expect(readdirSync(c.dir).filter((f) => f.includes('gpuctl-partial'))).toEqual([]);
    // The old names still read: the reader takes the kind from the content.
    const old = path.join(c.dir, 'old');
    mkdirSync(path.join(old, 'cluster'), { recursive: true });
    writeFileSync(path.join(old, 'cluster/clusterpolicys.json'), readFileSync(path.join(empty, 'cluster/clusterpolicies.json')));
    writeFileSync(path.join(old, 'cluster/runtimeclasss.json'), readFileSync(path.join(empty, 'cluster/runtimeclasses.json')));
    expect((await loadSnapshot(old)).objects.map((o) => o.kind).sort()).toEqual(['ClusterPolicy', 'RuntimeClass']);
    expect(existsSync(path.join(c.dir, 'new-one'))).toBe(false);
  });
});

describe('gpuctl collect: logs of every container of a GPU pod, the GPU container first', () => {
  const gpuPod = pod('ml', 'trainer', {
    spec: {
      containers: [
        { name: 'log-shipper', image: 'fluent-bit' },
        { name: 'cuda', image: 'nvidia/cuda:12.2.0-base', resources: { limits: { 'nvidia.com/gpu': '1' } } },
      ],
    },
    status: {
      phase: 'Running',
      containerStatuses: [
        { name: 'log-shipper', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } },
        { name: 'cuda', ready: true, restartCount: 0, state: { running: {} } },
      ],
    },
  });

  it('the doctor reads the failing sidecar first, the healthy GPU container after (bounded apart); collect the GPU container first', () => {
    const facts = new Facts({ ...emptyCollection('t'), objects: [gpuPod] });
    const names = (everyContainer: boolean, healthyLimit?: number) => logTargets(facts, { everyContainer, healthyLimit }).targets.map((t) => `${t.container}${t.previous ? '.previous' : ''}`);
    expect(names(false, 0)).toEqual(['log-shipper', 'log-shipper.previous']);
    expect(names(false)).toEqual(['log-shipper', 'log-shipper.previous', 'cuda']);
    expect(names(true)).toEqual(['cuda', 'log-shipper', 'log-shipper.previous']);
  });

  it('live: the bundle holds the GPU container\'s log', async () => {
    const collection = await loadSnapshot('test/fixtures/sim');
    collection.objects.push(gpuPod);
    collection.logs.set('ml/trainer/cuda', 'CUDA initialised on GPU 0\n');
    collection.logs.set('ml/trainer/log-shipper', 'cannot reach the sink\n');
    collection.logs.set('ml/trainer/log-shipper.previous', 'cannot reach the sink\n');
    const c = await collect(collection);
    const out = path.join(c.dir, 'bundle');
    expect((await c.run(['-f', out])).exitCode).toBe(0);
    expect(readdirSync(path.join(out, 'logs/ml/trainer')).sort()).toEqual(['cuda.log', 'log-shipper.log', 'log-shipper.previous.log']);
  });
});
