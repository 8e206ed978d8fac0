// Real strace on real entrypoint scripts: the analysis must name the exact exec that dropped each variable.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import envDroppedByChild, { envDroppedByChild as dropsOf } from '../../checks/env-dropped-by-child.js';
import { shellDropsPreload } from '../../checks/shell-drops-preload.js';
import { analyzeExecTree, programName } from '../../src/facts/exec-tree.js';
import { stackById } from '../../src/facts/injection.js';
import { traceLocal } from '../../src/sources/strace-local.js';
import { skipWithout } from '../helpers/tools.js';

const hasStrace = (() => {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/entrypoints');
const root = mkdtempSync(path.join(tmpdir(), 'gpuctl-tf-'));
const tf = path.join(root, 'tensor-fusion');
mkdirSync(tf);
// A real library to preload, so the loader stays quiet: libc itself.
symlinkSync('/lib/x86_64-linux-gnu/libc.so.6', path.join(tf, 'libcuda-tf.so'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const injected = {
  PATH: `${tf}:/usr/local/bin:/usr/bin:/bin`,
  LD_LIBRARY_PATH: tf,
  LD_PRELOAD: path.join(tf, 'libcuda-tf.so'),
  HOME: '/root',
};

async function trace(script: string) {
  const result = await traceLocal([path.join(FIXTURES, script)], { env: injected, timeoutMs: 20_000 });
  expect(result.exitCode).toBe(0);
  const analysis = analyzeExecTree(result.records, stackById('tensor-fusion'));
  return { result, analysis, w: { namespace: 'local', pod: script, container: 'main', stackEvidence: 'test', analysis } };
}

const argvOf = (r: { argv: string[] } | undefined) => r?.argv.join(' ');

describe.skipIf(!hasStrace && skipWithout('strace'))('exec-check on real strace traces', () => {
  it('keeps: sh → python → exec, nothing dropped', async () => {
    const { analysis, result } = await trace('keeps.sh');
    expect(result.records.map(programName)).toEqual(['sh', 'python3', 'true']);
    expect(analysis.neverInjected).toEqual([]);
    expect(analysis.drops).toEqual([]);
  });

  it('env -i: the exec of /bin/sh by `env -i` dropped all three', async () => {
    const { analysis, w } = await trace('env-i.sh');
    expect(analysis.drops.map((d) => d.variable).sort()).toEqual(['LD_LIBRARY_PATH', 'LD_PRELOAD', 'PATH']);
    for (const d of analysis.drops) {
      expect(argvOf(d.from)).toBe("/usr/bin/env -i /bin/sh -c /bin/true workload");
      expect(argvOf(d.to)).toBe('/bin/sh -c /bin/true workload');
    }
    expect(dropsOf(w)).toHaveLength(1);
    expect(dropsOf(w)[0]!.message).toContain('without PATH, LD_LIBRARY_PATH, LD_PRELOAD');
  });

  it('exec -c: bash replaced itself with a clean environment; LD_PRELOAD is the shell case', async () => {
    const { analysis, w } = await trace('exec-c.sh');
    expect(analysis.drops).toHaveLength(3);
    expect(analysis.drops.every((d) => d.shell === 'bash' && argvOf(d.to) === '/bin/true workload')).toBe(true);
    expect(shellDropsPreload(w)).toMatchObject([{ message: expect.stringContaining('LD_PRELOAD was lost at bash') }]);
    expect(dropsOf(w)[0]!.message).toContain('without PATH, LD_LIBRARY_PATH');
  });

  it('sudo-like env_reset: the exec of the workload by `env -i PATH=…` dropped them', async () => {
    const { analysis } = await trace('sudo-reset.sh');
    const vars = analysis.drops.map((d) => d.variable).sort();
    expect(vars).toEqual(['LD_LIBRARY_PATH', 'LD_PRELOAD', 'PATH']);
    expect(argvOf(analysis.drops[0]!.from)).toBe('/usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root /bin/true workload');
    expect(argvOf(analysis.drops[0]!.to)).toBe('/bin/true workload');
  });

  it('bash started without LD_PRELOAD: shell-drops-preload names the bash exec', async () => {
    const { analysis, w } = await trace('bash-clean.sh');
    expect(analysis.drops).toHaveLength(1);
    expect(analysis.drops[0]).toMatchObject({ variable: 'LD_PRELOAD', shell: 'bash' });
    expect(argvOf(analysis.drops[0]!.to)).toBe("/usr/bin/bash --noprofile --norc -c /bin/true workload; :");
    expect(shellDropsPreload(w)).toHaveLength(1);
    expect(dropsOf(w)).toEqual([]);
  });

  it('a Python launcher that rebuilds the environment: its child lost LD_PRELOAD and LD_LIBRARY_PATH, kept PATH', async () => {
    const { analysis } = await trace('python-launcher.py');
    expect(analysis.drops.map((d) => d.variable).sort()).toEqual(['LD_LIBRARY_PATH', 'LD_PRELOAD']);
    expect(programName(analysis.drops[0]!.from)).toBe('python3');
    expect(argvOf(analysis.drops[0]!.to)).toBe('/bin/true workload');
    expect(analysis.drops[0]!.to.env).toEqual({ PATH: injected.PATH, HOME: '/root' });
  });

  it('the check itself is registered under its catalogue name', () => {
    expect(envDroppedByChild.name).toBe('env-dropped-by-child');
  });
});
