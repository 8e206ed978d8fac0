// `gpuctl doctor` against live API servers (tiny fake ones here): bad input ends in one line and exit 2;
// what a cluster refuses degrades into skipped checks.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks/index.js';
import type { CliResult } from '../helpers/cli.js';
import { gpuctl } from '../helpers/cli.js';
import { node } from '../helpers/facts.js';
import type { FakeApi, FakeApiOptions } from './fake-api.js';
import { cutMidBody, startFakeApi, status, writeKubeconfig } from './fake-api.js';

/** A node NFD found an NVIDIA GPU on, without the gpu.present label: gpu-node-unlabeled fires on it. */
const unlabeledGpuNode = (name: string) => node(name, { 'feature.node.kubernetes.io/pci-10de.present': 'true' });
const unlabeledWarnings = (r: CliResult) =>
  (JSON.parse(r.stdout).findings as { name: string; severity: string; subject: { name: string } }[])
    .filter((f) => f.name === 'gpu-node-unlabeled' && f.severity === 'warning')
    .map((f) => f.subject.name);

let dir: string;
let api: FakeApi | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-cli-live-'));
});
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** Runs with a clean environment: no KUBECONFIG or ~/.kube/config of the machine running the tests. */
const run = (args: string[], env: Record<string, string> = {}) => gpuctl(args, { HOME: dir, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '', ...env });

async function doctorOn(options: FakeApiOptions, extraArgs: string[] = []): Promise<CliResult> {
  api = await startFakeApi({ objects: [unlabeledGpuNode('gpu-1')], ...options });
  const kubeconfig = writeKubeconfig(path.join(dir, 'config'), { server: api.url, context: 'lab' });
  return run(['doctor', '-o', 'json', '--kubeconfig', kubeconfig, ...extraArgs]);
}

function expectOneLineError(r: CliResult, message: string | RegExp): void {
  expect(r.exitCode).toBe(2);
  expect(r.stderr.split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^gpuctl: error: /);
  expect(r.stderr.slice('gpuctl: error: '.length)).toMatch(message);
  expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  expect(r.stdout).toBe('');
}

const skippedOf = (r: CliResult) => JSON.parse(r.stdout).skipped as { name: string; reason: string }[];

describe('gpuctl doctor on a live cluster: kubeconfig', () => {
  it('fails with one line when the kubeconfig does not exist', async () => {
    expectOneLineError(await run(['doctor', '--kubeconfig', path.join(dir, 'nope')]), `kubeconfig not found: ${dir}/nope`);
  });

  it('fails with one line when the kubeconfig is malformed', async () => {
    const k = path.join(dir, 'config');
    writeFileSync(k, 'apiVersion: v1\nclusters:\n  - name: a\n   cluster: x\n');
    expectOneLineError(await run(['doctor', '--kubeconfig', k]), new RegExp(`^kubeconfig ${k} is not valid YAML: `));
  });

  it('fails with one line naming the available contexts when --context is unknown', async () => {
    const k = writeKubeconfig(path.join(dir, 'config'), { server: 'https://10.0.0.1:6443', context: 'lab', otherContexts: ['prod'] });
    expectOneLineError(await run(['doctor', '--kubeconfig', k, '--context', 'staging']), `context "staging" not found in kubeconfig ${k} (available: lab, prod)`);
  });

  it('fails with one line when there is no kubeconfig at all', async () => {
    expectOneLineError(await run(['doctor']), /^no kubeconfig /);
  });

  it('merges the files of KUBECONFIG and uses the context defined in the second', async () => {
    api = await startFakeApi({ objects: [unlabeledGpuNode('gpu-1')], token: 'second-token' });
    const first = path.join(dir, 'first');
    writeFileSync(first, 'apiVersion: v1\nkind: Config\ncurrent-context: sim\n');
    const second = writeKubeconfig(path.join(dir, 'second'), { server: api.url, token: 'second-token', context: 'sim' });
    const r = await run(['doctor', '-o', 'json'], { KUBECONFIG: `${first}:${second}` });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).summary.origin).toBe(`context sim (${api.url})`);
  });
});

describe('gpuctl doctor on a live cluster: the API server', () => {
  it('fails with one line when the connection is refused', async () => {
    api = await startFakeApi();
    const url = api.url;
    await api.close();
    api = undefined;
    const k = writeKubeconfig(path.join(dir, 'config'), { server: url });
    expectOneLineError(await run(['doctor', '--kubeconfig', k]), `cannot reach the API server ${url}: connection refused`);
  });

  it('fails with one line when the host name does not resolve', async () => {
    const k = writeKubeconfig(path.join(dir, 'config'), { server: 'https://nonexistent.invalid:6443' });
    expectOneLineError(
      await run(['doctor', '--kubeconfig', k]),
      'cannot reach the API server https://nonexistent.invalid:6443: no such host nonexistent.invalid (DNS lookup failed)',
    );
  });

  it('fails with one line when the server never answers (--request-timeout)', async () => {
    api = await startFakeApi({ override: () => true });
    const k = writeKubeconfig(path.join(dir, 'config'), { server: api.url });
    const started = Date.now();
    const r = await run(['doctor', '--kubeconfig', k, '--request-timeout', '300ms']);
    expectOneLineError(r, `cannot reach the API server ${api.url}: no answer within 300ms (--request-timeout)`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('fails with one line when the credentials are rejected (401)', async () => {
    api = await startFakeApi({ token: 'valid' });
    const k = writeKubeconfig(path.join(dir, 'config'), { server: api.url, token: 'expired', context: 'lab' });
    expectOneLineError(await run(['doctor', '--kubeconfig', k]), 'the API server rejected the credentials of context lab (401 Unauthorized)');
  });

  it('skips the checks that need pods when listing pods is forbidden (403)', async () => {
    const message = 'pods is forbidden: User "dev" cannot list resource "pods" in API group "" at the cluster scope';
    const r = await doctorOn({ override: (req, res) => req.path === '/api/v1/pods' && (status(res, 403, 'Forbidden', message), true) });
    const needPods = ALL_CHECKS.filter((c) => c.needs.includes('Pod')).map((c) => c.name);
    expect(needPods.length).toBeGreaterThan(0);
    expect(skippedOf(r).filter((s) => needPods.includes(s.name))).toEqual(
      needPods.map((name) => expect.objectContaining({ name, reason: `cannot list pods (forbidden: ${message})` })),
    );
    // The others ran: nodes could be listed.
    expect(skippedOf(r).filter((s) => !needPods.includes(s.name) && s.reason.includes('forbidden'))).toEqual([]);
    expect(r.stderr).toBe('');
  });

  it('takes a 404 on the ClusterPolicy CRD as "not installed", not as an error', async () => {
    const r = await doctorOn({ override: (req, res) => req.path.startsWith('/apis/nvidia.com/') && (status(res, 404, 'NotFound', 'the server could not find the requested resource'), true) });
    expect(r.stderr).toBe('');
    expect(skippedOf(r).filter((s) => /clusterpolic/i.test(s.reason))).toEqual([]);
    expect(r.exitCode).toBeLessThan(2);
  });

  it('retries a 429 and then succeeds', async () => {
    const r = await doctorOn({
      override: (req, res, nth) => req.path === '/api/v1/nodes' && nth === 1 && (status(res, 429, 'TooManyRequests', 'Too many requests, please try again later.', { 'retry-after': '1' }), true),
    });
    expect(r.stderr).toBe('');
    expect(api!.count('/api/v1/nodes')).toBe(2);
    expect(skippedOf(r)).toEqual([]);
    expect(unlabeledWarnings(r)).toEqual(['gpu-1']);
  });

  it('reports a persistent 500 after the retries, as skipped checks', async () => {
    const r = await doctorOn({ override: (req, res) => req.path === '/api/v1/nodes' && (status(res, 500, 'InternalError', 'etcdserver: request timed out'), true) });
    expect(api!.count('/api/v1/nodes')).toBe(4);
    expect(skippedOf(r)).toContainEqual(
      expect.objectContaining({ name: 'no-gpu-nodes', reason: 'cannot list nodes (failed after 4 attempts: 500 Internal Server Error)' }),
    );
  });

  it('retries a response cut off mid-body and then succeeds', async () => {
    const r = await doctorOn({ override: (req, res, nth) => req.path === '/api/v1/nodes' && nth === 1 && (cutMidBody(res), true) });
    expect(api!.count('/api/v1/nodes')).toBe(2);
    expect(skippedOf(r)).toEqual([]);
    expect(unlabeledWarnings(r)).toEqual(['gpu-1']);
  });

  it('sends each list with --chunk-size and follows the pages', async () => {
    const r = await doctorOn({ objects: ['a', 'b', 'c'].map(unlabeledGpuNode) }, ['--chunk-size', '2']);
    expect(api!.requests.filter((q) => q.path === '/api/v1/nodes').map((q) => `${q.query.get('limit')}:${q.query.get('continue')}`)).toEqual(['2:null', '2:2']);
    expect(unlabeledWarnings(r)).toEqual(['a', 'b', 'c']);
  });
});
