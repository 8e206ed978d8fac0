// The report in a real pseudo-terminal (issue 17): `script` gives gpuctl a TTY of 80 and of 120 columns; no line
// may be wider, and every word of the unwrapped report must come out whole, in the same order.
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { textWidth, visible } from '../../src/report/style.js';
import { gpuctl, ROOT } from '../helpers/cli.js';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function withoutColourSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...rest } = env;
  return rest;
}

/** gpuctl on a terminal of `cols` columns, colour on (as a user sees it), escape codes stripped. */
function onTerminal(cols: number, args: string[], env: Record<string, string> = {}): { stdout: string; raw: string; status: number | null } {
  const command = `stty cols ${cols} rows 60; exec bin/gpuctl ${args.map(quote).join(' ')}`;
  const r = spawnSync('script', ['-qfec', command, '/dev/null'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...withoutColourSettings(process.env), LC_ALL: '', LANG: 'C.UTF-8', TERM: 'xterm', ...env },
    input: '',
  });
  return { stdout: visible(r.stdout).replace(/\r\n/g, '\n').replace(/\r/g, ''), raw: r.stdout, status: r.status };
}

/** The words a reader (and a shell) sees: continuation backslashes dropped, pieces of a cut long word joined. */
function words(text: string, width?: number): string[] {
  const lines = text.split('\n').map((l) => l.replace(/ \\$/, ''));
  const out: string[] = [];
  let joinNext = false;
  for (const line of lines) {
    const ws = line.split(/\s+/).filter(Boolean);
    ws.forEach((w, i) => {
      if (joinNext && i === 0) out[out.length - 1] += w;
      else out.push(w);
    });
    // A word cut because it is wider than any line ends its line with / _ ( = , : . or -, and fills it.
    joinNext = !!width && ws.length === 1 && textWidth(line) > width - 25 && /[/_(=,:.-]$/.test(line) && ws[0]!.length > 40;
  }
  return out;
}

function expectFits(text: string, cols: number): void {
  const wide = text.split('\n').filter((l) => textWidth(l) > cols);
  expect(wide, `lines wider than ${cols}`).toEqual([]);
}

describe('the demo report in a pseudo-terminal', () => {
  for (const cols of [80, 120]) {
    it(`at ${cols} columns: no line wider (the default report and -o wide)`, () => {
      const summary = onTerminal(cols, ['doctor', '--demo']);
      expect(summary.status).toBe(1);
      expect(summary.stdout).toMatch(/^gpuctl doctor — snapshot /);
      expect(summary.raw, 'colour on a terminal').toContain('\x1b[31m✗');
      expectFits(summary.stdout, cols);
    });
    it(`-o wide at ${cols} columns: no line wider, no word broken, nothing lost`, async () => {
      const shown = onTerminal(cols, ['doctor', '--demo', '-o', 'wide']);
      expect(shown.status).toBe(1);
      expect(shown.stdout).toMatch(/^gpuctl doctor — snapshot /);
      expect(shown.raw, 'colour on a terminal').toContain('\x1b[31m✗');
      expectFits(shown.stdout, cols);
      const reference = await gpuctl(['doctor', '--demo', '-o', 'wide'], { COLUMNS: '100000' });
      expect(reference.stdout.split('\n').some((l) => l.length > 200)).toBe(true); // the reference is really unwrapped
      expect(words(shown.stdout, cols)).toEqual(words(reference.stdout));
    });
  }
  it('zh-CN at 80 columns: CJK characters count two columns', async () => {
    expectFits(onTerminal(80, ['--lang', 'zh-CN', 'doctor', '--demo']).stdout, 80);
    const shown = onTerminal(80, ['--lang', 'zh-CN', 'doctor', '--demo', '-o', 'wide']);
    expectFits(shown.stdout, 80);
    const reference = await gpuctl(['--lang', 'zh-CN', 'doctor', '--demo', '-o', 'wide'], { COLUMNS: '100000' });
    // Chinese breaks between characters: compare without the spaces that wrapping adds or removes.
    expect(shown.stdout.replace(/ \\\n/g, '').replace(/\s+/g, '')).toBe(reference.stdout.replace(/\s+/g, ''));
  });
  it('without a terminal the width is 80 (COLUMNS when set)', async () => {
    const piped = await gpuctl(['doctor', '--demo']);
    expectFits(piped.stdout, 80);
    expect(piped.stdout.split('\n').some((l) => textWidth(l) > 72)).toBe(true);
    expectFits((await gpuctl(['doctor', '--demo'], { COLUMNS: '60' })).stdout, 60);
  });
});

describe('exec-check in a pseudo-terminal', () => {
  it('prints its title first, then the process table, all within 80 columns', () => {
    const env = { PATH: '/opt/tensor-fusion:/usr/bin:/bin', LD_LIBRARY_PATH: '/opt/tensor-fusion', LD_PRELOAD: '/opt/tensor-fusion/libcuda-tf.so' };
    const shown = onTerminal(80, ['exec-check', '--local', '--', 'test/fixtures/entrypoints/bash-clean.sh'], env);
    // ld.so complains about the missing preload on the terminal too: those lines are the traced program's.
    const lines = shown.stdout.split('\n').filter((l) => !l.startsWith('ERROR: ld.so'));
    expect(lines[0]).toBe('gpuctl exec-check — local trace of test/fixtures/entrypoints/bash-clean.sh');
    const table = lines.findIndex((l) => /^PID\s+PROCESS\s+PATH\s+LD_LIBRARY_PATH\s+LD_PRELOAD$/.test(l));
    expect(table).toBeGreaterThan(0);
    expect(lines.findIndex((l) => l.startsWith('injection'))).toBeGreaterThan(table);
    expectFits(lines.join('\n'), 80);
    expect(lines.slice(table + 1, table + 5).some((l) => l.includes('…'))).toBe(true);
  });
});

describe('docs links', () => {
  it('are full URLs from package.json docs; the local path only with --debug', async () => {
    const { version, docs } = JSON.parse(execFileSync('cat', ['package.json'], { cwd: ROOT }).toString());
    const base = docs.replace('{version}', version);
    expect(base).toMatch(/^https:\/\//);
    const plain = (await gpuctl(['doctor', '--demo', '-o', 'wide'], { COLUMNS: '300' })).stdout;
    expect(plain).toContain(`see: ${base}checks/validator-failed.md`);
    expect(plain).not.toMatch(/see: docs\//);
    expect(plain).not.toContain('local: ');
    const debug = (await gpuctl(['--debug', 'doctor', '--demo', '-o', 'wide'], { COLUMNS: '300' })).stdout;
    expect(debug).toContain(`local: ${ROOT}/docs/checks/validator-failed.md`);
  });
});
