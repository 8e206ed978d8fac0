// An interrupt removes gpuctl's temporary files and stops what it started on this host: exec-check --local
// traces a command under strace (which blocks fatal signals while it writes its trace to a file), and the
// trace lives in a temporary directory. After SIGTERM, SIGINT or SIGHUP neither may outlive gpuctl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import { until } from '../node-probe/helpers.js';

/** The processes whose command line is exactly `args` (ps, this machine). */
function processes(args: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.endsWith(` ${args}`) || l.includes(` -- ${args}`));
}

describe('exec-check --local interrupted', { timeout: 30_000 }, () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ] as const)('on %s: the traced command stopped, the trace removed, exit %d, one line', async (signal, code) => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'gpuctl-local-int-'));
    // A command line no other test runs, to find its processes.
    const seconds = `${30 + Math.floor(Math.random() * 1000) / 1000}`;
    const child = execa(BIN, ['exec-check', '--local', '--stack', 'hami', '--', 'sleep', seconds], {
      reject: false,
      cwd: ROOT,
      env: { NO_COLOR: '1', TMPDIR: tmp },
      timeout: 25_000,
    });
    await until(() => processes(`sleep ${seconds}`).length >= 2 && readdirSync(tmp).length === 1);
    expect(readdirSync(tmp)).toEqual([expect.stringMatching(/^gpuctl-strace-/)]);
    child.kill(signal);
    const r = await child;
    expect(r.exitCode).toBe(code);
    expect(r.stderr).toMatch(/^gpuctl: interrupted by [^\n]+$/);
    expect(readdirSync(tmp)).toEqual([]);
    await until(() => processes(`sleep ${seconds}`).length === 0, 5_000);
  });
});
