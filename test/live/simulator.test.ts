// `gpuctl doctor` live against the Kubernetes API simulator serving a snapshot: the same findings as
// the snapshot itself, one LIST per resource type and page, selectors sent, faults survived or reported.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks/index.js';
import { requiredKinds } from '../../src/check.js';
import type { KubeObject } from '../../src/facts/kube.js';
import type { Collection } from '../../src/collection/collection.js';
import { emptyCollection } from '../../src/collection/collection.js';
import { listPath } from '../../src/sources/live/list.js';
import { RESOURCE_TYPES } from '../../src/collection/resources.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import type { Fault, Simulator } from '../simulator/server.js';
import { startSimulator } from '../simulator/server.js';
import type { CliResult } from '../helpers/cli.js';
import { gpuctl } from '../helpers/cli.js';
import { node } from '../helpers/facts.js';

const SNAPSHOT = 'test/fixtures/sim';
let snapshot: Collection;
let sim: Simulator | undefined;
beforeAll(async () => {
  snapshot = await loadSnapshot(SNAPSHOT);
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** Serves the collection and runs `gpuctl doctor -o json` on it with a clean environment. */
async function doctorLive(collection: Collection, args: string[] = [], faults: Fault[] = []): Promise<CliResult> {
  sim = await startSimulator({ collection, faults });
  const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-sim-'));
  const kubeconfig = await sim.writeKubeconfig(path.join(dir, 'kubeconfig'), { context: 'lab' });
  return gpuctl(['doctor', '-o', 'json', '--kubeconfig', kubeconfig, ...args], { HOME: dir, KUBECONFIG: '' });
}

const listRequests = (plural: string) => sim!.requests.filter((r) => r.path.endsWith(`/${plural}`) && r.method === 'GET');
const json = (r: CliResult) => JSON.parse(r.stdout) as { findings: { name: string; severity: string; subject: { name: string } }[]; skipped: { name: string; reason: string }[]; summary: { origin: string } };

const unlabeledGpuNode = (name: string) => node(name, { 'feature.node.kubernetes.io/pci-10de.present': 'true' });
function tinyCluster(objects: KubeObject[] = [unlabeledGpuNode('gpu-1')]): Collection {
  return { ...emptyCollection('test'), objects, meta: { context: 'lab' } };
}

describe('gpuctl doctor against the simulator', () => {
  it('finds what the snapshot analysis finds', async () => {
    const offline = await gpuctl(['doctor', '--snapshot', SNAPSHOT, '-o', 'json']);
    const live = await doctorLive(snapshot);
    expect(live.stderr).toBe('');
    expect(live.exitCode).toBe(offline.exitCode);
    const { summary: liveSummary, ...liveRest } = JSON.parse(live.stdout);
    const { summary: offlineSummary, ...offlineRest } = JSON.parse(offline.stdout);
    expect(liveRest).toEqual(offlineRest);
    expect({ ...liveSummary, origin: undefined }).toEqual({ ...offlineSummary, origin: undefined });
    expect(liveSummary.origin).toBe(`context lab (${sim!.url})`);
  });

  it('sends one LIST per resource type, with its selectors, and fetches only the logs the checks need', async () => {
    await doctorLive(snapshot);
    for (const type of RESOURCE_TYPES) {
      const requests = listRequests(type.plural);
      expect(requests, type.plural).toHaveLength(1);
      expect(`${requests[0]!.path}?${new URLSearchParams(requests[0]!.query)}`).toBe(listPath(type, 500));
    }
    const events = listRequests('events')[0]!;
    expect(events.query.fieldSelector).toBe('type!=Normal');
    const logs = sim!.requests.filter((r) => r.path.endsWith('/log'));
    for (const r of logs) expect(r.query.tailLines).toBe('200');
    // The restarting device plugin and the failing validator (first, test/live/log-targets.test.ts); then, bounded
    // apart, the other containers of the GPU stack's pods and GPU workloads that have run; never the notebook,
    // which asks for no GPU although the snapshot has its log (the log scopes the checks declare).
    const fetched = logs.map((r) => `${r.path.split('/')[6]}/${r.query.container}${r.query.previous ? ' (previous)' : ''}`);
    expect(fetched.sort()).toEqual([
      'cuda-vectoradd/cuda-vectoradd',
      'gpu-operator-6b8c9d7f5-x2x7q/gpu-operator',
      'nvidia-container-toolkit-daemonset-m4wzs/nvidia-container-toolkit-ctr',
      'nvidia-device-plugin-daemonset-7xk2p/nvidia-device-plugin',
      'nvidia-device-plugin-daemonset-7xk2p/nvidia-device-plugin (previous)',
      'nvidia-device-plugin-daemonset-7xk2p/toolkit-validation',
      'nvidia-operator-validator-q8r4t/cuda-validation',
      'nvidia-operator-validator-q8r4t/driver-validation',
      'nvidia-operator-validator-q8r4t/plugin-validation',
      'nvidia-operator-validator-q8r4t/plugin-validation (previous)',
      'nvidia-operator-validator-q8r4t/toolkit-validation',
    ]);
    expect(sim!.requests).toHaveLength(1 + RESOURCE_TYPES.length + logs.length);
  });

  it('pages with --chunk-size 2: one request per page, following continue tokens', async () => {
    const live = await doctorLive(snapshot, ['--chunk-size', '2']);
    expect(live.stderr).toBe('');
    const pods = snapshot.objects.filter((o) => o.kind === 'Pod');
    const requests = listRequests('pods');
    expect(requests).toHaveLength(Math.ceil(pods.length / 2));
    expect(requests.every((r) => r.query.limit === '2')).toBe(true);
    expect(requests.slice(1).every((r) => r.query.continue)).toBe(true);
    const offline = await gpuctl(['doctor', '--snapshot', SNAPSHOT, '-o', 'json']);
    expect(json(live).findings).toEqual(json(offline).findings);
  });

  it('restarts a list whose continue token expired (410)', async () => {
    sim = await startSimulator({ collection: snapshot });
    // Compaction right after the first page of pods: the next continue token answers 410 Gone.
    const { collectLive } = await import('../../src/sources/live.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-sim-'));
    const kubeconfig = await sim.writeKubeconfig(path.join(dir, 'kubeconfig'));
    let expired = false;
    const collection = await collectLive({
      kubeconfig,
      requestTimeoutMs: 5000,
      chunkSize: 2,
      onProgress: (text) => {
        if (!expired && text.startsWith('listing pods')) {
          expired = true;
          sim!.expireContinueTokens();
        }
      },
    });
    expect(collection.objects.filter((o) => o.kind === 'Pod')).toHaveLength(snapshot.objects.filter((o) => o.kind === 'Pod').length);
    expect(listRequests('pods').filter((r) => r.status === 410)).toHaveLength(1);
  });

  it('skips the checks that need pods when pods are forbidden (403)', async () => {
    const r = await doctorLive(snapshot, [], [{ path: '^/api/v1/pods$', status: 403 }]);
    const needPods = ALL_CHECKS.filter((c) => requiredKinds(c).includes('Pod')).map((c) => c.name);
    const skipped = json(r).skipped.filter((s) => needPods.includes(s.name));
    expect(skipped.map((s) => s.name)).toEqual(needPods);
    // A check of a GPU stack its detection could not rule in or out without pods says so, with the same words.
    const ofStacks = new Set(ALL_CHECKS.filter((c) => c.stacks?.length).map((c) => c.name));
    for (const s of skipped) {
      const forbidden = String.raw`\(forbidden: pods is forbidden: User ".+" cannot list resource "pods"[^)]*\)`;
      const unknownStack = String.raw`^not read: pods ${forbidden}, so whether .+ runs is unknown$`;
      const cannotList = String.raw`^cannot list pods ${forbidden}`;
      expect(s.reason).toMatch(new RegExp(ofStacks.has(s.name) ? `${unknownStack}|${cannotList}` : cannotList));
    }
    expect(skipped.filter((s) => /so whether .+ runs is unknown$/.test(s.reason)).length).toBeGreaterThan(0);
    // The run is incomplete (docs/output.md): one line says what was not read, exit 2.
    expect(r.stderr).toMatch(/^gpuctl: incomplete: could not read pods \(forbidden: [^\n]+\)$/);
    expect(r.exitCode).toBe(2);
  });

  it('takes the absent ClusterPolicy CRD as not installed, without an error', async () => {
    const r = await doctorLive(tinyCluster());
    expect(listRequests('clusterpolicies').map((q) => q.status)).toEqual([404]);
    expect(r.stderr).toBe('');
    expect(json(r).skipped.filter((s) => /clusterpolic/i.test(s.reason))).toEqual([]);
  });

  it('retries a 429 (after Retry-After) and then succeeds', async () => {
    const r = await doctorLive(tinyCluster(), [], [{ path: '^/api/v1/nodes$', status: 429, retryAfterSeconds: 1, count: 1 }]);
    expect(listRequests('nodes').map((q) => q.status)).toEqual([429, 200]);
    expect(json(r).skipped.filter((s: { reason: string }) => s.reason.startsWith('cannot list'))).toEqual([]);
    expect(json(r).findings.filter((f) => f.name === 'gpu-node-unlabeled' && f.severity === 'warning').map((f) => f.subject.name)).toEqual(['gpu-1']);
  });

  it('reports a persistent 500 after 4 attempts', async () => {
    const r = await doctorLive(tinyCluster(), [], [{ path: '^/api/v1/nodes$', status: 500 }]);
    expect(listRequests('nodes')).toHaveLength(4);
    expect(json(r).skipped).toContainEqual(
      expect.objectContaining({ name: 'no-gpu-nodes', reason: 'cannot list nodes (failed after 4 attempts: 500 Internal Server Error)' }),
    );
  });

  it('retries a connection cut mid-body and then succeeds', async () => {
    const r = await doctorLive(tinyCluster(), [], [{ path: '^/api/v1/nodes$', cut: true, count: 1 }]);
    expect(listRequests('nodes')).toHaveLength(2);
    expect(json(r).skipped.filter((s: { reason: string }) => s.reason.startsWith('cannot list'))).toEqual([]);
    expect(json(r).findings.filter((f) => f.name === 'gpu-node-unlabeled' && f.severity === 'warning').map((f) => f.subject.name)).toEqual(['gpu-1']);
  });

  it('ends with one line when the server does not answer within --request-timeout', async () => {
    const r = await doctorLive(tinyCluster(), ['--request-timeout', '300ms'], [{ path: '^/version$', hang: true }]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`gpuctl: error: cannot reach the API server ${sim!.url}: no answer within 300ms (--request-timeout)`);
  });

  it('ends with one line when the credentials are rejected (401)', async () => {
    const r = await doctorLive(tinyCluster(), [], [{ path: '^/version$', status: 401 }]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('gpuctl: error: the API server rejected the credentials of context lab (401 Unauthorized)');
  });
});
