// exec-check --trace-file on what cannot be read as a file: one line in a shell's words, exit 2, never a raw
// Node error ("Invalid string length" for /dev/zero, "EISDIR" for a directory) and never a hang (a FIFO).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRACE_FILE_LIMIT } from '../../src/sources/trace-file.js';
import { gpuctl } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-trace-file-'));

async function expectOneLine(file: string, why: string): Promise<void> {
  const started = performance.now();
  const r = await gpuctl(['exec-check', '--trace-file', file, '--stack', 'hami']);
  expect(performance.now() - started, `${file}: took too long (waiting on it?)`).toBeLessThan(20_000);
  expect(r.exitCode, file).toBe(2);
  expect(r.stdout, file).toBe('');
  expect(r.stderr, file).toBe(`gpuctl: error: --trace-file ${file}: ${why}`);
  expect(r.stderr, file).not.toMatch(/E[A-Z]{3,}|Invalid string length|internal error/);
}

describe('exec-check --trace-file: what is not a readable regular file', () => {
  it('a device (/dev/zero: endless) is not a regular file', () => expectOneLine('/dev/zero', 'is not a regular file (a device)'));

  it('a directory', () => expectOneLine(dir, 'is a directory'));

  it('a missing file', () => expectOneLine(path.join(dir, 'nope.trace'), 'no such file'));

  it('a FIFO is refused without opening it (no writer: opening it would wait forever)', async () => {
    const fifo = path.join(dir, 'trace.fifo');
    execFileSync('mkfifo', [fifo]);
    await expectOneLine(fifo, 'is not a regular file (a FIFO)');
  });

  it('a file over the limit, with the limit', async () => {
    const big = path.join(dir, 'big.trace');
    writeFileSync(big, '');
    truncateSync(big, TRACE_FILE_LIMIT + 1); // sparse: costs no disk
    await expectOneLine(big, `is too large: over the ${TRACE_FILE_LIMIT / 1048576} MB limit for a trace file (trace a shorter run, or filter it with strace -e trace=execve)`);
  });

  // Root reads a mode-000 file anyway, so there is nothing to refuse: only then is this case skipped.
  it.skipIf(process.getuid?.() === 0)('an unreadable file (mode 000): permission denied (skipped when the tests run as root, who can read it)', async () => {
    const locked = path.join(dir, 'locked.trace');
    writeFileSync(locked, 'execve("/bin/true", ["true"], 0x1 /* 1 vars */) = 0\n');
    chmodSync(locked, 0o000);
    await expectOneLine(locked, 'permission denied');
  });
});
