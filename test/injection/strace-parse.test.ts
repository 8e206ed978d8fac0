import { describe, expect, it } from 'vitest';
import { analyzeExecTree, recordsFromProcesses } from '../../src/facts/exec-tree.js';
import { stackById } from '../../src/facts/injection.js';
import { parseStrace } from '../../src/facts/strace.js';

const TF = 'PATH=/tensor-fusion:/usr/bin", "LD_LIBRARY_PATH=/tensor-fusion", "LD_PRELOAD=/tensor-fusion/libcuda.so';

describe('parseStrace', () => {
  it('stitches unfinished/resumed calls interleaved across processes and links forks to their parent exec', () => {
    const out = [
      `execve("/entrypoint.sh", ["/entrypoint.sh"], ["${TF}"]) = 0`,
      'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 101',
      `[pid   101] execve("/usr/bin/bash", ["bash", "-c", "python3 train.py"], ["PATH=/tensor-fusion:/usr/bin", "LD_LIBRARY_PATH=/tensor-fusion" <unfinished ...>`,
      '[pid   100] clone(child_stack=NULL, flags=CLONE_VM|CLONE_FS|CLONE_THREAD|CLONE_SIGHAND, child_tidptr=0x1) = 102',
      '[pid   101] <... execve resumed>]) = 0',
      '[pid   101] vfork( <unfinished ...>',
      '[pid   103] execve("/usr/bin/python3", ["python3", "train.py"], ["PATH=/tensor-fusion:/usr/bin", "LD_LIBRARY_PATH=/tensor-fusion"]) = 0',
      '[pid   101] <... vfork resumed>) = 103',
      '[pid   103] +++ exited with 0 +++',
      '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=101} ---',
    ].join('\n');
    const { records, unreadable } = parseStrace(out);
    expect(unreadable).toEqual([]);
    expect(records.map((r) => [r.pid, r.argv[0], r.parent])).toEqual([
      [0, '/entrypoint.sh', undefined],
      [101, 'bash', 0],
      [103, 'python3', 1],
    ]);
    const analysis = analyzeExecTree(records, stackById('tensor-fusion'));
    expect(analysis.drops).toMatchObject([{ variable: 'LD_PRELOAD', shell: 'bash', from: { argv: ['/entrypoint.sh'] }, to: { argv: ['bash', '-c', 'python3 train.py'] } }]);
  });

  it('reads -o style "PID  " prefixes, skips failed PATH-search execs, and keeps an exec chain in one pid', () => {
    const out = [
      `7  execve("/bin/sh", ["sh", "-c", "exec python3 x.py"], ["${TF}"]) = 0`,
      `7  execve("/usr/local/bin/python3", ["python3", "x.py"], ["${TF}"]) = -1 ENOENT (No such file or directory)`,
      `7  execve("/usr/bin/python3", ["python3", "x.py"], ["PATH=/usr/bin"]) = 0`,
    ].join('\n');
    const { records } = parseStrace(out);
    expect(records.map((r) => [r.path, r.parent])).toEqual([
      ['/bin/sh', undefined],
      ['/usr/bin/python3', 0],
    ]);
  });

  it('decodes C escapes, invalid UTF-8, truncated strings, huge values, and environments strace did not print', () => {
    const huge = 'x'.repeat(200_000);
    const out = [
      `execve("/a", ["a", "quote\\"d", "tab\\there", "\\303\\251t\\xe9", "cut"...], ["BIG=${huge}", "ODD=\\377\\376"]) = 0`,
      'execve("/b", ["b"], 0x7ffd2c0 /* 23 vars */) = 0',
      'execve("/c", ["c", garbage here) = 0',
    ].join('\n');
    const { records, unreadable } = parseStrace(out);
    expect(records[0]!.argv).toEqual(['a', 'quote"d', 'tab\there', 'ét\uFFFD', 'cut']);
    expect(records[0]!.env!.BIG).toHaveLength(200_000);
    expect(records[0]!.env!.ODD).toBe('\uFFFD\uFFFD');
    expect(records[1]!.env).toBeUndefined();
    expect(unreadable).toHaveLength(1);
  });

  it('gives a drop only where both sides have a known environment', () => {
    const out = [`execve("/a", ["a"], ["${TF}"]) = 0`, 'execve("/b", ["b"], 0x1 /* 3 vars */) = 0', 'execve("/c", ["c"], []) = 0'].join('\n');
    const analysis = analyzeExecTree(parseStrace(out).records, stackById('tensor-fusion'));
    expect(analysis.drops).toEqual([]);
  });
});

describe('analysis of /proc process tables', () => {
  const tf = { PATH: '/tensor-fusion:/usr/bin', LD_LIBRARY_PATH: '/tensor-fusion', LD_PRELOAD: '/tensor-fusion/libcuda.so' };
  it('finds the first process that lost a variable its parent had', () => {
    const records = recordsFromProcesses([
      { pid: 1, ppid: 0, cmdline: ['/bin/sh', '/entrypoint.sh'], environ: tf },
      { pid: 7, ppid: 1, cmdline: ['/usr/bin/zsh', '-c', 'python3 serve.py'], environ: { ...tf, LD_PRELOAD: '' } },
      { pid: 9, ppid: 7, cmdline: ['python3', 'serve.py'], environ: { PATH: tf.PATH } },
    ]);
    const a = analyzeExecTree(records, stackById('tensor-fusion'));
    expect(a.neverInjected).toEqual([]);
    expect(a.drops.map((d) => [d.variable, d.from.pid, d.to.pid, d.shell])).toEqual([
      ['LD_PRELOAD', 1, 7, 'zsh'],
      ['LD_LIBRARY_PATH', 7, 9, 'zsh'],
    ]);
    expect(a.missing.get(9)).toEqual(['LD_LIBRARY_PATH', 'LD_PRELOAD']);
  });
  it('reports what pid 1 never had as never injected; HAMi counts /etc/ld.so.preload', () => {
    const records = recordsFromProcesses([{ pid: 1, ppid: 0, cmdline: ['python3'], environ: { PATH: '/usr/bin' } }]);
    expect(analyzeExecTree(records, stackById('tensor-fusion')).neverInjected.map((q) => q.variable)).toEqual(['PATH', 'LD_LIBRARY_PATH', 'LD_PRELOAD']);
    expect(analyzeExecTree(records, stackById('hami')).neverInjected).toHaveLength(1);
    expect(analyzeExecTree(records, stackById('hami'), '/usr/local/vgpu/libvgpu.so\n').neverInjected).toEqual([]);
  });
});
