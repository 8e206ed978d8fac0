// The collection's phases (src/sources/pipeline.ts): run in order, each over a frozen Facts of the phases
// before it, each adding only what it declares; and the live run is declared as lists → logs → process
// tables → node probes.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Collection } from '../../src/collection/collection.js';
import { emptyCollection } from '../../src/collection/collection.js';
import type { Phase } from '../../src/sources/pipeline.js';
import { frozen, runPhases } from '../../src/sources/pipeline.js';
import { livePhases } from '../../src/sources/live/collect.js';
import { loadSnapshot, snapshotSource } from '../../src/sources/snapshot.js';
import { localNodeProbePhase, remoteNodeProbePhase } from '../../src/sources/node-probe/cluster.js';
import type { LiveSession } from '../../src/sources/live/connect.js';
import { node, pod } from '../helpers/facts.js';

const phase = (name: string, adds: Phase['adds'], run: Phase['run']): Phase => ({ name, reads: [], adds, run });

describe('runPhases', () => {
  it('runs the phases in order; each reads what the ones before added, never what it adds itself', async () => {
    const seen: string[][] = [];
    const collection = emptyCollection('test');
    await runPhases(collection, [
      phase('lists', ['objects'], async (before, c) => {
        seen.push(before.nodes.map((n) => n.metadata.name));
        c.objects.push(node('gpu-1'));
        seen.push(before.nodes.map((n) => n.metadata.name));
      }),
      phase('logs', ['logs'], async (before, c) => {
        seen.push(before.nodes.map((n) => n.metadata.name));
        c.logs.set('ns/p/c', 'text');
        expect(before.collection.logs.size).toBe(0);
      }),
      phase('after', [], async (before) => {
        expect(before.collection.logs.get('ns/p/c')).toBe('text');
      }),
    ]);
    expect(seen).toEqual([[], [], ['gpu-1']]);
    expect(collection.objects).toHaveLength(1);
  });

  it('a phase that changes a field it does not declare is a bug, named', async () => {
    const collection = emptyCollection('test');
    await expect(
      runPhases(collection, [
        phase('logs', ['logs'], async (_before, c) => {
          c.objects.push(pod('ns', 'p'));
          c.meta.logsOmitted = 1;
        }),
      ]),
    ).rejects.toThrow('collection phase "logs" changed objects, meta, which it does not declare');
  });

  it('the frozen copy shares the elements and takes no later addition', () => {
    const collection: Collection = { ...emptyCollection('test'), unreadLogs: new Map([['a', 'b']]) };
    collection.objects.push(node('gpu-1'));
    const copy = frozen(collection);
    collection.objects.push(node('gpu-2'));
    collection.unreadLogs!.set('c', 'd');
    collection.meta.context = 'later';
    expect(copy.objects.map((o) => o.metadata.name)).toEqual(['gpu-1']);
    expect(copy.objects[0]).toBe(collection.objects[0]);
    expect([...copy.unreadLogs!.keys()]).toEqual(['a']);
    expect(copy.meta.context).toBeUndefined();
    expect(Object.isFrozen(copy)).toBe(true);
  });
});

describe('the live phases', () => {
  it('are declared in order: lists, then logs and process tables of what they found, then the node probes', () => {
    const session = { loaded: { context: 'c' }, server: 'https://x', client: {}, exec: {}, namespace: 'default', close() {} } as unknown as LiveSession;
    const live = { requestTimeoutMs: 1000, chunkSize: 500 };
    const phases = [...livePhases(session, live), remoteNodeProbePhase('pod', live, { namespace: 'kube-system', image: 'busybox', timeoutMs: 1000, concurrency: 1 })];
    expect(phases.map((p) => p.name)).toEqual(['lists', 'logs', 'process tables', 'node probes (pod)']);
    expect(phases[0]!.reads).toEqual([]);
    expect(phases[0]!.adds).toContain('objects');
    for (const later of phases.slice(1)) {
      expect(later.reads.length).toBeGreaterThan(0);
      expect(later.adds).not.toContain('unavailable');
      expect(later.adds).not.toContain('notInstalled');
    }
    expect(localNodeProbePhase('auto', () => {}).adds).toEqual(['nodes', 'problems']);
  });
});

describe('the snapshot phases', () => {
  it('a snapshot is one declared phase too, its reader told by its files: the layout, a must-gather, a cluster-info dump', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-phases-'));
    try {
      const make = async (name: string, files: Record<string, string>) => {
        for (const [rel, text] of Object.entries(files)) {
          await mkdir(path.dirname(path.join(dir, name, rel)), { recursive: true });
          await writeFile(path.join(dir, name, rel), text);
        }
        return path.join(dir, name);
      };
      const sources = [
        await snapshotSource('examples/healthy-gpu-operator', 'x'),
        await snapshotSource(await make('mg', { 'cluster_policy.yaml': '', 'gpu_nodes.labels': '' }), 'x'),
        await snapshotSource(await make('dump', { 'nodes.json': '{"items":[]}', 'default/pods.json': '{"items":[]}' }), 'x'),
      ];
      expect(sources.map((s) => [s.origin, s.phase.name])).toEqual([
        ['snapshot x', 'snapshot'],
        ['GPU Operator must-gather x', 'GPU Operator must-gather'],
        ['cluster-info dump x', 'cluster-info dump'],
      ]);
      for (const { phase } of sources) {
        expect(phase.reads).toEqual([]);
        expect(phase.adds).toEqual(expect.arrayContaining(['objects', 'logs', 'problems']));
      }
      // The layout's phase adds what the loaded snapshot holds, and only what it declares (runPhases checks).
      const loaded = await loadSnapshot('examples/healthy-gpu-operator');
      expect(loaded.objects.length).toBeGreaterThan(0);
      expect(sources[0]!.phase.adds).not.toContain('live');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
