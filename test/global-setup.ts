// The CLI tests run the real bundle (bin/gpuctl), so build it once before any test (once per run,
// however many test projects list this file).
// Every temporary file of the run (tests' own, and gpuctl's under test: snapshots unpacked, collect's staging)
// goes under one directory of this run, removed at the end: a run leaves no gpuctl-* directory behind.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { allowMissingTools, missingTools, missingToolsLine } from './helpers/tools.js';

export default function setup(): (() => void) | void {
  if (process.env.GPUCTL_TEST_BUNDLE_BUILT === String(process.pid)) return;
  // Up front, in one line: a tool the suite runs for real is missing (not a silent skip of its tests).
  const missing = missingToolsLine(missingTools());
  if (missing && !allowMissingTools()) {
    process.stderr.write(`${missing}\n`);
    process.exit(1);
  }
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  process.env.GPUCTL_TEST_BUNDLE_BUILT = String(process.pid);
  const root = mkdtempSync(path.join(tmpdir(), 'gpuctl-test-run-'));
  // Workers and the processes they start inherit it; os.tmpdir() reads TMPDIR on every call.
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}
