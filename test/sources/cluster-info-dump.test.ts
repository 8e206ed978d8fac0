// Real kubectl writes a cluster-info dump of the simulator; gpuctl reads it back as the same objects and logs.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { startSimulator } from '../simulator/server.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-cid-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kubectl cluster-info dump as a snapshot', () => {
  it('reads what kubectl wrote: nodes, pods, events, daemonsets, deployments and per-container logs', async () => {
    const source = await loadSnapshot('test/fixtures/sim');
    const sim = await startSimulator({ collection: source });
    try {
      const kubeconfig = await sim.writeKubeconfig(path.join(dir, 'kubeconfig'));
      const out = path.join(dir, 'dump');
      // Async: the simulator runs in this process and must keep answering while kubectl runs.
      await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'cache'), 'cluster-info', 'dump', '--all-namespaces', '--output-directory', out]);
      const dump = await loadSnapshot(out);
      expect(dump.origin).toBe(`cluster-info dump ${out}`);
      expect(dump.problems).toEqual([]);
      const key = (o: { kind: string; metadata: { namespace?: string; name: string } }) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      const kinds = ['Node', 'Pod', 'Event', 'DaemonSet', 'Deployment'];
      const expected = source.objects.filter((o) => kinds.includes(o.kind));
      expect(dump.objects.map(key).sort()).toEqual(expected.map(key).sort());
      const [logKey, text] = [...source.logs].find(([k]) => !k.endsWith('.previous'))!;
      expect(dump.logs.get(logKey)?.trim()).toBe(text.trim());
    } finally {
      await sim.close();
    }
  });
});
