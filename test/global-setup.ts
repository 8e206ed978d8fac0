// The CLI tests run the real bundle (bin/gpuctl), so build it once before any test (once per run,
// however many test projects list this file).
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.GPUCTL_TEST_BUNDLE_BUILT === String(process.pid)) return;
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  process.env.GPUCTL_TEST_BUNDLE_BUILT = String(process.pid);
}
