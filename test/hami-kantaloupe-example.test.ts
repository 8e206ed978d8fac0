// examples/hami-kantaloupe: a cluster prepared for Kantaloupe that misses four prerequisites. The doctor finds
// exactly those (and nothing else at warning or error), with the stacks at the top.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../src/model.js';
import type { Collection } from '../src/collection/collection.js';
import { loadSnapshot } from '../src/sources/snapshot.js';
import type { CliResult } from './helpers/cli.js';
import { gpuctl, ROOT } from './helpers/cli.js';

const EXAMPLE = 'examples/hami-kantaloupe';

let collection: Collection;
let run: CliResult;
let out: { stacks: { id: string }[]; findings: Finding[]; skipped: { name: string }[]; notApplicable: unknown[]; summary: { errors: number; warnings: number } };
beforeAll(async () => {
  collection = await loadSnapshot(path.join(ROOT, EXAMPLE));
  run = await gpuctl(['doctor', '--snapshot', EXAMPLE, '-o', 'json']);
  out = JSON.parse(run.stdout);
});

const problems = () => out.findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
const one = (name: string) => {
  const found = out.findings.filter((f) => f.name === name && f.severity !== 'ok');
  expect(found, name).toHaveLength(1);
  return found[0]!;
};

describe('example hami-kantaloupe', () => {
  it('loads cleanly, with every owner reference resolving and unique uids', () => {
    expect(collection.problems).toEqual([]);
    expect(collection.meta).toMatchObject({ context: 'kubernetes-admin@kantaloupe-lab', serverVersion: 'v1.30.4' });
    const uids = collection.objects.map((o) => o.metadata.uid);
    expect(new Set(uids).size).toBe(uids.length);
    const byUid = new Map(collection.objects.map((o) => [o.metadata.uid, o]));
    for (const o of collection.objects) for (const ref of o.metadata.ownerReferences ?? []) expect(byUid.get(ref.uid)?.metadata.name, `${o.kind} ${o.metadata.name}`).toBe(ref.name);
    expect(collection.prometheus?.results.map((r) => r.query)).toEqual(['DCGM_FI_DEV_GPU_UTIL', 'HostCoreUtilization', 'GPUDeviceCoreAllocated']);
    expect(collection.localCommands?.get('helm-version')?.stdout).toBe('v3.15.4+gfa9efb0\n');
  });

  it('shows the GPU Operator, HAMi and Kantaloupe prerequisites at the top', () => {
    expect(out.stacks.map((s) => s.id)).toEqual(['gpu-operator', 'hami', 'kantaloupe']);
    // Only the checks of the stacks it does not run are not applicable (TensorFusion's, Bitfusion's).
    expect((out.notApplicable as { reason: string }[]).filter((s) => !/^(TensorFusion|VMware Bitfusion) not detected$/.test(s.reason))).toEqual([]);
  });

  it('finds the four missed prerequisites and their consequence, nothing else', () => {
    expect(problems().map((f) => `${f.severity} ${f.name} ${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`).sort()).toEqual([
      'error device-plugin-conflict Node gpu-a10-01',
      'warning gateway-api-missing CustomResourceDefinition gateways.gateway.networking.k8s.io',
      'warning gpu-metrics-missing Prometheus monitoring/prometheus-kube-prometheus-prometheus',
      'warning hami-node-not-enabled Node gpu-a10-02',
      'warning prometheus-too-old Prometheus monitoring/prometheus-kube-prometheus-prometheus',
      'warning servicemonitor-not-selected ServiceMonitor gpu-operator/nvidia-dcgm-exporter',
    ]);
    expect(run.exitCode).toBe(1);
  });

  it('the GPU node without gpu=on', () => {
    expect(one('hami-node-not-enabled').fix!.commands[0]).toBe('kubectl label nodes gpu-a10-02 gpu=on --overwrite');
  });

  it("the GPU Operator's device plugin next to HAMi's", () => {
    const f = one('device-plugin-conflict');
    expect(f.message).toBe('Node gpu-a10-01 runs 2 device plugins for nvidia.com/gpu: NVIDIA GPU Operator and HAMi');
    expect(f.fix!.commands[0]).toContain('--set devicePlugin.enabled=false');
  });

  it('Prometheus 2.30, from its running pod', () => {
    expect(one('prometheus-too-old').evidence[0]).toBe('pod monitoring/prometheus-prometheus-kube-prometheus-prometheus-0 runs quay.io/prometheus/prometheus:v2.30.3');
  });

  it('the DCGM ServiceMonitor without release=prometheus, and its empty series', () => {
    expect(one('servicemonitor-not-selected').evidence).toContain(
      'Prometheus monitoring/prometheus-kube-prometheus-prometheus selects ServiceMonitors by release=prometheus; this one lacks release=prometheus (absent)',
    );
    const metrics = one('gpu-metrics-missing');
    expect(metrics.message).toMatch(/^Prometheus has no DCGM_FI_DEV_GPU_UTIL series/);
    expect(metrics.evidence).toContain('ServiceMonitor gpu-operator/nvidia-dcgm-exporter is not selected by any Prometheus (see servicemonitor-not-selected)');
  });

  it('no Gateway API, a warning since Kantaloupe is being prepared', () => {
    expect(one('gateway-api-missing').evidence[1]).toMatch(/^Kantaloupe prerequisites seen: 2 ServiceMonitors hami-system\//);
  });

  it('a Helm new enough', () => {
    expect(out.findings.find((f) => f.name === 'helm-too-old')).toMatchObject({ severity: 'ok' });
  });

  it('text: the stacks first, the Kantaloupe playbook steps last', async () => {
    const text = (await gpuctl(['doctor', '--snapshot', EXAMPLE, '-o', 'wide'])).stdout;
    expect(text.indexOf('GPU stacks')).toBeLessThan(text.indexOf('\nhami-kantaloupe\n---'));
    expect(text).toContain('● Kantaloupe (prerequisites)  hami-system');
    expect(text).toMatch(/Playbook\n(.*\n)*\d\. HAMi GPU nodes labelled gpu=on/);
  });
});
