import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GpuctlError } from '../../src/errors.js';
import type { KubeObject } from '../../src/facts/kube.js';
import { collectLive } from '../../src/sources/live.js';
import { SERVICE_ACCOUNT_DIR } from '../../src/sources/live/kubeconfig.js';
import { RESOURCE_TYPES } from '../../src/collection/resources.js';
import { gpuNode, pod } from '../helpers/facts.js';
import type { FakeApi, FakeApiOptions } from './fake-api.js';
import { startFakeApi, status, writeKubeconfig } from './fake-api.js';
import { selfSignedCert } from './tls.js';

const validator = pod('gpu-operator', 'nvidia-operator-validator-x7k2p', {
  status: {
    phase: 'Pending',
    conditions: [{ type: 'Ready', status: 'False' }],
    initContainerStatuses: [
      { name: 'plugin-validation', ready: false, restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } },
    ],
  },
});
const OBJECTS: KubeObject[] = [gpuNode('gpu-1'), validator, { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'nvidia' }, handler: 'nvidia' }];
const VALIDATOR_LOG = 'Failed to allocate device vector A (error code no CUDA-capable device is detected)!\n';

let dir: string;
let api: FakeApi | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-live-'));
  vi.stubEnv('KUBECONFIG', '');
  vi.stubEnv('HOME', dir);
  vi.stubEnv('KUBERNETES_SERVICE_HOST', '');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await api?.close();
  api = undefined;
});

async function collectFrom(options: FakeApiOptions, extra: { onProgress?: (t: string) => void; debug?: boolean } = {}) {
  api = await startFakeApi({ token: 'secret', ...options });
  const kubeconfig = writeKubeconfig(path.join(dir, 'config'), { server: api.url, token: 'secret', context: 'lab' });
  return collectLive({ kubeconfig, requestTimeoutMs: 5000, chunkSize: 500, ...extra });
}

describe('collectLive', () => {
  it('lists every resource type once, fetches the logs the checks need and records where it came from', async () => {
    const progress: string[] = [];
    const c = await collectFrom(
      { objects: OBJECTS, logs: { 'gpu-operator/nvidia-operator-validator-x7k2p/plugin-validation': VALIDATOR_LOG } },
      { onProgress: (t) => progress.push(t) },
    );
    expect(c.origin).toBe(`context lab (${api!.url})`);
    expect(c.meta).toMatchObject({ context: 'lab', serverVersion: 'v1.31.2' });
    expect(Date.parse(c.meta.capturedAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(c.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Node/gpu-1', 'Pod/nvidia-operator-validator-x7k2p', 'RuntimeClass/nvidia']);
    for (const type of RESOURCE_TYPES) {
      expect(api!.requests.filter((r) => r.path.endsWith(`/${type.plural}`)), type.plural).toHaveLength(1);
    }
    expect(c.logs.get('gpu-operator/nvidia-operator-validator-x7k2p/plugin-validation')).toBe(VALIDATOR_LOG);
    const logRequest = api!.requests.find((r) => r.path.endsWith('/log'))!;
    expect(Object.fromEntries(logRequest.query)).toMatchObject({ container: 'plugin-validation', tailLines: '200' });
    // The previous log was rotated away (400 from the kubelet): absent, like a file missing from a snapshot.
    expect(c.logs.has('gpu-operator/nvidia-operator-validator-x7k2p/plugin-validation.previous')).toBe(false);
    expect(c.problems).toEqual([]);
    expect(progress).toContain('listing pods (1)…');
    expect(progress).toContain('fetching 2 container logs…');
  });

  it('records a log it could not fetch as a problem and goes on', async () => {
    const c = await collectFrom({
      objects: OBJECTS,
      logs: { 'gpu-operator/nvidia-operator-validator-x7k2p/plugin-validation': VALIDATOR_LOG },
      override: (req, res) =>
        req.query.get('previous') === 'true' &&
        (status(res, 403, 'Forbidden', 'pods "nvidia-operator-validator-x7k2p" is forbidden: User "dev" cannot get resource "pods/log"'), true),
    });
    expect(c.logs.get('gpu-operator/nvidia-operator-validator-x7k2p/plugin-validation')).toBe(VALIDATOR_LOG);
    expect(c.problems).toEqual([
      {
        path: 'logs/gpu-operator/nvidia-operator-validator-x7k2p/plugin-validation.previous.log',
        message: 'log not fetched: 403 Forbidden: pods "nvidia-operator-validator-x7k2p" is forbidden: User "dev" cannot get resource "pods/log"',
      },
    ]);
  });

  it('records a forbidden type as unavailable and a missing CRD as not installed', async () => {
    const c = await collectFrom({
      objects: OBJECTS,
      override: (req, res) => {
        if (req.path === '/api/v1/pods') return status(res, 403, 'Forbidden', 'pods is forbidden: User "dev" cannot list resource "pods"'), true;
        if (req.path.startsWith('/apis/nvidia.com/')) return status(res, 404, 'NotFound', 'the server could not find the requested resource'), true;
        return false;
      },
    });
    expect(c.unavailable).toEqual(new Map([['Pod', 'forbidden: pods is forbidden: User "dev" cannot list resource "pods"']]));
    expect([...c.notInstalled]).toEqual(['ClusterPolicy']);
    expect(c.objects.map((o) => o.kind)).toEqual(['Node', 'RuntimeClass']);
  });

  it('ends the run with one line when the credentials are rejected', async () => {
    api = await startFakeApi({ token: 'secret' });
    const kubeconfig = writeKubeconfig(path.join(dir, 'config'), { server: api.url, token: 'expired', context: 'lab' });
    const err = await collectLive({ kubeconfig, requestTimeoutMs: 5000, chunkSize: 500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GpuctlError);
    expect((err as Error).message).toBe('the API server rejected the credentials of context lab (401 Unauthorized)');
    expect(api.requests).toHaveLength(1);
  });

  it('logs each request with --debug', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    try {
      await collectFrom({ objects: OBJECTS }, { debug: true });
    } finally {
      vi.mocked(process.stderr.write).mockRestore();
    }
    expect(lines).toContainEqual(expect.stringMatching(/^gpuctl: GET \/version 200 \d+ms\n$/));
    expect(lines).toContainEqual(expect.stringMatching(/^gpuctl: GET \/api\/v1\/pods\?limit=500 200 \d+ms\n$/));
  });

  it('works in a pod: service-account token and CA, HTTPS', async () => {
    const tls = selfSignedCert();
    api = await startFakeApi({ objects: OBJECTS, token: 'sa-token', tls });
    const root = path.join(dir, 'root');
    mkdirSync(root + SERVICE_ACCOUNT_DIR, { recursive: true });
    writeFileSync(`${root}${SERVICE_ACCOUNT_DIR}/token`, 'sa-token');
    writeFileSync(`${root}${SERVICE_ACCOUNT_DIR}/ca.crt`, tls.cert);
    vi.stubEnv('KUBERNETES_SERVICE_HOST', '127.0.0.1');
    vi.stubEnv('KUBERNETES_SERVICE_PORT', new URL(api.url).port);
    const c = await collectLive({ requestTimeoutMs: 5000, chunkSize: 500 }, root);
    expect(c.origin).toBe(`context inClusterContext (${api.url})`);
    expect(c.objects).toHaveLength(3);
  });
});
