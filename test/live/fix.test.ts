// `gpuctl doctor --fix` end to end: the real CLI against the simulator, which takes the writes; a second
// doctor run on the same simulator shows the findings gone.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Collection } from '../../src/collection/collection.js';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import type { CliResult } from '../helpers/cli.js';
import { gpuctl } from '../helpers/cli.js';
import type { Simulator } from '../simulator/server.js';
import { startSimulator } from '../simulator/server.js';

let sim: Simulator | undefined;
/** Where --fix saves what it deletes in this test (never the working directory). */
let backup = '';
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function serve(snapshot: string): Promise<(args: string[]) => Promise<CliResult>> {
  const collection: Collection = await loadSnapshot(snapshot);
  sim = await startSimulator({ collection });
  const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-fix-'));
  const kubeconfig = await sim.writeKubeconfig(path.join(dir, 'kubeconfig'), { context: 'lab' });
  backup = path.join(dir, 'backup');
  return (args) => gpuctl(['doctor', '--kubeconfig', kubeconfig, ...(args.includes('--fix') && !args.includes('--backup-dir') ? ['--backup-dir', backup] : []), ...args], { HOME: dir, KUBECONFIG: '' });
}

const writes = () => sim!.requests.filter((r) => r.method !== 'GET');
const problems = (r: CliResult, name: string) =>
  (JSON.parse(r.stdout).findings as { name: string; severity: string; subject: { name: string } }[]).filter((f) => f.name === name && f.severity !== 'ok').map((f) => f.subject.name);

describe('gpuctl doctor --fix against the simulator', () => {
  it('labels the HAMi node, leaves Helm fixes to the person, and a second run no longer finds it', async () => {
    const doctor = await serve('examples/hami-kantaloupe');
    expect(problems(await doctor(['-o', 'json']), 'hami-node-not-enabled')).toEqual(['gpu-a10-02']);
    const r = await doctor(['--fix', '--yes']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('gpuctl can make 1 change (safe; deletes save the object and its logs first):\n  1. label node gpu-a10-02 gpu=on [hami-node-not-enabled]');
    expect(r.stdout).toMatch(/Not applied by gpuctl \(\d+\): .*\n(.*\n)*  ✗ device-plugin-conflict on Node gpu-a10-01 — changes Helm values or releases\n/);
    expect(r.stdout).toContain('Applying\n  ✓ label node gpu-a10-02 gpu=on: 200 OK\n');
    expect(r.stdout).toContain('  ✓ fixed: hami-node-not-enabled on Node gpu-a10-02\n');
    expect(writes().map((w) => `${w.method} ${w.path} ${w.status}`)).toEqual(['PATCH /api/v1/nodes/gpu-a10-02 200']);
    expect(r.exitCode).toBe(1); // the device plugin conflict (Helm) is still there

    const after = await doctor(['-o', 'json']);
    expect(problems(after, 'hami-node-not-enabled')).toEqual([]);
    expect(problems(after, 'device-plugin-conflict')).toEqual(['gpu-a10-01']);
  });

  it('deletes the finished pod that holds the GPU and removes the operands opt-out', async () => {
    const doctor = await serve('test/fixtures/sim');
    const before = await doctor(['-o', 'json']);
    expect(problems(before, 'gpu-held-by-finished-pod')).toEqual(['cuda-vectoradd']);
    expect(problems(before, 'operands-disabled')).toEqual(['gpu-2']);
    const r = await doctor(['--fix', '--yes']);
    expect(writes().map((w) => `${w.method} ${w.path} ${w.status}`).sort()).toEqual(['DELETE /api/v1/namespaces/default/pods/cuda-vectoradd 200', 'PATCH /api/v1/nodes/gpu-2 200']);
    expect(r.stdout).toContain('  ✓ fixed: gpu-held-by-finished-pod on Pod default/cuda-vectoradd\n');
    expect(r.stdout).toContain('  ✓ fixed: operands-disabled on Node gpu-2\n');
    // What the delete destroyed was saved first, in the snapshot layout, and the output names it.
    const manifest = path.join(backup, 'cluster/default/pod-cuda-vectoradd.json');
    expect(r.stdout).toContain(`     saved first: ${manifest} and 1 log beside it (${backup}/logs/); undo: kubectl create -f ${manifest}\n`);
    expect(JSON.parse(readFileSync(manifest, 'utf8'))).toMatchObject({ kind: 'Pod', metadata: { name: 'cuda-vectoradd', namespace: 'default' } });
    expect(readFileSync(path.join(backup, 'logs/default/cuda-vectoradd/cuda-vectoradd.log'), 'utf8')).toBe(readFileSync('test/fixtures/sim/logs/default/cuda-vectoradd/cuda-vectoradd.log', 'utf8'));
    // The folder is a snapshot: gpuctl doctor --snapshot reads it.
    const saved = await loadSnapshot(backup);
    expect([saved.objects.map((o) => `${o.kind} ${o.metadata.name}`), [...saved.logs.keys()], saved.problems]).toEqual([['Pod cuda-vectoradd'], ['default/cuda-vectoradd/cuda-vectoradd'], []]);
    const after = await doctor(['-o', 'json']);
    expect(problems(after, 'gpu-held-by-finished-pod')).toEqual([]);
    expect(problems(after, 'operands-disabled')).toEqual([]);
    expect(JSON.parse(after.stdout).findings.some((f: { subject: { name: string } }) => f.subject.name === 'cuda-vectoradd')).toBe(false);
  });

  it('deletes the failed NodeDiscovery job with its pods; the finding stays while the GPU model is missing', async () => {
    const doctor = await serve('examples/tensor-fusion-injection');
    const discoveryPods = async () =>
      (await fetch(`${sim!.url}/api/v1/namespaces/tensor-fusion-sys/pods`).then((x) => x.json() as Promise<{ items: { metadata: { name: string } }[] }>)).items
        .map((p) => p.metadata.name)
        .filter((n) => n.startsWith('node-discovery-gpu-node-2'));
    expect(await discoveryPods()).toEqual(['node-discovery-gpu-node-2-nmw7h']);
    const r = await doctor(['--fix', '--yes']);
    expect(writes().map((w) => `${w.method} ${w.path} ${w.query.propagationPolicy} ${w.status}`)).toEqual([
      'DELETE /apis/batch/v1/namespaces/tensor-fusion-sys/jobs/node-discovery-gpu-node-2 Background 200',
    ]);
    expect(r.stdout).toMatch(/  ✗ still failing: tf-gpus-undiscovered on GPUNode gpu-node-2 — /);
    expect(await discoveryPods()).toEqual([]);
  });

  it('deletes nothing whose manifest or logs it cannot save first', async () => {
    const doctor = await serve('test/fixtures/sim');
    sim!.setFaults([{ path: '/pods/cuda-vectoradd/log$', status: 403 }]);
    const r = await doctor(['--fix', '--yes', '--checks', 'gpu-held-by-finished-pod']);
    expect(r.stdout).toMatch(/  ✗ delete pod default\/cuda-vectoradd .*: not deleted: the log of container cuda-vectoradd could not be saved first: 403 Forbidden: /);
    expect(writes()).toEqual([]);
    sim!.setFaults([{ method: 'GET', path: '^/api/v1/namespaces/default/pods/cuda-vectoradd$', status: 500 }]);
    const r2 = await doctor(['--fix', '--yes', '--checks', 'gpu-held-by-finished-pod', '--backup-dir', path.join(backup, 'two')]);
    expect(r2.stdout).toMatch(/: not deleted: its manifest could not be read to save it first: 500 Internal Server Error/);
    expect(writes()).toEqual([]);
  });

  it('reports a change the API server refuses, and does not call it fixed', async () => {
    const doctor = await serve('examples/hami-kantaloupe');
    sim!.setFaults([{ method: 'PATCH', path: '^/api/v1/nodes/', status: 403, user: 'viewer' }]);
    const r = await doctor(['--fix', '--yes']);
    expect(r.stdout).toMatch(/  ✗ label node gpu-a10-02 gpu=on: 403 Forbidden: nodes "gpu-a10-02" is forbidden: User "viewer"/);
    expect(r.stdout).not.toContain('After the fixes');
  });

  it('--dry-run prints the changes and makes none', async () => {
    const doctor = await serve('examples/hami-kantaloupe');
    const r = await doctor(['--fix', '--dry-run']);
    expect(r.stdout).toContain('1. label node gpu-a10-02 gpu=on [hami-node-not-enabled]');
    expect(r.stdout).toContain('--dry-run: nothing was changed.');
    expect(writes()).toEqual([]);
  });

  it('refuses to change anything without a terminal to ask on and without --yes, before reading the cluster', async () => {
    const doctor = await serve('examples/hami-kantaloupe');
    const r = await doctor(['--fix']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'gpuctl: error: --fix asks before each change, but stdin is not a terminal\n  hint: pass --yes to apply the fixes without asking, or --dry-run to only print them',
    );
    expect(sim!.requests).toEqual([]);
  });
});

describe('gpuctl doctor --fix: usage', () => {
  it('shows a snapshot plan with --dry-run only, in text only, and --yes/--dry-run need --fix', async () => {
    const plan = await gpuctl(['doctor', '--snapshot', 'examples/hami-kantaloupe', '--fix', '--dry-run']);
    expect(plan.stdout).toContain('1. label node gpu-a10-02 gpu=on [hami-node-not-enabled]');
    expect((await gpuctl(['doctor', '--snapshot', 'examples/hami-kantaloupe', '--fix'])).stderr).toBe(
      'gpuctl: error: --fix changes a live cluster: a snapshot can only be shown with --fix --dry-run',
    );
    expect((await gpuctl(['doctor', '--snapshot', 'examples/hami-kantaloupe', '--fix', '--dry-run', '-o', 'json'])).stderr).toBe(
      'gpuctl: error: --fix prints its plan and asks as text: drop -o/--output',
    );
    expect((await gpuctl(['doctor', '--snapshot', 'examples/hami-kantaloupe', '--yes'])).stderr).toBe('gpuctl: error: --yes goes with --fix');
  });
});
