// The /proc dump script runs here on real processes: a parent holding the injected environment and a child without it.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseProcDump, PROC_DUMP_SCRIPT } from '../../src/facts/proc-dump.js';
import { analyzeExecTree, recordsFromProcesses } from '../../src/facts/exec-tree.js';
import { stackById } from '../../src/facts/injection.js';

describe('PROC_DUMP_SCRIPT on the real /proc', () => {
  it('captures pid, ppid, argv and environment, and the analysis finds the dropping exec', async () => {
    const env = { PATH: '/tensor-fusion:/usr/bin:/bin', LD_LIBRARY_PATH: '/tensor-fusion', LD_PRELOAD: '', MARKER: 'odd\nvalue with spaces' };
    const parent = spawn('/bin/sh', ['-c', 'env -u LD_LIBRARY_PATH sleep 30 & wait'], { env, stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const out = execFileSync('/bin/sh', ['-c', PROC_DUMP_SCRIPT], { maxBuffer: 64 * 1024 * 1024 });
      const all = parseProcDump(out);
      const sh = all.find((p) => p.pid === parent.pid)!;
      expect(sh.cmdline).toEqual(['/bin/sh', '-c', 'env -u LD_LIBRARY_PATH sleep 30 & wait']);
      expect(sh.environ.MARKER).toBe('odd\nvalue with spaces');
      const sleep = all.find((p) => p.ppid === parent.pid)!;
      expect(sleep.cmdline).toEqual(['sleep', '30']);
      expect(sleep.environ.LD_LIBRARY_PATH).toBeUndefined();
      const tree = all.filter((p) => p.pid === parent.pid || p.ppid === parent.pid);
      const analysis = analyzeExecTree(recordsFromProcesses(tree), stackById('tensor-fusion'));
      expect(analysis.drops.map((d) => [d.variable, d.from.pid, d.to.pid])).toEqual([['LD_LIBRARY_PATH', parent.pid, sleep.pid]]);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('parses stat with parentheses in comm, marks unreadable environ, drops kernel threads, survives garbage', () => {
    const m = '0f3c9a2e-1111-4222-8333-444455556666';
    const dump = [
      `@@gpuctl-dump ${m} 99\n`,
      `\n@@gpuctl-proc ${m} 42\n42 (weird) name)) S 7 42 42 0 -1\n@@cmdline ${m}\npython3\0-c\0x\0\n@@environ ${m}\n@@unreadable ${m}`,
      `\n@@gpuctl-proc ${m} 2\n2 (kthreadd) S 0 0 0\n@@cmdline ${m}\n\n@@environ ${m}\n`,
      `\n@@gpuctl-proc ${m} nonsense`,
      `\n@@gpuctl-proc ${m} 43\n43 (x) S 42 1\n@@cmdline ${m}\n/bin/x\0\n@@environ ${m}\nA=1\0BAD\xff\0`,
      `\n@@gpuctl-proc ${m} 99\n99 (sh) S 1 1\n@@cmdline ${m}\nsh\0-c\0script\0\n@@environ ${m}\n`,
      `\n@@gpuctl-proc ${m} 100\n100 (cat) S 99 1\n@@cmdline ${m}\ncat\0/proc/1/environ\0\n@@environ ${m}\n`,
    ].join('');
    const parsed = parseProcDump(dump);
    expect(parsed).toEqual([
      { pid: 42, ppid: 7, cmdline: ['python3', '-c', 'x'], environ: {}, environUnreadable: true },
      { pid: 43, ppid: 42, cmdline: ['/bin/x'], environ: { A: '1' } },
    ]);
    expect(recordsFromProcesses(parsed)[0]!.env).toBeUndefined();
  });
});
