// `gpuctl doctor` on a live cluster reads the process tables of running pods of injecting stacks through
// exec, so the injection checks judge them; a pod that cannot be read is a problem, never the end.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/sources/snapshot.js';
import type { CliResult } from '../helpers/cli.js';
import { gpuctl } from '../helpers/cli.js';
import type { Behaviours, Fault } from '../simulator/server.js';
import { useExecSimulator } from './exec-sim.js';

const fixture = useExecSimulator();
const DISTROLESS: Behaviours = { 'ml/trainer-distroless/python': { shell: false } };
const serve = (faults: Fault[] = []) => fixture.start({ faults, containers: DISTROLESS });

async function doctor(args: string[] = [], faults: Fault[] = []): Promise<CliResult> {
  const { dir, kubeconfig } = await serve(faults);
  return gpuctl(['doctor', '-o', 'json', '--kubeconfig', kubeconfig, ...args], { HOME: dir, KUBECONFIG: '' });
}

interface DoctorJson {
  findings: { name: string; severity: string; subject: { kind: string; name: string; namespace?: string }; message: string; evidence: string[]; fix?: unknown }[];
  skipped: { name: string; reason: string }[];
}
const parse = (r: CliResult) => JSON.parse(r.stdout) as DoctorJson;
const execRequests = () => fixture.execRequests();

describe('gpuctl doctor: process tables of injecting pods, live', () => {
  it('captures the running injecting pods and reports shell-drops-preload for the bash one', async () => {
    const r = await doctor();
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(1);
    const j = parse(r);
    const injection = j.findings.filter((f) => ['injection-env-missing', 'shell-drops-preload', 'env-dropped-by-child'].includes(f.name) && f.severity !== 'ok');
    expect(injection.map((f) => [f.name, f.subject.namespace, f.subject.name])).toEqual([['shell-drops-preload', 'ml', 'trainer-bash']]);
    // The crash it caused, from the previous run's log.
    expect(j.findings.filter((f) => f.name === 'device-count-assert').map((f) => [f.severity, f.subject.name])).toEqual([['error', 'trainer-bash']]);
    // One exec per running injected container: the TensorFusion ones name theirs; not the pending pod, not the sidecar.
    expect(execRequests().map((q) => `${q.path.split('/')[4]}/${q.path.split('/')[6]}/${q.query.container}`).sort()).toEqual([
      'ml/hami-infer/server',
      'ml/trainer-bash/python',
      'ml/trainer-distroless/python',
      'ml/trainer-tf/python',
      'tensorflow-benchmark/bf-pkgs/bf-pkgs',
    ]);
    // The distroless pod could not be read: a problem of the collection, named, and the run goes on.
    expect(j.findings.filter((f) => f.name === 'snapshot-file-unreadable' && f.severity !== 'ok')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        subject: { kind: 'Pod', name: 'trainer-distroless', namespace: 'ml' },
        message: 'The process table of container python of pod ml/trainer-distroless was not captured: the injection checks did not judge it',
        evidence: [expect.stringMatching(/^process table not captured: container python of pod ml\/trainer-distroless has no \/bin\/sh \(a distroless image\?\)/)],
        fix: { summary: 'Look from inside the pod: exec-check says what stopped the capture', commands: ['gpuctl exec-check trainer-distroless -n ml -c python'] },
      }),
    ]);
  });

  it('--max-exec-pods bounds the pods read; 0 reads none and the injection checks say why they skipped', async () => {
    const two = await doctor(['--max-exec-pods', '2']);
    expect(execRequests()).toHaveLength(2);
    expect(parse(two).findings.find((f) => f.subject.name === 'pods/')?.evidence).toEqual([
      'process tables of 3 more pod(s) of injecting stacks not captured (--max-exec-pods 2)',
    ]);
    await fixture.stop();
    const none = await doctor(['--max-exec-pods', '0']);
    expect(execRequests()).toEqual([]);
    expect(parse(none).skipped).toContainEqual({
      id: 'GPU601',
      name: 'injection-env-missing',
      reason: '5 running pod(s) of an injecting stack, but no process table captured: run `gpuctl exec-check POD` or the live doctor',
    });
    const bad = await gpuctl(['doctor', '--max-exec-pods', 'many', '--kubeconfig', '/nonexistent']);
    expect([bad.exitCode, bad.stderr]).toEqual([2, 'gpuctl: error: invalid --max-exec-pods "many": expected a whole number (0 = none)']);
  });

  it('exec forbidden: one problem for all pods, the rest of the doctor runs', async () => {
    const r = await doctor(['--checks', 'injection,snapshot'], [{ path: '/exec$', status: 403 }]);
    // Nothing captured: the run is incomplete, says so in one line, exits 2 (docs/output.md).
    expect(r.stderr).toMatch(/^gpuctl: incomplete: could not read 5 process tables: .+ \(exec into pod .+ is forbidden \(403\)[^\n]*$/);
    expect(r.exitCode).toBe(2);
    const problems = parse(r).findings.filter((f) => f.name === 'snapshot-file-unreadable');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.fix).toEqual({ summary: 'Grant exec into pods (RBAC: create on pods/exec), or run where it is granted', commands: ['kubectl auth can-i create pods/exec --all-namespaces'] });
    expect(problems[0]!.evidence[0]).toMatch(
      /^process tables not captured: exec into pod .+ is forbidden \(403\): .+ cannot create resource "pods\/exec" .+; it needs the RBAC verb create on pods\/exec .+\(\d more container\(s\) not captured\)$/,
    );
    expect(parse(r).skipped.map((s) => s.name)).toContain('injection-env-missing');
  });

  it('gpuctl collect writes what it captured into the snapshot, which is judged the same way offline', async () => {
    const { dir, kubeconfig } = await serve();
    const out = path.join(dir, 'bundle');
    const collected = await gpuctl(['collect', '-f', out, '--kubeconfig', kubeconfig, '--node-probe', 'none'], { HOME: dir, KUBECONFIG: '' });
    expect(collected.stderr).toMatch(/^gpuctl: wrote .*bundle: \d+ objects, \d+ logs, 0 nodes probed, 4 process tables$/);
    const written = await loadSnapshot(out);
    expect([...written.processes.keys()].sort()).toEqual(['ml/hami-infer/server', 'ml/trainer-bash/python', 'ml/trainer-tf/python', 'tensorflow-benchmark/bf-pkgs/bf-pkgs']);
    expect(written.preloadFiles.get('ml/hami-infer/server')).toBe('/usr/local/vgpu/libvgpu.so\n');
    // Values that look like credentials do not leave the cluster.
    const vllm = written.processes.get('ml/hami-infer/server')![0]!.environ;
    expect([vllm.HF_TOKEN, vllm.CUDA_DEVICE_MEMORY_LIMIT_0]).toEqual(['<redacted by gpuctl>', '3000m']);
    const offline = await gpuctl(['doctor', '--snapshot', out, '--checks', 'injection', '-o', 'json']);
    const live = await gpuctl(['doctor', '--kubeconfig', kubeconfig, '--checks', 'injection', '-o', 'json'], { HOME: dir, KUBECONFIG: '' });
    const judged = (r: CliResult) => parse(r).findings.map((f) => [f.name, f.severity, f.subject.name]);
    expect(judged(offline)).toEqual(judged(live));
    expect(judged(offline)).toContainEqual(['shell-drops-preload', 'error', 'trainer-bash']);
  });
});
