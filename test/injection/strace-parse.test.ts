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

  it('follows forks made by threads, with unfinished/resumed calls of several threads interleaved', () => {
    // A Python launcher (pid 200) starts two worker threads; each thread spawns a program while the
    // other's calls are still pending, and one child's execve is itself split across lines.
    const out = [
      `200   execve("/usr/bin/python3", ["python3", "launch.py"], ["${TF}"]) = 0`,
      '200   clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f1, parent_tid=0x7f1, exit_signal=0, stack=0x7f0, stack_size=0x7fff00, tls=0x7f2} <unfinished ...>',
      '200   <... clone3 resumed> => {parent_tid=[201]}, 88) = 201',
      '200   clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f3, parent_tid=0x7f3, exit_signal=0, stack=0x7f4, stack_size=0x7fff00, tls=0x7f5}, 88) = 202',
      '201   clone3({flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, stack=0x7f6, stack_size=0x9000}, 88 <unfinished ...>',
      '202   clone3({flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, stack=0x7f7, stack_size=0x9000}, 88 <unfinished ...>',
      `210   execve("/usr/bin/env", ["env", "-i", "PATH=/usr/bin", "python3", "worker.py"], ["${TF}"] <unfinished ...>`,
      `211   execve("/bin/bash", ["bash", "-c", "python3 serve.py"], ["${TF}"]) = 0`,
      '202   <... clone3 resumed>) = 211',
      '210   <... execve resumed>) = 0',
      '201   <... clone3 resumed>) = 210',
      '210   execve("/usr/bin/python3", ["python3", "worker.py"], ["PATH=/usr/bin"]) = 0',
      '211   clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f8) = 212',
      `212   execve("/usr/bin/python3", ["python3", "serve.py"], ["PATH=/tensor-fusion:/usr/bin", "LD_LIBRARY_PATH=/tensor-fusion"]) = 0`,
      '210   +++ exited with 0 +++',
      '201   +++ exited with 0 +++',
    ].join('\n');
    const { records, unreadable } = parseStrace(out);
    expect(unreadable).toEqual([]);
    const byArgv = (first: string, second: string) => records.find((r) => r.argv[0] === first && r.argv.includes(second))!;
    const launcher = byArgv('python3', 'launch.py');
    const env = byArgv('env', '-i');
    const worker = byArgv('python3', 'worker.py');
    const bash = byArgv('bash', '-c');
    const serve = byArgv('python3', 'serve.py');
    // Forks from threads 201 and 202 belong to the launcher's exec; an exec chain stays in its pid.
    expect([env.parent, bash.parent, worker.parent, serve.parent]).toEqual([launcher.id, launcher.id, env.id, bash.id]);
    const analysis = analyzeExecTree(records, stackById('tensor-fusion'));
    expect(analysis.drops.map((d) => [d.variable, d.from.argv[0], d.to.argv.join(' '), d.shell ?? ''])).toEqual([
      ['PATH', 'env', 'python3 worker.py', ''],
      ['LD_LIBRARY_PATH', 'env', 'python3 worker.py', ''],
      ['LD_PRELOAD', 'env', 'python3 worker.py', ''],
      ['LD_PRELOAD', 'bash', 'python3 serve.py', 'bash'],
    ]);
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
