import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gpuctl } from './helpers/cli.js';
import { version } from '../package.json';

describe('gpuctl CLI', () => {
  it('prints the package version', async () => {
    const r = await gpuctl(['--version']);
    expect(r).toMatchObject({ exitCode: 0, stdout: version });
  });
  it('rejects an unknown check name with exit 2 and one line', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'test/fixtures/minimal', '--checks', 'no-such-check']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^gpuctl: error: unknown check "no-such-check"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it('reports a malformed file in the snapshot as a finding, not a crash', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'test/fixtures/minimal', '-o', 'json']);
    const out = JSON.parse(r.stdout);
    expect(out.findings.find((f: { name: string }) => f.name === 'snapshot-file-unreadable')).toMatchObject({
      severity: 'warning',
      subject: { kind: 'File', name: 'cluster/bad.json' },
    });
  });
  it('--fail-on warning turns warnings into exit 1; -o junit prints XML', async () => {
    const base = ['doctor', '--snapshot', 'test/fixtures/minimal'];
    expect((await gpuctl(base)).exitCode).toBe(0);
    expect((await gpuctl([...base, '--fail-on', 'warning'])).exitCode).toBe(1);
    const junit = await gpuctl([...base, '-o', 'junit']);
    expect(junit.stdout).toMatch(/^<\?xml version="1.0"/);
    expect(junit.stdout).toContain('name="gpu-node-unlabeled (GPU102)"');
  });
  it('--debug stacks name the source files and lines, not the minified bundle', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'does/not/exist', '--debug']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/\n {4}at .*\bsrc\/sources\/snapshot\.ts:\d+:\d+\)/);
    expect(r.stderr).not.toMatch(/dist\/chunk-/);
  });
  it('fails with exit 2 on a missing snapshot', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'does/not/exist']);
    expect(r).toMatchObject({ exitCode: 2, stderr: 'gpuctl: error: snapshot not found: does/not/exist' });
  });
});

describe('gpuctl exec-check --local', () => {
  it('traces a real entrypoint with strace and exits 1 naming the bash exec that lost LD_PRELOAD', async () => {
    const env = { PATH: '/opt/tensor-fusion:/usr/bin:/bin', LD_LIBRARY_PATH: '/opt/tensor-fusion', LD_PRELOAD: '/opt/tensor-fusion/libcuda-tf.so' };
    const r = await gpuctl(['exec-check', '--local', '-o', 'json', '--', 'test/fixtures/entrypoints/bash-clean.sh'], env);
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.stack).toBe('tensor-fusion');
    const finding = out.findings.find((f: { name: string }) => f.name === 'shell-drops-preload');
    expect(finding.subject).toEqual({ kind: 'Command', name: 'test/fixtures/entrypoints/bash-clean.sh' });
    expect(finding.message).toBe("The traced command: LD_PRELOAD was lost at bash (`/usr/bin/bash --noprofile --norc -c '/bin/true workload; :'`)");
  });
  it('never passes on a command that did not run: the shell\'s words, exit 2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-local-'));
    const script = path.join(dir, 'not-executable.sh');
    writeFileSync(script, 'echo hi\n', { mode: 0o644 });
    const cases: [string, string][] = [
      ['./nonexistent.sh', 'gpuctl: error: ./nonexistent.sh: No such file or directory'],
      ['no-such-command-anywhere', 'gpuctl: error: no-such-command-anywhere: No such file or directory'],
      [script, `gpuctl: error: ${script}: Permission denied`],
    ];
    for (const [command, stderr] of cases) {
      const r = await gpuctl(['exec-check', '--local', '--stack', 'hami', '--', command]);
      expect([r.exitCode, r.stderr, r.stdout]).toEqual([2, stderr, '']);
    }
  });
  it('says which stack to pass when the environment shows none', async () => {
    const r = await gpuctl(['exec-check', '--local', '--', '/bin/true'], { PATH: '/usr/bin:/bin' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('cannot tell which GPU stack to check');
  });
});
