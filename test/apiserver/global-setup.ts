// Starts the real control plane (kube-apiserver + etcd, built on first use) once for the run and hands
// its address and certificates to the test files through vitest's provide/inject.
import type { TestProject } from 'vitest/node';
import { startControlPlane, type ControlPlaneInfo } from './control-plane.js';
import { ensureBinaries } from './build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    controlPlane: ControlPlaneInfo & { startSeconds: number };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bins = await ensureBinaries((line) => process.stderr.write(`apiserver: ${line}\n`)).catch((err: Error) => {
    // One line, not a stack: what to install (or that the build failed, with Go's own words).
    process.stderr.write(`apiserver: ${err.message}\n`);
    err.stack = err.message;
    throw err;
  });
  const cp = await startControlPlane({ bins });
  process.stderr.write(`apiserver: kube-apiserver ready at ${cp.url} in ${cp.startSeconds.toFixed(1)} s\n`);
  project.provide('controlPlane', { url: cp.url, etcdUrl: cp.etcdUrl, certDir: cp.certDir, dir: cp.dir, startSeconds: cp.startSeconds });
  return () => cp.stop();
}
