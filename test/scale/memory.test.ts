// Once the facts are built, the doctor holds the objects it needs and nothing of the raw JSON they came
// in: each page is parsed and dropped, managedFields and the fields no check reads are gone.
//
// The assertion is on what the heap holds, not on how big it is (a size threshold would move with V8
// versions and the machine): heap-probe.ts, in a process of its own so that the simulator's strings are
// not in its heap, collects the cluster, runs the GC and searches a heap snapshot for strings that are
// list bodies. A control run that keeps one page on purpose shows the search finds one when it is there.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigFor, type Simulator, startSimulator } from '../simulator/server.js';
import { syntheticCluster } from '../simulator/synthetic.js';

const PODS = 2000;
let sim: Simulator;
let dir: string;

interface Probe {
  pods: number;
  heapUsed: number;
  listBodies: number;
  biggestListBody: number;
  withManagedFields: number;
  withVolumes: number;
  held: number;
}

beforeAll(async () => {
  const cluster = syntheticCluster({ nodes: 50, podsPerNode: PODS / 50, brokenFraction: 0.05, seed: 11, now: new Date().toISOString() });
  // As a real API server sends them: every pod with its managedFields (shared here, to stay cheap).
  const managedFields = [{ manager: 'kubelet', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:conditions': {}, 'f:containerStatuses': {}, 'f:phase': {} } } }];
  for (const o of cluster.objects) if (o.kind === 'Pod') (o.metadata as unknown as Record<string, unknown>).managedFields = managedFields;
  sim = await startSimulator({ collection: cluster });
  dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-heap-'));
  await writeFile(path.join(dir, 'kubeconfig'), kubeconfigFor(sim.url));
}, 60_000);

afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

async function probe(...extra: string[]): Promise<Probe> {
  const script = path.join(import.meta.dirname, 'heap-probe.ts');
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', script, path.join(dir, 'kubeconfig'), sim.url, ...extra], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Probe;
}

describe("the doctor's memory once the facts are built", () => {
  it('holds no list body, no managedFields and no unread fields', async () => {
    const result = await probe();
    expect(result.pods).toBe(PODS);
    expect(result.listBodies).toBe(0);
    expect(result.withManagedFields).toBe(0);
    expect(result.withVolumes).toBe(0);
  }, 120_000);

  it('would show a list body that is held (control)', async () => {
    const result = await probe('--hold-page');
    expect(result.held).toBeGreaterThan(100_000);
    // Arrived chunk by chunk, the held text is a rope: its first piece is what starts like a list body.
    expect(result.listBodies).toBeGreaterThanOrEqual(1);
    expect(result.biggestListBody).toBeGreaterThan(1000);
  }, 120_000);
});
