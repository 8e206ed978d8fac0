// test/helpers/tools.ts: the tools the suite runs for real, checked up front by test/global-setup.ts.
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allowMissingTools, missingTools, missingToolsLine, TEST_TOOLS } from './helpers/tools.js';

describe('the tools the suite needs', () => {
  it('finds every one on the real PATH (what .ci/run installs)', () => {
    expect(missingTools()).toEqual([]);
    expect(missingToolsLine(missingTools())).toBeUndefined();
  });

  it('reports a tool missing from a PATH without it, in one line with its apt-get package', () => {
    // A PATH holding every tool but strace and script (links to the real ones).
    const dir = mkdtempSync(path.join(tmpdir(), 'gpuctl-tools-'));
    for (const { tool } of TEST_TOOLS.filter((t) => t.tool !== 'strace' && t.tool !== 'script')) {
      const real = process.env.PATH!.split(path.delimiter).map((d) => path.join(d, tool)).find((f) => missingTools(path.dirname(f)).every((m) => m.tool !== tool));
      symlinkSync(real!, path.join(dir, tool));
    }
    const missing = missingTools(dir);
    expect(missing.map((m) => m.tool)).toEqual(['strace', 'script']);
    const line = missingToolsLine(missing)!;
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toBe('gpuctl tests: strace, script not on PATH: install with `apt-get install -y strace bsdutils` (as .ci/run does), or set GPUCTL_TEST_ALLOW_MISSING_TOOLS=1 to skip the tests that need them');
    expect(missingTools('').map((m) => m.tool)).toEqual(['kubectl', 'containerd', 'strace', 'script']);
    expect(missingToolsLine(missingTools(''))).toMatch(/apt-get install -y kubernetes-client containerd strace bsdutils/);
  });

  it('skips knowingly only with GPUCTL_TEST_ALLOW_MISSING_TOOLS=1', () => {
    expect(allowMissingTools({})).toBe(false);
    expect(allowMissingTools({ GPUCTL_TEST_ALLOW_MISSING_TOOLS: '0' })).toBe(false);
    expect(allowMissingTools({ GPUCTL_TEST_ALLOW_MISSING_TOOLS: '1' })).toBe(true);
  });
});
