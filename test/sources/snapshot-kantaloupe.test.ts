// The snapshot parts the Kantaloupe checks read: local/commands/ (helm on the operator's machine) and
// prometheus/queries.json (the metric queries), written by collect and read back the same.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyCollection } from '../../src/collection/collection.js';
import { parseObjects } from '../../src/sources/parse-objects.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { writeSnapshot } from '../../src/sources/snapshot-writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gpuctl-kantaloupe-snap-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('local/commands and prometheus/queries.json', () => {
  it('round-trip through writeSnapshot and loadSnapshot', async () => {
    const c = emptyCollection('test');
    c.objects.push({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'gpu-1' } });
    c.localCommands = new Map([['helm-version', { stdout: '', exitCode: 127, stderr: 'helm: command not found' }]]);
    c.prometheus = {
      endpoint: 'service monitoring/prometheus-operated:web (API server proxy)',
      service: { namespace: 'monitoring', name: 'prometheus-operated', port: 'web' },
      results: [{ query: 'DCGM_FI_DEV_GPU_UTIL', series: 1, result: [{ metric: { gpu: '0' }, value: [1, '3'] }] }, { query: 'HostCoreUtilization', error: 'connection refused' }],
    };
    await writeSnapshot(c, path.join(dir, 'snap'));
    const back = await loadSnapshot(path.join(dir, 'snap'));
    expect(back.localCommands?.get('helm-version')).toEqual({ stdout: '', exitCode: 127, stderr: 'helm: command not found' });
    expect(back.prometheus).toEqual(c.prometheus);
    expect(back.problems).toEqual([]);
  });
  it('a snapshot without them has none; a malformed queries.json is a problem, not a crash', async () => {
    await mkdir(path.join(dir, 'cluster'), { recursive: true });
    await writeFile(path.join(dir, 'cluster', 'nodes.json'), '{"kind":"List","items":[]}');
    const plain = await loadSnapshot(dir);
    expect(plain.localCommands).toBeUndefined();
    expect(plain.prometheus).toBeUndefined();
    await mkdir(path.join(dir, 'prometheus'));
    await writeFile(path.join(dir, 'prometheus', 'queries.json'), '{"results": [{"series": 2}]}');
    const bad = await loadSnapshot(dir);
    expect(bad.prometheus).toBeUndefined();
    expect(bad.problems).toEqual([{ path: 'prometheus/queries.json', message: 'invalid Prometheus queries: every result needs a "query" string' }]);
    await writeFile(path.join(dir, 'prometheus', 'queries.json'), '{"results": [');
    expect((await loadSnapshot(dir)).problems[0]!.message).toMatch(/^invalid Prometheus queries: /);
  });
});

describe('typed lists', () => {
  it('give their items the list apiVersion as well as the kind (kubectl get --raw)', () => {
    const raw = Buffer.from(JSON.stringify({ kind: 'ClusterPolicyList', apiVersion: 'nvidia.com/v1', metadata: {}, items: [{ metadata: { name: 'cluster-policy' } }] }));
    expect(parseObjects(raw, 'clusterpolicies.json').objects).toEqual([{ apiVersion: 'nvidia.com/v1', kind: 'ClusterPolicy', metadata: { name: 'cluster-policy' } }]);
    const mixed = Buffer.from(JSON.stringify({ kind: 'List', apiVersion: 'v1', items: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'x' } }] }));
    expect(parseObjects(mixed, 'l.json').objects[0]!.apiVersion).toBe('apps/v1');
  });
});
