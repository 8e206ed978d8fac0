// The trace and /proc parsers take whatever a container, a host or a user's file hands them: random bytes,
// a trace cut at any byte, lines of megabytes, fork chains thousands deep. None of it may throw (an
// "internal error" for the user); and exec-check on such a file answers in one line with exit 2.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeExecTree, recordsFromProcesses } from '../../src/facts/exec-tree.js';
import { INJECTION_STACKS } from '../../src/facts/injection.js';
import { parsePreloadFile, parseProcDump } from '../../src/facts/proc-dump.js';
import { parseStrace } from '../../src/facts/strace.js';
import { gpuctl } from '../helpers/cli.js';

/** mulberry32: the same bytes on every run, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRACE = [
  'execve("/entrypoint.sh", ["/entrypoint.sh"], ["PATH=/tensor-fusion:/usr/bin", "LD_PRELOAD=/tensor-fusion/libcuda.so"]) = 0',
  'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLD, child_tidptr=0x7f) = 101',
  '[pid   101] execve("/usr/bin/bash", ["bash", "-c", "python3 \\"a\\\\x\\" \\x41\\101"], ["PATH=/usr/bin" <unfinished ...>',
  '[pid   101] <... execve resumed>]) = 0',
  '[pid   101] vfork( <unfinished ...>',
  '[pid   103] execve("/usr/bin/python3", ["python3", "train.py", ...], 0x7ffc /* 35 vars */) = 0',
  '[pid   101] <... vfork resumed>) = 103',
  'execve("/nope", ["/nope"], 0x1 /* 1 vars */) = -1 ENOENT (No such file or directory)',
  '[pid   103] +++ exited with 0 +++',
  '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=101} ---',
].join('\n');

const DUMP = [
  '@@gpuctl-preload\n/usr/local/vgpu/libvgpu.so\n',
  '\n@@gpuctl-proc 1\n1 (sh) S 0 1 1 0 -1\n@@cmdline\nsh\0-c\0bash run.sh\0\n@@environ\nLD_PRELOAD=/usr/local/vgpu/libvgpu.so\0PATH=/usr/bin\0',
  '\n@@gpuctl-proc 7\n7 (ba) sh)) S 1 7 7 0 -1\n@@cmdline\nbash\0run.sh\0\n@@environ\nPATH=/usr/bin\0',
  '\n@@gpuctl-proc 9\n9 (x) S 7 1\n@@cmdline\npython3\0\n@@environ\n@@unreadable',
].join('');

const FRAGMENTS = ['execve(', '"', '\\', '\\x', '\\777', '[', ']', ', ', '...', '[pid ', '1', '42 ', ' <unfinished ...>', '<... execve resumed>', 'clone(', 'CLONE_THREAD', ') = ', '0', '-1 ENOENT (', '\n', '+++ ', '--- ', '\r', '\u2028', '\0', 'é', '\ud800', '@@gpuctl-proc ', '@@cmdline\n', '@@environ\n', '@@unreadable', '@@gpuctl-preload\n', '='];

/** Everything the parsers feed: parse, then build and analyse the exec tree for every stack. */
function parseAll(input: string | Buffer): void {
  const text = typeof input === 'string' ? input : input.toString('latin1');
  const trace = parseStrace(text);
  const processes = parseProcDump(input);
  parsePreloadFile(input);
  for (const stack of INJECTION_STACKS) {
    analyzeExecTree(trace.records, stack);
    analyzeExecTree(recordsFromProcesses(processes), stack, parsePreloadFile(input));
  }
}

describe('trace and /proc parsers never throw', () => {
  it('random bytes', () => {
    const next = random(12);
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(next() * 4096) }, () => Math.floor(next() * 256)));
      expect(() => parseAll(bytes), `case ${i}`).not.toThrow();
      expect(() => parseAll(bytes.toString('utf8')), `case ${i} as utf-8`).not.toThrow();
    }
  });

  it('soups of the tokens they look for', () => {
    const next = random(7);
    for (let i = 0; i < 1000; i++) {
      const text = Array.from({ length: Math.floor(next() * 200) }, () => FRAGMENTS[Math.floor(next() * FRAGMENTS.length)]).join('');
      expect(() => parseAll(text), JSON.stringify(text)).not.toThrow();
    }
  });

  it('a trace and a /proc dump cut at every byte, and with one byte changed', () => {
    const next = random(3);
    for (const whole of [TRACE, DUMP]) {
      for (let end = 0; end <= whole.length; end++) expect(() => parseAll(whole.slice(0, end)), `cut at ${end}`).not.toThrow();
      for (let i = 0; i < 500; i++) {
        const at = Math.floor(next() * whole.length);
        const changed = whole.slice(0, at) + String.fromCharCode(Math.floor(next() * 256)) + whole.slice(at + 1);
        expect(() => parseAll(changed), `byte ${at}`).not.toThrow();
      }
    }
  });

  it('huge lines and deep trees, in bounded time', () => {
    const huge = 'A'.repeat(8 * 1024 * 1024);
    const cases = [
      `execve("/bin/x", ["${huge}"], ["K=${huge}"]) = 0`,
      `execve("/bin/x", [${Array.from({ length: 100_000 }, (_, i) => `"a${i}"`).join(', ')}], []) = 0`,
      `execve("${'\\'.repeat(1_000_001)}`,
      '['.repeat(1_000_000),
      `\n@@gpuctl-proc 1\n1 (x) S 0\n@@cmdline\n${'a\0'.repeat(500_000)}\n@@environ\n${'K=V\0'.repeat(500_000)}`,
      // A fork chain 20,000 processes deep, each exec'ing: parent links must not recurse the stack away.
      Array.from({ length: 20_000 }, (_, i) => `[pid ${i + 1}] execve("/bin/sh", ["sh"], []) = 0\n[pid ${i + 1}] clone(flags=SIGCHLD) = ${i + 2}`).join('\n'),
      Array.from({ length: 20_000 }, (_, i) => `\n@@gpuctl-proc ${i + 2}\n${i + 2} (sh) S ${i + 1} 1\n@@cmdline\nsh\0\n@@environ\nA=1\0`).join(''),
    ];
    for (const [i, text] of cases.entries()) {
      const started = performance.now();
      expect(() => parseAll(text), `case ${i}`).not.toThrow();
      expect(performance.now() - started, `case ${i} took too long`).toBeLessThan(15_000);
    }
  }, 120_000);
});

describe('exec-check --trace-file on what is not a trace', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-fuzz-'));
  const file = (name: string, content: string | Buffer) => {
    const p = path.join(dir, name);
    writeFileSync(p, content);
    return p;
  };

  it('random bytes, text, an empty file, a cut trace: one line, exit 2, never an internal error', async () => {
    const next = random(99);
    const inputs: [string, string | Buffer, RegExp][] = [
      ['random.bin', Buffer.from(Array.from({ length: 20_000 }, () => Math.floor(next() * 256))), /is not strace output/],
      ['notes.txt', 'hello\nthis is a README\r\n\u2028', /is not strace output/],
      ['empty', '', /is not strace output/],
      ['cut.trace', TRACE.slice(0, 40), /holds no successful execve/],
      ['failed.trace', 'execve("/x", ["/x"], 0x1 /* 1 vars */) = -1 ENOENT (No such file or directory)\n+++ exited with 1 +++\n', /holds no successful execve/],
    ];
    for (const [name, content, message] of inputs) {
      const r = await gpuctl(['exec-check', '--trace-file', file(name, content), '--stack', 'hami']);
      expect(r.exitCode, name).toBe(2);
      expect(r.stderr.split('\n'), name).toHaveLength(1);
      expect(r.stderr, name).toMatch(/^gpuctl: error: /);
      expect(r.stderr, name).toMatch(message);
      expect(r.stdout, name).toBe('');
    }
  });
});
