import { describe, expect, it } from 'vitest';
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
  it('fails with exit 2 on a missing snapshot', async () => {
    const r = await gpuctl(['doctor', '--snapshot', 'does/not/exist']);
    expect(r).toMatchObject({ exitCode: 2, stderr: 'gpuctl: error: snapshot not found: does/not/exist' });
  });
});
