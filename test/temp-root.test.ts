// test/global-setup.ts: the tests' temporary files live under this run's own directory, which the run removes.
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('temporary files of a test run', () => {
  it('go under the run directory, for the tests and for the processes they start (gpuctl included)', () => {
    expect(path.basename(tmpdir())).toMatch(/^gpuctl-test-run-/);
    const child = execFileSync(process.execPath, ['-e', 'process.stdout.write(require("node:os").tmpdir())']).toString();
    expect(child).toBe(tmpdir());
  });
});
