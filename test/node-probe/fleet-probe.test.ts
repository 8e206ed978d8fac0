// doctor --context a,b --node-probe pod: every cluster probed through its own pods, and one Ctrl-C
// deletes the probe pods of all of them before gpuctl exits.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import { BIN, gpuctl, ROOT } from '../helpers/cli.js';
import { startSimulator, type Simulator } from '../simulator/server.js';
import type { ProbeClusterOptions } from '../simulator/probe-cluster.js';
import { DRIVER, until } from './helpers.js';

let sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

/** Two simulated clusters, contexts a and b of one kubeconfig. */
async function twoClusters(probe: ProbeClusterOptions): Promise<{ kubeconfig: string; home: string }> {
  const collection = await loadSnapshot(DRIVER);
  sims = [await startSimulator({ collection, probe }), await startSimulator({ collection: await loadSnapshot(DRIVER), probe })];
  const names = ['a', 'b'];
  const home = mkdtempSync(path.join(tmpdir(), 'gpuctl-fleet-'));
  const kubeconfig = path.join(home, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: names.map((name, i) => ({ name, cluster: { server: sims[i]!.url, 'insecure-skip-tls-verify': true } })),
      users: names.map((name) => ({ name, user: { token: `token-${name}` } })),
      contexts: names.map((name) => ({ name, context: { cluster: name, user: name } })),
      'current-context': 'a',
    }),
  );
  return { kubeconfig, home };
}

const probeObjects = (sim: Simulator) =>
  [...sim.probe!.objects('pods', 'kube-system'), ...sim.probe!.objects('daemonsets', 'kube-system')].filter((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'gpuctl');

describe('gpuctl doctor on several contexts with --node-probe pod', () => {
  it('probes the GPU nodes of every cluster and leaves nothing behind', async () => {
    const { kubeconfig, home } = await twoClusters({});
    const r = await gpuctl(['doctor', '--context', 'a,b', '--node-probe', 'pod', '-o', 'json', '--kubeconfig', kubeconfig], { HOME: home, KUBECONFIG: '' });
    const { clusters } = JSON.parse(r.stdout) as { clusters: { context: string; findings: { name: string; severity: string }[] }[] };
    expect(clusters.map((c) => c.context)).toEqual(['a', 'b']);
    for (const cluster of clusters) expect(cluster.findings.find((f) => f.name === 'nouveau-loaded')!.severity).toBe('error');
    for (const sim of sims) {
      expect(sim.probe!.execs.map((e) => e.node).sort()).toEqual(['gpu-1', 'gpu-2']);
      expect(probeObjects(sim)).toEqual([]);
    }
  });

  it('on Ctrl-C deletes the probe pods of every cluster, then exits 130', async () => {
    const { kubeconfig, home } = await twoClusters({ stuckNodes: ['gpu-1', 'gpu-2'] });
    const child = execa(BIN, ['doctor', '--context', 'a,b', '--node-probe', 'pod', '--probe-timeout', '60s', '--kubeconfig', kubeconfig], {
      reject: false,
      cwd: ROOT,
      env: { NO_COLOR: '1', HOME: home, KUBECONFIG: '' },
      timeout: 60_000,
    });
    await until(() => sims.every((sim) => probeObjects(sim).length === 2));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    // One line for both clusters: each run's two pods deleted.
    expect(r.stderr).toMatch(/^gpuctl: interrupted by Ctrl-C \(SIGINT\); deleted pod [^;]+, pod [^;]+; deleted pod [^;]+, pod [^;\n]+$/);
    for (const sim of sims) expect(probeObjects(sim)).toEqual([]);
  });
});
