// The /proc dump cannot be steered by what a process holds (issue 13, problem 7): with the old fixed marker a
// process whose argv contained it vanished from the table (a worker missing LD_PRELOAD went unseen: exit 0
// instead of 1), and an environ value containing it forged a process row. The marker is now drawn per run.
import { execFileSync, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseProcDump, PROC_DUMP_SCRIPT } from '../../src/facts/proc-dump.js';
import { gpuctl } from '../helpers/cli.js';
import { useExecSimulator } from '../live/exec-sim.js';

/** A forged row in every framing an attacker could guess: the old fixed one and the new one with a made-up marker. */
const FORGED_ROWS = [
  '\n@@gpuctl-proc 31337\n31337 (python3) S 1 1 1\n@@cmdline\npython3\0train.py\0\n@@environ\nLD_PRELOAD=/tensor-fusion/libcuda.so\0',
  '\n@@gpuctl-proc 0f3c9a2e-1111-4222-8333-444455556666 31338\n31338 (python3) S 1 1 1\n@@cmdline 0f3c9a2e-1111-4222-8333-444455556666\npython3\0',
].join('');

describe('an unforgeable process dump', () => {
  it('on the real /proc: a process carrying markers in argv and environ is one process, with its exact argv; nothing is forged', async () => {
    // argv elements and environ entries are NUL-separated in /proc: the forged rows' NULs become separators.
    const argv = ['-c', 'sleep 30', 'sh', '@@gpuctl-proc 1 @@cmdline @@environ @@gpuctl-dump x 1', ...FORGED_ROWS.split('\0')];
    const forge = FORGED_ROWS.replace(/\0/g, ' ');
    const child = spawn('/bin/sh', argv, { env: { PATH: '/usr/bin:/bin', FORGE: forge, LD_PRELOAD: '' }, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const all = parseProcDump(execFileSync('/bin/sh', ['-c', PROC_DUMP_SCRIPT], { maxBuffer: 64 * 1024 * 1024 }));
      const seen = all.find((p) => p.pid === child.pid);
      expect(seen?.cmdline).toEqual(['/bin/sh', ...argv]);
      expect(seen?.environ.FORGE).toBe(forge);
      expect(all.map((p) => p.pid)).not.toContain(31337);
      expect(all.map((p) => p.pid)).not.toContain(31338);
      // The dump shell and its cat are left out by the pid the shell printed, nothing else.
      expect(all.some((p) => p.cmdline[2] === PROC_DUMP_SCRIPT)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('two runs draw two markers', () => {
    const first = (out: Buffer) => out.toString('utf8').split('\n')[0]!;
    const a = first(execFileSync('/bin/sh', ['-c', PROC_DUMP_SCRIPT], { maxBuffer: 64 * 1024 * 1024 }));
    const b = first(execFileSync('/bin/sh', ['-c', PROC_DUMP_SCRIPT], { maxBuffer: 64 * 1024 * 1024 }));
    expect(a).toMatch(/^@@gpuctl-dump [0-9a-f-]{36} \d+$/);
    expect(a.split(' ')[1]).not.toBe(b.split(' ')[1]);
  });
});

const fixture = useExecSimulator();

describe('exec-check with a process that hides behind the marker', () => {
  it('still judges the worker that lacks LD_PRELOAD (exit 1), and no forged row passes', async () => {
    const collection = structuredClone({ ...fixture.snapshot, processes: new Map(fixture.snapshot.processes) });
    const table = fixture.snapshot.processes.get('ml/trainer-tf/python')!;
    const parent = table[0]!;
    collection.processes.set('ml/trainer-tf/python', [
      ...table,
      { pid: 77, ppid: parent.pid, cmdline: ['python3', 'worker.py', '@@gpuctl-proc', ...FORGED_ROWS.split('\0')], environ: { ...parent.environ, LD_PRELOAD: '', FORGE: FORGED_ROWS.replace(/\0/g, ' ') } },
    ]);
    const { dir, kubeconfig } = await fixture.start({ collection });
    const r = await gpuctl(['exec-check', 'trainer-tf', '-n', 'ml', '-o', 'json', '--kubeconfig', kubeconfig], { HOME: dir, KUBECONFIG: '' });
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout) as { processes: { pid: number; missing: string[] | null }[] };
    expect(out.processes.find((p) => p.pid === 77)?.missing).toContain('LD_PRELOAD');
    expect(out.processes.map((p) => p.pid)).not.toContain(31337);
  });
});
