// The Kantaloupe metric checks live: gpuctl queries Prometheus through the simulator's service proxy (or
// --prometheus-url), runs the local helm, and finds what the snapshot of the same cluster finds.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Collection } from '../../src/collection/collection.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import type { CliResult } from '../helpers/cli.js';
import { gpuctl } from '../helpers/cli.js';
import type { Fault, Simulator } from '../simulator/server.js';
import { startSimulator } from '../simulator/server.js';

const EXAMPLE = 'examples/hami-kantaloupe';
const PROXY = '/api/v1/namespaces/monitoring/services/prometheus-operated:web/proxy/api/v1/query';

let example: Collection;
let sim: Simulator | undefined;
let prometheus: http.Server | undefined;
beforeAll(async () => {
  example = await loadSnapshot(EXAMPLE);
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  await new Promise((resolve) => (prometheus ? prometheus.close(resolve) : resolve(undefined)));
  prometheus = undefined;
});

/** A `helm` on PATH that prints this version, so the live run does not depend on the machine's own. */
function fakeHelm(dir: string, version: string): string {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, 'helm'), `#!/bin/sh\necho "${version}"\n`);
  chmodSync(path.join(bin, 'helm'), 0o755);
  return bin;
}

async function doctorLive(collection: Collection, args: string[] = [], faults: Fault[] = [], helmVersion = 'v3.15.4+gfa9efb0'): Promise<CliResult> {
  sim = await startSimulator({ collection, faults });
  const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-kantaloupe-'));
  const kubeconfig = await sim.writeKubeconfig(path.join(dir, 'kubeconfig'), { context: collection.meta.context ?? 'lab' });
  const bin = fakeHelm(dir, helmVersion);
  return gpuctl(['doctor', '-o', 'json', '--kubeconfig', kubeconfig, ...args], { HOME: dir, KUBECONFIG: '', PATH: `${bin}:${process.env.PATH}` });
}

type Json = { findings: { name: string; severity: string; message: string; evidence: string[] }[]; skipped: { name: string; reason: string }[] };
const json = (r: CliResult) => JSON.parse(r.stdout) as Json;
const finding = (r: CliResult, name: string) => json(r).findings.filter((f) => f.name === name);
const skip = (r: CliResult, name: string) => json(r).skipped.find((s) => s.name === name)?.reason;

/** A Prometheus HTTP API answering /api/v1/query from a table of series counts. */
async function startPrometheus(series: Record<string, number>): Promise<string> {
  prometheus = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://prometheus');
    if (url.pathname !== '/api/v1/query') return res.writeHead(404).end('404 page not found\n');
    const q = url.searchParams.get('query') ?? '';
    const result = Array.from({ length: series[q] ?? 0 }, (_, i) => ({ metric: { __name__: q, gpu: String(i) }, value: [1742280130, '42'] }));
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  prometheus.listen(0, '127.0.0.1');
  await new Promise((resolve) => prometheus!.once('listening', resolve));
  return `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
}

describe('Kantaloupe prerequisites, live', () => {
  it('finds what the snapshot finds: the queries go through the service proxy, helm runs locally', async () => {
    const offline = await gpuctl(['doctor', '--snapshot', EXAMPLE, '-o', 'json']);
    const live = await doctorLive(example);
    expect(live.stderr).toBe('');
    // Node files do not travel through the API: compare what the objects, helm and Prometheus tell.
    const kantaloupe = (r: CliResult) => {
      const out = JSON.parse(r.stdout);
      const findings = out.findings.filter((f: { category: string; name: string }) => f.category === 'hami-kantaloupe' || ['hami-node-not-enabled', 'device-plugin-conflict'].includes(f.name));
      // …and the Gateway API's absence, which a live run reads from a 404 and a snapshot from no objects
      for (const f of findings) f.evidence = f.evidence.map((e: string) => e.replace(/^GET \/apis\/gateway.*|^no GatewayClass, Gateway or .* in the snapshot$/, 'Gateway API absent'));
      return { stacks: out.stacks, findings };
    };
    expect(kantaloupe(live)).toEqual(kantaloupe(offline));
    expect(kantaloupe(live).findings.filter((f: { severity: string }) => f.severity !== 'ok')).toHaveLength(6);
    const proxied = sim!.requests.filter((r) => r.path === PROXY);
    expect(proxied.map((r) => r.query.query).sort()).toEqual(['DCGM_FI_DEV_GPU_UTIL', 'GPUDeviceCoreAllocated', 'HostCoreUtilization']);
    expect(proxied.every((r) => r.status === 200)).toBe(true);
    expect(finding(live, 'gpu-metrics-missing')).toMatchObject([{ severity: 'warning', evidence: expect.arrayContaining(['query DCGM_FI_DEV_GPU_UTIL at service monitoring/prometheus-operated:web (API server proxy): 0 series']) }]);
  });

  it('reads the helm on PATH', async () => {
    const r = await doctorLive(example, [], [], 'v3.12.3+g3a31588');
    expect(finding(r, 'helm-too-old')).toMatchObject([{ severity: 'warning', message: 'Helm 3.12.3 on this machine is older than 3.14, the minimum Kantaloupe requires' }]);
  });

  it('--prometheus-url queries that Prometheus directly, not the service proxy', async () => {
    const url = await startPrometheus({ DCGM_FI_DEV_GPU_UTIL: 2, HostCoreUtilization: 0, GPUDeviceCoreAllocated: 1 });
    const r = await doctorLive(example, ['--prometheus-url', url]);
    expect(sim!.requests.filter((q) => q.path.includes('/proxy/'))).toEqual([]);
    const issues = finding(r, 'gpu-metrics-missing');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.evidence[0]).toBe(`query HostCoreUtilization at ${url}: 0 series`);
  });

  it('skips with the cause when Prometheus cannot be reached: proxy forbidden, URL refused', async () => {
    const forbidden = await doctorLive(example, [], [{ path: '/proxy/', status: 403, user: 'dev' }]);
    expect(skip(forbidden, 'gpu-metrics-missing')).toMatch(/^every query to service monitoring\/prometheus-operated:web \(API server proxy\) failed: 403 Forbidden: services "prometheus-operated:web" is forbidden: User "dev"/);
    await sim!.close();
    sim = undefined;
    const url = await startPrometheus({});
    await new Promise((resolve) => prometheus!.close(resolve));
    prometheus = undefined;
    const refused = await doctorLive(example, ['--prometheus-url', url]);
    expect(skip(refused, 'gpu-metrics-missing')).toBe(`every query to ${url} failed: connection refused`);
  });

  it('says so when the cluster has no Prometheus Service to proxy to', async () => {
    const withoutServices = { ...example, objects: example.objects.filter((o) => o.kind !== 'Service') };
    const r = await doctorLive(withoutServices);
    expect(skip(r, 'gpu-metrics-missing')).toBe('every query to service monitoring/prometheus-operated:web (API server proxy) failed: 404 Not Found: services "prometheus-operated" not found');
  });

  it('a cluster without HAMi gets no Prometheus query and no helm run', async () => {
    const plain = await loadSnapshot('test/fixtures/sim');
    const r = await doctorLive(plain, [], [], 'v3.1.0');
    expect(sim!.requests.filter((q) => q.path.includes('/proxy/'))).toEqual([]);
    expect(json(r).findings.some((f) => f.name === 'helm-too-old' || f.name === 'gpu-metrics-missing')).toBe(false);
  });

  it('gpuctl collect writes the queries and helm version into the snapshot, and the snapshot gives the same findings', async () => {
    sim = await startSimulator({ collection: example });
    const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-kantaloupe-collect-'));
    const kubeconfig = await sim.writeKubeconfig(path.join(dir, 'kubeconfig'), { context: 'lab' });
    const env = { HOME: dir, KUBECONFIG: '', PATH: `${fakeHelm(dir, 'v3.13.2+g2a2fb3b')}:${process.env.PATH}` };
    const out = path.join(dir, 'snap');
    const collected = await gpuctl(['collect', '-f', out, '--kubeconfig', kubeconfig, '--node-probe', 'none'], env);
    expect(collected.stderr).toMatch(/3 Prometheus queries/);
    const again = await gpuctl(['doctor', '--snapshot', out, '-o', 'json']);
    expect(finding(again, 'helm-too-old')).toMatchObject([{ severity: 'warning' }]);
    expect(finding(again, 'gpu-metrics-missing')).toMatchObject([{ evidence: expect.arrayContaining(['query DCGM_FI_DEV_GPU_UTIL at service monitoring/prometheus-operated:web (API server proxy): 0 series']) }]);
  });

  it('rejects --prometheus-url that is no URL, and with --snapshot', async () => {
    const bad = await gpuctl(['doctor', '--prometheus-url', 'prometheus:9090']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe('gpuctl: error: --prometheus-url must be an http:// or https:// URL, not "prometheus:9090"');
    const snap = await gpuctl(['doctor', '--snapshot', EXAMPLE, '--prometheus-url', 'http://x:9090']);
    expect(snap.stderr).toBe('gpuctl: error: --snapshot reads no cluster: drop --kubeconfig/--context/--prometheus-url');
  });
});
