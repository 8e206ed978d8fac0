// Several clusters at once: two simulators and an unreachable server in one kubeconfig.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { emptyCollection } from '../../src/sources/collection.js';
import type { Simulator } from '../simulator/server.js';
import { startSimulator } from '../simulator/server.js';
import { gpuctl } from '../helpers/cli.js';
import { gpuNode, node } from '../helpers/facts.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-fleet-'));
const sims: Simulator[] = [];
let kubeconfig: string;

beforeAll(async () => {
  const healthy = await startSimulator({ collection: { ...emptyCollection('t'), objects: [gpuNode('gpu-a')] } });
  const broken = await startSimulator({ collection: { ...emptyCollection('t'), objects: [node('cpu-only')] } });
  sims.push(healthy, broken);
  const clusters = [
    ['healthy', healthy.url],
    ['broken', broken.url],
    ['gone', 'http://127.0.0.1:9'],
  ];
  kubeconfig = path.join(dir, 'config');
  writeFileSync(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'healthy',
      clusters: clusters.map(([name, server]) => ({ name, cluster: { server } })),
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: clusters.map(([name]) => ({ name, context: { cluster: name, user: 'u' } })),
    }),
  );
});
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('gpuctl doctor over several contexts', () => {
  it('--all-contexts checks every cluster and reports an unreachable one without stopping', async () => {
    const r = await gpuctl(['doctor', '--all-contexts', '--kubeconfig', kubeconfig, '--request-timeout', '2s', '-o', 'json'], { HOME: dir, KUBECONFIG: '' });
    const out = JSON.parse(r.stdout);
    expect(out.clusters.map((c: { context: string }) => c.context)).toEqual(['healthy', 'broken', 'gone']);
    expect(out.clusters[0].summary.errors).toBe(0);
    expect(out.clusters[1].findings.find((f: { name: string; severity: string }) => f.name === 'no-gpu-nodes').severity).toBe('error');
    expect(out.clusters[2].error).toMatch(/cannot reach the API server http:\/\/127\.0\.0\.1:9: connection refused/);
    expect(r.exitCode).toBe(1);
  });

  it('--context a,b prints one table row per cluster', async () => {
    const r = await gpuctl(['doctor', '--context', 'healthy,gone', '--kubeconfig', kubeconfig, '--request-timeout', '2s'], { HOME: dir, KUBECONFIG: '' });
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^CONTEXT\s+STATUS\s+ERRORS\s+WARNINGS\s+SKIPPED\s+ROOT CAUSE$/);
    expect(lines[1]).toMatch(/^healthy\s+healthy\s+0\s+0\s+/);
    expect(lines[2]).toMatch(/^gone\s+unreachable\s+/);
    // Not a TTY: 80 columns; the reason wraps in its column instead of being cut.
    expect(lines.filter((l) => l.length > 80)).toEqual([]);
    const column = lines[0]!.indexOf('ROOT CAUSE');
    expect(lines.slice(2).map((l) => l.slice(column)).join(' ')).toMatch(/cannot reach the API server http:\/\/127\.0\.0\.1:9: connection\s+refused/);
    expect(r.exitCode).toBe(2);
  });
});
