// exec-check's layout is linear in the number of processes: the column widths are measured once, the tree is
// walked without recursion, and a deep chain is not drawn wider and wider. Complexity is asserted by ratio
// (ten times the processes may take at most thirty times as long: linear gives ~10-13, quadratic ~100), not by
// wall time, and each size by its best run, so a busy CI passes (one run of the big size once measured 21x).
import { describe, expect, it } from 'vitest';
import { analyzeExecTree, recordsFromProcesses } from '../../src/facts/exec-tree.js';
import { stackById } from '../../src/facts/injection.js';
import type { ProcessInfo } from '../../src/collection/collection.js';
import { renderExecTree } from '../../src/report/exec-tree.js';

const ENV = { PATH: '/tensor-fusion:/usr/bin', LD_LIBRARY_PATH: '/tensor-fusion', LD_PRELOAD: '/tensor-fusion/libcuda.so' };

/** N processes: a shell with N/2 workers under it, and a chain of N/2 execs, each the child of the one before. */
function table(n: number): ProcessInfo[] {
  const out: ProcessInfo[] = [{ pid: 1, ppid: 0, cmdline: ['sh', '-c', 'python train.py'], environ: ENV }];
  for (let i = 2; i <= n / 2; i++) out.push({ pid: i, ppid: 1, cmdline: ['python3', '-m', 'worker', `--rank=${i}`], environ: ENV });
  for (let i = n / 2 + 1; i <= n; i++) out.push({ pid: i, ppid: i === n / 2 + 1 ? 1 : i - 1, cmdline: ['bash', '-c', `step ${i}`], environ: i % 7 ? ENV : { PATH: '/usr/bin' } });
  return out;
}

function render(n: number): { ms: number; text: string } {
  const processes = table(n);
  const started = performance.now();
  const analysis = analyzeExecTree(recordsFromProcesses(processes), stackById('tensor-fusion'));
  const text = renderExecTree(analysis, false);
  return { ms: performance.now() - started, text };
}

describe('exec-check layout at scale', () => {
  it('draws 100,000 processes, a 50,000-deep chain among them, in time linear in their number', () => {
    render(2_000); // warm up the JIT
    const small = Math.min(...[0, 1, 2].map(() => render(10_000).ms));
    const runs = [render(100_000), render(100_000)];
    const big = runs[0]!.ms <= runs[1]!.ms ? runs[0]! : runs[1]!;
    const lines = big.text.split('\n');
    expect(lines).toHaveLength(100_002);
    // Deep lines are not indented without end: each stays short.
    expect(Math.max(...lines.slice(-1000).map((l) => l.length))).toBeLessThan(200);
    expect(big.text).toContain('└(depth 50000) bash -c');
    expect(big.ms / Math.max(small, 1)).toBeLessThan(30);
  }, 120_000);
});
